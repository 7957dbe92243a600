#include "handlers/features/referrals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/handler_result.h"
#include "handlers/core/reply.h"
#include "handlers/core/request.h"
#include "handlers/features/jobs_board.h"
#include "handlers/vi/numword_vi.h"
#include "handlers/vi/vitok.h"

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

/* A job number in the text: right after the command, or after "so",
 * "viec", "job", "vp" or "#" ("ung tuyen viec so 6", "ut vp005"), in
 * digits or, after "so"/"viec", in words ("viec so muoi ba"); not an age
 * or an amount. */
static int64_t number_in(const char *norm)
{
	static const char *const units[] = { "tuoi", "t", "tr", "trieu", "k", "nghin", "nam", NULL };
	static const char *const before[] = { "so", "viec", "job", "vp", "#", NULL };
	struct vitok *t = NULL;
	size_t n = 0, len = 0;
	int64_t found = 0;
	int v = 0;

	if (vitok_split(norm, strlen(norm), &t, &n) < 0)
		return 0;
	for (size_t i = 0; i < n && !found; i++) {
		int after = 0, unit = 0;

		for (const char *const *b = before; *b && i > 0 && !after; b++)
			after = vitok_is_word(&t[i - 1], norm, *b) ||
				(**b == '#' && vitok_is_punct_in(&t[i - 1], norm, "#"));
		for (const char *const *u = units; *u && i + 1 < n && !unit; u++)
			unit = vitok_is_word(&t[i + 1], norm, *u);
		if (t[i].kind == VITOK_NUM && t[i].val > 0 && !unit && (i == 0 || after))
			found = t[i].val;
		else if (t[i].kind == VITOK_WORD && i > 0 && (vitok_is_word(&t[i - 1], norm, "so") ||
							       vitok_is_word(&t[i - 1], norm, "viec")) &&
			 numword_vi_read(norm, t, n, i, &v, &len))
			found = v;
	}
	free(t);
	return found;
}

/* Words that say nothing about which offer: who asks, and how. */
static int filler(const char *w, size_t n)
{
	static const char *const words[] = {
		"em", "toi", "chau", "minh", "tui", "con", "cho", "xin", "dang", "ky", "dk", "muon",
		"lam", "vao", "o", "tai", "nop", "don", "ho", "so", "a", "voi", "roi", "co", "khong",
		"nhe", "nha", "duoc", "ung", "tuyen", "viec", "di", "va", "la", "ma", "thi", "ut",
		"nguoi", "can", "anh", "chi", "bang", "the", "nao", "gi", ",", ".", NULL
	};

	for (const char *const *p = words; *p; p++)
		if (strlen(*p) == n && !strncmp(*p, w, n))
			return 1;
	return 0;
}

