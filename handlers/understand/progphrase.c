/* progphrase.c - see progphrase.h. */
#include "handlers/understand/progphrase.h"

#include <string.h>

#include "common/gw_err.h"
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

/* The TEMP tables and the triggers that empty progsearch_state when this
 * connection changes what the copy was made from. */
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
	if ((r = db_run(db, "INSERT INTO temp.progsearch_state (data_version, span) VALUES (?, ?)",
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
static int json_key(struct buf *out, const struct progphrase_words *q, size_t first, size_t last)
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

int progphrase_keys(const struct progphrase_words *q, int span, struct buf *out)
{
	int r = buf_adds(out, "[\"@always\"");

	for (size_t i = 0; i < q->count && r == 0; i++)
		for (size_t j = i; j < q->count && j <= i + (size_t)span && r == 0; j++)
			r = json_key(out, q, i, j);
	return r == 0 ? buf_addch(out, ']') : r;
}

