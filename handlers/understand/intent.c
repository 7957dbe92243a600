#include "handlers/understand/intent.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/store.h"

#define INTENT_MAX_INTENTS 24
#define INTENT_MAX_WORDS 512 /* only the first words of a long text are read */
#define INTENT_CUE_WORDS 16

struct words {
	const char *w[INTENT_MAX_WORDS];
	size_t n[INTENT_MAX_WORDS];
	size_t count;
};

static void split_words(const char *s, struct words *ws)
{
	ws->count = 0;
	while (*s && ws->count < INTENT_MAX_WORDS) {
		size_t n = 0;

		while (*s == ' ')
			s++;
		while (s[n] && s[n] != ' ')
			n++;
		if (!n)
			break;
		ws->w[ws->count] = s;
		ws->n[ws->count] = n;
		ws->count++;
		s += n;
	}
}

/* A cue's words, split once (a cue is at most INTENT_CUE_WORDS long). */
struct pattern {
	const char *w[INTENT_CUE_WORDS];
	size_t n[INTENT_CUE_WORDS];
	unsigned char kind[INTENT_CUE_WORDS]; /* PAT_*: what each word is, found once */
	size_t count;
	int anchored; /* "^ ...": only at the start of the text */
};

enum { PAT_WORD, PAT_END /* $ */, PAT_GAP /* ... */, PAT_NUMBER /* # */ };

static int kind_of(const char *w, size_t n)
{
	if (n == 1 && *w == '$')
		return PAT_END;
	if (n == 3 && memcmp(w, "...", 3) == 0)
		return PAT_GAP;
	if (n == 1 && *w == '#')
		return PAT_NUMBER;
	return PAT_WORD;
}

static int is_number(const struct words *ws, size_t i)
{
	return ws->w[i][0] >= '0' && ws->w[i][0] <= '9';
}

/* Does pattern p[pi..] match text words from ti? Gaps backtrack; a pattern
 * is at most INTENT_CUE_WORDS long and a gap at most INTENT_GAP_MAX, so this
 * stays small. */
static int match_from(const struct pattern *p, size_t pi, const struct words *t, size_t ti)
{
	if (pi == p->count)
		return 1;
	if (p->kind[pi] == PAT_END)
		return ti == t->count || (ti < t->count && !(t->w[ti][0] & 0x80) &&
					  (t->w[ti][0] < 'a' || t->w[ti][0] > 'z') && !is_number(t, ti));
	if (p->kind[pi] == PAT_GAP) {
		for (size_t gap = 0; gap <= INTENT_GAP_MAX && ti + gap <= t->count; gap++)
			if (match_from(p, pi + 1, t, ti + gap))
				return 1;
		return 0;
	}
	if (ti >= t->count)
		return 0;
	if (p->kind[pi] == PAT_NUMBER)
		return is_number(t, ti) && match_from(p, pi + 1, t, ti + 1);
	if (p->n[pi] != t->n[ti] || memcmp(p->w[pi], t->w[ti], p->n[pi]) != 0)
		return 0;
	return match_from(p, pi + 1, t, ti + 1);
}

/* Split a word cue into p; 0 when it can never match (no words, too many). */
static int pattern_of(const char *cue, struct pattern *p)
{
	size_t words = 0;

	p->count = 0;
	p->anchored = 0;
	while (*cue) {
		size_t n = 0;

		while (*cue == ' ')
			cue++;
		while (cue[n] && cue[n] != ' ')
			n++;
		if (!n)
			break;
		if (++words > INTENT_CUE_WORDS)
			return 0;
		if (words == 1 && n == 1 && *cue == '^') {
			p->anchored = 1;
		} else {
			p->w[p->count] = cue;
			p->kind[p->count] = (unsigned char)kind_of(cue, n);
			p->n[p->count++] = n;
		}
		cue += n;
	}
	return words > 0;
}

/* A cue that names a feature ("@program") rather than words. */
static int feature_matches(const char *cue, const char *cue_intent, const struct intent_features *f)
{
	if (!strcmp(cue, "@command"))
		return f->command_intent && !strcmp(f->command_intent, cue_intent);
	if (!strcmp(cue, "@program"))
		return f->names_program;
	if (!strcmp(cue, "@program+"))
		return f->program_strong;
	if (!strcmp(cue, "@english"))
		return f->english;
	if (!strcmp(cue, "@when"))
		return f->when;
	if (!strcmp(cue, "@nowords"))
		return f->no_words;
	if (!strcmp(cue, "@gibberish"))
		return f->gibberish;
	return 0; /* "@min" and features this build does not know */
}

