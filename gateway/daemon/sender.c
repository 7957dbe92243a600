#include "gateway/daemon/sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/crashpoint.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "handlers/features/broadcast.h"
#include "handlers/handler.h"

/* Broadcast rows looked at (cancelled or deferred) in one call before it
 * returns to let the event loop breathe. */
#define SENDER_SKIP_MAX 64

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
	r = db_step(st);
	return r < 0 ? r : 0;
}

/* After an attempt that reached the modem: where a retry resumes (parts the
 * network accepted, their reference) and the parts counted as sent. */
static int record_progress(struct db *db, int64_t id, const struct modem_resume *before,
			   const struct modem_sent *ms, time_t now)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "UPDATE outbox SET parts_done = ?, concat_ref = ? WHERE id = ?",
			    &st)) < 0)
		return r;
	sqlite3_bind_int(st, 1, ms->parts);
	sqlite3_bind_int(st, 2, ms->ref);
	sqlite3_bind_int64(st, 3, id);
	if ((r = db_step(st)) < 0 || ms->parts <= before->parts_done)
		return r < 0 ? r : 0;
	if ((r = db_prepare(db, "UPDATE modem_status SET sent_parts = sent_parts + ?,"
				" last_contact = ? WHERE id = 1", &st)) < 0)
		return r;
	sqlite3_bind_int(st, 1, ms->parts - before->parts_done);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	r = db_step(st);
	return r < 0 ? r : 0;
}

/* The sender's "now": the caller's, unless the test clock GW_FAKE_NOW is set
 * (common/clock.h reads it, for every timer alike). */
static time_t sender_clock(const struct gw_settings *cfg, time_t now)
{
	const char *fake = getenv("GW_FAKE_NOW");

	return fake && *fake ? gw_now(cfg->office.utc_offset_min) : now;
}

/* Quiet hours: every due broadcast row waits for the morning. Moving
 * next_attempt_at (rather than skipping rows) keeps sender_next_due()
 * right, so the daemon sleeps until then instead of polling. */
static int hold_for_quiet_hours(struct db *db, const struct gw_settings *cfg, time_t now)
{
	time_t until = broadcast_allowed_from(cfg, now);
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT 1 FROM outbox WHERE status = 'queued' AND priority = ?"
				" AND next_attempt_at < ? AND kind = 'broadcast' LIMIT 1", &st)) < 0)
		return r;
	sqlite3_bind_int(st, 1, HANDLER_PRIO_BROADCAST);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)until);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : 0;
	sqlite3_reset(st);
	if ((r = db_prepare(db, "UPDATE outbox SET next_attempt_at = ? WHERE status = 'queued'"
				" AND priority = ? AND next_attempt_at < ?1 AND kind = 'broadcast'", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)until);
	sqlite3_bind_int(st, 2, HANDLER_PRIO_BROADCAST);
	if ((r = db_step(st)) < 0)
		return r;
	log_info("outbox: quiet hours (%s-%s): %d broadcast message(s) held until %s",
		 cfg->broadcast.quiet_start, cfg->broadcast.quiet_end, db_changes(db),
		 cfg->broadcast.quiet_end);
	return 0;
}

/* Broadcast messages phone was sent this office day. Probes the
 * (broadcast_id, phone) index once per broadcast: no index on phone needed. */
