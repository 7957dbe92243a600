#include "handlers/core/reply.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/textfold.h"
#include "modem/modem.h"

#define REPLY_BODY_MAX (64 * 1024)
#define REPLY_SUFFIX_MAX 96

/* Characters our content uses that GSM-7 lacks, and their ASCII stand-ins. */
static const struct {
	const char *utf8;
	const char *ascii;
} plain_map[] = {
	{ "\xe2\x80\x93", "-" },   /* – en dash */
	{ "\xe2\x80\x94", "-" },   /* — em dash */
	{ "\xe2\x88\x92", "-" },   /* − minus */
	{ "\xe2\x89\xa4", "<=" },  /* ≤ */
	{ "\xe2\x89\xa5", ">=" },  /* ≥ */
	{ "\xe2\x80\xa6", "..." }, /* … */
	{ "\xe2\x80\x98", "'" },   /* ‘ */
	{ "\xe2\x80\x99", "'" },   /* ’ */
	{ "\xe2\x80\x9c", "\"" },  /* “ */
	{ "\xe2\x80\x9d", "\"" },  /* ” */
	{ "\xe2\x80\xa2", "-" },   /* • */
	{ "\xe2\x86\x92", "->" },  /* → */
	{ "\xc3\x97", "x" },       /* × */
	{ "\xc2\xa0", " " },       /* no-break space */
};

/* Counts reply_parts is sure of, far from the encoder's limits (50 parts,
 * 5000 septets): what a job list or a notice measures line by line. */
#define REPLY_SURE_PARTS_MAX 10

int reply_measure(const char *text, int *parts, int *ucs2)
{
	int n = 0;

	if (textfold_utf8_valid(text, strlen(text)) && reply_parts(text, &n) == 0 &&
	    n <= REPLY_SURE_PARTS_MAX) {
		*parts = n;
		*ucs2 = !modem_text_is_gsm7(text);
		return 0;
	}
	return modem_text_parts(text, parts, ucs2);
}

int reply_unaccent(const char *text, struct buf *out)
{
	struct buf stripped;
	int r;

	buf_init(&stripped, REPLY_BODY_MAX);
	if ((r = textfold_strip_marks(&stripped, text, strlen(text))) < 0)
		goto out;
	for (size_t i = 0; i < stripped.len && r == 0;) {
		size_t k, taken = 0;

		if (!((unsigned char)stripped.data[i] & 0x80)) { /* every mapped one starts >= 0x80 */
			while (i + taken < stripped.len && !((unsigned char)stripped.data[i + taken] & 0x80))
				taken++;
			r = buf_add(out, stripped.data + i, taken);
			i += taken;
			continue;
		}
		for (k = 0; k < sizeof(plain_map) / sizeof(plain_map[0]); k++) {
			size_t n = strlen(plain_map[k].utf8);

			if (i + n <= stripped.len && !memcmp(stripped.data + i, plain_map[k].utf8, n)) {
				r = buf_adds(out, plain_map[k].ascii);
				taken = n;
				break;
			}
		}
		if (!taken) {
			r = buf_addch(out, stripped.data[i]);
			taken = 1;
		}
		i += taken;
	}
out:
	buf_release(&stripped);
	return r;
}

/* What reply_parts counts, for body[0..i) as rendered (a section mark is
 * a space): characters, UTF-16 units, septets by reply_parts' rule, and
 * characters GSM-7 lacks. */
struct tally {
	uint32_t chars, units, septets, non_gsm;
};

struct pager {
	const char *body;
	size_t n;
	const struct reply_opts *o;
	struct buf cand;    /* scratch: the text being measured */
	struct tally *at;   /* at[i]: the counts of body[0..i); NULL: measure each candidate */
	char suffix[REPLY_SUFFIX_MAX]; /* the suffix whose counts are in suffix_t */
	struct tally suffix_t;
};

