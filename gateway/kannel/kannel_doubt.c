/* kannel_doubt.c - see kannel_doubt.h. */
#include "gateway/kannel/kannel_doubt.h"

#include <string.h>

#include "common/gw_err.h"
#include "common/log.h"

/* Report types that come for every message the SMSC took or refused. */
#define KANNEL_EVERY_MESSAGE (1 | 2 | 8 | 16)

int kannel_doubt_settles(const struct gw_settings *cfg)
{
	return strcmp(cfg->transport, "kannel") == 0 && cfg->kannel.resend_unknown_after_s > 0 &&
	       (cfg->kannel.dlr_mask & KANNEL_EVERY_MESSAGE) != 0;
}

int kannel_doubt_resend(struct db *db, const struct gw_settings *cfg, time_t started,
			time_t now, int *resent)
{
	int after = cfg->kannel.resend_unknown_after_s, r = 0;

	*resent = 0;
	if (!kannel_doubt_settles(cfg))
		goto out;
	/* the later row went after this one went in doubt (unknown_at; a
	 * row from before version 7 has none: since the start) */
	if ((r = db_run(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ?1,"
			    " unknown_at = NULL, resends = resends + 1,"
			    " error = 'in doubt after a crash and no delivery report: sent again'"
			    " WHERE status = 'sent_unknown' AND dlr = '' AND kind <> 'broadcast'"
			    " AND EXISTS (SELECT 1 FROM outbox later WHERE later.status = 'sent'"
			    "  AND later.sent_at >= max(?3, coalesce(outbox.unknown_at, ?3))"
			    "  AND later.dlr <> '' AND later.dlr_at >= ?3"
			    "  AND later.dlr_at <= ?1 - ?2)",
			DB_ARGS(DB_INT(now), DB_INT(after), DB_INT(started)))) < 0)
		goto out;
	if ((*resent = db_changes(db)) > 0)
		log_warn("outbox: %d answer(s) in doubt after a crash had no delivery report while"
			 " later ones did: sending them again", *resent);
out:
	return r;
}
