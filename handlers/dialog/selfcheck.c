#include "handlers/dialog/selfcheck.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/reply.h"
#include "handlers/features/poverty.h"
#include "handlers/vi/income_vi.h"
#include "handlers/vi/normalize.h"

#define SELFCHECK_TEXT_MAX (8 * 1024)
#define SELFCHECK_MAX_SIZE 30
#define SELFCHECK_BENEFITS 5 /* programs named in the answer */
#define SELFCHECK_INPUT_MAX 512 /* an answer longer than this is not read */
#define SELFCHECK_CODE_MAX 33 /* a programme code */

enum ask { ASK_AREA, ASK_SIZE, ASK_INCOME, ASK_DEP, ASK_DONE, ASK_NODATA };

struct facts {
	int area;          /* enum poverty_area, 0 = unknown */
	int size;          /* household members, 0 = unknown */
	int hi;            /* income known */
	int pp;            /* inc is per person */
	long long inc;     /* VND a month */
	unsigned yes, no;  /* answered deprivation indicators */
};

struct plan {
	enum ask ask;
	int dep;                    /* the indicator asked (ASK_DEP) */
	int yes;                    /* deprivations found */
	long long income_pp;        /* when the income is known */
	struct poverty_standard std;
};

/* Area phrases, folded. Urban first: "thi xa" is a town. Bare "xa" and
 * "phuong" are not enough: "bao hiem xa hoi", a woman named Phuong. */
static const char *const urban_words[] = { "thanh thi", "thanh pho", "o phuong", "thi tran",
					   "thi xa", "to dan pho", "urban", "city", "town" };
static const char *const rural_words[] = { "nong thon", "thon", "o xa", "lam ruong", "lam nong",
					   "nong dan", "rural", "village" };

static int has_word(const char *norm, const char *w)
{
	size_t n = strlen(w), len = strlen(norm);
	int found = 0;

	for (size_t i = 0; i + n <= len && !found; i++)
		found = !memcmp(norm + i, w, n) && (i == 0 || norm[i - 1] == ' ') &&
			(norm[i + n] == '\0' || norm[i + n] == ' ');
	return found;
}

static int area_of(const char *norm)
{
	int area = 0;

	for (size_t i = 0; i < sizeof(urban_words) / sizeof(urban_words[0]) && !area; i++)
		if (has_word(norm, urban_words[i]))
			area = POVERTY_URBAN;
	for (size_t i = 0; i < sizeof(rural_words) / sizeof(rural_words[0]) && !area; i++)
		if (has_word(norm, rural_words[i]))
			area = POVERTY_RURAL;
	return area;
}

/* An answer to "where do you live": the phrases above, or one bare word. */
static int area_answer(const char *norm)
{
	int area = area_of(norm);

	if (!area && (!strcmp(norm, "xa") || !strcmp(norm, "que") || !strcmp(norm, "lang")))
		area = POVERTY_RURAL;
	if (!area && (!strcmp(norm, "phuong") || !strcmp(norm, "pho")))
		area = POVERTY_URBAN;
	return area;
}

/* 1 yes, 2 no, 0 neither. */
static int yes_no(const char *norm)
{
	static const char *const yes[] = { "1", "co", "c", "yes", "y", "dung", "co a", "u" };
	/* not "chua" (not yet): to "has anyone no card yet?" it means yes */
	static const char *const no[] = { "2", "khong", "k", "no", "n", "khong co", "khong a" };
	int answer = 0;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]) && !answer; i++)
		if (!strcmp(norm, yes[i]))
			answer = 1;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]) && !answer; i++)
		if (!strcmp(norm, no[i]))
			answer = 2;
	return answer;
}

