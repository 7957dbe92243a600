#include "handlers/features/referrals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/handler_result.h"
#include "handlers/core/reply.h"
#include "handlers/core/request.h"
#include "handlers/features/jobs_board.h"

#define REFERRALS_TEXT_MAX 4096
#define REFERRALS_CHOICES 4 /* offers named when a text fits several */

void referrals_local_phone(const char *phone, char *out, size_t outsz)
{
	if (strncmp(phone, "+84", 3) == 0 && strlen(phone) >= 11)
		snprintf(out, outsz, "0%s", phone + 3);
	else
		snprintf(out, outsz, "%s", phone);
}

static int fits(const char *text, int max_parts)
{
	int parts = 0, ucs2 = 0;

	return reply_measure(text, &parts, &ucs2) == 0 && parts <= max_parts;
}

/* The summary of every referral carried by outbox row id. */
static int batch_text(struct db *db, int64_t outbox_id, int max_parts, struct buf *out)
{
	struct buf body, item;
	sqlite3_stmt *st;
	int64_t count = 0, shown = 0, last_job = 0;
	char local[32];
	int r;

	buf_init(&body, REFERRALS_TEXT_MAX);
	buf_init(&item, 256);
	if ((r = db_row(db, "SELECT count(*) FROM referrals WHERE notify_outbox_id = ?",
			DB_ARGS(DB_INT(outbox_id)), &st)) < 0)
		goto out;
	count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((r = buf_addf(&body, "UT moi (%lld):", (long long)count)) < 0)
		goto out;
	if ((r = db_rows(db, "SELECT job_id, phone FROM referrals WHERE notify_outbox_id = ?"
			     " ORDER BY job_id, id", DB_ARGS(DB_INT(outbox_id)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		int64_t job = sqlite3_column_int64(st, 0);

		buf_reset(&item);
		referrals_local_phone(db_col_text(st, 1), local, sizeof(local));
		if (job != last_job)
			r = buf_addf(&item, "%s viec %lld: %s", last_job ? ";" : "", (long long)job, local);
		else
			r = buf_addf(&item, ", %s", local);
		if (r < 0)
			break;
		/* keep room for the tail that says how many are not shown */
		buf_truncate(out, 0);
		if ((r = buf_add(out, body.data, body.len)) < 0 || (r = buf_add(out, item.data, item.len)) < 0 ||
		    (r = buf_adds(out, "... +9999 nguoi. Xem: gatewayctl referrals")) < 0)
			break;
		if (!fits(out->data, max_parts))
			break;
		if ((r = buf_add(&body, item.data, item.len)) < 0)
			break;
		shown++;
		last_job = job;
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	if (r < 0)
		goto out;
	buf_truncate(out, 0);
	if ((r = buf_add(out, body.data, body.len)) < 0)
		goto out;
	if (shown < count)
		r = buf_addf(out, "... +%lld nguoi. Xem: gatewayctl referrals", (long long)(count - shown));
	else
		r = buf_adds(out, ". Hay goi lai ho.");
out:
	buf_release(&body);
	buf_release(&item);
	return r;
}

static int link_referral(struct db *db, int64_t referral, int64_t outbox_id, time_t at)
{
	return db_run(db, "UPDATE referrals SET officer_notified = 1, notified_at = ?,"
			  " notify_outbox_id = ? WHERE id = ?",
		      DB_ARGS(DB_INT(at), outbox_id > 0 ? DB_INT(outbox_id) : DB_NULL, DB_INT(referral)));
}

static int rewrite_batch(struct db *db, const struct gw_settings *cfg, int64_t outbox_id)
{
	struct buf text;
	int r;

	buf_init(&text, REFERRALS_TEXT_MAX);
	if ((r = batch_text(db, outbox_id, cfg->sms.max_parts, &text)) < 0)
		goto out;
	r = db_run(db, "UPDATE outbox SET text = ? WHERE id = ? AND status = 'queued'",
		   DB_ARGS(DB_TEXT(text.data), DB_INT(outbox_id)));
out:
	buf_release(&text);
	return r;
}

/* Tell the officer about referral: now, or folded into a summary. */
static int notify(struct db *db, const struct gw_settings *cfg, const struct job *j,
		  const struct officer *o, int64_t referral, const char *phone, time_t now,
		  struct handler_result *res, int *how)
{
	time_t gap = (time_t)REFERRALS_NOTIFY_GAP_MIN * 60, last = 0, due;
	int64_t pending = 0;
	char local[32];
	sqlite3_stmt *st;
	struct buf text;
	int r;

	buf_init(&text, REFERRALS_TEXT_MAX);
	/* a summary still waiting in the outbox takes this one too */
	if ((r = db_row(db, "SELECT r.notify_outbox_id, r.notified_at FROM referrals r"
			    " JOIN outbox o ON o.id = r.notify_outbox_id"
			    " WHERE r.officer_id = ? AND o.status = 'queued'"
			    " ORDER BY r.notified_at DESC LIMIT 1", DB_ARGS(DB_INT(o->id)), &st)) == 0) {
		pending = sqlite3_column_int64(st, 0);
		due = (time_t)sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		if ((r = link_referral(db, referral, pending, due)) == 0)
			r = rewrite_batch(db, cfg, pending);
		if (r == 0)
			*how = 2;
		goto out;
	}
	if (r != GW_ERR_NOTFOUND ||
	    (r = db_row(db, "SELECT coalesce(max(notified_at), 0) FROM referrals WHERE officer_id = ?",
			DB_ARGS(DB_INT(o->id)), &st)) < 0)
		goto out;
	last = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (last && now < last + gap) {
		due = last + gap;
		if ((r = db_run(db, "INSERT INTO outbox (phone, text, kind, priority, next_attempt_at,"
				    " created_at) VALUES (?, '', 'notify', ?, ?, ?)",
				DB_ARGS(DB_TEXT(o->phone), DB_INT(HANDLER_PRIO_NOTIFY), DB_INT(due),
					DB_INT(now)))) < 0)
			goto out;
		pending = db_last_id(db);
		if ((r = link_referral(db, referral, pending, due)) == 0)
			r = rewrite_batch(db, cfg, pending);
		if (r == 0)
			*how = 2;
		goto out;
	}
	referrals_local_phone(phone, local, sizeof(local));
	if ((r = buf_addf(&text, "UT moi: %s xin viec so %lld (%s) %s. Hay goi lai ho.", local,
			  (long long)j->id, j->code, j->label)) < 0 ||
	    (r = handler_result_add(res, o->phone, text.data, "notify", HANDLER_PRIO_NOTIFY)) < 0 ||
	    (r = link_referral(db, referral, 0, now)) < 0)
		goto out;
	*how = 1;
out:
	buf_release(&text);
	return r;
}

int referrals_record(struct db *db, const struct gw_settings *cfg, const struct job *j,
		     const char *phone, time_t now, struct handler_result *res,
		     struct referrals_outcome *out)
{
	struct referrals_outcome oc;
	sqlite3_stmt *st;
	int64_t referral = 0;
	int r;

	memset(&oc, 0, sizeof(oc));
	if ((r = db_row(db, "SELECT id, created_at, status FROM referrals WHERE job_id = ? AND phone = ?",
			DB_ARGS(DB_INT(j->id), DB_TEXT(phone)), &st)) == 0) {
		int withdrawn = strcmp(db_col_text(st, 2), "withdrawn") == 0;

		oc.first_at = (time_t)sqlite3_column_int64(st, 1);
		referral = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (!withdrawn) {
			oc.again = 1;
			r = 0;
			goto out;
		}
		/* withdrawn and asked again: a new application */
		r = db_run(db, "UPDATE referrals SET status = 'new', created_at = ?,"
			       " officer_notified = 0, notified_at = NULL, notify_outbox_id = NULL"
			       " WHERE id = ?", DB_ARGS(DB_INT(now), DB_INT(referral)));
	} else if (r == GW_ERR_NOTFOUND &&
		   (r = db_run(db, "INSERT INTO referrals (job_id, phone, created_at) VALUES (?, ?, ?)",
			       DB_ARGS(DB_INT(j->id), DB_TEXT(phone), DB_INT(now)))) == 0) {
		referral = db_last_id(db);
	}
	if (r < 0)
		goto out;
	r = officers_responsible(db, j->officer_id, j->places, &oc.officer);
	if (r == GW_ERR_NOTFOUND) {
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	oc.has_officer = 1;
	if ((r = db_run(db, "UPDATE referrals SET officer_id = ? WHERE id = ?",
			DB_ARGS(DB_INT(oc.officer.id), DB_INT(referral)))) < 0)
		goto out;
	r = notify(db, cfg, j, &oc.officer, referral, phone, now, res, &oc.notice);
out:
	if (r == 0)
		*out = oc;
	return r;
}

/* A job number in the text: right after the command, or after "so" /
 * "viec" ("ung tuyen viec so 6"); not an age or an amount. */
static int64_t number_in(const char *norm)
{
	static const char *const units[] = { "tuoi", "t", "tr", "trieu", "k", "nghin", "nam", NULL };
	const char *p = norm, *prev = "";
	size_t prevlen = 0;
	int first = 1;

	while (*p) {
		size_t n = 0;
		int digits = 1;

		while (*p == ' ')
			p++;
		for (; p[n] && p[n] != ' '; n++)
			if (p[n] < '0' || p[n] > '9')
				digits = 0;
		if (!n)
			break;
		if (digits && n <= 9) {
			const char *q = p + n;
			size_t un = 0;
			int unit = 0;

			while (*q == ' ')
				q++;
			while (q[un] && q[un] != ' ')
				un++;
			for (const char *const *u = units; *u && !unit; u++)
				unit = un == strlen(*u) && strncmp(q, *u, un) == 0;
			if (!unit && (first || (prevlen == 2 && strncmp(prev, "so", 2) == 0) ||
				      (prevlen == 4 && strncmp(prev, "viec", 4) == 0) ||
				      (prevlen == 1 && *prev == '#')))
				return strtoll(p, NULL, 10);
		}
		prev = p;
		prevlen = n;
		first = 0;
		p += n;
	}
	return 0;
}

/* The offers a description fits, as resolve() needs them: the first, and
 * the lines of the first few; stops once it is clear there are several. */
struct fitting {
	struct db *db;
	size_t hits;
	int64_t first;
	struct buf *choices;
};

static int take_fitting(const struct jobs_board_line *line, void *arg)
{
	struct fitting *fit = arg;
	int r = 0;

	if (fit->hits++ == 0)
		fit->first = line->id;
	if (fit->hits <= REFERRALS_CHOICES && (r = buf_adds(fit->choices, fit->hits > 1 ? "; " : "")) == 0)
		r = jobs_board_line_text(fit->db, line->id, fit->choices, NULL);
	return r < 0 ? r : fit->hits > REFERRALS_CHOICES;
}

/* Which offer the text means. *choices gets a list when it fits several. */
static int resolve(const struct handler_req *rq, const char *today, struct job *out,
		   struct buf *choices, int64_t *missing)
{
	struct jobs_filter f;
	struct buf known;
	struct fitting fit = { rq->env->db, 0, 0, choices };
	int64_t num;
	int r;

	buf_init(&known, REFERRALS_TEXT_MAX * 4);
	if ((r = jobs_find_code_in(rq->env->db, rq->args, out)) != GW_ERR_NOTFOUND)
		goto out;
	if ((num = number_in(rq->args)) > 0) {
		if ((r = jobs_get(rq->env->db, num, out)) == GW_ERR_NOTFOUND)
			*missing = num;
		goto out;
	}
	if ((r = jobs_board_places_in(rq->env->db, rq->args, &known)) < 0 ||
	    (r = jobs_filter_parse(rq->args, known.data, &f)) < 0)
		goto out;
	r = GW_ERR_NOTFOUND;
	if (!f.types && !*f.area)
		goto out;
	if ((r = jobs_board_each(rq->env->db, today, &f, NULL, take_fitting, &fit)) < 0)
		goto out;
	r = GW_ERR_NOTFOUND;
	if (fit.hits == 1) {
		buf_reset(choices);
		r = jobs_get(rq->env->db, fit.first, out);
	} else if (fit.hits > 1) {
		r = GW_ERR_EXISTS; /* several: the caller asks which */
	}
out:
	buf_release(&known);
	return r;
}

static int confirm(const struct handler_req *rq, const struct job *j,
		   const struct referrals_outcome *oc, struct buf *out)
{
	char local[32], day[11];
	int en = request_english(rq), r;

	if (oc->again) {
		jobs_office_date(rq->env->cfg, oc->first_at, day);
		r = en ? buf_addf(out, "You applied for job %lld (%s) on %.2s/%.2s already. The officer"
				  " will call you.", (long long)j->id, j->label, day + 8, day + 5)
		       : buf_addf(out, "Ban da dang ky viec so %lld (%s) ngay %.2s/%.2s roi. Can bo se"
				  " goi lai ban.", (long long)j->id, j->label, day + 8, day + 5);
	} else if (oc->has_officer) {
		referrals_local_phone(oc->officer.phone, local, sizeof(local));
		r = en ? buf_addf(out, "Applied: job %lld %s (%s). Next: officer %s (%s) will call you"
				  " within 2 working days to set an interview; bring your ID card.",
				  (long long)j->id, j->label, j->code, oc->officer.name, local)
		       : buf_addf(out, "Da dang ky viec so %lld: %s (%s). Buoc tiep: can bo %s (%s) se"
				  " goi ban trong 2 ngay lam viec de hen phong van; mang CCCD.",
				  (long long)j->id, j->label, j->code, oc->officer.name, local);
	} else {
		r = en ? buf_addf(out, "Applied: job %lld %s (%s). Next: the commune office will call"
				  " you within 2 working days; bring your ID card.",
				  (long long)j->id, j->label, j->code)
		       : buf_addf(out, "Da dang ky viec so %lld: %s (%s). Buoc tiep: can bo xa se goi"
				  " ban trong 2 ngay lam viec; mang CCCD.",
				  (long long)j->id, j->label, j->code);
	}
	if (r == 0 && *j->contact)
		r = buf_addf(out, en ? " Contact: %s" : " Lien he: %s", j->contact);
	return r;
}

int referrals_handle_apply(const struct handler_req *rq, struct handler_result *res)
{
	struct referrals_outcome oc;
	struct buf body, choices, plain;
	struct job *j = malloc(sizeof(*j));
	int64_t missing = 0;
	char today[11];
	int en = request_english(rq), r = GW_ERR_NOMEM;

	buf_init(&body, REFERRALS_TEXT_MAX);
	buf_init(&choices, REFERRALS_TEXT_MAX);
	buf_init(&plain, REFERRALS_TEXT_MAX);
	request_set_intent(res, "job_apply", NULL);
	if (!j)
		goto out;
	jobs_office_date(rq->env->cfg, rq->msg->at, today);
	r = resolve(rq, today, j, &choices, &missing);
	if (r == GW_ERR_EXISTS) {
		r = en ? buf_addf(&body, "Which job? %s. Send UT <number>.", choices.data)
		       : buf_addf(&body, "Ban muon dang ky viec nao? %s. Nhan UT <so viec>.", choices.data);
		goto reply;
	}
	if (r == GW_ERR_NOTFOUND && missing) {
		r = en ? buf_addf(&body, "There is no job %lld. Send VIEC for the list.", (long long)missing)
		       : buf_addf(&body, "Khong co viec so %lld. Nhan VIEC de xem danh sach.",
				  (long long)missing);
		goto reply;
	}
	if (r == GW_ERR_NOTFOUND) {
		r = buf_adds(&body, en ? "Which job? Send UT <number>, e.g. UT 6. Send VIEC for the list."
				       : "Nhan UT <so viec>, vi du UT 6. Nhan VIEC de xem danh sach viec.");
		goto reply;
	}
	if (r < 0)
		goto out;
	request_set_intent(res, "job_apply", j->code);
	if (!jobs_is_current(j, today)) {
		r = en ? buf_addf(&body, "Job %lld is closed. Send VIEC for open jobs.", (long long)j->id)
		       : buf_addf(&body, "Viec so %lld da dong hoac het han. Nhan VIEC de xem viec khac.",
				  (long long)j->id);
		goto reply;
	}
	if ((r = referrals_record(rq->env->db, rq->env->cfg, j, rq->msg->phone, rq->msg->at, res,
				  &oc)) < 0 ||
	    (r = confirm(rq, j, &oc, &body)) < 0)
		goto out;
	res->extra = json_pack("{s:b}", "again", oc.again);
reply:
	if (r < 0)
		goto out;
	if ((r = jobs_ascii(body.data, &plain)) == 0)
		r = request_reply_paged(rq, res, plain.data, NULL, 1);
out:
	free(j);
	buf_release(&body);
	buf_release(&choices);
	buf_release(&plain);
	return r;
}
