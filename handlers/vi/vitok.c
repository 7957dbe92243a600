/* vitok.c - see vitok.h. */
#include "handlers/vi/vitok.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/textfold.h"

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_alpha(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

size_t vitok_lex(const char *s, size_t len, struct vitok *t)
{
	size_t i = 0, n = 0;
	int space = 1;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t j = i + 1;
		int kind = VITOK_PUNCT;

		if (is_space(c)) {
			space = 1;
			i++;
			continue;
		}
		if (is_alpha(c)) {
			kind = VITOK_WORD;
			while (j < len && is_alpha((unsigned char)s[j]))
				j++;
		} else if (is_digit(c)) {
			kind = VITOK_NUM;
			while (j < len && is_digit((unsigned char)s[j]))
				j++;
		} else if (c >= 0x80) {
			while (j < len && (unsigned char)s[j] >= 0x80)
				j++;
		}
		if (t) {
			t[n].start = i;
			t[n].end = j;
			t[n].kind = kind;
			t[n].glued = !space && n > 0;
			t[n].ndig = kind == VITOK_NUM ? (int)(j - i) : 0;
			t[n].val = -1;
			if (kind == VITOK_NUM && j - i <= 9) {
				long v = 0;

				for (size_t k = i; k < j; k++)
					v = v * 10 + (s[k] - '0');
				t[n].val = v;
			}
		}
		n++;
		space = 0;
		i = j;
	}
	return n;
}

int vitok_split(const char *s, size_t len, struct vitok **out, size_t *n)
{
	struct vitok *t = NULL;
	size_t count = vitok_lex(s, len, NULL);
	int r = GW_ERR_NOMEM;

	if (count && !(t = calloc(count, sizeof(*t))))
		goto out;
	vitok_lex(s, len, t);
	*out = t;
	*n = count;
	r = 0;
out:
	return r;
}

int vitok_fold_split(const char *text, size_t max, struct buf *folded, struct vitok **out,
		     size_t *n)
{
	size_t len;
	int r = GW_ERR_TOOBIG;

	if ((len = strnlen(text, max + 1)) > max)
		goto out;
	if ((r = textfold_ascii(folded, text, len)) < 0)
		goto out;
	r = vitok_split(folded->data, folded->len, out, n);
out:
	return r;
}

int vitok_is_word(const struct vitok *t, const char *s, const char *w)
{
	size_t l = t->end - t->start;

	return t->kind == VITOK_WORD && strlen(w) == l && memcmp(s + t->start, w, l) == 0;
}

int vitok_is_punct_in(const struct vitok *t, const char *s, const char *set)
{
	return t->kind == VITOK_PUNCT && t->end - t->start == 1 && strchr(set, s[t->start]) != NULL;
}
