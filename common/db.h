/* db.h - the one place SQLite result codes live.
 *
 * A connection with the gateway's pragmas (WAL, foreign keys, busy timeout)
 * and a small cache of prepared statements, so hot paths prepare each SQL
 * text once. Every SQL text is a constant with '?' parameters: values are
 * always bound, never pasted into SQL.
 *
 *   sqlite3_stmt *st;
 *   if ((r = db_prepare(db, "SELECT text FROM inbox WHERE id = ?", &st)) < 0)
 *           goto out;
 *   sqlite3_bind_int64(st, 1, id);
 *   while ((r = db_step(st)) == DB_ROW) ...
 *
 * db_step returns DB_ROW, DB_DONE, or a negative GW_ERR_* (GW_ERR_EXISTS for
 * a UNIQUE/PRIMARY KEY conflict, GW_ERR_BUSY when locked, GW_ERR_DB else).
 */
#ifndef GW_DB_H
#define GW_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/gw_err.h"

#define DB_DONE 0
#define DB_ROW 1

struct db;

int db_open(struct db **out, const char *path, int busy_timeout_ms) GW_WARN_UNUSED;
void db_close(struct db *db);
sqlite3 *db_handle(struct db *db);
const char *db_path(const struct db *db);

/* A cached statement for sql (a string constant), reset with no bindings. */
int db_prepare(struct db *db, const char *sql, sqlite3_stmt **out) GW_WARN_UNUSED;
int db_step(sqlite3_stmt *st) GW_WARN_UNUSED;
/* Run one or more statements without results (schema, pragmas). */
int db_exec(struct db *db, const char *sql) GW_WARN_UNUSED;

/* The page cache of the connection, and of its temporary tables, in KiB
 * (SQLite's default is 2000 each): the largest part of the daemon's memory
 * with a large database, and a small one costs little (the file's pages
 * stay in the operating system's cache). */
int db_set_cache_kib(struct db *db, int kib) GW_WARN_UNUSED;

int db_begin(struct db *db) GW_WARN_UNUSED;     /* BEGIN IMMEDIATE: take the write lock now */
int db_commit(struct db *db) GW_WARN_UNUSED;
void db_rollback(struct db *db); /* safe when no transaction is open */
int db_in_tx(struct db *db);

/* One unit of work among several committed in one transaction (inside
 * db_begin/db_commit): db_unit_begin marks its start, db_unit_keep keeps
 * it, db_unit_undo takes back what it did and nothing else (SAVEPOINT,
 * RELEASE, ROLLBACK TO). Units do not nest. */
int db_unit_begin(struct db *db) GW_WARN_UNUSED;
int db_unit_keep(struct db *db) GW_WARN_UNUSED;
void db_unit_undo(struct db *db);

/* 1 when table exists in schema ("main", "temp"), else 0: from SQLite's
 * schema in memory, without a query. */
int db_table_exists(struct db *db, const char *schema, const char *table);

int64_t db_last_id(struct db *db);
int db_changes(struct db *db);
const char *db_errmsg(struct db *db);

/* Bind helpers: NULL text binds SQL NULL. */
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Column text as a C string, "" for NULL. */
const char *db_col_text(sqlite3_stmt *st, int col);

/* Memos: what a module builds from the database's content and keeps for
 * the next message on the same connection (the intent cues, the command
 * aliases, the open job offers, each parsed once). A memo is filed under
 * a key (the address of a static object of the module) with the content
 * version it was built from (store_content_version()); asked for with
 * another version it is released and NULL returned, so the module builds
 * it again. A connection keeps at most DB_MEMO_MAX (the oldest goes
 * first); db_close releases them. A value is valid until the next
 * db_memo or db_memo_keep call on the connection: use it, do not keep
 * it. One thread per connection, as for everything else here. */
#define DB_MEMO_MAX 8

/* The value kept for key at version, or NULL. */
void *db_memo(struct db *db, const void *key, int64_t version);

