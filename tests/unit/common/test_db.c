/* Unit tests: common/db's bound-statement helpers (db_run, db_row,
 * db_rows), its memos, units of work (savepoints) and its wait for a
 * locked database, on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/tmpdir.h"

#include "common/db.h"
#include "common/gw_err.h"

struct fx {
	char dir[64];
	char dbpath[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/gwdb-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->dbpath, sizeof(f->dbpath), "%s/t.db", f->dir);
	assert_int_equal(db_open(&f->db, f->dbpath, 1000), 0);
	assert_int_equal(db_exec(f->db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE,"
					" n INTEGER, x REAL, note TEXT)"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

/* No statement of the connection is left in the middle of a result. */
static void assert_all_released(struct db *db)
{
	for (sqlite3_stmt *s = sqlite3_next_stmt(db_handle(db), NULL); s;
	     s = sqlite3_next_stmt(db_handle(db), s))
		assert_false(sqlite3_stmt_busy(s));
}

static void test_run_binds_every_type(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st = NULL;
	time_t when = (time_t)1767225600; /* a time_t goes in as it is */
	int small = -7;

	assert_int_equal(db_run(f->db, "INSERT INTO t (name, n, x, note) VALUES (?, ?, ?, ?)",
				DB_ARGS(DB_TEXT("một"), DB_INT(when), DB_REAL(2.5), DB_TEXT(NULL))), 0);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name, n, x, note) VALUES (?1, ?2, ?3, ?4)",
				DB_ARGS(DB_TEXT("hai"), DB_INT(small), DB_NULL, DB_TEXT(""))), 0);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name, n) VALUES (?, ?)",
				DB_ARGS(DB_TEXT("ba"), DB_INT(INT64_C(1) << 40))), 0);
	/* a value chosen at the call: a number or NULL */
	for (int i = 0; i < 2; i++)
		assert_int_equal(db_run(f->db, "INSERT INTO t (name, n) VALUES (?, ?)",
					DB_ARGS(DB_TEXT(i ? "vier" : "vijf"), i ? DB_INT(4) : DB_NULL)), 0);
	assert_int_equal(db_row(f->db, "SELECT group_concat(name || '=' || coalesce(n, 'null'), ',')"
				" FROM t WHERE name LIKE 'v%'", NULL, &st), 0);
	assert_string_equal(db_col_text(st, 0), "vijf=null,vier=4");
	sqlite3_reset(st);

	assert_int_equal(db_row(f->db, "SELECT n, x, note, typeof(note) FROM t WHERE name = ?",
				DB_ARGS(DB_TEXT("một")), &st), 0);
	assert_int_equal(sqlite3_column_int64(st, 0), 1767225600);
	assert_true(sqlite3_column_double(st, 1) == 2.5);
	assert_int_equal(sqlite3_column_type(st, 2), SQLITE_NULL);
	sqlite3_reset(st);

	assert_int_equal(db_row(f->db, "SELECT n, typeof(x), note, typeof(note) FROM t WHERE name = ?",
				DB_ARGS(DB_TEXT("hai")), &st), 0);
	assert_int_equal(sqlite3_column_int64(st, 0), -7);
	assert_string_equal(db_col_text(st, 1), "null");
	assert_string_equal(db_col_text(st, 3), "text");
	sqlite3_reset(st);

	assert_int_equal(db_row(f->db, "SELECT n FROM t WHERE name = ?", DB_ARGS(DB_TEXT("ba")), &st),
			 0);
	assert_int_equal(sqlite3_column_int64(st, 0), INT64_C(1) << 40);
	sqlite3_reset(st);
	assert_all_released(f->db);
}

static void test_row_not_found_leaves_out_alone(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st = NULL;

	assert_int_equal(db_row(f->db, "SELECT id FROM t WHERE name = ?", DB_ARGS(DB_TEXT("none")), &st),
			 GW_ERR_NOTFOUND);
	assert_null(st);
	/* without parameters: NULL for the list */
	assert_int_equal(db_row(f->db, "SELECT id FROM t", NULL, &st), GW_ERR_NOTFOUND);
	assert_null(st);
	assert_int_equal(db_row(f->db, "SELECT count(*) FROM t", NULL, &st), 0);
	assert_non_null(st);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_reset(st);
	assert_all_released(f->db);
}

static void test_count_must_match(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(db_run(f->db, "INSERT INTO t (name, n) VALUES (?, ?)",
				DB_ARGS(DB_TEXT("a"))), GW_ERR_INVAL);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name, n) VALUES (?, ?)",
				DB_ARGS(DB_TEXT("a"), DB_INT(1), DB_INT(2))), GW_ERR_INVAL);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name) VALUES (?)", NULL), GW_ERR_INVAL);
	assert_int_equal(db_run(f->db, "DELETE FROM t", DB_ARGS(DB_INT(1))), GW_ERR_INVAL);
	assert_int_equal(db_row(f->db, "SELECT id FROM t WHERE id = ?", NULL, &st), GW_ERR_INVAL);
	assert_null(st);
	assert_int_equal(db_rows(f->db, "SELECT id FROM t WHERE id = ?1 OR id = ?2",
				 DB_ARGS(DB_INT(1)), &st), GW_ERR_INVAL);
	assert_null(st);
	/* nothing was written by any of them */
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM t", &n), 0);
	assert_int_equal(n, 0);
	/* a numbered parameter used twice counts once */
	assert_int_equal(db_run(f->db, "INSERT INTO t (name, note) VALUES (?1, ?1)",
				DB_ARGS(DB_TEXT("same"))), 0);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM t WHERE name = note", &n), 0);
	assert_int_equal(n, 1);
}

