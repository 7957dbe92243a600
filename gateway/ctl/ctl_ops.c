/* gatewayctl audit, backup, stats, purge: running the box. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/content/progress.h"
#include "gateway/ctl/ctl.h"
#include "gateway/daemon/housekeep.h"

#define PURGE_BATCH 500

/* --since: "YYYY-MM-DD" (office time) or "Nd" (N days ago) -> Unix time. */
static int parse_since(const char *s, int utc_offset_min, time_t now, time_t *out)
{
	struct tm tm;
	int y, m, d, n;
	char extra;
	int r = GW_ERR_INVAL;

	if (sscanf(s, "%d%c%c", &n, &extra, &extra) == 2 && s[strlen(s) - 1] == 'd' && n >= 0 &&
	    n <= 36500) {
		*out = now - (time_t)n * 86400;
		r = 0;
	} else if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 &&
		   m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		*out = timegm(&tm) - (time_t)utc_offset_min * 60;
		r = 0;
	}
	return r;
}

static void fmt_time(int64_t t, int utc_offset_min, char *out, size_t outsz)
{
	time_t local = (time_t)(t + (int64_t)utc_offset_min * 60);
	struct tm tm;

	gmtime_r(&local, &tm);
	strftime(out, outsz, "%Y-%m-%d %H:%M", &tm);
}

int ctl_cmd_audit(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: gatewayctl audit [--since YYYY-MM-DD|Nd] [--limit N]\n";
	struct db *db = NULL;
	time_t since = 0;
	long limit = 50;
	sqlite3_stmt *st;
	char when[32], *end;
	int ch, r, rc = 1;

	while ((ch = getopt_long(argc, argv, "s:l:", longopts, NULL)) != -1) {
		if (ch == 's' && parse_since(optarg, c->cfg.office.utc_offset_min, time(NULL),
					     &since) == 0)
			continue;
		if (ch == 'l' && (limit = strtol(optarg, &end, 10)) > 0 && !*end)
			continue;
		fputs(usage, stderr);
		return 2;
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
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
		fmt_time(sqlite3_column_int64(st, 0), c->cfg.office.utc_offset_min, when, sizeof(when));
		printf("%-16s  %-24s  %-16s  %-12s  %s\n", when, db_col_text(st, 1),
		       db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4));
	}
	rc = r < 0 ? 1 : 0;
out:
	db_close(db);
	return rc;
}

