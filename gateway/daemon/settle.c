#include "gateway/daemon/settle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/crashpoint.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/daemon/evloop.h"
#include "gateway/outbox.h"

#define SETTLE_DUE_MAX 64 /* rows in doubt decided in one pass */

void settle_init(struct settle *s, const char *modem)
{
	memset(s, 0, sizeof(*s));
	s->modem = modem ? modem : "";
}

int settle_record_parts(struct db *db, const char *modem, int64_t id,
			const struct modem_resume *before, const struct modem_sent *ms, int report,
			time_t now)
{
	int r = 0, settled = 0;

	if (!report)
		goto out;
	for (int i = before->parts_done; i < ms->parts && i < MODEM_PARTS_MAX && r == 0; i++)
		if (ms->mr[i] >= 0)
			r = db_run(db, "INSERT INTO outbox_parts (outbox_id, seq, modem, mr, sent_at)"
				       " VALUES (?, ?, ?, ?, ?)",
				   DB_ARGS(DB_INT(id), DB_INT(i + 1), DB_TEXT(modem), DB_INT(ms->mr[i]),
					   DB_INT(now)));
	/* every part with the centre: a report is awaited */
	if (r == 0 && ms->total > 0 && ms->parts >= ms->total)
		r = outbox_report(db, id, OUTBOX_DLR_SUBMITTED, now, "", &settled);
out:
	return r;
}

static enum outbox_dlr dlr_of(enum modem_dlr state)
{
	return state == MODEM_DLR_DELIVERED ? OUTBOX_DLR_DELIVERED
	       : state == MODEM_DLR_FAILED ? OUTBOX_DLR_FAILED : OUTBOX_DLR_BUFFERED;
}

/* When the report says it happened: the network's discharge time when it
 * is plausible, else when we read it. */
static time_t report_time(const struct modem_report *rep, time_t now)
{
	if (rep->done_at > now - SETTLE_WINDOW_S && rep->done_at <= now + 300)
		return rep->done_at;
	return now;
}

/* The number as the outbox may hold it: with and without the '+'. */
static void phone_forms(const char *phone, char *with, char *without, size_t sz)
{
	const char *digits = phone[0] == '+' ? phone + 1 : phone;

	snprintf(with, sz, "+%s", digits);
	snprintf(without, sz, "%s", digits);
}

/* The row's state from its parts, recorded when there is one to record;
 * a row in doubt is settled only when its parts are all accounted for. */
