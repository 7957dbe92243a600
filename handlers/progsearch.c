#include "progsearch.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/gw_err.h"
#include "normalize.h"
#include "syllable.h"

#define PS_MAX_WORDS 256     /* question words read (a 10-part SMS has ~250) */
#define PS_MAX_PROGRAMS 128
#define PS_PHRASE_WORDS 16
#define PS_MASK_WORDS (PS_MAX_WORDS / 64)
#define PS_FTS_BONUS_MAX 0.5

/* Words that carry no topic: particles, pronouns, question words. Left out
 * of the FTS query so "la gi vay" does not rank every programme. */
static const char *const stopwords[] = {
	"a", "ad", "ai", "anh", "bao", "cho", "chi", "co", "cua", "dau", "de", "di", "duoc",
	"em", "gi", "hoi", "khong", "la", "luon", "minh", "muon", "nao", "nay", "nhe", "nhieu",
	"nhu", "nhung", "oi", "ong", "the", "thi", "toi", "va", "ve", "voi", "xin",
};

struct words {
	const char *w[PS_MAX_WORDS];
	size_t n[PS_MAX_WORDS];
	size_t count;
};

struct prog {
	char code[PROGSEARCH_CODE_MAX];
	double *cover;              /* best value earned at each question word (q.count) */
	double always;              /* "@always" cues */
	double fts;                 /* FTS rank bonus */
	double covered;             /* sum of cover[] */
	double score;
	unsigned long long mask[PS_MASK_WORDS]; /* words covered by contiguous phrases */
};

struct search {
	struct words q;
	double focus[PS_MAX_WORDS]; /* weight of each question word (1, or more after a focus cue) */
	struct prog *p; /* np used of cap, grown as programmes appear */
	double *covers; /* cap rows of q.count values, one row a programme */
	int np, cap;
};

/* Question words without punctuation (a comma does not break "vay von, ho ngheo"
 * into unrelated topics for matching purposes; phrases never span it anyway
 * in practice, and codes like "bhyt - cn" become "bhyt cn"). */
static void split_words(const char *s, struct words *ws, int drop_punct)
{
	ws->count = 0;
	while (*s && ws->count < PS_MAX_WORDS) {
		size_t n = 0;
		unsigned char c;

		while (*s == ' ')
			s++;
		while (s[n] && s[n] != ' ')
			n++;
		if (!n)
			break;
		c = (unsigned char)s[0];
		if (!drop_punct || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			ws->w[ws->count] = s;
			ws->n[ws->count] = n;
			ws->count++;
		}
		s += n;
	}
}

static int same(const struct words *a, size_t i, const struct words *b, size_t j)
{
	return a->n[i] == b->n[j] && memcmp(a->w[i], b->w[j], a->n[i]) == 0;
}

/* First occurrence of phrase in q: contiguous (*gapped = 0) preferred,
 * else in order with at most PROGSEARCH_GAP_MAX words inside (*gapped =
 * how many). Positions matched go to pos[]. */
static int find_phrase(const struct words *q, const struct words *ph, size_t *pos, int *gapped)
{
	for (size_t s = 0; s + ph->count <= q->count; s++) {
		size_t k = 0;

		while (k < ph->count && same(q, s + k, ph, k))
			k++;
		if (k == ph->count) {
			for (k = 0; k < ph->count; k++)
				pos[k] = s + k;
			*gapped = 0;
			return 1;
		}
	}
	if (ph->count < 2)
		return 0;
	for (size_t s = 0; s < q->count; s++) {
		size_t k = 0, i = s, gaps = 0;

		if (!same(q, s, ph, 0))
			continue;
		while (k < ph->count && i < q->count && gaps <= PROGSEARCH_GAP_MAX) {
			if (same(q, i, ph, k))
				pos[k++] = i;
			else if (k > 0)
				gaps++;
			i++;
		}
		if (k == ph->count && gaps <= PROGSEARCH_GAP_MAX) {
			*gapped = (int)gaps;
			return 1;
		}
	}
	return 0;
}

