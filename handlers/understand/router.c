#include "handlers/understand/router.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "handlers/understand/intent.h"
#include "handlers/understand/progsearch.h"
#include "handlers/vi/datetime_vi.h"
#include "handlers/vi/normalize.h"
#include "handlers/vi/syllable.h"

#define ROUTER_MAX_ALIAS_WORDS 3
#define ROUTER_WORD_MAX 64

/* Intents whose commands take no arguments: extra words after them may
 * mean something else ("tro giup phap ly" is legal aid, not HELP). */
static int takes_no_args(const char *intent)
{
	static const char *const soft[] = { "help", "start", "stop", "preference", "menu",
					    "job_subscribe" };

	for (size_t i = 0; i < sizeof(soft) / sizeof(soft[0]); i++)
		if (!strcmp(intent, soft[i]))
			return 1;
	return 0;
}

/* Byte offset just after the n-th word of s, or 0 when s has fewer words. */
static size_t after_words(const char *s, int n)
{
	size_t i = 0;

	for (int w = 0; w < n; w++) {
		while (s[i] == ' ')
			i++;
		if (!s[i])
			return 0;
		while (s[i] && s[i] != ' ')
			i++;
	}
	return i;
}

static size_t skip_spaces(const char *s, size_t i)
{
	while (s[i] == ' ')
		i++;
	return i;
}

/* Fill rt from the command named by the current row of st (name, intent, officer_only). */
static void take_command(sqlite3_stmt *st, struct route *rt)
{
	gw_strlcpy(rt->command, db_col_text(st, 0), sizeof(rt->command));
	gw_strlcpy(rt->intent, db_col_text(st, 1), sizeof(rt->intent));
	rt->officer_only = sqlite3_column_int(st, 2);
}

/* Look alias[0..n) up; 1 and rt filled when it is one. */
static int lookup_alias(struct db *db, const char *alias, size_t n, struct route *rt)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT c.name, c.intent, c.officer_only FROM command_aliases a"
				" JOIN commands c ON c.name = a.command WHERE a.alias = ?", &st)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, alias, (int)n, SQLITE_TRANSIENT);
	if ((r = db_step(st)) == DB_ROW) {
		take_command(st, rt);
		sqlite3_reset(st);
	}
out:
	return r < 0 ? r : r == DB_ROW;
}

