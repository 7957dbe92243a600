/* gatewayctl broadcast: send a job offer to its subscribers (queued; the
 * daemon sends at the modem's pace, outside quiet hours) and show how far
 * each broadcast got. One transaction and one audit row a broadcast. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "handlers/features/broadcast.h"
#include "handlers/features/jobs.h"

#define CTL_BROADCASTS_SHOWN 20 /* by `broadcast status` */

static const char broadcast_usage[] = "usage: gatewayctl broadcast JOB [--area AREA] [--type TYPE]\n"
				      "       gatewayctl broadcast status [ID]\n";

static int print_progress(struct ctl *c, struct db *db, int64_t id, time_t now)
{
	struct broadcast_progress p;
	sqlite3_stmt *st;
	struct buf line;
	char when[24];
	int r;

	buf_init(&line, 512);
	if ((r = db_prepare(db, "SELECT created_at, created_by, area, job_type, coalesce(job_id, 0)"
				" FROM broadcasts WHERE id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	ctl_when(c, sqlite3_column_int64(st, 0), when, sizeof(when));
	r = buf_addf(&line, "broadcast %lld  %s  by %s  ", (long long)id, when, db_col_text(st, 1));
	if (r == 0 && sqlite3_column_int64(st, 4))
		r = buf_addf(&line, "job %lld", (long long)sqlite3_column_int64(st, 4));
	else if (r == 0)
		r = buf_adds(&line, "notice");
	if (r == 0)
		r = buf_addf(&line, "  target: area=%s type=%s\n  ",
			     *db_col_text(st, 2) ? db_col_text(st, 2) : "any",
			     *db_col_text(st, 3) ? db_col_text(st, 3) : "any");
	sqlite3_reset(st);
	if (r < 0 || (r = broadcast_progress(db, &c->cfg, id, now, &p)) < 0 ||
	    (r = broadcast_progress_text(&c->cfg, &p, 1, &line)) < 0)
		goto out;
	printf("%s\n", line.data);
out:
	buf_release(&line);
	return r;
}

static int broadcast_status(struct ctl *c, struct db *db, const char *which)
{
	sqlite3_stmt *st;
	time_t now = time(NULL);
	int64_t ids[CTL_BROADCASTS_SHOWN];
	int n = 0, r;

	if (which) {
		char *end = NULL;
		long long id = strtoll(which, &end, 10);

		if (!*which || *end || id <= 0)
			return ctl_usage(broadcast_usage);
		if ((r = print_progress(c, db, (int64_t)id, now)) == GW_ERR_NOTFOUND)
			fprintf(stderr, "gatewayctl: no broadcast %lld\n", id);
		return r < 0 ? 1 : 0;
	}
	if ((r = db_prepare(db, "SELECT id FROM broadcasts ORDER BY id DESC LIMIT ?", &st)) < 0)
		return 1;
	sqlite3_bind_int(st, 1, CTL_BROADCASTS_SHOWN);
	while ((r = db_step(st)) == DB_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	if (r < 0)
		return 1;
	if (!n)
		printf("no broadcasts yet\n");
	if (broadcast_quiet(&c->cfg, now))
		printf("quiet hours now (%s-%s): broadcasts wait\n", c->cfg.broadcast.quiet_start,
		       c->cfg.broadcast.quiet_end);
	for (int i = n - 1; i >= 0; i--)
		if (print_progress(c, db, ids[i], now) < 0)
			return 1;
	return 0;
}

int ctl_cmd_broadcast(struct ctl *c, int argc, char **argv)
{
	const char *area = "", *type = "";
	const struct ctl_opt opts[] = {
		CTL_STRING(0, "area", &area), CTL_STRING(0, "type", &type), CTL_END,
	};
	struct db *db = NULL;
	struct job j;
	time_t now = time(NULL);
	int64_t id = 0;
	int first, n = 0, r, rc = 1;

	if (argc >= 2 && strcmp(argv[1], "status") == 0) {
		if (argc > 3)
			return ctl_usage(broadcast_usage);
		if (ctl_open_db(c, &db) == 0)
			rc = broadcast_status(c, db, argc == 3 ? argv[2] : NULL);
		db_close(db);
		return rc;
	}
	if ((first = ctl_options(c, argc, argv, opts)) != argc - 1)
		return ctl_usage(broadcast_usage);
	if (ctl_open_db(c, &db) < 0 || ctl_job(db, argv[first], &j) < 0)
		goto out;
	if ((r = db_begin(db)) < 0)
		goto out;
	/* gatewayctl is the administrator's tool: any area, any household */
	r = broadcast_queue_job(db, &c->cfg, j.id, area, type, NULL, c->actor, now, &id, &n);
	if (r == GW_ERR_INVAL) {
		db_rollback(db);
		fprintf(stderr, "gatewayctl: job %lld is closed or past its deadline, or '%s' is not a"
				" job type\n", (long long)j.id, type);
		goto out;
	}
	if (r == 0) {
		char detail[96], target[48];

		snprintf(detail, sizeof(detail), "job %s: %d recipients", j.code, n);
		snprintf(target, sizeof(target), "broadcast %lld", (long long)id);
		r = audit_write(db, now, c->actor, "broadcast", target, detail);
	}
	if (ctl_commit(db, r, "broadcast") < 0)
		goto out;
	rc = print_progress(c, db, id, now) < 0;
out:
	db_close(db);
	return rc;
}

