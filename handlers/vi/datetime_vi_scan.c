/* datetime_vi_scan.c - see datetime_vi_scan.h.
 *
 * The folded text is cut into tokens by vitok.h (letter runs, digit
 * runs, single punctuation bytes), each knowing whether whitespace came
 * before it, so "8h30" (8, h, 30 glued) and "8 h 30" differ and "1tr2" is
 * seen as one glued run. Small matchers are tried at each token and emit
 * candidates (a written date, a relative day, a weekday, a time, a part
 * of day). Matchers look at the words around a number before believing
 * it, because in these messages most numbers are money, counts or codes.
 * Matchers are pure scanners returning how many tokens they used and bail
 * out with guard returns.
 */
#include "handlers/vi/datetime_vi_scan.h"

#include <string.h>

#include "handlers/vi/datetime_vi.h"
#include "handlers/vi/datetime_vi_words.h"
#include "handlers/vi/numword_vi.h"
#include "handlers/vi/vitok.h"

struct ctx {
	const char *s;
	const struct vitok *t;
	size_t n;
	size_t taken;      /* tokens before this index belong to earlier candidates */
};

/* The vocabulary (datetime_vi_words.h) under short names. */
static const char *const *const w_part = datetime_vi_words_part;
static const char *const *const w_unit = datetime_vi_words_unit;
static const char *const *const w_address = datetime_vi_words_address;
static const char *const *const w_ordinal = datetime_vi_words_ordinal;
static const char *const *const w_name_before_mai = datetime_vi_words_name_before_mai;
static const char *const *const w_mot_before = datetime_vi_words_mot_before;
static const char *const *const w_count = datetime_vi_words_count;
static const char *const *const w_duration = datetime_vi_words_duration;
static const char *const *const w_sang_after = datetime_vi_words_sang_after;
static const char *const *const w_sang_before = datetime_vi_words_sang_before;
static const char *const *const w_chieu_after = datetime_vi_words_chieu_after;
static const char *const *const w_chieu_before = datetime_vi_words_chieu_before;
static const char *const *const w_gap = datetime_vi_words_gap;
static const char *const w_week_fill[] = { "nhe", "nha", "a", "vao", "ngay", NULL };

/* ---- tokens ---- */

static int w_is(const struct ctx *c, size_t i, const char *w)
{
	return i < c->n && vitok_is_word(&c->t[i], c->s, w);
}

/* Index in list of the word at token i, or -1. */
static int w_idx(const struct ctx *c, size_t i, const char *const *list)
{
	for (int k = 0; list[k]; k++)
		if (w_is(c, i, list[k]))
			return k;
	return -1;
}

static int w_in(const struct ctx *c, size_t i, const char *const *list)
{
	return w_idx(c, i, list) >= 0;
}

static int prev_in(const struct ctx *c, size_t i, const char *const *list)
{
	return i > 0 && w_in(c, i - 1, list);
}

static int p_is(const struct ctx *c, size_t i, char ch)
{
	return i < c->n && c->t[i].kind == VITOK_PUNCT && c->t[i].end - c->t[i].start == 1 &&
	       c->s[c->t[i].start] == ch;
}

static int p_in(const struct ctx *c, size_t i, const char *set)
{
	return i < c->n && vitok_is_punct_in(&c->t[i], c->s, set);
}

/* A number of 1..maxdig digits at token i. */
static int n_is(const struct ctx *c, size_t i, int maxdig)
{
	return i < c->n && c->t[i].kind == VITOK_NUM && c->t[i].ndig <= maxdig;
}

static int glued(const struct ctx *c, size_t i)
{
	return i < c->n && c->t[i].glued;
}

/* A number at i that starts a value of its own, not the tail of "1tr2",
 * "ut3", "1.5" or "+84...". */
static int num_starts(const struct ctx *c, size_t i)
{
	const struct vitok *p;

	if (i == 0 || !c->t[i].glued)
		return 1;
	p = &c->t[i - 1];
	if (p->kind == VITOK_WORD || p->kind == VITOK_NUM)
		return 0;
	return !p_in(c, i - 1, "/-.,:+'");
}

