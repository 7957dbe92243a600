#include "gateway/content/content_programs.h"

#include <stdlib.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content_rows.h"
#include "handlers/vi/textfold.h"

#define PROGRAM_TEXT_MAX (64 * 1024)

/* The programs table as records see it: the first parameters of
 * PROGRAM_UPSERT, in this order (content_rows.h). Reading goes through
 * PROGRAM_JSON, which SQLite builds with the keywords in one statement. */
static const struct content_col program_cols[] = {
	{ "code", "code", NULL, CONTENT_COL_TEXT },
	{ "category", "category", NULL, CONTENT_COL_TEXT },
	{ "title_vi", "title_vi", NULL, CONTENT_COL_TEXT },
	{ "title_en", "title_en", NULL, CONTENT_COL_TEXT },
	{ "summary_vi", "summary_vi", NULL, CONTENT_COL_TEXT },
	{ "summary_en", "summary_en", NULL, CONTENT_COL_TEXT },
	{ "details_vi", "details_vi", NULL, CONTENT_COL_TEXT },
	{ "eligibility_vi", "eligibility_vi", NULL, CONTENT_COL_TEXT },
	{ "how_to_apply_vi", "how_to_apply_vi", NULL, CONTENT_COL_TEXT },
	{ "documents_vi", "documents_vi", NULL, CONTENT_COL_TEXT },
	{ "office", "office", NULL, CONTENT_COL_TEXT },
	{ "legal_basis", "legal_basis", NULL, CONTENT_COL_TEXT },
	{ "effective_from", "effective_from", NULL, CONTENT_COL_DATE },
	{ "effective_until", "effective_until", NULL, CONTENT_COL_DATE },
	{ "caveat", "caveat", NULL, CONTENT_COL_TEXT },
	/* last: in canonical form it follows the keywords, by a rule of its own */
	{ "needs_check", "needs_check", NULL, CONTENT_COL_BOOL },
};
#define PROGRAM_NCOLS (sizeof(program_cols) / sizeof(program_cols[0]))

/* program_cols as ?1..?16, then version ?17, the time ?18, the actor ?19. */
#define PROGRAM_UPSERT \
	"INSERT INTO programs (code, category, title_vi, title_en, summary_vi, summary_en," \
	" details_vi, eligibility_vi, how_to_apply_vi, documents_vi, office, legal_basis," \
	" effective_from, effective_until, caveat, needs_check, version, updated_at, updated_by)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17," \
	"  ?18, ?19)" \
	" ON CONFLICT (code) DO UPDATE SET category = ?2, title_vi = ?3, title_en = ?4," \
	"  summary_vi = ?5, summary_en = ?6, details_vi = ?7, eligibility_vi = ?8," \
	"  how_to_apply_vi = ?9, documents_vi = ?10, office = ?11, legal_basis = ?12," \
	"  effective_from = ?13, effective_until = ?14, caveat = ?15, needs_check = ?16," \
	"  version = ?17, updated_at = ?18, updated_by = ?19"

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