/* 1 when words (folded, space-separated) holds w[0..n) as whole words. */
static int holds(const char *words, const char *w, size_t n)
{
	for (const char *p = words; (p = strstr(p, w)) != NULL; p++)
		if ((p == words || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* How well the text's words name offer j: each content word its title,
 * keywords or type hold counts 1, each such pair of words 2 more ("lai
 * xe nang" names the forklift offer, not the motorbike-parts one). */
static int words_score(const char *norm, const char *words)
{
	char pair[96], one[48];
	const char *prev = NULL;
	size_t prevn = 0;
	int score = 0;

	for (const char *p = norm; *p;) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (!n)
			break;
		if (n < sizeof(one) && !filler(p, n)) {
			snprintf(one, sizeof(one), "%.*s", (int)n, p);
			score += holds(words, one, n);
			if (prev && prevn + n + 1 < sizeof(pair)) {
				snprintf(pair, sizeof(pair), "%.*s %.*s", (int)prevn, prev, (int)n, p);
				score += 2 * holds(words, pair, prevn + n + 1);
			}
			prev = p;
			prevn = n;
		} else {
			prev = NULL;
		}
		p += n;
	}
	return score;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The best offer so far among a set, by its words' score. */
struct scoring {
	const char *norm;
	const int64_t *set; /* sorted */
	size_t n;
	int top, second;
	int64_t best;
};

static int score_one(int64_t id, const char *words, void *arg)
{
	struct scoring *sc = arg;
	int s;

	if (!bsearch(&id, sc->set, sc->n, sizeof(*sc->set), cmp_id))
		return 0;
	s = words_score(sc->norm, words);
	if (s > sc->top) {
		sc->second = sc->top;
		sc->top = s;
		sc->best = id;
	} else if (s > sc->second) {
		sc->second = s;
	}
	return 0;
}

/* The one offer among ids whose words the text names best, by a clear
 * margin, into *best; 0 when none or a tie. Only offers holding one of
 * the text's content words can score, so only those are read whole
 * (jobs_words_scan); which one wins does not depend on the order. */
static int best_by_words(struct db *db, const char *norm, const struct jobs_ids *ids, int64_t *best)
{
	struct scoring sc = { norm, NULL, ids->n, 0, 0, 0 };
	int64_t *set = NULL;
	struct buf needles;
	int r = GW_ERR_NOMEM;

	*best = 0;
	buf_init(&needles, REFERRALS_TEXT_MAX);
	if (!ids->n) {
		r = 0;
		goto out;
	}
	if (!(set = malloc(ids->n * sizeof(*set))))
		goto out;
	memcpy(set, ids->v, ids->n * sizeof(*set));
	qsort(set, ids->n, sizeof(*set), cmp_id);
	sc.set = set;
	r = 0;
	/* the content words words_score() could find: [a-z0-9] only */
	for (const char *p = norm; *p && r == 0;) {
		size_t n = 0;
		int plain = 1;

		while (*p == ' ')
			p++;
		for (; p[n] && p[n] != ' '; n++)
			plain &= (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9');
		if (n && plain && !filler(p, n) && (r = buf_add(&needles, p, n)) == 0)
			r = buf_addch(&needles, '\0');
		p += n;
	}
	if (r < 0)
		goto out;
	if ((r = buf_addch(&needles, '\0')) < 0 || (r = jobs_words_scan(db, needles.data, score_one, &sc)) < 0)
		goto out;
	if (sc.top >= 2 && sc.top > sc.second)
		*best = sc.best;
out:
	free(set);
	buf_release(&needles);
	return r;
}

/* The offers a filter fits, in list order: every number, and the lines
 * of the first few (choices NULL: numbers only). */
struct fitting {
	struct db *db;
	struct jobs_ids ids;
	struct buf *choices;
};

static int take_fitting(const struct jobs_board_line *line, void *arg)
{
	struct fitting *fit = arg;
	int r;

	if ((r = jobs_ids_add(&fit->ids, line->id)) < 0)
		return r;
	if (fit->choices && fit->ids.n <= REFERRALS_CHOICES &&
	    (r = buf_adds(fit->choices, fit->ids.n > 1 ? "; " : "")) == 0)
		r = jobs_board_line_text(fit->db, line->id, fit->choices, NULL);
	return r < 0 ? r : 0;
}

/* Which offer the text means. *choices gets a list when it fits several. */
static int resolve(const struct handler_req *rq, const char *today, struct job *out,
		   struct buf *choices, int64_t *missing)
{
	struct jobs_filter f, any;
	struct buf known;
	struct fitting fit = { rq->env->db, { NULL, 0, 0 }, choices };
	struct fitting all = { rq->env->db, { NULL, 0, 0 }, NULL };
	int64_t num, best = 0;
	size_t hits = 0;
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
	if ((f.types || *f.area) && (r = jobs_board_each(rq->env->db, today, &f, NULL, take_fitting,
							 &fit)) < 0)
		goto out;
	hits = fit.ids.n;
	/* the offer's own words decide among those the filter left (or among
	 * all current ones when it left none): "lai xe nang" is the forklift,
	 * "phu bep" the kitchen */
	if (!hits) {
		memset(&any, 0, sizeof(any));
		any.page = 1;
		if ((r = jobs_board_each(rq->env->db, today, &any, NULL, take_fitting, &all)) < 0)
			goto out;
	}
	if ((r = best_by_words(rq->env->db, rq->args, hits ? &fit.ids : &all.ids, &best)) < 0)
		goto out;
	if (!best && hits == 1)
		best = fit.ids.v[0];
	r = GW_ERR_NOTFOUND;
	if (best) {
		buf_reset(choices);
		r = jobs_get(rq->env->db, best, out);
	} else if (hits > 1) {
		r = GW_ERR_EXISTS; /* several: the caller asks which */
	}
out:
	jobs_ids_release(&fit.ids);
	jobs_ids_release(&all.ids);
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