/* Token i is followed by letters or digits glued to it ("3/12h", "t2b"). */
static int glued_alnum_after(const struct ctx *c, size_t i)
{
	return glued(c, i + 1) && c->t[i + 1].kind != VITOK_PUNCT;
}

static int part_of(const struct ctx *c, size_t i)
{
	static const int code[] = {
		DATETIME_VI_PART_MORNING, DATETIME_VI_PART_NOON, DATETIME_VI_PART_AFTERNOON,
		DATETIME_VI_PART_EVENING, DATETIME_VI_SCAN_NIGHT, DATETIME_VI_SCAN_NIGHT
	};
	int k = w_idx(c, i, w_part);

	return k < 0 ? 0 : code[k];
}

/* ---- matchers: each returns the tokens used (0 = no match) ---- */

/* A lunar marker at j: "am lich", "lich am", "al", "am", "(al)", "(am
 * lich)"; the tokens it takes, 0 when there is none. */
static size_t lunar_marker(const struct ctx *c, size_t j)
{
	size_t i = j + p_is(c, j, '('), e;

	if (w_is(c, i, "theo") && w_is(c, i + 1, "lich") && w_is(c, i + 2, "am"))
		e = i + 3;
	else if (w_is(c, i, "lich") && w_is(c, i + 1, "am"))
		e = i + 2;
	else if (w_is(c, i, "am") || w_is(c, i, "al"))
		e = i + 1 + w_is(c, i + 1, "lich");
	else
		return 0;
	if (i > j && p_is(c, e, ')'))
		e++;
	return e - j;
}

/* Year, lunar marker and quantity words after a date ending before e.
 * Returns the extra tokens used, or -1 when the "date" is a quantity. */
static int date_tail(const struct ctx *c, size_t e, struct datetime_vi_scan_cand *k)
{
	size_t j = e, u;

	if (w_in(c, j, w_unit))
		return -1;
	if (!k->y && !k->y_rel && w_is(c, j, "nam")) {
		if (n_is(c, j + 1, 4) && (c->t[j + 1].ndig == 4 || c->t[j + 1].ndig == 2)) {
			k->y = (int)c->t[j + 1].val + (c->t[j + 1].ndig == 2 ? 2000 : 0);
			j += 2;
		} else if (w_is(c, j + 1, "nay")) {
			k->y_rel = 1;
			k->y_off = 0;
			j += 2;
		} else if (w_is(c, j + 1, "sau") || w_is(c, j + 1, "toi")) {
			k->y_rel = 1;
			k->y_off = 1;
			j += 2;
		} else {
			return -1; /* "3-5 nam kinh nghiem": years, not a date */
		}
	}
	if ((u = lunar_marker(c, j)) > 0) {
		k->cal = DATETIME_VI_SCAN_LUNAR;
		j += u;
	} else if (w_is(c, j, "tet")) { /* "mung 4 tet": the first lunar month */
		if (k->m == 0 && !k->m_rel)
			k->m = 1;
		if (k->m == 1)
			k->cal = DATETIME_VI_SCAN_LUNAR_WORD;
		j++;
	}
	return (int)(j - e);
}

