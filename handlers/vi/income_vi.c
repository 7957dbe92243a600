/* income_vi.c - see income_vi.h for the forms and rules.
 *
 * Like datetime_vi, the folded text is cut into tokens by vitok.h (letter
 * runs, digit runs, single punctuation bytes) that remember whether
 * whitespace came before them: "2tr5" is 2, tr, 5 glued, "1.200.000" is one glued
 * run, "3/12" a glued run with '/', which is what tells money from dates.
 * Amounts are summed in unsigned 64-bit arithmetic with every factor
 * checked against INCOME_VI_MAX_VND first, so no input can overflow.
 * Token matchers are pure scanners returning how many tokens they used;
 * they bail out early with guard returns, only the GW_ERR_* functions
 * keep to the single "goto out" exit.
 */
#include "handlers/vi/income_vi.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/vitok.h"

struct ctx {
	const char *s;
	const struct vitok *t;
	size_t n;
};

/* Digit runs are read with this ceiling: anything above is "too large"
 * whatever unit follows, and the products below stay far from 2^64. */
#define NUM_CAP 1000000000000000ULL /* 10^15 */

struct amount {
	unsigned long long vnd;
	int too_big, negative;
	size_t end;           /* first token after the amount and its unit */
};

enum { PER_NONE, PER_MONTH, PER_YEAR, PER_DAY };

struct quals {
	int person, household, period;
};

/* Words after a number that make it a count, an age or a size. */
static const char *const w_count_noun[] = {
	"nguoi", "tuoi", "khau", "con", "cai", "chiec", "kg", "ha", "sao", "m", "m2", "met",
	"lan", "ngay", "thang", "nam", "tuan", "gio", "h", "phut", "so", "ho", "tan", "ta",
	NULL
};

/* ---- tokens ---- */

static int w_is(const struct ctx *c, size_t i, const char *w)
{
	return i < c->n && vitok_is_word(&c->t[i], c->s, w);
}

static int w_in(const struct ctx *c, size_t i, const char *const *list)
{
	for (int k = 0; list[k]; k++)
		if (w_is(c, i, list[k]))
			return 1;
	return 0;
}

static int p_in(const struct ctx *c, size_t i, const char *set)
{
	return i < c->n && vitok_is_punct_in(&c->t[i], c->s, set);
}

static int is_num(const struct ctx *c, size_t i)
{
	return i < c->n && c->t[i].kind == VITOK_NUM;
}

static int glued(const struct ctx *c, size_t i)
{
	return i < c->n && c->t[i].glued;
}

static int glued_alnum_after(const struct ctx *c, size_t i)
{
	return glued(c, i + 1) && c->t[i + 1].kind != VITOK_PUNCT;
}

/* Value of the digit run at token i, saturating at NUM_CAP. */
static unsigned long long num_val(const struct ctx *c, size_t i)
{
	unsigned long long v = 0;

	for (size_t k = c->t[i].start; k < c->t[i].end; k++) {
		v = v * 10 + (unsigned long long)(c->s[k] - '0');
		if (v >= NUM_CAP)
			return NUM_CAP;
	}
	return v;
}

static int lead_zero(const struct ctx *c, size_t i)
{
	return c->t[i].ndig > 1 && c->s[c->t[i].start] == '0';
}

/* ---- numbers and units ---- */

/* A number written in words: "nam" 5, "hai muoi" 20, "muoi lam" 15.
 * Returns the tokens used and the value in *v, 0 if none. */
static size_t spelled(const struct ctx *c, size_t i, unsigned *v)
{
	static const char *const first[] = { "mot", "hai", "ba", "bon", "nam", "sau", "bay",
					    "tam", "chin", NULL };
	static const char *const unit[] = { "mot", "hai", "ba", "bon", "nam", "sau", "bay",
					   "tam", "chin", NULL };
	size_t j = i;
	unsigned n = 0;
	int k;

	for (k = 0; first[k] && !w_is(c, j, first[k]); k++)
		;
	if (first[k]) {
		n = (unsigned)k + 1;
		j++;
		if (w_is(c, j, "muoi")) {
			n *= 10;
			j++;
		} else {
			*v = n;
			return j - i;
		}
	} else if (w_is(c, j, "muoi")) {
		n = 10;
		j++;
	} else {
		return 0;
	}
	/* after "muoi": "mot" is 1, "lam"/"nam" 5, "tu"/"bon" 4 */
	if (w_is(c, j, "lam") || w_is(c, j, "tu")) {
		n += w_is(c, j, "lam") ? 5 : 4;
		j++;
	} else {
		for (k = 0; unit[k] && !w_is(c, j, unit[k]); k++)
			;
		if (unit[k]) {
			n += (unsigned)k + 1;
			j++;
		}
	}
	*v = n;
	return j - i;
}

