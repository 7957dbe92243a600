/* numword_vi.c - see numword_vi.h. */
#include "handlers/vi/numword_vi.h"

#include <string.h>

#include "handlers/vi/datetime_vi_words.h"

/* After "gio": words that make "bay gio" / "sau gio" a clock, not "now". */
static const char *const w_clock_after[] = { "ruoi", "kem", "dung", "sang", "trua", "chieu",
					      "phut", "le", NULL }; /* not toi: "bay gio toi ..." */
/* Before a number: words that make it a day, a clock or a count of minutes. */
static const char *const w_day_before[] = { "ngay", "mung", "mong", "kem", "luc", NULL };
/* After "thang": what makes "N thang ..." a day of a month, not N months. */
static const char *const w_month_name[] = { "gieng", "chap", "mot", "hai", "ba", "tu", "nam",
					    "sau", "bay", "tam", "chin", "muoi", NULL };

static int is_word(const char *s, const struct vitok *t, size_t n, size_t i, const char *w)
{
	return i < n && vitok_is_word(&t[i], s, w);
}

static int in_list(const char *s, const struct vitok *t, size_t n, size_t i,
		   const char *const *list)
{
	for (; *list; list++)
		if (is_word(s, t, n, i, *list))
			return 1;
	return 0;
}

/* The unit a word names, or -1. after_ten: "tu" (4), "lam" (5) and "mot"
 * (1, mốt) are units only after a ten. */
static int unit_of(const char *s, const struct vitok *t, size_t n, size_t i, int after_ten)
{
	static const char *const units[] = { "mot", "hai", "ba", "bon", "nam", "sau", "bay", "tam",
					     "chin", NULL };

	for (int k = 0; units[k]; k++)
		if (is_word(s, t, n, i, units[k]))
			return k + 1;
	if (after_ten && is_word(s, t, n, i, "tu"))
		return 4;
	if (after_ten && is_word(s, t, n, i, "lam"))
		return 5;
	return -1;
}

int numword_vi_read(const char *s, const struct vitok *t, size_t n, size_t i, int *val,
		    size_t *len)
{
	size_t j = i;
	int v, u;

	if (is_word(s, t, n, j, "muoi")) {
		v = 10;
		j++;
	} else if ((v = unit_of(s, t, n, j, 0)) > 0) {
		j++;
		if (v >= 2 && is_word(s, t, n, j, "muoi")) { /* "hai muoi" */
			v *= 10;
			j++;
		} else if (v >= 2 && (is_word(s, t, n, j, "mot") || is_word(s, t, n, j, "tu") ||
				      is_word(s, t, n, j, "lam")) &&
			   !(j + 1 < n && t[j + 1].kind == VITOK_NUM) &&
			   unit_of(s, t, n, j + 1, 0) < 0) {
			/* "hai tu" (24), "ba mot" (31): the ten left unsaid; not
			 * "ngay hai tu 8h" (from 8 o'clock) */
			v *= 10;
		} else {
			goto done;
		}
	} else {
		return 0;
	}
	if ((u = unit_of(s, t, n, j, 1)) > 0) {
		v += u;
		j++;
	}
done:
	*val = v;
	*len = j - i;
	return 1;
}

/* Should the phrase t[i..i+len) with value v become a number? */
static int number_place(const char *s, const struct vitok *t, size_t n, size_t i, size_t len)
{
	size_t e = i + len;
	int single_common = len == 1 && (is_word(s, t, n, i, "bay") || is_word(s, t, n, i, "sau"));
	int prev_luc = i > 0 && (is_word(s, t, n, i - 1, "luc") || is_word(s, t, n, i - 1, "vao"));

	if (i > 0 && (is_word(s, t, n, i - 1, "thu") || is_word(s, t, n, i - 1, "thang")))
		return 0; /* weekday and month names are read by name */
	if (is_word(s, t, n, e, "gio") || is_word(s, t, n, e, "phut")) {
		/* "bay gio" is now, "sau gio lam" after work: a clock only when
		 * one is plainly meant */
		if (single_common && is_word(s, t, n, e, "gio"))
			return prev_luc || in_list(s, t, n, e + 1, w_clock_after) ||
			       (e + 1 < n && t[e + 1].kind == VITOK_NUM);
		return 1;
	}
	if (is_word(s, t, n, e, "tieng")) /* "ba tieng chieu" is 3 p.m., "ba tieng" a duration */
		return prev_luc || in_list(s, t, n, e + 1, datetime_vi_words_part) || is_word(s, t, n, e + 1, "nua");
	if (i > 0 && in_list(s, t, n, i - 1, w_day_before)) {
		if (is_word(s, t, n, i - 1, "ngay") && len == 1 && is_word(s, t, n, i, "mot") &&
		    !is_word(s, t, n, e, "thang") && !is_word(s, t, n, e, "tet"))
			return 0; /* "ngay mot" is ngày mốt */
		return 1;
	}
	/* minutes after a clock hour: "hai gio muoi lam" */
	if (i >= 2 && is_word(s, t, n, i - 1, "gio") && t[i - 2].kind == VITOK_NUM)
		return 1;
	/* "muoi lam thang chap": a day, then its month */
	return is_word(s, t, n, e, "thang") &&
	       ((e + 1 < n && t[e + 1].kind == VITOK_NUM) || in_list(s, t, n, e + 1, w_month_name));
}

size_t numword_vi_fold(const char *s, struct vitok *t, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = 0;
		int v = 0;

		if (t[i].kind != VITOK_WORD || !numword_vi_read(s, t, n, i, &v, &len) ||
		    !number_place(s, t, n, i, len)) {
			i++;
			continue;
		}
		t[i].kind = VITOK_NUM;
		t[i].val = v;
		t[i].ndig = v >= 10 ? 2 : 1;
		t[i].end = t[i + len - 1].end;
		if (len > 1)
			memmove(&t[i + 1], &t[i + len], (n - i - len) * sizeof(*t));
		n -= len - 1;
		i++;
	}
	return n;
}