/* Keep value for key at version, the connection's from now on (replacing
 * and releasing an older one under key, or the oldest memo when
 * DB_MEMO_MAX are kept); release frees it. */
void db_memo_keep(struct db *db, const void *key, int64_t version, void *value,
		  void (*release)(void *));

/* The memo for key at version, or one built now: a zeroed value of size
 * bytes filled by build(db, value) and kept (release frees it, also when
 * build fails). *out on success; valid as db_memo's. */
int db_memo_get(struct db *db, const void *key, int64_t version, size_t size,
		int (*build)(struct db *, void *), void (*release)(void *),
		const void **out) GW_WARN_UNUSED;

/* A consistent copy of the live database into the new file dest (SQLite's
 * online backup API, all pages in one step so writers elsewhere never make
 * it restart), left in rollback-journal mode: one self-contained file. */
int db_backup(struct db *db, const char *dest) GW_WARN_UNUSED;

/* One-value queries: the first column of the first row. */
int db_query_int64(struct db *db, const char *sql, int64_t *out) GW_WARN_UNUSED;

/* Bound statements in one call. The parameters are a DB_ARGS list, in
 * parameter order (?1, ?2, ...), or NULL when the statement has none:
 *
 *   r = db_run(db, "UPDATE outbox SET text = ? WHERE id = ?",
 *              DB_ARGS(DB_TEXT(text), DB_INT(id)));
 *
 *   if ((r = db_row(db, "SELECT phone FROM contacts WHERE id = ?",
 *                   DB_ARGS(DB_INT(id)), &st)) < 0)
 *           goto out;          (GW_ERR_NOTFOUND: no such row)
 *   ... db_col_text(st, 0) ...
 *   sqlite3_reset(st);
 *
 * The list must give every parameter the statement has, no more and no
 * fewer: a mismatch is a programming error, logged, and GW_ERR_INVAL. */
enum db_arg_type { DB_ARG_END, DB_ARG_TEXT, DB_ARG_INT, DB_ARG_REAL, DB_ARG_NULL };

struct db_arg {
	enum db_arg_type type;
	union {
		const char *text;
		int64_t num;
		double real;
	} v;
};

/* Values, usable in a ?: as well ("n >= 0 ? DB_INT(n) : DB_NULL"). */
#define DB_TEXT(s) ((struct db_arg){ .type = DB_ARG_TEXT, .v.text = (s) }) /* NULL: SQL NULL */
#define DB_INT(n) ((struct db_arg){ .type = DB_ARG_INT, .v.num = (int64_t)(n) }) /* any integer */
#define DB_REAL(x) ((struct db_arg){ .type = DB_ARG_REAL, .v.real = (double)(x) })
#define DB_NULL ((struct db_arg){ .type = DB_ARG_NULL })
/* The end of a list: DB_ARGS adds it; an array filled in code needs it. */
#define DB_END ((struct db_arg){ .type = DB_ARG_END })
#define DB_ARGS(...) ((const struct db_arg[]){ __VA_ARGS__, DB_END })

/* A statement that returns no rows (INSERT, UPDATE, DELETE): prepared,
 * bound and run. 0 or a negative GW_ERR_* (GW_ERR_EXISTS for a UNIQUE
 * conflict, as db_step). */
int db_run(struct db *db, const char *sql, const struct db_arg *args) GW_WARN_UNUSED;

/* The first row of a query: 0 with *out on it for the column reads (then
 * sqlite3_reset(*out), or step on for more), GW_ERR_NOTFOUND when there
 * is no row, or another negative GW_ERR_*. */
int db_row(struct db *db, const char *sql, const struct db_arg *args,
	   sqlite3_stmt **out) GW_WARN_UNUSED;

/* A query prepared and bound, not yet stepped, for a loop:
 * while ((r = db_step(st)) == DB_ROW) ... */
int db_rows(struct db *db, const char *sql, const struct db_arg *args,
	    sqlite3_stmt **out) GW_WARN_UNUSED;

#endif
