#include "handlers/features/broadcast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "handlers/core/handler_result.h"
#include "handlers/core/reply.h"
#include "handlers/core/request.h"
#include "handlers/features/jobs.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/features/officers.h"
#include "handlers/features/scope.h"
#include "handlers/vi/textfold.h"

#define BROADCAST_TEXT_MAX (16 * 1024)
#define BROADCAST_RATE_WINDOW 3600   /* seconds of sends the rate is measured over */
#define BROADCAST_TARGET_MAX 48      /* "tan lap/may:" prefix of a notice, bytes */
#define BROADCAST_DAY 86400

static time_t office_offset(const struct gw_settings *cfg)
{
	return (time_t)cfg->office.utc_offset_min * 60;
}

time_t broadcast_day_start(const struct gw_settings *cfg, time_t t)
{
	time_t local = t + office_offset(cfg);

	return local - local % BROADCAST_DAY - office_offset(cfg);
}

/* Quiet hours as minutes after office midnight; 0 when there are none. */
static int quiet_window(const struct gw_settings *cfg, int *start, int *end)
{
	*start = settings_time_minutes(cfg->broadcast.quiet_start);
	*end = settings_time_minutes(cfg->broadcast.quiet_end);
	return *start >= 0 && *end >= 0 && *start != *end;
}

int broadcast_quiet(const struct gw_settings *cfg, time_t t)
{
	int start, end, m;

	if (!quiet_window(cfg, &start, &end))
		return 0;
	m = (int)((t - broadcast_day_start(cfg, t)) / 60);
	return start < end ? m >= start && m < end : m >= start || m < end;
}

time_t broadcast_allowed_from(const struct gw_settings *cfg, time_t t)
{
	int start, end;
	time_t at;

	if (!broadcast_quiet(cfg, t) || !quiet_window(cfg, &start, &end))
		return t;
	at = broadcast_day_start(cfg, t) + (time_t)end * 60;
	return at > t ? at : at + BROADCAST_DAY;
}

time_t broadcast_finish_time(const struct gw_settings *cfg, time_t now, double seconds)
{
	time_t t = now;
	int start, end;

	if (!quiet_window(cfg, &start, &end))
		return now + (time_t)ceil(seconds);
	for (int days = 0; days < 3660; days++) {
		time_t from = broadcast_allowed_from(cfg, t);
		time_t quiet = broadcast_day_start(cfg, from) + (time_t)start * 60;

		if (quiet <= from)
			quiet += BROADCAST_DAY;
		if (seconds <= (double)(quiet - from))
			return from + (time_t)ceil(seconds);
		seconds -= (double)(quiet - from);
		t = quiet;
	}
	return t;
}

#define QUEUE_SQL(audience)                                                              \
	"INSERT OR IGNORE INTO outbox (phone, text, kind, priority, next_attempt_at,"     \
	" broadcast_id, created_at)"                                                       \
	" SELECT s.phone, ?1, 'broadcast', ?2, ?3, ?4, ?3"                                 \
	" FROM subscriptions s JOIN contacts c ON c.phone = s.phone"                       \
	" WHERE c.opted_out = 0"                                                           \
	"  AND (s.area = '' OR ?5 IS NULL OR instr(?5, '|' || s.area || '|') > 0)"         \
	"  AND (s.job_type = '' OR ?6 IS NULL OR instr(?6, '|' || s.job_type || '|') > 0)" \
	"  AND (?7 = 0 OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.phone = s.phone"      \
	"   AND o.broadcast_id IN (SELECT id FROM broadcasts WHERE job_id = ?7"             \
	"    AND id <> ?4) AND o.status <> 'cancelled'))" audience

/* A household of the commune ?8 (scope.h), or one that subscribed to the
 * commune's news by name. */
#define AUDIENCE_TEST "  AND (s.area = ?8 OR " SCOPE_HOUSEHOLD("s.phone", "?8") ")"
#define ANYONE "  AND ?8 = ''"

