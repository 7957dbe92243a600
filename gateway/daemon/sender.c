#include "gateway/daemon/sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/crashpoint.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/daemon/settle.h"
#include "handlers/features/broadcast.h"
#include "handlers/handler.h"

/* Broadcast rows looked at (cancelled or deferred) in one call before it
 * returns to let the event loop breathe. */
#define SENDER_SKIP_MAX 64

int sender_recover(struct db *db, int *recovered)
{
	int r;

	if ((r = db_run(db, "UPDATE outbox SET status = 'sent_unknown', unknown_at = ?, error ="
			    " 'interrupted while sending: may or may not have gone out'"
			    " WHERE status = 'sending'", DB_ARGS(DB_INT(time(NULL))))) < 0)
		return r;
	*recovered = db_changes(db);
	if (*recovered)
		log_warn("outbox: %d message(s) were being sent when the daemon stopped; marked"
			 " sent_unknown until a delivery report or sms.unknown_resend_after settles"
			 " them (gateway/daemon/settle.h)", *recovered);
	return 0;
}

static int finish(struct db *db, int64_t id, const char *status, const char *error,
		  const struct modem_sent *ms, time_t next_at, time_t now)
{
	return db_run(db, "UPDATE outbox SET status = ?, error = ?, parts = ?, encoding = ?,"
			  " next_attempt_at = ?, sent_at = CASE WHEN ?1 = 'sent' THEN ? END"
			  " WHERE id = ?",
		      DB_ARGS(DB_TEXT(status), DB_TEXT(error), DB_INT(ms ? ms->parts : 0),
			      DB_TEXT(ms && ms->parts ? (ms->ucs2 ? "ucs2" : "gsm7") : ""),
			      DB_INT(next_at), DB_INT(now), DB_INT(id)));
}

/* After an attempt that reached the modem: where a retry resumes (parts the
 * network accepted, their reference) and the parts counted as sent. */
