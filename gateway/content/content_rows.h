/* content_rows.h - the rows of one content query as a JSON array.
 *
 * content_programs.c and content_jobs.c list codes and export records the
 * same way: every row of a constant statement made into a JSON value and
 * appended to an array, which the caller gets only when every row was
 * read. The callers hold any transaction; nothing here writes.
 */
#ifndef GW_CONTENT_ROWS_H
#define GW_CONTENT_ROWS_H

#include <jansson.h>

#include "common/db.h"

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
