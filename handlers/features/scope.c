/* scope.c - see scope.h. */
#include "handlers/features/scope.h"

#include <string.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/features/officers.h"

#define SCOPE_TEXT_MAX 4096

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

	buf_init(&b, SCOPE_TEXT_MAX);
	text_result(ctx, jobs_filter_places(arg_text(argv[0]), arg_text(argv[1]), arg_text(argv[2]),
					    arg_text(argv[3]), &b), &b);
	buf_release(&b);
}

int scope_register(struct db *db)
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

void scope_bind(sqlite3_stmt *st, const struct scope_account *a)
{
	sqlite3_bind_int(st, 1, (a->admin ? 1 : 0) | (a->all_households ? 2 : 0));
	sqlite3_bind_int64(st, 2, a->id);
	db_bind_text(st, 3, a->commune_key);
}

/* The commune's key into a (name and commune set). */
static int fill_key(struct scope_account *a)
{
	struct buf key;
	int r;

	buf_init(&key, sizeof(a->commune_key) - 1);
	if ((r = jobs_filter_place_key(a->commune, &key)) == 0)
		r = gw_strlcpy(a->commune_key, key.data, sizeof(a->commune_key));
	buf_release(&key);
	return r;
}

int scope_account_of(const struct officer *o, struct scope_account *out)
{
	struct scope_account a;
	int r;

	memset(&a, 0, sizeof(a));
	a.id = o->id;
	a.admin = strcmp(o->role, "admin") == 0;
	if ((r = gw_strlcpy(a.phone, o->phone, sizeof(a.phone))) < 0 ||
	    (r = gw_strlcpy(a.name, o->name, sizeof(a.name))) < 0 ||
	    (r = gw_strlcpy(a.commune, o->commune, sizeof(a.commune))) < 0 || (r = fill_key(&a)) < 0)
		return r;
	*out = a;
	return 0;
}

/* "|key|key|" of the box's communes (nothing for none). */
static int box_keys(const char *box_communes, struct buf *out)
{
	return jobs_filter_places(NULL, NULL, box_communes, NULL, out);
}

int scope_account_box(struct scope_account *a, const char *box_communes)
{
	struct buf keys, mine;
	int r;

	buf_init(&keys, SCOPE_TEXT_MAX);
	buf_init(&mine, sizeof(a->commune_key) + 2);
	if ((r = box_keys(box_communes ? box_communes : "", &keys)) < 0 ||
	    (r = buf_addf(&mine, "|%s|", a->commune_key)) < 0)
		goto out;
	/* one commune: "|key|" with no second bar inside */
	if (!a->admin && keys.len > 2 && !strchr(keys.data + 1, '|')[1] &&
	    (!*a->commune_key || strcmp(keys.data, mine.data) == 0))
		a->all_households = 1;
out:
	buf_release(&keys);
	buf_release(&mine);
	return r;
}

/* 1 when key is one of the box's communes, or (when the box names none)
 * the commune of a registered officer. */
static int known_commune(struct db *db, const char *key, const char *box_communes, int *ok)
{
	struct buf keys, want;
	sqlite3_stmt *st;
	int r;

	*ok = 0;
	buf_init(&keys, SCOPE_TEXT_MAX);
	buf_init(&want, SCOPE_TEXT_MAX);
	if ((r = box_keys(box_communes ? box_communes : "", &keys)) < 0 ||
	    (r = buf_addf(&want, "|%s|", key)) < 0)
		goto out;
	if (keys.len > 1) {
		*ok = strstr(keys.data, want.data) != NULL;
		goto out;
	}
	if ((r = db_row(db, "SELECT count(*) FROM officers WHERE gw_place_key(commune) = ?",
			DB_ARGS(DB_TEXT(key)), &st)) < 0)
		goto out;
	*ok = sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
out:
	buf_release(&keys);
	buf_release(&want);
	return r;
}

int scope_may_set_commune(struct db *db, const struct scope_account *a, const char *current,
			  const char *to, const char *box_communes)
{
	struct buf key, cur;
	int ok = 0, r;

	buf_init(&key, SCOPE_TEXT_MAX);
	buf_init(&cur, SCOPE_TEXT_MAX);
	if ((r = jobs_filter_place_key(to ? to : "", &key)) < 0 ||
	    (r = jobs_filter_place_key(current ? current : "", &cur)) < 0)
		goto out;
	r = 0;
	if (a->admin) /* clearing it too */
		goto out;
	r = GW_ERR_INVAL;
	if (!key.len)
		goto out;
	/* an officer only hands a household nobody has placed yet */
	r = GW_ERR_AUTH;
	if (cur.len)
		goto out;
	if ((r = known_commune(db, key.data, box_communes, &ok)) == 0)
		r = ok ? 0 : GW_ERR_AUTH;
out:
	buf_release(&key);
	buf_release(&cur);
	return r;
}