int broadcast_queue(struct db *db, const struct broadcast_spec *spec, time_t now, int64_t *id,
		    int *recipients)
{
	int64_t bid;
	int n, r;

	if ((r = db_run(db, "INSERT INTO broadcasts (created_by, job_id, text, area, job_type,"
			    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(spec->created_by),
				spec->job_id > 0 ? DB_INT(spec->job_id) : DB_NULL, DB_TEXT(spec->text),
				DB_TEXT(spec->area ? spec->area : ""),
				DB_TEXT(spec->job_type ? spec->job_type : ""), DB_INT(now)))) < 0)
		return r;
	bid = db_last_id(db);
	/* One statement for every recipient: one pass over subscriptions,
	 * contacts by primary key, opted-out ones never selected. A phone with
	 * several matching subscriptions is queued once by the
	 * outbox_broadcast_once index (OR IGNORE: cheaper than DISTINCT's
	 * sort). For an offer, phones that were sent an earlier broadcast of
	 * it are skipped: one index probe per earlier broadcast. An officer's
	 * broadcast has its own statement, so that an administrator's never
	 * pays for (nor needs) the commune test. */
	if ((r = db_run(db, spec->audience ? QUEUE_SQL(AUDIENCE_TEST) : QUEUE_SQL(ANYONE),
			DB_ARGS(DB_TEXT(spec->text), DB_INT(HANDLER_PRIO_BROADCAST), DB_INT(now),
				DB_INT(bid), DB_TEXT(spec->places), DB_TEXT(spec->types),
				DB_INT(spec->job_id > 0 ? spec->job_id : 0),
				DB_TEXT(spec->audience ? spec->audience : "")))) < 0)
		return r;
	n = db_changes(db);
	if ((r = db_run(db, "UPDATE broadcasts SET recipients = ? WHERE id = ?",
			DB_ARGS(DB_INT(n), DB_INT(bid)))) < 0)
		return r;
	*id = bid;
	*recipients = n;
	return 0;
}

/* "|a|b|" from "a" (a place key). */
static int wrap_key(const char *key, struct buf *out)
{
	int r = buf_addch(out, '|');

	if (r == 0 && *key)
		r = buf_addf(out, "%s|", key);
	return r;
}

int broadcast_queue_job(struct db *db, const struct gw_settings *cfg, int64_t job_id,
			const char *area, const char *type, const struct scope_account *who,
			const char *created_by, time_t now, int64_t *id, int *recipients)
{
	struct broadcast_spec spec;
	struct buf text, places, types, akey, tnames;
	struct job *j = malloc(sizeof(*j));
	char today[11];
	unsigned bits;
	int r = GW_ERR_NOMEM;

	buf_init(&text, BROADCAST_TEXT_MAX);
	buf_init(&places, BROADCAST_TEXT_MAX);
	buf_init(&types, 512);
	buf_init(&akey, 256);
	buf_init(&tnames, 512);
	if (!j || (r = jobs_get(db, job_id, j)) < 0)
		goto out;
	if (who && ((r = scope_job(db, who, job_id)) < 0 || (r = scope_area(who, area)) < 0))
		goto out;
	jobs_office_date(cfg, now, today);
	r = GW_ERR_INVAL;
	if (!jobs_is_current(j, today))
		goto out;
	bits = j->types;
	if (type && *type && !(bits = jobs_filter_type_named(type)))
		goto out;
	/* subscriptions match by type name: "|may|cong nhan|" ("|" = none) */
	if ((r = jobs_broadcast_text(j, &text)) < 0 || (r = jobs_filter_types_text(bits, "|", &tnames)) < 0 ||
	    (r = wrap_key(tnames.data, &types)) < 0)
		goto out;
	buf_reset(&tnames);
	if ((r = jobs_filter_types_text(bits, ",", &tnames)) < 0)
		goto out;
	if (area && *area) {
		if ((r = jobs_filter_place_key(area, &akey)) < 0 || (r = wrap_key(akey.data, &places)) < 0)
			goto out;
	} else {
		if ((r = buf_adds(&places, j->places)) < 0)
			goto out;
		/* recorded target: the offer's first place */
		if ((r = buf_add(&akey, j->places + 1, strcspn(j->places + 1, "|"))) < 0)
			goto out;
	}
	memset(&spec, 0, sizeof(spec));
	spec.created_by = created_by;
	spec.job_id = job_id;
	spec.text = text.data;
	spec.area = akey.data;
	spec.job_type = tnames.data;
	spec.places = places.data;
	spec.types = types.data;
	spec.audience = who ? scope_audience(who) : NULL;
	r = broadcast_queue(db, &spec, now, id, recipients);
out:
	free(j);
	buf_release(&text);
	buf_release(&places);
	buf_release(&types);
	buf_release(&akey);
	buf_release(&tnames);
	return r;
}