/* d/m, d-m, d.m, d/m/y, d/m/yy, yyyy-m-d starting at number j. */
static size_t m_numdate(const struct ctx *c, size_t j, struct datetime_vi_scan_cand *k)
{
	long v[4];
	int nd[4], cnt = 1, tail;
	char sep = 0;
	size_t e = j + 1;

	if (!n_is(c, j, 4) || !num_starts(c, j))
		return 0;
	v[0] = c->t[j].val;
	nd[0] = c->t[j].ndig;
	while (p_in(c, e, "/-.") && glued(c, e) && glued(c, e + 1) && n_is(c, e + 1, 9)) {
		char s = c->s[c->t[e].start];

		if ((sep && s != sep) || cnt == 4)
			return 0;
		sep = s;
		v[cnt] = c->t[e + 1].val;
		nd[cnt] = c->t[e + 1].ndig;
		cnt++;
		e += 2;
	}
	/* "1.5tr", "3/12h", a fourth part or a trailing group: not a date */
	if (cnt < 2 || cnt > 3 || glued_alnum_after(c, e - 1))
		return 0;
	if ((p_in(c, e, "/-.,") && glued(c, e) && glued(c, e + 1) && c->t[e + 1].kind == VITOK_NUM))
		return 0;
	if (prev_in(c, j, w_address))
		return 0;
	if (cnt == 2) {
		if (nd[0] > 2 || nd[1] > 2)
			return 0;
		k->d = (int)v[0];
		k->m = (int)v[1];
		/* With '-' or '.' only a plausible pair is a date: "8.30" is a
		 * time, "3-45" a range. With '/' it is a date, right or wrong. */
		if (sep != '/' && (k->d < 1 || k->d > 31 || k->m < 1 || k->m > 12))
			return 0;
	} else if (nd[0] == 4 && nd[1] <= 2 && nd[2] <= 2) {
		k->y = (int)v[0];
		k->m = (int)v[1];
		k->d = (int)v[2];
	} else if (nd[0] <= 2 && nd[1] <= 2 && (nd[2] == 2 || nd[2] == 4)) {
		k->d = (int)v[0];
		k->m = (int)v[1];
		k->y = (int)v[2] + (nd[2] == 2 ? 2000 : 0);
	} else {
		return 0;
	}
	if ((tail = date_tail(c, e, k)) < 0)
		return 0;
	if (k->d < 1 || k->d > 31 || k->m < 1 || k->m > 12 || (k->y && k->y < 1000))
		k->err = "impossible date";
	k->kind = DATETIME_VI_SCAN_DATE;
	return e - j + (size_t)tail;
}

/* "thang 12", "thang nay", "thang sau" (next month), "thang gieng",
 * "thang muoi mot" at i (the word "thang"): the tokens used, 0 when no
 * month follows. */
static size_t month_after(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	size_t len = 1;
	int v = 0;

	if (!w_is(c, i, "thang"))
		return 0;
	if (n_is(c, i + 1, 2) && !glued_alnum_after(c, i + 1)) {
		k->m = (int)c->t[i + 1].val;
	} else if (w_is(c, i + 1, "nay")) {
		k->m_rel = 1;
	} else if (w_is(c, i + 1, "sau") || w_is(c, i + 1, "toi")) {
		k->m_rel = 1;
		k->m_off = 1;
	} else if (w_is(c, i + 1, "gieng") || w_is(c, i + 1, "chap")) {
		/* names of the lunar year's first and last months */
		k->m = w_is(c, i + 1, "gieng") ? 1 : 12;
		k->cal = DATETIME_VI_SCAN_LUNAR_WORD;
	} else if (w_is(c, i + 1, "tu")) { /* thang tu: April */
		k->m = 4;
	} else if (numword_vi_read(c->s, c->t, c->n, i + 1, &v, &len) &&
		   (v <= 12 || numword_vi_read(c->s, c->t, i + 2, i + 1, &v, &len)) && v >= 1 &&
		   v <= 12) { /* "thang hai tu ...": February, then "tu" */
		k->m = v;
		k->m_mot = len == 1 && v == 1; /* "thang mot" */
	} else {
		return 0;
	}
	return 1 + len;
}

/* "15 thang 12 [nam 2026]", "5 thang sau", starting at number j. */
static size_t m_thangdate(const struct ctx *c, size_t j, struct datetime_vi_scan_cand *k)
{
	size_t e;
	int tail;

	if (!n_is(c, j, 2) || !num_starts(c, j) || glued_alnum_after(c, j) ||
	    !w_is(c, j + 1, "thang"))
		return 0;
	k->d = (int)c->t[j].val;
	if (!(e = month_after(c, j + 1, k)))
		return 0;
	e += j + 1;
	if (k->m_rel && w_is(c, e, "nua"))
		return 0; /* "3 thang nay nua": a duration */
	if ((tail = date_tail(c, e, k)) < 0)
		return 0;
	if (!k->err && (k->d < 1 || k->d > 31 || (!k->m_rel && (k->m < 1 || k->m > 12))))
		k->err = "impossible date";
	k->kind = DATETIME_VI_SCAN_DATE;
	return e - j + (size_t)tail;
}

