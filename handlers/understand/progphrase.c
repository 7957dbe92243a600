/* progphrase.c - see progphrase.h. */
#include "handlers/understand/progphrase.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/store.h"
#include "handlers/vi/normalize.h"

void progphrase_split(const char *s, struct progphrase_words *ws)
{
	ws->count = 0;
	while (*s && ws->count < PROGPHRASE_MAX_WORDS) {
		size_t n = 0;
		unsigned char c;

		while (*s == ' ')
			s++;
		while (s[n] && s[n] != ' ')
			n++;
		if (!n)
			break;
		c = (unsigned char)s[0];
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			ws->w[ws->count] = s;
			ws->n[ws->count] = n;
			ws->count++;
		}
		s += n;
	}
}

int progphrase_same(const struct progphrase_words *a, size_t i, const struct progphrase_words *b,
		    size_t j)
{
	return a->n[i] == b->n[j] && memcmp(a->w[i], b->w[j], a->n[i]) == 0;
}

int progphrase_find(const struct progphrase_words *q, const struct progphrase_words *ph,
		    size_t *pos, int *gapped)
{
	if (ph->count == 0 || ph->count > PROGPHRASE_WORDS)
		return 0;
	for (size_t s = 0; s + ph->count <= q->count; s++) {
		size_t k = 0;

		while (k < ph->count && progphrase_same(q, s + k, ph, k))
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

		if (!progphrase_same(q, s, ph, 0))
			continue;
		while (k < ph->count && i < q->count && gaps <= PROGPHRASE_GAP_MAX) {
			if (progphrase_same(q, i, ph, k))
				pos[k++] = i;
			else if (k > 0)
				gaps++;
			i++;
		}
		if (k == ph->count && gaps <= PROGPHRASE_GAP_MAX) {
			*gapped = (int)gaps;
			return 1;
		}
	}
	return 0;
}

/* The TEMP tables; progsearch_state says which content version
 * (store_content_version) they were filled from. */
