#include "handlers/features/jobs_sms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/reply.h"
#include "handlers/features/jobs.h"
#include "handlers/features/jobs_board.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/features/officers.h"
#include "handlers/features/referrals.h"
#include "handlers/features/scope.h"

#define JOBS_SMS_TEXT_MAX (16 * 1024)
#define JOBS_SMS_FIELDS 5 /* title; place; wage; deadline; contact */
#define JOBS_SMS_FIELD_MAX 256
#define JOBS_DEFAULT_DAYS_SMS 30 /* an offer posted without a deadline */

static int fits(const char *text, int max_parts)
{
	int parts = 0, ucs2 = 0;

	return reply_measure(text, &parts, &ucs2) == 0 && parts <= max_parts;
}

/* What the filter asks, as words: for the "more" command (sep " ") and
 * for people (sep ", "). Re-reading the command words gives the filter. */
static int describe(const struct jobs_filter *f, const char *sep, struct buf *out)
{
	size_t start = out->len;
	int r = jobs_filter_types_text(f->types, sep, out);

	if (r == 0 && *f->area)
		r = buf_addf(out, "%s%s", out->len > start ? sep : "", f->area);
	if (r == 0 && f->age)
		r = buf_addf(out, "%s%d tuoi", out->len > start ? sep : "", f->age);
	if (r == 0 && f->gender)
		r = buf_addf(out, "%s%s", out->len > start ? sep : "", f->gender == 'm' ? "nam" : "nu");
	return r;
}

static json_t *filters_json(const struct jobs_filter *f)
{
	struct buf types;
	json_t *o;

	buf_init(&types, 256);
	if (jobs_filter_types_text(f->types, ",", &types) < 0)
		buf_reset(&types);
	o = json_pack("{s:s?, s:s?, s:o, s:s?}", "area", *f->area ? f->area : NULL, "type",
		      types.len ? types.data : NULL, "age", f->age ? json_integer(f->age) : json_null(),
		      "gender", f->gender == 'm' ? "nam" : f->gender == 'f' ? "nu" : NULL);
	buf_release(&types);
	return o;
}