/* Messages per second over the last hour of sends of kind ("" = any). */
static int measured_rate(struct db *db, time_t now, const char *kind, double *per_s)
{
	sqlite3_stmt *st;
	int64_t n, lo, hi;
	int r;

	if ((r = db_row(db, "SELECT count(*), min(sent_at), max(sent_at) FROM outbox"
			    " WHERE status = 'sent' AND sent_at >= ?1 AND (?2 = '' OR kind = ?2)",
			DB_ARGS(DB_INT(now - BROADCAST_RATE_WINDOW), DB_TEXT(kind)), &st)) < 0)
		return r;
	n = sqlite3_column_int64(st, 0);
	lo = sqlite3_column_int64(st, 1);
	hi = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	if (n < 2)
		return GW_ERR_NOTFOUND;
	/* whole seconds: a burst within one second counts as one second */
	*per_s = (double)(n - 1) / (double)(hi > lo ? hi - lo : 1);
	return 0;
}

/* What the SIMs may send of one text, all together: in 5 minutes, in an
 * hour and in a day of sending (the quiet hours excluded); 0: no limit. */
struct allowance {
	double per_5min, per_hour, per_day;
};

static double add_limit(double sum, double one)
{
	return one > 0 ? sum + one : INFINITY;
}

static void sim_allowance(const struct gw_settings *cfg, struct allowance *a)
{
	int start, end;
	double open_h = 24.0, m5 = 0, hour = 0, day = 0;

	if (quiet_window(cfg, &start, &end))
		open_h = (1440 - ((end - start + 1440) % 1440)) / 60.0;
	for (int i = 0; i < cfg->nmodems; i++) {
		const struct gw_modem_settings *m = &cfg->modems[i];
		double h = m->same_text_per_hour > 0 ? m->same_text_per_hour : INFINITY;
		double d = m->same_text_per_day > 0 ? m->same_text_per_day : INFINITY;

		if (m->same_text_per_5min > 0)
			h = fmin(h, m->same_text_per_5min * 12.0);
		if (m->per_day > 0)
			d = fmin(d, m->per_day);
		m5 = add_limit(m5, m->same_text_per_5min);
		hour = add_limit(hour, isinf(h) ? 0 : h);
		day = add_limit(day, isinf(d = fmin(d, h * open_h)) ? 0 : d);
	}
	a->per_5min = isinf(m5) ? 0 : m5;
	a->per_hour = isinf(hour) ? 0 : hour;
	a->per_day = isinf(day) ? 0 : day;
}

/* Seconds before the last of n messages of one text may go, counted in
 * whole windows: the k-th goes no sooner than k / per_window windows in. */
static double windows(int64_t n, double per_window, double span)
{
	return per_window >= 1 && n > 0 ? floor((double)(n - 1) / floor(per_window)) * span : 0;
}

/* This broadcast's messages already taken by a SIM in the last 5 minutes,
 * hour and day, and the oldest of each: the windows they opened. */
struct recent {
	int64_t n[3];
	time_t oldest[3];
};

static const double spans[3] = { 300, 3600, BROADCAST_DAY };

