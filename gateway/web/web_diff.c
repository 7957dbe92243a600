#include "gateway/web/web_diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "gateway/web/web_html.h"

struct tok {
	const char *s;
	size_t n;
};

/* Words and runs of blanks, alternately; *n tokens (at most max). */
static int tokenize(const char *s, struct tok *out, size_t max, size_t *n)
{
	size_t k = 0;

	while (*s) {
		int blank = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
		size_t len = blank ? strspn(s, " \n\t\r") : strcspn(s, " \n\t\r");

		if (k == max)
			return GW_ERR_TOOBIG;
		out[k].s = s;
		out[k].n = len;
		k++;
		s += len;
	}
	*n = k;
	return 0;
}

static int same(const struct tok *a, const struct tok *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

static int emit(struct buf *out, const char *tag, const struct tok *t, size_t from, size_t to)
{
	struct buf piece;
	int r = 0;

	if (from >= to)
		return 0;
	buf_init(&piece, BUF_CAP_DEFAULT * 16);
	for (size_t i = from; i < to && r == 0; i++)
		r = buf_add(&piece, t[i].s, t[i].n);
	if (r == 0)
		r = tag ? web_h(out, "<%.*s>%s</%.*s>", WEB_RAW, tag, piece.data,
				WEB_RAW, tag) : web_html_esc(out, piece.data);
	buf_release(&piece);
	return r;
}

int web_diff_words(const char *a, const char *b, struct buf *out)
{
	struct tok *ta = malloc(sizeof(*ta) * WEB_DIFF_TOKENS_MAX);
	struct tok *tb = malloc(sizeof(*tb) * WEB_DIFF_TOKENS_MAX);
	uint16_t *len = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0, w;
	int r = GW_ERR_NOMEM;

	if (!ta || !tb)
		goto out;
	if (tokenize(a, ta, WEB_DIFF_TOKENS_MAX, &na) < 0 || tokenize(b, tb, WEB_DIFF_TOKENS_MAX, &nb) < 0) {
		r = web_h(out, "%.*s%s%.*s%.*s%s%.*s", WEB_RAW, *a ? "<del>" : "", a,
			  WEB_RAW, *a ? "</del>" : "", WEB_RAW, *b ? "<ins>" : "", b,
			  WEB_RAW, *b ? "</ins>" : "");
		goto out;
	}
	/* len[i][j]: common subsequence of a[i..] and b[j..] */
	w = nb + 1;
	if (!(len = calloc((na + 1) * w, sizeof(*len))))
		goto out;
	for (size_t x = na; x-- > 0;)
		for (size_t y = nb; y-- > 0;)
			len[x * w + y] = same(&ta[x], &tb[y]) ? (uint16_t)(len[(x + 1) * w + y + 1] + 1)
				: len[(x + 1) * w + y] > len[x * w + y + 1] ? len[(x + 1) * w + y]
									       : len[x * w + y + 1];
	r = 0;
	while (r == 0 && (i < na || j < nb)) {
		size_t i0 = i, j0 = j;

		if (i < na && j < nb && same(&ta[i], &tb[j])) {
			while (i < na && j < nb && same(&ta[i], &tb[j]))
				i++, j++;
			r = emit(out, NULL, ta, i0, i);
			continue;
		}
		while (i < na && (j == nb || len[(i + 1) * w + j] >= len[i * w + j + 1]) &&
		       !(j < nb && same(&ta[i], &tb[j])))
			i++;
		while (j < nb && (i == na || len[i * w + j + 1] > len[(i + 1) * w + j]) &&
		       !(i < na && same(&ta[i], &tb[j])))
			j++;
		if (i == i0 && j == j0) { /* cannot happen; never loop forever */
			if (i < na)
				i++;
			else
				j++;
		}
		if ((r = emit(out, "del", ta, i0, i)) == 0)
			r = emit(out, "ins", tb, j0, j);
	}
out:
	free(ta);
	free(tb);
	free(len);
	return r;
}