static const char cache_schema[] =
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_stage (scope TEXT NOT NULL, code TEXT NOT NULL,"
	" pid INTEGER NOT NULL, phrase TEXT NOT NULL, key TEXT NOT NULL, weight REAL NOT NULL,"
	" kind INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS temp.progsearch_stage_phrase ON progsearch_stage (phrase);"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_phrase (id INTEGER PRIMARY KEY,"
	" phrase TEXT NOT NULL UNIQUE, key TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS temp.progsearch_phrase_key ON progsearch_phrase (key);"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_owner (phrase_id INTEGER NOT NULL,"
	" scope TEXT NOT NULL, pid INTEGER NOT NULL, kind INTEGER NOT NULL, weight REAL NOT NULL,"
	" code TEXT NOT NULL, PRIMARY KEY (phrase_id, scope, pid, kind, weight)) WITHOUT ROWID;"
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.progsearch_vocab"
	" USING fts5vocab(main, 'programs_fts', 'row');"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_common (term TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TEMP TABLE IF NOT EXISTS progsearch_state (version INTEGER NOT NULL,"
	" span INTEGER NOT NULL, build INTEGER NOT NULL);";

/* The key a phrase is found by: its first word, or its first and last
 * words. 0 for a phrase that can never match (no words, or too many), else
 * its number of words. */
static int phrase_key(const char *phrase, struct buf *key)
{
	struct progphrase_words ph;
	int r = 0;

	buf_reset(key);
	ph.count = 0;
	if (!strcmp(phrase, "@always")) {
		ph.count = 1;
		r = buf_adds(key, phrase);
		goto out;
	}
	progphrase_split(phrase, &ph);
	if (ph.count == 0 || ph.count > PROGPHRASE_WORDS) {
		ph.count = 0;
		goto out;
	}
	if ((r = buf_add(key, ph.w[0], ph.n[0])) == 0 && ph.count > 1 &&
	    (r = buf_addch(key, ' ')) == 0)
		r = buf_add(key, ph.w[ph.count - 1], ph.n[ph.count - 1]);
out:
	return r < 0 ? r : (int)ph.count;
}

/* Stage phrase, of the row of cache_build's query. */
static int add_phrase(struct db *db, sqlite3_stmt *row, const char *phrase, const char *key)
{
	return db_run(db, "INSERT INTO temp.progsearch_stage (scope, code, pid, phrase, key, weight,"
			  " kind) VALUES (?, ?, ?, ?, ?, ?, ?)",
		      DB_ARGS(DB_TEXT(db_col_text(row, 1)), DB_TEXT(db_col_text(row, 2)),
			      DB_INT(sqlite3_column_int64(row, 5)), DB_TEXT(phrase), DB_TEXT(key),
			      DB_REAL(sqlite3_column_double(row, 4)), DB_INT(sqlite3_column_int(row, 0))));
}

/* Fill the cache from program_keywords (kind 0, normalised here), the
 * programme codes (kind 1) and the programme cues (kind 2); *span as for
 * progphrase_cache_ready. */
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
	/* the last word of a phrase of `most` words, gaps included */
	if ((r = db_run(db, "INSERT INTO temp.progsearch_state (version, span, build)"
			    " VALUES (?, ?, random())",
			DB_ARGS(DB_INT(version), DB_INT(most - 1 + PROGPHRASE_GAP_MAX)))) < 0)
		goto out;
	*span = most - 1 + PROGPHRASE_GAP_MAX;
	r = 0;
out:
	buf_release(&norm);
	buf_release(&key);
	return r;
}

int progphrase_cache_ready(struct db *db, int *span)
{
	int64_t build = 0;

	return progphrase_cache_build(db, span, &build);
}

int progphrase_cache_build(struct db *db, int *span, int64_t *build)
{
	sqlite3_stmt *st;
	int64_t version = 0;
	int r = 0, fresh = 0;

	/* (a rolled-back transaction may have taken the TEMP tables with it) */
	if (!db_table_exists(db, "temp", "progsearch_state") && (r = db_exec(db, cache_schema)) < 0)
		goto out;
	if ((r = store_content_version(db, &version)) < 0)
		goto out;
	for (int pass = 0; pass < 2 && !fresh; pass++) {
		if ((r = db_prepare(db, "SELECT version, span, build FROM temp.progsearch_state",
				    &st)) < 0)
			goto out;
		if ((r = db_step(st)) == DB_ROW) {
			fresh = sqlite3_column_int64(st, 0) == version;
			*span = sqlite3_column_int(st, 1);
			*build = sqlite3_column_int64(st, 2);
			sqlite3_reset(st);
		}
		if (r < 0 || fresh || pass)
			break;
		if ((r = cache_build(db, version, span)) < 0)
			goto out;
	}
out:
	return r < 0 ? r : 0;
}

/* The phrases by key, in memory: looking the question's keys up in the
 * TEMP table through json_each() was a fifth of the handler's time. */
struct progphrase_entry {
	const char *key, *phrase;
	int64_t id;
};

struct progphrase_index {
	struct progphrase_entry *e; /* sorted by key, then id */
	size_t n;
	char *text;                 /* the keys and phrases */
	struct progphrase_owner *o; /* temp.progsearch_owner in its key order */
	int64_t *o_phrase;          /* o[i]'s phrase id */
	size_t no;
	char *o_text;               /* the owners' codes and scopes */
};

static const char index_memo = 0; /* its address is the memo's key */

static void index_release(void *p)
{
	struct progphrase_index *ix = p;

	if (ix) {
		free(ix->e);
		free(ix->text);
		free(ix->o);
		free(ix->o_phrase);
		free(ix->o_text);
	}
	free(ix);
}

static int index_read(struct db *db, struct progphrase_index *ix)
{
	sqlite3_stmt *st;
	struct buf text;
	size_t cap = 0, *off = NULL;
	int r;

	buf_init(&text, (size_t)1 << 30);
	if ((r = db_prepare(db, "SELECT id, key, phrase FROM temp.progsearch_phrase"
				" ORDER BY key, id", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		if (ix->n == cap) {
			size_t *grown = realloc(off, 2 * (cap ? 2 * cap : 256) * sizeof(*off));
			struct progphrase_entry *e = realloc(ix->e, (cap ? 2 * cap : 256) * sizeof(*e));

			if (grown)
				off = grown;
			if (e)
				ix->e = e;
			if (!grown || !e) {
				r = GW_ERR_NOMEM;
				break;
			}
			cap = cap ? 2 * cap : 256;
		}
		ix->e[ix->n].id = sqlite3_column_int64(st, 0);
		off[2 * ix->n] = text.len;
		if ((r = buf_add(&text, db_col_text(st, 1), strlen(db_col_text(st, 1)) + 1)) < 0)
			break;
		off[2 * ix->n + 1] = text.len;
		if ((r = buf_add(&text, db_col_text(st, 2), strlen(db_col_text(st, 2)) + 1)) < 0)
			break;
		ix->n++;
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	if (r < 0)
		goto out;
	ix->text = buf_detach(&text, NULL);
	for (size_t i = 0; ix->text && i < ix->n; i++) {
		ix->e[i].key = ix->text + off[2 * i];
		ix->e[i].phrase = ix->text + off[2 * i + 1];
	}
	r = ix->text ? 0 : GW_ERR_NOMEM;
out:
	free(off);
	buf_release(&text);
	return r;
}

/* The owners, in the table's key order (phrase, scope, programme, kind,
 * weight): what the scoring query read, phrase by phrase. */
static int owners_read(struct db *db, struct progphrase_index *ix)
{
	sqlite3_stmt *st;
	struct buf text;
	size_t cap = 0, *off = NULL;
	int r;

	buf_init(&text, (size_t)1 << 30);
	if ((r = db_prepare(db, "SELECT phrase_id, scope, pid, kind, weight, code"
				" FROM temp.progsearch_owner ORDER BY phrase_id, scope, pid, kind, weight",
			    &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		if (ix->no == cap) {
			size_t want = cap ? 2 * cap : 256;
			struct progphrase_owner *o = realloc(ix->o, want * sizeof(*o));
			int64_t *ph = o ? realloc(ix->o_phrase, want * sizeof(*ph)) : NULL;
			size_t *grown = ph ? realloc(off, 2 * want * sizeof(*off)) : NULL;

			ix->o = o ? o : ix->o;
			ix->o_phrase = ph ? ph : ix->o_phrase;
			off = grown ? grown : off;
			if (!grown) {
				r = GW_ERR_NOMEM;
				break;
			}
			cap = want;
		}
		ix->o_phrase[ix->no] = sqlite3_column_int64(st, 0);
		ix->o[ix->no].pid = sqlite3_column_int64(st, 2);
		ix->o[ix->no].kind = sqlite3_column_int(st, 3);
		ix->o[ix->no].weight = sqlite3_column_double(st, 4);
		off[2 * ix->no] = text.len;
		if ((r = buf_add(&text, db_col_text(st, 1), strlen(db_col_text(st, 1)) + 1)) < 0)
			break;
		off[2 * ix->no + 1] = text.len;
		if ((r = buf_add(&text, db_col_text(st, 5), strlen(db_col_text(st, 5)) + 1)) < 0)
			break;
		ix->no++;
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	if (r < 0)
		goto out;
	ix->o_text = buf_detach(&text, NULL);
	for (size_t i = 0; ix->o_text && i < ix->no; i++) {
		ix->o[i].scope = ix->o_text + off[2 * i];
		ix->o[i].code = ix->o_text + off[2 * i + 1];
	}
	r = ix->o_text ? 0 : GW_ERR_NOMEM;
out:
	free(off);
	buf_release(&text);
	return r;
}

const struct progphrase_owner *progphrase_owners(const struct progphrase_index *ix,
						 int64_t phrase_id, size_t *n)
{
	size_t lo = 0, hi = ix->no, end;

	while (lo < hi) { /* the first owner of phrase_id or a later one */
		size_t mid = lo + (hi - lo) / 2;

		if (ix->o_phrase[mid] < phrase_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ix->no && ix->o_phrase[end] == phrase_id; end++)
		;
	*n = end - lo;
	return ix->o + lo;
}

int progphrase_index(struct db *db, const struct progphrase_index **out, int *span)
{
	struct progphrase_index *ix = NULL;
	int64_t build = 0;
	int r;

	/* filed by the cache's build, not the content version: a TEMP table
	 * rolled back and built again has new ids */
	if ((r = progphrase_cache_build(db, span, &build)) < 0 ||
	    (*out = db_memo(db, &index_memo, build)))
		goto out;
	if (!(ix = calloc(1, sizeof(*ix)))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	if ((r = index_read(db, ix)) < 0 || (r = owners_read(db, ix)) < 0)
		goto out;
	db_memo_keep(db, &index_memo, build, ix, index_release);
	*out = ix;
	ix = NULL;
out:
	index_release(ix);
	return r;
}

/* Add the phrases filed under key[0..n) to *refs. */
static int lookup_key(const struct progphrase_index *ix, const char *key, size_t n,
		      struct progphrase_ref **refs, size_t *nrefs, size_t *cap)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) { /* the first entry whose key is not below key */
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(ix->e[mid].key, key, n);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && !strncmp(ix->e[lo].key, key, n); lo++) {
		if (ix->e[lo].key[n] != '\0')
			continue; /* a longer key that starts with this one */
		if (*nrefs == *cap) {
			struct progphrase_ref *grown = realloc(*refs, (*cap ? 2 * *cap : 64) * sizeof(**refs));

			if (!grown)
				return GW_ERR_NOMEM;
			*refs = grown;
			*cap = *cap ? 2 * *cap : 64;
		}
		(*refs)[(*nrefs)++] = (struct progphrase_ref){ ix->e[lo].id, ix->e[lo].phrase };
	}
	return 0;
}

static int ref_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct progphrase_ref *)a)->id, y = ((const struct progphrase_ref *)b)->id;

	return x < y ? -1 : x > y;
}

/* A word as a key holds it: control characters are spaces (as in the JSON
 * the keys used to travel in). */
static int key_word(struct buf *k, const char *w, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = buf_addch(k, (unsigned char)w[i] < 0x20 ? ' ' : w[i]);
	return r;
}

int progphrase_lookup(const struct progphrase_index *ix, const struct progphrase_words *q,
		      int span, struct progphrase_ref **out, size_t *n)
{
	struct progphrase_ref *refs = NULL;
	size_t nrefs = 0, cap = 0, kept = 0;
	struct buf k;
	int r;

	buf_init(&k, 4096);
	if ((r = lookup_key(ix, "@always", 7, &refs, &nrefs, &cap)) < 0)
		goto out;
	for (size_t i = 0; i < q->count && r == 0; i++)
		for (size_t j = i; j < q->count && j <= i + (size_t)span && r == 0; j++) {
			buf_reset(&k);
			if ((r = key_word(&k, q->w[i], q->n[i])) < 0 ||
			    (j != i && ((r = buf_addch(&k, ' ')) < 0 ||
					(r = key_word(&k, q->w[j], q->n[j])) < 0)))
				break;
			r = lookup_key(ix, k.data, k.len, &refs, &nrefs, &cap);
		}
	if (r < 0)
		goto out;
	/* in id order, each once (two keys of the question may be the same) */
	if (nrefs)
		qsort(refs, nrefs, sizeof(*refs), ref_cmp);
	for (size_t i = 0; i < nrefs; i++)
		if (!kept || refs[kept - 1].id != refs[i].id)
			refs[kept++] = refs[i];
	*out = refs;
	*n = kept;
	refs = NULL;
out:
	free(refs);
	buf_release(&k);
	return r;
}