static unsigned long long unit_mult(const struct ctx *c, size_t i)
{
	if (w_is(c, i, "ty") || w_is(c, i, "ti"))
		return 1000000000ULL;
	if (w_is(c, i, "trieu") || w_is(c, i, "tr"))
		return 1000000ULL;
	if (w_is(c, i, "nghin") || w_is(c, i, "ngan") || w_is(c, i, "ngin") || w_is(c, i, "k"))
		return 1000ULL;
	return 0;
}

static int currency_at(const struct ctx *c, size_t i)
{
	return w_is(c, i, "dong") || w_is(c, i, "d") || w_is(c, i, "vnd");
}

/* v + a * mult, saturating above the cap instead of overflowing. */
static unsigned long long add_mul(unsigned long long v, unsigned long long a, unsigned long long mult)
{
	if (a && mult > (NUM_CAP - v) / a)
		return NUM_CAP;
	return v + a * mult;
}

struct number {
	unsigned long long ip; /* integer part */
	unsigned long long frac;
	int fdig;              /* digits of frac; 0 = integer */
	int bare_ok;           /* may stand without a unit (no leading 0, <= 10 digits) */
	int ok;                /* a number at all (else: a date, range, code) */
};

/* Digits at i: 1200000, 1.200.000, 1,200,000, 1 200 000, 1,5, 1.5.
 * Returns the tokens used; nm->ok 0 when they are not an amount. */
static size_t read_number(const struct ctx *c, size_t i, struct number *nm)
{
	size_t e = i + 1;
	int parts = 0, all3 = 1, digits = c->t[i].ndig, spaced = 0;
	char sep = 0;

	memset(nm, 0, sizeof *nm);
	nm->ip = num_val(c, i);
	while (p_in(c, e, ".,") && glued(c, e) && glued(c, e + 1) && is_num(c, e + 1)) {
		char s = c->s[c->t[e].start];

		if (sep && s != sep)
			all3 = 0;
		sep = s;
		if (c->t[e + 1].ndig != 3)
			all3 = 0;
		parts++;
		e += 2;
	}
	nm->ok = 1;
	if (parts == 0) {
		/* "1 200 000": groups of three set off by spaces */
		while (c->t[i].ndig <= 3 && !lead_zero(c, i) && is_num(c, e) && !glued(c, e) &&
		       c->t[e].ndig == 3 && !glued_alnum_after(c, e)) {
			nm->ip = add_mul(num_val(c, e), nm->ip, 1000);
			digits += 3;
			spaced = 1;
			e++;
		}
	} else if (all3 && c->t[i].ndig <= 3 && !lead_zero(c, i)) {
		for (size_t k = i + 2; k < e; k += 2) {
			nm->ip = add_mul(num_val(c, k), nm->ip, 1000);
			digits += 3;
		}
	} else if (parts == 1 && c->t[i + 2].ndig <= 2 && !lead_zero(c, i)) {
		nm->frac = num_val(c, i + 2); /* 1,5 and 0,5 */
		nm->fdig = c->t[i + 2].ndig;
	} else {
		nm->ok = 0; /* 0912.345.678, 1.2.3: codes and versions */
	}
	/* "3/12", "1/2", "5-6tr", "8:30": dates, fractions, ranges, times */
	if (p_in(c, e, "/-:") && glued(c, e) && glued(c, e + 1) && is_num(c, e + 1))
		nm->ok = 0;
	/* spaced groups without a unit are too often a phone "912 345 678" */
	nm->bare_ok = nm->ok && nm->fdig == 0 && !lead_zero(c, i) && digits <= 10 && !spaced;
	return e - i;
}

/* A number at i that starts a value of its own; *neg when a lone '-' is
 * glued before it ("-6tr", not the "6" of "5-6tr"). */
static int num_starts(const struct ctx *c, size_t i, int *neg)
{
	size_t p = i - 1;

	*neg = 0;
	if (i == 0 || !c->t[i].glued)
		return 1;
	if (c->t[p].kind != VITOK_PUNCT)
		return 0;
	if (p_in(c, p, "-") && !(glued(c, p) && c->t[p - 1].kind != VITOK_PUNCT)) {
		*neg = 1;
		return 1;
	}
	return !p_in(c, p, "/-.,:+'");
}

