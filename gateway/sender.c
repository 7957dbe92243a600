#include "sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/crashpoint.h"
#include "../common/gw_err.h"
#include "../common/log.h"

int sender_recover(struct db *db, int *recovered)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "UPDATE outbox SET status = 'sent_unknown', error ="
				" 'interrupted while sending: may or may not have gone out'"
				" WHERE status = 'sending'", &st)) < 0)
		return r;
	if ((r = db_step(st)) < 0)
		return r;
	*recovered = db_changes(db);
	if (*recovered)
		log_warn("outbox: %d message(s) were being sent when the daemon stopped; marked"
			 " sent_unknown (not resent)", *recovered);
	return 0;
}

static int finish(struct db *db, int64_t id, const char *status, const char *error,
		  const struct modem_sent *ms, time_t next_at, time_t now)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "UPDATE outbox SET status = ?, error = ?, parts = ?, encoding = ?,"
				" next_attempt_at = ?, sent_at = CASE WHEN ?1 = 'sent' THEN ? END"
				" WHERE id = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, status);
	db_bind_text(st, 2, error);
	sqlite3_bind_int(st, 3, ms ? ms->parts : 0);
	db_bind_text(st, 4, ms && ms->parts ? (ms->ucs2 ? "ucs2" : "gsm7") : "");
	sqlite3_bind_int64(st, 5, (sqlite3_int64)next_at);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 7, id);
	if ((r = db_step(st)) < 0)
		return r;
	if (ms && strcmp(status, "sent") == 0) {
		if ((r = db_prepare(db, "UPDATE modem_status SET sent_parts = sent_parts + ?,"
					" last_contact = ? WHERE id = 1", &st)) < 0)
			return r;
		sqlite3_bind_int(st, 1, ms->parts);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
		r = db_step(st);
	}
	return r < 0 ? r : 0;
}

int sender_send_one(struct link *l, time_t now, int *sent)
{
	const struct gw_settings *cfg = l->cfg;
	struct modem_sent ms;
	char phone[MODEM_PHONE_MAX], error[128];
	char *text = NULL;
	int64_t id;
	int attempts, r;
	sqlite3_stmt *st;

	if ((r = db_prepare(l->db, "SELECT id, phone, text, attempts FROM outbox WHERE status = 'queued'"
				   " AND next_attempt_at <= ? ORDER BY priority, id LIMIT 1", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if ((r = db_step(st)) != DB_ROW) {
		if (r == DB_DONE)
			*sent = 0;
		return r < 0 ? r : 0;
	}
	id = sqlite3_column_int64(st, 0);
	r = gw_strlcpy(phone, db_col_text(st, 1), sizeof(phone));
	text = strdup(db_col_text(st, 2));
	attempts = sqlite3_column_int(st, 3) + 1;
	sqlite3_reset(st);
	if (!text) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	if (r < 0) { /* a number that long is not a phone number */
		r = finish(l->db, id, "failed", "invalid phone number", NULL, 0, now);
		*sent = 1;
		goto out;
	}
	/* Record the attempt before touching the modem (see sender_recover). */
	if ((r = db_prepare(l->db, "UPDATE outbox SET status = 'sending', attempts = ? WHERE id = ?",
			    &st)) < 0)
		goto out;
	sqlite3_bind_int(st, 1, attempts);
	sqlite3_bind_int64(st, 2, id);
	if ((r = db_step(st)) < 0)
		goto out;
	memset(&ms, 0, sizeof(ms));
	crashpoint("send-marked"); /* marked 'sending', modem not touched */
	r = modem_send(l->modem, phone, text, &ms);
	crashpoint("send-returned"); /* sent, not yet recorded */
	link_result(l, r, "send");
	*sent = 1;
	if (r == 0) {
		log_info("outbox %lld: sent to %s (%d part%s, %s)", (long long)id, log_phone(phone),
			 ms.parts, ms.parts == 1 ? "" : "s", ms.ucs2 ? "UCS-2" : "GSM-7");
		r = finish(l->db, id, "sent", "", &ms, 0, now);
		goto out;
	}
	if (ms.network_error)
		snprintf(error, sizeof(error), "%s (+CMS ERROR %d)", gw_strerror(r), ms.network_error);
	else
		snprintf(error, sizeof(error), "%s", gw_strerror(r));
	link_note_error(l, "send", r);
	if (r == GW_ERR_MODEM_GONE || r == GW_ERR_TIMEOUT) {
		/* not this message's fault: it waits for the modem, attempt not counted */
		log_notice("outbox %lld: modem unavailable (%s); will resend when it is back",
			   (long long)id, error);
		r = finish(l->db, id, "queued", error, NULL, now, now);
		if (r == 0 && db_prepare(l->db, "UPDATE outbox SET attempts = attempts - 1 WHERE id = ?",
					 &st) == 0) {
			sqlite3_bind_int64(st, 1, id);
			r = db_step(st) < 0 ? GW_ERR_DB : 0;
		}
	} else if (r == GW_ERR_SEND_PERM || r == GW_ERR_INVAL || r == GW_ERR_TOOBIG ||
	    attempts >= cfg->modem.send_attempts) {
		log_warn("outbox %lld: giving up on %s after %d attempt(s): %s", (long long)id,
			 log_phone(phone), attempts, error);
		r = finish(l->db, id, "failed", error, &ms, 0, now);
	} else {
		long delay = (long)cfg->modem.retry_base_s << (attempts - 1 < 16 ? attempts - 1 : 16);

		log_notice("outbox %lld: attempt %d to %s failed (%s); retry in %ld s", (long long)id,
			   attempts, log_phone(phone), error, delay);
		r = finish(l->db, id, "queued", error, NULL, now + delay, now);
	}
out:
	free(text);
	return r;
}

int sender_next_due(struct db *db, time_t now, long *seconds)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'",
			    &st)) < 0)
		return r;
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_DB;
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return GW_ERR_NOTFOUND;
	}
	*seconds = (long)(sqlite3_column_int64(st, 0) - (sqlite3_int64)now);
	if (*seconds < 0)
		*seconds = 0;
	sqlite3_reset(st);
	return 0;
}
