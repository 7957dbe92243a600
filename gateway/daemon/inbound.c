#include "gateway/daemon/inbound.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/crashpoint.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/outbox.h"
#include "handlers/handler.h"
#include "handlers/vi/textfold.h"
#include "modem/modem.h"

#define INBOUND_BATCH_MAX 64

static const char apology_vi[] = "Xin loi, tin nhan chua xu ly duoc. Vui long thu lai sau hoac nhan HD.";
static const char warning_vi[] =
	"Ban da gui qua nhieu tin trong 1 gio. Vui long cho mot luc roi gui lai. Xin cam on.";

static int mark(struct db *db, int64_t id, const char *status, const char *intent, const char *ref,
		const char *error, time_t now)
{
	return db_run(db, "UPDATE inbox SET status = ?, intent = ?, ref_code = ?, error = ?,"
			  " handled_at = ? WHERE id = ?",
		      DB_ARGS(DB_TEXT(status), DB_TEXT(intent ? intent : ""), DB_TEXT(ref ? ref : ""),
			      DB_TEXT(error ? error : ""), DB_INT(now), DB_INT(id)));
}

static int queue_one(struct db *db, const char *phone, const char *text, const char *kind,
		     int64_t inbox_id, time_t now)
{
	struct handler_result res;
	int r;

	handler_result_init(&res);
	r = handler_result_add(&res, phone, text, kind, HANDLER_PRIO_REPLY);
	if (r == 0)
		r = outbox_queue(db, &res, inbox_id, now);
	handler_result_release(&res);
	return r;
}

/* Messages from this sender answered in the last hour, and whether it was
 * already warned in that hour. */
static int rate_state(struct db *db, const char *sender, time_t now, int *count, int *warned)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT (SELECT count(*) FROM inbox WHERE sender = ?1 AND stored_at > ?2"
			    "  AND status = 'handled'),"
			    " (SELECT count(*) FROM outbox WHERE phone = ?1 AND kind = 'warning'"
			    "  AND created_at > ?2)", DB_ARGS(DB_TEXT(sender), DB_INT(now - 3600)), &st)) < 0)
		return r;
	*count = sqlite3_column_int(st, 0);
	*warned = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return 0;
}

/* Any of our SIMs: one modem's answer to another would loop forever. */
static int is_own_number(const struct gw_settings *cfg, const char *sender)
{
	for (int i = 0; i < cfg->nmodems; i++) {
		const char *own = cfg->modems[i].own_number;

		if (*own && strcmp(own, sender) == 0)
			return 1;
	}
	return 0;
}

struct inbox_row {
	int64_t id;
	char sender[MODEM_PHONE_MAX];
	char channel[8];
	char *text;
	time_t sent_at;
	time_t stored_at;
};

/* Handle one row inside an open transaction. */
static int handle_row(struct db *db, const struct gw_settings *cfg, const struct inbox_row *row,
		      time_t now)
{
	struct handler_env env = { db, cfg };
	struct handler_msg msg;
	struct handler_result res;
	int count = 0, warned = 0, r;

	if (modem_number_is_service(row->sender) || is_own_number(cfg, row->sender)) {
		log_info("inbound %lld: not answering service or own number %s", (long long)row->id,
			 log_phone(row->sender));
		return mark(db, row->id, "skipped", "", "", "service sender", now);
	}
	if ((r = rate_state(db, row->sender, now, &count, &warned)) < 0)
		return r;
	if (count >= cfg->sms.rate_limit_per_hour) {
		if (!warned) {
			log_notice("inbound: %s over %d messages/hour: warned", log_phone(row->sender),
				   cfg->sms.rate_limit_per_hour);
			if ((r = queue_one(db, row->sender, warning_vi, "warning", row->id, now)) < 0)
				return r;
		}
		return mark(db, row->id, "skipped", "", "", "rate limited", now);
	}
	memset(&msg, 0, sizeof(msg));
	msg.phone = row->sender;
	/* a missed call is a request for help */
	msg.text = strcmp(row->channel, "call") == 0 ? "HELP" : row->text;
	msg.at = row->stored_at;
	msg.channel = HANDLER_CHANNEL_SMS;
	handler_result_init(&res);
	if ((r = handler_process(&env, &msg, &res)) == 0 &&
	    (r = outbox_queue(db, &res, row->id, now)) == 0)
		r = mark(db, row->id, "handled", res.intent, res.ref, "", now);
	handler_result_release(&res);
	return r;
}

