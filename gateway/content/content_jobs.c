#include "gateway/content/content_jobs.h"

#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content_rows.h"

#define JOB_TEXT_MAX (64 * 1024)

/* The jobs table as records see it: the SELECT of JOB_COLUMNS and the
 * first parameters of JOB_UPSERT, in this order (content_rows.h). */
static const struct content_col job_cols[] = {
	{ "code", "id", NULL, CONTENT_COL_TEXT },
	{ "title", "title", NULL, CONTENT_COL_TEXT },
	{ "title_en", "title_en", NULL, CONTENT_COL_TEXT },
	{ "employer", "employer", NULL, CONTENT_COL_TEXT },
	{ "industrial_zone", "industrial_zone", NULL, CONTENT_COL_TEXT },
	{ "province", "province_now", "location", CONTENT_COL_TEXT },
	{ "district", "district_old", "location", CONTENT_COL_TEXT },
	{ "commune", "commune_old", "location", CONTENT_COL_TEXT },
	{ "job_type", "type", NULL, CONTENT_COL_TEXT },
	{ "wage_min", "wage_min", NULL, CONTENT_COL_INT },
	{ "wage_max", "wage_max", NULL, CONTENT_COL_INT },
	{ "wage_text", "wage_text", NULL, CONTENT_COL_TEXT },
	{ "requirements", "requirements", NULL, CONTENT_COL_TEXT },
	{ "benefits", "benefits", NULL, CONTENT_COL_TEXT },
	{ "age_min", "age_min", NULL, CONTENT_COL_INT },
	{ "age_max", "age_max", NULL, CONTENT_COL_INT },
	{ "gender", "gender", NULL, CONTENT_COL_TEXT },
	{ "headcount", "headcount", NULL, CONTENT_COL_INT },
	{ "shift", "shift", NULL, CONTENT_COL_TEXT },
	{ "contact", "contact", NULL, CONTENT_COL_TEXT },
	{ "deadline", "deadline", NULL, CONTENT_COL_DATE },
	{ "keywords", "keywords", NULL, CONTENT_COL_LIST },
	{ "sample", "sample", NULL, CONTENT_COL_BOOL },
	{ "status", "status", NULL, CONTENT_COL_TEXT },
};
#define JOB_NCOLS (sizeof(job_cols) / sizeof(job_cols[0]))

#define JOB_COLUMNS \
	"SELECT code, title, title_en, employer, industrial_zone, province, district, commune," \
	" job_type, wage_min, wage_max, wage_text, requirements, benefits, age_min, age_max," \
	" gender, headcount, shift, contact, deadline, keywords, sample, status FROM jobs"

/* job_cols as ?1..?24, then folded ?25, the time ?26 and the hub's mark
 * ?27 (a local write leaves a stored offer's mark as it is). */
#define JOB_UPSERT \
	"INSERT INTO jobs (code, title, title_en, employer, industrial_zone, province, district," \
	" commune, job_type, wage_min, wage_max, wage_text, requirements, benefits, age_min," \
	" age_max, gender, headcount, shift, contact, deadline, keywords, sample, status, folded," \
	" created_at, updated_at, hub)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18," \
	"  ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?26, ?27)" \
	" ON CONFLICT (code) DO UPDATE SET title = ?2, title_en = ?3, employer = ?4," \
	"  industrial_zone = ?5, province = ?6, district = ?7, commune = ?8, job_type = ?9," \
	"  wage_min = ?10, wage_max = ?11, wage_text = ?12, requirements = ?13, benefits = ?14," \
	"  age_min = ?15, age_max = ?16, gender = ?17, headcount = ?18, shift = ?19," \
	"  contact = ?20, deadline = ?21, keywords = ?22, sample = ?23, status = ?24," \
	"  folded = ?25, updated_at = ?26, hub = max(hub, ?27)"

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

/* Input record -> canonical; status_now is the stored status (or NULL). */
static json_t *canonical(json_t *rec, const char *status_now)
{
	json_t *loc = json_object_get(rec, "location");
	json_t *o = content_rows_canonical(job_cols, JOB_NCOLS, rec);
	int lo, hi;

	if (!o)
		return NULL;
	/* what a record may leave out and still say */
	json_object_set_new(json_object_get(o, "location"), "province_now",
			    json_string(content_rows_str(loc, "province_now",
							 content_rows_str(loc, "province_old", ""))));
	job_age_range(content_rows_str(rec, "requirements", ""), &lo, &hi);
	if (!json_is_integer(json_object_get(rec, "age_min")))
		json_object_set_new(o, "age_min", lo > 0 ? json_integer(lo) : json_null());
	if (!json_is_integer(json_object_get(rec, "age_max")))
		json_object_set_new(o, "age_max", hi > 0 ? json_integer(hi) : json_null());
	if (!json_is_string(json_object_get(rec, "status")))
		json_object_set_new(o, "status", json_string(status_now ? status_now : "open"));
	return o;
}