/* "ngay 15/12", "ngay 15 thang 12", "ngay 15", "mung 5", "ngay mung 5". */
static size_t m_ngay(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	size_t j = i + 1, u;
	int tail;

	if (!w_is(c, i, "ngay") && !w_is(c, i, "mung") && !w_is(c, i, "mong"))
		return 0;
	if (w_is(c, i, "ngay") && (w_is(c, j, "mung") || w_is(c, j, "mong")))
		j++;
	if (!n_is(c, j, 4) || !num_starts(c, j))
		return 0;
	if ((u = m_numdate(c, j, k)))
		return j - i + u;
	memset(k, 0, sizeof *k);
	if ((u = m_thangdate(c, j, k)))
		return j - i + u;
	memset(k, 0, sizeof *k);
	if (!n_is(c, j, 2) || glued_alnum_after(c, j) || p_in(c, j + 1, "/-.:"))
		return 0;
	/* "2 ngay 1 dem", "moi ngay 2 lan": counts of days */
	if ((i > 0 && c->t[i - 1].kind == VITOK_NUM) || prev_in(c, i, w_count) ||
	    w_is(c, j + 1, "dem"))
		return 0;
	k->d = (int)c->t[j].val;
	if (k->d < 1 || k->d > 31)
		return 0;
	k->m = 0;
	if ((tail = date_tail(c, j + 1, k)) < 0 || k->y || k->y_rel)
		return 0;
	if (w_is(c, j + 1 + (size_t)tail, "hang") || w_is(c, j + 1 + (size_t)tail, "moi"))
		return 0; /* "ngay 10 hang thang": every month, not one day */
	k->kind = DATETIME_VI_SCAN_DATE;
	return j + 1 - i + (size_t)tail;
}

/* "ngay dau tien cua thang 3", "ngay cuoi cung cua thang nay", "ngay
 * cuoi thang chap": the first or the last day of a month. */
static size_t m_edge_day(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	size_t j = i + 2, u;
	int tail;

	if (!w_is(c, i, "ngay"))
		return 0;
	if (w_is(c, i + 1, "dau"))
		k->d = 1;
	else if (w_is(c, i + 1, "cuoi"))
		k->d = -1;
	else
		return 0;
	if (w_is(c, j, k->d == 1 ? "tien" : "cung"))
		j++;
	if (w_is(c, j, "cua"))
		j++;
	if (!(u = month_after(c, j, k)))
		return 0;
	j += u;
	if ((tail = date_tail(c, j, k)) < 0)
		return 0;
	k->kind = DATETIME_VI_SCAN_DATE;
	return j - i + (size_t)tail;
}

/* "ram thang 11 [am lich]", "ngay ram", "ram am lich": day 15 of a lunar
 * month. A bare "ram" must sit where a day does (after ngay, hom, vao,
 * den, toi, hen, or before a month or the marker). */
static size_t m_ram(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	static const char *const before[] = { "ngay", "hom", "vao", "den", "toi", "hen", "sau",
					      "truoc", "dip", NULL };
	size_t at = i + (w_is(c, i, "ngay") && w_is(c, i + 1, "ram")), j = at + 1, u;
	int tail;

	if (!w_is(c, at, "ram") || glued_alnum_after(c, at))
		return 0;
	k->d = 15;
	k->cal = DATETIME_VI_SCAN_LUNAR_WORD;
	if ((u = month_after(c, j, k)))
		j += u;
	else if (!prev_in(c, at, before) && !lunar_marker(c, j))
		return 0;
	if ((tail = date_tail(c, j, k)) < 0)
		return 0;
	k->kind = DATETIME_VI_SCAN_DATE;
	return j - i + (size_t)tail;
}

/* Nothing but punctuation or a closing particle at i: the clause ends. */
static int clause_ends(const struct ctx *c, size_t i)
{
	static const char *const particles[] = { "nhe", "nha", "nhen", "nghen", "a", "nhe", "di",
						 "duoc", "khong", "ha", "nhi", NULL };

	return i >= c->n || c->t[i].kind == VITOK_PUNCT || w_in(c, i, particles);
}

