/* gatewayctl status: each modem as the daemon last saw it (connected,
 * signal, operator, SIM, balance, whether routing uses it, its operators
 * and limits, sent today), the queues, the recent traffic and the hub's
 * content, from the database (no need for a running daemon). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gateway/ctl/ctl.h"
#include "gateway/hub/hub_state.h"
#include "handlers/features/broadcast.h"

static void print_time(const char *label, sqlite3_stmt *st, int col, time_t now)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		printf("%-16s never\n", label);
		return;
	}
	printf("%-16s %lld s ago\n", label, (long long)(now - sqlite3_column_int64(st, col)));
}

/* What the network said of the last day's messages (gateway/daemon/settle.h):
 * delivery reports, and the messages a crash left in doubt. */
static int print_delivery(struct ctl *c, struct db *db, time_t now)
{
	sqlite3_stmt *st;
	int asked = 0, r;

	if ((r = db_row(db, "SELECT (SELECT count(*) FROM outbox WHERE sent_at > ?1 AND dlr = 'delivered'),"
			    " (SELECT count(*) FROM outbox WHERE sent_at > ?1 AND dlr = 'failed'),"
			    " (SELECT count(*) FROM outbox WHERE sent_at > ?1 AND dlr = 'buffered'),"
			    " (SELECT count(*) FROM outbox WHERE sent_at > ?1 AND dlr = 'submitted'),"
			    " (SELECT count(*) FROM outbox WHERE status = 'sent_unknown'"
			    "   AND unknown_at IS NOT NULL),"
			    " (SELECT coalesce(sum(resends), 0) FROM outbox WHERE created_at > ?1),"
			    " (SELECT count(*) FROM delivery_reports WHERE received_at > ?1"
			    "   AND outbox_id IS NULL)",
			DB_ARGS(DB_INT(now - 86400)), &st)) < 0)
		goto out;
	for (int i = 0; i < c->cfg.nmodems; i++)
		asked += c->cfg.modems[i].delivery_reports != 0;
	printf("\nDelivery reports (%s)  last day\n",
	       asked == c->cfg.nmodems ? "asked for" : asked ? "asked for by some modems"
								: "not asked for");
	printf("%-16s %9s %10d\n", "delivered", "", sqlite3_column_int(st, 0));
	printf("%-16s %9s %10d\n", "failed", "", sqlite3_column_int(st, 1));
	printf("%-16s %9s %10d\n", "pending", "", sqlite3_column_int(st, 2));
	printf("%-16s %9s %10d\n", "no report yet", "", sqlite3_column_int(st, 3));
	printf("%-16s %9s %10d\n", "sent again", "", sqlite3_column_int(st, 5));
	printf("%-16s %9s %10d\n", "unmatched", "", sqlite3_column_int(st, 6));
	printf("%-16s %9s %10d\n", "in doubt (now)", "", sqlite3_column_int(st, 4));
	sqlite3_reset(st);
out:
	return r;
}

/* Why routing passes this modem over, or "in routing". */
static void print_routing(sqlite3_stmt *st, time_t now)
{
	const char *hold = db_col_text(st, 12);
	int64_t until = sqlite3_column_int64(st, 13), alive = sqlite3_column_int64(st, 14);

	if (!sqlite3_column_int(st, 0))
		printf("%-16s out: not connected\n", "routing");
	else if (alive < now)
		printf("%-16s out: its worker has been in one modem call for over %lld s\n",
		       "routing", (long long)(now - alive));
	else if (strcmp(hold, "no credit") == 0)
		printf("%-16s out: no credit (checked again every few minutes)\n", "routing");
	else if (*hold && until > now)
		printf("%-16s out: %s (tried again in %lld s)\n", "routing", hold,
		       (long long)(until - now));
	else
		printf("%-16s in\n", "routing");
}

static void print_limit(const char *label, int n)
{
	if (n > 0)
		printf(" %d %s;", n, label);
	else
		printf(" no limit %s;", label);
}

