/* gatewayctl purge: blank the text of inbound messages older than
 * privacy.retain_days (or --days), in batches so the daemon is never held
 * up for long; the rows and their figures stay for the statistics. */
#include <stdio.h>
#include <time.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "gateway/content/progress.h"
#include "gateway/ctl/ctl.h"
#include "gateway/daemon/housekeep.h"

#define PURGE_BATCH 500

int ctl_cmd_purge(struct ctl *c, int argc, char **argv)
{
	long days = c->cfg.privacy.retain_days;
	const struct ctl_opt opts[] = { CTL_LONG('d', "days", &days, 1, 36500), CTL_END };
	time_t now = time(NULL);
	struct progress prog;
	struct db *db = NULL;
	int64_t pending = 0;
	char detail[96];
	long done = 0;
	int n = 0, r, rc = 1;

	if (ctl_options(c, argc, argv, opts) != argc)
		return ctl_usage("usage: gatewayctl purge [--days N]  (default privacy.retain_days)\n");
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if ((r = housekeep_purge_pending(db, (int)days, now, &pending)) < 0)
		goto fail;
	progress_begin(&prog, "blanking old inbound texts", (long)pending);
	do {
		if ((r = housekeep_purge_batch(db, (int)days, now, PURGE_BATCH, &n)) < 0)
			break;
		done += n;
		progress_update(&prog, done);
	} while (n == PURGE_BATCH);
	progress_end(&prog);
	if (r < 0)
		goto fail;
	snprintf(detail, sizeof(detail), "%ld inbound text(s) older than %ld days blanked", done, days);
	if ((r = audit_write(db, time(NULL), c->actor, "purge", "inbox", detail)) < 0)
		goto fail;
	printf("%s\n", detail);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "gatewayctl: purge failed: %s\n", gw_strerror(r));
out:
	db_close(db);
	return rc;
}
