#include "gateway/daemon/sender.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/crashpoint.h"
#include "common/gw_err.h"
#include "common/hash.h"
#include "common/log.h"
#include "gateway/daemon/settle.h"
#include "handlers/features/broadcast.h"
#include "gateway/daemon/route.h"
#include "handlers/handler.h"

/* Rows settled without sending (cancelled, deferred) in one call before it
 * returns to let the event loop breathe. */
#define SENDER_SKIP_MAX 64
/* Due rows read at a time, and looked at in one call at most: rows that are
 * other modems' to send are passed over, this far. */
#define SENDER_BATCH 32
#define SENDER_SCAN_MAX 1024

int sender_recover(struct db *db, const char *modem, int *recovered)
{
	int r;

	/* A delivery report that came while the row was 'sending' (Kannel's
	 * come within milliseconds) already proves it went out. */
	if ((r = db_run(db, "UPDATE outbox SET status = 'sent', sent_at = coalesce(sent_at, dlr_at)"
			    " WHERE status = 'sending' AND dlr <> '' AND (?1 IS NULL OR modem = ?1)",
			DB_ARGS(DB_TEXT(modem)))) < 0)
		return r;
	if (db_changes(db))
		log_notice("outbox: %d message(s) were being sent when the daemon stopped; their"
			   " delivery reports say they went out", db_changes(db));
	if ((r = db_run(db, "UPDATE outbox SET status = 'sent_unknown', unknown_at = ?2, error ="
			    " 'interrupted while sending: may or may not have gone out'"
			    " WHERE status = 'sending' AND (?1 IS NULL OR modem = ?1)",
			DB_ARGS(DB_TEXT(modem), DB_INT(time(NULL))))) < 0)
		return r;
	*recovered = db_changes(db);
	if (*recovered)
		log_warn("outbox: %d message(s) were being sent%s%s when %s stopped; marked"
			 " sent_unknown until a delivery report settles them or the in-doubt rule"
			 " sends them again (sms.unknown_resend_after; kannel.resend_unknown_after)", *recovered, modem ? " by modem " : "",
			 modem ? modem : "", modem ? "its worker" : "the daemon");
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

/* A queued row settled without sending (cancelled, failed before the
 * modem): only while still queued, since another modem's worker may have
 * taken it meanwhile. */
static int settle(struct db *db, int64_t id, const char *status, const char *error)
{
	return db_run(db, "UPDATE outbox SET status = ?, error = ? WHERE id = ? AND status = 'queued'",
		      DB_ARGS(DB_TEXT(status), DB_TEXT(error), DB_INT(id)));
}

/* After an attempt that reached the modem: where a retry resumes (parts the
 * network accepted, their reference) and the parts counted as sent. */
static int record_progress(struct db *db, const char *modem, int64_t id,
			   const struct modem_resume *before, const struct modem_sent *ms, time_t now)
{
	int r;

	if ((r = db_run(db, "UPDATE outbox SET parts_done = ?, concat_ref = ? WHERE id = ?",
			DB_ARGS(DB_INT(ms->parts), DB_INT(ms->ref), DB_INT(id)))) < 0 ||
	    ms->parts <= before->parts_done)
		return r;
	return db_run(db, "UPDATE modem_status SET sent_parts = sent_parts + ?, last_contact = ?"
			  " WHERE name = ?",
		      DB_ARGS(DB_INT(ms->parts - before->parts_done), DB_INT(now), DB_TEXT(modem)));
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
		return settle(db, id, "cancelled", "opted out");
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
	return db_run(db, "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'queued'",
		      DB_ARGS(DB_INT(next), DB_INT(id)));
}

/* A due row as the scan reads it, and then the row being sent. */
struct sender_row {
	int64_t id;
	char phone[MODEM_PHONE_MAX];
	int bad_phone;              /* too long for a phone number: never sent */
	char *text;
	int broadcast;
	int64_t broadcast_id;
	int priority;               /* sort key: priority, next_attempt_at, id */
	int64_t next_at;
	int64_t hash;               /* of text: what the same-text limits count */
	int attempts;               /* this attempt included (set by the claim) */
	struct modem_resume from;   /* parts earlier attempts got through */
};

static void rows_release(struct sender_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].text);
		rows[i].text = NULL;
	}
}

