#include "content.h"

#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../common/buf.h"
#include "../common/gw_err.h"
#include "../handlers/textfold.h"
#include "store.h"

#define CONTENT_TEXT_MAX (64 * 1024)

struct field_spec {
	const char *name;
	int required;
};

static const struct field_spec program_fields[] = {
	{ "code", 1 }, { "title_vi", 1 }, { "summary_vi", 1 }, { "title_en", 0 },
	{ "summary_en", 0 }, { "details_vi", 0 }, { "eligibility_vi", 0 },
	{ "how_to_apply_vi", 0 }, { "documents_vi", 0 }, { "office", 0 },
	{ "legal_basis", 0 }, { "category", 0 }, { "effective_from", 0 },
	{ "effective_until", 0 }, { "caveat", 0 }, { NULL, 0 },
};

static void record_err(char *err, size_t errsz, const char *file, size_t idx, const char *code,
		       const char *field, const char *what)
{
	snprintf(err, errsz, "%s: record %zu%s%s%s: %s: %s", file, idx + 1, code ? " (" : "",
		 code ? code : "", code ? ")" : "", field, what);
}

/* Every listed field must be a string (or absent when optional), valid UTF-8
 * and not too long; codes are 1-32 of [A-Z0-9-]. */
static int check_strings(json_t *rec, const struct field_spec *fields, const char *file,
			 size_t idx, const char *code, char *err, size_t errsz)
{
	for (const struct field_spec *f = fields; f->name; f++) {
		json_t *v = json_object_get(rec, f->name);
		const char *s;

		if (!v || json_is_null(v)) {
			if (f->required) {
				record_err(err, errsz, file, idx, code, f->name, "missing");
				return GW_ERR_INVAL;
			}
			continue;
		}
		if (!json_is_string(v)) {
			record_err(err, errsz, file, idx, code, f->name, "must be a string");
			return GW_ERR_INVAL;
		}
		s = json_string_value(v);
		if (f->required && !*s) {
			record_err(err, errsz, file, idx, code, f->name, "is empty");
			return GW_ERR_INVAL;
		}
		if (json_string_length(v) > CONTENT_TEXT_MAX ||
		    !textfold_utf8_valid(s, json_string_length(v))) {
			record_err(err, errsz, file, idx, code, f->name, "too long or not valid text");
			return GW_ERR_INVAL;
		}
	}
	return 0;
}

static int check_code(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > 32)
		return 0;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

static const char *str_or(json_t *rec, const char *key, const char *def)
{
	json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? json_string_value(v) : def;
}

static int check_keywords(json_t *rec, const char *file, size_t idx, const char *code, char *err,
			  size_t errsz)
{
	json_t *kw = json_object_get(rec, "keywords"), *v;
	size_t i;

	if (!kw || json_is_null(kw))
		return 0;
	if (!json_is_array(kw)) {
		record_err(err, errsz, file, idx, code, "keywords", "must be a list of strings");
		return GW_ERR_INVAL;
	}
	json_array_foreach(kw, i, v) {
		if (!json_is_string(v) || !*json_string_value(v) || json_string_length(v) > 200 ||
		    !textfold_utf8_valid(json_string_value(v), json_string_length(v))) {
			record_err(err, errsz, file, idx, code, "keywords",
				   "every keyword must be non-empty text");
			return GW_ERR_INVAL;
		}
	}
	return 0;
}

/* The records array: a top-level array, or the "key" member of an object. */
static json_t *records_of(json_t *root, const char *key)
{
	if (json_is_array(root))
		return root;
	if (json_is_object(root) && json_is_array(json_object_get(root, key)))
		return json_object_get(root, key);
	return NULL;
}

