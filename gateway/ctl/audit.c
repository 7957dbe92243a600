/* gatewayctl audit: who changed what (the audit table), newest last. */
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "gateway/ctl/ctl.h"

int ctl_cmd_audit(struct ctl *c, int argc, char **argv)
{
	time_t since = 0;
	long limit = 50;
	const struct ctl_opt opts[] = {
		CTL_CALL('s', "since", &since, ctl_opt_since), CTL_LONG('l', "limit", &limit, 1, LONG_MAX),
		CTL_END,
	};
	struct db *db = NULL;
	sqlite3_stmt *st;
	char when[32];
	int r, rc = 1;

	if (ctl_options(c, argc, argv, opts) != argc)
		return ctl_usage("usage: gatewayctl audit [--since YYYY-MM-DD|Nd] [--limit N]\n");
	if (ctl_open_db(c, &db) < 0)
		goto out;
	/* the newest `limit` rows, printed oldest first like a log */
	if ((r = db_prepare(db, "SELECT at, actor, action, target, detail FROM"
				" (SELECT id, at, actor, action, target, detail FROM audit WHERE at >= ?"
				"  ORDER BY id DESC LIMIT ?) ORDER BY id", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	sqlite3_bind_int64(st, 2, limit);
	printf("%-16s  %-24s  %-16s  %-12s  %s\n", "WHEN", "WHO", "ACTION", "TARGET", "DETAIL");
	while ((r = db_step(st)) == DB_ROW) {
		ctl_office_time(c, sqlite3_column_int64(st, 0), when, sizeof(when));
		printf("%-16s  %-24s  %-16s  %-12s  %s\n", when, db_col_text(st, 1),
		       db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4));
	}
	rc = r < 0 ? 1 : 0;
out:
	db_close(db);
	return rc;
}
