#include "gateway/daemon/ussd_requests.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/outbox.h"
#include "handlers/handler.h"

#define USSD_TIMEOUT_MS 30000

int ussd_code_valid(const char *code)
{
	size_t n = strlen(code);

	if (n < 2 || n > 32)
		return 0;
	for (const char *p = code; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '*' && *p != '#')
			return 0;
	return 1;
}

long ussd_parse_balance(const char *answer)
{
	for (const char *p = answer; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			long v = 0;
			int digits = 0;

			/* "25.000" and "25,000" are thousands separators here */
			while (*p && (isdigit((unsigned char)*p) ||
				      ((*p == '.' || *p == ',') && isdigit((unsigned char)p[1])))) {
				if (isdigit((unsigned char)*p)) {
					if (v > 100000000000L)
						return -1;
					v = v * 10 + (*p - '0');
					digits++;
				}
				p++;
			}
			return digits ? v : -1;
		}
	}
	return -1;
}

static int answer_request(struct db *db, int64_t id, const char *status, const char *answer,
			  time_t now)
{
	return db_run(db, "UPDATE ussd_requests SET status = ?, answer = ?, answered_at = ?"
			  " WHERE id = ?",
		      DB_ARGS(DB_TEXT(status), DB_TEXT(answer), DB_INT(now), DB_INT(id)));
}

/* Tell every administrator, at most once a day. */
static int warn_low_balance(struct db *db, long balance, long low, time_t now)
{
	struct handler_result res;
	char text[160];
	sqlite3_stmt *st;
	int told, r;

	if ((r = db_row(db, "SELECT count(*) FROM outbox WHERE kind = 'notify'"
			    " AND text LIKE 'SIM gateway%' AND created_at > ?",
			DB_ARGS(DB_INT(now - 86400)), &st)) < 0)
		return r;
	told = sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
	if (told)
		return 0;
	snprintf(text, sizeof(text), "SIM gateway sap het tien: con %ld d (muc canh bao %ld d). Vui long nap them.",
		 balance, low);
	handler_result_init(&res);
	if ((r = db_prepare(db, "SELECT phone FROM officers WHERE role = 'admin'", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW)
		if (handler_result_add(&res, db_col_text(st, 0), text, "notify", HANDLER_PRIO_NOTIFY) < 0)
			break;
	if (r < 0)
		goto out;
	log_warn("SIM credit low: %ld (threshold %ld); %zu administrator(s) told", balance, low,
		 res.nout);
	r = outbox_queue(db, &res, 0, now);
out:
	handler_result_release(&res);
	return r;
}

static int balance_due(struct db *db, const struct gw_settings *cfg, time_t now)
{
	int64_t last = 0;

	if (!*cfg->modem.balance_code)
		return 0;
	if (db_query_int64(db, "SELECT coalesce(balance_checked_at, 0) FROM modem_status WHERE id = 1",
			   &last) < 0)
		return 0;
	return now - (time_t)last >= cfg->modem.balance_interval_s;
}

static void check_balance(struct link *l, time_t now)
{
	const struct gw_settings *cfg = l->cfg;
	char answer[512];
	long bal;
	int r;

	/* Record the attempt first so a failing check waits a full interval. */
	if (db_run(l->db, "UPDATE modem_status SET balance_checked_at = ? WHERE id = 1",
		   DB_ARGS(DB_INT(now))) < 0)
		log_debug("balance check: attempt not recorded");
	if ((r = modem_ussd(l->modem, cfg->modem.balance_code, USSD_TIMEOUT_MS, answer,
			    sizeof(answer))) < 0) {
		link_result(l, r, "balance check");
		log_warn("balance check %s failed: %s", cfg->modem.balance_code, gw_strerror(r));
		return;
	}
	log_info("balance check %s: %s", cfg->modem.balance_code, answer);
	if (db_run(l->db, "UPDATE modem_status SET balance = ? WHERE id = 1",
		   DB_ARGS(DB_TEXT(answer))) < 0)
		log_debug("balance check: answer not recorded");
	bal = ussd_parse_balance(answer);
	if (bal >= 0 && bal < cfg->modem.balance_low)
		warn_low_balance(l->db, bal, cfg->modem.balance_low, now);
}

int ussd_requests_serve(struct link *l, time_t now)
{
	char answer[512], code[40];
	sqlite3_stmt *st;
	int64_t id;
	int r;

	if (balance_due(l->db, l->cfg, now))
		check_balance(l, now);
	if ((r = db_prepare(l->db, "SELECT id, code FROM ussd_requests WHERE status = 'pending'"
				   " ORDER BY id LIMIT 1", &st)) < 0)
		return r;
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : 0;
	id = sqlite3_column_int64(st, 0);
	r = gw_strlcpy(code, db_col_text(st, 1), sizeof(code));
	sqlite3_reset(st);
	if (r < 0 || !ussd_code_valid(code))
		return answer_request(l->db, id, "failed", "invalid USSD code", now);
	r = modem_ussd(l->modem, code, USSD_TIMEOUT_MS, answer, sizeof(answer));
	link_result(l, r, "ussd");
	if (r < 0)
		return answer_request(l->db, id, "failed", gw_strerror(r), now);
	log_info("USSD %s answered", code);
	return answer_request(l->db, id, "answered", answer, now);
}

int ussd_requests_file(struct db *db, const char *code, time_t now, int64_t *id)
{
	int r;

	if (!ussd_code_valid(code))
		return GW_ERR_INVAL;
	if ((r = db_run(db, "INSERT INTO ussd_requests (code, created_at) VALUES (?, ?)",
			DB_ARGS(DB_TEXT(code), DB_INT(now)))) < 0)
		return r;
	*id = db_last_id(db);
	return 0;
}

int ussd_requests_poll(struct db *db, int64_t id, char *answer, size_t answersz, int *done)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT status, answer FROM ussd_requests WHERE id = ?",
			DB_ARGS(DB_INT(id)), &st)) < 0)
		return r;
	if (strcmp(db_col_text(st, 0), "pending") == 0) {
		*done = 0;
		sqlite3_reset(st);
		return 0;
	}
	r = strcmp(db_col_text(st, 0), "failed") == 0 ? GW_ERR_IO : 0;
	snprintf(answer, answersz, "%s", db_col_text(st, 1));
	sqlite3_reset(st);
	*done = 1;
	return r;
}

int ussd_requests_expire(struct db *db, int64_t id)
{
	return db_run(db, "UPDATE ussd_requests SET status = 'failed', answer = 'nobody waited'"
			  " WHERE id = ? AND status = 'pending'", DB_ARGS(DB_INT(id)));
}