static int load_json(const char *path, const char *key, json_t **root, json_t **records, char *err,
		     size_t errsz)
{
	json_error_t je;

	*root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!*root) {
		snprintf(err, errsz, "%s:%d:%d: invalid JSON: %s", path, je.line, je.column, je.text);
		return GW_ERR_INVAL;
	}
	*records = records_of(*root, key);
	if (!*records) {
		snprintf(err, errsz, "%s: expected a list of records (or an object with \"%s\")", path,
			 key);
		json_decref(*root);
		*root = NULL;
		return GW_ERR_INVAL;
	}
	return 0;
}

static int validate_unique(json_t *records, const char *file, const char *codekey, char *err,
			   size_t errsz)
{
	json_t *seen = json_object();
	json_t *rec;
	size_t i;
	int r = 0;

	if (!seen)
		return GW_ERR_NOMEM;
	json_array_foreach(records, i, rec) {
		const char *code = str_or(rec, codekey, "");
		json_t *prev = json_object_get(seen, code);

		if (prev) {
			char what[96];

			snprintf(what, sizeof(what), "duplicate code (also record %lld)",
				 (long long)json_integer_value(prev) + 1);
			record_err(err, errsz, file, i, code, codekey, what);
			r = GW_ERR_EXISTS;
			break;
		}
		json_object_set_new(seen, code, json_integer((json_int_t)i));
	}
	json_decref(seen);
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

	buf_init(&title, CONTENT_TEXT_MAX);
	buf_init(&kws, CONTENT_TEXT_MAX);
	buf_init(&summary, CONTENT_TEXT_MAX);
	buf_init(&details, 4 * CONTENT_TEXT_MAX);
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
	sqlite3_stmt *st;
	json_t *v;
	size_t i;
	int r;

	if ((r = db_prepare(db, "DELETE FROM program_keywords WHERE program_id = ?", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) < 0)
		return r;
	json_array_foreach(json_object_get(rec, "keywords"), i, v) {
		struct buf f;

		buf_init(&f, 1024);
		if ((r = textfold_ascii(&f, json_string_value(v), json_string_length(v))) == 0 &&
		    (r = db_prepare(db, "INSERT OR IGNORE INTO program_keywords (program_id, keyword,"
					" folded) VALUES (?, ?, ?)", &st)) == 0) {
			sqlite3_bind_int64(st, 1, id);
			db_bind_text(st, 2, json_string_value(v));
			db_bind_text(st, 3, f.data);
			r = db_step(st);
		}
		buf_release(&f);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The program as stored, as compact JSON, to compare and to keep in history. */
static int program_snapshot(struct db *db, const char *code, char **out, int64_t *id,
			    int *version)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT p.id, p.version, json_object('code', code, 'category', category,"
				" 'title_vi', title_vi, 'title_en', title_en, 'summary_vi', summary_vi,"
				" 'summary_en', summary_en, 'details_vi', details_vi,"
				" 'eligibility_vi', eligibility_vi, 'how_to_apply_vi', how_to_apply_vi,"
				" 'documents_vi', documents_vi, 'office', office,"
				" 'legal_basis', legal_basis, 'effective_from', effective_from,"
				" 'effective_until', effective_until, 'caveat', caveat,"
				" 'keywords', (SELECT json_group_array(keyword) FROM"
				"   (SELECT keyword FROM program_keywords k WHERE k.program_id = p.id"
				"    ORDER BY rowid)))"
				" FROM programs p WHERE code = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, code);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_NOTFOUND;
	*id = sqlite3_column_int64(st, 0);
	*version = sqlite3_column_int(st, 1);
	*out = strdup(db_col_text(st, 2));
	sqlite3_reset(st);
	return *out ? 0 : GW_ERR_NOMEM;
}

/* Canonical JSON of an input record, in the same shape as program_snapshot. */
static char *program_canonical(json_t *rec)
{
	static const char *const keys[] = {
		"code", "category", "title_vi", "title_en", "summary_vi", "summary_en",
		"details_vi", "eligibility_vi", "how_to_apply_vi", "documents_vi", "office",
		"legal_basis", "effective_from", "effective_until", "caveat",
	};
	json_t *o = json_object(), *kw = json_object_get(rec, "keywords");
	char *s;

	if (!o)
		return NULL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(rec, keys[i]);
		int nullable = strncmp(keys[i], "effective", 9) == 0;

		json_object_set_new(o, keys[i], json_is_string(v) ? json_copy(v)
					      : nullable ? json_null() : json_string(""));
	}
	json_object_set_new(o, "keywords", json_is_array(kw) ? json_deep_copy(kw) : json_array());
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static int program_upsert(struct db *db, json_t *rec, const char *actor, int64_t now,
			  struct content_counts *counts)
{
	const char *code = str_or(rec, "code", "");
	char *old = NULL, *canon = NULL;
	json_t *oldj = NULL, *newj = NULL;
	int64_t id = 0;
	int version = 0, r;
	sqlite3_stmt *st;

	r = program_snapshot(db, code, &old, &id, &version);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	if (!(canon = program_canonical(rec))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	if (old) {
		oldj = json_loads(old, 0, NULL);
		newj = json_loads(canon, 0, NULL);
		if (oldj && newj && json_equal(oldj, newj)) {
			counts->unchanged++;
			r = 0;
			goto out;
		}
		if ((r = db_prepare(db, "INSERT INTO program_history (code, version, data, changed_at,"
					" changed_by) VALUES (?, ?, ?, ?, ?)", &st)) < 0)
			goto out;
		db_bind_text(st, 1, code);
		sqlite3_bind_int(st, 2, version);
		db_bind_text(st, 3, old);
		sqlite3_bind_int64(st, 4, now);
		db_bind_text(st, 5, actor);
		if ((r = db_step(st)) < 0)
			goto out;
	}
	if ((r = db_prepare(db, "INSERT INTO programs (code, category, title_vi, title_en, summary_vi,"
				" summary_en, details_vi, eligibility_vi, how_to_apply_vi, documents_vi,"
				" office, legal_basis, effective_from, effective_until, needs_check,"
				" caveat, version, updated_at, updated_by)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
				"  ?15, ?16, 1, ?17, ?18)"
				" ON CONFLICT (code) DO UPDATE SET category = ?2, title_vi = ?3,"
				"  title_en = ?4, summary_vi = ?5, summary_en = ?6, details_vi = ?7,"
				"  eligibility_vi = ?8, how_to_apply_vi = ?9, documents_vi = ?10,"
				"  office = ?11, legal_basis = ?12, effective_from = ?13,"
				"  effective_until = ?14, needs_check = ?15, caveat = ?16,"
				"  version = version + 1, updated_at = ?17, updated_by = ?18", &st)) < 0)
		goto out;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, str_or(rec, "category", ""));
	db_bind_text(st, 3, str_or(rec, "title_vi", ""));
	db_bind_text(st, 4, str_or(rec, "title_en", ""));
	db_bind_text(st, 5, str_or(rec, "summary_vi", ""));
	db_bind_text(st, 6, str_or(rec, "summary_en", ""));
	db_bind_text(st, 7, str_or(rec, "details_vi", ""));
	db_bind_text(st, 8, str_or(rec, "eligibility_vi", ""));
	db_bind_text(st, 9, str_or(rec, "how_to_apply_vi", ""));
	db_bind_text(st, 10, str_or(rec, "documents_vi", ""));
	db_bind_text(st, 11, str_or(rec, "office", ""));
	db_bind_text(st, 12, str_or(rec, "legal_basis", ""));
	db_bind_text(st, 13, str_or(rec, "effective_from", NULL));
	db_bind_text(st, 14, str_or(rec, "effective_until", NULL));
	sqlite3_bind_int(st, 15, *str_or(rec, "caveat", "") != '\0');
	db_bind_text(st, 16, str_or(rec, "caveat", ""));
	sqlite3_bind_int64(st, 17, now);
	db_bind_text(st, 18, actor);
	if ((r = db_step(st)) < 0)
		goto out;
	if (!old)
		id = db_last_id(db);
	if ((r = program_keywords(db, id, rec)) < 0 || (r = index_program(db, id, rec)) < 0)
		goto out;
	if (old)
		counts->changed++;
	else
		counts->added++;
	r = 0;
out:
	json_decref(oldj);
	json_decref(newj);
	free(old);
	free(canon);
	return r;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int content_import_programs(struct db *db, const char *path, const char *actor,
			    struct content_counts *counts, char *err, size_t errsz)
{
	struct content_counts c = { 0, 0, 0 };
	json_t *root = NULL, *records = NULL, *rec;
	const char *file = basename_of(path);
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int r;

	if ((r = load_json(path, "programs", &root, &records, err, errsz)) < 0)
		goto out;
	json_array_foreach(records, i, rec) {
		const char *code = json_is_object(rec) ? str_or(rec, "code", NULL) : NULL;

		if (!json_is_object(rec)) {
			record_err(err, errsz, file, i, NULL, "(record)", "must be an object");
			r = GW_ERR_INVAL;
			goto out;
		}
		if ((r = check_strings(rec, program_fields, file, i, code, err, errsz)) < 0 ||
		    (r = check_keywords(rec, file, i, code, err, errsz)) < 0)
			goto out;
		if (!check_code(code)) {
			record_err(err, errsz, file, i, code, "code",
				   "must be 1-32 of A-Z, 0-9 and '-'");
			r = GW_ERR_INVAL;
			goto out;
		}
	}
	if ((r = validate_unique(records, file, "code", err, errsz)) < 0)
		goto out;
	if ((r = db_begin(db)) < 0) {
		snprintf(err, errsz, "%s: database is busy or unwritable", file);
		goto out;
	}
	json_array_foreach(records, i, rec) {
		if ((r = program_upsert(db, rec, actor, now, &c)) < 0) {
			record_err(err, errsz, file, i, str_or(rec, "code", ""), "(record)",
				   gw_strerror(r));
			goto out;
		}
	}
	if ((r = store_audit(db, actor, "import programs", file, "")) < 0)
		goto out;
	if ((r = db_commit(db)) < 0) {
		snprintf(err, errsz, "%s: commit failed", file);
		goto out;
	}
	if (counts)
		*counts = c;
out:
	if (r < 0)
		db_rollback(db);
	json_decref(root);
	return r;
}

static const struct field_spec job_fields[] = {
	{ "id", 1 }, { "title", 1 }, { "title_en", 0 }, { "employer", 0 },
	{ "industrial_zone", 0 }, { "wage_text", 0 }, { "requirements", 0 },
	{ "benefits", 0 }, { "shift", 0 }, { "contact", 0 }, { "deadline", 0 },
	{ "type", 0 }, { "gender", 0 }, { NULL, 0 },
};

static int valid_date(const char *s)
{
	int y, m, d;
	char extra;

	return sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 && strlen(s) == 10 &&
	       y >= 2000 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int check_job(json_t *rec, const char *file, size_t idx, char *err, size_t errsz)
{
	const char *code = str_or(rec, "id", NULL);
	static const char *const ints[] = { "wage_min", "wage_max", "headcount", "age_min", "age_max" };
	json_t *loc = json_object_get(rec, "location");
	int r;

	if ((r = check_strings(rec, job_fields, file, idx, code, err, errsz)) < 0 ||
	    (r = check_keywords(rec, file, idx, code, err, errsz)) < 0)
		return r;
	if (!check_code(code)) {
		record_err(err, errsz, file, idx, code, "id", "must be 1-32 of A-Z, 0-9 and '-'");
		return GW_ERR_INVAL;
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		json_t *v = json_object_get(rec, ints[i]);

		if (v && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0)) {
			record_err(err, errsz, file, idx, code, ints[i], "must be a whole number >= 0");
			return GW_ERR_INVAL;
		}
	}
	if (json_is_string(json_object_get(rec, "deadline")) &&
	    !valid_date(str_or(rec, "deadline", ""))) {
		record_err(err, errsz, file, idx, code, "deadline", "must be YYYY-MM-DD");
		return GW_ERR_INVAL;
	}
	if (loc && !json_is_null(loc) && !json_is_object(loc)) {
		record_err(err, errsz, file, idx, code, "location", "must be an object");
		return GW_ERR_INVAL;
	}
	return 0;
}

static void bind_int_or_null(sqlite3_stmt *st, int idx, json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);

	if (json_is_integer(v))
		sqlite3_bind_int64(st, idx, (sqlite3_int64)json_integer_value(v));
	else
		sqlite3_bind_null(st, idx);
}

/* Parse "Nam/nữ 18–35 tuổi" style requirements into an age range. */
static void job_age_range(const char *req, int *lo, int *hi)
{
	const char *p = req;

	*lo = *hi = -1;
	while (*p) {
		int a, b, n = 0;

		if (*p >= '0' && *p <= '9' && (p == req || p[-1] < '0' || p[-1] > '9') &&
		    sscanf(p, "%d%n", &a, &n) == 1) {
			const char *q = p + n;

			/* a dash: '-', or the UTF-8 en dash E2 80 93 */
			if (*q == '-')
				q++;
			else if ((unsigned char)q[0] == 0xE2 && (unsigned char)q[1] == 0x80 &&
				 (unsigned char)q[2] == 0x93)
				q += 3;
			else {
				p += n;
				continue;
			}
			if (sscanf(q, "%d", &b) == 1 && a >= 14 && a <= 70 && b > a && b <= 80) {
				*lo = a;
				*hi = b;
				return;
			}
			p += n;
			continue;
		}
		p++;
	}
}

static int job_upsert(struct db *db, json_t *rec, int64_t now, struct content_counts *c)
{
	json_t *loc = json_object_get(rec, "location"), *v;
	struct buf kw, folded;
	int lo, hi, r, existed = 0;
	sqlite3_stmt *st;
	size_t i;

	buf_init(&kw, CONTENT_TEXT_MAX);
	buf_init(&folded, 4 * CONTENT_TEXT_MAX);
	json_array_foreach(json_object_get(rec, "keywords"), i, v) {
		if ((kw.len && (r = buf_adds(&kw, ", ")) < 0) ||
		    (r = buf_adds(&kw, json_string_value(v))) < 0)
			goto out;
	}
	if ((r = fold_into(&folded, str_or(rec, "title", ""))) < 0 ||
	    (r = fold_into(&folded, kw.data)) < 0 ||
	    (r = fold_into(&folded, str_or(loc, "district_old", ""))) < 0 ||
	    (r = fold_into(&folded, str_or(loc, "commune_old", ""))) < 0 ||
	    (r = fold_into(&folded, str_or(rec, "industrial_zone", ""))) < 0)
		goto out;
	job_age_range(str_or(rec, "requirements", ""), &lo, &hi);
	if ((r = db_prepare(db, "SELECT 1 FROM jobs WHERE code = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, str_or(rec, "id", ""));
	if ((r = db_step(st)) < 0)
		goto out;
	existed = r == DB_ROW;
	sqlite3_reset(st);
	if ((r = db_prepare(db, "INSERT INTO jobs (code, title, title_en, employer, industrial_zone,"
				" province, district, commune, job_type, wage_min, wage_max, wage_text,"
				" requirements, benefits, age_min, age_max, headcount, shift, contact,"
				" deadline, keywords, folded, sample, created_at, updated_at)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
				"  ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24)"
				" ON CONFLICT (code) DO UPDATE SET title = ?2, title_en = ?3,"
				"  employer = ?4, industrial_zone = ?5, province = ?6, district = ?7,"
				"  commune = ?8, job_type = ?9, wage_min = ?10, wage_max = ?11,"
				"  wage_text = ?12, requirements = ?13, benefits = ?14, age_min = ?15,"
				"  age_max = ?16, headcount = ?17, shift = ?18, contact = ?19,"
				"  deadline = ?20, keywords = ?21, folded = ?22, sample = ?23,"
				"  updated_at = ?24", &st)) < 0)
		goto out;
	db_bind_text(st, 1, str_or(rec, "id", ""));
	db_bind_text(st, 2, str_or(rec, "title", ""));
	db_bind_text(st, 3, str_or(rec, "title_en", ""));
	db_bind_text(st, 4, str_or(rec, "employer", ""));
	db_bind_text(st, 5, str_or(rec, "industrial_zone", ""));
	db_bind_text(st, 6, str_or(loc, "province_now", str_or(loc, "province_old", "")));
	db_bind_text(st, 7, str_or(loc, "district_old", ""));
	db_bind_text(st, 8, str_or(loc, "commune_old", ""));
	db_bind_text(st, 9, str_or(rec, "type", ""));
	bind_int_or_null(st, 10, rec, "wage_min");
	bind_int_or_null(st, 11, rec, "wage_max");
	db_bind_text(st, 12, str_or(rec, "wage_text", ""));
	db_bind_text(st, 13, str_or(rec, "requirements", ""));
	db_bind_text(st, 14, str_or(rec, "benefits", ""));
	if (json_is_integer(json_object_get(rec, "age_min")))
		bind_int_or_null(st, 15, rec, "age_min");
	else if (lo > 0)
		sqlite3_bind_int(st, 15, lo);
	if (json_is_integer(json_object_get(rec, "age_max")))
		bind_int_or_null(st, 16, rec, "age_max");
	else if (hi > 0)
		sqlite3_bind_int(st, 16, hi);
	bind_int_or_null(st, 17, rec, "headcount");
	db_bind_text(st, 18, str_or(rec, "shift", ""));
	db_bind_text(st, 19, str_or(rec, "contact", ""));
	db_bind_text(st, 20, str_or(rec, "deadline", NULL));
	db_bind_text(st, 21, kw.data);
	db_bind_text(st, 22, folded.data);
	sqlite3_bind_int(st, 23, json_is_true(json_object_get(rec, "sample")));
	sqlite3_bind_int64(st, 24, now);
	if ((r = db_step(st)) < 0)
		goto out;
	if (existed)
		c->changed++;
	else
		c->added++;
	r = 0;
out:
	buf_release(&kw);
	buf_release(&folded);
	return r;
}

int content_import_jobs(struct db *db, const char *path, const char *actor,
			struct content_counts *counts, char *err, size_t errsz)
{
	struct content_counts c = { 0, 0, 0 };
	json_t *root = NULL, *records = NULL, *rec;
	const char *file = basename_of(path);
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int r;

	if ((r = load_json(path, "jobs", &root, &records, err, errsz)) < 0)
		goto out;
	json_array_foreach(records, i, rec) {
		if (!json_is_object(rec)) {
			record_err(err, errsz, file, i, NULL, "(record)", "must be an object");
			r = GW_ERR_INVAL;
			goto out;
		}
		if ((r = check_job(rec, file, i, err, errsz)) < 0)
			goto out;
	}
	if ((r = validate_unique(records, file, "id", err, errsz)) < 0)
		goto out;
	if ((r = db_begin(db)) < 0) {
		snprintf(err, errsz, "%s: database is busy or unwritable", file);
		goto out;
	}
	json_array_foreach(records, i, rec) {
		if ((r = job_upsert(db, rec, now, &c)) < 0) {
			record_err(err, errsz, file, i, str_or(rec, "id", ""), "(record)",
				   gw_strerror(r));
			goto out;
		}
	}
	if ((r = store_audit(db, actor, "import jobs", file, "")) < 0)
		goto out;
	if ((r = db_commit(db)) < 0) {
		snprintf(err, errsz, "%s: commit failed", file);
		goto out;
	}
	if (counts)
		*counts = c;
out:
	if (r < 0)
		db_rollback(db);
	json_decref(root);
	return r;
}