static int pattern_matches(const struct pattern *p, const struct words *t)
{
	int word = p->count && p->kind[0] == PAT_WORD;

	if (p->anchored)
		return match_from(p, 0, t, 0);
	for (size_t ti = 0; ti < t->count; ti++)
		/* most cues start with a word: the text's must be it to go on */
		if ((!word || (t->n[ti] == p->n[0] && t->w[ti][0] == p->w[0][0])) &&
		    match_from(p, 0, t, ti))
			return 1;
	return 0;
}

int intent_cue_matches(const char *cue, const char *cue_intent, const char *norm,
		       const struct intent_features *f)
{
	struct words *t = NULL;
	struct pattern p;
	int r = 0;

	if (cue[0] == '@')
		return feature_matches(cue, cue_intent, f);
	if (!pattern_of(cue, &p) || !(t = malloc(sizeof(*t))))
		return 0;
	split_words(norm, t);
	r = pattern_matches(&p, t);
	free(t);
	return r;
}

struct tally {
	char intent[INTENT_MAX_INTENTS][INTENT_NAME_MAX];
	double score[INTENT_MAX_INTENTS];
	int barred[INTENT_MAX_INTENTS]; /* its "need:" cues all failed */
	int n;
	double min_score;
};

static double *slot(struct tally *ty, const char *intent)
{
	for (int i = 0; i < ty->n; i++)
		if (!strcmp(ty->intent[i], intent))
			return &ty->score[i];
	if (ty->n == INTENT_MAX_INTENTS || gw_strlcpy(ty->intent[ty->n], intent, INTENT_NAME_MAX) < 0)
		return NULL;
	ty->score[ty->n] = 0;
	ty->barred[ty->n] = 0;
	return &ty->score[ty->n++];
}

/* The cues of the intents (not the programmes' "<scope>:CODE" ones), as
 * rows read once per content version (db_memo): reading ~180 rows from
 * SQLite for every message was a tenth of the handler's time. */
struct cue_row {
	char intent[INTENT_NAME_MAX];
	char *cue;
	double weight;
	struct pattern p; /* split once (p.count 0: a feature, or a cue that never matches) */
	int usable;       /* a word cue that can match */
};

struct cue_list {
	struct cue_row *row;
	size_t n;
	double min_score;
	struct cue_row *need; /* "need:INTENT" rows, intent without "need:", by intent */
	size_t nneed;
};

static const char cues_memo = 0; /* its address is the memo's key */

static void cues_release(void *p)
{
	struct cue_list *l = p;

	for (size_t i = 0; l && i < l->n; i++)
		free(l->row[i].cue);
	for (size_t i = 0; l && i < l->nneed; i++)
		free(l->need[i].cue);
	if (l) {
		free(l->row);
		free(l->need);
	}
	free(l);
}

/* Rows of sql (intent, cue, weight) into *rows; with min_score, the
 * unknown intent's "@min" row sets it instead. */