static int is_gap(char c)
{
	return c == ' ' || c == REPLY_SECTION || c == '\n';
}

/* body[from..to) as sent: section marks become spaces, trailing space trimmed. */
static int render(const struct pager *pg, size_t from, size_t to, struct buf *out)
{
	int r = 0;

	while (from < to && r == 0) {
		const char *mark = memchr(pg->body + from, REPLY_SECTION, to - from);
		size_t run = mark ? (size_t)(mark - pg->body) - from : to - from;

		if ((r = buf_add(out, pg->body + from, run)) == 0 && mark)
			r = buf_addch(out, ' ');
		from += run + (mark != NULL);
	}
	if (r == 0)
		buf_rtrim(out);
	return r;
}

/* Parts needed by n units at the given single-part and multipart sizes. */
static int parts_for(size_t n, size_t single, size_t multi)
{
	return n <= single ? 1 : (int)((n + multi - 1) / multi);
}

/* Septets of one GSM-7 character starting at p: 2 for the extension table's. */
static size_t septets_of(const unsigned char *p)
{
	return (*p && strchr("^{}\\[~]|", *p)) || (p[0] == 0xE2 && p[1] == 0x82 && p[2] == 0xAC) ? 2
													: 1;
}

/* Parts of GSM-7 text over 160 septets as libgammu splits it: as many
 * characters as fit in 153 septets a part, an escape pair never split
 * (checked against GSM_EncodeMultiPartSMS on 30,000 texts dense with
 * extension characters). */
static int gsm7_split(const char *text)
{
	size_t used = 0;
	int parts = 1;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		size_t cost;

		if ((*p & 0xC0) == 0x80)
			continue;
		cost = septets_of(p);
		if (used + cost > 153) {
			parts++;
			used = 0;
		}
		used += cost;
	}
	return parts;
}

/* Plain ASCII, the common case, in one pass: 1 septet, 2 for the
 * escaped ones, 0 for what GSM-7 lacks (modem_text_is_gsm7's table). */
static int ascii_septets(unsigned char c)
{
	switch (c) {
	case '\n': case '\r':
		return 1;
	case '\f': case '^': case '{': case '}': case '\\': case '[': case '~': case ']': case '|':
		return 2;
	}
	return c >= 0x20 && c < 0x7F && c != '`';
}

void reply_size_of(const char *text, struct reply_size *out)
{
	const unsigned char *p = (const unsigned char *)text;

	memset(out, 0, sizeof(*out));
	out->gsm7 = out->valid = 1;
	for (; *p && *p < 0x80; p++) {
		int k = ascii_septets(*p);

		out->chars++;
		out->units++;
		/* counted as reply_parts always has: '\f' is never sent */
		out->septets += k == 2 && *p != '\f' ? 2 : 1;
		out->gsm7 = out->gsm7 && k > 0;
	}
	if (!*p)
		return;
	memset(out, 0, sizeof(*out));
	for (p = (const unsigned char *)text; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		out->chars++;
		out->units += *p >= 0xF0 ? 2 : 1;
		out->septets += septets_of(p);
	}
	out->gsm7 = modem_text_is_gsm7(text);
	out->valid = out->gsm7 || textfold_utf8_valid(text, strlen(text));
}

void reply_size_add(struct reply_size *sum, const struct reply_size *more)
{
	sum->chars += more->chars;
	sum->units += more->units;
	sum->septets += more->septets;
	sum->gsm7 = sum->gsm7 && more->gsm7;
	sum->valid = sum->valid && more->valid;
}

/* The fewest and the most parts a text of this size can take. The encoder
 * (modem_text_parts) is exact but costly: libgammu builds the whole
 * multipart message, and asks the time zone, for every count, and a page
 * is found by trying many lengths. Most counts are certain without it:
 * UCS-2 text of BMP characters takes 70 units in one part, else 67 a part;
 * GSM-7 text takes 160 septets in one part, else 153 a part, with at most
 * one septet lost at each part boundary when it has escaped characters (an
 * escape pair is never split), and UCS-2 with surrogate pairs likewise
 * loses at most one unit there. */
