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

/* Tell every administrator, at most once a day per SIM. */
static int warn_low_balance(struct db *db, const char *modem, long balance, long low, time_t now)
{
	struct handler_result res;
	char text[160], like[64];
	sqlite3_stmt *st;
	int told, r;

	snprintf(like, sizeof(like), "SIM %.31s sap het tien%%", modem);
	if ((r = db_row(db, "SELECT count(*) FROM outbox WHERE kind = 'notify'"
			    " AND text LIKE ? AND created_at > ?",
			DB_ARGS(DB_TEXT(like), DB_INT(now - 86400)), &st)) < 0)
		return r;
	told = sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
	if (told)
		return 0;
	snprintf(text, sizeof(text), "SIM %.31s sap het tien: con %ld d (muc canh bao %ld d). Vui long nap them.",
		 modem, balance, low);
	handler_result_init(&res);
	if ((r = db_prepare(db, "SELECT phone FROM officers WHERE role = 'admin'", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW)
		if (handler_result_add(&res, db_col_text(st, 0), text, "notify", HANDLER_PRIO_NOTIFY) < 0)
			break;
	if (r < 0)
		goto out;
	log_warn("SIM %s credit low: %ld (threshold %ld); %zu administrator(s) told", modem, balance,
		 low, res.nout);
	r = outbox_queue(db, &res, 0, now);
out:
	handler_result_release(&res);
	return r;
}

/* Due every balance_interval; while the SIM is held for want of credit,
 * when the hold runs out (recheck_interval), to let it back in. */
static int balance_due(struct link *l, time_t now)
{
	sqlite3_stmt *st;
	int64_t last;

	if (!*l->ms->balance_code)
		return 0;
	if (strcmp(l->hold, LINK_HOLD_CREDIT) == 0)
		return now >= l->hold_until;
	if (db_row(l->db, "SELECT coalesce(balance_checked_at, 0) FROM modem_status WHERE name = ?",
		   DB_ARGS(DB_TEXT(l->ms->name)), &st) < 0)
		return 0;
	last = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return now - (time_t)last >= l->ms->balance_interval_s;
}

/* A balance below balance_min takes the SIM out of routing (a message
 * would fail, or worse, go out half); one at or above it lets it back. */
static void judge_balance(struct link *l, long bal, time_t now)
{
	const struct gw_modem_settings *ms = l->ms;

	if (bal < 0)
		return; /* no amount in the answer: nothing to judge */
	if (db_run(l->db, "UPDATE modem_status SET balance_vnd = ? WHERE name = ?",
		   DB_ARGS(DB_INT(bal), DB_TEXT(ms->name))) < 0)
		log_debug("balance check: amount not recorded");
	if (bal < ms->balance_low)
		warn_low_balance(l->db, ms->name, bal, ms->balance_low, now);
	if (ms->balance_min > 0 && bal < ms->balance_min)
		link_hold(l, LINK_HOLD_CREDIT, now + ms->recheck_interval_s);
	else if (strcmp(l->hold, LINK_HOLD_CREDIT) == 0)
		link_hold(l, "", 0);
}

static void check_balance(struct link *l, time_t now)
{
	const struct gw_modem_settings *ms = l->ms;
	char answer[512];
	int r;

	/* Record the attempt first so a failing check waits a full interval. */
	if (db_run(l->db, "UPDATE modem_status SET balance_checked_at = ? WHERE name = ?",
		   DB_ARGS(DB_INT(now), DB_TEXT(ms->name))) < 0)
		log_debug("balance check: attempt not recorded");
	if (strcmp(l->hold, LINK_HOLD_CREDIT) == 0)
		l->hold_until = now + ms->recheck_interval_s; /* a failed check waits too */
	if ((r = modem_ussd(l->modem, ms->balance_code, USSD_TIMEOUT_MS, answer,
			    sizeof(answer))) < 0) {
		link_result(l, r, "balance check");
		log_warn("modem %s: balance check %s failed: %s", ms->name, ms->balance_code,
			 gw_strerror(r));
		return;
	}
	log_info("modem %s: balance check %s: %s", ms->name, ms->balance_code, answer);
	if (db_run(l->db, "UPDATE modem_status SET balance = ? WHERE name = ?",
		   DB_ARGS(DB_TEXT(answer), DB_TEXT(ms->name))) < 0)
		log_debug("balance check: answer not recorded");
	judge_balance(l, ussd_parse_balance(answer), now);
}

/* The oldest pending request for this modem, or for any modem (then it
 * becomes this one's): 1 with *id and code, 0 when none. */
static int take_request(struct link *l, int64_t *id, char *code, size_t codesz)
{
	sqlite3_stmt *st;
	int r;

	for (;;) {
		if ((r = db_row(l->db, "SELECT id, code, modem = '' FROM ussd_requests"
				       " WHERE status = 'pending' AND modem IN ('', ?) ORDER BY id LIMIT 1",
				DB_ARGS(DB_TEXT(l->ms->name)), &st)) < 0)
			return r == GW_ERR_NOTFOUND ? 0 : r;
		*id = sqlite3_column_int64(st, 0);
		r = gw_strlcpy(code, db_col_text(st, 1), codesz) < 0 ? 0 : 1;
		if (!r)
			code[0] = '\0';
		r = sqlite3_column_int(st, 2);
		sqlite3_reset(st);
		if (!r)
			return 1;
		/* anyone's: the first modem to mark it dials it */
		if ((r = db_run(l->db, "UPDATE ussd_requests SET modem = ? WHERE id = ? AND modem = ''",
				DB_ARGS(DB_TEXT(l->ms->name), DB_INT(*id)))) < 0)
			return r;
		if (db_changes(l->db) == 1)
			return 1;
	}
}

int ussd_requests_serve(struct link *l, time_t now)
{
	char answer[512], code[40];
	int64_t id;
	int r;

	if (balance_due(l, now))
		check_balance(l, now);
	if ((r = take_request(l, &id, code, sizeof(code))) <= 0)
		return r;
	if (!ussd_code_valid(code))
		return answer_request(l->db, id, "failed", "invalid USSD code", now);
	r = modem_ussd(l->modem, code, USSD_TIMEOUT_MS, answer, sizeof(answer));
	link_result(l, r, "ussd");
	if (r < 0)
		return answer_request(l->db, id, "failed", gw_strerror(r), now);
	log_info("modem %s: USSD %s answered", l->ms->name, code);
	return answer_request(l->db, id, "answered", answer, now);
}

int ussd_requests_file(struct db *db, const char *modem, const char *code, time_t now, int64_t *id)
{
	int r;

	if (!ussd_code_valid(code))
		return GW_ERR_INVAL;
	if ((r = db_run(db, "INSERT INTO ussd_requests (code, created_at, modem) VALUES (?, ?, ?)",
			DB_ARGS(DB_TEXT(code), DB_INT(now), DB_TEXT(modem ? modem : "")))) < 0)
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