static struct prog *prog_slot(struct search *s, const char *code)
{
	struct prog *p;

	if (s->np > 0 && !strcmp(s->p[s->np - 1].code, code))
		return &s->p[s->np - 1];
	for (int i = 0; i < s->np; i++)
		if (!strcmp(s->p[i].code, code))
			return &s->p[i];
	if (s->np == PS_MAX_PROGRAMS)
		return NULL;
	if (s->np == s->cap) { /* grow as programmes appear, not up front */
		int cap = s->cap ? 2 * s->cap : 32;
		size_t row = s->q.count ? s->q.count : 1;
		struct prog *grown = realloc(s->p, (size_t)cap * sizeof(*grown));
		double *covers;

		if (!grown)
			return NULL;
		s->p = grown;
		if (!(covers = realloc(s->covers, (size_t)cap * row * sizeof(*covers))))
			return NULL;
		s->covers = covers;
		s->cap = cap;
		for (int i = 0; i < s->np; i++) /* rows moved with the array */
			s->p[i].cover = s->covers + (size_t)i * row;
	}
	p = &s->p[s->np];
	memset(p, 0, sizeof(*p));
	p->cover = s->covers + (size_t)s->np * (s->q.count ? s->q.count : 1);
	for (size_t k = 0; k < s->q.count; k++)
		p->cover[k] = 0;
	if (gw_strlcpy(p->code, code, sizeof(p->code)) < 0)
		return NULL;
	s->np++;
	return p;
}

static void credit(struct search *s, struct prog *p, const char *phrase, double weight,
		   int is_code)
{
	struct words ph;
	size_t pos[PS_PHRASE_WORDS];
	int gaps = 0;
	double value;

	split_words(phrase, &ph, 1);
	if (ph.count == 0 || ph.count > PS_PHRASE_WORDS || !find_phrase(&s->q, &ph, pos, &gaps))
		return;
	/* the more words inside a loose match, the less it says */
	value = weight * (gaps ? PROGSEARCH_GAPPED - 0.1 * (gaps - 1) : 1.0) *
		(1.0 + 0.5 * (double)(ph.count - 1));
	if (!is_code && ph.count == 1 && !syllable_valid(ph.w[0], ph.n[0]))
		value *= 2; /* an acronym or a figure names its topic */
	for (size_t k = 0; k < ph.count; k++) {
		double v = value * s->focus[pos[k]];

		if (v > p->cover[pos[k]])
			p->cover[pos[k]] = v;
		if (!gaps)
			p->mask[pos[k] / 64] |= 1ULL << (pos[k] % 64);
	}
}

/* The phrases of every programme, normalised, in a per-connection TEMP
 * table: keywords are stored folded, not normalised, and normalising some
 * 300 of them (and joining codes and cues) for every question was most of
 * a search. The copy is rebuilt when it may be stale: another connection
 * committed (PRAGMA data_version moved: `gatewayctl import` or `keyword`),
 * or this connection changed programmes, keywords or cues (TEMP triggers
 * empty progsearch_state). A rolled-back transaction takes the TEMP
 * tables with it; they are simply made again. */