static void parts_range(const struct reply_size *s, int *lo, int *hi)
{
	size_t n = s->gsm7 ? s->septets : s->units, single = s->gsm7 ? 160 : 70, multi = s->gsm7 ? 153 : 67;

	*lo = parts_for(n, single, multi);
	/* without escapes (GSM-7) or surrogate pairs (UCS-2) nothing is lost */
	*hi = n <= single || (s->gsm7 ? s->septets == s->chars : s->units == s->chars)
		      ? *lo : parts_for(n + (size_t)*lo - 1, single, multi);
}

int reply_size_fits(const struct reply_size *s, int max_parts)
{
	int lo, hi;

	if (!s->valid || (s->gsm7 ? s->septets : s->units) > REPLY_SIZE_CERTAIN_MAX)
		return -1;
	parts_range(s, &lo, &hi);
	return hi <= max_parts ? 1 : lo > max_parts ? 0 : -1;
}

/* Only UCS-2 text whose size leaves two answers (a surrogate pair at a
 * part boundary) goes to the encoder. */
int reply_parts(const char *text, int *parts)
{
	struct reply_size s;
	int r = 0, lo, hi, ucs2 = 0, n = 0;

	reply_size_of(text, &s);
	parts_range(&s, &lo, &hi);
	if (lo == hi && (s.gsm7 || s.units == s.chars))
		n = lo;
	else if (s.gsm7) /* an escape pair at a part boundary: walk it */
		n = gsm7_split(text);
	if (!n && (r = modem_text_parts(text, &n, &ucs2)) < 0)
		goto out;
	*parts = n;
out:
	return r;
}

/* The counts of one character c[0..len). */
static void count_char(const char *c, size_t len, struct tally *t)
{
	const unsigned char *p = (const unsigned char *)c;
	char one[8] = { 0 };

	t->chars++;
	if (len == 1) { /* ASCII: counted as reply_size_of counts it */
		int k = ascii_septets(*p);

		t->units++;
		t->septets += k == 2 && *p != '\f' ? 2 : 1;
		t->non_gsm += k == 0;
		return;
	}
	memcpy(one, c, len < sizeof(one) - 1 ? len : sizeof(one) - 1);
	t->units += *p >= 0xF0 ? 2 : 1;
	t->septets += septets_of((const unsigned char *)one);
	t->non_gsm += !modem_text_is_gsm7(one);
}

