#include "gateway/content/content_jobs.h"

#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content_rows.h"
#include "handlers/vi/textfold.h"

#define JOB_TEXT_MAX (64 * 1024)

static const char *str_or(json_t *rec, const char *key, const char *def)
{
	json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? json_string_value(v) : def;
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

static json_t *int_or_null(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);

	return json_is_integer(v) ? json_integer(json_integer_value(v)) : json_null();
}

/* Input record -> canonical; status_now is the stored status (or NULL). */
static json_t *canonical(json_t *rec, const char *status_now)
{
	json_t *loc = json_object_get(rec, "location"), *kw = json_object_get(rec, "keywords");
	json_t *o = json_object();
	int lo, hi;

	if (!o)
		return NULL;
	job_age_range(str_or(rec, "requirements", ""), &lo, &hi);
	json_object_set_new(o, "id", json_string(str_or(rec, "id", "")));
	json_object_set_new(o, "title", json_string(str_or(rec, "title", "")));
	json_object_set_new(o, "title_en", json_string(str_or(rec, "title_en", "")));
	json_object_set_new(o, "employer", json_string(str_or(rec, "employer", "")));
	json_object_set_new(o, "industrial_zone", json_string(str_or(rec, "industrial_zone", "")));
	json_object_set_new(o, "location", json_pack("{s:s, s:s, s:s}", "province_now",
		str_or(loc, "province_now", str_or(loc, "province_old", "")), "district_old",
		str_or(loc, "district_old", ""), "commune_old", str_or(loc, "commune_old", "")));
	json_object_set_new(o, "type", json_string(str_or(rec, "type", "")));
	json_object_set_new(o, "wage_min", int_or_null(rec, "wage_min"));
	json_object_set_new(o, "wage_max", int_or_null(rec, "wage_max"));
	json_object_set_new(o, "wage_text", json_string(str_or(rec, "wage_text", "")));
	json_object_set_new(o, "requirements", json_string(str_or(rec, "requirements", "")));
	json_object_set_new(o, "benefits", json_string(str_or(rec, "benefits", "")));
	json_object_set_new(o, "age_min", json_is_integer(json_object_get(rec, "age_min"))
			    ? int_or_null(rec, "age_min") : lo > 0 ? json_integer(lo) : json_null());
	json_object_set_new(o, "age_max", json_is_integer(json_object_get(rec, "age_max"))
			    ? int_or_null(rec, "age_max") : hi > 0 ? json_integer(hi) : json_null());
	json_object_set_new(o, "gender", json_string(str_or(rec, "gender", "")));
	json_object_set_new(o, "headcount", int_or_null(rec, "headcount"));
	json_object_set_new(o, "shift", json_string(str_or(rec, "shift", "")));
	json_object_set_new(o, "contact", json_string(str_or(rec, "contact", "")));
	json_object_set_new(o, "deadline", json_is_string(json_object_get(rec, "deadline"))
			    ? json_string(str_or(rec, "deadline", "")) : json_null());
	json_object_set_new(o, "keywords", json_is_array(kw) ? json_deep_copy(kw) : json_array());
	json_object_set_new(o, "sample", json_boolean(json_is_true(json_object_get(rec, "sample"))));
	json_object_set_new(o, "status", json_string(str_or(rec, "status", status_now ? status_now
										     : "open")));
	return o;
}

#define JOB_COLUMNS \
	"SELECT code, title, title_en, employer, industrial_zone, province, district, commune," \
	" job_type, wage_min, wage_max, wage_text, requirements, benefits, age_min, age_max," \
	" gender, headcount, shift, contact, deadline, keywords, sample, status FROM jobs"

static json_t *col_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null()
							   : json_integer(sqlite3_column_int64(st, col));
}

/* Stored keywords are one ", "-joined text (validation keeps commas out). */
static json_t *split_keywords(const char *s)
{
	json_t *a = json_array();

	while (a && *s) {
		const char *e = strstr(s, ", ");
		size_t n = e ? (size_t)(e - s) : strlen(s);

		json_array_append_new(a, json_stringn(s, n));
		s += n + (e ? 2 : 0);
	}
	return a;
}

