/* content_rows.c - see content_rows.h. */
#include "gateway/content/content_rows.h"

#include "common/gw_err.h"

int content_rows_collect(struct db *db, const char *sql, content_rows_fn fn, json_t **out)
{
	json_t *a = json_array(), *item;
	sqlite3_stmt *st;
	int r = GW_ERR_NOMEM;

	if (!a)
		goto out;
	if ((r = db_prepare(db, sql, &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		if ((r = fn(st, &item)) < 0) {
			sqlite3_reset(st);
			goto out;
		}
		json_array_append_new(a, item);
	}
	if (r < 0)
		goto out;
	*out = a;
	a = NULL;
	r = 0;
out:
	json_decref(a);
	return r;
}

int content_rows_text(sqlite3_stmt *st, json_t **item)
{
	*item = json_string(db_col_text(st, 0));
	return 0;
}