/* Nothing more of the amount follows j: end, punctuation, a qualifier. */
static int clause_end(const struct ctx *c, size_t j)
{
	static const char *const w[] = { "moi", "mot", "hang", "dong", "d", "vnd", "thoi", "la",
					"a", "nhe", "thi", "va", NULL };

	return j >= c->n || p_in(c, j, ",.;!?/)") || w_in(c, j, w);
}

/* What follows "N trieu": "2tr5", "2 trieu ruoi", "2 trieu 500 nghin",
 * "2 trieu 5 tram", "mot trieu hai". Returns the new value. */
static unsigned long long after_big_unit(const struct ctx *c, size_t *e, unsigned long long v,
					 unsigned long long mult)
{
	size_t j = *e;
	unsigned d;

	if (glued(c, j) && is_num(c, j) && c->t[j].ndig <= 3 && !glued_alnum_after(c, j)) {
		unsigned long long div = c->t[j].ndig == 1 ? 10 : c->t[j].ndig == 2 ? 100 : 1000;

		v = add_mul(v, num_val(c, j), mult / div);
		*e = j + 1;
	} else if (mult < 1000000ULL) {
		/* nothing more after "nghin" */
	} else if (w_is(c, j, "ruoi")) {
		v = add_mul(v, 1, mult / 2);
		*e = j + 1;
	} else if (is_num(c, j) && !glued(c, j) && c->t[j].ndig <= 3 && unit_mult(c, j + 1) == 1000) {
		v = add_mul(v, num_val(c, j), 1000);
		*e = j + 2;
	} else if (is_num(c, j) && !glued(c, j) && c->t[j].ndig == 1 && w_is(c, j + 1, "tram")) {
		v = add_mul(v, num_val(c, j), 100000);
		*e = j + 2 + (unit_mult(c, j + 2) == 1000);
	} else if (is_num(c, j) && !glued(c, j) && !glued_alnum_after(c, j) &&
		   (c->t[j].ndig == 1 || c->t[j].ndig == 3) && clause_end(c, j + 1)) {
		/* spoken short forms: "2 trieu 5" = 2.5 million, "2 trieu 500" */
		v = add_mul(v, num_val(c, j), c->t[j].ndig == 1 ? mult / 10 : mult / 1000);
		*e = j + 1;
	} else if (spelled(c, j, &d) == 1 && d < 10) {
		if (w_is(c, j + 1, "tram")) {
			v = add_mul(v, d, 100000);
			*e = j + 2 + (unit_mult(c, j + 2) == 1000);
		} else if (unit_mult(c, j + 1) == 1000) {
			v = add_mul(v, d, 1000);
			*e = j + 2;
		} else if (clause_end(c, j + 1)) {
			v = add_mul(v, d, mult / 10); /* "mot trieu hai" = 1.2 million */
			*e = j + 1;
		}
	}
	return v;
}

/* "X tram" as spoken means X hundred thousand; only when nothing that
 * would make it 500 metres or 500 people follows. */
static int tram_alone(const struct ctx *c, size_t j)
{
	static const char *const ok[] = { "moi", "mot", "hang", "thang", "nam", "ngay", "dong",
					 "d", "vnd", "thoi", "thi", "la", NULL };

	return j >= c->n || p_in(c, j, "/,.;!?)") || w_in(c, j, ok);
}

/* An amount at token i. Returns the tokens used (amount and unit) and
 * fills *a; *is_amount 0 when the tokens are a number that is not money
 * (the caller skips them whole so "3/12" does not yield a "12"). */