static size_t m_relday(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	size_t used = 0;

	k->kind = DATETIME_VI_SCAN_REL;
	if ((w_is(c, i, "hom") || w_is(c, i, "bua")) && w_is(c, i + 1, "nay")) {
		k->rel = 0;
		used = 2;
	} else if (w_is(c, i, "nay") && (i == 0 || prev_in(c, i, w_part))) {
		/* "nay" alone is "this" (nam nay, cai nay) except first or
		 * after a part of day (toi nay) */
		k->rel = 0;
		used = 1;
	} else if (w_is(c, i, "ngay") && w_is(c, i + 1, "mai")) {
		k->rel = 1;
		used = 2;
	} else if (w_is(c, i, "mai") && (prev_in(c, i, w_part) || !prev_in(c, i, w_name_before_mai)) &&
		   !w_is(c, i + 1, "mot") && !w_is(c, i + 1, "kia") && !w_is(c, i + 1, "sau") &&
		   !w_is(c, i + 1, "mai") && !glued_alnum_after(c, i)) {
		k->rel = 1;
		used = 1;
	} else if ((w_is(c, i, "ngay") || w_is(c, i, "bua")) && w_is(c, i + 1, "kia")) {
		k->rel = 2;
		used = 2;
	} else if ((w_is(c, i, "ngay") || w_is(c, i, "bua")) && w_is(c, i + 1, "mot") &&
		   !w_is(c, i + 2, "ngay")) {
		k->rel = 2;
		used = 2;
	} else if (w_is(c, i, "mot") &&
		   (prev_in(c, i, w_part) ||
		    (i == 0 && (i + 1 >= c->n || n_is(c, i + 1, 2) || w_in(c, i + 1, w_part))) ||
		    (prev_in(c, i, w_mot_before) && clause_ends(c, i + 1)))) {
		/* "mot" is mostly "one": only "sang mot", opening the text, or
		 * ending a clause after a verb of coming ("doi hen qua mot") */
		k->rel = 2;
		used = 1;
	}
	if (!used)
		k->kind = 0;
	return used;
}

/* A weekday name at j: its day (0 = Sunday) and tokens in *len, or -1. */
static int weekday_at(const struct ctx *c, size_t j, size_t *len)
{
	static const char *const names[] = { "hai", "ba", "tu", "nam", "sau", "bay", NULL };
	int k;

	if (w_is(c, j, "thu")) {
		if (prev_in(c, j, w_ordinal))
			return -1;
		if (n_is(c, j + 1, 1) && c->t[j + 1].val >= 2 && c->t[j + 1].val <= 7 &&
		    !glued_alnum_after(c, j + 1) && !(p_in(c, j + 2, "/-.") && glued(c, j + 2))) {
			*len = 2;
			return (int)c->t[j + 1].val - 1;
		}
		k = w_idx(c, j + 1, names);
		if (k < 0 || (k == 2 && w_is(c, j + 2, "uu"))) /* "thu tu uu tien": order */
			return -1;
		*len = 2;
		return k + 1;
	}
	if (w_is(c, j, "t") && glued(c, j + 1) && n_is(c, j + 1, 1) && c->t[j + 1].val >= 2 &&
	    c->t[j + 1].val <= 7 && !(glued(c, j) && c->t[j - 1].kind != VITOK_PUNCT) &&
	    !glued_alnum_after(c, j + 1) && !(p_in(c, j + 2, "/-.") && glued(c, j + 2))) {
		*len = 2;
		return (int)c->t[j + 1].val - 1;
	}
	if (w_is(c, j, "chu") && w_is(c, j + 1, "nhat")) {
		*len = 2;
		return 0;
	}
	if ((w_is(c, j, "cn") || w_is(c, j, "chunhat")) &&
	    !(glued(c, j) && c->t[j - 1].kind != VITOK_PUNCT) && !glued_alnum_after(c, j)) {
		*len = 1;
		return 0;
	}
	return -1;
}

static int week_word(const struct ctx *c, size_t i)
{
	if (w_is(c, i, "sau") || w_is(c, i, "toi"))
		return DATETIME_VI_SCAN_WEEK_NEXT;
	if (w_is(c, i, "nay"))
		return DATETIME_VI_SCAN_WEEK_THIS;
	if (w_is(c, i, "truoc"))
		return DATETIME_VI_SCAN_WEEK_LAST;
	return -1;
}

