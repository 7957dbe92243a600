#include "gateway/content/content_programs.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content_rows.h"
#include "handlers/vi/textfold.h"

#define PROGRAM_TEXT_MAX (64 * 1024)

/* The text fields of a record, in canonical order (keywords and needs_check
 * follow). effective_* are dates or null, the rest text ("" when absent). */
static const char *const text_keys[] = {
	"code", "category", "title_vi", "title_en", "summary_vi", "summary_en",
	"details_vi", "eligibility_vi", "how_to_apply_vi", "documents_vi", "office",
	"legal_basis", "effective_from", "effective_until", "caveat",
};

/* The stored program in canonical form, built by SQLite (one statement, so
 * one consistent read). Two texts, because an OR on code would scan. */
#define PROGRAM_JSON \
	"SELECT p.id, p.version, json_object('code', code, 'category', category," \
	" 'title_vi', title_vi, 'title_en', title_en, 'summary_vi', summary_vi," \
	" 'summary_en', summary_en, 'details_vi', details_vi," \
	" 'eligibility_vi', eligibility_vi, 'how_to_apply_vi', how_to_apply_vi," \
	" 'documents_vi', documents_vi, 'office', office, 'legal_basis', legal_basis," \
	" 'effective_from', effective_from, 'effective_until', effective_until," \
	" 'caveat', caveat, 'keywords', (SELECT json_group_array(keyword) FROM" \
	"   (SELECT keyword FROM program_keywords k WHERE k.program_id = p.id ORDER BY rowid))," \
	" 'needs_check', json(CASE WHEN needs_check THEN 'true' ELSE 'false' END))" \
	" FROM programs p"

static const char *str_or(json_t *rec, const char *key, const char *def)
{
	json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? json_string_value(v) : def;
}

json_t *content_programs_canonical(json_t *rec)
{
	json_t *o = json_object(), *kw = json_object_get(rec, "keywords");
	json_t *nc = json_object_get(rec, "needs_check");

	if (!o)
		return NULL;
	for (size_t i = 0; i < sizeof(text_keys) / sizeof(text_keys[0]); i++) {
		json_t *v = json_object_get(rec, text_keys[i]);
		int nullable = strncmp(text_keys[i], "effective", 9) == 0;

		json_object_set_new(o, text_keys[i], json_is_string(v) ? json_copy(v)
						   : nullable ? json_null() : json_string(""));
	}
	json_object_set_new(o, "keywords", json_is_array(kw) ? json_deep_copy(kw) : json_array());
	json_object_set_new(o, "needs_check", json_boolean(json_is_boolean(nc) ? json_is_true(nc)
				     : *str_or(rec, "caveat", "") != '\0'));
	return o;
}

/* Row of PROGRAM_JSON -> record, id, version. */
static int row_record(sqlite3_stmt *st, json_t **rec, int64_t *id, int *version)
{
	json_t *o = json_loads(db_col_text(st, 2), 0, NULL);
	int r = GW_ERR_CORRUPT;

	if (!o)
		goto out;
	if (id)
		*id = sqlite3_column_int64(st, 0);
	if (version)
		*version = sqlite3_column_int(st, 1);
	*rec = o;
	r = 0;
out:
	return r;
}

static int program_get(struct db *db, const char *code, json_t **rec, int64_t *id, int *version)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, PROGRAM_JSON " WHERE code = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, code);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	r = row_record(st, rec, id, version);
	sqlite3_reset(st);
out:
	return r;
}

int content_programs_get(struct db *db, const char *code, json_t **rec, int *version)
{
	return program_get(db, code, rec, NULL, version);
}

int content_programs_version(struct db *db, const char *code, int version, json_t **rec)
{
	json_t *cur = NULL, *old = NULL, *canon;
	sqlite3_stmt *st;
	int curv = 0, r;

	r = program_get(db, code, &cur, NULL, &curv);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	if (r == 0 && curv == version) {
		*rec = cur;
		cur = NULL;
		goto out;
	}
	if ((r = db_prepare(db, "SELECT data FROM program_history WHERE code = ? AND version = ?",
			    &st)) < 0)
		goto out;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, version);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	old = json_loads(db_col_text(st, 0), 0, NULL);
	sqlite3_reset(st);
	if (!old) {
		r = GW_ERR_CORRUPT;
		goto out;
	}
	/* entries written before needs_check was kept get it from the caveat */
	if (!(canon = content_programs_canonical(old))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	*rec = canon;
	r = 0;
out:
	json_decref(cur);
	json_decref(old);
	return r;
}