json_t *content_programs_canonical(json_t *rec)
{
	json_t *o = content_rows_canonical(program_cols, PROGRAM_NCOLS - 1, rec);
	json_t *kw = json_object_get(rec, "keywords"), *nc = json_object_get(rec, "needs_check");

	if (!o)
		return NULL;
	json_object_set_new(o, "keywords", json_is_array(kw) ? json_deep_copy(kw) : json_array());
	json_object_set_new(o, "needs_check", json_boolean(json_is_boolean(nc) ? json_is_true(nc)
				     : *content_rows_str(rec, "caveat", "") != '\0'));
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

	if ((r = db_row(db, PROGRAM_JSON " WHERE code = ?", DB_ARGS(DB_TEXT(code)), &st)) < 0)
		goto out;
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
	if ((r = db_row(db, "SELECT data FROM program_history WHERE code = ? AND version = ?",
			DB_ARGS(DB_TEXT(code), DB_INT(version)), &st)) < 0)
		goto out;
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

/* Re-write the folded search row of one program. */
static int index_program(struct db *db, int64_t id, json_t *rec)
{
	struct buf title, kws, summary, details;
	json_t *v;
	size_t i;
	int r;

	buf_init(&title, PROGRAM_TEXT_MAX);
	buf_init(&kws, PROGRAM_TEXT_MAX);
	buf_init(&summary, PROGRAM_TEXT_MAX);
	buf_init(&details, 4 * PROGRAM_TEXT_MAX);
	if ((r = content_rows_fold(&title, content_rows_str(rec, "title_vi", ""))) < 0 ||
	    (r = content_rows_fold(&title, content_rows_str(rec, "title_en", ""))) < 0)
		goto out;
	json_array_foreach(json_object_get(rec, "keywords"), i, v)
		if ((r = content_rows_fold(&kws, json_string_value(v))) < 0)
			goto out;
	if ((r = content_rows_fold(&summary, content_rows_str(rec, "summary_vi", ""))) < 0 ||
	    (r = content_rows_fold(&summary, content_rows_str(rec, "summary_en", ""))) < 0)
		goto out;
	if ((r = content_rows_fold(&details, content_rows_str(rec, "details_vi", ""))) < 0 ||
	    (r = content_rows_fold(&details, content_rows_str(rec, "eligibility_vi", ""))) < 0 ||
	    (r = content_rows_fold(&details, content_rows_str(rec, "how_to_apply_vi", ""))) < 0)
		goto out;
	if ((r = db_run(db, "DELETE FROM programs_fts WHERE rowid = ?", DB_ARGS(DB_INT(id)))) < 0)
		goto out;
	r = db_run(db, "INSERT INTO programs_fts (rowid, code, title, keywords, summary, details)"
		       " VALUES (?, ?, ?, ?, ?, ?)",
		   DB_ARGS(DB_INT(id), DB_TEXT(content_rows_str(rec, "code", "")), DB_TEXT(title.data),
			   DB_TEXT(kws.data), DB_TEXT(summary.data), DB_TEXT(details.data)));
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
	json_t *v;
	size_t i;
	int r;

	buf_init(&f, 1024);
	if ((r = db_run(db, "DELETE FROM program_keywords WHERE program_id = ?",
			DB_ARGS(DB_INT(id)))) < 0)
		goto out;
	json_array_foreach(json_object_get(rec, "keywords"), i, v) {
		buf_reset(&f);
		if ((r = textfold_ascii(&f, json_string_value(v), json_string_length(v))) < 0 ||
		    (r = db_run(db, "INSERT OR IGNORE INTO program_keywords (program_id, keyword, folded)"
				    " VALUES (?, ?, ?)",
				DB_ARGS(DB_INT(id), DB_TEXT(json_string_value(v)), DB_TEXT(f.data)))) < 0)
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
	int r = GW_ERR_NOMEM;

	if (!data)
		goto out;
	r = db_run(db, "INSERT INTO program_history (code, version, data, changed_at, changed_by)"
		       " VALUES (?, ?, ?, ?, ?)",
		   DB_ARGS(DB_TEXT(code), DB_INT(version), DB_TEXT(data), DB_INT(now), DB_TEXT(actor)));
out:
	free(data);
	return r;
}

/* The version a new row of code gets: after any it had before removal. */
static int next_new_version(struct db *db, const char *code, int *version)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT coalesce(max(version), 0) + 1 FROM program_history WHERE code = ?",
			DB_ARGS(DB_TEXT(code)), &st)) < 0)
		goto out;
	*version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

static int write_row(struct db *db, json_t *c, int version, const char *actor, int64_t now)
{
	struct db_arg args[PROGRAM_NCOLS + 4];
	int r;

	if ((r = content_rows_args(program_cols, PROGRAM_NCOLS, c, NULL, args)) < 0)
		goto out;
	args[PROGRAM_NCOLS] = DB_INT(version);
	args[PROGRAM_NCOLS + 1] = DB_INT(now);
	args[PROGRAM_NCOLS + 2] = DB_TEXT(actor);
	args[PROGRAM_NCOLS + 3] = DB_END;
	r = db_run(db, PROGRAM_UPSERT, args);
out:
	return r;
}

int content_programs_save(struct db *db, json_t *rec, const char *actor, int64_t now,
			  int expect_version, enum content_outcome *outcome)
{
	const char *code = content_rows_str(rec, "code", "");
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
	int64_t id = 0;
	int version = 0, r;

	if ((r = program_get(db, code, &old, &id, &version)) < 0 ||
	    (r = keep_history(db, code, version, old, actor, now)) < 0)
		goto out;
	if ((r = db_run(db, "DELETE FROM programs_fts WHERE rowid = ?", DB_ARGS(DB_INT(id)))) < 0)
		goto out;
	/* program_keywords go with it (ON DELETE CASCADE) */
	r = db_run(db, "DELETE FROM programs WHERE id = ?", DB_ARGS(DB_INT(id)));
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
