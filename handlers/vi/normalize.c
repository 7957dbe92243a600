#include "handlers/vi/normalize.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/gw_err.h"
#include "handlers/vi/syllable.h"
#include "handlers/vi/textfold.h"

/* Common English words (and the English command words), sorted. They
 * decide whether a message is English and are never decoded as Telex
 * ("does" is not "doé", "how" is not "hơ"). Words that are also everyday
 * Vietnamese once folded (the = thẻ, can = cần, no = nó, me = mẹ, do,
 * to, an, so, ban, con, may) are left out on purpose. */
static const char *const english[] = {
	"about", "any", "apply", "are", "at", "book", "broadcast", "cancel", "card", "check",
	"children", "commune", "confirm", "could", "does", "english", "factory", "family", "fee", "fees",
	"for", "free", "from", "get", "getting", "good", "have", "health", "hello", "help",
	"hi", "household", "how", "i", "if", "income", "info", "insurance", "is", "it", "job",
	"jobs", "know", "law", "loan", "loans", "meeting", "menu", "monday", "month", "move", "my",
	"near", "need", "new", "newjob", "now", "of", "officer", "or", "our", "people", "per", "person",
	"please", "pls", "policy", "poor", "reschedule", "school", "see", "show", "start", "stop",
	"subscribe", "support", "thank", "thanks", "there", "this", "unsubscribe", "us",
	"want", "was", "we", "what", "when", "where", "which", "who", "why", "will", "with",
	"work", "would", "yes", "you", "your",
};

/* Words never decoded or split although they look like leftovers:
 * programme codes and everyday loans ("eps" is not "ép", "alo" is not
 * "a lo"). */
static const char *const keep_words[] = {
	"alo", "eps", "ok", "oke", "okie", "zalo",
};

enum abbr_when {
	ABBR_ALWAYS,
	ABBR_NOT_AFTER_NUMBER, /* "k" = khong, but "50 k" is 50 thousand */
	ABBR_AFTER_NUMBER,     /* "6 tr" = 6 trieu; a lone "tr" stays */
	ABBR_CLAUSE_END,       /* "v" / "z" = vay only as the final particle */
};

static const struct abbr {
	const char *word;
	const char *expansion;
	enum abbr_when when;
} abbrs[] = { /* sorted by word */
	{ "bjo", "bay gio", ABBR_ALWAYS },
	{ "bn", "bao nhieu", ABBR_ALWAYS },
	{ "cty", "cong ty", ABBR_ALWAYS },
	{ "dc", "duoc", ABBR_ALWAYS },
	{ "dki", "dang ky", ABBR_ALWAYS },
	{ "dky", "dang ky", ABBR_ALWAYS },
	{ "dzay", "vay", ABBR_ALWAYS },
	{ "e", "em", ABBR_ALWAYS },
	{ "gd", "gia dinh", ABBR_ALWAYS },
	{ "hok", "khong", ABBR_ALWAYS },
	{ "hs", "hoc sinh", ABBR_ALWAYS },
	{ "j", "gi", ABBR_ALWAYS },
	{ "ji", "gi", ABBR_ALWAYS },
	{ "k", "khong", ABBR_NOT_AFTER_NUMBER },
	{ "kh", "khong", ABBR_ALWAYS },
	{ "khg", "khong", ABBR_ALWAYS },
	{ "ko", "khong", ABBR_ALWAYS },
	{ "lm", "lam", ABBR_ALWAYS },
	{ "mik", "minh", ABBR_ALWAYS },
	{ "mk", "minh", ABBR_ALWAYS },
	{ "ng", "nguoi", ABBR_ALWAYS },
	{ "nhiu", "nhieu", ABBR_ALWAYS },
	{ "ntn", "nhu the nao", ABBR_ALWAYS },
	{ "r", "roi", ABBR_NOT_AFTER_NUMBER },
	{ "sv", "sinh vien", ABBR_ALWAYS },
	{ "t", "toi", ABBR_NOT_AFTER_NUMBER },
	{ "tr", "trieu", ABBR_AFTER_NUMBER },
	{ "v", "vay", ABBR_CLAUSE_END },
	{ "vs", "voi", ABBR_ALWAYS },
	{ "wa", "qua", ABBR_ALWAYS },
	{ "xh", "xa hoi", ABBR_ALWAYS },
	{ "z", "vay", ABBR_CLAUSE_END },
	{ "zay", "vay", ABBR_ALWAYS },
};

enum tok_kind { TOK_END = 0, TOK_WORD, TOK_PUNCT };

struct tok {
	enum tok_kind kind;
	size_t off, len; /* in the folded text */
	int ascii;       /* word of [a-z0-9] and number joiners only */
};