static const char cache_schema[] =
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_phrase (scope TEXT NOT NULL, code TEXT NOT NULL,"
	" phrase TEXT NOT NULL, weight REAL NOT NULL, kind INTEGER NOT NULL,"
	" first TEXT NOT NULL GENERATED ALWAYS AS"
	"  (CASE WHEN instr(phrase, ' ') THEN substr(phrase, 1, instr(phrase, ' ') - 1) ELSE phrase END));"
	"CREATE INDEX IF NOT EXISTS temp.progsearch_phrase_first ON progsearch_phrase (first);"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_state (data_version INTEGER NOT NULL);"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_p_i AFTER INSERT ON main.programs"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_p_u AFTER UPDATE ON main.programs"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_p_d AFTER DELETE ON main.programs"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_k_i AFTER INSERT ON main.program_keywords"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_k_u AFTER UPDATE ON main.program_keywords"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_k_d AFTER DELETE ON main.program_keywords"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_c_i AFTER INSERT ON main.intent_cues"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_c_u AFTER UPDATE ON main.intent_cues"
	" BEGIN DELETE FROM progsearch_state; END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS progsearch_c_d AFTER DELETE ON main.intent_cues"
	" BEGIN DELETE FROM progsearch_state; END;";

static int add_phrase(struct db *db, const char *scope, const char *code, const char *phrase,
		      double weight, int kind)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "INSERT INTO temp.progsearch_phrase (scope, code, phrase, weight, kind)"
				" VALUES (?, ?, ?, ?, ?)", &st)) < 0)
		return r;
	db_bind_text(st, 1, scope);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, phrase);
	sqlite3_bind_double(st, 4, weight);
	sqlite3_bind_int(st, 5, kind);
	r = db_step(st);
	return r < 0 ? r : 0;
}

/* Fill the cache from programs, program_keywords and intent_cues. */
static int cache_build(struct db *db, int64_t version)
{
	struct buf norm;
	sqlite3_stmt *st;
	int r;

	buf_init(&norm, 4096);
	if ((r = db_exec(db, "DELETE FROM temp.progsearch_phrase; DELETE FROM temp.progsearch_state;"
			     "INSERT INTO temp.progsearch_phrase (scope, code, phrase, weight, kind)"
			     " SELECT 'program', code, lower(replace(code, '-', ' ')), 1.0, 1 FROM programs;"
			     "INSERT INTO temp.progsearch_phrase (scope, code, phrase, weight, kind)"
			     " SELECT substr(c.intent, 1, instr(c.intent, ':') - 1), p.code, c.cue, c.weight, 2"
			     " FROM intent_cues c JOIN programs p"
			     " ON p.code = substr(c.intent, instr(c.intent, ':') + 1)"
			     " WHERE instr(c.intent, ':') > 0;")) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT p.code, k.folded FROM program_keywords k"
				" JOIN programs p ON p.id = k.program_id", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		const char *folded = db_col_text(st, 1);

		buf_reset(&norm);
		if ((r = normalize_text(&norm, folded, strlen(folded))) < 0 ||
		    (r = add_phrase(db, "program", db_col_text(st, 0), norm.data, 1.0, 0)) < 0) {
			sqlite3_reset(st);
			goto out;
		}
	}
	if (r < 0)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO temp.progsearch_state (data_version) VALUES (?)", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, version);
	r = db_step(st);
	r = r < 0 ? r : 0;
out:
	buf_release(&norm);
	return r;
}

/* Make sure the cache exists and is current. */
static int cache_ready(struct db *db)
{
	int64_t have = 0, version = 0, cached = -1;
	int r;

	if ((r = db_query_int64(db, "SELECT count(*) FROM temp.sqlite_master"
				    " WHERE name = 'progsearch_state'", &have)) < 0)
		return r;
	if (!have && (r = db_exec(db, cache_schema)) < 0)
		return r;
	if ((r = db_query_int64(db, "PRAGMA data_version", &version)) < 0)
		return r;
	r = db_query_int64(db, "SELECT data_version FROM temp.progsearch_state", &cached);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		return r;
	return r == 0 && cached == version ? 0 : cache_build(db, version);
}

/* A code typed as the whole question ("CS VAY-NGHEO") is the surest sign;
 * an acronym code ("bhyt") inside a question is worth a two-word phrase;
 * a code made of ordinary words ("ho ngheo", "thoat ngheo") is just words. */