static int sent_today(struct db *db, const char *phone, time_t day_start, int *count)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT count(*) FROM broadcasts b JOIN outbox o"
				" ON o.broadcast_id = b.id AND o.phone = ?1"
				" WHERE o.status = 'sent' AND o.sent_at >= ?2", &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)day_start);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_DB;
	*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int opted_out(struct db *db, const char *phone, int *out)
{
	sqlite3_stmt *st;
	int r, v = 0;

	if ((r = db_prepare(db, "SELECT opted_out FROM contacts WHERE phone = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	if ((r = db_step(st)) == DB_ROW) {
		v = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	if (r >= 0)
		*out = v;
	return r < 0 ? r : 0;
}

/* May this broadcast row go now? 1 yes; 0 it was cancelled (opted out
 * since it was queued) or deferred to the next office day (daily cap). */
static int broadcast_may_go(struct db *db, const struct gw_settings *cfg, int64_t id,
			    const char *phone, time_t now)
{
	time_t day = broadcast_day_start(cfg, now), next;
	sqlite3_stmt *st;
	int out = 0, count = 0, r;

	if ((r = opted_out(db, phone, &out)) < 0)
		return r;
	if (out) {
		log_info("outbox %lld: %s opted out after it was queued: cancelled", (long long)id,
			 log_phone(phone));
		return finish(db, id, "cancelled", "opted out", NULL, 0, now);
	}
	if (cfg->broadcast.daily_cap <= 0)
		return 1;
	if ((r = sent_today(db, phone, day, &count)) < 0)
		return r;
	if (count < cfg->broadcast.daily_cap)
		return 1;
	next = broadcast_allowed_from(cfg, day + 86400);
	log_info("outbox %lld: %s had %d broadcast(s) today (cap %d): deferred to tomorrow",
		 (long long)id, log_phone(phone), count, cfg->broadcast.daily_cap);
	if ((r = db_prepare(db, "UPDATE outbox SET next_attempt_at = ? WHERE id = ?", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)next);
	sqlite3_bind_int64(st, 2, id);
	r = db_step(st);
	return r < 0 ? r : 0;
}

int sender_send_one(struct link *l, time_t now, int *sent)
{
	const struct gw_settings *cfg = l->cfg;
	struct modem_sent ms;
	struct modem_resume from = { 0, 0 };
	char phone[MODEM_PHONE_MAX], error[128];
	char *text = NULL;
	int64_t id = 0;
	int attempts = 0, skipped = 0, quiet, in_tx = 0, pr, r;
	sqlite3_stmt *st;

	now = sender_clock(cfg, now);
	quiet = broadcast_quiet(cfg, now);
	if (quiet && (r = hold_for_quiet_hours(l->db, cfg, now)) < 0)
		return r;
	for (;;) {
		int broadcast;

		/* index order (outbox_queue): the next row is found without
		 * sorting 100,000 queued broadcast rows on every send */
		if ((r = db_prepare(l->db, "SELECT id, phone, text, attempts, kind = 'broadcast',"
					   " parts_done, concat_ref FROM outbox"
					   " WHERE status = 'queued' AND next_attempt_at <= ?1"
					   " AND (?2 = 0 OR kind <> 'broadcast')"
					   " ORDER BY priority, next_attempt_at, id LIMIT 1", &st)) < 0)
			goto out;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
		sqlite3_bind_int(st, 2, quiet);
		if ((r = db_step(st)) != DB_ROW) {
			if (r == DB_DONE)
				*sent = skipped > 0;
			r = r < 0 ? r : 0;
			goto out;
		}
		id = sqlite3_column_int64(st, 0);
		r = gw_strlcpy(phone, db_col_text(st, 1), sizeof(phone));
		free(text);
		text = strdup(db_col_text(st, 2));
		attempts = sqlite3_column_int(st, 3) + 1;
		broadcast = sqlite3_column_int(st, 4);
		from.parts_done = sqlite3_column_int(st, 5);
		from.ref = sqlite3_column_int(st, 6);
		sqlite3_reset(st);
		if (!text) {
			r = GW_ERR_NOMEM;
			goto out;
		}
		if (r < 0 || !broadcast)
			break;
		if ((r = broadcast_may_go(l->db, cfg, id, phone, now)) < 0)
			goto out;
		if (r == 1)
			break;
		if (++skipped >= SENDER_SKIP_MAX) { /* more next time */
			*sent = 1;
			r = 0;
			goto out;
		}
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
	if (from.parts_done > 0)
		log_info("outbox %lld: resuming after part %d (reference %d)", (long long)id,
			 from.parts_done, from.ref);
	r = modem_send_resume(l->modem, phone, text, &from, &ms);
	crashpoint("send-returned"); /* sent, not yet recorded */
	link_result(l, r, "send");
	*sent = 1;
	/* What the modem did is recorded in one transaction (one commit). */
	if ((pr = db_begin(l->db)) < 0) {
		r = pr;
		goto out;
	}
	in_tx = 1;
	if (ms.total > 0 && (pr = record_progress(l->db, id, &from, &ms, now)) < 0) {
		r = pr;
		goto out;
	}
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
	if (r == GW_ERR_MODEM_GONE || r == GW_ERR_TIMEOUT || r == GW_ERR_SECURITY) {
		/* not this message's fault: it waits for the modem (or its SIM's
		 * PIN, see link_result), attempt not counted */
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
	if (in_tx && r >= 0 && (pr = db_commit(l->db)) < 0)
		r = pr;
	if (in_tx && r < 0)
		db_rollback(l->db);
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
