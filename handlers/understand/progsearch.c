#include "handlers/understand/progsearch.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/syllable.h"

#define PS_MAX_WORDS PROGPHRASE_MAX_WORDS
#define PS_JSON_MAX (1024 * 1024) /* a bound JSON list: the keys of a 256-word question,
                                   * the programme ids of a near-tie */
#define PS_MASK_WORDS (PS_MAX_WORDS / 64)
#define PS_FTS_BONUS_MAX 0.5

/* Words that carry no topic: particles, pronouns, question words. Left out
 * of the FTS query so "la gi vay" does not rank every programme. */
static const char *const stopwords[] = {
	"a", "ad", "ai", "anh", "bao", "cho", "chi", "co", "cua", "dau", "de", "di", "duoc",
	"em", "gi", "hoi", "khong", "la", "luon", "minh", "muon", "nao", "nay", "nhe", "nhieu",
	"nhu", "nhung", "oi", "ong", "the", "thi", "toi", "va", "ve", "voi", "xin",
};

struct prog {
	char code[PROGSEARCH_CODE_MAX];
	int64_t id;                 /* programs.id */
	double always;              /* "@always" cues */
	double fts;                 /* FTS rank bonus */
	double covered;             /* sum over question words of the best value earned there */
	double score;
	unsigned long long mask[PS_MASK_WORDS]; /* words covered by contiguous phrases */
};

/* A distinct phrase found in the question, valued once for all the
 * programmes that own it (with clones, hundreds share each phrase). */
struct hit {
	int64_t id;                 /* temp.progsearch_phrase.id */
	size_t pos[PROGPHRASE_WORDS]; /* question words it covers */
	size_t nw;
	int gaps;
	int always;                 /* the "@always" cue */
	double v_kw;                /* value as a keyword or cue, before the row's weight */
	double v_code;              /* value as a programme code */
};

struct search {
	struct progphrase_words q;
	double focus[PS_MAX_WORDS]; /* weight of each question word (1, or more after a focus cue) */
	double cover[PS_MAX_WORDS]; /* scratch: the programme being summed, per question word */
	struct prog *p; /* np used of cap: every programme a phrase of the question names */
	struct hit *h;  /* nh used of hcap, in id order */
	int np, cap, nh, hcap;
};

/* A new programme at the end of s->p. */
static struct prog *prog_add(struct search *s, const char *code, int64_t id)
{
	struct prog *p = NULL;

	if (s->np == s->cap) {
		int cap = s->cap ? 2 * s->cap : 64;
		struct prog *grown = realloc(s->p, (size_t)cap * sizeof(*grown));

		if (!grown)
			goto out;
		s->p = grown;
		s->cap = cap;
	}
	memset(&s->p[s->np], 0, sizeof(s->p[s->np]));
	if (gw_strlcpy(s->p[s->np].code, code, sizeof(s->p[s->np].code)) < 0)
		goto out;
	s->p[s->np].id = id;
	p = &s->p[s->np++];
out:
	return p;
}

/* A code typed as the whole question ("CS VAY-NGHEO") is the surest sign;
 * an acronym code ("bhyt") inside a question is worth a two-word phrase;
 * a code made of ordinary words ("ho ngheo", "thoat ngheo") is just words. */
static double code_weight(const struct search *s, const char *code)
{
	struct progphrase_words cw;
	int acronym = 0;

	progphrase_split(code, &cw);
	if (cw.count == s->q.count) {
		size_t k = 0;

		while (k < cw.count && progphrase_same(&cw, k, &s->q, k))
			k++;
		if (k == cw.count)
			return PROGSEARCH_CODE_WEIGHT;
	}
	for (size_t k = 0; k < cw.count; k++)
		acronym |= !syllable_valid(cw.w[k], cw.n[k]);
	return acronym ? PROGSEARCH_ACRONYM_WEIGHT : 1.0;
}