static double code_weight(const struct search *s, const char *code)
{
	struct words cw;
	int acronym = 0;

	split_words(code, &cw, 1);
	if (cw.count == s->q.count) {
		size_t k = 0;

		while (k < cw.count && same(&cw, k, &s->q, k))
			k++;
		if (k == cw.count)
			return PROGSEARCH_CODE_WEIGHT;
	}
	for (size_t k = 0; k < cw.count; k++)
		acronym |= !syllable_valid(cw.w[k], cw.n[k]);
	return acronym ? PROGSEARCH_ACRONYM_WEIGHT : 1.0;
}

/* Every phrase of every programme for this scope: kind 0 a keyword, 1 a
 * code, 2 a programme cue (all normalised in the cache). */
/* The question's words as a JSON array of strings. */
static int words_json(const struct words *q, struct buf *out)
{
	int r = buf_addch(out, '[');

	for (size_t i = 0; i < q->count && r == 0; i++) {
		if (i && (r = buf_addch(out, ',')) < 0)
			break;
		r = buf_addch(out, '"');
		for (size_t k = 0; k < q->n[i] && r == 0; k++) {
			unsigned char c = (unsigned char)q->w[i][k];

			if (c == '"' || c == '\\')
				r = buf_addch(out, '\\');
			if (r == 0)
				r = c < 0x20 ? buf_addch(out, ' ') : buf_addch(out, (char)c);
		}
		if (r == 0)
			r = buf_addch(out, '"');
	}
	return r == 0 ? buf_addch(out, ']') : r;
}

static int score_phrases(struct search *s, struct db *db, const char *scope)
{
	struct buf words;
	sqlite3_stmt *st;
	int r;

	buf_init(&words, 16384);
	if ((r = cache_ready(db)) < 0)
		goto out;
	/* A phrase can only match if its first word is in the question. */
	if ((r = words_json(&s->q, &words)) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT code, phrase, weight, kind FROM temp.progsearch_phrase"
				" WHERE first IN (SELECT value FROM json_each(?2) UNION SELECT '@always')"
				" AND scope IN ('program', ?1)", &st)) < 0)
		goto out;
	db_bind_text(st, 1, scope ? scope : "program");
	db_bind_text(st, 2, words.data);
	while ((r = db_step(st)) == DB_ROW) {
		const char *text = db_col_text(st, 1);
		double w = sqlite3_column_double(st, 2);
		int kind = sqlite3_column_int(st, 3);
		struct prog *p = prog_slot(s, db_col_text(st, 0));

		if (!p)
			continue;
		if (kind == 2 && !strcmp(text, "@always")) {
			p->always += w;
			continue;
		}
		if (kind == 1)
			w = code_weight(s, text);
		credit(s, p, text, w, kind == 1);
	}
	r = r < 0 ? r : 0;
out:
	buf_release(&words);
	return r;
}

static int is_stopword(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strlen(stopwords[i]) == n && !memcmp(stopwords[i], w, n))
			return 1;
	return 0;
}

/* Content words as an FTS5 OR query of quoted terms (no operators from users). */
static int fts_query(const struct words *q, struct buf *out)
{
	int r = 0;

	for (size_t i = 0; i < q->count && r == 0; i++) {
		size_t n = q->n[i];

		if (n < 2 || is_stopword(q->w[i], n))
			continue;
		if (out->len)
			r = buf_adds(out, " OR ");
		if (r == 0)
			r = buf_addch(out, '"');
		for (size_t k = 0; k < n && r == 0; k++) {
			unsigned char c = (unsigned char)q->w[i][k];

			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				r = buf_addch(out, (char)c);
		}
		if (r == 0)
			r = buf_addch(out, '"');
	}
	return r;
}

