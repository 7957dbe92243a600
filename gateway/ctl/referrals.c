/* gatewayctl referrals: who applied for which offer, and when the
 * officer was told. */
#include <stdio.h>
#include <string.h>

#include "gateway/ctl/ctl.h"
#include "handlers/features/jobs.h"
#include "handlers/features/referrals.h"

int ctl_cmd_referrals(struct ctl *c, int argc, char **argv)
{
	sqlite3_stmt *st;
	struct db *db = NULL;
	struct job j;
	char applied[24], told[24], local[32];
	int64_t job = 0;
	int r, rc = 1;

	if (!(argc == 1 || (argc == 3 && strcmp(argv[1], "--job") == 0))) {
		fprintf(stderr, "usage: gatewayctl referrals [--job N|CODE]\n");
		return 2;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (argc == 3) {
		if (ctl_job(db, argv[2], &j) < 0)
			goto out;
		job = j.id;
	}
	if ((r = db_prepare(db, "SELECT r.id, r.job_id, j.code, r.phone, r.status, r.created_at,"
				" coalesce(r.notified_at, 0), coalesce(o.name, '')"
				" FROM referrals r JOIN jobs j ON j.id = r.job_id"
				" LEFT JOIN officers o ON o.id = r.officer_id"
				" WHERE ?1 = 0 OR r.job_id = ?1 ORDER BY r.id", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, job);
	printf("%4s %4s  %-12s %-12s %-9s %-16s %-16s %s\n", "ID", "JOB", "CODE", "PHONE", "STATUS",
	       "APPLIED", "OFFICER TOLD", "OFFICER");
	while ((r = db_step(st)) == DB_ROW) {
		ctl_when(c, sqlite3_column_int64(st, 5), applied, sizeof(applied));
		ctl_when(c, sqlite3_column_int64(st, 6), told, sizeof(told));
		referrals_local_phone(db_col_text(st, 3), local, sizeof(local));
		printf("%4lld %4lld  %-12s %-12s %-9s %-16s %-16s %s\n",
		       (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		       db_col_text(st, 2), local, db_col_text(st, 4), applied, told, db_col_text(st, 7));
	}
	rc = r < 0;
out:
	db_close(db);
	return rc;
}