static size_t char_len(const char *s, size_t left)
{
	size_t n = 1;

	while (n < left && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

/* at[] for the pager's body: once per page count, so that measuring a
 * candidate page is a subtraction instead of rendering it and scanning it
 * (the binary search of a long answer measured dozens of them). Left
 * NULL for a body that is not valid UTF-8: then every candidate is
 * measured as before. */
static void pager_count(struct pager *pg)
{
	struct tally t = { 0, 0, 0, 0 };

	if (!textfold_utf8_valid(pg->body, pg->n) || !(pg->at = malloc((pg->n + 1) * sizeof(*pg->at))))
		return;
	for (size_t i = 0; i < pg->n;) {
		size_t len = char_len(pg->body + i, pg->n - i);

		for (size_t k = 0; k < len; k++)
			pg->at[i + k] = t;
		count_char(pg->body[i] == REPLY_SECTION ? " " : pg->body + i, len, &t);
		i += len;
	}
	pg->at[pg->n] = t;
}

/* The counts of the candidate body[from..to) + suffix as rendered; 0, or
 * -1 when they cannot be had this way. */
static int candidate_counts(struct pager *pg, size_t from, size_t to, const char *suffix,
			    struct tally *out)
{
	const unsigned char *p;

	if (!pg->at)
		return -1;
	if (strcmp(pg->suffix, suffix) != 0) {
		if (gw_strlcpy(pg->suffix, suffix, sizeof(pg->suffix)) < 0)
			return -1;
		memset(&pg->suffix_t, 0, sizeof(pg->suffix_t));
		for (size_t i = 0, n = strlen(suffix); i < n;) {
			size_t len = char_len(suffix + i, n - i);

			count_char(suffix + i, len, &pg->suffix_t);
			i += len;
		}
	}
	/* render() trims the end: spaces, section marks, tabs, line breaks */
	while (to > from && (p = (const unsigned char *)pg->body + to - 1) &&
	       (*p == ' ' || *p == REPLY_SECTION || *p == '\t' || *p == '\n' || *p == '\r'))
		to--;
	out->chars = pg->at[to].chars - pg->at[from].chars + pg->suffix_t.chars;
	out->units = pg->at[to].units - pg->at[from].units + pg->suffix_t.units;
	out->septets = pg->at[to].septets - pg->at[from].septets + pg->suffix_t.septets;
	out->non_gsm = pg->at[to].non_gsm - pg->at[from].non_gsm + pg->suffix_t.non_gsm;
	return 0;
}

/* reply_parts' count from the counts alone; 0 when it would ask the encoder. */
static int parts_of(const struct tally *t)
{
	int lo, hi;

	if (t->non_gsm)
		return t->units == t->chars ? parts_for(t->units, 70, 67) : 0;
	lo = parts_for(t->septets, 160, 153);
	hi = t->septets <= 160 ? 1 : parts_for(t->septets + (size_t)lo - 1, 160, 153);
	return lo == hi ? lo : 0;
}

/* 1 when body[from..to) + suffix fits the budget, 0 when not, < 0 on error. */
static int fits(struct pager *pg, size_t from, size_t to, const char *suffix)
{
	struct tally t;
	int parts = 0, r;

	if (candidate_counts(pg, from, to, suffix, &t) == 0 && (parts = parts_of(&t)) > 0)
		return parts <= pg->o->max_parts;
	buf_reset(&pg->cand);
	if ((r = render(pg, from, to, &pg->cand)) < 0 || (r = buf_adds(&pg->cand, suffix)) < 0)
		return r == GW_ERR_TOOBIG ? 0 : r;
	r = reply_parts(pg->cand.data, &parts);
	if (r == GW_ERR_TOOBIG)
		return 0;
	if (r < 0)
		return r;
	return parts <= pg->o->max_parts;
}

static void make_suffix(const struct reply_opts *o, int next_page, char *suffix, size_t sz)
{
	struct buf b;
	int r;

	buf_init(&b, sz - 1);
	if (!o->more_cmd)
		r = buf_adds(&b, "..");
	else
		r = buf_addf(&b, " >%s: %s %d", o->more_word ? o->more_word : "Tiep", o->more_cmd,
			     next_page);
	if (r < 0 || gw_strlcpy(suffix, b.data, sz) < 0)
		suffix[0] = '\0';
	buf_release(&b);
}

/* The most bytes a page can hold: max_parts parts carry at most 160
 * characters each, and a character is at most 4 bytes. Text past this can
 * never fit, so a page is looked for within it: the work of a page does
 * not grow with the length of the whole body. */
static size_t page_bytes_max(const struct pager *pg)
{
	return (size_t)pg->o->max_parts * 160 * 4;
}

/* The longest prefix of one over-long word (from a character boundary to a
 * character boundary) that fits with suffix; at least one character. */
static int cut_word(struct pager *pg, size_t from, const char *suffix, size_t *end)
{
	size_t lo = from, hi = from, i;
	int r;

	while (hi < pg->n && hi - from < page_bytes_max(pg) && !is_gap(pg->body[hi]))
		hi++;
	i = from + 1;
	while (i < hi && ((unsigned char)pg->body[i] & 0xC0) == 0x80)
		i++;
	*end = i; /* one character, whatever happens: always make progress */
	while (lo < hi) { /* binary search over byte offsets, snapped to boundaries */
		size_t mid = lo + (hi - lo + 1) / 2;

		while (mid > from && mid < hi && ((unsigned char)pg->body[mid] & 0xC0) == 0x80)
			mid--;
		if (mid <= lo)
			break;
		if ((r = fits(pg, from, mid, suffix)) < 0)
			return r;
		if (r) {
			lo = mid;
			if (mid > *end)
				*end = mid;
		} else {
			hi = mid - 1;
			while (hi > from && ((unsigned char)pg->body[hi] & 0xC0) == 0x80)
				hi--;
		}
	}
	return 0;
}

/* Where the page starting at from ends; *last when it holds the rest. */
static int page_end(struct pager *pg, size_t from, int page_no, size_t *end, int *last)
{
	char suffix[REPLY_SUFFIX_MAX];
	size_t *ends = NULL, nends = 0, e, limit = pg->n;
	int r, lo, hi, best = -1;

	if (pg->n - from <= page_bytes_max(pg) && (r = fits(pg, from, pg->n, "")) != 0) {
		*end = pg->n;
		*last = 1;
		return r < 0 ? r : 0;
	}
	*last = 0;
	make_suffix(pg->o, page_no + 1, suffix, sizeof(suffix));
	if (limit - from > page_bytes_max(pg))
		limit = from + page_bytes_max(pg);
	if (!(ends = malloc(sizeof(*ends) * (limit - from + 1))))
		return GW_ERR_NOMEM;
	for (e = from + 1; e <= limit; e++)
		if ((e == pg->n || is_gap(pg->body[e])) && !is_gap(pg->body[e - 1]))
			ends[nends++] = e;
	lo = 0;
	hi = (int)nends - 1;
	while (lo <= hi) { /* fitting is monotonic in length: binary search */
		int mid = lo + (hi - lo) / 2;

		if ((r = fits(pg, from, ends[mid], suffix)) < 0)
			goto out;
		if (r) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (best < 0) {
		r = cut_word(pg, from, suffix, end);
		goto out;
	}
	e = ends[best];
	/* A section that would be cut here starts the next page instead. */
	for (size_t f = e; f > from; f--) {
		if (pg->body[f - 1] != REPLY_SECTION)
			continue;
		{
			size_t g = f;

			while (g < pg->n && pg->body[g] != REPLY_SECTION)
				g++;
			if (e < g)
				e = f - 1;
		}
		break;
	}
	while (e > from && is_gap(pg->body[e - 1]))
		e--;
	*end = e > from ? e : ends[best];
	r = 0;
out:
	free(ends);
	return r;
}

/* Every page of body in one pass, each rendered as sent (with the "more"
 * suffix) and handed to fn; at most max_pages (<= 0: all), *pages = how
 * many there are, or max_pages + 1 when there are more. */
static int paginate(const char *body, const struct reply_opts *o, int max_pages, reply_page_fn fn,
		    void *cls, int *pages)
{
	struct pager pg = { body, strlen(body), o, { 0 }, NULL, "", { 0, 0, 0, 0 } };
	struct buf text;
	size_t from = 0;
	int count = 0, r = 0;

	buf_init(&pg.cand, REPLY_BODY_MAX);
	pager_count(&pg);
	buf_init(&text, REPLY_BODY_MAX);
	while (from < pg.n) {
		char suffix[REPLY_SUFFIX_MAX];
		size_t end = pg.n;
		int last = 0;

		while (from < pg.n && is_gap(body[from]))
			from++;
		if (from >= pg.n)
			break;
		if (max_pages > 0 && count == max_pages) { /* there is more: say so, stop */
			count++;
			break;
		}
		count++;
		if ((r = page_end(&pg, from, count, &end, &last)) < 0)
			goto out;
		buf_reset(&text);
		make_suffix(o, count + 1, suffix, sizeof(suffix));
		if ((r = render(&pg, from, end, &text)) < 0 || (!last && (r = buf_adds(&text, suffix)) < 0) ||
		    (fn && (r = fn(cls, count, text.data)) < 0))
			goto out;
		if (!o->more_cmd) /* no paging: one page, cut */
			break;
		from = end;
	}
	*pages = count;
out:
	buf_release(&pg.cand);
	free(pg.at);
	buf_release(&text);
	return r;
}

/* *whole = 1 when body, sections rendered, fits the budget in one page. */
static int fits_whole(const char *body, const struct reply_opts *o, int *whole)
{
	struct pager pg = { body, strlen(body), o, { 0 }, NULL, "", { 0, 0, 0, 0 } };
	int r = 0;

	*whole = 0;
	if (pg.n > page_bytes_max(&pg)) /* can never fit: no need to render it */
		return 0;
	buf_init(&pg.cand, REPLY_BODY_MAX);
	r = fits(&pg, 0, pg.n, "");
	buf_release(&pg.cand);
	if (r < 0)
		return r;
	*whole = r;
	return 0;
}

struct one_page {
	int want;
	struct buf *out;
	int found;
};

static int keep_page(void *cls, int page, const char *text)
{
	struct one_page *o = cls;

	if (page != o->want)
		return 0;
	o->found = 1;
	return buf_adds(o->out, text);
}

static int count_pages(const char *body, const struct reply_opts *o, int *pages)
{
	return paginate(body, o, 0, NULL, NULL, pages);
}

/* The text to page: body, or its unaccented form (plain) when the reader,
 * the setting or the page count says so (reply.h). */
static int choose(const char *body, const struct reply_opts *o, struct buf *plain, const char **chosen)
{
	const char *mode = o->diacritics ? o->diacritics : "auto";
	int r;

	*chosen = body;
	if ((r = reply_unaccent(body, plain)) < 0)
		return r;
	if (o->unaccented || strcmp(mode, "never") == 0) {
		*chosen = plain->data;
	} else if (strcmp(mode, "auto") == 0 && textfold_has_non_ascii(body)) {
		int accented = 0, unaccented = 0, whole = 0;

		/* An unaccented answer that needs fewer pages is cheaper: use it.
		 * Without paging the one page is cut: the accented form (70
		 * characters a part, not 160) goes only when it is sent whole,
		 * never when it would drop what the unaccented one says. */
		if (!o->more_cmd) {
			if ((r = fits_whole(body, o, &whole)) < 0)
				return r;
			if (!whole)
				*chosen = plain->data;
		} else {
			if ((r = count_pages(body, o, &accented)) < 0)
				return r;
			if (accented > 1) {
				if ((r = count_pages(plain->data, o, &unaccented)) < 0)
					return r;
				if (unaccented < accented)
					*chosen = plain->data;
			}
		}
	}
	return 0;
}

int reply_pages(const char *body, const struct reply_opts *opts, int max_pages, reply_page_fn fn,
		void *cls, int *pages)
{
	struct reply_opts o = *opts;
	const char *chosen = body;
	struct buf plain;
	int r;

	buf_init(&plain, REPLY_BODY_MAX);
	if (o.max_parts < 1)
		o.max_parts = 1;
	if ((r = choose(body, &o, &plain, &chosen)) == 0)
		r = paginate(chosen, &o, max_pages, fn, cls, pages);
	buf_release(&plain);
	return r;
}

int reply_page(const char *body, const struct reply_opts *opts, int page, struct buf *out,
	       int *pages)
{
	struct one_page one = { page, out, 0 };
	int r, np = 0;

	if ((r = reply_pages(body, opts, 0, keep_page, &one, &np)) < 0)
		return r;
	*pages = np;
	return one.found ? 0 : GW_ERR_NOTFOUND;
}