/* What the whole message shows, decided before any word is rewritten. */
struct gate {
	int english;
	int telex; /* decode Telex leftovers */
	int vni;   /* decode VNI leftovers */
};

static int cmp_str(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(const char *const *)elem);
}

static int cmp_abbr(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct abbr *)elem)->word);
}

static int in_list(const char *w, size_t n, const char *const *list, size_t count)
{
	char key[24];

	if (n == 0 || n >= sizeof(key))
		return 0;
	memcpy(key, w, n);
	key[n] = '\0';
	return bsearch(key, list, count, sizeof(list[0]), cmp_str) != NULL;
}

static int is_english(const char *w, size_t n)
{
	return in_list(w, n, english, sizeof(english) / sizeof(english[0]));
}

static int is_kept(const char *w, size_t n)
{
	return is_english(w, n) || in_list(w, n, keep_words, sizeof(keep_words) / sizeof(keep_words[0]));
}

static const struct abbr *find_abbr(const char *w, size_t n)
{
	char key[8];

	if (n == 0 || n >= sizeof(key))
		return NULL;
	memcpy(key, w, n);
	key[n] = '\0';
	return bsearch(key, abbrs, sizeof(abbrs) / sizeof(abbrs[0]), sizeof(abbrs[0]), cmp_abbr);
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c);
}

/* Code point at s[i] (valid UTF-8: textfold wrote it), its length in *n. */
static utf8proc_int32_t cp_at(const char *s, size_t len, size_t i, size_t *n)
{
	utf8proc_int32_t cp = 0;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					      (utf8proc_ssize_t)(len - i), &cp);

	*n = k > 0 ? (size_t)k : 1;
	return k > 0 ? cp : -1;
}

enum cp_class { CP_SEP, CP_WORD, CP_PUNCT };

static enum cp_class classify_cp(utf8proc_int32_t cp)
{
	if (cp < 0)
		return CP_SEP;
	if (cp < 0x80) {
		if (is_alnum(cp))
			return CP_WORD;
		return cp <= ' ' || cp == 0x7f ? CP_SEP : CP_PUNCT;
	}
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return CP_WORD;
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
	case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN:
		return CP_SEP;
	default:
		return CP_PUNCT;
	}
}

/* The token starting at or after *pos. Inside a word, . , / : between two
 * digits and a % right after a digit belong to it ("1.5", "15/12", "30%"). */
static struct tok next_tok(const char *s, size_t len, size_t *pos)
{
	struct tok t = { TOK_END, 0, 0, 1 };
	size_t i = *pos, n;
	enum cp_class c = CP_SEP;

	while (i < len && (c = classify_cp(cp_at(s, len, i, &n))) == CP_SEP)
		i += n;
	if (i >= len) {
		*pos = len;
		return t;
	}
	t.off = i;
	if (c == CP_PUNCT) {
		t.kind = TOK_PUNCT;
		t.len = n;
		*pos = i + n;
		return t;
	}
	t.kind = TOK_WORD;
	while (i < len) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x80) {
			int prev_digit = i > t.off && is_digit(s[i - 1]);

			if (is_alnum(ch)) {
				i++;
				continue;
			}
			if (prev_digit && i + 1 < len && is_digit(s[i + 1]) &&
			    (ch == '.' || ch == ',' || ch == '/' || ch == ':')) {
				i++;
				continue;
			}
			if (prev_digit && ch == '%')
				i++;
			break;
		}
		if (classify_cp(cp_at(s, len, i, &n)) != CP_WORD)
			break;
		t.ascii = 0;
		i += n;
	}
	t.len = i - t.off;
	*pos = i;
	return t;
}

static int all_letters(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] < 'a' || w[i] > 'z')
			return 0;
	return n > 0;
}

/* Runs of 3+ equal letters become one ("nhieuuu"): nobody spells Vietnamese
 * or a Telex key that way, people stretch words for emphasis. */
static size_t squeeze(const char *w, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outsz; i++) {
		size_t run = 1;

		while (i + run < n && w[i + run] == w[i] && w[i] >= 'a' && w[i] <= 'z')
			run++;
		out[o++] = w[i];
		if (run >= 3)
			i += run - 1;
	}
	out[o] = '\0';
	return o;
}

static struct gate decide_gate(const char *s, size_t len)
{
	struct gate g = { 0, 0, 0 };
	size_t pos = 0;
	int words = 0, eng = 0, telex_strong = 0, telex_weak = 0, vni_strong = 0;
	struct tok t;

