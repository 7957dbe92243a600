/* content_rows.h - content records as table rows, and back.
 *
 * A content table (programs, jobs) is described once, as an array of
 * struct content_col in the order of its SELECT list and of the first
 * parameters of its INSERT: content_rows_canonical() puts a record in
 * the form change detection and export use, content_rows_args() makes
 * the INSERT's parameters from it, content_rows_read() makes it from a
 * row. So a field is added in one place, next to the SQL texts.
 *
 * content_rows_collect() gathers every row of a query as a JSON array,
 * which the caller gets only when every row was read. The callers hold
 * any transaction; nothing here writes.
 */
#ifndef GW_CONTENT_ROWS_H
#define GW_CONTENT_ROWS_H

#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/db.h"

/* How a record field is stored in its column. */
enum content_col_kind {
	CONTENT_COL_TEXT,  /* a string; "" when the record has none */
	CONTENT_COL_DATE,  /* a string or null (dates): SQL NULL when none */
	CONTENT_COL_INT,   /* an integer or null */
	CONTENT_COL_BOOL,  /* true or false, stored 1 or 0 */
	CONTENT_COL_LIST,  /* an array of strings, stored ", "-joined (no commas inside) */
};

struct content_col {
	const char *column;         /* the table's column (checked when reading) */
	const char *key;            /* the record's field */
	const char *in;             /* the object holding it ("location"), NULL: the record */
	enum content_col_kind kind;
};

/* rec[key] when it is a string, else def. */
const char *content_rows_str(json_t *rec, const char *key, const char *def);

/* Append s to b folded (textfold_ascii), after a space when b is not empty. */
int content_rows_fold(struct buf *b, const char *s) GW_WARN_UNUSED;

/* The strings of list joined by ", " into list_text. */
int content_rows_join(json_t *list, struct buf *list_text) GW_WARN_UNUSED;

/* rec's fields cols[0..n) as database values in args[0..n) (args has room
 * for n). Texts point into rec, and into list_text for the (one) LIST
 * column (NULL when there is none): both must outlive the statement's run. */
int content_rows_args(const struct content_col *cols, size_t n, json_t *rec,
		      struct buf *list_text, struct db_arg *args) GW_WARN_UNUSED;

/* The fields cols[0..n) from columns 0..n-1 of st's current row, added to
 * object o in table order. GW_ERR_INVAL when a column is not the one the
 * table names; GW_ERR_NOMEM. */
int content_rows_read(sqlite3_stmt *st, const struct content_col *cols, size_t n,
		      json_t *o) GW_WARN_UNUSED;

/* rec's fields cols[0..n) in canonical form: a new object holding every
 * field, in table order, of its kind (absent: text "", date, integer
 * null, list [], bool false). NULL: no memory. */
json_t *content_rows_canonical(const struct content_col *cols, size_t n, json_t *rec);

/* The JSON value of st's current row: 0 and a new reference in *item, or
 * a negative GW_ERR_*. A NULL *item appends nothing (json_array_append_new
 * refuses it), as a value jansson could not make always did. */
typedef int (*content_rows_fn)(sqlite3_stmt *st, json_t **item);

/* Every row of sql (a string constant without parameters) through fn,
 * in order, into a new array in *out. GW_ERR_NOMEM, fn's error or the
 * database's; *out is set only on success. */
int content_rows_collect(struct db *db, const char *sql, content_rows_fn fn, json_t **out);

/* A content_rows_fn: the first column as a JSON string (codes). */
int content_rows_text(sqlite3_stmt *st, json_t **item);

#endif