static size_t m_amount(const struct ctx *c, size_t i, struct amount *a, int *is_amount)
{
	struct number nm;
	unsigned long long mult, v = 0;
	unsigned sp;
	size_t e, u;
	int neg = 0;

	memset(a, 0, sizeof *a);
	*is_amount = 0;
	if (!is_num(c, i)) {
		/* "mot trieu ruoi", "hai muoi trieu", "nam tram nghin" */
		if (!(u = spelled(c, i, &sp)) || (i > 0 && c->t[i].glued))
			return 0;
		e = i + u;
		if ((mult = unit_mult(c, e)) && mult >= 1000000ULL) {
			e++;
			v = after_big_unit(c, &e, add_mul(0, sp, mult), mult);
		} else if (mult) {
			v = add_mul(0, sp, mult);
			e++;
		} else if (w_is(c, e, "tram") && sp < 10 &&
			   (unit_mult(c, e + 1) == 1000 || tram_alone(c, e + 1))) {
			v = add_mul(0, sp, 100000);
			e += 1 + (unit_mult(c, e + 1) == 1000);
		} else {
			return 0;
		}
		*is_amount = 1;
		goto unit_done;
	}
	if (!num_starts(c, i, &neg))
		return 0;
	u = read_number(c, i, &nm);
	e = i + u;
	if (!nm.ok)
		return u;
	if ((mult = unit_mult(c, e))) {
		e++;
		v = add_mul(0, nm.ip, mult);
		if (nm.fdig) {
			unsigned long long div = nm.fdig == 1 ? 10 : 100;

			v = add_mul(v, nm.frac, mult / div);
		} else {
			v = after_big_unit(c, &e, v, mult);
		}
	} else if (w_is(c, e, "tram") && !nm.fdig && nm.ip < 10 &&
		   (unit_mult(c, e + 1) == 1000 || tram_alone(c, e + 1))) {
		v = add_mul(0, nm.ip, 100000);
		e += 1 + (unit_mult(c, e + 1) == 1000);
	} else if (currency_at(c, e) && !nm.fdig) {
		v = nm.ip;
	} else if (nm.bare_ok && nm.ip >= 100000 && !glued_alnum_after(c, e - 1) &&
		   !w_in(c, e, w_count_noun)) {
		v = nm.ip;
	} else {
		return u;
	}
	*is_amount = 1;
unit_done:
	if (currency_at(c, e))
		e++;
	a->vnd = v;
	a->too_big = v > (unsigned long long)INCOME_VI_MAX_VND;
	a->negative = neg;
	a->end = e;
	return e - i;
}

/* ---- qualifiers ---- */

static int period_word(const struct ctx *c, size_t i)
{
	if (w_is(c, i, "thang") || w_is(c, i, "th"))
		return PER_MONTH;
	if (w_is(c, i, "nam"))
		return PER_YEAR;
	if (w_is(c, i, "ngay"))
		return PER_DAY;
	return PER_NONE;
}

/* Length of a per-person noun at i: nguoi, ng, khau, nhan khau, dau nguoi. */
static size_t person_word(const struct ctx *c, size_t i)
{
	if (w_is(c, i, "nguoi") || w_is(c, i, "ng") || w_is(c, i, "khau"))
		return 1;
	if ((w_is(c, i, "nhan") && w_is(c, i + 1, "khau")) ||
	    (w_is(c, i, "dau") && w_is(c, i + 1, "nguoi")))
		return 2;
	return 0;
}

/* Qualifiers right after the amount: "/nguoi/thang", "moi nguoi mot
 * thang", "1 nguoi", "/ho". Returns the first token after them. */
static size_t quals_after(const struct ctx *c, size_t e, struct quals *q)
{
	static const char *const lead[] = { "moi", "mot", "hang", "ca", "tren", "trong", NULL };

	for (int round = 0; round < 3; round++) {
		size_t j = e, pw;
		int per;

		if (w_is(c, j, "dau") && w_is(c, j + 1, "nguoi")) {
			q->person = 1;
			e = j + 2;
			continue;
		}
		if (p_in(c, j, "/") || w_in(c, j, lead) ||
		    (is_num(c, j) && c->t[j].ndig == 1 && c->s[c->t[j].start] == '1'))
			j++;
		else
			break;
		if (w_is(c, j - 1, "trong") && w_is(c, j, "mot"))
			j++; /* "trong mot nam" */
		if ((pw = person_word(c, j))) {
			q->person = 1;
			e = j + pw;
		} else if ((per = period_word(c, j))) {
			q->period = per;
			e = j + 1;
		} else if (w_is(c, j, "ho") || w_is(c, j, "nha")) {
			q->household = 1;
			e = j + 1;
		} else {
			break;
		}
	}
	return e;
}

/* Qualifiers up to 5 tokens before the amount, within its clause:
 * "binh quan dau nguoi 1tr5", "moi nam 60 trieu", "ca nha 6tr". */
static void quals_before(const struct ctx *c, size_t i, size_t floor, struct quals *q)
{
	size_t lo = i > floor + 5 ? i - 5 : floor;

	for (size_t k = i; k > lo; k--) {
		size_t j = k - 1;
		int per;

		if (p_in(c, j, ",.;!?"))
			break;
		if ((w_is(c, j, "binh") && w_is(c, j + 1, "quan")) || w_is(c, j, "bq") ||
		    (w_is(c, j, "dau") && w_is(c, j + 1, "nguoi")) ||
		    ((w_is(c, j, "moi") || w_is(c, j, "tren")) && person_word(c, j + 1) == 1))
			q->person = 1;
		if ((w_is(c, j, "moi") || w_is(c, j, "hang") || w_is(c, j, "ca") ||
		     w_is(c, j, "mot")) && (per = period_word(c, j + 1)) && j + 1 < i && !q->period)
			q->period = per;
		if (w_is(c, j, "nam") && (w_is(c, j + 1, "qua") || w_is(c, j + 1, "ngoai") ||
					  w_is(c, j + 1, "roi")) && !q->period)
			q->period = PER_YEAR;
		if ((w_is(c, j, "ca") || w_is(c, j, "moi")) && (w_is(c, j + 1, "nha") || w_is(c, j + 1, "ho")))
			q->household = 1;
	}
}

