/* gatewayctl stats: what the gateway did over a period - traffic (the
 * messages received, split so that the parts add up), what people asked,
 * the programmes reached by any route, referrals, appointments, and how
 * the modem copes. Times are office time (or UTC with --utc), hours
 * written as hours. */
#include <stdio.h>
#include <time.h>

#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"

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
	static const struct listing lists[] = {
		{ "  skipped, by reason\n",
		  "SELECT error, count(*) FROM inbox WHERE status = 'skipped' AND stored_at >= ?"
		  " GROUP BY error ORDER BY 2 DESC, 1", "none" },
		{ "  sent, by kind\n",
		  "SELECT kind, count(*) FROM outbox WHERE status = 'sent'"
		  " AND sent_at >= ? GROUP BY kind ORDER BY 2 DESC", "nothing sent" },
	};
	static const char *const states[] = { "handled", "skipped (never answered)", "failed",
					       "not handled yet" };
	sqlite3_stmt *st;
	int r;

	if ((r = period_row(db, "SELECT (SELECT count(*) FROM inbox WHERE stored_at >= ?1),"
			       " (SELECT count(DISTINCT sender) FROM inbox WHERE stored_at >= ?1),"
			       " (SELECT count(*) FROM inbox WHERE stored_at >= ?1 AND channel = 'call'),"
			       " (SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?1),"
			       " (SELECT coalesce(sum(parts), 0) FROM outbox WHERE status = 'sent'"
			       "   AND sent_at >= ?1),"
			       " (SELECT count(*) FROM outbox WHERE status = 'failed' AND created_at >= ?1),"
			       " (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')),"
			       " (SELECT count(*) FROM inbox WHERE stored_at >= ?1 AND status = 'handled'),"
			       " (SELECT count(*) FROM inbox WHERE stored_at >= ?1 AND status = 'skipped'),"
			       " (SELECT count(*) FROM inbox WHERE stored_at >= ?1 AND status = 'failed'),"
			       " (SELECT count(*) FROM inbox WHERE stored_at >= ?1"
			       "   AND status NOT IN ('handled', 'skipped', 'failed'))",
			       since, &st)) < 0)
		goto out;
	printf("Traffic\n");
	printf("  %-28s %8lld  from %lld numbers (%lld missed calls)\n", "messages received",
	       (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
	       (long long)sqlite3_column_int64(st, 2));
	/* every message received is in exactly one of these: they add up */
	for (int i = 0; i < 4; i++)
		printf("    %-26s %8lld\n", states[i], (long long)sqlite3_column_int64(st, 7 + i));
	printf("    (received = handled + skipped + failed + not handled yet)\n");
	printf("  %-28s %8lld  in %lld SMS parts\n", "messages sent",
	       (long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4));
	printf("  %-28s %8lld\n", "failed to send", (long long)sqlite3_column_int64(st, 5));
	printf("  %-28s %8lld\n", "waiting in the queue now", (long long)sqlite3_column_int64(st, 6));
	sqlite3_reset(st);
	r = print_listings(db, since, "    ", lists, sizeof(lists) / sizeof(lists[0]));
out:
	return r;
}

/* Programmes reached by any route: CS, a free-text question, the
 * eligibility answer, an appointment about one. */