/* Up to SENDER_BATCH due rows after *after in queue order (index
 * outbox_queue: no sort of 100,000 queued broadcast rows per send). */
static int read_batch(struct db *db, time_t now, int quiet, const struct sender_row *after,
		      struct sender_row *rows, int *n)
{
	sqlite3_stmt *st;
	int r, k = 0;

	if ((r = db_rows(db, "SELECT id, phone, text, kind = 'broadcast', broadcast_id, priority,"
			     " next_attempt_at FROM outbox"
			     " WHERE status = 'queued' AND next_attempt_at <= ?1"
			     " AND (?2 = 0 OR kind <> 'broadcast')"
			     " AND (priority, next_attempt_at, id) > (?3, ?4, ?5)"
			     " ORDER BY priority, next_attempt_at, id LIMIT ?6",
			 DB_ARGS(DB_INT(now), DB_INT(quiet), DB_INT(after->priority),
				 DB_INT(after->next_at), DB_INT(after->id), DB_INT(SENDER_BATCH)),
			 &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		struct sender_row *row = &rows[k];

		memset(row, 0, sizeof(*row));
		row->id = sqlite3_column_int64(st, 0);
		row->bad_phone = gw_strlcpy(row->phone, db_col_text(st, 1), sizeof(row->phone)) < 0;
		row->text = strdup(db_col_text(st, 2));
		row->broadcast = sqlite3_column_int(st, 3);
		row->broadcast_id = sqlite3_column_int64(st, 4);
		row->priority = sqlite3_column_int(st, 5);
		row->next_at = sqlite3_column_int64(st, 6);
		if (!row->text) {
			sqlite3_reset(st);
			r = GW_ERR_NOMEM;
			break;
		}
		row->hash = hash_text_key(row->text);
		k++;
	}
	*n = k;
	return r < 0 ? r : 0;
}

/* Take the row for this modem: 1, or 0 when another modem was quicker.
 * The attempt is recorded before the modem is touched (see sender_recover). */
static int claim(struct link *l, struct sender_row *row, time_t now)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(l->db, "UPDATE outbox SET status = 'sending', attempts = attempts + 1,"
			       " modem = ?, claimed_at = ?, text_hash = ?,"
			       /* fixed before the first part goes, so every copy of a
				* long message, resent after a crash too, shares it */
			       " concat_ref = CASE WHEN concat_ref = 0 THEN id % 255 + 1"
			       " ELSE concat_ref END"
			       " WHERE id = ? AND status = 'queued'"
			       " RETURNING attempts, parts_done, concat_ref",
			DB_ARGS(DB_TEXT(l->ms->name), DB_INT(now), DB_INT(row->hash),
				DB_INT(row->id)), &st)) < 0)
		return r == GW_ERR_NOTFOUND ? 0 : r;
	row->attempts = sqlite3_column_int(st, 0);
	row->from.parts_done = sqlite3_column_int(st, 1);
	row->from.ref = sqlite3_column_int(st, 2);
	sqlite3_reset(st);
	return 1;
}

/* Nobody may send this text now: the row waits until a window frees, and
 * with it every queued row of its broadcast with the same text (so a
 * broadcast of thousands is not looked at again row by row). */
static int wait_for_limits(struct db *db, const struct sender_row *row, time_t until)
{
	int r;

	if (row->broadcast && row->broadcast_id)
		r = db_run(db, "UPDATE outbox SET next_attempt_at = ?1 WHERE broadcast_id = ?2"
			       " AND status = 'queued' AND next_attempt_at < ?1 AND text = ?3",
			   DB_ARGS(DB_INT(until), DB_INT(row->broadcast_id), DB_TEXT(row->text)));
	else
		r = db_run(db, "UPDATE outbox SET next_attempt_at = ? WHERE id = ?"
			       " AND status = 'queued'", DB_ARGS(DB_INT(until), DB_INT(row->id)));
	if (r == 0)
		log_info("outbox %lld: every modem that may send it reached a sending limit for"
			 " this text; %d message(s) wait %ld s", (long long)row->id, db_changes(db),
			 (long)(until - time(NULL)));
	return r;
}