static void test_run_errors_and_changes(void **state)
{
	struct fx *f = *state;

	assert_int_equal(db_run(f->db, "INSERT INTO t (name) VALUES (?)", DB_ARGS(DB_TEXT("x"))), 0);
	assert_int_equal(db_last_id(f->db), 1);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name) VALUES (?)", DB_ARGS(DB_TEXT("x"))),
			 GW_ERR_EXISTS);
	assert_true(db_run(f->db, "INSERT INTO nosuch (name) VALUES (?)", DB_ARGS(DB_TEXT("x"))) < 0);
	assert_int_equal(db_run(f->db, "UPDATE t SET n = ? WHERE name = ?",
				DB_ARGS(DB_INT(3), DB_TEXT("x"))), 0);
	assert_int_equal(db_changes(f->db), 1);
	assert_int_equal(db_run(f->db, "UPDATE t SET n = ? WHERE name = ?",
				DB_ARGS(DB_INT(3), DB_TEXT("y"))), 0);
	assert_int_equal(db_changes(f->db), 0);
	/* a statement that does return a row: run once and let go */
	assert_int_equal(db_run(f->db, "SELECT name FROM t WHERE n = ?", DB_ARGS(DB_INT(3))), 0);
	assert_all_released(f->db);
}

static void test_rows_loop(void **state)
{
	struct fx *f = *state;
	const char *names[] = { "c", "a", "b" };
	sqlite3_stmt *st = NULL;
	char seen[8] = "";
	int r, k = 0;

	for (int i = 0; i < 3; i++)
		assert_int_equal(db_run(f->db, "INSERT INTO t (name, n) VALUES (?, ?)",
					DB_ARGS(DB_TEXT(names[i]), DB_INT(i))), 0);
	assert_int_equal(db_rows(f->db, "SELECT name FROM t WHERE n >= ? ORDER BY name",
				 DB_ARGS(DB_INT(1)), &st), 0);
	while ((r = db_step(st)) == DB_ROW)
		seen[k++] = db_col_text(st, 0)[0];
	assert_int_equal(r, DB_DONE);
	assert_string_equal(seen, "ab");
	/* db_row stops on the first row; stepping on reads the next */
	assert_int_equal(db_row(f->db, "SELECT name FROM t ORDER BY name", NULL, &st), 0);
	assert_string_equal(db_col_text(st, 0), "a");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "b");
	sqlite3_reset(st);
	assert_all_released(f->db);
}

static int released;

static void count_release(void *p)
{
	released++;
	free(p);
}

/* A memo is found at its version only; another version releases it; the
 * oldest makes room when DB_MEMO_MAX are kept; db_close releases the rest. */
static void test_memo(void **state)
{
	struct fx *f = *state;
	static const char keys[DB_MEMO_MAX + 1] = { 0 };
	int *v;

	released = 0;
	assert_null(db_memo(f->db, &keys[0], 1));
	v = malloc(sizeof(*v));
	*v = 7;
	db_memo_keep(f->db, &keys[0], 1, v, count_release);
	assert_ptr_equal(db_memo(f->db, &keys[0], 1), v);
	assert_null(db_memo(f->db, &keys[0], 2)); /* content moved on */
	assert_int_equal(released, 1);
	assert_null(db_memo(f->db, &keys[0], 1));
	for (int i = 0; i <= DB_MEMO_MAX; i++)
		db_memo_keep(f->db, &keys[i], 5, malloc(4), count_release);
	assert_int_equal(released, 2);           /* keys[0], the oldest, made room */
	assert_null(db_memo(f->db, &keys[0], 5));
	assert_non_null(db_memo(f->db, &keys[DB_MEMO_MAX], 5));
	db_memo_keep(f->db, &keys[1], 5, malloc(4), count_release); /* replaces */
	assert_int_equal(released, 3);
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(released, 3 + DB_MEMO_MAX);
	assert_int_equal(db_open(&f->db, f->dbpath, 1000), 0);
}

/* Another connection holds the write lock: BEGIN waits the busy timeout
 * (1 s here) and gives up with GW_ERR_BUSY; once the lock is released it
 * is taken. */
static void test_busy_wait(void **state)
{
	struct fx *f = *state;
	struct db *other = NULL;

	assert_int_equal(db_open(&other, f->dbpath, 0), 0);
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(db_begin(f->db), GW_ERR_BUSY);
	db_rollback(other);
	assert_int_equal(db_begin(f->db), 0);
	db_rollback(f->db);
	db_close(other);
}

/* Units of work in one transaction: an undone unit takes back its own
 * rows only, kept units before and after it are committed together. */
static void test_units(void **state)
{
	struct fx *f = *state;
	int64_t n = 0;

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_unit_begin(f->db), 0);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name) VALUES ('a')", NULL), 0);
	assert_int_equal(db_unit_keep(f->db), 0);
	assert_int_equal(db_unit_begin(f->db), 0);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name) VALUES ('b')", NULL), 0);
	assert_int_equal(db_run(f->db, "UPDATE t SET n = 1 WHERE name = 'a'", NULL), 0);
	db_unit_undo(f->db);
	assert_true(db_in_tx(f->db)); /* the batch goes on */
	assert_int_equal(db_unit_begin(f->db), 0);
	assert_int_equal(db_run(f->db, "INSERT INTO t (name) VALUES ('c')", NULL), 0);
	assert_int_equal(db_unit_keep(f->db), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(db_query_int64(f->db, "SELECT group_concat(name || coalesce(n, ''), ',')"
					      " = 'a,c' FROM (SELECT * FROM t ORDER BY name)", &n), 0);
	assert_int_equal(n, 1);
	assert_all_released(f->db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_binds_every_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_not_found_leaves_out_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_must_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_errors_and_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
	};
	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
