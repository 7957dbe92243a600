#include "handlers/understand/progsearch.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/normalize.h"
#include "handlers/vi/syllable.h"

#define PS_MAX_WORDS 256     /* question words read (a 10-part SMS has ~250) */
#define PS_JSON_MAX (1024 * 1024) /* a bound JSON list: the keys of a 256-word question,
                                   * the programme ids of a near-tie */
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
	size_t pos[PS_PHRASE_WORDS]; /* question words it covers */
	size_t nw;
	int gaps;
	int always;                 /* the "@always" cue */
	double v_kw;                /* value as a keyword or cue, before the row's weight */
	double v_code;              /* value as a programme code */
};

struct search {
	struct words q;
	double focus[PS_MAX_WORDS]; /* weight of each question word (1, or more after a focus cue) */
	double cover[PS_MAX_WORDS]; /* scratch: the programme being summed, per question word */
	struct prog *p; /* np used of cap: every programme a phrase of the question names */
	struct hit *h;  /* nh used of hcap, in id order */
	int np, cap, nh, hcap;
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

/* The phrases of every programme, normalised, in per-connection TEMP
 * tables: keywords are stored folded, not normalised, and normalising some
 * 300 of them (and joining codes and cues) for every question was most of
 * a search. Each distinct phrase is stored once (progsearch_phrase) with
 * its owners apart (progsearch_owner), so a phrase shared by a thousand
 * programmes is looked at once; its key (first and last word) lets a
 * question fetch only the phrases whose ends it holds close enough
 * together. The copy is rebuilt when it may be stale: another connection
 * committed (PRAGMA data_version moved: `gatewayctl import` or `keyword`),
 * or this connection changed programmes, keywords or cues (TEMP triggers
 * empty progsearch_state). A rolled-back transaction takes the TEMP
 * tables with it; they are simply made again. */
static const char cache_schema[] =
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_stage (scope TEXT NOT NULL, code TEXT NOT NULL,"
	" pid INTEGER NOT NULL, phrase TEXT NOT NULL, key TEXT NOT NULL, weight REAL NOT NULL,"
	" kind INTEGER NOT NULL);"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_phrase (id INTEGER PRIMARY KEY,"
	" phrase TEXT NOT NULL UNIQUE, key TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS temp.progsearch_phrase_key ON progsearch_phrase (key);"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_owner (phrase_id INTEGER NOT NULL,"
	" scope TEXT NOT NULL, pid INTEGER NOT NULL, kind INTEGER NOT NULL, weight REAL NOT NULL,"
	" code TEXT NOT NULL, PRIMARY KEY (phrase_id, scope, pid, kind, weight)) WITHOUT ROWID;"
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.progsearch_vocab"
	" USING fts5vocab(main, 'programs_fts', 'row');"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_common (term TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_state (data_version INTEGER NOT NULL,"
	" span INTEGER NOT NULL);"
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

/* The key a phrase is found by: its first word, or its first and last
 * words. 0 for a phrase that can never match (no words, or too many), else
 * its number of words. */
static int phrase_key(const char *phrase, struct buf *key)
{
	struct words ph;
	int r = 0;

	buf_reset(key);
	ph.count = 0;
	if (!strcmp(phrase, "@always")) {
		ph.count = 1;
		r = buf_adds(key, phrase);
		goto out;
	}
	split_words(phrase, &ph, 1);
	if (ph.count == 0 || ph.count > PS_PHRASE_WORDS) {
		ph.count = 0;
		goto out;
	}
	if ((r = buf_add(key, ph.w[0], ph.n[0])) == 0 && ph.count > 1 &&
	    (r = buf_addch(key, ' ')) == 0)
		r = buf_add(key, ph.w[ph.count - 1], ph.n[ph.count - 1]);
out:
	return r < 0 ? r : (int)ph.count;
}

static int add_phrase(struct db *db, sqlite3_stmt *row, const char *phrase, const char *key)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "INSERT INTO temp.progsearch_stage (scope, code, pid, phrase, key,"
				" weight, kind) VALUES (?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
		goto out;
	db_bind_text(st, 1, db_col_text(row, 1));
	db_bind_text(st, 2, db_col_text(row, 2));
	sqlite3_bind_int64(st, 3, sqlite3_column_int64(row, 5));
	db_bind_text(st, 4, phrase);
	db_bind_text(st, 5, key);
	sqlite3_bind_double(st, 6, sqlite3_column_double(row, 4));
	sqlite3_bind_int(st, 7, sqlite3_column_int(row, 0));
	r = db_step(st);
out:
	return r < 0 ? r : 0;
}

/* Fill the cache from program_keywords (kind 0, normalised here), the
 * programme codes (kind 1) and the programme cues (kind 2); *span as for
 * cache_ready. */
static int cache_build(struct db *db, int64_t version, int *span)
{
	struct buf norm, key;
	sqlite3_stmt *st;
	int r, words, most = 1;

	buf_init(&norm, 4096);
	buf_init(&key, 4096);
	if ((r = db_exec(db, "DELETE FROM temp.progsearch_stage; DELETE FROM temp.progsearch_owner;"
			     " DELETE FROM temp.progsearch_phrase; DELETE FROM temp.progsearch_state;")) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT 0, 'program', p.code, k.folded, 1.0, p.id"
				" FROM program_keywords k JOIN programs p ON p.id = k.program_id"
				" UNION ALL SELECT 1, 'program', code, lower(replace(code, '-', ' ')), 1.0, id"
				" FROM programs"
				" UNION ALL SELECT 2, substr(c.intent, 1, instr(c.intent, ':') - 1), p.code,"
				"  c.cue, c.weight, p.id FROM intent_cues c JOIN programs p"
				"  ON p.code = substr(c.intent, instr(c.intent, ':') + 1)"
				"  WHERE instr(c.intent, ':') > 0", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		const char *text = db_col_text(st, 3);

		buf_reset(&norm);
		if ((r = sqlite3_column_int(st, 0) == 0 ? normalize_text(&norm, text, strlen(text))
							 : buf_adds(&norm, text)) < 0 ||
		    (words = r = phrase_key(norm.data, &key)) < 0 ||
		    (words > 0 && (r = add_phrase(db, st, norm.data, key.data)) < 0)) {
			sqlite3_reset(st);
			goto out;
		}
		if (words > most)
			most = words;
	}
	if (r < 0)
		goto out;
	if ((r = db_exec(db, "INSERT INTO temp.progsearch_phrase (phrase, key)"
			     " SELECT phrase, min(key) FROM temp.progsearch_stage GROUP BY phrase;"
			     "INSERT OR IGNORE INTO temp.progsearch_owner (phrase_id, scope, code, pid, weight,"
			     " kind)"
			     " SELECT p.id, s.scope, s.code, s.pid, s.weight, s.kind"
			     " FROM temp.progsearch_stage s"
			     " JOIN temp.progsearch_phrase p ON p.phrase = s.phrase;"
			     "DELETE FROM temp.progsearch_stage;"
			     /* FTS5's bm25 floors the IDF of a term in half the rows or
			      * more at 1e-6: such a term ranks nothing, but makes a
			      * query score every programme (see fts_query) */
			     "DELETE FROM temp.progsearch_common;"
			     "INSERT INTO temp.progsearch_common SELECT term FROM temp.progsearch_vocab"
			     " WHERE doc * 2 >= (SELECT count(*) FROM programs);")) < 0)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO temp.progsearch_state (data_version, span)"
				" VALUES (?, ?)", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, version);
	/* the last word of a phrase of `most` words, gaps included */
	sqlite3_bind_int(st, 2, most - 1 + PROGSEARCH_GAP_MAX);
	if ((r = db_step(st)) < 0)
		goto out;
	*span = most - 1 + PROGSEARCH_GAP_MAX;
	r = 0;
out:
	buf_release(&norm);
	buf_release(&key);
	return r;
}

/* Make sure the cache exists and is current; *span: how many words after
 * a phrase's first word its last one can be. */
static int cache_ready(struct db *db, int *span)
{
	sqlite3_stmt *st;
	int64_t have = 0, version = 0;
	int r, fresh = 0;

	if ((r = db_query_int64(db, "SELECT count(*) FROM temp.sqlite_master"
				    " WHERE name = 'progsearch_state'", &have)) < 0)
		goto out;
	if (!have && (r = db_exec(db, cache_schema)) < 0)
		goto out;
	if ((r = db_query_int64(db, "PRAGMA data_version", &version)) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT data_version, span FROM temp.progsearch_state", &st)) < 0)
		goto out;
	if ((r = db_step(st)) == DB_ROW) {
		fresh = sqlite3_column_int64(st, 0) == version;
		*span = sqlite3_column_int(st, 1);
		sqlite3_reset(st);
	}
	if (r < 0 || fresh)
		goto out;
	r = cache_build(db, version, span);
out:
	return r < 0 ? r : 0;
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

/* w as the inside of a JSON string. */
static int json_chars(struct buf *out, const char *w, size_t n)
{
	int r = 0;

	for (size_t k = 0; k < n && r == 0; k++) {
		unsigned char c = (unsigned char)w[k];

		if (c == '"' || c == '\\')
			r = buf_addch(out, '\\');
		if (r == 0)
			r = c < 0x20 ? buf_addch(out, ' ') : buf_addch(out, (char)c);
	}
	return r;
}

/* ,"first" or ,"first last" */
static int json_key(struct buf *out, const struct words *q, size_t first, size_t last)
{
	int r;

	if ((r = buf_adds(out, ",\"")) < 0 || (r = json_chars(out, q->w[first], q->n[first])) < 0 ||
	    (last != first && ((r = buf_addch(out, ' ')) < 0 ||
			       (r = json_chars(out, q->w[last], q->n[last])) < 0)))
		goto out;
	r = buf_addch(out, '"');
out:
	return r;
}

/* The keys a phrase in the question can have, as a JSON array: every word,
 * and every word with each one up to span words after it. */
static int keys_json(const struct words *q, int span, struct buf *out)
{
	int r = buf_adds(out, "[\"@always\"");

	for (size_t i = 0; i < q->count && r == 0; i++)
		for (size_t j = i; j < q->count && j <= i + (size_t)span && r == 0; j++)
			r = json_key(out, q, i, j);
	return r == 0 ? buf_addch(out, ']') : r;
}

/* Value every distinct phrase whose key the question holds: s->h. */
static int match_phrases(struct search *s, struct db *db, int span)
{
	struct buf keys;
	sqlite3_stmt *st;
	int r;

	buf_init(&keys, PS_JSON_MAX);
	if ((r = keys_json(&s->q, span, &keys)) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT id, phrase FROM temp.progsearch_phrase"
				" WHERE key IN (SELECT value FROM json_each(?)) ORDER BY id", &st)) < 0)
		goto out;
	db_bind_text(st, 1, keys.data);
	while ((r = db_step(st)) == DB_ROW) {
		const char *text = db_col_text(st, 1);
		struct words ph;
		struct hit h;
		double len;

		memset(&h, 0, sizeof(h));
		h.always = !strcmp(text, "@always");
		split_words(text, &ph, 1);
		if (!h.always && (ph.count == 0 || ph.count > PS_PHRASE_WORDS ||
				  !find_phrase(&s->q, &ph, h.pos, &h.gaps)))
			continue;
		h.id = sqlite3_column_int64(st, 0);
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
				sqlite3_reset(st);
				r = GW_ERR_NOMEM;
				goto out;
			}
			s->h = grown;
			s->hcap = cap;
		}
		s->h[s->nh++] = h;
	}
out:
	buf_release(&keys);
	return r < 0 ? r : 0;
}

static int hit_cmp(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key, other = ((const struct hit *)elem)->id;

	return id < other ? -1 : id > other;
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

/* Every programme owning a matched phrase for this scope, its rows one
 * after another (ORDER BY pid): kind 0 a keyword, 1 a code, 2 a
 * programme cue. */
static int score_owners(struct search *s, struct db *db, const char *scope)
{
	struct buf ids;
	sqlite3_stmt *st;
	struct prog *p = NULL;
	size_t lo = PS_MAX_WORDS, hi = 0;
	int r = 0;

	buf_init(&ids, PS_JSON_MAX);
	if (!s->nh)
		goto out;
	for (int i = 0; i < s->nh && r == 0; i++)
		r = buf_addf(&ids, "%c%lld", i ? ',' : '[', (long long)s->h[i].id);
	if (r < 0 || (r = buf_addch(&ids, ']')) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT code, phrase_id, weight, kind, pid FROM temp.progsearch_owner"
				" WHERE phrase_id IN (SELECT value FROM json_each(?1))"
				" AND scope IN ('program', ?2) ORDER BY pid", &st)) < 0)
		goto out;
	db_bind_text(st, 1, ids.data);
	db_bind_text(st, 2, scope ? scope : "program");
	while ((r = db_step(st)) == DB_ROW) {
		const char *code = db_col_text(st, 0);
		int64_t id = sqlite3_column_int64(st, 1);
		double w = sqlite3_column_double(st, 2), value;
		int kind = sqlite3_column_int(st, 3);
		const struct hit *h = bsearch(&id, s->h, (size_t)s->nh, sizeof(*s->h), hit_cmp);

		if (!h)
			continue;
		if (!p || p->id != sqlite3_column_int64(st, 4)) {
			if (p)
				prog_close(s, p, lo, hi);
			lo = PS_MAX_WORDS;
			hi = 0;
			if (!(p = prog_add(s, code, sqlite3_column_int64(st, 4))))
				continue; /* no memory, or a code too long to be one */
		}
		if (h->always) {
			if (kind == 2)
				p->always += w;
			continue;
		}
		value = kind == 1 ? h->v_code : w * h->v_kw;
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
	buf_release(&ids);
	return r < 0 ? r : 0;
}

static int score_phrases(struct search *s, struct db *db, const char *scope)
{
	int span = PROGSEARCH_GAP_MAX, r;

	if ((r = cache_ready(db, &span)) < 0 || (r = match_phrases(s, db, span)) < 0)
		return r;
	return score_owners(s, db, scope);
}

static int is_stopword(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strlen(stopwords[i]) == n && !memcmp(stopwords[i], w, n))
			return 1;
	return 0;
}

/* Content words as a JSON array of FTS5 terms (letters and digits). */
static int fts_terms(const struct words *q, struct buf *out)
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
static int fts_query(const struct words *q, struct db *db, int all, struct buf *out, int *dropped)
{
	struct buf terms;
	sqlite3_stmt *st;
	int r;

	buf_init(&terms, 8192);
	buf_reset(out);
	*dropped = 0;
	if ((r = fts_terms(q, &terms)) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT value, ?2 OR value NOT IN (SELECT term FROM temp.progsearch_common)"
				" FROM json_each(?1) ORDER BY key", &st)) < 0)
		goto out;
	db_bind_text(st, 1, terms.data);
	sqlite3_bind_int(st, 2, all);
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
		r = db_prepare(db, "SELECT rowid, NULL FROM programs_fts WHERE programs_fts MATCH ?1"
				   " AND +rowid IN (SELECT value FROM json_each(?2))"
				   " ORDER BY bm25(programs_fts, 10.0, 5.0, 8.0, 2.0, 1.0) LIMIT 3", &st);
	else
		/* Ranked inside FTS5, joined after the LIMIT: joining first looked
		 * up every matching programme's row (thousands of pages) to keep three. */
		r = db_prepare(db, "SELECT f.id, p.code FROM (SELECT rowid AS id,"
				   "  bm25(programs_fts, 10.0, 5.0, 8.0, 2.0, 1.0) AS rank FROM programs_fts"
				   "  WHERE programs_fts MATCH ?1 ORDER BY rank LIMIT 3) f"
				   " JOIN programs p ON p.id = f.id ORDER BY f.rank", &st);
	if (r < 0)
		return r;
	db_bind_text(st, 1, fq);
	if (ids)
		db_bind_text(st, 2, ids);
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

	split_words(norm, &s->q, 1);
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