static int record_row(struct db *db, int64_t id, time_t at, const char *detail, int *settled)
{
	sqlite3_stmt *st;
	enum outbox_dlr state = 0;
	int r, unknown, total, parts, delivered, failed, buffered, ucs2 = 0;

	if ((r = db_row(db, "SELECT o.status = 'sent_unknown', o.status IN ('sent', 'sent_unknown'),"
			    " o.parts, o.text, count(p.id), coalesce(sum(p.dlr = 'delivered'), 0),"
			    " coalesce(sum(p.dlr = 'failed'), 0), coalesce(sum(p.dlr = 'buffered'), 0)"
			    " FROM outbox o LEFT JOIN outbox_parts p ON p.outbox_id = o.id"
			    " WHERE o.id = ?", DB_ARGS(DB_INT(id)), &st)) < 0)
		goto out;
	unknown = sqlite3_column_int(st, 0);
	total = sqlite3_column_int(st, 2);
	/* a row in doubt never recorded its parts: count them as the sender would */
	if (unknown && modem_text_parts(db_col_text(st, 3), &total, &ucs2) < 0)
		total = 1;
	parts = sqlite3_column_int(st, 4);
	delivered = sqlite3_column_int(st, 5);
	failed = sqlite3_column_int(st, 6);
	buffered = sqlite3_column_int(st, 7);
	if (!sqlite3_column_int(st, 1)) { /* retried or given up: the part is enough */
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_reset(st);
	if (total < 1)
		total = 1;
	if (failed)
		state = OUTBOX_DLR_FAILED;
	else if (delivered >= total)
		state = OUTBOX_DLR_DELIVERED;
	else if (buffered)
		state = OUTBOX_DLR_BUFFERED;
	if (unknown) {
		if (parts < total) {
			log_info("outbox %lld: a delivery report for %d of its %d part(s) while in"
				 " doubt; waiting for the rest", (long long)id, parts, total);
			goto out;
		}
		if (!state)
			state = OUTBOX_DLR_SUBMITTED;
	}
	if (state)
		r = outbox_report(db, id, state, at, detail, settled);
out:
	return r;
}

/* The part a report is about: the newest still waiting with its
 * reference and number; else the one row in doubt to that number
 * that this modem took. */
static int find_part(struct db *db, const char *modem, const struct modem_report *rep, time_t now,
		     int64_t *part_id, int64_t *row_id)
{
	char with[MODEM_PHONE_MAX + 2], without[MODEM_PHONE_MAX + 2];
	sqlite3_stmt *st;
	int r, rows = 0;

	phone_forms(rep->phone, with, without, sizeof(with));
	*part_id = *row_id = 0;
	r = db_row(db, "SELECT p.id, p.outbox_id FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id"
		       " WHERE p.modem = ? AND p.mr = ? AND p.dlr IN ('', 'buffered') AND p.sent_at >= ?"
		       " AND o.phone IN (?, ?) ORDER BY p.sent_at DESC, p.id DESC LIMIT 1",
		   DB_ARGS(DB_TEXT(modem), DB_INT(rep->mr), DB_INT(now - SETTLE_WINDOW_S),
			   DB_TEXT(with), DB_TEXT(without)), &st);
	if (r == 0) {
		*part_id = sqlite3_column_int64(st, 0);
		*row_id = sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		goto out;
	}
	/* only a row this modem took: two modems may each have had an answer
	 * to one household in flight when the daemon died, and each report
	 * comes back through the modem that sent its message */
	if (r != GW_ERR_NOTFOUND ||
	    (r = db_rows(db, "SELECT id FROM outbox WHERE status = 'sent_unknown' AND phone IN (?, ?)"
			     " AND (?3 = '' OR coalesce(modem, '') IN ('', ?3)) LIMIT 2",
			 DB_ARGS(DB_TEXT(with), DB_TEXT(without), DB_TEXT(modem)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		*row_id = sqlite3_column_int64(st, 0);
		rows++;
	}
	if (r < 0)
		goto out;
	if (rows > 1) {
		/* which of them went cannot be told: both wait for their time */
		log_notice("delivery report for %s (reference %d): several messages in doubt to"
			   " that number; left to their resend", log_phone(rep->phone), rep->mr);
		*row_id = 0;
	}
	r = 0;
out:
	return r;
}

int settle_report(struct db *db, const char *modem, const struct modem_report *rep, time_t now,
		  int64_t *outbox_id, int *settled)
{
	enum outbox_dlr state = dlr_of(rep->state);
	char fp[MODEM_PHONE_MAX + 128], detail[32];
	int64_t report_id, part_id = 0, row_id = 0;
	time_t at = report_time(rep, now);
	int r, done = 0;

	snprintf(fp, sizeof(fp), "%s|%s|%d|%d|%lld|%lld", modem, rep->phone, rep->mr, rep->status,
		 (long long)rep->submitted_at, (long long)rep->done_at);
	snprintf(detail, sizeof(detail), "TP-ST 0x%02X", (unsigned)rep->status & 0xFF);
	if ((r = db_run(db, "INSERT OR IGNORE INTO delivery_reports (modem, phone, mr, status, state,"
			    " submitted_at, done_at, received_at, fingerprint)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(modem), DB_TEXT(rep->phone), DB_INT(rep->mr), DB_INT(rep->status),
				DB_TEXT(outbox_dlr_name(state)),
				rep->submitted_at ? DB_INT(rep->submitted_at) : DB_NULL,
				rep->done_at ? DB_INT(rep->done_at) : DB_NULL, DB_INT(now),
				DB_TEXT(fp)))) < 0)
		goto out;
	if (db_changes(db) == 0) /* read again after a crash: recorded already */
		goto done;
	report_id = db_last_id(db);
	if ((r = find_part(db, modem, rep, now, &part_id, &row_id)) < 0)
		goto out;
	if (!row_id) {
		log_info("delivery report for %s (reference %d, %s) matches no message",
			 log_phone(rep->phone), rep->mr, outbox_dlr_name(state));
		goto done;
	}
	if (part_id)
		r = db_run(db, "UPDATE outbox_parts SET dlr = ?, dlr_at = ? WHERE id = ?",
			   DB_ARGS(DB_TEXT(outbox_dlr_name(state)), DB_INT(at), DB_INT(part_id)));
	else /* the part of a row in doubt, reference unknown until now */
		r = db_run(db, "INSERT INTO outbox_parts (outbox_id, seq, modem, mr, sent_at, dlr, dlr_at)"
			       " VALUES (?, 0, ?, ?, ?, ?, ?)",
			   DB_ARGS(DB_INT(row_id), DB_TEXT(modem), DB_INT(rep->mr),
				   DB_INT(rep->submitted_at ? rep->submitted_at : now),
				   DB_TEXT(outbox_dlr_name(state)), DB_INT(at)));
	if (r < 0 ||
	    (r = db_run(db, "UPDATE delivery_reports SET outbox_id = ? WHERE id = ?",
			DB_ARGS(DB_INT(row_id), DB_INT(report_id)))) < 0 ||
	    (r = record_row(db, row_id, at, detail, &done)) < 0)
		goto out;
done:
	*outbox_id = row_id;
	*settled = done;
	r = 0;
out:
	return r;
}

int settle_in_doubt(struct db *db, const char *modem, int after_s, time_t now, int *resent,
		    int *kept)
{
	struct due { int64_t id; int broadcast; } due[SETTLE_DUE_MAX];
	int n = 0, nresent = 0, nkept = 0, r;
	char error[96];
	sqlite3_stmt *st;

	/* a row taken by a modem no longer configured is every worker's: none
	 * of its reports can come any more (the first to decide it does) */
	if ((r = db_rows(db, "SELECT id, kind = 'broadcast' FROM outbox WHERE status = 'sent_unknown'"
			     " AND unknown_at IS NOT NULL AND unknown_at <= ?1 AND (?3 IS NULL OR modem = ?3"
			     " OR modem NOT IN (SELECT name FROM modem_status WHERE enabled = 1))"
			     " ORDER BY id LIMIT ?2",
			 DB_ARGS(DB_INT(now - after_s), DB_INT(SETTLE_DUE_MAX), DB_TEXT(modem)), &st)) < 0)
		goto out;
	while (n < SETTLE_DUE_MAX && (r = db_step(st)) == DB_ROW) {
		due[n].id = sqlite3_column_int64(st, 0);
		due[n++].broadcast = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	r = r < 0 ? r : 0; /* DB_ROW when the batch was full */
	if (r < 0 || (n > 0 && (r = db_begin(db)) < 0))
		goto out;
	snprintf(error, sizeof(error), "in doubt: no delivery report within %d s, sent again", after_s);
	for (int i = 0; i < n && r == 0; i++) {
		if (due[i].broadcast) {
			r = db_run(db, "UPDATE outbox SET unknown_at = NULL, error = 'in doubt: a broadcast"
				       " goes at most once, not sent again' WHERE id = ?"
				       " AND status = 'sent_unknown'",
				   DB_ARGS(DB_INT(due[i].id)));
			if (r < 0 || db_changes(db) == 0) /* another worker decided it */
				continue;
			log_notice("outbox %lld: broadcast in doubt, no delivery report: not sent again"
				   " (at most once)", (long long)due[i].id);
			nkept++;
			continue;
		}
		/* resumes after the parts recorded, under the reference chosen
		 * before the first attempt */
		r = db_run(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ?, unknown_at = NULL,"
			       " resends = resends + 1, attempts = max(attempts - 1, 0), error = ?"
			       " WHERE id = ? AND status = 'sent_unknown' AND unknown_at IS NOT NULL",
			   DB_ARGS(DB_INT(now), DB_TEXT(error), DB_INT(due[i].id)));
		if (r < 0 || db_changes(db) == 0)
			continue;
		log_notice("outbox %lld: in doubt and no delivery report within %d s: sending it again",
			   (long long)due[i].id, after_s);
		nresent++;
	}
	if (r < 0 || (n > 0 && (r = db_commit(db)) < 0)) {
		db_rollback(db);
		goto out;
	}
	*resent = nresent;
	*kept = nkept;
out:
	return r;
}

/* Rows in doubt whose wait is over (1), or none (0). */
static int doubt_due(struct db *db, const char *modem, int after_s, time_t now)
{
	sqlite3_stmt *st;
	int r = db_row(db, "SELECT 1 FROM outbox WHERE status = 'sent_unknown' AND unknown_at IS NOT NULL"
			   " AND unknown_at <= ? AND (modem = ?2 OR modem NOT IN"
			   " (SELECT name FROM modem_status WHERE enabled = 1)) LIMIT 1",
		       DB_ARGS(DB_INT(now - after_s), DB_TEXT(modem)), &st);

	if (r == 0)
		sqlite3_reset(st);
	return r == 0 ? 1 : r == GW_ERR_NOTFOUND ? 0 : r;
}

/* Parts sent a while ago still without a report (1), or none (0). */
static int parts_waiting(struct db *db, const char *modem, time_t now)
{
	sqlite3_stmt *st;
	int r = db_row(db, "SELECT 1 FROM outbox_parts WHERE dlr = '' AND sent_at BETWEEN ? AND ?"
			   " AND modem = ? LIMIT 1",
		       DB_ARGS(DB_INT(now - SETTLE_WINDOW_S), DB_INT(now - 60), DB_TEXT(modem)), &st);

	if (r == 0)
		sqlite3_reset(st);
	return r == 0 ? 1 : r == GW_ERR_NOTFOUND ? 0 : r;
}

/* How far to look this time (see settle.h). */
static int choose_scope(struct settle *s, struct db *db, int busy, int due, time_t now,
			int64_t now_ms)
{
	int w;

	if (due)
		return MODEM_REPORTS_SWEEP;
	if (!busy && now_ms - s->last_sweep_ms >= SETTLE_SWEEP_MS && (w = parts_waiting(db, s->modem, now)) != 0)
		return w < 0 ? w : MODEM_REPORTS_SWEEP;
	if (!busy || s->waiting >= SETTLE_BATCH ||
	    (s->waiting_since_ms && now_ms - s->waiting_since_ms >= SETTLE_DEFER_MS))
		return MODEM_REPORTS_INDICATED;
	return MODEM_REPORTS_HELD;
}

/* Keep and match the reports read, then delete the stored ones: a crash
 * in between reads them again, and the copy is recognised. */
static int record_reports(struct settle *s, struct link *l, const struct modem_report *rep,
			  size_t n, time_t now)
{
	int64_t row;
	int settled, r;

	if ((r = db_begin(l->db)) < 0)
		goto out;
	for (size_t i = 0; i < n && r == 0; i++)
		r = settle_report(l->db, s->modem, &rep[i], now, &row, &settled);
	if (r < 0 || (r = db_commit(l->db)) < 0) {
		db_rollback(l->db);
		goto out;
	}
	crashpoint("dlr-stored"); /* reports in the database, still on the modem */
	for (size_t i = 0; i < n; i++) {
		int d = modem_delete_report(l->modem, &rep[i]);

		if (d < 0 && d != GW_ERR_EMPTY) {
			log_warn("delivery report %s: cannot delete it from the modem: %s", rep[i].handle,
				 gw_strerror(d));
			if (link_result(l, d, "delete report") == GW_ERR_MODEM_GONE)
				break;
		}
	}
out:
	return r;
}

int settle_run(struct settle *s, struct link *l, int busy, int after_s, time_t now, int *resent)
{
	struct modem_report *rep = NULL;
	int64_t now_ms = evloop_now_ms();
	int due, scope, kept = 0, r;
	size_t n = 0, waiting = 0;

	*resent = 0;
	if ((r = due = doubt_due(l->db, s->modem, after_s, now)) < 0 ||
	    (r = scope = choose_scope(s, l->db, busy, due, now, now_ms)) < 0)
		goto out;
	if ((r = link_result(l, modem_read_reports(l->modem, (enum modem_report_scope)scope, &rep,
						   &n, &waiting), "reports")) < 0)
		goto out; /* no decision without the last look */
	if (scope > MODEM_REPORTS_HELD || n)
		log_debug("delivery reports: %zu read (scope %d), %zu stored ones unread", n, scope,
			  waiting);
	if (scope == MODEM_REPORTS_SWEEP)
		s->last_sweep_ms = now_ms;
	s->waiting = waiting;
	s->waiting_since_ms = !waiting ? 0 : s->waiting_since_ms ? s->waiting_since_ms : now_ms;
	if (n && (r = record_reports(s, l, rep, n, now)) < 0)
		goto out;
	if (due)
		r = settle_in_doubt(l->db, s->modem, after_s, now, resent, &kept);
out:
	free(rep);
	return r;
}
