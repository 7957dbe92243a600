#include "gateway/web/web_scope.h"

#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/web/web_html.h"
#include "handlers/features/jobs_filter.h"

static void text_result(sqlite3_context *ctx, int r, struct buf *b)
{
	if (r < 0)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, b->data, (int)b->len, SQLITE_TRANSIENT);
}

static const char *arg_text(sqlite3_value *v)
{
	const unsigned char *s = sqlite3_value_text(v);

	return s ? (const char *)s : "";
}

static void fn_place_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct buf b;

	buf_init(&b, 1024);
	text_result(ctx, jobs_filter_place_key(arg_text(argv[0]), &b), &b);
	buf_release(&b);
}

static void fn_job_places(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct buf b;

	buf_init(&b, 4096);
	text_result(ctx, jobs_filter_places(arg_text(argv[0]), arg_text(argv[1]), arg_text(argv[2]),
					    arg_text(argv[3]), &b), &b);
	buf_release(&b);
}

int web_scope_register(struct db *db)
{
	sqlite3 *h = db_handle(db);
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(h, "gw_place_key", 1, flags, NULL, fn_place_key, NULL, NULL) !=
		    SQLITE_OK ||
	    sqlite3_create_function(h, "gw_job_places", 4, flags, NULL, fn_job_places, NULL, NULL) !=
		    SQLITE_OK)
		return GW_ERR_DB;
	return 0;
}

void web_scope_bind(sqlite3_stmt *st, const struct web_account *a)
{
	sqlite3_bind_int(st, 1, a->admin);
	sqlite3_bind_int64(st, 2, a->id);
	db_bind_text(st, 3, a->commune_key);
}

int web_scope_account(struct db *db, int64_t officer_id, struct web_account *out)
{
	struct web_account a;
	sqlite3_stmt *st;
	struct buf key;
	int r;

	memset(&a, 0, sizeof(a));
	buf_init(&key, sizeof(a.commune_key) - 1);
	if ((r = db_prepare(db, "SELECT id, phone, name, role, commune FROM officers WHERE id = ?",
			    &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, officer_id);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	a.id = sqlite3_column_int64(st, 0);
	a.admin = strcmp(db_col_text(st, 3), "admin") == 0;
	if ((r = gw_strlcpy(a.phone, db_col_text(st, 1), sizeof(a.phone))) < 0 ||
	    (r = gw_strlcpy(a.name, db_col_text(st, 2), sizeof(a.name))) < 0 ||
	    (r = gw_strlcpy(a.commune, db_col_text(st, 4), sizeof(a.commune))) < 0) {
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_reset(st);
	if ((r = jobs_filter_place_key(a.commune, &key)) < 0 ||
	    (r = gw_strlcpy(a.commune_key, key.data, sizeof(a.commune_key))) < 0)
		goto out;
	*out = a;
	r = 0;
out:
	buf_release(&key);
	return r;
}

/* Run a "SELECT exists, visible" check with ?4 bound by the caller. */
static int verdict(sqlite3_stmt *st)
{
	int r = db_step(st);

	if (r != DB_ROW)
		return r < 0 ? r : GW_ERR_NOTFOUND;
	r = !sqlite3_column_int(st, 0) ? GW_ERR_NOTFOUND : sqlite3_column_int(st, 1) ? 0 : GW_ERR_AUTH;
	sqlite3_reset(st);
	return r;
}

int web_scope_job(struct db *db, const struct web_account *a, int64_t job_id)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT count(*), coalesce(max(" WEB_SCOPE_JOB("j") "), 0)"
				" FROM jobs j WHERE j.id = ?4", &st)) < 0)
		return r;
	web_scope_bind(st, a);
	sqlite3_bind_int64(st, 4, job_id);
	return verdict(st);
}

int web_scope_appointment(struct db *db, const struct web_account *a, int64_t id)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT count(*), coalesce(max(" WEB_SCOPE_APPT("x") "), 0)"
				" FROM appointments x WHERE x.id = ?4", &st)) < 0)
		return r;
	web_scope_bind(st, a);
	sqlite3_bind_int64(st, 4, id);
	return verdict(st);
}

int web_scope_phone(struct db *db, const struct web_account *a, const char *phone)
{
	sqlite3_stmt *st;
	int r;

	/* a phone "exists" when we have heard of it at all */
	if ((r = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM contacts WHERE phone = ?4)"
				" OR EXISTS (SELECT 1 FROM inbox WHERE sender = ?4), "
				WEB_SCOPE_PHONE("?4"), &st)) < 0)
		return r;
	web_scope_bind(st, a);
	db_bind_text(st, 4, phone);
	return verdict(st);
}

int web_scope_inbox(struct db *db, const struct web_account *a, int64_t inbox_id)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT count(*), coalesce(max(" WEB_SCOPE_PHONE("i.sender") "), 0)"
				" FROM inbox i WHERE i.id = ?4", &st)) < 0)
		return r;
	web_scope_bind(st, a);
	sqlite3_bind_int64(st, 4, inbox_id);
	return verdict(st);
}

int web_scope_refused(struct web_req *rq, struct web_resp *rs, int verdict)
{
	if (verdict == GW_ERR_AUTH)
		return web_error(rq, rs, 403, "Việc này thuộc xã khác: bạn không được xem hay thay đổi.",
				 "This belongs to another commune: you may not see or change it.");
	if (verdict == GW_ERR_NOTFOUND)
		return web_error(rq, rs, 404, "Không tìm thấy.", "Not found.");
	return verdict;
}

void web_actor(const struct web_req *rq, char *out, size_t outsz)
{
	struct buf b;

	buf_init(&b, outsz - 1);
	if (buf_addf(&b, "web:%s", rq->acct.phone) < 0 || gw_strlcpy(out, b.data, outsz) < 0)
		gw_strlcpy(out, "web:?", outsz);
	buf_release(&b);
}
