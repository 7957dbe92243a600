#include "handlers/understand/intent.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"

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

static int word_is(const struct words *ws, size_t i, const char *lit, size_t n)
{
	return ws->n[i] == n && memcmp(ws->w[i], lit, n) == 0;
}

static int is_number(const struct words *ws, size_t i)
{
	return ws->w[i][0] >= '0' && ws->w[i][0] <= '9';
}

/* Does pattern p[pi..] match text words from ti? Gaps backtrack; a pattern
 * is at most INTENT_CUE_WORDS long and a gap at most INTENT_GAP_MAX, so this
 * stays small. */
static int match_from(const struct words *p, size_t pi, const struct words *t, size_t ti)
{
	if (pi == p->count)
		return 1;
	if (word_is(p, pi, "$", 1))
		return ti == t->count || (ti < t->count && !(t->w[ti][0] & 0x80) &&
					  (t->w[ti][0] < 'a' || t->w[ti][0] > 'z') && !is_number(t, ti));
	if (word_is(p, pi, "...", 3)) {
		for (size_t gap = 0; gap <= INTENT_GAP_MAX && ti + gap <= t->count; gap++)
			if (match_from(p, pi + 1, t, ti + gap))
				return 1;
		return 0;
	}
	if (ti >= t->count)
		return 0;
	if (word_is(p, pi, "#", 1))
		return is_number(t, ti) && match_from(p, pi + 1, t, ti + 1);
	if (p->n[pi] != t->n[ti] || memcmp(p->w[pi], t->w[ti], p->n[pi]) != 0)
		return 0;
	return match_from(p, pi + 1, t, ti + 1);
}

static int cue_matches(const char *cue, const char *cue_intent, const struct words *t,
		       const struct intent_features *f)
{
	struct words p;

	if (cue[0] == '@') {
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
	split_words(cue, &p);
	if (p.count == 0 || p.count > INTENT_CUE_WORDS)
		return 0;
	if (word_is(&p, 0, "^", 1)) {
		struct words rest = p;

		rest.count = 0;
		for (size_t i = 1; i < p.count; i++) {
			rest.w[rest.count] = p.w[i];
			rest.n[rest.count++] = p.n[i];
		}
		return match_from(&rest, 0, t, 0);
	}
	for (size_t ti = 0; ti < t->count; ti++)
		if (match_from(&p, 0, t, ti))
			return 1;
	return 0;
}

int intent_cue_matches(const char *cue, const char *cue_intent, const char *norm,
		       const struct intent_features *f)
{
	struct words *t = malloc(sizeof(*t));
	int r;

	if (!t)
		return 0;
	split_words(norm, t);
	r = cue_matches(cue, cue_intent, t, f);
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

/* Bar every intent that has "need:" rows none of which match. */
static int check_needs(struct db *db, const struct words *t, const struct intent_features *f,
		       struct tally *ty, struct buf *why)
{
	char need[INTENT_MAX_INTENTS][INTENT_NAME_MAX];
	int met[INTENT_MAX_INTENTS], n = 0, r;
	sqlite3_stmt *st;

	if ((r = db_prepare(db, "SELECT substr(intent, 6), cue FROM intent_cues"
				" WHERE intent LIKE 'need:%' ORDER BY intent, id", &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		const char *intent = db_col_text(st, 0);
		int k = 0;

		while (k < n && strcmp(need[k], intent))
			k++;
		if (k == n) {
			if (n == INTENT_MAX_INTENTS || gw_strlcpy(need[n], intent, INTENT_NAME_MAX) < 0)
				continue;
			met[n++] = 0;
		}
		met[k] |= cue_matches(db_col_text(st, 1), intent, t, f);
	}
	if (r < 0)
		return r;
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
	struct words *t = NULL;
	sqlite3_stmt *st;
	int r = GW_ERR_NOMEM;

	memset(ty, 0, sizeof(*ty));
	ty->min_score = INTENT_MIN_DEFAULT;
	if (!(t = malloc(sizeof(*t))))
		goto out;
	split_words(norm, t);
	if ((r = db_prepare(db, "SELECT intent, cue, weight FROM intent_cues"
				" WHERE instr(intent, ':') = 0 ORDER BY id", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		const char *intent = db_col_text(st, 0), *cue = db_col_text(st, 1);
		double w = sqlite3_column_double(st, 2), *s;

		if (!strcmp(intent, "unknown") && !strcmp(cue, "@min")) {
			ty->min_score = w;
			continue;
		}
		if (!cue_matches(cue, intent, t, f))
			continue;
		if ((s = slot(ty, intent)))
			*s += w;
		if (why && (r = buf_addf(why, "  %s %+.1f: %s\n", intent, w, cue)) < 0) {
			sqlite3_reset(st);
			goto out;
		}
	}
	if (r >= 0)
		r = check_needs(db, t, f, ty, why);
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
