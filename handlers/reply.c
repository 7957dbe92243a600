#include "reply.h"

#include <stdio.h>
#include <string.h>

#include "../common/gw_err.h"
#include "../modem/modem.h"
#include "textfold.h"

#define REPLY_BODY_MAX (64 * 1024)

int reply_measure(const char *text, int *parts, int *ucs2)
{
	return modem_text_parts(text, parts, ucs2);
}

static int fits(const char *text, int max_parts)
{
	int parts = 0, ucs2 = 0;

	return modem_text_parts(text, &parts, &ucs2) == 0 && parts <= max_parts;
}

/* Largest prefix of words[from..] (byte offsets) that fits with suffix. */
static int take_words(const char *body, size_t from, const char *suffix, int max_parts,
		      size_t *end_out)
{
	size_t lo_end = 0, pos = from, n = strlen(body);
	struct buf cand;
	int r = 0;

	buf_init(&cand, REPLY_BODY_MAX);
	while (pos < n) {
		size_t next = pos;

		while (next < n && body[next] == ' ')
			next++;
		while (next < n && body[next] != ' ')
			next++;
		buf_reset(&cand);
		if ((r = buf_add(&cand, body + from, next - from)) < 0 ||
		    (r = buf_adds(&cand, suffix)) < 0)
			break;
		if (!fits(cand.data, max_parts))
			break;
		lo_end = next;
		pos = next;
	}
	buf_release(&cand);
	if (r < 0)
		return r;
	if (!lo_end) /* not even one word fits: a pathological word; cut it by characters */
		return GW_ERR_TOOBIG;
	*end_out = lo_end;
	return 0;
}

static int paginate(const char *body, const struct reply_opts *o, int page, struct buf *out,
		    int *pages)
{
	size_t n = strlen(body), from = 0;
	int count = 0, r = 0;
	char suffix[96];

	while (from < n) {
		size_t end = n;

		while (from < n && body[from] == ' ')
			from++;
		if (from >= n)
			break;
		count++;
		if (!fits(body + from, o->max_parts)) {
			if (!o->more_cmd)
				snprintf(suffix, sizeof(suffix), "..");
			else
				snprintf(suffix, sizeof(suffix), " >%s %s %d",
					 o->more_word ? o->more_word : "Tiep", o->more_cmd, count + 1);
			if ((r = take_words(body, from, suffix, o->max_parts, &end)) < 0)
				return r;
			if (count == page) {
				if ((r = buf_add(out, body + from, end - from)) < 0 ||
				    (r = buf_adds(out, suffix)) < 0)
					return r;
			}
			if (!o->more_cmd) { /* no paging: one truncated page */
				from = n;
				break;
			}
		} else if (count == page) {
			if ((r = buf_adds(out, body + from)) < 0)
				return r;
		}
		from = end;
	}
	*pages = count;
	return page >= 1 && page <= count ? 0 : GW_ERR_NOTFOUND;
}

static int count_pages(const char *body, const struct reply_opts *o, int *pages)
{
	struct buf scratch;
	int r;

	buf_init(&scratch, REPLY_BODY_MAX);
	r = paginate(body, o, 0, &scratch, pages);
	buf_release(&scratch);
	return r == GW_ERR_NOTFOUND ? 0 : r;
}

int reply_page(const char *body, const struct reply_opts *opts, int page, struct buf *out,
	       int *pages)
{
	struct reply_opts o = *opts;
	const char *mode = o.diacritics ? o.diacritics : "auto";
	const char *chosen = body;
	struct buf plain, tmp;
	int r, np = 0;

	buf_init(&plain, REPLY_BODY_MAX);
	buf_init(&tmp, REPLY_BODY_MAX);
	if (o.max_parts < 1)
		o.max_parts = 1;
	if ((r = textfold_strip_marks(&plain, body, strlen(body))) < 0)
		goto out;
	if (o.unaccented || strcmp(mode, "never") == 0) {
		chosen = plain.data;
	} else if (strcmp(mode, "auto") == 0) {
		int accented = 0, unaccented = 0;

		/* an unaccented answer that needs fewer pages is cheaper: use it */
		if ((r = count_pages(body, &o, &accented)) < 0)
			goto out;
		if (accented > 1) {
			if ((r = count_pages(plain.data, &o, &unaccented)) < 0)
				goto out;
			if (unaccented < accented)
				chosen = plain.data;
		}
	}
	if ((r = paginate(chosen, &o, page, &tmp, &np)) < 0)
		goto out;
	if ((r = buf_add(out, tmp.data, tmp.len)) < 0)
		goto out;
	*pages = np;
out:
	buf_release(&plain);
	buf_release(&tmp);
	return r;
}