/* "|key|...|" where the household is: its commune, its subscribed areas. */
static int home_places(struct db *db, const char *phone, struct buf *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = buf_addch(out, '|')) < 0)
		return r;
	if ((r = db_rows(db, "SELECT commune FROM contacts WHERE phone = ?1 AND commune <> ''"
			     " UNION SELECT area FROM subscriptions WHERE phone = ?1 AND area <> ''",
			 DB_ARGS(DB_TEXT(phone)), &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		size_t before = out->len;

		if ((r = jobs_filter_place_key(db_col_text(st, 0), out)) < 0 ||
		    (r = buf_addch(out, '|')) < 0)
			break;
		if (out->len == before + 1)
			buf_truncate(out, before);
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	return r < 0 ? r : 0;
}

/* The list laid out in pages as it streams past (jobs_board_each): whole
 * lines within sms.max_parts, a "more" line on every page but the last,
 * the first line of a page taken even when it alone is too long. Page
 * `want` (the last page when past the end) is kept. Thousands of lines may
 * pass: their sizes are added up, and a page's text is put together (from
 * the offers' stored labels) only near a part boundary and for the page
 * kept. A line is held back until the next arrives, to know whether
 * another follows. */
struct layout {
	const struct handler_req *rq;
	const char *header, *more;
	int want, max;
	int page, open;           /* the page being filled */
	size_t n;                 /* lines laid out */
	struct jobs_ids ids;      /* this page's offers */
	struct reply_size cur_size, foot_size, nl_size;
	struct jobs_board_line held;
	int held_any;
	int64_t *kept;            /* the page kept, and whether a "more" line ends it */
	size_t nkept;
	int kept_page, kept_more;
};

static void layout_init(struct layout *l, const struct handler_req *rq)
{
	memset(l, 0, sizeof(*l));
	l->rq = rq;
	l->max = rq->env->cfg->sms.max_parts;
	reply_size_of("\n", &l->nl_size);
}

static void layout_release(struct layout *l)
{
	jobs_ids_release(&l->ids);
	free(l->kept);
}

static int more_line(const struct layout *l, int page, struct buf *out)
{
	return buf_addf(out, "\n>%s %s %d", request_english(l->rq) ? "More:" : "Tiep", l->more, page + 1);
}

/* The text of a page: header (page 1), lines, the "more" line when asked
 * for; extra (may be NULL) is one more line at the end. codes (may be
 * NULL) gets the offers' codes. */
static int page_text(const struct layout *l, int page, const int64_t *ids, size_t n,
		     const char *extra, int more, struct buf *out, json_t *codes)
{
	struct buf code;
	int r = 0;

	buf_init(&code, JOBS_SMS_FIELD_MAX);
	if (page == 1)
		r = buf_adds(out, l->header);
	for (size_t i = 0; i < n && r == 0; i++) {
		buf_reset(&code);
		if ((!out->len || (r = buf_addch(out, '\n')) == 0) &&
		    (r = jobs_board_line_text(l->rq->env->db, ids[i], out, &code)) == 0 && codes &&
		    json_array_append_new(codes, json_string(code.data)) < 0)
			r = GW_ERR_NOMEM;
	}
	if (r == 0 && extra && (!out->len || (r = buf_addch(out, '\n')) == 0))
		r = buf_adds(out, extra);
	if (r == 0 && more)
		r = more_line(l, page, out);
	buf_release(&code);
	return r;
}

/* Keep the page just filled when it is the one asked for. */
static int close_page(struct layout *l, int more_follow)
{
	int64_t *copy = NULL;

	l->open = 0;
	if (l->page != l->want && (more_follow || l->page > l->want))
		return 0;
	if (l->ids.n && !(copy = malloc(l->ids.n * sizeof(*copy))))
		return GW_ERR_NOMEM;
	if (l->ids.n)
		memcpy(copy, l->ids.v, l->ids.n * sizeof(*copy));
	free(l->kept);
	l->kept = copy;
	l->nkept = l->ids.n;
	l->kept_page = l->page;
	l->kept_more = more_follow;
	return 0;
}

static int open_page(struct layout *l)
{
	struct buf foot;
	int r;

	l->page++;
	l->open = 1;
	l->ids.n = 0;
	buf_init(&foot, 512);
	if ((r = more_line(l, l->page, &foot)) == 0) {
		reply_size_of(l->page == 1 ? l->header : "", &l->cur_size);
		reply_size_of(foot.data, &l->foot_size);
	}
	buf_release(&foot);
	return r;
}

/* 1 when this page with one more line of size `size` (and the "more" line
 * when another follows) fits; the text is measured only when the sizes
 * cannot tell. */
static int line_fits(struct layout *l, int64_t id, const struct reply_size *size, int more_follow)
{
	struct reply_size total = l->cur_size;
	struct buf cand, line;
	int r;

	if (l->page > 1 ? l->ids.n > 0 : 1)
		reply_size_add(&total, &l->nl_size);
	reply_size_add(&total, size);
	if (more_follow)
		reply_size_add(&total, &l->foot_size);
	if ((r = reply_size_fits(&total, l->max)) >= 0)
		return r;
	buf_init(&cand, JOBS_SMS_TEXT_MAX);
	buf_init(&line, JOBS_SMS_TEXT_MAX);
	if ((r = jobs_board_line_text(l->rq->env->db, id, &line, NULL)) == 0 &&
	    (r = page_text(l, l->page, l->ids.v, l->ids.n, line.data, more_follow, &cand, NULL)) == 0)
		r = fits(cand.data, l->max);
	buf_release(&cand);
	buf_release(&line);
	return r == GW_ERR_TOOBIG ? 0 : r;
}

static int lay_line(struct layout *l, const struct jobs_board_line *line, int more_follow)
{
	int r;

	if ((!l->open && (r = open_page(l)) < 0) || (r = line_fits(l, line->id, &line->size, more_follow)) < 0)
		return r;
	if (!r && l->ids.n > 0 && ((r = close_page(l, 1)) < 0 || (r = open_page(l)) < 0))
		return r;
	if ((r = jobs_ids_add(&l->ids, line->id)) < 0)
		return r;
	if (l->page > 1 ? l->ids.n > 1 : 1)
		reply_size_add(&l->cur_size, &l->nl_size);
	reply_size_add(&l->cur_size, &line->size);
	l->n++;
	return 0;
}

/* jobs_board_fn: lay out the line held back, hold this one. */
static int layout_take(const struct jobs_board_line *line, void *arg)
{
	struct layout *l = arg;
	int r;

	if (l->held_any && (r = lay_line(l, &l->held, 1)) < 0)
		return r;
	l->held = *line;
	l->held_any = 1;
	return 0;
}

/* The last line, and the last page. */
static int layout_finish(struct layout *l)
{
	int r;

	if (l->held_any && (r = lay_line(l, &l->held, 0)) < 0)
		return r;
	l->held_any = 0;
	return l->open ? close_page(l, 0) : 0;
}

static int reply_none(const struct handler_req *rq, const struct jobs_filter *f,
		      struct handler_result *res)
{
	struct buf body, words, cmd;
	int en = request_english(rq), r;

	buf_init(&body, JOBS_SMS_TEXT_MAX);
	buf_init(&words, 512);
	buf_init(&cmd, 512);
	if ((r = describe(f, ", ", &words)) < 0 || (r = describe(f, " ", &cmd)) < 0)
		goto out;
	if (!words.len)
		r = buf_adds(&body, en ? "No job offers now. Send DK VIEC to get new offers by SMS."
				       : "Hien chua co viec lam. Nhan DK VIEC de nhan tin khi co viec moi.");
	else if (en)
		r = buf_addf(&body, "No job fits (%s). Send VIEC for all, DK VIEC %s to get new ones.",
			     words.data, cmd.data);
	else
		r = buf_addf(&body, "Chua co viec phu hop (%s). Nhan VIEC de xem tat ca, DK VIEC %s de"
			     " nhan tin khi co viec moi.", words.data, cmd.data);
	if (r == 0)
		r = request_reply_paged(rq, res, body.data, NULL, 1);
out:
	buf_release(&body);
	buf_release(&words);
	buf_release(&cmd);
	return r;
}

int jobs_sms_list(const struct handler_req *rq, struct handler_result *res)
{
	struct jobs_filter f;
	struct buf known, home, more, header, words, page;
	struct layout l;
	json_t *extra = NULL, *codes = NULL;
	char today[11];
	int r;

	buf_init(&known, JOBS_SMS_TEXT_MAX);
	buf_init(&home, JOBS_SMS_TEXT_MAX);
	buf_init(&more, 512);
	buf_init(&header, 512);
	buf_init(&words, 512);
	buf_init(&page, JOBS_SMS_TEXT_MAX);
	layout_init(&l, rq);
	request_set_intent(res, "job_list", NULL);
	jobs_office_date(rq->env->cfg, rq->msg->at, today);
	if ((r = jobs_board_places_in(rq->env->db, rq->args, &known)) < 0 ||
	    (r = jobs_filter_parse(rq->args, known.data, &f)) < 0 ||
	    (r = home_places(rq->env->db, rq->msg->phone, &home)) < 0)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(extra = json_object()) || !(codes = json_array()))
		goto out;
	json_object_set_new(extra, "filters", filters_json(&f));
	if ((r = buf_adds(&more, "VIEC")) < 0 || (r = describe(&f, ", ", &words)) < 0)
		goto out;
	if (words.len && ((r = buf_addch(&more, ' ')) < 0 || (r = describe(&f, " ", &more)) < 0))
		goto out;
	if (request_english(rq))
		r = buf_addf(&header, "Jobs%s%s (UT <n> to apply):", words.len ? " " : "", words.data);
	else
		r = buf_addf(&header, "Viec lam%s%s (UT <so> de dang ky):", words.len ? " " : "",
			     words.data);
	l.header = header.data;
	l.more = more.data;
	l.want = f.page;
	/* near the household first, newest first within each */
	if (r < 0 || (r = jobs_board_each(rq->env->db, today, &f, home.data, layout_take, &l)) < 0 ||
	    (r = layout_finish(&l)) < 0)
		goto out;
	if (!l.n) {
		r = reply_none(rq, &f, res);
		goto out;
	}
	if ((r = page_text(&l, l.kept_page, l.kept, l.nkept, NULL, l.kept_more, &page, codes)) < 0)
		goto out;
	json_object_set(extra, "jobs", codes);
	json_object_set_new(extra, "page", json_integer(f.page < l.page ? f.page : l.page));
	json_object_set_new(extra, "pages", json_integer(l.page));
	if ((r = request_reply_paged(rq, res, page.data, NULL, 1)) < 0)
		goto out;
out:
	if (r == 0 && extra) {
		json_decref(res->extra);
		res->extra = extra;
		extra = NULL;
	}
	json_decref(extra);
	json_decref(codes);
	layout_release(&l);
	buf_release(&known);
	buf_release(&home);
	buf_release(&more);
	buf_release(&header);
	buf_release(&words);
	buf_release(&page);
	return r;
}

int jobs_sms_subscribe(const struct handler_req *rq, struct handler_result *res)
{
	struct jobs_filter f;
	struct buf known, words, body;
	int en = request_english(rq), r;

	/* DK VIEC 6, "dang ky viec so 6": apply for offer 6 */
	if (jobs_ref_is_number(rq->args) ||
	    (!strncmp(rq->args, "so ", 3) && jobs_ref_is_number(rq->args + 3)))
		return referrals_handle_apply(rq, res);
	buf_init(&known, JOBS_SMS_TEXT_MAX);
	buf_init(&words, 512);
	buf_init(&body, 1024);
	request_set_intent(res, "job_subscribe", NULL);
	if ((r = jobs_board_places_in(rq->env->db, rq->args, &known)) < 0 ||
	    (r = jobs_filter_parse(rq->args, known.data, &f)) < 0)
		goto out;
	/* one row a type (or one for any type): a broadcast matches a row */
	for (int i = 0; i < JOBS_TYPE_COUNT || (!f.types && i == 0); i++) {
		unsigned bit = 1u << i;

		if (f.types && !(f.types & bit))
			continue;
		if ((r = db_run(rq->env->db, "INSERT OR IGNORE INTO subscriptions (phone, area, job_type,"
					     " created_at) VALUES (?, ?, ?, ?)",
				DB_ARGS(DB_TEXT(rq->msg->phone), DB_TEXT(f.area),
					DB_TEXT(f.types ? jobs_filter_type_name(bit) : ""),
					DB_INT(rq->msg->at)))) < 0)
			goto out;
		if (!f.types)
			break;
	}
	f.age = 0; /* a subscription is by area and type only */
	f.gender = 0;
	if ((r = describe(&f, ", ", &words)) < 0)
		goto out;
	if (en)
		r = buf_addf(&body, "Subscribed to new job offers%s%s%s. Send STOP to stop.",
			     words.len ? " (" : "", words.data, words.len ? ")" : "");
	else
		r = buf_addf(&body, "Da dang ky nhan tin viec moi%s%s%s. Nhan HUY de ngung.",
			     words.len ? " (" : "", words.data, words.len ? ")" : "");
	/* an opt-out stands until the household itself lifts it */
	if (r == 0 && rq->contact.opted_out)
		r = buf_adds(&body, en ? " You had stopped all messages: send START to receive them."
				       : " Ban dang tat moi tin (HUY): nhan BAT DAU de nhan lai.");
	if (r < 0)
		goto out;
	json_decref(res->extra);
	res->extra = json_pack("{s:o}", "filters", filters_json(&f));
	r = request_reply_paged(rq, res, body.data, NULL, 1);
out:
	buf_release(&known);
	buf_release(&words);
	buf_release(&body);
	return r;
}

/* Split "title; place; wage; deadline; contact" (trimmed). */
static int post_fields(const char *body, char fields[JOBS_SMS_FIELDS][JOBS_SMS_FIELD_MAX])
{
	int n = 0;

	memset(fields, 0, JOBS_SMS_FIELDS * JOBS_SMS_FIELD_MAX);
	while (*body == ' ' || *body == ':' || *body == ',')
		body++;
	while (*body && n < JOBS_SMS_FIELDS) {
		size_t len = strcspn(body, ";");
		const char *s = body;

		body += len;
		if (*body)
			body++;
		while (len && (*s == ' ' || *s == '\n'))
			s++, len--;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\r'))
			len--;
		if (len >= JOBS_SMS_FIELD_MAX)
			return GW_ERR_TOOBIG;
		memcpy(fields[n], s, len);
		fields[n][len] = '\0';
		n++;
	}
	return n;
}

/* An officer posts in their own commune only: the place's first part
 * ("Thien Ke, Son Duong") must be it (scope_job_commune). GW_ERR_AUTH with
 * the refusal in body, audited. */
static int place_in_scope(const struct handler_req *rq, const struct officer *o, const char *place,
			  struct buf *body)
{
	struct scope_account acct;
	char commune[JOBS_SMS_FIELD_MAX];
	size_t n = strcspn(place, ",");
	struct buf label;
	int en = request_english(rq), r;

	memcpy(commune, place, n);
	commune[n] = '\0';
	buf_init(&label, 256);
	if ((r = scope_account_of(o, &acct)) < 0 || (r = scope_job_commune(&acct, commune)) != GW_ERR_AUTH)
		goto out;
	if ((r = scope_audit_refusal(rq->env->db, rq->msg->at, o->phone, rq->route.command, place,
				     &acct)) < 0 || (r = scope_commune_label(&acct, &label)) < 0)
		goto out;
	if (!*acct.commune_key)
		r = buf_adds(body, en ? "Refused: your number has no commune; ask an administrator."
				      : "Tu choi: so cua ban chua gan xa nao; nho quan tri.");
	else
		r = en ? buf_addf(body, "Refused: '%s' is not your commune (%s).", commune, label.data)
		       : buf_addf(body, "Tu choi: '%s' khong thuoc xa ban (%s).", commune, label.data);
	if (r == 0)
		r = GW_ERR_AUTH;
out:
	buf_release(&label);
	return r;
}

int jobs_sms_post(const struct handler_req *rq, struct handler_result *res)
{
	char fields[JOBS_SMS_FIELDS][JOBS_SMS_FIELD_MAX], pin[16], deadline[11], today[11];
	struct officer o;
	struct jobs_new nj;
	struct job j;
	struct buf body, plain;
	const char *rest = NULL, *text;
	int64_t id = 0;
	int en = request_english(rq), nf, r;

	buf_init(&body, 2048);
	buf_init(&plain, 2048);
	request_set_intent(res, "officer_job_post", NULL);
	officers_pin_of(rq->args, pin, sizeof(pin));
	if ((r = officers_authorize(rq, res, &o, &rest)) == GW_ERR_AUTH) {
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	text = officers_after_pin(rq->msg->text, pin);
	nf = text ? post_fields(text, fields) : 0;
	if (nf < 2 || !*fields[0] || !*fields[1]) {
		r = buf_adds(&body, nf == GW_ERR_TOOBIG
			? (en ? "Too long: each part at most 250 characters." : "Qua dai: moi phan toi da 250 ky tu.")
			: (en ? "Format: VIECMOI <pin> <title>; <place>; <wage>; <deadline dd/mm>"
			      : "Mau tin: VIECMOI <pin> <ten viec>; <noi lam>; <luong>; <han dd/mm>"));
		goto reply;
	}
	if ((r = place_in_scope(rq, &o, fields[1], &body)) != 0) {
		r = r == GW_ERR_AUTH ? 0 : r;
		goto reply;
	}
	jobs_office_date(rq->env->cfg, rq->msg->at, today);
	if (*fields[3]) {
		if (jobs_parse_deadline(fields[3], rq->env->cfg, rq->msg->at, deadline) < 0 ||
		    strcmp(deadline, today) < 0) {
			r = en ? buf_addf(&body, "Deadline '%s' is not a future date (dd/mm or dd/mm/yyyy).",
					  fields[3])
			       : buf_addf(&body, "Han '%s' khong dung (dd/mm hoac dd/mm/yyyy, chua qua).",
					  fields[3]);
			goto reply;
		}
	} else {
		jobs_office_date(rq->env->cfg, rq->msg->at + 86400 * JOBS_DEFAULT_DAYS_SMS, deadline);
	}
	memset(&nj, 0, sizeof(nj));
	nj.code_prefix = "SMS";
	nj.title = fields[0];
	nj.place = fields[1];
	nj.wage = fields[2];
	nj.deadline = deadline;
	nj.contact = fields[4];
	nj.officer_id = o.id;
	if ((r = jobs_create(rq->env->db, &nj, rq->msg->phone, rq->msg->at, &id)) < 0 ||
	    (r = jobs_get(rq->env->db, id, &j)) < 0)
		goto out;
	request_set_intent(res, "officer_job_post", j.code);
	r = en ? buf_addf(&body, "Posted job %lld (%s): %s, until %.2s/%.2s/%.4s. To send it to"
			  " subscribers: TB <PIN> VIEC %lld", (long long)id, j.code, j.label,
			  deadline + 8, deadline + 5, deadline, (long long)id)
	       : buf_addf(&body, "Da dang viec so %lld (%s): %s, han %.2s/%.2s/%.4s. Gui cho nguoi"
			  " dang ky: TB <PIN> VIEC %lld", (long long)id, j.code, j.label,
			  deadline + 8, deadline + 5, deadline, (long long)id);
reply:
	if (r < 0 || (r = jobs_ascii(body.data, &plain)) < 0)
		goto out;
	r = request_reply_paged(rq, res, plain.data, NULL, 1);
out:
	buf_release(&body);
	buf_release(&plain);
	return r;
}

/* 0 when j is in the officer's commune (scope.h); GW_ERR_AUTH when not,
 * with the refusal in body and audited. */
static int job_in_scope(const struct handler_req *rq, const struct officer *o, const struct job *j,
			struct buf *body)
{
	struct scope_account acct;
	struct buf target;
	int en = request_english(rq), r;

	buf_init(&target, 64);
	if ((r = scope_account_of(o, &acct)) < 0 || (r = scope_job(rq->env->db, &acct, j->id)) != GW_ERR_AUTH)
		goto out;
	if ((r = buf_addf(&target, "job %s", j->code)) < 0 ||
	    (r = scope_audit_refusal(rq->env->db, rq->msg->at, o->phone, rq->route.command, target.data,
				     &acct)) < 0 ||
	    (r = en ? buf_addf(body, "Job %lld is not in your commune.", (long long)j->id)
		    : buf_addf(body, "Viec so %lld khong thuoc xa ban.", (long long)j->id)) < 0)
		goto out;
	r = GW_ERR_AUTH;
out:
	buf_release(&target);
	return r;
}

int jobs_sms_close(const struct handler_req *rq, struct handler_result *res)
{
	struct officer o;
	struct job j;
	struct buf body;
	const char *rest = NULL;
	int en = request_english(rq), cancelled = 0, r;

	buf_init(&body, 1024);
	request_set_intent(res, "officer_job_close", NULL);
	if ((r = officers_authorize(rq, res, &o, &rest)) == GW_ERR_AUTH) {
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	r = jobs_find_in(rq->env->db, rest, &j);
	if (r == GW_ERR_NOTFOUND && jobs_ref_is_number(rest)) {
		r = en ? buf_addf(&body, "There is no job %lld.", strtoll(rest, NULL, 10))
		       : buf_addf(&body, "Khong co viec so %lld.", strtoll(rest, NULL, 10));
		goto reply;
	}
	if (r == GW_ERR_NOTFOUND) {
		r = buf_adds(&body, en ? "Which job? DONG <pin> <number>" : "Viec nao? DONG <pin> <so viec>");
		goto reply;
	}
	if (r < 0)
		goto out;
	request_set_intent(res, "officer_job_close", j.code);
	if ((r = job_in_scope(rq, &o, &j, &body)) != 0) {
		r = r == GW_ERR_AUTH ? 0 : r;
		goto reply;
	}
	if (strcmp(o.role, "admin") != 0 && j.officer_id && j.officer_id != o.id) {
		r = en ? buf_addf(&body, "Job %lld was posted by another officer: ask them or an admin.",
				  (long long)j.id)
		       : buf_addf(&body, "Viec so %lld do can bo khac dang: nho ho hoac quan tri dong.",
				  (long long)j.id);
		goto reply;
	}
	r = jobs_close(rq->env->db, j.id, rq->msg->phone, rq->msg->at, &cancelled);
	if (r == GW_ERR_EXISTS) {
		r = en ? buf_addf(&body, "Job %lld was already closed.", (long long)j.id)
		       : buf_addf(&body, "Viec so %lld da dong tu truoc.", (long long)j.id);
		goto reply;
	}
	if (r < 0)
		goto out;
	r = en ? buf_addf(&body, "Closed job %lld (%s). Unsent broadcasts cancelled: %d.",
			  (long long)j.id, j.code, cancelled)
	       : buf_addf(&body, "Da dong viec so %lld (%s). Huy %d tin TB chua gui.", (long long)j.id,
			  j.code, cancelled);
reply:
	if (r == 0)
		r = request_reply_paged(rq, res, body.data, NULL, 1);
out:
	buf_release(&body);
	return r;
}