static int record_progress(struct db *db, int64_t id, const struct modem_resume *before,
			   const struct modem_sent *ms, time_t now)
{
	int r;

	if ((r = db_run(db, "UPDATE outbox SET parts_done = ?, concat_ref = ? WHERE id = ?",
			DB_ARGS(DB_INT(ms->parts), DB_INT(ms->ref), DB_INT(id)))) < 0 ||
	    ms->parts <= before->parts_done)
		return r;
	return db_run(db, "UPDATE modem_status SET sent_parts = sent_parts + ?, last_contact = ?"
			  " WHERE id = 1",
		      DB_ARGS(DB_INT(ms->parts - before->parts_done), DB_INT(now)));
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

	if ((r = db_row(db, "SELECT 1 FROM outbox WHERE status = 'queued' AND priority = ?"
			    " AND next_attempt_at < ? AND kind = 'broadcast' LIMIT 1",
			DB_ARGS(DB_INT(HANDLER_PRIO_BROADCAST), DB_INT(until)), &st)) < 0)
		return r == GW_ERR_NOTFOUND ? 0 : r;
	sqlite3_reset(st);
	if ((r = db_run(db, "UPDATE outbox SET next_attempt_at = ? WHERE status = 'queued'"
			    " AND priority = ? AND next_attempt_at < ?1 AND kind = 'broadcast'",
			DB_ARGS(DB_INT(until), DB_INT(HANDLER_PRIO_BROADCAST)))) < 0)
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

	if ((r = db_row(db, "SELECT count(*) FROM broadcasts b JOIN outbox o"
			    " ON o.broadcast_id = b.id AND o.phone = ?1"
			    " WHERE o.status = 'sent' AND o.sent_at >= ?2",
			DB_ARGS(DB_TEXT(phone), DB_INT(day_start)), &st)) < 0)
		return r;
	*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int opted_out(struct db *db, const char *phone, int *out)
{
	sqlite3_stmt *st;
	int r, v = 0;

	if ((r = db_row(db, "SELECT opted_out FROM contacts WHERE phone = ?",
			DB_ARGS(DB_TEXT(phone)), &st)) == 0) {
		v = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	if (r < 0 && r != GW_ERR_NOTFOUND)
		return r;
	*out = v;
	return 0;
}

/* May this broadcast row go now? 1 yes; 0 it was cancelled (opted out
 * since it was queued) or deferred to the next office day (daily cap). */
static int broadcast_may_go(struct db *db, const struct gw_settings *cfg, int64_t id,
			    const char *phone, time_t now)
{
	time_t day = broadcast_day_start(cfg, now), next;
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
	return db_run(db, "UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
		      DB_ARGS(DB_INT(next), DB_INT(id)));
}

/* The outbox row being sent. */
struct sender_row {
	int64_t id;
	char phone[MODEM_PHONE_MAX];
	int bad_phone;              /* too long for a phone number: never sent */
	char *text;
	int attempts;               /* this attempt included */
	int broadcast;
	struct modem_resume from;   /* parts earlier attempts got through */
};

/* The best due row into *row: 1, or 0 when none is due. */
static int read_next(struct db *db, time_t now, int quiet, struct sender_row *row)
{
	sqlite3_stmt *st;
	int r;

	/* index order (outbox_queue): the next row is found without sorting
	 * 100,000 queued broadcast rows on every send */
	if ((r = db_row(db, "SELECT id, phone, text, attempts, kind = 'broadcast',"
			    " parts_done, concat_ref FROM outbox"
			    " WHERE status = 'queued' AND next_attempt_at <= ?1"
			    " AND (?2 = 0 OR kind <> 'broadcast')"
			    " ORDER BY priority, next_attempt_at, id LIMIT 1",
			DB_ARGS(DB_INT(now), DB_INT(quiet)), &st)) < 0)
		return r == GW_ERR_NOTFOUND ? 0 : r;
	row->id = sqlite3_column_int64(st, 0);
	row->bad_phone = gw_strlcpy(row->phone, db_col_text(st, 1), sizeof(row->phone)) < 0;
	free(row->text);
	row->text = strdup(db_col_text(st, 2));
	row->attempts = sqlite3_column_int(st, 3) + 1;
	row->broadcast = sqlite3_column_int(st, 4);
	row->from.parts_done = sqlite3_column_int(st, 5);
	row->from.ref = sqlite3_column_int(st, 6);
	sqlite3_reset(st);
	return row->text ? 1 : GW_ERR_NOMEM;
}

/* Pick: the next row that may go now. 1 picked; 0 none, *more = 1 when
 * broadcast rows were cancelled or deferred on the way (call again). */
static int pick(struct link *l, time_t now, int quiet, struct sender_row *row, int *more)
{
	int skipped = 0, r;

	for (;;) {
		if ((r = read_next(l->db, now, quiet, row)) <= 0) {
			*more = skipped > 0;
			return r;
		}
		if (row->bad_phone || !row->broadcast)
			return 1;
		if ((r = broadcast_may_go(l->db, l->cfg, row->id, row->phone, now)) != 0)
			return r;
		if (++skipped >= SENDER_SKIP_MAX) { /* more next time */
			*more = 1;
			return 0;
		}
	}
}

/* Mark: the attempt is recorded before the modem is touched (see
 * sender_recover), with the concatenation reference a long message will
 * go under, so a copy sent again after a crash goes under it too. */
static int mark(struct db *db, struct sender_row *row)
{
	if (row->from.ref == 0)
		row->from.ref = (int)(row->id % 255) + 1; /* 1..255; differs between neighbours */
	return db_run(db, "UPDATE outbox SET status = 'sending', attempts = ?, concat_ref = ?"
			  " WHERE id = ?",
		      DB_ARGS(DB_INT(row->attempts), DB_INT(row->from.ref), DB_INT(row->id)));
}

/* Send: the text to the modem, resuming after the parts earlier attempts
 * got through; the modem's result. */
static int send_row(struct link *l, const struct sender_row *row, struct modem_sent *ms)
{
	struct modem_send_req req = { .id = row->id, .report = l->cfg->modem.delivery_reports,
				      .from = row->from };
	int r;

	memset(ms, 0, sizeof(*ms));
	crashpoint("send-marked"); /* marked 'sending', modem not touched */
	if (row->from.parts_done > 0)
		log_info("outbox %lld: resuming after part %d (reference %d)", (long long)row->id,
			 row->from.parts_done, row->from.ref);
	r = modem_send_with(l->modem, row->phone, row->text, &req, ms);
	crashpoint("send-returned"); /* sent, not yet recorded */
	link_result(l, r, "send");
	return r;
}

/* What becomes of the row after the modem's result sr: sent, waiting for
 * the modem, failed for good, or queued for a retry with backoff. */
static int record_outcome(struct link *l, const struct sender_row *row, int sr,
			  const struct modem_sent *ms, time_t now)
{
	const struct gw_settings *cfg = l->cfg;
	char error[128];
	int r;

	if (sr == 0) {
		log_info("outbox %lld: sent to %s (%d part%s, %s)", (long long)row->id,
			 log_phone(row->phone), ms->parts, ms->parts == 1 ? "" : "s",
			 ms->ucs2 ? "UCS-2" : "GSM-7");
		return finish(l->db, row->id, "sent", "", ms, 0, now);
	}
	if (ms->network_error)
		snprintf(error, sizeof(error), "%s (+CMS ERROR %d)", gw_strerror(sr), ms->network_error);
	else
		snprintf(error, sizeof(error), "%s", gw_strerror(sr));
	link_note_error(l, "send", sr);
	if ((sr == GW_ERR_MODEM_GONE || sr == GW_ERR_TIMEOUT) && ms->doubt &&
	    ms->parts + 1 >= ms->total && cfg->modem.delivery_reports) {
		/* the last part may have gone: its report will tell (settle.h) */
		log_warn("outbox %lld: the modem took the last part for %s but never confirmed it"
			 " (%s): in doubt until a delivery report or sms.unknown_resend_after",
			 (long long)row->id, log_phone(row->phone), error);
		r = db_run(l->db, "UPDATE outbox SET status = 'sent_unknown', unknown_at = ?, error = ?"
				  " WHERE id = ?", DB_ARGS(DB_INT(now), DB_TEXT(error), DB_INT(row->id)));
	} else if (sr == GW_ERR_MODEM_GONE || sr == GW_ERR_TIMEOUT || sr == GW_ERR_SECURITY) {
		/* not this message's fault: it waits for the modem (or its SIM's
		 * PIN, see link_result), attempt not counted */
		log_notice("outbox %lld: modem unavailable (%s); will resend when it is back",
			   (long long)row->id, error);
		if ((r = finish(l->db, row->id, "queued", error, NULL, now, now)) == 0)
			r = db_run(l->db, "UPDATE outbox SET attempts = attempts - 1 WHERE id = ?",
				   DB_ARGS(DB_INT(row->id)));
	} else if (sr == GW_ERR_SEND_PERM || sr == GW_ERR_INVAL || sr == GW_ERR_TOOBIG ||
		   row->attempts >= cfg->modem.send_attempts) {
		log_warn("outbox %lld: giving up on %s after %d attempt(s): %s", (long long)row->id,
			 log_phone(row->phone), row->attempts, error);
		r = finish(l->db, row->id, "failed", error, ms, 0, now);
	} else {
		long delay = (long)cfg->modem.retry_base_s
			     << (row->attempts - 1 < 16 ? row->attempts - 1 : 16);

		log_notice("outbox %lld: attempt %d to %s failed (%s); retry in %ld s",
			   (long long)row->id, row->attempts, log_phone(row->phone), error, delay);
		r = finish(l->db, row->id, "queued", error, NULL, now + delay, now);
	}
	return r;
}

/* Record: what the modem did, in one transaction (one commit). */
static int record(struct link *l, const struct sender_row *row, int sr,
		  const struct modem_sent *ms, time_t now)
{
	int r;

	if ((r = db_begin(l->db)) < 0)
		return r;
	if ((ms->total <= 0 || ((r = record_progress(l->db, row->id, &row->from, ms, now)) >= 0 &&
				(r = settle_record_parts(l->db, "", row->id, &row->from, ms,
							 l->cfg->modem.delivery_reports, now)) >= 0)) &&
	    (r = record_outcome(l, row, sr, ms, now)) >= 0)
		r = db_commit(l->db);
	if (r < 0)
		db_rollback(l->db);
	return r;
}

int sender_send_one(struct link *l, time_t now, int *sent)
{
	struct sender_row row;
	struct modem_sent ms;
	int quiet, more = 0, r;

	memset(&row, 0, sizeof(row));
	now = sender_clock(l->cfg, now);
	quiet = broadcast_quiet(l->cfg, now);
	if (quiet && (r = hold_for_quiet_hours(l->db, l->cfg, now)) < 0)
		goto out;
	if ((r = pick(l, now, quiet, &row, &more)) <= 0) {
		if (r == 0)
			*sent = more;
		goto out;
	}
	if (row.bad_phone) { /* a number that long is not a phone number */
		r = finish(l->db, row.id, "failed", "invalid phone number", NULL, 0, now);
		*sent = 1;
		goto out;
	}
	if ((r = mark(l->db, &row)) < 0)
		goto out;
	r = send_row(l, &row, &ms);
	*sent = 1;
	r = record(l, &row, r, &ms, now);
out:
	free(row.text);
	return r;
}

int sender_next_due(struct db *db, time_t now, long *seconds)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'", NULL,
			&st)) < 0)
		return r == GW_ERR_NOTFOUND ? GW_ERR_DB : r;
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