/* "thu 4", "t4", "chu nhat", with "tuan sau/toi/nay/truoc" before or
 * after, or "toi"/"nay" after. */
static size_t m_weekday(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	size_t j = i, len = 0, e;
	int wd, week = DATETIME_VI_SCAN_WEEK_PLAIN, pre = -1;

	if (w_is(c, i, "tuan") && (pre = week_word(c, i + 1)) >= 0) {
		j = i + 2;
		if (pre == DATETIME_VI_SCAN_WEEK_NEXT && w_is(c, j, "nua")) {
			pre = DATETIME_VI_SCAN_WEEK_AFTER; /* "tuan sau nua" */
			j++;
		}
		/* "tuan sau nhe, thu ba": a particle or a comma between */
		for (int f = 0; f < 2 && (p_in(c, j, ",.;") || w_in(c, j, w_week_fill)); f++)
			j++;
	}
	if ((wd = weekday_at(c, j, &len)) < 0)
		return 0;
	e = j + len;
	if (pre >= 0) {
		week = pre;
	} else if (w_is(c, e, "tuan") && week_word(c, e + 1) >= 0) {
		week = week_word(c, e + 1);
		e += 2;
		if (week == DATETIME_VI_SCAN_WEEK_NEXT && w_is(c, e, "nua")) {
			week = DATETIME_VI_SCAN_WEEK_AFTER;
			e++;
		}
	} else if (w_is(c, e, "toi") && !n_is(c, e + 1, 2)) {
		/* "thu 7 toi" is the coming Saturday; "thu 7 toi 8h" an evening */
		week = DATETIME_VI_SCAN_WEEK_COMING;
		e++;
	} else if (w_is(c, e, "nay")) {
		week = DATETIME_VI_SCAN_WEEK_THIS;
		e++;
	}
	k->kind = DATETIME_VI_SCAN_WDAY;
	k->wday = wd;
	k->week = week;
	return e - i;
}

/* A time at i: "8h", "8h30", "8g30", "8 gio [30|ruoi|kem 15]", "14:30",
 * "luc 8", with an own part of day after it. */