static int fold_into(struct buf *b, const char *s)
{
	if (b->len && buf_addch(b, ' ') < 0)
		return GW_ERR_TOOBIG;
	return textfold_ascii(b, s, strlen(s));
}

/* Re-write the folded search row of one program. */
static int index_program(struct db *db, int64_t id, json_t *rec)
{
	struct buf title, kws, summary, details;
	sqlite3_stmt *st;
	json_t *v;
	size_t i;
	int r;

	buf_init(&title, PROGRAM_TEXT_MAX);
	buf_init(&kws, PROGRAM_TEXT_MAX);
	buf_init(&summary, PROGRAM_TEXT_MAX);
	buf_init(&details, 4 * PROGRAM_TEXT_MAX);
	if ((r = fold_into(&title, str_or(rec, "title_vi", ""))) < 0 ||
	    (r = fold_into(&title, str_or(rec, "title_en", ""))) < 0)
		goto out;
	json_array_foreach(json_object_get(rec, "keywords"), i, v)
		if ((r = fold_into(&kws, json_string_value(v))) < 0)
			goto out;
	if ((r = fold_into(&summary, str_or(rec, "summary_vi", ""))) < 0 ||
	    (r = fold_into(&summary, str_or(rec, "summary_en", ""))) < 0)
		goto out;
	if ((r = fold_into(&details, str_or(rec, "details_vi", ""))) < 0 ||
	    (r = fold_into(&details, str_or(rec, "eligibility_vi", ""))) < 0 ||
	    (r = fold_into(&details, str_or(rec, "how_to_apply_vi", ""))) < 0)
		goto out;
	if ((r = db_prepare(db, "DELETE FROM programs_fts WHERE rowid = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) < 0)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO programs_fts (rowid, code, title, keywords, summary,"
				" details) VALUES (?, ?, ?, ?, ?, ?)", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, str_or(rec, "code", ""));
	db_bind_text(st, 3, title.data);
	db_bind_text(st, 4, kws.data);
	db_bind_text(st, 5, summary.data);
	db_bind_text(st, 6, details.data);
	r = db_step(st);
	r = r < 0 ? r : 0;
out:
	buf_release(&title);
	buf_release(&kws);
	buf_release(&summary);
	buf_release(&details);
	return r;
}

static int program_keywords(struct db *db, int64_t id, json_t *rec)
{
	struct buf f;
	sqlite3_stmt *st;
	json_t *v;
	size_t i;
	int r;

	buf_init(&f, 1024);
	if ((r = db_prepare(db, "DELETE FROM program_keywords WHERE program_id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) < 0)
		goto out;
	json_array_foreach(json_object_get(rec, "keywords"), i, v) {
		buf_reset(&f);
		if ((r = textfold_ascii(&f, json_string_value(v), json_string_length(v))) < 0 ||
		    (r = db_prepare(db, "INSERT OR IGNORE INTO program_keywords (program_id, keyword,"
					" folded) VALUES (?, ?, ?)", &st)) < 0)
			goto out;
		sqlite3_bind_int64(st, 1, id);
		db_bind_text(st, 2, json_string_value(v));
		db_bind_text(st, 3, f.data);
		if ((r = db_step(st)) < 0)
			goto out;
	}
	r = 0;
out:
	buf_release(&f);
	return r;
}

static int keep_history(struct db *db, const char *code, int version, json_t *old,
			const char *actor, int64_t now)
{
	char *data = json_dumps(old, JSON_COMPACT | JSON_PRESERVE_ORDER);
	sqlite3_stmt *st;
	int r = GW_ERR_NOMEM;

	if (!data)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO program_history (code, version, data, changed_at,"
				" changed_by) VALUES (?, ?, ?, ?, ?)", &st)) < 0)
		goto out;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, version);
	db_bind_text(st, 3, data);
	sqlite3_bind_int64(st, 4, now);
	db_bind_text(st, 5, actor);
	r = db_step(st);
	r = r < 0 ? r : 0;
out:
	free(data);
	return r;
}

/* The version a new row of code gets: after any it had before removal. */
static int next_new_version(struct db *db, const char *code, int *version)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT coalesce(max(version), 0) + 1 FROM program_history"
				" WHERE code = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, code);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_DB;
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

static int write_row(struct db *db, json_t *c, int version, const char *actor, int64_t now)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "INSERT INTO programs (code, category, title_vi, title_en, summary_vi,"
				" summary_en, details_vi, eligibility_vi, how_to_apply_vi, documents_vi,"
				" office, legal_basis, effective_from, effective_until, needs_check,"
				" caveat, version, updated_at, updated_by)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
				"  ?15, ?16, ?19, ?17, ?18)"
				" ON CONFLICT (code) DO UPDATE SET category = ?2, title_vi = ?3,"
				"  title_en = ?4, summary_vi = ?5, summary_en = ?6, details_vi = ?7,"
				"  eligibility_vi = ?8, how_to_apply_vi = ?9, documents_vi = ?10,"
				"  office = ?11, legal_basis = ?12, effective_from = ?13,"
				"  effective_until = ?14, needs_check = ?15, caveat = ?16,"
				"  version = ?19, updated_at = ?17, updated_by = ?18", &st)) < 0)
		goto out;
	db_bind_text(st, 1, str_or(c, "code", ""));
	db_bind_text(st, 2, str_or(c, "category", ""));
	db_bind_text(st, 3, str_or(c, "title_vi", ""));
	db_bind_text(st, 4, str_or(c, "title_en", ""));
	db_bind_text(st, 5, str_or(c, "summary_vi", ""));
	db_bind_text(st, 6, str_or(c, "summary_en", ""));
	db_bind_text(st, 7, str_or(c, "details_vi", ""));
	db_bind_text(st, 8, str_or(c, "eligibility_vi", ""));
	db_bind_text(st, 9, str_or(c, "how_to_apply_vi", ""));
	db_bind_text(st, 10, str_or(c, "documents_vi", ""));
	db_bind_text(st, 11, str_or(c, "office", ""));
	db_bind_text(st, 12, str_or(c, "legal_basis", ""));
	db_bind_text(st, 13, str_or(c, "effective_from", NULL));
	db_bind_text(st, 14, str_or(c, "effective_until", NULL));
	sqlite3_bind_int(st, 15, json_is_true(json_object_get(c, "needs_check")));
	db_bind_text(st, 16, str_or(c, "caveat", ""));
	sqlite3_bind_int64(st, 17, now);
	db_bind_text(st, 18, actor);
	sqlite3_bind_int(st, 19, version);
	r = db_step(st);
	r = r < 0 ? r : 0;