/* Value every distinct phrase whose key the question holds: s->h. */
static int match_phrases(struct search *s, const struct progphrase_index *ix, int span)
{
	struct progphrase_ref *refs = NULL;
	size_t n = 0;
	int r;

	if ((r = progphrase_lookup(ix, &s->q, span, &refs, &n)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *text = refs[i].phrase;
		struct progphrase_words ph;
		struct hit h;
		double len;

		memset(&h, 0, sizeof(h));
		h.always = !strcmp(text, "@always");
		progphrase_split(text, &ph);
		if (!h.always && !progphrase_find(&s->q, &ph, h.pos, &h.gaps))
			continue;
		h.id = refs[i].id;
		h.nw = h.always ? 0 : ph.count;
		/* the more words inside a loose match, the less it says */
		len = (h.gaps ? PROGSEARCH_GAPPED - 0.1 * (h.gaps - 1) : 1.0) *
		      (1.0 + 0.5 * (double)(ph.count - 1));
		h.v_kw = h.v_code = len;
		if (ph.count == 1 && !syllable_valid(ph.w[0], ph.n[0]))
			h.v_kw *= 2; /* an acronym or a figure names its topic */
		if (!h.always)
			h.v_code *= code_weight(s, text);
		if (s->nh == s->hcap) {
			int cap = s->hcap ? 2 * s->hcap : 32;
			struct hit *grown = realloc(s->h, (size_t)cap * sizeof(*grown));

			if (!grown) {
				r = GW_ERR_NOMEM;
				goto out;
			}
			s->h = grown;
			s->hcap = cap;
		}
		s->h[s->nh++] = h;
	}
out:
	free(refs);
	return r;
}

/* Sum the programme's best value at each question word into p. */
static void prog_close(struct search *s, struct prog *p, size_t lo, size_t hi)
{
	for (size_t k = lo; k < hi; k++) {
		p->covered += s->cover[k];
		s->cover[k] = 0;
	}
	p->score = p->covered + p->always;
}

/* One owner row of a matched phrase, for the scoring pass. */
struct owned {
	const struct progphrase_owner *o;
	const struct hit *h;
	size_t seq; /* the order the rows were gathered in */
};

/* By programme, and in the gathered order within one (as the query this
 * replaced read them: phrases in id order, each's owners in key order). */
static int owned_cmp(const void *a, const void *b)
{
	const struct owned *x = a, *y = b;

	if (x->o->pid != y->o->pid)
		return x->o->pid < y->o->pid ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every programme owning a matched phrase for this scope, its rows one
 * after another (by pid): kind 0 a keyword, 1 a code, 2 a programme cue. */
static int score_owners(struct search *s, const struct progphrase_index *ix, const char *scope)
{
	struct owned *rows = NULL;
	size_t n = 0, cap = 0;
	struct prog *p = NULL;
	size_t lo = PS_MAX_WORDS, hi = 0;
	int r = 0;

	if (!scope)
		scope = "program";
	for (int i = 0; i < s->nh; i++) {
		size_t k, no = 0;
		const struct progphrase_owner *o = progphrase_owners(ix, s->h[i].id, &no);

		for (k = 0; k < no; k++) {
			if (strcmp(o[k].scope, "program") && strcmp(o[k].scope, scope))
				continue;
			if (n == cap) {
				struct owned *grown = realloc(rows, (cap ? 2 * cap : 64) * sizeof(*rows));

				if (!grown) {
					r = GW_ERR_NOMEM;
					goto out;
				}
				rows = grown;
				cap = cap ? 2 * cap : 64;
			}
			rows[n] = (struct owned){ &o[k], &s->h[i], n };
			n++;
		}
	}
	if (n)
		qsort(rows, n, sizeof(*rows), owned_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct progphrase_owner *o = rows[i].o;
		const struct hit *h = rows[i].h;
		double value;

		if (!p || p->id != o->pid) {
			if (p)
				prog_close(s, p, lo, hi);
			lo = PS_MAX_WORDS;
			hi = 0;
			if (!(p = prog_add(s, o->code, o->pid)))
				continue; /* no memory, or a code too long to be one */
		}
		if (h->always) {
			if (o->kind == 2)
				p->always += o->weight;
			continue;
		}
		value = o->kind == 1 ? h->v_code : o->weight * h->v_kw;
		for (size_t k = 0; k < h->nw; k++) {
			size_t at = h->pos[k];
			double v = value * s->focus[at];

			if (v > s->cover[at])
				s->cover[at] = v;
			if (!h->gaps)
				p->mask[at / 64] |= 1ULL << (at % 64);
			lo = at < lo ? at : lo;
			hi = at + 1 > hi ? at + 1 : hi;
		}
	}
	if (p)
		prog_close(s, p, lo, hi);
out:
	free(rows);
	return r;
}

static int score_phrases(struct search *s, struct db *db, const char *scope)
{
	const struct progphrase_index *ix = NULL;
	int span = PROGSEARCH_GAP_MAX, r;

	if ((r = progphrase_index(db, &ix, &span)) < 0 || (r = match_phrases(s, ix, span)) < 0)
		return r;
	return score_owners(s, ix, scope);
}

static int is_stopword(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strlen(stopwords[i]) == n && !memcmp(stopwords[i], w, n))
			return 1;
	return 0;
}

/* Content words as a JSON array of FTS5 terms (letters and digits). */
static int fts_terms(const struct progphrase_words *q, struct buf *out)
{
	int r = buf_addch(out, '[');

	for (size_t i = 0; i < q->count && r == 0; i++) {
		size_t n = q->n[i];

		if (n < 2 || is_stopword(q->w[i], n))
			continue;
		if ((r = buf_adds(out, out->len > 1 ? ",\"" : "\"")) < 0)
			break;
		for (size_t k = 0; k < n && r == 0; k++) {
			unsigned char c = (unsigned char)q->w[i][k];

			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				r = buf_addch(out, (char)c);
		}
		if (r == 0)
			r = buf_addch(out, '"');
	}
	return r == 0 ? buf_addch(out, ']') : r;
}

/* The content words as an FTS5 OR query of quoted terms (no operators from
 * users); with !all, without the terms found in half the programmes or
 * more (*dropped: whether there were any). */
static int fts_query(const struct progphrase_words *q, struct db *db, int all, struct buf *out, int *dropped)
{
	struct buf terms;
	sqlite3_stmt *st;
	int r;

	buf_init(&terms, 8192);
	buf_reset(out);
	*dropped = 0;
	if ((r = fts_terms(q, &terms)) < 0)
		goto out;
	if ((r = db_rows(db, "SELECT value, ?2 OR value NOT IN (SELECT term FROM temp.progsearch_common)"
			     " FROM json_each(?1) ORDER BY key", DB_ARGS(DB_TEXT(terms.data), DB_INT(all)),
			 &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		if (!sqlite3_column_int(st, 1)) {
			*dropped = 1;
			continue;
		}
		if ((out->len && (r = buf_adds(out, " OR ")) < 0) ||
		    (r = buf_addf(out, "\"%s\"", db_col_text(st, 0))) < 0) {
			sqlite3_reset(st);
			goto out;
		}
	}
out:
	buf_release(&terms);
	return r < 0 ? r : 0;
}

/* The best (at most) three programmes for FTS5 query fq, as indexes into
 * s->p (added when new): among the programme ids in the JSON array ids,
 * or among all when ids is NULL. */
static int fts_top(struct search *s, struct db *db, const char *fq, const char *ids, int *top,
		   int *n)
{
	sqlite3_stmt *st;
	int r;

	*n = 0;
	if (ids)
		/* "+rowid": filtered after FTS5's single pass, so bm25 is computed
		 * for these rows only; as an FTS5 constraint the IN list would run
		 * the whole query (IDF included) once per id. */
		r = db_rows(db, "SELECT rowid, NULL FROM programs_fts WHERE programs_fts MATCH ?1"
				" AND +rowid IN (SELECT value FROM json_each(?2))"
				" ORDER BY bm25(programs_fts, 10.0, 5.0, 8.0, 2.0, 1.0) LIMIT 3",
			    DB_ARGS(DB_TEXT(fq), DB_TEXT(ids)), &st);
	else
		/* Ranked inside FTS5, joined after the LIMIT: joining first looked
		 * up every matching programme's row (thousands of pages) to keep three. */
		r = db_rows(db, "SELECT f.id, p.code FROM (SELECT rowid AS id,"
				"  bm25(programs_fts, 10.0, 5.0, 8.0, 2.0, 1.0) AS rank FROM programs_fts"
				"  WHERE programs_fts MATCH ?1 ORDER BY rank LIMIT 3) f"
				" JOIN programs p ON p.id = f.id ORDER BY f.rank", DB_ARGS(DB_TEXT(fq)), &st);
	if (r < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int at = 0;

		while (at < s->np && s->p[at].id != id)
			at++;
		/* only from the unrestricted query, which names the code */
		if (at == s->np && !prog_add(s, db_col_text(st, 1), id))
			continue;
		if (*n < 3)
			top[(*n)++] = at;
	}
	return r < 0 ? r : 0;
}

/* Bonuses for the best FTS5 (bm25) matches of the content words: among
 * the programmes scoring at least floor (the near-tie the phrases left),
 * or, with floor < 0, among all.
 *
 * Terms found in half the programmes or more are left out: bm25 floors
 * their IDF at 1e-6, so they rank nothing, yet an OR query holding them
 * matches, scores and counts (for IDF) nearly every programme, most of a
 * query's cost with thousands of programmes. The full query runs when the
 * short one finds fewer than three: then the common terms' crumbs chose
 * the rest. */
static int score_fts(struct search *s, struct db *db, double floor)
{
	static const double bonus[] = { 0.5, 0.3, 0.2 };
	struct buf fq, ids;
	int r = 0, top[3], n = 0, dropped = 0;

	buf_init(&fq, 8192);
	buf_init(&ids, PS_JSON_MAX);
	if (floor >= 0) {
		for (int i = 0; i < s->np && r == 0; i++)
			if (s->p[i].score >= floor)
				r = buf_addf(&ids, "%c%lld", ids.len ? ',' : '[', (long long)s->p[i].id);
		if (r < 0 || (r = buf_addch(&ids, ']')) < 0)
			goto out;
	}
	if ((r = fts_query(&s->q, db, 0, &fq, &dropped)) < 0 ||
	    (fq.len && (r = fts_top(s, db, fq.data, floor >= 0 ? ids.data : NULL, top, &n)) < 0))
		goto out;
	if (dropped && n < 3 &&
	    ((r = fts_query(&s->q, db, 1, &fq, &dropped)) < 0 ||
	     (r = fts_top(s, db, fq.data, floor >= 0 ? ids.data : NULL, top, &n)) < 0))
		goto out;
	for (int i = 0; i < n; i++)
		s->p[top[i]].fts += bonus[i];
out:
	buf_release(&fq);
	buf_release(&ids);
	return r < 0 ? r : 0;
}

static int disjoint(const struct prog *a, const struct prog *b)
{
	int any = 0;

	for (int i = 0; i < PS_MASK_WORDS; i++) {
		if (b->mask[i] & ~a->mask[i])
			any = 1;
		if (a->mask[i] & b->mask[i])
			return 0;
	}
	return any;
}

/* "<scope>:@focus" cues mark where the real question starts ("co duoc" in
 * "nha toi ... co duoc ho tro tien dien khong"): the words after the first
 * one found weigh the cue's weight. */
static int find_focus(struct search *s, struct db *db, const char *scope)
{
	sqlite3_stmt *st;
	size_t best = PS_MAX_WORDS;
	double mult = 1.0;
	int r;

	if (!scope)
		return 0;
	if ((r = db_rows(db, "SELECT cue, weight FROM intent_cues WHERE intent = ?1 || ':@focus'",
			 DB_ARGS(DB_TEXT(scope)), &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		struct progphrase_words ph;
		size_t pos[PROGPHRASE_WORDS];
		int gaps = 1;

		progphrase_split(db_col_text(st, 0), &ph);
		if (!progphrase_find(&s->q, &ph, pos, &gaps) || gaps || pos[ph.count - 1] + 1 >= best)
			continue;
		best = pos[ph.count - 1] + 1;
		mult = sqlite3_column_double(st, 1);
	}
	if (r < 0)
		return r;
	for (size_t k = best; k < s->q.count; k++)
		s->focus[k] = mult;
	return 0;
}

static struct search *search_new(void)
{
	struct search *s = calloc(1, sizeof(*s));

	return s;
}

static void search_free(struct search *s)
{
	if (!s)
		return;
	free(s->p);
	free(s->h);
	free(s);
}

/* Score every programme a phrase of norm names: p[i].score. named_only:
 * the caller wants a named programme or none, so no FTS5 ranking of the
 * whole knowledge base when no phrase names one. */
static int search_run(struct search *s, struct db *db, const char *norm, const char *scope,
		      int named_only)
{
	double first = 0, second = 0;
	int r;

	progphrase_split(norm, &s->q);
	for (size_t k = 0; k < PS_MAX_WORDS; k++)
		s->focus[k] = 1.0;
	if ((r = find_focus(s, db, scope)) < 0 || (r = score_phrases(s, db, scope)) < 0)
		return r;
	for (int i = 0; i < s->np; i++) {
		if (s->p[i].score > first) {
			second = first;
			first = s->p[i].score;
		} else if (s->p[i].score > second) {
			second = s->p[i].score;
		}
	}
	/* FTS5 only breaks near-ties and answers what no phrase names: skip it
	 * when its bonus (at most PS_FTS_BONUS_MAX) cannot change the winner,
	 * and rank only the programmes it could make win when one is named. */
	if ((first >= PROGSEARCH_NAMED_MIN && first - second > PS_FTS_BONUS_MAX) ||
	    (first < PROGSEARCH_NAMED_MIN && named_only))
		return 0;
	if ((r = score_fts(s, db, first >= PROGSEARCH_NAMED_MIN ? first - PS_FTS_BONUS_MAX : -1)) < 0)
		return r;
	for (int i = 0; i < s->np; i++)
		s->p[i].score += s->p[i].fts;
	return 0;
}

int progsearch_explain(struct db *db, const char *norm, const char *scope, struct buf *out)
{
	struct search *s = search_new();
	unsigned char *used = NULL;
	int r = GW_ERR_NOMEM, shown = 0;

	if (!s)
		goto out;
	if ((r = search_run(s, db, norm, scope, 0)) < 0)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(used = calloc((size_t)s->np + 1, 1)))
		goto out;
	r = 0;
	while (shown < 5 && r == 0) {
		int best = -1;

		for (int i = 0; i < s->np; i++)
			if (!used[i] && s->p[i].score > 0 && (best < 0 || s->p[i].score > s->p[best].score))
				best = i;
		if (best < 0)
			break;
		used[best] = 1;
		shown++;
		r = buf_addf(out, "  %s %.2f (phrases %.2f, fts %.2f, always %.2f)\n", s->p[best].code,
			     s->p[best].score, s->p[best].covered, s->p[best].fts, s->p[best].always);
	}
out:
	free(used);
	search_free(s);
	return r;
}

static int find(struct db *db, const char *norm, const char *scope, int named_only,
		struct progsearch_hit *out)
{
	struct progsearch_hit h;
	struct search *s = search_new();
	int r = GW_ERR_NOMEM, best = -1, also = -1;

	if (!s)
		goto out;
	if ((r = search_run(s, db, norm, scope, named_only)) < 0)
		goto out;
	for (int i = 0; i < s->np; i++)
		if (s->p[i].score > 0 && (best < 0 || s->p[i].score > s->p[best].score))
			best = i;
	r = GW_ERR_NOTFOUND;
	if (best < 0)
		goto out;
	for (int i = 0; i < s->np; i++)
		if (i != best && s->p[i].score >= PROGSEARCH_ALSO_MIN && disjoint(&s->p[best], &s->p[i]) &&
		    (also < 0 || s->p[i].score > s->p[also].score))
			also = i;
	memset(&h, 0, sizeof(h));
	memcpy(h.code, s->p[best].code, sizeof(h.code));
	if (also >= 0)
		memcpy(h.also, s->p[also].code, sizeof(h.also));
	h.score = s->p[best].score;
	h.covered = s->p[best].covered;
	h.named = h.covered >= PROGSEARCH_NAMED_MIN;
	r = GW_ERR_NOTFOUND;
	if (named_only && !h.named)
		goto out;
	*out = h;
	r = 0;
out:
	search_free(s);
	return r;
}

int progsearch_find(struct db *db, const char *norm, const char *scope, struct progsearch_hit *out)
{
	return find(db, norm, scope, 0, out);
}

int progsearch_named(struct db *db, const char *norm, const char *scope, struct progsearch_hit *out)
{
	return find(db, norm, scope, 1, out);
}