/* "nha 4 nguoi", "4 khau", "5 nhan khau", "gia dinh nam nguoi". Tokens
 * in [skip_lo, skip_hi) belong to the amount ("2tr 1 nguoi"). */
static int household_size(const struct ctx *c, size_t skip_lo, size_t skip_hi, int *size)
{
	for (size_t i = 0; i < c->n; i++) {
		size_t j;
		unsigned v = 0;
		int neg;

		if (i >= skip_lo && i < skip_hi)
			continue;
		if (is_num(c, i)) {
			if (c->t[i].ndig > 2 || !num_starts(c, i, &neg) || neg || glued_alnum_after(c, i))
				continue;
			v = (unsigned)num_val(c, i);
			j = i + 1;
		} else if ((j = spelled(c, i, &v))) {
			j += i;
		} else {
			continue;
		}
		if (j >= skip_lo && j < skip_hi)
			continue;
		if (!(w_is(c, j, "nguoi") || w_is(c, j, "khau") ||
		      (w_is(c, j, "nhan") && w_is(c, j + 1, "khau")) ||
		      (w_is(c, j, "thanh") && w_is(c, j + 1, "vien"))))
			continue;
		if (v >= 1 && v <= 30) {
			*size = (int)v;
			return 1;
		}
	}
	return 0;
}

int income_vi_parse(const char *text, struct income_vi *out, const char **why)
{
	struct buf folded;
	struct vitok *toks = NULL;
	struct ctx c;
	struct income_vi res;
	struct amount first;
	struct quals q;
	const char *reason = "bad argument";
	size_t n, lo = 0, hi = 0;
	int r = GW_ERR_INVAL;

	buf_init(&folded, 0);
	memset(&res, 0, sizeof res);
	memset(&first, 0, sizeof first);
	memset(&q, 0, sizeof q);
	if (!text || !out)
		goto out;
	if ((r = vitok_fold_split(text, INCOME_VI_MAX_TEXT, &folded, &toks, &n)) < 0) {
		reason = r == GW_ERR_NOMEM ? "out of memory" : "text too long";
		goto out;
	}
	c.s = folded.data;
	c.t = toks;
	c.n = n;
	for (size_t i = 0, prev_end = 0; i < n;) {
		struct amount a;
		int is_amount;
		size_t u = m_amount(&c, i, &a, &is_amount);

		if (!u) {
			i++;
			continue;
		}
		if (is_amount && !res.amount_count++) {
			first = a;
			lo = i;
			quals_before(&c, i, prev_end, &q);
			a.end = quals_after(&c, a.end, &q);
			hi = a.end;
		} else if (is_amount) {
			a.end = quals_after(&c, a.end, &(struct quals){ 0, 0, 0 });
		}
		if (is_amount)
			prev_end = a.end;
		i = is_amount && a.end > i + u ? a.end : i + u;
	}
	if (res.amount_count) {
		r = GW_ERR_INVAL;
		if (first.negative && first.vnd) {
			reason = "negative amount";
			goto out;
		}
		if (first.too_big) {
			reason = "amount too large";
			goto out;
		}
		res.has_income = 1;
		res.vnd = (long long)first.vnd;
		res.per_person = q.person && !q.household;
		res.per_year = q.period == PER_YEAR;
		res.per_day = q.period == PER_DAY;
	}
	res.has_household_size = household_size(&c, lo, hi, &res.household_size);
	*out = res;
	r = 0;
out:
	if (r < 0 && why)
		*why = reason;
	free(toks);
	buf_release(&folded);
	return r;
}

long long income_vi_monthly_per_person(const struct income_vi *in)
{
	long long r = -1, v;

	if (!in || !in->has_income || in->per_day || in->vnd < 0)
		goto out;
	v = in->vnd;
	if (in->per_year)
		v = (v + 6) / 12;
	if (!in->per_person) {
		if (!in->has_household_size || in->household_size < 1)
			goto out;
		v = (v + in->household_size / 2) / in->household_size;
	}
	r = v;
out:
	return r;
}