out:
	return r;
}

int content_programs_save(struct db *db, json_t *rec, const char *actor, int64_t now,
			  int expect_version, enum content_outcome *outcome)
{
	const char *code = str_or(rec, "code", "");
	json_t *old = NULL, *canon = NULL;
	int64_t id = 0;
	int version = 0, r;

	r = program_get(db, code, &old, &id, &version);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	if (expect_version < 0 && old) {
		r = GW_ERR_EXISTS;
		goto out;
	}
	if (expect_version > 0 && (!old || version != expect_version)) {
		r = old ? GW_ERR_BUSY : GW_ERR_NOTFOUND;
		goto out;
	}
	if (!(canon = content_programs_canonical(rec))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	if (old && json_equal(old, canon)) {
		*outcome = CONTENT_UNCHANGED;
		r = 0;
		goto out;
	}
	if (old)
		r = keep_history(db, code, version++, old, actor, now);
	else
		r = next_new_version(db, code, &version);
	if (r < 0 || (r = write_row(db, canon, version, actor, now)) < 0)
		goto out;
	if (!old)
		id = db_last_id(db); /* an update keeps the id it had */
	if ((r = program_keywords(db, id, canon)) < 0 || (r = index_program(db, id, canon)) < 0)
		goto out;
	*outcome = old ? CONTENT_CHANGED : CONTENT_ADDED;
	r = 0;
out:
	json_decref(old);
	json_decref(canon);
	return r;
}

int content_programs_remove(struct db *db, const char *code, const char *actor, int64_t now)
{
	json_t *old = NULL;
	sqlite3_stmt *st;
	int64_t id = 0;
	int version = 0, r;

	if ((r = program_get(db, code, &old, &id, &version)) < 0 ||
	    (r = keep_history(db, code, version, old, actor, now)) < 0)
		goto out;
	if ((r = db_prepare(db, "DELETE FROM programs_fts WHERE rowid = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) < 0)
		goto out;
	/* program_keywords go with it (ON DELETE CASCADE) */
	if ((r = db_prepare(db, "DELETE FROM programs WHERE id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	r = db_step(st);
	r = r < 0 ? r : 0;
out:
	json_decref(old);
	return r;
}

int content_programs_codes(struct db *db, json_t **codes)
{
	return content_rows_collect(db, "SELECT code FROM programs ORDER BY id", content_rows_text,
				    codes);
}

/* A content_rows_fn over PROGRAM_JSON. */
static int export_row(sqlite3_stmt *st, json_t **item)
{
	return row_record(st, item, NULL, NULL);
}

int content_programs_export(struct db *db, json_t **records)
{
	return content_rows_collect(db, PROGRAM_JSON " ORDER BY p.id", export_row, records);
}