static size_t m_time(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	size_t j = i, e;
	int prefixed = 0, h, mi = 0, spaced_gio;

	if (w_is(c, j, "vao") && w_is(c, j + 1, "luc"))
		j++;
	if (w_is(c, j, "luc")) {
		prefixed = 1;
		j++;
	}
	if (!n_is(c, j, 2) || !num_starts(c, j))
		return 0;
	if (!prefixed && j > c->taken && prev_in(c, j, w_duration))
		return 0; /* "thu sau 8h" is Friday, "sau 8 gio" a delay */
	h = (int)c->t[j].val;
	e = j + 1;
	if ((w_is(c, e, "tieng") || w_is(c, e, "gio") || w_is(c, e, "h") || w_is(c, e, "phut")) &&
	    w_is(c, e + 1, "nua") && h > 0) { /* "hai tieng nua": counted from the arrival */
		k->kind = DATETIME_VI_SCAN_TIME;
		k->after_min = w_is(c, e, "phut") ? h : h * 60;
		return e + 2 - i;
	}
	/* "3 tieng chieu": tieng for gio, when a part of the day or "luc" says so */
	spaced_gio = w_is(c, e, "gio") || (w_is(c, e, "h") && !glued(c, e)) ||
		     (w_is(c, e, "tieng") && (prefixed || part_of(c, e + 1) ||
					     (w_is(c, e + 1, "buoi") && part_of(c, e + 2))));
	if (w_is(c, e, "ruoi") && h >= 1 && h <= 12 && (prefixed || part_of(c, e + 1))) {
		mi = 30; /* "7 ruoi sang": the half hour, "gio" left unsaid */
		e++;
	} else if (p_is(c, e, ':') && glued(c, e) && glued(c, e + 1) && n_is(c, e + 1, 2) &&
		   c->t[e + 1].ndig == 2) {
		mi = (int)c->t[e + 1].val;
		e += 2;
		if (p_is(c, e, ':') && glued(c, e) && glued(c, e + 1) && n_is(c, e + 1, 2))
			e += 2; /* seconds */
		if (h > 23 || mi > 59)
			k->err = "impossible time";
	} else if ((glued(c, e) && (w_is(c, e, "h") || w_is(c, e, "g") || w_is(c, e, "gio"))) ||
		   spaced_gio) {
		int minute_glued = glued(c, e + 1) && !spaced_gio;

		e++;
		if (h > 23)
			return 0; /* "48h": hours of work, not a clock */
		if (minute_glued && n_is(c, e, 2)) {
			mi = (int)c->t[e].val;
			e++;
			if (glued(c, e) && (w_is(c, e, "p") || w_is(c, e, "ph") || w_is(c, e, "phut")))
				e++;
			else if (glued(c, e) && p_is(c, e, '\''))
				e++;
		} else if (minute_glued && c->t[e].kind != VITOK_PUNCT) {
			return 0; /* "8hx", "8h300": not a time */
		} else if (w_is(c, e, "ruoi")) {
			mi = 30;
			e++;
		} else if (w_is(c, e, "kem") && n_is(c, e + 1, 2)) {
			mi = 60 - (int)c->t[e + 1].val;
			h = h == 0 ? 23 : h - 1;
			e += 2;
			if (w_is(c, e, "phut") || w_is(c, e, "p"))
				e++;
			if (mi < 1 || mi > 59)
				k->err = "impossible time";
		} else if (n_is(c, e, 2) && !glued_alnum_after(c, e) &&
			   (w_is(c, e + 1, "phut") || w_is(c, e + 1, "p") ||
			    (c->t[e].ndig == 2 && !w_in(c, e + 1, w_unit)))) {
			mi = (int)c->t[e].val;
			e++;
			if (w_is(c, e, "phut") || w_is(c, e, "p"))
				e++;
		}
		if (mi > 59)
			k->err = "impossible time";
	} else if (prefixed && p_is(c, e, '.') && glued(c, e) && glued(c, e + 1) &&
		   n_is(c, e + 1, 2) && c->t[e + 1].ndig == 2 && !glued_alnum_after(c, e + 1)) {
		/* "luc 8.30" */
		mi = (int)c->t[e + 1].val;
		e += 2;
		if (h > 23)
			return 0;
		if (mi > 59)
			k->err = "impossible time";
	} else if (prefixed && !glued_alnum_after(c, j) &&
		   !(p_in(c, e, "/-.,") && glued(c, e) && glued(c, e + 1)) && !w_in(c, e, w_unit)) {
		if (h > 23)
			return 0;
	} else {
		return 0;
	}
	/* "8h/ngay", "8 gio moi ngay": working hours, not an appointment */
	if (p_is(c, e, '/') ||
	    ((w_is(c, e, "moi") || w_is(c, e, "mot") || n_is(c, e, 1)) &&
	     (w_is(c, e + 1, "ngay") || w_is(c, e + 1, "tuan") || w_is(c, e + 1, "thang"))))
		return 0;
	if (w_is(c, e, "buoi") && part_of(c, e + 1)) {
		k->part = part_of(c, e + 1);
		e += 2;
	} else if (part_of(c, e)) {
		k->part = part_of(c, e);
		e++;
	}
	k->kind = DATETIME_VI_SCAN_TIME;
	k->hour = h;
	k->minute = mi;
	return e - i;
}

/* A time starts at j: "8h", "8 gio", "14:30". */
static int time_at(const struct ctx *c, size_t j)
{
	return n_is(c, j, 2) && (w_is(c, j + 1, "h") || w_is(c, j + 1, "g") || w_is(c, j + 1, "gio") ||
				 (p_is(c, j + 1, ':') && glued(c, j + 1)));
}

/* A day word, weekday, date or time starts at j. */
static int dayish_at(const struct ctx *c, size_t j)
{
	static const char *const days[] = { "nay", "mai", "mot", "kia", "hom", "bua", "ngay",
					   "mung", "tuan", NULL };
	size_t len;

	if (w_in(c, j, days) || weekday_at(c, j, &len) >= 0 || time_at(c, j) || w_is(c, j, "luc"))
		return 1;
	return n_is(c, j, 2) && ((p_in(c, j + 1, "/-.") && glued(c, j + 1)) || w_is(c, j + 1, "thang"));
}