static json_t *row_record(sqlite3_stmt *st)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_string(db_col_text(st, 0)));
	json_object_set_new(o, "title", json_string(db_col_text(st, 1)));
	json_object_set_new(o, "title_en", json_string(db_col_text(st, 2)));
	json_object_set_new(o, "employer", json_string(db_col_text(st, 3)));
	json_object_set_new(o, "industrial_zone", json_string(db_col_text(st, 4)));
	json_object_set_new(o, "location", json_pack("{s:s, s:s, s:s}", "province_now",
		db_col_text(st, 5), "district_old", db_col_text(st, 6), "commune_old",
		db_col_text(st, 7)));
	json_object_set_new(o, "type", json_string(db_col_text(st, 8)));
	json_object_set_new(o, "wage_min", col_int(st, 9));
	json_object_set_new(o, "wage_max", col_int(st, 10));
	json_object_set_new(o, "wage_text", json_string(db_col_text(st, 11)));
	json_object_set_new(o, "requirements", json_string(db_col_text(st, 12)));
	json_object_set_new(o, "benefits", json_string(db_col_text(st, 13)));
	json_object_set_new(o, "age_min", col_int(st, 14));
	json_object_set_new(o, "age_max", col_int(st, 15));
	json_object_set_new(o, "gender", json_string(db_col_text(st, 16)));
	json_object_set_new(o, "headcount", col_int(st, 17));
	json_object_set_new(o, "shift", json_string(db_col_text(st, 18)));
	json_object_set_new(o, "contact", json_string(db_col_text(st, 19)));
	json_object_set_new(o, "deadline", sqlite3_column_type(st, 20) == SQLITE_NULL ? json_null()
					      : json_string(db_col_text(st, 20)));
	json_object_set_new(o, "keywords", split_keywords(db_col_text(st, 21)));
	json_object_set_new(o, "sample", json_boolean(sqlite3_column_int(st, 22)));
	json_object_set_new(o, "status", json_string(db_col_text(st, 23)));
	return o;
}