/* One due row: 1 taken for this modem, 0 left (for another modem, or it
 * waits, or it was settled without sending: *wrote counts those). */
static int consider(struct link *l, const struct gw_settings *cfg, struct route_view *v,
		    struct sender_row *row, time_t now, int *wrote)
{
	enum route_decision d;
	time_t until = 0;
	int r;

	if (row->bad_phone) { /* a number that long is not a phone number */
		++*wrote;
		return settle(l->db, row->id, "failed", "invalid phone number");
	}
	if (row->broadcast && (r = broadcast_may_go(l->db, cfg, row->id, row->phone, now)) != 1) {
		++*wrote;
		return r;
	}
	if ((r = route_decide(l->db, v, row->phone, row->hash, row->broadcast, &d, &until)) < 0)
		return r;
	if (d == ROUTE_MINE)
		return claim(l, row, now);
	if (d == ROUTE_WAIT) {
		++*wrote;
		return wait_for_limits(l->db, row, until);
	}
	return 0;
}

/* Pick: the first row in queue order this modem should send now, looking
 * at most SENDER_SCAN_MAX rows ahead. 1 picked (and claimed); 0 none,
 * *more = 1 when rows were settled or deferred on the way (call again). */
static int pick(struct link *l, const struct gw_settings *cfg, time_t now, int quiet,
		struct sender_row *row, int *more)
{
	struct sender_row batch[SENDER_BATCH], after;
	struct route_view *v = malloc(sizeof(*v));
	int wrote = 0, scanned = 0, n = 0, r;

	memset(&after, 0, sizeof(after));
	after.priority = INT_MIN;
	after.next_at = INT64_MIN;
	if (!v)
		return GW_ERR_NOMEM;
	if ((r = route_view_load(l->db, l->ms->name, now, time(NULL),
				 broadcast_day_start(cfg, now), v)) < 0 || v->self < 0)
		goto out;
	while (scanned < SENDER_SCAN_MAX && wrote < SENDER_SKIP_MAX) {
		if ((r = read_batch(l->db, now, quiet, &after, batch, &n)) < 0 || n == 0)
			break;
		for (int i = 0; i < n && wrote < SENDER_SKIP_MAX; i++) {
			if ((r = consider(l, cfg, v, &batch[i], now, &wrote)) < 0)
				goto out;
			if (r == 1) {
				*row = batch[i];
				batch[i].text = NULL; /* now the caller's */
				goto out;
			}
		}
		after = batch[n - 1];
		rows_release(batch, n);
		n = 0;
		scanned += SENDER_BATCH;
	}
	*more = wrote > 0;
out:
	rows_release(batch, n);
	free(v);
	return r;
}

/* Send: the text to the modem, resuming after the parts earlier attempts
 * got through; the modem's result. */