/* The record of a JOB_COLUMNS row (a content_rows_fn). */
static int row_record(sqlite3_stmt *st, json_t **rec)
{
	json_t *o = json_object();
	int r = o ? content_rows_read(st, job_cols, JOB_NCOLS, o) : GW_ERR_NOMEM;

	if (r < 0)
		json_decref(o);
	else
		*rec = o;
	return r;
}

int content_jobs_get(struct db *db, const char *code, json_t **rec)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, JOB_COLUMNS " WHERE code = ?", DB_ARGS(DB_TEXT(code)), &st)) < 0)
		goto out;
	r = row_record(st, rec);
	sqlite3_reset(st);
out:
	return r;
}

/* Write canonical record c, with its folded search text. */
static int write_row(struct db *db, json_t *c, int64_t now, int hub)
{
	json_t *loc = json_object_get(c, "location");
	struct db_arg args[JOB_NCOLS + 4];
	struct buf kw, folded;
	int r;

	buf_init(&kw, JOB_TEXT_MAX);
	buf_init(&folded, 4 * JOB_TEXT_MAX);
	if ((r = content_rows_args(job_cols, JOB_NCOLS, c, &kw, args)) < 0 ||
	    (r = content_rows_fold(&folded, content_rows_str(c, "title", ""))) < 0 ||
	    (r = content_rows_fold(&folded, kw.data)) < 0 ||
	    (r = content_rows_fold(&folded, content_rows_str(loc, "district_old", ""))) < 0 ||
	    (r = content_rows_fold(&folded, content_rows_str(loc, "commune_old", ""))) < 0 ||
	    (r = content_rows_fold(&folded, content_rows_str(c, "industrial_zone", ""))) < 0)
		goto out;
	args[JOB_NCOLS] = DB_TEXT(folded.data);
	args[JOB_NCOLS + 1] = DB_INT(now);
	args[JOB_NCOLS + 2] = DB_INT(hub != 0);
	args[JOB_NCOLS + 3] = DB_END;
	r = db_run(db, JOB_UPSERT, args);
out:
	buf_release(&kw);
	buf_release(&folded);
	return r;
}

/* 1 when code is one of this box's own offers (not the hub's). */
static int local_offer(struct db *db, const char *code, int *local)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT hub FROM jobs WHERE code = ?", DB_ARGS(DB_TEXT(code)), &st)) == 0) {
		*local = sqlite3_column_int(st, 0) == 0;
		sqlite3_reset(st);
	} else if (r == GW_ERR_NOTFOUND) {
		*local = 0;
		r = 0;
	}
	return r;
}

int content_jobs_save(struct db *db, json_t *rec, int64_t now, int hub, enum content_outcome *outcome)
{
	json_t *old = NULL, *c = NULL;
	int local = 0, r;

	if (hub && (r = local_offer(db, content_rows_str(rec, "id", ""), &local)) < 0)
		goto out;
	if (local) {
		*outcome = CONTENT_KEPT;
		r = 0;
		goto out;
	}
	r = content_jobs_get(db, content_rows_str(rec, "id", ""), &old);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	if (!(c = canonical(rec, old ? content_rows_str(old, "status", "open") : NULL))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	if (old && json_equal(old, c)) {
		*outcome = CONTENT_UNCHANGED;
		r = 0;
		goto out;
	}
	if ((r = write_row(db, c, now, hub)) < 0)
		goto out;
	*outcome = old ? CONTENT_CHANGED : CONTENT_ADDED;
out:
	json_decref(old);
	json_decref(c);
	return r;
}

int content_jobs_close(struct db *db, const char *code, int64_t now, int *closed)
{
	int r;

	if ((r = db_run(db, "UPDATE jobs SET status = 'closed', updated_at = ?"
			    " WHERE code = ? AND status = 'open'", DB_ARGS(DB_INT(now), DB_TEXT(code)))) < 0)
		goto out;
	*closed = db_changes(db) > 0;
	r = 0;
out:
	return r;
}

int content_jobs_open_codes(struct db *db, int hub_only, json_t **codes)
{
	return content_rows_collect(db, hub_only ? "SELECT code FROM jobs WHERE status = 'open' AND hub = 1"
						   " ORDER BY id"
						 : "SELECT code FROM jobs WHERE status = 'open' ORDER BY id",
				    content_rows_text, codes);
}

int content_jobs_export(struct db *db, json_t **records)
{
	return content_rows_collect(db, JOB_COLUMNS " ORDER BY id", row_record, records);
}