int ctl_cmd_backup(struct ctl *c, int argc, char **argv)
{
	static const char usage[] = "usage: gatewayctl backup [--force] FILE\n";
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char tmp[PATH_MAX];
	struct db *db = NULL;
	struct stat sb;
	const char *dest;
	int ch, force = 0, r, rc = 1;

	tmp[0] = '\0';
	while ((ch = getopt_long(argc, argv, "f", longopts, NULL)) != -1) {
		if (ch != 'f') {
			fputs(usage, stderr);
			return 2;
		}
		force = 1;
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 2;
	}
	dest = argv[optind];
	if (!force && stat(dest, &sb) == 0) {
		fprintf(stderr, "gatewayctl: %s exists (--force replaces it)\n", dest);
		goto out;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", dest, (long)getpid()) >= (int)sizeof(tmp)) {
		tmp[0] = '\0';
		goto out;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	unlink(tmp);
	/* into a temporary name, renamed when complete: FILE is never half a copy */
	if ((r = db_backup(db, tmp)) < 0 || rename(tmp, dest) != 0) {
		fprintf(stderr, "gatewayctl: backup to %s failed: %s\n", dest,
			r < 0 ? gw_strerror(r) : strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	audit_write(db, time(NULL), c->actor, "backup", dest, "");
	if (stat(dest, &sb) == 0)
		printf("%s: %lld bytes, a consistent copy of %s\n", dest, (long long)sb.st_size,
		       c->cfg.database.path);
	rc = 0;
out:
	if (*tmp)
		unlink(tmp);
	db_close(db);
	return rc;
}

/* A "label  count" listing: a heading, then the rows of sql (label,
 * count; its one parameter is the start of the period), or `none`. */
struct listing {
	const char *heading;
	const char *sql;
	const char *none;
};

/* Print n listings, their rows indented by indent. */
static int print_listings(struct db *db, time_t since, const char *indent,
			  const struct listing *l, size_t n)
{
	sqlite3_stmt *st;
	int r = 0, rows;

	for (size_t i = 0; i < n; i++) {
		fputs(l[i].heading, stdout);
		if ((r = db_prepare(db, l[i].sql, &st)) < 0)
			goto out;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
		rows = 0;
		while ((r = db_step(st)) == DB_ROW) {
			printf("%s%-28s %8lld\n", indent,
			       *db_col_text(st, 0) ? db_col_text(st, 0) : "(none)",
			       (long long)sqlite3_column_int64(st, 1));
			rows++;
		}
		if (r < 0)
			goto out;
		if (rows == 0)
			printf("%s%s\n", indent, l[i].none);
	}
	r = 0;
out:
	return r;
}

/* The one row of a summary query whose one parameter is the start of the
 * period; the caller resets *out after reading it. */
static int period_row(struct db *db, const char *sql, time_t since, sqlite3_stmt **out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, sql, &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_DB;
		goto out;
	}
	*out = st;
	r = 0;
out:
	return r;
}

static int stats_traffic(struct db *db, time_t since)
{
	static const struct listing by_kind[] = {
		{ "  sent, by kind\n",
		  "SELECT kind, count(*) FROM outbox WHERE status = 'sent'"
		  " AND sent_at >= ? GROUP BY kind ORDER BY 2 DESC", "nothing sent" },
	};
	sqlite3_stmt *st;
	int r;

	if ((r = period_row(db, "SELECT (SELECT count(*) FROM inbox WHERE stored_at >= ?1),"
			       " (SELECT count(DISTINCT sender) FROM inbox WHERE stored_at >= ?1),"
			       " (SELECT count(*) FROM inbox WHERE stored_at >= ?1 AND channel = 'call'),"
			       " (SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?1),"
			       " (SELECT coalesce(sum(parts), 0) FROM outbox WHERE status = 'sent'"
			       "   AND sent_at >= ?1),"
			       " (SELECT count(*) FROM outbox WHERE status = 'failed' AND created_at >= ?1),"
			       " (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending'))",
			       since, &st)) < 0)
		goto out;
	printf("Traffic\n");
	printf("  %-28s %8lld  from %lld numbers (%lld missed calls)\n", "messages received",
	       (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
	       (long long)sqlite3_column_int64(st, 2));
	printf("  %-28s %8lld  in %lld SMS parts\n", "messages sent",
	       (long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4));
	printf("  %-28s %8lld\n", "failed to send", (long long)sqlite3_column_int64(st, 5));
	printf("  %-28s %8lld\n", "waiting in the queue now", (long long)sqlite3_column_int64(st, 6));
	sqlite3_reset(st);
	r = print_listings(db, since, "    ", by_kind, 1);
out:
	return r;
}

static int stats_content(struct db *db, time_t since)
{
	static const struct listing lists[] = {
		{ "\nWhat people asked (intents)\n",
		  "SELECT intent, count(*) FROM inbox WHERE stored_at >= ?"
		  " AND status = 'handled' GROUP BY intent ORDER BY 2 DESC, 1", "no messages handled" },
		{ "\nTop programs asked about\n",
		  "SELECT ref_code, count(*) FROM inbox WHERE stored_at >= ?"
		  " AND intent = 'policy' AND ref_code <> ''"
		  " GROUP BY ref_code ORDER BY 2 DESC, 1 LIMIT 10", "none" },
		{ "\nReferrals (job applications), by status\n",
		  "SELECT status, count(*) FROM referrals WHERE created_at >= ?"
		  " GROUP BY status ORDER BY 2 DESC", "none" },
		{ "\nAppointments, by status\n",
		  "SELECT status, count(*) FROM appointments WHERE created_at >= ?"
		  " GROUP BY status ORDER BY 2 DESC", "none" },
	};

	return print_listings(db, since, "  ", lists, sizeof(lists) / sizeof(lists[0]));
}

static int stats_modem(struct db *db, time_t since)
{
	static const struct listing failures[] = {
		{ "  send failures, by error\n",
		  "SELECT error, count(*) FROM outbox WHERE status = 'failed'"
		  " AND created_at >= ? GROUP BY error ORDER BY 2 DESC LIMIT 10", "none" },
		{ "  messages the gateway could not handle\n",
		  "SELECT error, count(*) FROM inbox WHERE status = 'failed'"
		  " AND stored_at >= ? GROUP BY error ORDER BY 2 DESC LIMIT 10", "none" },
	};
	sqlite3_stmt *st;
	int r;

	/* rate while sending: parts over the hours that had any sending, so
	 * quiet nights do not dilute what the modem manages */
	if ((r = period_row(db, "SELECT coalesce(sum(p), 0), count(*), coalesce(max(p), 0) FROM"
			       " (SELECT sum(parts) AS p FROM outbox WHERE status = 'sent'"
			       "  AND sent_at >= ? GROUP BY sent_at / 3600)", since, &st)) < 0)
		goto out;
	printf("\nModem\n");
	if (sqlite3_column_int64(st, 1) > 0)
		printf("  %-28s %8.1f  parts/hour over %lld hour(s) with sending; busiest hour %lld\n",
		       "send rate", (double)sqlite3_column_int64(st, 0) /
		       (double)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 1),
		       (long long)sqlite3_column_int64(st, 2));
	else
		printf("  %-28s %8s\n", "send rate", "-");
	sqlite3_reset(st);
	if ((r = print_listings(db, since, "    ", failures,
				sizeof(failures) / sizeof(failures[0]))) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT last_error, sent_parts FROM modem_status WHERE id = 1",
			    &st)) < 0 || (r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_DB;
		goto out;
	}
	printf("  %-28s %8lld\n", "parts sent since install", (long long)sqlite3_column_int64(st, 1));
	if (*db_col_text(st, 0))
		printf("  %-28s %s\n", "last modem error", db_col_text(st, 0));
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

int ctl_cmd_stats(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: gatewayctl stats [--since YYYY-MM-DD|Nd]  (default 7d)\n";
	time_t now = time(NULL), since = now - 7 * 86400;
	struct db *db = NULL;
	char when[32];
	int ch, r, rc = 1;

	while ((ch = getopt_long(argc, argv, "s:", longopts, NULL)) != -1) {
		if (ch == 's' && parse_since(optarg, c->cfg.office.utc_offset_min, now, &since) == 0)
			continue;
		fputs(usage, stderr);
		return 2;
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	fmt_time((int64_t)since, c->cfg.office.utc_offset_min, when, sizeof(when));
	printf("Since %s (office time)\n\n", when);
	if ((r = stats_traffic(db, since)) < 0 || (r = stats_content(db, since)) < 0 ||
	    (r = stats_modem(db, since)) < 0) {
		fprintf(stderr, "gatewayctl: stats failed: %s\n", gw_strerror(r));
		goto out;
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}

int ctl_cmd_purge(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: gatewayctl purge [--days N]"
				    "  (default privacy.retain_days)\n";
	long days = c->cfg.privacy.retain_days;
	time_t now = time(NULL);
	struct progress prog;
	struct db *db = NULL;
	int64_t pending = 0;
	char detail[96], *end;
	long done = 0;
	int ch, n = 0, r, rc = 1;

	while ((ch = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
		if (ch == 'd' && (days = strtol(optarg, &end, 10)) >= 1 && days <= 36500 && !*end)
			continue;
		fputs(usage, stderr);
		return 2;
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
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