/* The handler failed (its work undone): record it, apologise once, never
 * retry in a loop. In the batch's transaction. */
static int fail_row(struct db *db, const struct inbox_row *row, int err, time_t now)
{
	int r;

	log_error("inbound %lld from %s: handling failed: %s", (long long)row->id,
		  log_phone(row->sender), gw_strerror(err));
	if ((r = mark(db, row->id, "failed", "", "", gw_strerror(err), now)) < 0 ||
	    (!modem_number_is_service(row->sender) &&
	     (r = queue_one(db, row->sender, apology_vi, "reply", row->id, now)) < 0))
		return r;
	return 0;
}

/* Handle rows[0..n) in one transaction: each message and its answer are
 * one unit (a savepoint), kept or undone on its own, and the batch is
 * committed once. A crash before the commit leaves every row 'new', to be
 * handled again from the start: nothing answered twice. One commit for
 * 64 messages instead of 64 is most of what the database cost. */
static int handle_batch(struct db *db, const struct gw_settings *cfg, const struct inbox_row *rows,
			int n, time_t now, int *done)
{
	int r, handled = 0;

	if ((r = db_begin(db)) < 0)
		return r;
	for (int i = 0; i < n; i++) {
		int hr;

		if ((r = db_unit_begin(db)) < 0)
			goto fail;
		hr = handle_row(db, cfg, &rows[i], now);
		crashpoint("inbound-handled"); /* reply queued, not yet committed */
		if (hr == 0 && (hr = db_unit_keep(db)) == 0) {
			handled++;
			continue;
		}
		db_unit_undo(db);
		if ((r = fail_row(db, &rows[i], hr, now)) < 0)
			goto fail;
		handled++;
	}
	if ((r = db_commit(db)) < 0)
		goto fail;
	crashpoint("inbound-committed");
	*done = handled;
	return 0;
fail:
	db_rollback(db);
	return r;
}

int inbound_process(struct db *db, const struct gw_settings *cfg, time_t now, int max,
		    int *handled)
{
	struct inbox_row rows[INBOUND_BATCH_MAX];
	int n = 0, r, done = 0;
	sqlite3_stmt *st;

	if (max > INBOUND_BATCH_MAX)
		max = INBOUND_BATCH_MAX;
	if ((r = db_prepare(db, "SELECT id, sender, channel, text, sent_at, stored_at FROM inbox"
				" WHERE status = 'new' ORDER BY id LIMIT ?", &st)) < 0)
		return r;
	sqlite3_bind_int(st, 1, max);
	while ((r = db_step(st)) == DB_ROW) {
		struct inbox_row *row = &rows[n];

		memset(row, 0, sizeof(*row));
		row->id = sqlite3_column_int64(st, 0);
		if (gw_strlcpy(row->sender, db_col_text(st, 1), sizeof(row->sender)) < 0)
			row->sender[0] = '\0';
		gw_strlcpy(row->channel, db_col_text(st, 2), sizeof(row->channel));
		row->text = strdup(db_col_text(st, 3));
		row->sent_at = (time_t)sqlite3_column_int64(st, 4);
		row->stored_at = (time_t)sqlite3_column_int64(st, 5);
		if (!row->text) {
			r = GW_ERR_NOMEM;
			sqlite3_reset(st);
			break;
		}
		n++;
	}
	if (r >= 0 && n > 0)
		r = handle_batch(db, cfg, rows, n, now, &done);
	for (int i = 0; i < n; i++)
		free(rows[i].text);
	if (r < 0)
		return r;
	*handled = done;
	return 0;
}