int content_jobs_get(struct db *db, const char *code, json_t **rec)
{
	sqlite3_stmt *st;
	json_t *o;
	int r;

	if ((r = db_prepare(db, JOB_COLUMNS " WHERE code = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, code);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	o = row_record(st);
	sqlite3_reset(st);
	if (!o) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	*rec = o;
	r = 0;
out:
	return r;
}

static int fold_into(struct buf *b, const char *s)
{
	if (b->len && buf_addch(b, ' ') < 0)
		return GW_ERR_TOOBIG;
	return textfold_ascii(b, s, strlen(s));
}

static void bind_int_or_null(sqlite3_stmt *st, int idx, json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);

	if (json_is_integer(v))
		sqlite3_bind_int64(st, idx, (sqlite3_int64)json_integer_value(v));
	else
		sqlite3_bind_null(st, idx);
}

/* Write canonical record c, with its folded search text. */
static int write_row(struct db *db, json_t *c, int64_t now)
{
	json_t *loc = json_object_get(c, "location"), *v;
	struct buf kw, folded;
	sqlite3_stmt *st;
	size_t i;
	int r;

	buf_init(&kw, JOB_TEXT_MAX);
	buf_init(&folded, 4 * JOB_TEXT_MAX);
	json_array_foreach(json_object_get(c, "keywords"), i, v) {
		if ((kw.len && (r = buf_adds(&kw, ", ")) < 0) ||
		    (r = buf_adds(&kw, json_string_value(v))) < 0)
			goto out;
	}
	if ((r = fold_into(&folded, str_or(c, "title", ""))) < 0 ||
	    (r = fold_into(&folded, kw.data)) < 0 ||
	    (r = fold_into(&folded, str_or(loc, "district_old", ""))) < 0 ||
	    (r = fold_into(&folded, str_or(loc, "commune_old", ""))) < 0 ||
	    (r = fold_into(&folded, str_or(c, "industrial_zone", ""))) < 0)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO jobs (code, title, title_en, employer, industrial_zone,"
				" province, district, commune, job_type, wage_min, wage_max, wage_text,"
				" requirements, benefits, age_min, age_max, headcount, shift, contact,"
				" deadline, keywords, folded, sample, created_at, updated_at, gender,"
				" status)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
				"  ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24, ?25, ?26)"
				" ON CONFLICT (code) DO UPDATE SET title = ?2, title_en = ?3,"
				"  employer = ?4, industrial_zone = ?5, province = ?6, district = ?7,"
				"  commune = ?8, job_type = ?9, wage_min = ?10, wage_max = ?11,"
				"  wage_text = ?12, requirements = ?13, benefits = ?14, age_min = ?15,"
				"  age_max = ?16, headcount = ?17, shift = ?18, contact = ?19,"
				"  deadline = ?20, keywords = ?21, folded = ?22, sample = ?23,"
				"  updated_at = ?24, gender = ?25, status = ?26", &st)) < 0)
		goto out;
	db_bind_text(st, 1, str_or(c, "id", ""));
	db_bind_text(st, 2, str_or(c, "title", ""));
	db_bind_text(st, 3, str_or(c, "title_en", ""));
	db_bind_text(st, 4, str_or(c, "employer", ""));
	db_bind_text(st, 5, str_or(c, "industrial_zone", ""));
	db_bind_text(st, 6, str_or(loc, "province_now", ""));
	db_bind_text(st, 7, str_or(loc, "district_old", ""));
	db_bind_text(st, 8, str_or(loc, "commune_old", ""));
	db_bind_text(st, 9, str_or(c, "type", ""));
	bind_int_or_null(st, 10, c, "wage_min");
	bind_int_or_null(st, 11, c, "wage_max");
	db_bind_text(st, 12, str_or(c, "wage_text", ""));
	db_bind_text(st, 13, str_or(c, "requirements", ""));
	db_bind_text(st, 14, str_or(c, "benefits", ""));
	bind_int_or_null(st, 15, c, "age_min");
	bind_int_or_null(st, 16, c, "age_max");
	bind_int_or_null(st, 17, c, "headcount");
	db_bind_text(st, 18, str_or(c, "shift", ""));
	db_bind_text(st, 19, str_or(c, "contact", ""));
	db_bind_text(st, 20, str_or(c, "deadline", NULL));
	db_bind_text(st, 21, kw.data);
	db_bind_text(st, 22, folded.data);
	sqlite3_bind_int(st, 23, json_is_true(json_object_get(c, "sample")));
	sqlite3_bind_int64(st, 24, now);
	db_bind_text(st, 25, str_or(c, "gender", ""));
	db_bind_text(st, 26, str_or(c, "status", "open"));
	r = db_step(st);
	r = r < 0 ? r : 0;
out:
	buf_release(&kw);
	buf_release(&folded);
	return r;
}

int content_jobs_save(struct db *db, json_t *rec, int64_t now, enum content_outcome *outcome)
{
	json_t *old = NULL, *c = NULL;
	int r;

	r = content_jobs_get(db, str_or(rec, "id", ""), &old);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	if (!(c = canonical(rec, old ? str_or(old, "status", "open") : NULL))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	if (old && json_equal(old, c)) {
		*outcome = CONTENT_UNCHANGED;
		r = 0;
		goto out;
	}
	if ((r = write_row(db, c, now)) < 0)
		goto out;
	*outcome = old ? CONTENT_CHANGED : CONTENT_ADDED;
out:
	json_decref(old);
	json_decref(c);
	return r;
}

int content_jobs_close(struct db *db, const char *code, int64_t now, int *closed)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "UPDATE jobs SET status = 'closed', updated_at = ?"
				" WHERE code = ? AND status = 'open'", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	db_bind_text(st, 2, code);
	if ((r = db_step(st)) < 0)
		goto out;
	*closed = db_changes(db) > 0;
	r = 0;
out:
	return r;
}

int content_jobs_open_codes(struct db *db, json_t **codes)
{
	return content_rows_collect(db, "SELECT code FROM jobs WHERE status = 'open' ORDER BY id",
				    content_rows_text, codes);
}

/* A content_rows_fn over JOB_COLUMNS. */
static int export_row(sqlite3_stmt *st, json_t **item)
{
	json_t *o = row_record(st);
	int r = GW_ERR_NOMEM;

	if (!o)
		goto out;
	*item = o;
	r = 0;
out:
	return r;
}

int content_jobs_export(struct db *db, json_t **records)
{
	return content_rows_collect(db, JOB_COLUMNS " ORDER BY id", export_row, records);
}