static int recent_sends(struct db *db, int64_t id, time_t now, struct recent *rc)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT count(*) FILTER (WHERE claimed_at > ?2 - 300),"
			    " min(claimed_at) FILTER (WHERE claimed_at > ?2 - 300),"
			    " count(*) FILTER (WHERE claimed_at > ?2 - 3600),"
			    " min(claimed_at) FILTER (WHERE claimed_at > ?2 - 3600),"
			    " count(*), min(claimed_at) FROM outbox WHERE broadcast_id = ?1"
			    " AND claimed_at > ?2 - 86400"
			    " AND status IN ('sending', 'sent', 'sent_unknown')",
			DB_ARGS(DB_INT(id), DB_INT(now)), &st)) < 0)
		return r;
	for (int w = 0; w < 3; w++) {
		rc->n[w] = sqlite3_column_int64(st, 2 * w);
		rc->oldest[w] = rc->n[w] ? (time_t)sqlite3_column_int64(st, 2 * w + 1) : now;
	}
	sqlite3_reset(st);
	return 0;
}

/* When the last of this broadcast's left rows may go under the SIMs'
 * same-text limits, the windows its recent sends opened included. */
static time_t limits_eta(const struct gw_settings *cfg, const struct allowance *a,
			 const struct recent *rc, int64_t left, time_t now)
{
	const double per[3] = { a->per_5min, a->per_hour, a->per_day };
	double t = (double)now;
	int64_t days, rest;

	if (per[2] >= 1 && (days = (rc->n[2] + left - 1) / (int64_t)per[2]) > 0) {
		/* another day: its first windows start when the day's does */
		rest = rc->n[2] + left - days * (int64_t)per[2];
		t = (double)rc->oldest[2] + days * spans[2] +
		    fmax(windows(rest, per[0], spans[0]), windows(rest, per[1], spans[1]));
	} else {
		for (int w = 0; w < 2; w++)
			if (per[w] >= 1)
				t = fmax(t, (double)rc->oldest[w] + windows(rc->n[w] + left, per[w],
									    spans[w]));
	}
	return broadcast_finish_time(cfg, (time_t)t, 0);
}

/* The ETA: everything ahead (this broadcast's rows and the ones before)
 * at the modems' rate per_s, and this broadcast's own left rows, all of
 * one text, no sooner than the SIMs' same-text limits allow. */
static int limited_eta(struct db *db, const struct gw_settings *cfg, struct broadcast_progress *p,
		       int64_t ahead, double per_s, time_t now)
{
	struct allowance a;
	struct recent rc;
	time_t t;
	int r;

	p->eta = broadcast_finish_time(cfg, now, (double)ahead / per_s);
	sim_allowance(cfg, &a);
	p->sims = cfg->nmodems;
	p->limit_per_hour = a.per_hour;
	p->limit_per_day = a.per_day;
	if (a.per_5min < 1 && a.per_hour < 1 && a.per_day < 1)
		return 0;
	if ((r = recent_sends(db, p->id, now, &rc)) < 0)
		return r;
	p->needs_link = a.per_day >= 1 && rc.n[2] + p->queued > (int64_t)a.per_day;
	t = limits_eta(cfg, &a, &rc, p->queued, now);
	if (t > p->eta) {
		p->eta = t;
		p->limit_bound = 1;
	}
	return 0;
}

int broadcast_progress(struct db *db, const struct gw_settings *cfg, int64_t id, time_t now,
		       struct broadcast_progress *out)
{
	struct broadcast_progress p;
	sqlite3_stmt *st;
	double per_s = BROADCAST_DEFAULT_PER_MIN / 60.0;
	int64_t ahead = 0;
	int r;