/* A part-of-day word standing for itself. "sang"/"chieu" are also verbs
 * and nouns (sang nha, chieu cao); "toi"/"dem" are also "I"/"bring", so
 * those two count only before a day word or after "buoi". */
static size_t m_part(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	size_t j = i;
	int p, ok;

	if (w_is(c, i, "buoi") && part_of(c, i + 1))
		j = i + 1;
	if (!(p = part_of(c, j)))
		return 0;
	ok = j > i || (dayish_at(c, j + 1) &&
		       !(p == DATETIME_VI_PART_MORNING && prev_in(c, j, w_sang_before)));
	if (!ok && p == DATETIME_VI_PART_MORNING)
		ok = !w_in(c, j + 1, w_sang_after) && !prev_in(c, j, w_sang_before);
	else if (!ok && p == DATETIME_VI_PART_AFTERNOON)
		ok = !w_in(c, j + 1, w_chieu_after) && !prev_in(c, j, w_chieu_before);
	else if (!ok && p == DATETIME_VI_PART_NOON)
		ok = 1;
	if (!ok || glued_alnum_after(c, j) || (glued(c, j) && c->t[j - 1].kind != VITOK_PUNCT))
		return 0;
	k->kind = DATETIME_VI_SCAN_PART;
	k->part = p;
	return j + 1 - i;
}

typedef size_t (*matcher_fn)(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k);

/* Try each matcher at token i on a clean candidate (a failed matcher may
 * have filled fields before giving up). */
static size_t match_at(const struct ctx *c, size_t i, struct datetime_vi_scan_cand *k)
{
	static const matcher_fn order[] = {
		m_edge_day, m_ngay, m_ram, m_relday, m_weekday, m_numdate, m_thangdate, m_time, m_part
	};
	size_t u = 0;

	for (size_t f = 0; f < sizeof order / sizeof order[0] && !u; f++) {
		memset(k, 0, sizeof *k);
		u = order[f](c, i, k);
	}
	if (u) {
		k->first = i;
		k->last = i + u - 1;
	}
	return u;
}

/* ---- candidates ---- */

size_t datetime_vi_scan(const char *s, const struct vitok *t, size_t n,
			struct datetime_vi_scan_cand *cs, size_t max)
{
	struct ctx c = { s, t, n, 0 };
	size_t nc = 0;

	for (size_t i = 0; i < n && nc < max;) {
		size_t u;

		memset(&cs[nc], 0, sizeof cs[nc]);
		if ((u = match_at(&c, i, &cs[nc]))) {
			nc++;
			i += u;
			c.taken = i;
		} else {
			i++;
		}
	}
	return nc;
}

int datetime_vi_scan_lunar_said(const char *s, const struct vitok *t, size_t n)
{
	struct ctx c = { s, t, n, 0 };

	for (size_t i = 0; i < n; i++) {
		/* a lone "am" is too common a word ("am ap", a.m.): only with "lich" */
		if (w_is(&c, i, "am") && !w_is(&c, i + 1, "lich"))
			continue;
		if (lunar_marker(&c, i))
			return 1;
	}
	return 0;
}

int datetime_vi_scan_new_year(const char *s, const struct vitok *t, size_t n)
{
	struct ctx c = { s, t, n, 0 };

	for (size_t i = 0; i < n; i++)
		if (w_is(&c, i, "tet") || w_is(&c, i, "gieng"))
			return 1;
	return 0;
}

int datetime_vi_scan_adjacent(const char *s, const struct vitok *t, size_t n,
			      const struct datetime_vi_scan_cand *a,
			      const struct datetime_vi_scan_cand *b)
{
	const struct datetime_vi_scan_cand *x = a->first < b->first ? a : b, *y = x == a ? b : a;
	struct ctx c = { s, t, n, 0 };

	if (y->first <= x->last || y->first - x->last - 1 > 3)
		return 0;
	for (size_t i = x->last + 1; i < y->first; i++)
		if (t[i].kind != VITOK_PUNCT && !w_in(&c, i, w_gap))
			return 0;
	return 1;
}