static int match_exact(struct db *db, const char *norm, struct route *rt)
{
	int r = 0;

	for (int words = ROUTER_MAX_ALIAS_WORDS; words >= 1 && r == 0; words--) {
		size_t end = after_words(norm, words);

		if (end && (r = lookup_alias(db, norm, end, rt)) == 1) {
			rt->args_off = skip_spaces(norm, end);
			rt->how = ROUTER_EXACT;
		}
	}
	return r;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static int is_letters_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/* "csbhyt" -> CS + "bhyt": the longest alias the first word starts with,
 * when the word is no syllable itself and the rest is at least two
 * characters or a number. */
static int match_glued(struct db *db, const char *norm, struct route *rt)
{
	size_t n = after_words(norm, 1);
	int r = 0;

	if (n < 3 || n > ROUTER_WORD_MAX || !is_letters_digits(norm, n) || syllable_valid(norm, n))
		goto out;
	for (size_t k = n - 1; k >= 2 && r == 0; k--) {
		if (n - k < 2 && !all_digits(norm + k, n - k))
			continue;
		if ((r = lookup_alias(db, norm, k, rt)) == 1) {
			rt->args_off = k;
			rt->how = ROUTER_GLUED;
		}
	}
out:
	return r;
}

int router_edit_distance(const char *a, size_t an, const char *b, size_t bn, int limit)
{
	int d[ROUTER_WORD_MAX + 1][ROUTER_WORD_MAX + 1], r = limit + 1;

	if (an > ROUTER_WORD_MAX || bn > ROUTER_WORD_MAX || (an > bn ? an - bn : bn - an) > (size_t)limit)
		goto out;
	for (size_t i = 0; i <= an; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= bn; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= an; i++) {
		for (size_t j = 1; j <= bn; j++) {
			int cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	if (d[an][bn] <= limit)
		r = d[an][bn];
out:
	return r;
}

/* Is the typed word w[0..n) a candidate for a typo of alias? */
static int typo_of(const char *w, size_t n, const char *alias, size_t an)
{
	if (an < 3 || n < 2 || w[0] != alias[0])
		return 0;
	if (n < an && n < 4) /* "vie" is a word of its own, not "viec" */
		return 0;
	return router_edit_distance(w, n, alias, an, 1) == 1;
}

/* The words of the typed prefix that differ from the alias must not be
 * real syllables ("hon" is a word, "hne" is a typo). */
static int typo_words_ok(const char *typed, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t s = i;

		while (i < n && typed[i] != ' ')
			i++;
		if (!syllable_valid(typed + s, i - s))
			return 1;
		while (i < n && typed[i] == ' ')
			i++;
	}
	return 0;
}

/* The aliases a typo may stand for, with their commands, read once per
 * content version (db_memo) instead of for every message. */
struct fuzzy_alias {
	struct route cmd; /* command, intent, officer_only */
	char alias[ROUTER_WORD_MAX * ROUTER_MAX_ALIAS_WORDS];
	size_t len;
	int words;
};

struct fuzzy_list {
	struct fuzzy_alias *a;
	size_t n;
};

static const char fuzzy_memo = 0; /* its address is the memo's key */

static void fuzzy_release(void *p)
{
	struct fuzzy_list *l = p;

	if (l)
		free(l->a);
	free(l);
}

static int fuzzy_read(struct db *db, void *value)
{
	struct fuzzy_list *l = value;
	sqlite3_stmt *st;
	size_t cap = 0;
	int r;

	if ((r = db_prepare(db, "SELECT c.name, c.intent, c.officer_only, a.alias FROM command_aliases a"
				" JOIN commands c ON c.name = a.command"
				" WHERE c.officer_only = 0 AND c.intent <> 'stop' AND length(a.alias) >= 3",
			    &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		struct fuzzy_alias *f;

		if (l->n == cap) {
			cap = cap ? 2 * cap : 128;
			if (!(f = realloc(l->a, cap * sizeof(*f)))) {
				r = GW_ERR_NOMEM;
				break;
			}
			l->a = f;
		}
		f = &l->a[l->n];
		memset(f, 0, sizeof(*f));
		if (gw_strlcpy(f->alias, db_col_text(st, 3), sizeof(f->alias)) < 0)
			continue; /* longer than any typed prefix we compare */
		take_command(st, &f->cmd);
		f->len = strlen(f->alias);
		f->words = 1;
		for (size_t i = 0; i < f->len; i++)
			f->words += f->alias[i] == ' ';
		l->n++;
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	return r < 0 ? r : 0;
}

static int fuzzy_aliases(struct db *db, const struct fuzzy_list **out)
{
	const void *l = NULL;
	int64_t version = 0;
	int r;

	if ((r = store_content_version(db, &version)) < 0 ||
	    (r = db_memo_get(db, &fuzzy_memo, version, sizeof(struct fuzzy_list), fuzzy_read,
			     fuzzy_release, &l)) < 0)
		return r;
	*out = l;
	return 0;
}

static int match_fuzzy(struct db *db, const char *norm, struct route *rt)
{
	const struct fuzzy_list *l = NULL;
	struct route found;
	int r, hits = 0;

	memset(&found, 0, sizeof(found));
	if ((r = fuzzy_aliases(db, &l)) < 0)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		const struct fuzzy_alias *f = &l->a[i];
		size_t end;

		if (!(end = after_words(norm, f->words)) || !typo_of(norm, end, f->alias, f->len) ||
		    !typo_words_ok(norm, end))
			continue;
		if (hits && strcmp(found.command, f->cmd.command) != 0) {
			hits = 2; /* two commands one typo away: do not guess */
			continue;
		}
		if (!hits) {
			found = f->cmd;
			found.args_off = skip_spaces(norm, end);
			hits = 1;
		}
	}
	if ((r = hits == 1) == 0)
		goto out;
	found.how = ROUTER_FUZZY;
	*rt = found;
out:
	return r;
}

/* A PIN: the word after an officer command is 4 to 8 digits. */
static int pin_follows(const char *args)
{
	size_t n = 0;

	while (args[n] && args[n] != ' ')
		n++;
	return n >= 4 && n <= 8 && all_digits(args, n);
}

/* Only punctuation left after the command ("HELP!", "stop ."). */
static int args_empty(const char *args)
{
	for (; *args; args++)
		if ((*args >= 'a' && *args <= 'z') || (*args >= '0' && *args <= '9') ||
		    (unsigned char)*args >= 0x80)
			return 0;
	return 1;
}

/* What the text is made of: *no_words when it has no letter at all
 * (emoji, digits, punctuation); *gibberish when it has letters but not
 * one Vietnamese syllable among its words ("asdfgh", "hahaha"). */
static void text_shape(const char *norm, int *no_words, int *gibberish)
{
	int letters = 0, syllables = 0;

	for (const char *p = norm; *p;) {
		size_t n = 0;
		int alpha = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ') {
			alpha |= p[n] >= 'a' && p[n] <= 'z';
			n++;
		}
		letters |= alpha;
		syllables += alpha && syllable_valid(p, n);
		p += n;
	}
	*no_words = !letters;
	*gibberish = letters && !syllables;
}

/* 1 when the date reader finds a date or a time in norm, usable or not
 * ("31/2" is still a date written). The arrival does not matter here. */
static int writes_when(const char *norm)
{
	static const struct datetime_vi_now any = { 2000, 1, 3, 9, 0 };
	struct datetime_vi w;
	const char *why = NULL;
	int r = datetime_vi_parse(norm, &any, &w, &why);

	if (r == GW_ERR_INVAL)
		return why && strcmp(why, "bad argument") != 0;
	return r == 0 && (w.has_date || w.has_time);
}

/* HD 2: the help's page 2, not HELP followed by words. */
static int page_number(const char *args)
{
	size_t n = strspn(args, "0123456789");

	return n >= 1 && n <= 2 && args_empty(args + n);
}

static int find_command(struct db *db, const char *norm, struct route *rt)
{
	struct route longer;
	int r;

	if ((r = match_exact(db, norm, rt)) < 0)
		goto out;
	if (r) {
		/* "huy hne 3/1" is HUY HEN with a typo, not HUY (STOP) with arguments */
		memset(&longer, 0, sizeof(longer));
		if ((r = match_fuzzy(db, norm, &longer)) < 0)
			goto out;
		if (r && longer.args_off > rt->args_off)
			*rt = longer;
		r = 1;
		goto out;
	}
	if ((r = match_glued(db, norm, rt)) == 0)
		r = match_fuzzy(db, norm, rt);
out:
	return r;
}

int router_route(struct db *db, const char *norm, struct route *out)
{
	struct route rt;
	struct intent_features f;
	struct intent_guess g;
	struct progsearch_hit hit;
	int r, have;

	memset(&rt, 0, sizeof(rt));
	memset(&f, 0, sizeof(f));
	if ((have = find_command(db, norm, &rt)) < 0) {
		r = have;
		goto out;
	}
	if (have && rt.officer_only && !pin_follows(norm + rt.args_off))
		have = 0;
	if (have && !(takes_no_args(rt.intent) && !args_empty(norm + rt.args_off)))
		goto program;
	if (have && !strcmp(rt.intent, "help") && page_number(norm + rt.args_off))
		goto program;
	/* No command, or a no-argument command with more words: weigh the text. */
	f.command_intent = have ? rt.intent : NULL;
	f.english = normalize_is_english(norm);
	if (!f.english)
		text_shape(norm, &f.no_words, &f.gibberish);
	f.when = writes_when(norm);
	/* only a named programme is a feature (and the answer's topic) */
	r = progsearch_named(db, norm, NULL, &hit);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	f.names_program = r == 0 && hit.named;
	f.program_strong = r == 0 && hit.covered >= PROGSEARCH_STRONG;
	if ((r = intent_classify(db, norm, &f, &g)) < 0)
		goto out;
	/* the command stands unless another intent wins outright */
	if (have && (!strcmp(g.intent, rt.intent) || g.fallback))
		goto program;
	memset(&rt, 0, sizeof(rt));
	gw_strlcpy(rt.intent, g.intent, sizeof(rt.intent));
	rt.how = g.fallback ? ROUTER_NONE : ROUTER_CLASSIFIED;
	rt.score = g.score;
	rt.args_off = 0;
	if (!strcmp(rt.intent, "policy") && f.names_program) {
		memcpy(rt.program, hit.code, sizeof(rt.program));
		memcpy(rt.also, hit.also, sizeof(rt.also));
	}
program:
	if (!strcmp(rt.intent, "eligibility") || !strcmp(rt.intent, "appointment")) {
		/* eligibility takes the best match even unnamed, appointments a named one */
		r = !strcmp(rt.intent, "eligibility") ? progsearch_find(db, norm, rt.intent, &hit)
						       : progsearch_named(db, norm, rt.intent, &hit);
		if (r < 0 && r != GW_ERR_NOTFOUND)
			goto out;
		if (r == 0 && (hit.named || !strcmp(rt.intent, "eligibility")))
			memcpy(rt.program, hit.code, sizeof(rt.program));
	}
	*out = rt;
	r = 0;
out:
	return r;
}