	memset(&p, 0, sizeof(p));
	p.id = id;
	if ((r = db_row(db, "SELECT recipients FROM broadcasts WHERE id = ?", DB_ARGS(DB_INT(id)),
			&st)) < 0)
		return r;
	p.recipients = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if ((r = db_rows(db, "SELECT status, count(*) FROM outbox WHERE broadcast_id = ?"
			     " GROUP BY status", DB_ARGS(DB_INT(id)), &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		const char *s = db_col_text(st, 0);
		int n = sqlite3_column_int(st, 1);

		if (strcmp(s, "queued") == 0 || strcmp(s, "sending") == 0)
			p.queued += n;
		else if (strcmp(s, "sent") == 0)
			p.sent += n;
		else if (strcmp(s, "cancelled") == 0)
			p.cancelled += n;
		else
			p.failed += n;
	}
	if (r < 0)
		return r;
	r = measured_rate(db, now, "broadcast", &per_s);
	if (r == GW_ERR_NOTFOUND)
		r = measured_rate(db, now, "", &per_s);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		return r;
	p.measured = r == 0;
	p.per_min = per_s * 60.0;
	if (p.queued) {
		struct broadcast_load load;

		/* broadcasts go in id order: everything queued up to our last
		 * row; ours wait for tomorrow when their household is at the
		 * cap today or the sender has already moved them there */
		if ((r = db_row(db, "SELECT (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')"
				    "  AND priority = ?1 AND id <= (SELECT max(id) FROM outbox"
				    "  WHERE broadcast_id = ?2)),"
				    " (SELECT count(*) FROM outbox o WHERE o.broadcast_id = ?2"
				    "  AND o.status = 'queued' AND (o.next_attempt_at >= ?3 + 86400"
				    "  OR (?4 > 0 AND (SELECT count(*) FROM outbox x WHERE x.phone = o.phone"
				    "   AND x.kind = 'broadcast' AND x.status IN ('sent', 'sending')"
				    "   AND x.sent_at >= ?3) >= ?4)))",
				DB_ARGS(DB_INT(HANDLER_PRIO_BROADCAST), DB_INT(id),
					DB_INT(broadcast_day_start(cfg, now)), DB_INT(cfg->broadcast.daily_cap)),
				&st)) < 0)
			return r;
		ahead = sqlite3_column_int64(st, 0);
		p.deferred = sqlite3_column_int(st, 1);
		sqlite3_reset(st);
		memset(&load, 0, sizeof(load));
		load.messages = p.queued;
		load.ahead = ahead > p.queued ? (int)(ahead - p.queued) : 0;
		load.deferred = p.deferred < p.queued ? p.deferred : p.queued;
		load.per_min = p.per_min;
		if ((r = broadcast_eta(cfg, now, &load, &p.est)) < 0 ||
		    (r = limited_eta(db, cfg, &p, ahead, per_s, now)) < 0)
			return r;
		if ((r = db_row(db, "SELECT min(next_attempt_at) FROM outbox WHERE broadcast_id = ?"
				    " AND status = 'queued'", DB_ARGS(DB_INT(id)), &st)) < 0)
			return r;
		if (sqlite3_column_int64(st, 0) > now)
			p.next_at = (time_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (p.next_at > p.eta)
			p.eta = p.next_at;
		/* the operators' limits on the SIMs (limited_eta) and the pace,
		 * the night and the household cap (broadcast_eta) each hold it
		 * back: it finishes when the later of them lets it */
		if (p.est.finish > p.eta)
			p.eta = p.est.finish;
		p.est.sim_limited |= p.limit_bound;
	}
	*out = p;
	return 0;
}

/* ", next ~HH:MM": when what is left waits for a window, the cap or morning. */
static int next_text(const struct gw_settings *cfg, const struct broadcast_progress *p,
		     int english, struct buf *out)
{
	time_t local = p->next_at + office_offset(cfg);
	struct tm tm;

	gmtime_r(&local, &tm);
	return buf_addf(out, english ? ", next ~%02d:%02d %02d/%02d" : ", gui tiep ~%02d:%02d %02d/%02d",
			tm.tm_hour, tm.tm_min, tm.tm_mday, tm.tm_mon + 1);
}

/* The operators' limits, when they are what holds the broadcast back. */
static int limits_text(const struct broadcast_progress *p, int english, struct buf *out)
{
	int r = 0;

	if (p->limit_bound)
		r = english ? buf_addf(out, "; the operators' same-text limits allow %.0f/hour on %d"
				       " SIM(s)", p->limit_per_hour, p->sims)
			    : buf_addf(out, "; gioi han nha mang %.0f tin/gio/%d SIM", p->limit_per_hour,
				       p->sims);
	if (r == 0 && p->needs_link)
		r = english ? buf_addf(out, "; more than the SIMs may send of one text in a day (%.0f):"
				       " a brandname or short-code link (Kannel) would be needed to send"
				       " it in one day", p->limit_per_day)
			    : buf_addf(out, "; qua %.0f tin/ngay: can dau so/brandname (Kannel)",
				       p->limit_per_day);
	return r;
}

int broadcast_progress_text(const struct gw_settings *cfg, const struct broadcast_progress *p,
			    int english, struct buf *out)
{
	time_t local = p->eta + office_offset(cfg);
	struct tm tm;
	int r;

	r = english ? buf_addf(out, "queued %d, sent %d, failed %d, left %d", p->recipients, p->sent,
			       p->failed, p->queued)
		    : buf_addf(out, "xep %d, da gui %d, loi %d, con %d", p->recipients, p->sent,
			       p->failed, p->queued);
	if (r == 0 && p->cancelled)
		r = buf_addf(out, english ? ", cancelled %d" : ", huy %d", p->cancelled);
	if (r < 0 || !p->queued)
		return r;
	if (p->next_at && (r = next_text(cfg, p, english, out)) < 0)
		return r;
	gmtime_r(&local, &tm);
	r = english ? buf_addf(out, ", done ~%02d:%02d %02d/%02d (%.0f/min%s)", tm.tm_hour,
			       tm.tm_min, tm.tm_mday, tm.tm_mon + 1, p->per_min,
			       p->measured ? "" : " est.")
		    : buf_addf(out, ", xong ~%02d:%02d %02d/%02d (%.0f tin/phut%s)", tm.tm_hour,
			       tm.tm_min, tm.tm_mday, tm.tm_mon + 1, p->per_min,
			       p->measured ? "" : " uoc tinh");
	return r < 0 ? r : limits_text(p, english, out);
}

/* "tan lap/may: text": the target before a colon near the start. */
static int notice_target(const char *body, struct buf *area, unsigned *types, const char **text)
{
	const char *colon = strchr(body, ':');
	struct buf piece, folded;
	int r = 0;

	*types = 0;
	*text = body;
	if (!colon || colon - body > BROADCAST_TARGET_MAX)
		return 0;
	buf_init(&piece, BROADCAST_TARGET_MAX * 4);
	buf_init(&folded, BROADCAST_TARGET_MAX * 4);
	for (const char *p = body; p < colon && r == 0;) {
		size_t n = strcspn(p, "/,:");
		unsigned bit;

		if (p + n > colon)
			n = (size_t)(colon - p);
		buf_reset(&piece);
		buf_reset(&folded);
		if ((r = buf_add(&piece, p, n)) < 0 ||
		    (r = textfold_ascii(&folded, piece.data, piece.len)) < 0)
			break;
		buf_reset(&piece);
		if ((r = jobs_filter_squash(folded.data, &piece)) < 0)
			break;
		buf_rtrim(&piece);
		if (piece.len > 1 && (bit = jobs_filter_type_named(piece.data + 1)) != 0)
			*types |= bit;
		else if (piece.len > 1 && !area->len)
			r = jobs_filter_place_key(folded.data, area);
		p += n;
		if (p < colon)
			p++;
	}
	if (r == 0)
		*text = colon + 1;
	buf_release(&piece);
	buf_release(&folded);
	return r;
}

/* The refusal of a broadcast outside the officer's commune, audited. */
static int refuse(const struct handler_req *rq, const struct scope_account *who, const char *what,
		  struct buf *reply)
{
	struct buf label;
	int en = request_english(rq), r;

	buf_init(&label, 256);
	if ((r = scope_audit_refusal(rq->env->db, rq->msg->at, rq->msg->phone, rq->route.command, what,
				     who)) < 0 || (r = scope_commune_label(who, &label)) < 0)
		goto out;
	if (!*who->commune_key)
		r = buf_adds(reply, en ? "Refused: your number has no commune; ask an administrator."
				       : "Tu choi: so cua ban chua gan xa nao; nho quan tri.");
	else
		r = en ? buf_addf(reply, "Refused: %s is not in your commune (%s).", what, label.data)
		       : buf_addf(reply, "Tu choi: %s khong thuoc xa ban (%s).", what, label.data);
out:
	buf_release(&label);
	return r;
}

static int queue_notice(const struct handler_req *rq, const struct scope_account *who,
			const char *body, int64_t *id, int *n, struct buf *reply)
{
	struct broadcast_spec spec;
	struct buf area, places, tnames, typeset, text, plain;
	const char *msg = body, *p;
	unsigned types = 0;
	int en = request_english(rq), parts = 0, ucs2 = 0, r;

	buf_init(&area, 256);
	buf_init(&places, 256);
	buf_init(&tnames, 256);
	buf_init(&typeset, 256);
	buf_init(&text, BROADCAST_TEXT_MAX);
	buf_init(&plain, BROADCAST_TEXT_MAX);
	if ((r = notice_target(body, &area, &types, &msg)) < 0 || (r = jobs_ascii(msg, &plain)) < 0)
		goto out;
	*id = 0;
	if ((r = scope_area(who, area.data)) == GW_ERR_AUTH) {
		r = refuse(rq, who, area.len ? area.data : "TB", reply);
		goto out;
	}
	if (r < 0)
		goto out;
	buf_rtrim(&plain);
	for (p = plain.data; *p == ' '; p++)
		;
	if (!*p) {
		r = buf_adds(reply, en ? "Format: TB <pin> [area/type:] <text> or TB <pin> VIEC <n>"
				       : "Mau tin: TB <pin> [noi/loai viec:] <noi dung> hoac TB <pin> VIEC <so>");
		*id = 0;
		goto out;
	}
	/* the notice travels unaccented (GSM-7, cheapest), with the way out */
	if ((r = buf_addf(&text, "TB: %s HUY: ngung nhan tin", p)) < 0)
		goto out;
	if ((r = reply_measure(text.data, &parts, &ucs2)) < 0)
		goto out;
	if (parts > rq->env->cfg->sms.max_parts) {
		r = en ? buf_addf(reply, "Too long: %d SMS parts, at most %d. Nothing sent.", parts,
				  rq->env->cfg->sms.max_parts)
		       : buf_addf(reply, "TB qua dai: %d tin, toi da %d. Chua gui.", parts,
				  rq->env->cfg->sms.max_parts);
		*id = 0;
		goto out;
	}
	if ((r = jobs_filter_types_text(types, "|", &tnames)) < 0 || (r = wrap_key(tnames.data, &typeset)) < 0 ||
	    (area.len && (r = wrap_key(area.data, &places)) < 0))
		goto out;
	buf_reset(&tnames);
	if ((r = jobs_filter_types_text(types, ",", &tnames)) < 0)
		goto out;
	memset(&spec, 0, sizeof(spec));
	spec.created_by = rq->msg->phone;
	spec.text = text.data;
	spec.area = area.len || !scope_audience(who) ? area.data : scope_audience(who);
	spec.job_type = tnames.data;
	spec.places = area.len ? places.data : NULL;
	spec.types = types ? typeset.data : NULL;
	spec.audience = scope_audience(who);
	r = broadcast_queue(rq->env->db, &spec, rq->msg->at, id, n);
out:
	buf_release(&area);
	buf_release(&places);
	buf_release(&tnames);
	buf_release(&typeset);
	buf_release(&text);
	buf_release(&plain);
	return r;
}

int broadcast_handle(const struct handler_req *rq, struct handler_result *res)
{
	struct broadcast_progress p;
	struct scope_account who;
	struct officer o;
	struct job j;
	struct buf reply, detail, target;
	const char *rest = NULL, *body;
	char pin[16];
	int64_t id = 0;
	int en = request_english(rq), n = 0, r;

	buf_init(&reply, 1024);
	buf_init(&detail, 512);
	buf_init(&target, 64);
	request_set_intent(res, "officer_broadcast", NULL);
	officers_pin_of(rq->args, pin, sizeof(pin));
	if ((r = officers_authorize(rq, res, &o, &rest)) == GW_ERR_AUTH) {
		r = 0;
		goto out;
	}
	if (r < 0 || (r = scope_account_of(&o, &who)) < 0)
		goto out;
	/* a job by number (one that does not exist is an error), or by code */
	if (strncmp(rest, "viec ", 5) == 0 &&
	    ((r = jobs_find_in(rq->env->db, rest + 5, &j)) == 0 || jobs_ref_is_number(rest + 5))) {
		if (r == GW_ERR_NOTFOUND) {
			r = en ? buf_adds(&reply, "No such job. TB <pin> VIEC <number>")
			       : buf_adds(&reply, "Khong co viec so do. TB <pin> VIEC <so viec>");
			goto reply;
		}
		if (r < 0)
			goto out;
		request_set_intent(res, "officer_broadcast", j.code);
		r = broadcast_queue_job(rq->env->db, rq->env->cfg, j.id, "", "", &who, rq->msg->phone,
					rq->msg->at, &id, &n);
		if (r == GW_ERR_AUTH) {
			if ((r = buf_addf(&target, "job %s", j.code)) == 0 &&
			    (r = scope_audit_refusal(rq->env->db, rq->msg->at, rq->msg->phone,
						     rq->route.command, target.data, &who)) == 0)
				r = en ? buf_addf(&reply, "Job %lld is not in your commune.", (long long)j.id)
				       : buf_addf(&reply, "Viec so %lld khong thuoc xa ban.", (long long)j.id);
			goto reply;
		}
		if (r == GW_ERR_INVAL) {
			r = en ? buf_addf(&reply, "Job %lld is closed: not broadcast.", (long long)j.id)
			       : buf_addf(&reply, "Viec so %lld da dong/het han: khong gui.", (long long)j.id);
			goto reply;
		}
		if (r == 0)
			r = buf_addf(&detail, "job %s: %d recipients", j.code, n);
	} else {
		body = officers_after_pin(rq->msg->text, pin);
		r = queue_notice(rq, &who, body ? body : "", &id, &n, &reply);
		if (r == 0 && !id)
			goto reply;
		if (r == 0)
			r = buf_addf(&detail, "notice: %d recipients", n);
	}
	if (r < 0)
		goto out;
	if ((r = buf_addf(&target, "broadcast %lld", (long long)id)) < 0 ||
	    (r = audit_write(rq->env->db, rq->msg->at, rq->msg->phone, "broadcast", target.data, detail.data)) < 0 ||
	    (r = broadcast_progress(rq->env->db, rq->env->cfg, id, rq->msg->at, &p)) < 0)
		goto out;
	if (!n)
		r = en ? buf_addf(&reply, "Broadcast %lld: no matching subscriber, nothing sent.", (long long)id)
		       : buf_addf(&reply, "TB so %lld: khong co nguoi dang ky phu hop, khong gui tin nao.",
				  (long long)id);
	else if ((r = buf_addf(&reply, en ? "Broadcast %lld: " : "TB so %lld: ", (long long)id)) == 0)
		r = broadcast_progress_text(rq->env->cfg, &p, en, &reply);
reply:
	if (r == 0)
		r = request_reply_paged(rq, res, reply.data, NULL, 1);
out:
	buf_release(&reply);
	buf_release(&detail);
	buf_release(&target);
	return r;
}