static int stats_programs(struct db *db, time_t since)
{
	sqlite3_stmt *st;
	int r, rows = 0;

	printf("\nPrograms asked about, by any route\n  %-28s %8s  %6s  %11s  %11s\n", "", "total",
	       "policy", "eligibility", "appointment");
	if ((r = db_prepare(db, "SELECT ref_code, count(*), sum(intent = 'policy'),"
				" sum(intent = 'eligibility'), sum(intent = 'appointment') FROM inbox"
				" WHERE stored_at >= ? AND status = 'handled'"
				" AND ref_code IN (SELECT code FROM programs)"
				" GROUP BY ref_code ORDER BY 2 DESC, 1 LIMIT 10", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	while ((r = db_step(st)) == DB_ROW) {
		printf("  %-28s %8lld  %6lld  %11lld  %11lld\n", db_col_text(st, 0),
		       (long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 2),
		       (long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4));
		rows++;
	}
	if (r < 0)
		goto out;
	if (rows == 0)
		printf("  none\n");
	r = 0;
out:
	return r;
}

static int stats_content(struct db *db, time_t since)
{
	static const struct listing intents[] = {
		{ "\nWhat people asked (intents of the messages handled)\n",
		  "SELECT intent, count(*) FROM inbox WHERE stored_at >= ?"
		  " AND status = 'handled' GROUP BY intent ORDER BY 2 DESC, 1", "no messages handled" },
	};
	static const struct listing lists[] = {
		{ "\nReferrals (job applications), by status\n",
		  "SELECT status, count(*) FROM referrals WHERE created_at >= ?"
		  " GROUP BY status ORDER BY 2 DESC", "none" },
		{ "\nAppointments, by status\n",
		  "SELECT status, count(*) FROM appointments WHERE created_at >= ?"
		  " GROUP BY status ORDER BY 2 DESC", "none" },
	};
	int r;

	if ((r = print_listings(db, since, "  ", intents, 1)) < 0 ||
	    (r = stats_programs(db, since)) < 0)
		return r;
	return print_listings(db, since, "  ", lists, sizeof(lists) / sizeof(lists[0]));
}

static int stats_modem(const struct ctl *c, struct db *db, time_t since)
{
	static const struct listing failures[] = {
		{ "  send failures, by error\n",
		  "SELECT error, count(*) FROM outbox WHERE status = 'failed'"
		  " AND created_at >= ? GROUP BY error ORDER BY 2 DESC LIMIT 10", "none" },
		{ "  messages the gateway could not handle\n",
		  "SELECT error, count(*) FROM inbox WHERE status = 'failed'"
		  " AND stored_at >= ? GROUP BY error ORDER BY 2 DESC LIMIT 10", "none" },
	};
	char from[32], to[32];
	sqlite3_stmt *st;
	int r;

	/* rate while sending: parts over the hours that had any sending, so
	 * quiet nights do not dilute what the modem manages */
	if ((r = period_row(db, "SELECT coalesce(sum(p), 0), count(*) FROM"
			       " (SELECT sum(parts) AS p FROM outbox WHERE status = 'sent'"
			       "  AND sent_at >= ? GROUP BY sent_at / 3600)", since, &st)) < 0)
		goto out;
	printf("\nModem\n");
	if (sqlite3_column_int64(st, 1) > 0)
		printf("  %-28s %8.1f  parts/hour over %lld hour(s) with sending\n", "send rate",
		       (double)sqlite3_column_int64(st, 0) / (double)sqlite3_column_int64(st, 1),
		       (long long)sqlite3_column_int64(st, 1));
	else
		printf("  %-28s %8s\n", "send rate", "-");
	sqlite3_reset(st);
	/* the busiest hour as a time of day, and what it carried */
	if ((r = db_prepare(db, "SELECT sent_at / 3600 * 3600 AS h, sum(parts) FROM outbox"
				" WHERE status = 'sent' AND sent_at >= ? GROUP BY h"
				" ORDER BY 2 DESC, 1 LIMIT 1", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	if ((r = db_step(st)) == DB_ROW) {
		int64_t h = sqlite3_column_int64(st, 0);

		ctl_office_time(c, h, from, sizeof(from));
		ctl_office_time(c, h + 3600, to, sizeof(to));
		printf("  %-28s %8lld  parts, %s to %s\n", "busiest hour",
		       (long long)sqlite3_column_int64(st, 1), from, to + 11);
		sqlite3_reset(st);
	}
	if (r < 0)
		goto out;
	if ((r = print_listings(db, since, "    ", failures,
				sizeof(failures) / sizeof(failures[0]))) < 0)
		goto out;
	/* every modem's; the latest error of any of them */
	if ((r = db_prepare(db, "SELECT coalesce((SELECT name || ': ' || last_error FROM modem_status"
				" WHERE last_error <> '' ORDER BY last_error_at DESC LIMIT 1), ''),"
				" coalesce(sum(sent_parts), 0) FROM modem_status", &st)) < 0 ||
	    (r = db_step(st)) != DB_ROW) {
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

/* Delivery over the period, of the messages sent with a report asked for:
 * shares by the network's last word, the median time from handing a
 * message over to its delivery, and what a crash left in doubt. */
static int stats_delivery(struct db *db, time_t since)
{
	sqlite3_stmt *st;
	long long asked, delivered, failed, pending;
	int r;

	if ((r = period_row(db, "SELECT count(*), coalesce(sum(dlr = 'delivered'), 0),"
			       " coalesce(sum(dlr = 'failed'), 0), coalesce(sum(dlr = 'buffered'), 0)"
			       " FROM outbox WHERE status = 'sent' AND sent_at >= ? AND dlr <> ''",
			       since, &st)) < 0)
		goto out;
	asked = sqlite3_column_int64(st, 0);
	delivered = sqlite3_column_int64(st, 1);
	failed = sqlite3_column_int64(st, 2);
	pending = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	printf("\nDelivery (messages sent with a delivery report asked for: %lld)\n", asked);
	if (asked > 0) {
		printf("  %-28s %8lld  %5.1f %%\n", "delivered", delivered, 100.0 * (double)delivered /
		       (double)asked);
		printf("  %-28s %8lld  %5.1f %%\n", "failed", failed, 100.0 * (double)failed /
		       (double)asked);
		printf("  %-28s %8lld  %5.1f %%\n", "still pending", pending, 100.0 * (double)pending /
		       (double)asked);
		printf("  %-28s %8lld  %5.1f %%\n", "no report", asked - delivered - failed - pending,
		       100.0 * (double)(asked - delivered - failed - pending) / (double)asked);
	}
	/* the middle one of the delivered, by time from sent to delivered
	 * (NULL when nothing was) */
	if ((r = period_row(db, "SELECT (SELECT max(0, dlr_at - sent_at) AS d FROM outbox"
			       " WHERE status = 'sent' AND dlr = 'delivered' AND sent_at >= ?1"
			       " ORDER BY d LIMIT 1 OFFSET (SELECT count(*) FROM outbox"
			       "  WHERE status = 'sent' AND dlr = 'delivered' AND sent_at >= ?1) / 2)",
			       since, &st)) < 0)
		goto out;
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		printf("  %-28s %8s\n", "median time to delivery", "-");
	else
		printf("  %-28s %8lld  s\n", "median time to delivery",
		       (long long)sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	if ((r = period_row(db, "SELECT coalesce(sum(resends), 0),"
			       " (SELECT count(*) FROM outbox WHERE status = 'sent_unknown' AND kind = 'broadcast'"
			       "   AND created_at >= ?1),"
			       " (SELECT count(*) FROM delivery_reports WHERE outbox_id IS NULL"
			       "   AND received_at >= ?1)"
			       " FROM outbox WHERE created_at >= ?1", since, &st)) < 0)
		goto out;
	printf("  %-28s %8lld\n", "sent again (in doubt)", (long long)sqlite3_column_int64(st, 0));
	printf("  %-28s %8lld\n", "broadcasts left in doubt", (long long)sqlite3_column_int64(st, 1));
	printf("  %-28s %8lld\n", "reports matching no message", (long long)sqlite3_column_int64(st, 2));
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

int ctl_cmd_stats(struct ctl *c, int argc, char **argv)
{
	time_t since = time(NULL) - 7 * 86400;
	const struct ctl_opt opts[] = { CTL_CALL('s', "since", &since, ctl_opt_since), CTL_END };
	struct db *db = NULL;
	char when[32];
	int r, rc = 1;

	if (ctl_options(c, argc, argv, opts) != argc)
		return ctl_usage("usage: gatewayctl stats [--since YYYY-MM-DD|Nd]  (default 7d)\n");
	if (ctl_open_db(c, &db) < 0)
		goto out;
	ctl_office_time(c, (int64_t)since, when, sizeof(when));
	printf("Since %s%s\n\n", when, c->utc ? "" : " (office time)");
	if ((r = stats_traffic(db, since)) < 0 || (r = stats_content(db, since)) < 0 ||
	    (r = stats_modem(c, db, since)) < 0 || (r = stats_delivery(db, since)) < 0) {
		fprintf(stderr, "gatewayctl: stats failed: %s\n", gw_strerror(r));
		goto out;
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}