int scope_account_load(struct db *db, int64_t officer_id, struct scope_account *out)
{
	struct officer o;
	int r;

	if ((r = officers_get(db, officer_id, &o)) < 0)
		return r;
	return scope_account_of(&o, out);
}

/* Run a "SELECT exists, visible" check whose ?4 the caller bound. */
static int verdict(sqlite3_stmt *st)
{
	int r = db_step(st);

	if (r != DB_ROW)
		return r < 0 ? r : GW_ERR_NOTFOUND;
	r = !sqlite3_column_int(st, 0) ? GW_ERR_NOTFOUND : sqlite3_column_int(st, 1) ? 0 : GW_ERR_AUTH;
	sqlite3_reset(st);
	return r;
}

static int check_id(struct db *db, const char *sql, const struct scope_account *a, int64_t id)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, sql, &st)) < 0)
		return r;
	scope_bind(st, a);
	sqlite3_bind_int64(st, 4, id);
	return verdict(st);
}

int scope_job(struct db *db, const struct scope_account *a, int64_t job_id)
{
	return check_id(db, "SELECT count(*), coalesce(max(" SCOPE_JOB("j") "), 0)"
			    " FROM jobs j WHERE j.id = ?4", a, job_id);
}

int scope_appointment(struct db *db, const struct scope_account *a, int64_t id)
{
	return check_id(db, "SELECT count(*), coalesce(max(" SCOPE_APPT("x") "), 0)"
			    " FROM appointments x WHERE x.id = ?4", a, id);
}

int scope_inbox(struct db *db, const struct scope_account *a, int64_t inbox_id)
{
	return check_id(db, "SELECT count(*), coalesce(max(" SCOPE_PHONE("i.sender") "), 0)"
			    " FROM inbox i WHERE i.id = ?4", a, inbox_id);
}

int scope_phone(struct db *db, const struct scope_account *a, const char *phone)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM contacts WHERE phone = ?4)"
				" OR EXISTS (SELECT 1 FROM inbox WHERE sender = ?4), "
				SCOPE_PHONE("?4"), &st)) < 0)
		return r;
	scope_bind(st, a);
	db_bind_text(st, 4, phone);
	return verdict(st);
}

int scope_job_commune(const struct scope_account *a, const char *commune)
{
	struct buf places, want;
	int r;

	if (a->admin)
		return 0;
	if (!*a->commune_key)
		return GW_ERR_AUTH;
	buf_init(&places, SCOPE_TEXT_MAX);
	buf_init(&want, sizeof(a->commune_key) + 2);
	/* "|key|" and nothing else: a job listing two communes is not one
	 * officer's to place */
	if ((r = jobs_filter_places(NULL, NULL, commune, NULL, &places)) == 0 &&
	    (r = buf_addf(&want, "|%s|", a->commune_key)) == 0)
		r = strcmp(places.data, want.data) == 0 ? 0 : GW_ERR_AUTH;
	buf_release(&places);
	buf_release(&want);
	return r;
}

int scope_area(const struct scope_account *a, const char *area)
{
	struct buf key;
	int r;

	if (a->admin)
		return 0;
	if (!*a->commune_key)
		return GW_ERR_AUTH;
	if (!area || !*area)
		return 0;
	buf_init(&key, SCOPE_TEXT_MAX);
	if ((r = jobs_filter_place_key(area, &key)) == 0)
		r = strcmp(key.data, a->commune_key) == 0 ? 0 : GW_ERR_AUTH;
	buf_release(&key);
	return r;
}

const char *scope_audience(const struct scope_account *a)
{
	return a->admin ? NULL : a->commune_key;
}

int scope_may_reassign(struct db *db, int64_t from, int64_t to, int *ok)
{
	struct scope_account fa, ta;
	int r;

	*ok = 0;
	if (to <= 0 || from == to || from <= 0) {
		*ok = to > 0;
		return 0;
	}
	r = scope_account_load(db, from, &fa);
	if (r == GW_ERR_NOTFOUND) { /* its officer is gone: anyone may take it */
		*ok = 1;
		return 0;
	}
	if (r < 0 || (r = scope_account_load(db, to, &ta)) < 0)
		return r;
	*ok = !fa.admin && !ta.admin && *fa.commune_key && strcmp(fa.commune_key, ta.commune_key) == 0;
	return 0;
}

int scope_commune_label(const struct scope_account *a, struct buf *out)
{
	return jobs_filter_place_label(a->commune, out);
}

int scope_audit_refusal(struct db *db, time_t now, const char *actor, const char *what,
			const char *target, const struct scope_account *a)
{
	struct buf detail;
	int r;

	buf_init(&detail, 512);
	if ((r = buf_addf(&detail, "%s: outside the scope of %s", what,
			  *a->commune ? a->commune : "an officer without a commune")) == 0)
		r = audit_write(db, now, actor, "scope_refused", target, detail.data);
	buf_release(&detail);
	return r;
}
