/* content_rows.c - see content_rows.h. */
#include "gateway/content/content_rows.h"

#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/textfold.h"

const char *content_rows_str(json_t *rec, const char *key, const char *def)
{
	json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? json_string_value(v) : def;
}

int content_rows_fold(struct buf *b, const char *s)
{
	if (b->len && buf_addch(b, ' ') < 0)
		return GW_ERR_TOOBIG;
	return textfold_ascii(b, s, strlen(s));
}

int content_rows_join(json_t *list, struct buf *list_text)
{
	json_t *v;
	size_t i;
	int r = 0;

	json_array_foreach(list, i, v) {
		if ((list_text->len && (r = buf_adds(list_text, ", ")) < 0) ||
		    (r = buf_adds(list_text, json_string_value(v))) < 0)
			break;
	}
	return r;
}

int content_rows_args(const struct content_col *cols, size_t n, json_t *rec,
		      struct buf *list_text, struct db_arg *args)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		json_t *from = cols[i].in ? json_object_get(rec, cols[i].in) : rec;
		json_t *v = json_object_get(from, cols[i].key);

		switch (cols[i].kind) {
		case CONTENT_COL_TEXT:
			args[i] = DB_TEXT(content_rows_str(from, cols[i].key, ""));
			break;
		case CONTENT_COL_DATE:
			args[i] = DB_TEXT(content_rows_str(from, cols[i].key, NULL));
			break;
		case CONTENT_COL_INT:
			args[i] = json_is_integer(v) ? DB_INT(json_integer_value(v)) : DB_NULL;
			break;
		case CONTENT_COL_BOOL:
			args[i] = DB_INT(json_is_true(v));
			break;
		case CONTENT_COL_LIST:
			buf_reset(list_text);
			r = content_rows_join(v, list_text);
			args[i] = DB_TEXT(list_text->data);
			break;
		}
	}
	return r;
}

/* Stored lists are one ", "-joined text (validation keeps commas out). */
static json_t *split_list(const char *s)
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

static json_t *column_value(sqlite3_stmt *st, int col, enum content_col_kind kind)
{
	int null = sqlite3_column_type(st, col) == SQLITE_NULL;

	switch (kind) {
	case CONTENT_COL_DATE: return null ? json_null() : json_string(db_col_text(st, col));
	case CONTENT_COL_INT: return null ? json_null() : json_integer(sqlite3_column_int64(st, col));
	case CONTENT_COL_BOOL: return json_boolean(sqlite3_column_int(st, col));
	case CONTENT_COL_LIST: return split_list(db_col_text(st, col));
	default: return json_string(db_col_text(st, col));
	}
}

/* Where a field of cols goes in o: o, or its object `in`, made when missing. */
static json_t *holder(json_t *o, const char *in)
{
	json_t *h = in ? json_object_get(o, in) : o;

	if (!h && json_object_set_new(o, in, h = json_object()) < 0)
		h = NULL;
	return h;
}

int content_rows_read(sqlite3_stmt *st, const struct content_col *cols, size_t n, json_t *o)
{
	json_t *to;
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		if (strcmp(sqlite3_column_name(st, (int)i), cols[i].column) != 0)
			r = GW_ERR_INVAL;
		else if (!(to = holder(o, cols[i].in)) ||
			 json_object_set_new(to, cols[i].key, column_value(st, (int)i, cols[i].kind)) < 0)
			r = GW_ERR_NOMEM;
	}
	return r;
}

static json_t *canonical_value(json_t *v, enum content_col_kind kind)
{
	switch (kind) {
	case CONTENT_COL_DATE: return json_is_string(v) ? json_copy(v) : json_null();
	case CONTENT_COL_INT:
		return json_is_integer(v) ? json_integer(json_integer_value(v)) : json_null();
	case CONTENT_COL_BOOL: return json_boolean(json_is_true(v));
	case CONTENT_COL_LIST: return json_is_array(v) ? json_deep_copy(v) : json_array();
	default: return json_is_string(v) ? json_copy(v) : json_string("");
	}
}

json_t *content_rows_canonical(const struct content_col *cols, size_t n, json_t *rec)
{
	json_t *o = json_object(), *to;

	for (size_t i = 0; o && i < n; i++) {
		json_t *from = cols[i].in ? json_object_get(rec, cols[i].in) : rec;
		json_t *v = canonical_value(json_object_get(from, cols[i].key), cols[i].kind);

		if (!(to = holder(o, cols[i].in)) || json_object_set_new(to, cols[i].key, v) < 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

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