static int popcount(unsigned v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static json_t *sc_of(struct dialog *d)
{
	json_t *sc = json_object_get(d->state, "sc");

	if (!json_is_object(sc)) {
		json_object_set_new(d->state, "sc", json_object());
		sc = json_object_get(d->state, "sc");
	}
	return sc;
}

static void facts_read(const json_t *sc, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->area = (int)json_integer_value(json_object_get(sc, "area"));
	f->size = (int)json_integer_value(json_object_get(sc, "size"));
	f->hi = json_is_true(json_object_get(sc, "hi"));
	f->pp = json_is_true(json_object_get(sc, "pp"));
	f->inc = json_integer_value(json_object_get(sc, "inc"));
	f->yes = (unsigned)json_integer_value(json_object_get(sc, "yes"));
	f->no = (unsigned)json_integer_value(json_object_get(sc, "no"));
	if (f->area != POVERTY_RURAL && f->area != POVERTY_URBAN)
		f->area = 0;
	if (f->size < 0 || f->size > SELFCHECK_MAX_SIZE)
		f->size = 0;
	if (f->inc < 0 || f->inc > INCOME_VI_MAX_VND)
		f->hi = 0;
}

static int facts_write(json_t *sc, const struct facts *f)
{
	int r = 0;

	r |= json_object_set_new(sc, "area", json_integer(f->area));
	r |= json_object_set_new(sc, "size", json_integer(f->size));
	r |= json_object_set_new(sc, "hi", json_boolean(f->hi));
	r |= json_object_set_new(sc, "pp", json_boolean(f->pp));
	r |= json_object_set_new(sc, "inc", json_integer(f->inc));
	r |= json_object_set_new(sc, "yes", json_integer(f->yes));
	r |= json_object_set_new(sc, "no", json_integer(f->no));
	return r ? GW_ERR_NOMEM : 0;
}

/* Income and size in normalised text; 0 when there is no usable amount. */
static int read_income(const char *norm, struct facts *f)
{
	struct income_vi in;
	int got = 0;

	if (income_vi_parse(norm, &in, NULL) == 0) {
		if (in.has_household_size)
			f->size = in.household_size;
		if (in.has_income && !in.per_day) {
			f->hi = 1;
			f->pp = in.per_person;
			f->inc = in.per_year ? (in.vnd + 6) / 12 : in.vnd;
			got = 1;
		}
	}
	return got;
}

static int plan_next(struct dialog *d, const struct facts *f, struct plan *p)
{
	unsigned mask, asked;
	int r = 0, left;

	memset(p, 0, sizeof(*p));
	if (!f->area) {
		p->ask = ASK_AREA;
		goto out;
	}
	/* size before income (the order), but only while it matters */
	if ((!f->hi && !f->size) || (f->hi && !f->pp && !f->size)) {
		p->ask = ASK_SIZE;
		goto out;
	}
	if (!f->hi) {
		p->ask = ASK_INCOME;
		goto out;
	}
	p->income_pp = f->pp ? f->inc : (f->inc + f->size / 2) / f->size;
	if ((r = poverty_standard_for(d->rq->env->db, f->area, d->today, &p->std)) == GW_ERR_NOTFOUND) {
		p->ask = ASK_NODATA;
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	mask = p->std.indicators >= 32 ? ~0u : (1u << p->std.indicators) - 1;
	asked = (f->yes | f->no) & mask;
	p->yes = popcount(f->yes & mask);
	left = p->std.indicators - popcount(asked);
	p->ask = ASK_DONE;
	if (p->income_pp > p->std.income_line || p->yes >= p->std.min_deprivations ||
	    p->yes + left < p->std.min_deprivations)
		goto out;
	for (p->dep = 0; p->dep < p->std.indicators && (asked >> p->dep & 1u); p->dep++)
		;
	p->ask = ASK_DEP;
out:
	return r;
}

static const char *area_name(const struct dialog *d, int area)
{
	return area == POVERTY_URBAN ? dialog_t(d, "thanh thi", "urban")
				     : dialog_t(d, "nong thon", "rural");
}

/* The answer: title (the likely category) and body (why, what it opens,
 * who decides). */
static int result_text(struct dialog *d, const struct facts *f, const struct plan *p,
		       struct buf *title, struct buf *body)
{
	enum poverty_class c = poverty_classify(&p->std, p->income_pp, p->yes);
	static const char *const vi[] = { "Co the la HO NGHEO", "Co the la HO CAN NGHEO",
					  "Co the la ho co MUC SONG TRUNG BINH",
					  "Khong thuoc dien ho ngheo, can ngheo" };
	static const char *const en[] = { "Likely a POOR household", "Likely a NEAR-POOR household",
					  "Likely an AVERAGE living standard household",
					  "Not a poor or near-poor household" };
	struct buf progs;
	int r;

	buf_init(&progs, 512);
	if (p->ask == ASK_NODATA) {
		r = buf_adds(title, dialog_t(d, "Chua co chuan ngheo trong he thong. Vui long hoi UBND xa.",
					     "No poverty standard on record. Please ask the commune office."));
		goto out;
	}
	if ((r = buf_addf(title, "%s (%s, %s)", dialog_t(d, vi[c], en[c]),
			  dialog_t(d, p->std.name_vi, p->std.name_en), area_name(d, f->area))) < 0 ||
	    (r = buf_adds(body, dialog_t(d, "Thu nhap ", "Income "))) < 0 ||
	    (r = poverty_money(p->income_pp, body)) < 0 ||
	    (r = buf_adds(body, dialog_t(d, "/nguoi/thang", "/person/month"))) < 0)
		goto out;
	if (c <= POVERTY_NEAR_POOR)
		r = buf_addf(body, ", %s%d %s", c == POVERTY_POOR ? "" : dialog_t(d, "duoi ", "under "),
			     c == POVERTY_POOR ? p->yes : p->std.min_deprivations,
			     dialog_t(d, "thieu hut", "deprivations"));
	if (r == 0)
		r = buf_adds(body, dialog_t(d, ". Chi UBND xa ra soat moi quyet dinh.",
					    ". Only the commune's review decides."));
	if (r == 0)
		r = poverty_benefits(d->rq->env->db, c, SELFCHECK_BENEFITS, &progs);
	if (r == 0 && progs.len)
		r = buf_addf(body, " %s %s.", dialog_t(d, "Chinh sach:", "Programs:"), progs.data);
out:
	buf_release(&progs);
	return r;
}

static int selfcheck_render(struct dialog *d, json_t *frame, struct screen *s)
{
	struct facts f;
	struct plan p;
	struct buf title, body;
	int r;

	buf_init(&title, SELFCHECK_TEXT_MAX);
	buf_init(&body, SELFCHECK_TEXT_MAX);
	facts_read(sc_of(d), &f);
	if ((r = plan_next(d, &f, &p)) < 0)
		goto out;
	switch (p.ask) {
	case ASK_AREA:
		r = buf_adds(&title, dialog_t(d, "Tu kiem tra ho ngheo. Nha ban o:",
					      "Household self-check. You live in:"));
		if (r == 0)
			r = screen_option(s, dialog_t(d, "Nong thon (xa, thon)", "Countryside (commune)"));
		if (r == 0)
			r = screen_option(s, dialog_t(d, "Thanh thi (phuong, thi tran)", "Town (ward)"));
		break;
	case ASK_SIZE:
		r = buf_adds(&title, dialog_t(d, "Nha ban co bao nhieu nguoi (ca tre em)? Nhap so, vd: 4",
					      "How many people live in your household? E.g. 4"));
		break;
	case ASK_INCOME:
		r = buf_adds(&title, dialog_t(d, "Tong thu nhap ca nha 1 thang khoang bao nhieu?"
					      " Vd: 6tr, 2tr5, 1.200.000 hoac 1tr2/nguoi",
					      "Total household income a month? E.g. 6tr, 2tr5, 1.200.000"));
		break;
	case ASK_DEP:
		if ((r = buf_addf(&title, "%s %d/%d: ", dialog_t(d, "Cau", "Question"), p.dep + 1,
				  p.std.indicators)) == 0 &&
		    (r = poverty_question(d->rq->env->db, p.std.valid_from, p.dep, d->rq->contact.lang,
					  &title)) == 0 &&
		    (r = screen_option(s, dialog_t(d, "Co", "Yes"))) == 0)
			r = screen_option(s, dialog_t(d, "Khong", "No"));
		break;
	default:
		s->limit = dialog_limit(d, 1);
		if ((r = result_text(d, &f, &p, &title, &body)) == 0 && p.ask == ASK_DONE)
			r = screen_option(s, dialog_t(d, "Dat hen nop don ra soat", "Book the review form"));
		if (r == 0 && d->ussd)
			r = screen_option(s, dialog_t(d, "Gui ket qua qua SMS", "Send by SMS"));
		break;
	}
	if (r == 0 && (r = screen_title(s, title.data)) == 0)
		r = screen_body(s, body.data);
out:
	buf_release(&title);
	buf_release(&body);
	return r;
}

static int remember(json_t *sc, const char *what)
{
	json_t *h = json_object_get(sc, "h");

	if (!json_is_array(h)) {
		json_object_set_new(sc, "h", json_array());
		h = json_object_get(sc, "h");
	}
	return json_array_append_new(h, json_string(what)) == 0 ? 0 : GW_ERR_NOMEM;
}

/* History entry "d<i>": indicator i was answered in the dialog. */
static int remember_dep(json_t *sc, int i)
{
	struct buf key;
	int r;

	buf_init(&key, 8);
	if ((r = buf_addf(&key, "d%d", i)) == 0)
		r = remember(sc, key.data);
	buf_release(&key);
	return r;
}

/* The result screen: book the review form, or (USSD) send it by SMS. */
static int result_input(struct dialog *d, const struct facts *f, const struct plan *p, int c,
			int *took)
{
	struct buf title, body;
	int r = 0;

	buf_init(&title, SELFCHECK_TEXT_MAX);
	buf_init(&body, SELFCHECK_TEXT_MAX);
	if (c == 1 && p->ask == ASK_DONE) {
		*took = 1;
		r = dialog_open(d, DIALOG_MENU, "selfcheck.book");
	} else if (d->ussd && ((c == 2 && p->ask == ASK_DONE) || (c == 1 && p->ask == ASK_NODATA))) {
		*took = 1;
		if ((r = result_text(d, f, p, &title, &body)) == 0 &&
		    (r = buf_addf(&title, ". %s %s", body.data,
				  dialog_t(d, "Dat hen nop don: HEN <ngay> ra soat.",
					   "Book: HEN <date> ra soat."))) == 0 &&
		    (r = dialog_sms(d, title.data, NULL)) == 0)
			r = dialog_finish(d, dialog_t(d, "Da gui ket qua qua SMS. Cam on ban!",
						      "Sent by SMS. Thank you!"));
	}
	buf_release(&title);
	buf_release(&body);
	return r;
}

static int selfcheck_input(struct dialog *d, json_t *frame, const char *input, int *taken)
{
	json_t *sc = sc_of(d);
	struct facts f;
	struct plan p;
	struct buf norm;
	char *end = NULL;
	long c = strtol(input, &end, 10);
	int took = 0, yn, r;

	buf_init(&norm, NORMALIZE_GROWTH * SELFCHECK_INPUT_MAX + 16);
	if (!end || *end || end == input || c < 0 || c > 99)
		c = -1;
	facts_read(sc, &f);
	if ((r = plan_next(d, &f, &p)) < 0 || (r = normalize_text(&norm, input, strnlen(input, SELFCHECK_INPUT_MAX))) < 0)
		goto out;
	request_set_intent(d->res, "eligibility", NULL);
	switch (p.ask) {
	case ASK_AREA:
		f.area = c == 1 ? POVERTY_RURAL : c == 2 ? POVERTY_URBAN : area_answer(norm.data);
		if ((took = f.area != 0))
			r = remember(sc, "area");
		break;
	case ASK_SIZE:
		if (c >= 1 && c <= SELFCHECK_MAX_SIZE)
			f.size = (int)c;
		else
			read_income(norm.data, &f);
		if ((took = f.size != 0))
			r = remember(sc, "size");
		else
			d->hint = dialog_t(d, "Nhap so nguoi, vd: 4.", "Type a number, e.g. 4.");
		break;
	case ASK_INCOME:
		if ((took = read_income(norm.data, &f)))
			r = remember(sc, "inc");
		else
			d->hint = dialog_t(d, "Chua doc duoc so tien.", "Could not read the amount.");
		break;
	case ASK_DEP:
		if ((yn = yes_no(norm.data)) != 0) {
			took = 1;
			if (yn == 1)
				f.yes |= 1u << p.dep;
			else
				f.no |= 1u << p.dep;
			r = remember_dep(sc, p.dep);
		}
		break;
	default:
		r = result_input(d, &f, &p, (int)c, &took);
		goto out;
	}
	if (r == 0 && took)
		r = facts_write(sc, &f);
out:
	buf_release(&norm);
	if (r == 0)
		*taken = took;
	return r;
}

static int selfcheck_back(struct dialog *d, json_t *frame, int *done)
{
	json_t *sc = sc_of(d), *h = json_object_get(sc, "h");
	size_t n = json_array_size(h);
	const char *what;
	struct facts f;
	int r = 0;

	*done = 0;
	if (!n)
		goto out;
	what = json_string_value(json_array_get(h, n - 1));
	facts_read(sc, &f);
	if (!what) {
		/* not ours: just drop it */
	} else if (!strcmp(what, "area")) {
		f.area = 0;
	} else if (!strcmp(what, "size")) {
		f.size = 0;
	} else if (!strcmp(what, "inc")) {
		f.hi = f.pp = 0;
		f.inc = 0;
	} else if (what[0] == 'd') {
		unsigned bit = 1u << (strtoul(what + 1, NULL, 10) & 15);

		f.yes &= ~bit;
		f.no &= ~bit;
	}
	json_array_remove(h, n - 1);
	r = facts_write(sc, &f);
	*done = 1;
out:
	return r;
}

static int selfcheck_wants(struct dialog *d, json_t *frame, const char *norm)
{
	struct facts f, probe;
	struct plan p;
	int wants = 0;

	facts_read(sc_of(d), &f);
	if (plan_next(d, &f, &p) < 0)
		goto out;
	probe = f;
	if (p.ask == ASK_AREA)
		wants = area_answer(norm) != 0;
	else if (p.ask == ASK_SIZE)
		wants = read_income(norm, &probe) || probe.size != f.size;
	else if (p.ask == ASK_INCOME)
		wants = read_income(norm, &probe);
	else if (p.ask == ASK_DEP)
		wants = yes_no(norm) != 0;
out:
	return wants;
}

static int selfcheck_open(struct dialog *d, const char *key)
{
	int r = GW_ERR_NOMEM;

	if (json_object_set_new(d->state, "sc", json_object()) == 0)
		r = dialog_push(d, json_pack("{s:s}", "t", "kt"));
	return r;
}

/* "Who qualifies" of one program, for an eligibility question about it:
 * page `page`, each but the last ending with "KT <code> <n>". */
static int program_answer(const struct handler_req *rq, struct handler_result *res,
			  const char *code, int page)
{
	struct buf body, more;
	sqlite3_stmt *st;
	int r;

	buf_init(&body, SELFCHECK_TEXT_MAX);
	buf_init(&more, 64);
	if ((r = db_row(rq->env->db, "SELECT title_vi, eligibility_vi, summary_vi FROM programs"
			" WHERE code = ?", DB_ARGS(DB_TEXT(code)), &st)) < 0)
		goto out;
	r = buf_addf(&body, "%s (CS %s): %s%c%s", db_col_text(st, 0), code,
		     *db_col_text(st, 1) ? db_col_text(st, 1) : db_col_text(st, 2), REPLY_SECTION,
		     request_text(rq, "Tự kiểm tra hộ nghèo: nhắn KT.", "Household self-check: send KT."));
	sqlite3_reset(st);
	if (r == 0 && (r = buf_addf(&more, "KT %s", code)) == 0)
		r = request_reply_paged(rq, res, body.data, more.data, page);
out:
	buf_release(&body);
	buf_release(&more);
	return r;
}

/* "KT VAY-VIEC-LAM 2" (normalised "vay - viec - lam 2"): the programme
 * whose code the words after KT spell, and the page asked; 0 when they
 * are something else (a household's facts). */
static int kt_program(const struct handler_req *rq, char *code, size_t sz, int *page)
{
	char want[SELFCHECK_CODE_MAX + 8];
	sqlite3_stmt *st;
	size_t n = 0;
	long p = 1;
	int found = 0;

	for (const char *a = rq->args; *a && n + 1 < sizeof(want); a++) {
		if (*a >= '0' && *a <= '9' && (a == rq->args || a[-1] == ' ') &&
		    strspn(a, "0123456789") == strlen(a)) {
			p = strtol(a, NULL, 10);
			break;
		}
		if (*a != ' ')
			want[n++] = *a;
	}
	want[n] = '\0';
	if (n && p >= 1 && p <= 99 &&
	    db_row(rq->env->db, "SELECT code FROM programs WHERE lower(code) = ?",
		   DB_ARGS(DB_TEXT(want)), &st) == 0) {
		found = gw_strlcpy(code, db_col_text(st, 0), sz) == 0;
		sqlite3_reset(st);
	}
	*page = (int)p;
	return found;
}

int selfcheck_prepare(const struct handler_req *rq, struct handler_result *res, json_t **facts)
{
	const char *prog = rq->route.program;
	int kt = !strcmp(rq->route.command, "KT"), page = 1;
	char code[SELFCHECK_CODE_MAX];
	json_t *sc = json_object();
	char today[11], from[11];
	struct facts f;
	int r = GW_ERR_NOMEM;

	request_set_intent(res, "eligibility", *prog ? prog : "CHUAN-NGHEO");
	if (!sc)
		goto out;
	if (kt && kt_program(rq, code, sizeof(code), &page) && strcmp(code, "CHUAN-NGHEO") &&
	    strcmp(code, "RA-SOAT") && strcmp(code, "HO-NGHEO")) { /* KT VAY-NGHEO 2 */
		request_set_intent(res, "eligibility", code);
		if ((r = program_answer(rq, res, code, page)) != GW_ERR_NOTFOUND) {
			*facts = NULL;
			goto out;
		}
	}
	memset(&f, 0, sizeof(f));
	read_income(rq->norm, &f);
	f.area = area_of(rq->norm);
	if (!kt && *prog && strcmp(prog, "CHUAN-NGHEO") && strcmp(prog, "RA-SOAT") &&
	    strcmp(prog, "HO-NGHEO") && !f.hi) {
		r = program_answer(rq, res, prog, 1);
		if (r != GW_ERR_NOTFOUND) {
			*facts = NULL;
			goto out;
		}
	}
	dialog_office_day(rq->env->cfg, rq->msg->at, today);
	if ((r = poverty_in_force(rq->env->db, today, from)) == 0)
		r = poverty_cues(rq->env->db, from, rq->norm, &f.yes);
	if ((r < 0 && r != GW_ERR_NOTFOUND) || (r = facts_write(sc, &f)) < 0)
		goto out;
	*facts = sc;
	sc = NULL;
out:
	json_decref(sc);
	return r;
}

static int selfcheck_owns(const json_t *frame)
{
	const char *t = json_string_value(json_object_get(frame, "t"));

	return t && strcmp(t, "kt") == 0;
}

const struct dialog_kind selfcheck_kind = {
	.owns = selfcheck_owns,
	.open = selfcheck_open,
	.render = selfcheck_render,
	.input = selfcheck_input,
	.back = selfcheck_back,
	.wants = selfcheck_wants,
};