/* One modem as the daemon last recorded it; 1 when there was a row. */
static int print_modem(struct db *db, const struct gw_modem_settings *ms, time_t now,
		       time_t day_start)
{
	sqlite3_stmt *st;
	int64_t sent = 0;

	printf("Modem %s (%s)\n", ms->name, ms->device);
	if (db_row(db, "SELECT connected, signal_percent, battery_percent, network, security,"
		       " balance, last_contact, last_error, last_error_at, sent_parts, operators,"
		       " balance_vnd, hold, hold_until, alive_until, same_text_per_5min,"
		       " same_text_per_hour, same_text_per_day, per_day"
		       " FROM modem_status WHERE name = ?", DB_ARGS(DB_TEXT(ms->name)), &st) < 0) {
		printf("%-16s never seen by the daemon\n", "connected");
		return 0;
	}
	printf("%-16s %s\n", "connected", sqlite3_column_int(st, 0) ? "yes" : "no");
	printf("%-16s %s%s\n", "signal", sqlite3_column_type(st, 1) == SQLITE_NULL ? "unknown"
			       : db_col_text(st, 1), sqlite3_column_type(st, 1) == SQLITE_NULL ? "" : "%");
	printf("%-16s %s\n", "network", *db_col_text(st, 3) ? db_col_text(st, 3) : "unknown");
	printf("%-16s %s\n", "SIM", *db_col_text(st, 4) ? db_col_text(st, 4) : "unknown");
	if (*db_col_text(st, 5))
		printf("%-16s %s\n", "balance", db_col_text(st, 5));
	print_routing(st, now);
	printf("%-16s %s\n", "operators", *db_col_text(st, 10) ? db_col_text(st, 10)
			       : "(none: sends to any operator)");
	printf("%-16s same text:", "limits");
	print_limit("/ 5 min", sqlite3_column_int(st, 15));
	print_limit("/ hour", sqlite3_column_int(st, 16));
	print_limit("/ 24 h", sqlite3_column_int(st, 17));
	printf(" any text:");
	print_limit("/ day", sqlite3_column_int(st, 18));
	printf("\n");
	print_time("last contact", st, 6, now);
	if (*db_col_text(st, 7)) {
		printf("%-16s %s (", "last error", db_col_text(st, 7));
		printf("%lld s ago)\n", (long long)(now - sqlite3_column_int64(st, 8)));
	}
	printf("%-16s %d\n", "parts sent", sqlite3_column_int(st, 9));
	sqlite3_reset(st);
	if (db_row(db, "SELECT count(*) FROM outbox WHERE modem = ? AND status = 'sent'"
		       " AND claimed_at >= ?", DB_ARGS(DB_TEXT(ms->name), DB_INT(day_start)), &st) == 0) {
		sent = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	printf("%-16s %lld\n", "sent today", (long long)sent);
	return 1;
}

static void print_when(const char *label, int64_t t, time_t now)
{
	if (t)
		printf("%-16s %lld s ago\n", label, (long long)(now - t));
	else
		printf("%-16s never\n", label);
}

/* The hub's content here: version, when, the last pull. */
static int print_content(const struct ctl *c, struct db *db, time_t now)
{
	struct hub_state s;
	char when[32];
	int r;

	if ((r = hub_state_get(db, &s)) < 0)
		return r;
	printf("\nContent (%s)\n", *c->cfg.sync.url ? c->cfg.sync.url : "no hub: sync.url is empty");
	if (s.version) {
		ctl_office_time(c, s.published_at, when, sizeof(when));
		printf("%-16s %lld (published %s)\n", "version", (long long)s.version,
		       s.published_at ? when : "-");
		print_when("applied", s.applied_at, now);
	} else {
		printf("%-16s %s\n", "version", "none from a hub");
	}
	print_when("last pull", s.pulled_at, now);
	if (s.pulled_at)
		printf("%-16s %s%s\n", "result", s.pull_ok ? "ok" : "failed: ", s.pull_ok ? "" : s.pull_error);
	if (s.published)
		printf("%-16s %lld\n", "published here", (long long)s.published);
	return 0;
}

int ctl_cmd_status(struct ctl *c, int argc, char **argv)
{
	struct db *db = NULL;
	time_t now = time(NULL);
	sqlite3_stmt *st;
	int r, rc = 1;

	if (argc != 1) {
		fprintf(stderr, "usage: gatewayctl status\n");
		return 2;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	for (int i = 0; i < c->cfg.nmodems; i++) {
		if (i)
			printf("\n");
		print_modem(db, &c->cfg.modems[i], now, broadcast_day_start(&c->cfg, now));
	}
	printf("\nQueues\n");
	if ((r = db_prepare(db, "SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status",
			    &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW)
		printf("%-16s %d\n", db_col_text(st, 0), sqlite3_column_int(st, 1));
	if ((r = db_prepare(db, "SELECT count(*) FROM inbox_parts WHERE inbox_id IS NULL", &st)) < 0 ||
	    db_step(st) != DB_ROW)
		goto out;
	printf("%-16s %d\n", "partial inbound", sqlite3_column_int(st, 0));
	sqlite3_reset(st);
	printf("\nTraffic           last hour   last day\n");
	if ((r = db_prepare(db, "SELECT (SELECT count(*) FROM inbox WHERE stored_at > ?1),"
				" (SELECT count(*) FROM inbox WHERE stored_at > ?2),"
				" (SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at > ?1),"
				" (SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at > ?2),"
				" (SELECT count(*) FROM outbox WHERE status = 'failed' AND created_at > ?2)",
			    &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - 3600));
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(now - 86400));
	if (db_step(st) != DB_ROW)
		goto out;
	printf("%-16s %9d %10d\n", "received", sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
	printf("%-16s %9d %10d\n", "sent", sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
	printf("%-16s %9s %10d\n", "failed", "", sqlite3_column_int(st, 4));
	sqlite3_reset(st);
	if ((r = print_delivery(c, db, now)) < 0 || print_content(c, db, now) < 0)
		goto out;
	rc = 0;
out:
	db_close(db);
	return rc;
}