	while ((t = next_tok(s, len, &pos)).kind != TOK_END) {
		char w[SYLLABLE_WORD_MAX], dec[SYLLABLE_WORD_MAX];
		size_t n;
		int how = 0;

		if (t.kind != TOK_WORD || !t.ascii || t.len >= sizeof(w))
			continue;
		n = squeeze(s + t.off, t.len, w, sizeof(w));
		if (!is_digit(w[0]))
			words++;
		if (is_english(w, n)) {
			eng++;
			continue;
		}
		if (is_kept(w, n))
			continue;
		if (syllable_decode_telex(w, n, dec, sizeof(dec), &how) == 0) {
			telex_strong += how == SYLLABLE_STRONG;
			telex_weak += how == SYLLABLE_WEAK;
		}
		if (syllable_decode_vni(w, n, dec, sizeof(dec), &how) == 0)
			vni_strong += how == SYLLABLE_STRONG;
	}
	g.english = eng >= 2 && eng * 2 > words;
	g.telex = !g.english && (telex_strong >= 1 || telex_weak >= 2);
	g.vni = !g.english && vni_strong >= 1;
	return g;
}

static int is_number_tok(const char *s, struct tok t)
{
	return t.kind == TOK_WORD && is_digit((unsigned char)s[t.off]);
}

static int abbr_applies(const struct abbr *a, const char *s, struct tok prev, struct tok next)
{
	switch (a->when) {
	case ABBR_ALWAYS:
		return 1;
	case ABBR_NOT_AFTER_NUMBER:
		return !is_number_tok(s, prev);
	case ABBR_AFTER_NUMBER:
		return is_number_tok(s, prev);
	case ABBR_CLAUSE_END:
		return next.kind != TOK_WORD;
	}
	return 0;
}

/* Words are joined by one space; out may already hold text before start. */
struct sink {
	struct buf *b;
	size_t start;
};

static int emit(struct sink *out, const char *w, size_t n)
{
	int r = 0;

	if (out->b->len > out->start && (r = buf_addch(out->b, ' ')) < 0)
		return r;
	return buf_add(out->b, w, n);
}

/* NFC form of a word with non-ASCII letters (folding decomposed it). */
static int emit_nfc(struct sink *out, const char *w, size_t n)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &nfc,
					  (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
	int r = k >= 0 ? emit(out, (const char *)nfc, (size_t)k) : emit(out, w, n);

	free(nfc);
	return r;
}

static int emit_word(struct sink *out, const char *s, struct tok prev, struct tok t,
		     struct tok next, const struct gate *g)
{
	char w[SYLLABLE_WORD_MAX], dec[2 * SYLLABLE_WORD_MAX];
	const struct abbr *a;
	size_t n;
	int how;

	if (!t.ascii)
		return emit_nfc(out, s + t.off, t.len);
	if (t.len >= sizeof(w) || g->english)
		return emit(out, s + t.off, t.len);
	n = squeeze(s + t.off, t.len, w, sizeof(w));
	if ((a = find_abbr(w, n)) && abbr_applies(a, s, prev, next))
		return emit(out, a->expansion, strlen(a->expansion));
	if (is_kept(w, n))
		return emit(out, w, n);
	if (g->telex && syllable_decode_telex(w, n, dec, sizeof(dec), &how) == 0)
		return emit(out, dec, strlen(dec));
	if (g->vni && syllable_decode_vni(w, n, dec, sizeof(dec), &how) == 0)
		return emit(out, dec, strlen(dec));
	if (all_letters(w, n) && syllable_split(w, n, dec, sizeof(dec)) == 0)
		return emit(out, dec, strlen(dec));
	return emit(out, w, n);
}

int normalize_text(struct buf *out, const char *text, size_t len)
{
	struct buf folded;
	struct tok prev = { TOK_END, 0, 0, 1 }, cur, next;
	struct sink sink = { out, out->len };
	struct gate g;
	size_t pos = 0;
	int r;

	buf_init(&folded, 4 * NORMALIZE_INPUT_MAX);
	if (len > NORMALIZE_INPUT_MAX)
		len = NORMALIZE_INPUT_MAX;
	if ((r = textfold_ascii(&folded, text, len)) < 0)
		goto out;
	g = decide_gate(folded.data, folded.len);
	cur = next_tok(folded.data, folded.len, &pos);
	while (cur.kind != TOK_END && r == 0) {
		next = next_tok(folded.data, folded.len, &pos);
		if (cur.kind == TOK_PUNCT)
			r = emit(&sink, folded.data + cur.off, cur.len);
		else
			r = emit_word(&sink, folded.data, prev, cur, next, &g);
		prev = cur;
		cur = next;
	}
out:
	buf_release(&folded);
	return r;
}

int normalize_is_english(const char *norm)
{
	return decide_gate(norm, strlen(norm)).english;
}