static int send_row(struct link *l, const struct sender_row *row, struct modem_sent *ms)
{
	struct modem_send_req req = { .id = row->id, .report = l->ms->delivery_reports,
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

/* The network refused the SIM rather than the message: the modem leaves
 * routing for a while and the row goes back for another one. */
static int refused_sim(struct link *l, const struct sender_row *row, const char *error,
		       time_t now)
{
	const struct gw_modem_settings *ms = l->ms;

	link_hold(l, LINK_HOLD_BARRED, time(NULL) + ms->recheck_interval_s);
	if (row->attempts >= ms->send_attempts) {
		log_warn("outbox %lld: giving up on %s after %d attempt(s): %s", (long long)row->id,
			 log_phone(row->phone), row->attempts, error);
		return finish(l->db, row->id, "failed", error, NULL, 0, now);
	}
	log_notice("outbox %lld: modem %s refused by the network (%s); another modem will send it",
		   (long long)row->id, ms->name, error);
	return finish(l->db, row->id, "queued", error, NULL, now, now);
}

/* What becomes of the row after the modem's result sr: sent, waiting for
 * the modem, failed for good, or queued for a retry with backoff. */
static int record_outcome(struct link *l, const struct sender_row *row, int sr,
			  const struct modem_sent *ms, time_t now)
{
	const struct gw_modem_settings *mset = l->ms;
	char error[128];
	int r;

	if (sr == 0) {
		if (*l->hold) /* a barred SIM tried again, and the network took it */
			link_hold(l, "", 0);
		log_info("outbox %lld: sent to %s by %s (%d part%s, %s)", (long long)row->id,
			 log_phone(row->phone), mset->name, ms->parts, ms->parts == 1 ? "" : "s",
			 ms->ucs2 ? "UCS-2" : "GSM-7");
		return finish(l->db, row->id, "sent", "", ms, 0, now);
	}
	if (ms->network_error)
		snprintf(error, sizeof(error), "%s (+CMS ERROR %d)", gw_strerror(sr), ms->network_error);
	else
		snprintf(error, sizeof(error), "%s", gw_strerror(sr));
	link_note_error(l, "send", sr);
	if ((sr == GW_ERR_MODEM_GONE || sr == GW_ERR_TIMEOUT) && ms->doubt &&
	    ms->parts + 1 >= ms->total && mset->delivery_reports) {
		/* the last part may have gone: its report will tell (settle.h) */
		log_warn("outbox %lld: modem %s took the last part for %s but never confirmed it"
			 " (%s): in doubt until a delivery report or the in-doubt rule"
			 " (sms.unknown_resend_after; kannel.resend_unknown_after)",
			 (long long)row->id, mset->name, log_phone(row->phone), error);
		r = db_run(l->db, "UPDATE outbox SET status = 'sent_unknown', unknown_at = ?, error = ?"
				  " WHERE id = ?", DB_ARGS(DB_INT(now), DB_TEXT(error), DB_INT(row->id)));
	} else if (sr == GW_ERR_MODEM_GONE || sr == GW_ERR_TIMEOUT || sr == GW_ERR_SECURITY) {
		/* not this message's fault: it waits for a modem (this one, or its
		 * SIM's PIN, see link_result; or another), attempt not counted */
		log_notice("outbox %lld: modem %s unavailable (%s); will resend when a modem is"
			   " back", (long long)row->id, mset->name, error);
		if ((r = finish(l->db, row->id, "queued", error, NULL, now, now)) == 0)
			r = db_run(l->db, "UPDATE outbox SET attempts = attempts - 1 WHERE id = ?",
				   DB_ARGS(DB_INT(row->id)));
	} else if (sr == GW_ERR_SEND_PERM && modem_cms_sim_barred(ms->network_error)) {
		r = refused_sim(l, row, error, now);
	} else if (sr == GW_ERR_SEND_PERM || sr == GW_ERR_INVAL || sr == GW_ERR_TOOBIG ||
		   row->attempts >= mset->send_attempts) {
		log_warn("outbox %lld: giving up on %s after %d attempt(s): %s", (long long)row->id,
			 log_phone(row->phone), row->attempts, error);
		r = finish(l->db, row->id, "failed", error, ms, 0, now);
	} else {
		long delay = (long)mset->retry_base_s
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
	if ((ms->total <= 0 ||
	     ((r = record_progress(l->db, l->ms->name, row->id, &row->from, ms, now)) >= 0 &&
	      (r = settle_record_parts(l->db, l->ms->name, row->id, &row->from, ms,
				       l->ms->delivery_reports, now)) >= 0)) &&
	    (r = record_outcome(l, row, sr, ms, now)) >= 0)
		r = db_commit(l->db);
	if (r < 0)
		db_rollback(l->db);
	return r;
}

int sender_send_one(struct link *l, const struct gw_settings *cfg, time_t now, int *sent)
{
	struct sender_row row;
	struct modem_sent ms;
	int quiet, more = 0, r;

	memset(&row, 0, sizeof(row));
	now = sender_clock(cfg, now);
	quiet = broadcast_quiet(cfg, now);
	link_alive(l, time(NULL));
	if (link_held(l, time(NULL))) {
		*sent = 0;
		r = 0;
		goto out;
	}
	if (quiet && (r = hold_for_quiet_hours(l->db, cfg, now)) < 0)
		goto out;
	if ((r = pick(l, cfg, now, quiet, &row, &more)) <= 0) {
		if (r == 0)
			*sent = more;
		goto out;
	}
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