static int score_fts(struct search *s, struct db *db)
{
	static const double bonus[] = { 0.5, 0.3, 0.2 };
	struct buf fq;
	sqlite3_stmt *st;
	int r, rank = 0;

	buf_init(&fq, 8192);
	if ((r = fts_query(&s->q, &fq)) < 0 || !fq.len)
		goto out;
	if ((r = db_prepare(db, "SELECT p.code FROM programs_fts f JOIN programs p ON p.id = f.rowid"
				" WHERE programs_fts MATCH ?"
				" ORDER BY bm25(programs_fts, 10.0, 5.0, 8.0, 2.0, 1.0) LIMIT 3", &st)) < 0)
		goto out;
	db_bind_text(st, 1, fq.data);
	while ((r = db_step(st)) == DB_ROW) {
		struct prog *p = prog_slot(s, db_col_text(st, 0));

		if (p && rank < 3)
			p->fts += bonus[rank];
		rank++;
	}
out:
	buf_release(&fq);
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
	if ((r = db_prepare(db, "SELECT cue, weight FROM intent_cues WHERE intent = ?1 || ':@focus'",
			    &st)) < 0)
		return r;
	db_bind_text(st, 1, scope);
	while ((r = db_step(st)) == DB_ROW) {
		struct words ph;
		size_t pos[PS_PHRASE_WORDS];
		int gaps = 1;

		split_words(db_col_text(st, 0), &ph, 1);
		if (ph.count == 0 || ph.count > PS_PHRASE_WORDS || !find_phrase(&s->q, &ph, pos, &gaps) ||
		    gaps || pos[ph.count - 1] + 1 >= best)
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
	struct search *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	s->q.count = 0;
	s->p = NULL;
	s->covers = NULL;
	s->np = s->cap = 0;
	return s;
}

static void search_free(struct search *s)
{
	if (!s)
		return;
	free(s->p);
	free(s->covers);
	free(s);
}

/* Score every programme on norm: p[i].score. */
static int search_run(struct search *s, struct db *db, const char *norm, const char *scope)
{
	double first = 0, second = 0;
	int r;

	split_words(norm, &s->q, 1);
	for (size_t k = 0; k < PS_MAX_WORDS; k++)
		s->focus[k] = 1.0;
	if ((r = find_focus(s, db, scope)) < 0 || (r = score_phrases(s, db, scope)) < 0)
		return r;
	for (int i = 0; i < s->np; i++) {
		double sum = 0;

		for (size_t k = 0; k < s->q.count; k++)
			sum += s->p[i].cover[k];
		s->p[i].covered = sum;
		s->p[i].score = sum + s->p[i].always;
		if (s->p[i].score > first) {
			second = first;
			first = s->p[i].score;
		} else if (s->p[i].score > second) {
			second = s->p[i].score;
		}
	}
	/* FTS5 only breaks near-ties and answers what no phrase names: skip it
	 * when its bonus (at most PS_FTS_BONUS_MAX) cannot change the winner. */
	if (first >= PROGSEARCH_NAMED_MIN && first - second > PS_FTS_BONUS_MAX)
		return 0;
	if ((r = score_fts(s, db)) < 0)
		return r;
	for (int i = 0; i < s->np; i++)
		s->p[i].score += s->p[i].fts;
	return 0;
}

int progsearch_explain(struct db *db, const char *norm, const char *scope, struct buf *out)
{
	struct search *s = search_new();
	int r = GW_ERR_NOMEM, shown = 0;
	unsigned char used[PS_MAX_PROGRAMS];

	if (!s)
		goto out;
	if ((r = search_run(s, db, norm, scope)) < 0)
		goto out;
	memset(used, 0, sizeof(used));
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
	search_free(s);
	return r;
}

int progsearch_find(struct db *db, const char *norm, const char *scope, struct progsearch_hit *out)
{
	struct progsearch_hit h;
	struct search *s = search_new();
	int r = GW_ERR_NOMEM, best = -1, also = -1;

	if (!s)
		goto out;
	if ((r = search_run(s, db, norm, scope)) < 0)
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
	*out = h;
	r = 0;
out:
	search_free(s);
	return r;
}