static int rows_read(struct db *db, const char *sql, struct cue_row **rows, size_t *n,
		     double *min_score)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int r;

	if ((r = db_prepare(db, sql, &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		const char *intent = db_col_text(st, 0), *cue = db_col_text(st, 1);
		struct cue_row *row;

		if (min_score && !strcmp(intent, "unknown") && !strcmp(cue, "@min")) {
			*min_score = sqlite3_column_double(st, 2);
			continue;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			if (!(row = realloc(*rows, cap * sizeof(*row)))) {
				r = GW_ERR_NOMEM;
				break;
			}
			*rows = row;
		}
		row = &(*rows)[*n];
		if (gw_strlcpy(row->intent, intent, sizeof(row->intent)) < 0)
			continue; /* no intent has a name that long */
		if (!(row->cue = strdup(cue))) {
			r = GW_ERR_NOMEM;
			break;
		}
		row->weight = sqlite3_column_double(st, 2);
		row->usable = row->cue[0] != '@' && pattern_of(row->cue, &row->p);
		(*n)++;
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	return r < 0 ? r : 0;
}

static int cues_read(struct db *db, void *value)
{
	struct cue_list *l = value;
	int r;

	l->min_score = INTENT_MIN_DEFAULT;
	if ((r = rows_read(db, "SELECT intent, cue, weight FROM intent_cues"
			       " WHERE instr(intent, ':') = 0 ORDER BY id", &l->row, &l->n,
			   &l->min_score)) < 0)
		return r;
	return rows_read(db, "SELECT substr(intent, 6), cue, 0 FROM intent_cues"
			     " WHERE intent LIKE 'need:%' ORDER BY intent, id", &l->need, &l->nneed,
			 NULL);
}

/* The cue list of the current content, read when needed. */
static int cues(struct db *db, const struct cue_list **out)
{
	const void *l = NULL;
	int64_t version = 0;
	int r;

	if ((r = store_content_version(db, &version)) < 0 ||
	    (r = db_memo_get(db, &cues_memo, version, sizeof(struct cue_list), cues_read,
			     cues_release, &l)) < 0)
		return r;
	*out = l;
	return 0;
}

/* Does cue row c match? */
static int row_matches(const struct cue_row *c, const struct words *t,
		       const struct intent_features *f)
{
	return c->cue[0] == '@' ? feature_matches(c->cue, c->intent, f)
				: c->usable && pattern_matches(&c->p, t);
}

/* Bar every intent that has "need:" rows none of which match. */
static int check_needs(const struct cue_list *l, const struct words *t,
		       const struct intent_features *f, struct tally *ty, struct buf *why)
{
	char need[INTENT_MAX_INTENTS][INTENT_NAME_MAX];
	int met[INTENT_MAX_INTENTS], n = 0, r;

	for (size_t i = 0; i < l->nneed; i++) {
		const struct cue_row *c = &l->need[i];
		int k = 0;

		while (k < n && strcmp(need[k], c->intent))
			k++;
		if (k == n) {
			if (n == INTENT_MAX_INTENTS)
				continue;
			memcpy(need[n], c->intent, sizeof(need[n]));
			met[n++] = 0;
		}
		met[k] |= row_matches(c, t, f);
	}
	for (int k = 0; k < n; k++) {
		double *s;

		if (met[k] || !(s = slot(ty, need[k])))
			continue;
		ty->barred[s - ty->score] = 1;
		if (why && (r = buf_addf(why, "  %s needs a topic: none of its need: cues matched\n",
					 need[k])) < 0)
			return r;
	}
	return 0;
}

/* Score every cue; with why, also list the cues that fired. */
static int score_all(struct db *db, const char *norm, const struct intent_features *f,
		     struct tally *ty, struct buf *why)
{
	const struct cue_list *l = NULL;
	struct words *t = NULL;
	int r = GW_ERR_NOMEM;

	memset(ty, 0, sizeof(*ty));
	ty->min_score = INTENT_MIN_DEFAULT;
	if (!(t = malloc(sizeof(*t))))
		goto out;
	split_words(norm, t);
	if ((r = cues(db, &l)) < 0)
		goto out;
	ty->min_score = l->min_score;
	for (size_t i = 0; i < l->n; i++) {
		const struct cue_row *c = &l->row[i];
		double *s;

		if (!row_matches(c, t, f))
			continue;
		if ((s = slot(ty, c->intent)))
			*s += c->weight;
		if (why && (r = buf_addf(why, "  %s %+.1f: %s\n", c->intent, c->weight, c->cue)) < 0)
			goto out;
	}
	if (r >= 0)
		r = check_needs(l, t, f, ty, why);
out:
	free(t);
	return r < 0 ? r : 0;
}

int intent_classify(struct db *db, const char *norm, const struct intent_features *f,
		    struct intent_guess *out)
{
	struct intent_guess g;
	struct tally *ty = malloc(sizeof(*ty));
	int r = GW_ERR_NOMEM, best = -1;

	if (!ty)
		goto out;
	if ((r = score_all(db, norm, f, ty, NULL)) < 0)
		goto out;
	for (int i = 0; i < ty->n; i++)
		if (!ty->barred[i] && (best < 0 || ty->score[i] > ty->score[best]))
			best = i;
	memset(&g, 0, sizeof(g));
	g.min_score = ty->min_score;
	if (best >= 0 && ty->score[best] >= ty->min_score) {
		memcpy(g.intent, ty->intent[best], INTENT_NAME_MAX);
		g.score = ty->score[best];
	} else { /* nothing for any feature: not a question for us */
		memcpy(g.intent, "noise", 6);
		g.fallback = 1;
	}
	*out = g;
	r = 0;
out:
	free(ty);
	return r;
}

int intent_explain(struct db *db, const char *norm, const struct intent_features *f,
		   struct buf *out)
{
	struct tally *ty = malloc(sizeof(*ty));
	int r = GW_ERR_NOMEM;

	if (!ty)
		goto out;
	if ((r = score_all(db, norm, f, ty, out)) < 0)
		goto out;
	for (int i = 0; i < ty->n && r == 0; i++)
		r = buf_addf(out, "%s = %.2f%s\n", ty->intent[i], ty->score[i],
			     ty->barred[i] ? " (barred: no topic)" : "");
	if (r == 0)
		r = buf_addf(out, "(minimum %.2f)\n", ty->min_score);
out:
	free(ty);
	return r;
}
