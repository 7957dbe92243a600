#include "housekeep.h"

#include "../common/gw_err.h"
#include "../common/log.h"

int housekeep_purge(struct db *db, const struct gw_settings *cfg, time_t now,
		    struct housekeep_counts *out)
{
	struct housekeep_counts c = { 0, 0 };
	sqlite3_int64 cutoff = (sqlite3_int64)now - (sqlite3_int64)cfg->privacy.retain_days * 86400;
	sqlite3_stmt *st;
	int r;

	if ((r = db_begin(db)) < 0)
		return r;
	/* Texts carry income, disability and hardship: blank them, keep the counts. */
	if ((r = db_prepare(db, "UPDATE inbox SET text = '' WHERE stored_at < ? AND text <> ''",
			    &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, cutoff);
	if ((r = db_step(st)) < 0)
		goto out;
	c.texts_purged = db_changes(db);
	if ((r = db_prepare(db, "UPDATE inbox_parts SET text = '' WHERE stored_at < ? AND text <> ''"
				" AND inbox_id IS NOT NULL", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, cutoff);
	if ((r = db_step(st)) < 0)
		goto out;
	if ((r = db_prepare(db, "DELETE FROM sessions WHERE expires_at < ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if ((r = db_step(st)) < 0)
		goto out;
	c.sessions_expired = db_changes(db);
	if ((r = db_commit(db)) < 0)
		goto out;
	if (out)
		*out = c;
out:
	if (r < 0)
		db_rollback(db);
	return r;
}

int housekeep_run(struct db *db, const struct gw_settings *cfg, time_t now)
{
	struct housekeep_counts c;
	int r = housekeep_purge(db, cfg, now, &c);

	if (r < 0)
		log_warn("housekeeping failed: %s", gw_strerror(r));
	else if (c.texts_purged)
		log_info("privacy: blanked %d inbound text(s) older than %d days", c.texts_purged,
			 cfg->privacy.retain_days);
	return r;
}
