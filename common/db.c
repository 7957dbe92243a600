#include "common/db.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "common/log.h"

#define DB_CACHE_SIZE 128

struct db_cached {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	char *path;
	struct db_cached cache[DB_CACHE_SIZE];
	int ncache;
	int busy_timeout_ms;
	int64_t busy_since_us;    /* when the current wait for the lock began */
	struct db_memo {
		const void *key;
		int64_t version;
		void *value;
		void (*release)(void *);
	} memo[DB_MEMO_MAX];
	int nmemo;
};

/* Waiting for another connection's write lock, from 50 us doubling to
 * DB_BUSY_STEP_MAX_US, until busy_timeout_ms. SQLite's own busy timeout
 * sleeps 1, 2, 5, 10, 15, 20, 25 ... 100 ms: with the daemon's main
 * process and its modem workers writing side by side in transactions of
 * well under a millisecond, most of a busy wait was sleep after the lock
 * was free (0.7 s of 3.4 s answering 300 questions). */
#define DB_BUSY_STEP_MAX_US 2000

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int busy_wait(void *arg, int count)
{
	struct db *db = arg;
	int64_t step = (int64_t)50 << (count < 6 ? count : 6);
	struct timespec ts;

	if (count == 0)
		db->busy_since_us = mono_us();
	if (mono_us() - db->busy_since_us >= (int64_t)db->busy_timeout_ms * 1000)
		return 0; /* give up: SQLITE_BUSY */
	if (step > DB_BUSY_STEP_MAX_US)
		step = DB_BUSY_STEP_MAX_US;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)step * 1000;
	nanosleep(&ts, NULL);
	return 1;
}

static int db_rc(sqlite3 *h, int rc)
{
	/* extended result codes are on: the primary code is the low byte */
	switch (rc & 0xff) {
	case SQLITE_OK: return GW_OK;
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return GW_ERR_BUSY;
	case SQLITE_NOMEM: return GW_ERR_NOMEM;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
		    (h && (sqlite3_extended_errcode(h) == SQLITE_CONSTRAINT_UNIQUE ||
			   sqlite3_extended_errcode(h) == SQLITE_CONSTRAINT_PRIMARYKEY)))
			return GW_ERR_EXISTS;
		return GW_ERR_INVAL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: return GW_ERR_CORRUPT;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR: return GW_ERR_IO;
	}
	return GW_ERR_DB;
}

int db_open(struct db **out, const char *path, int busy_timeout_ms)
{
	struct db *db = calloc(1, sizeof(*db));
	int r = GW_ERR_NOMEM;

	if (!db || !(db->path = strdup(path)))
		goto out;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_error("cannot open database %s: %s", path,
			  db->h ? sqlite3_errmsg(db->h) : "out of memory");
		r = GW_ERR_IO;
		goto out;
	}
	/* The outbox's CHECK (x IN (...)) lists make SQLite open and close
	 * three temporary b-trees for every INSERT; freeing their page cache
	 * at the top of the heap made glibc give it back to the kernel each
	 * time (brk, a TLB flush on every core): 40 % of the handler path's
	 * time. Keep up to 4 MiB of freed heap instead (process-wide). */
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
	db->busy_timeout_ms = busy_timeout_ms;
	sqlite3_busy_handler(db->h, busy_wait, db);
	sqlite3_extended_result_codes(db->h, 1);
	if ((r = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			     " PRAGMA synchronous=NORMAL;")) < 0)
		goto out;
	*out = db;
	db = NULL;
	r = 0;
out:
	db_close(db);
	return r;
}

void *db_memo(struct db *db, const void *key, int64_t version)
{
	for (int i = 0; i < db->nmemo; i++) {
		struct db_memo *m = &db->memo[i];

		if (m->key != key)
			continue;
		if (m->version == version)
			return m->value;
		m->release(m->value);
		memmove(m, m + 1, sizeof(*m) * (size_t)(db->nmemo - 1 - i));
		db->nmemo--;
		break;
	}
	return NULL;
}

void db_memo_keep(struct db *db, const void *key, int64_t version, void *value,
		  void (*release)(void *))
{
	struct db_memo *m = NULL;

	for (int i = 0; i < db->nmemo && !m; i++)
		if (db->memo[i].key == key)
			m = &db->memo[i];
	if (!m && db->nmemo == DB_MEMO_MAX) { /* the oldest makes room */
		db->memo[0].release(db->memo[0].value);
		memmove(db->memo, db->memo + 1, sizeof(db->memo[0]) * (DB_MEMO_MAX - 1));
		db->nmemo--;
	}
	if (m)
		m->release(m->value);
	else
		m = &db->memo[db->nmemo++];
	*m = (struct db_memo){ key, version, value, release };
}

int db_memo_get(struct db *db, const void *key, int64_t version, size_t size,
		int (*build)(struct db *, void *), void (*release)(void *), const void **out)
{
	void *v = db_memo(db, key, version);
	int r = 0;

	if (v)
		goto done;
	if (!(v = calloc(1, size)))
		return GW_ERR_NOMEM;
	if ((r = build(db, v)) < 0) {
		release(v);
		return r;
	}
	db_memo_keep(db, key, version, v, release);
done:
	*out = v;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->nmemo; i++)
		db->memo[i].release(db->memo[i].value);
	for (int i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	if (db->h)
		sqlite3_close(db->h);
	free(db->path);
	free(db);
}

sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

const char *db_path(const struct db *db)
{
	return db->path;
}

int db_prepare(struct db *db, const char *sql, sqlite3_stmt **out)
{
	sqlite3_stmt *st = NULL;
	int i;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql || strcmp(db->cache[i].sql, sql) == 0)
			break;
	if (i < db->ncache) {
		st = db->cache[i].st;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		*out = st;
		return 0;
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("SQL prepare failed: %s (%.80s)", sqlite3_errmsg(db->h), sql);
		return db_rc(db->h, sqlite3_errcode(db->h)) < 0 ? db_rc(db->h, sqlite3_errcode(db->h))
								 : GW_ERR_DB;
	}
	if (db->ncache == DB_CACHE_SIZE) { /* full: evict the oldest entry */
		sqlite3_finalize(db->cache[0].st);
		memmove(db->cache, db->cache + 1, sizeof(db->cache[0]) * (DB_CACHE_SIZE - 1));
		db->ncache--;
	}
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].st = st;
	db->ncache++;
	*out = st;
	return 0;
}

int db_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int r = db_rc(sqlite3_db_handle(st), rc);

	if (r < 0 && r != GW_ERR_EXISTS)
		log_debug("SQL step failed: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
	if (rc != SQLITE_ROW)
		sqlite3_reset(st);
	return r;
}

int db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_error("SQL failed: %s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return db_rc(db->h, rc) < 0 ? db_rc(db->h, rc) : GW_ERR_DB;
	}
	return 0;
}

int db_set_cache_kib(struct db *db, int kib)
{
	char sql[96];

	/* a PRAGMA takes no bound parameters: only the number is formatted */
	snprintf(sql, sizeof(sql), "PRAGMA main.cache_size = -%d; PRAGMA temp.cache_size = -%d",
		 kib, kib);
	return db_exec(db, sql);
}

int db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_in_tx(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

int db_unit_begin(struct db *db)
{
	return db_run(db, "SAVEPOINT unit", NULL);
}

int db_unit_keep(struct db *db)
{
	return db_run(db, "RELEASE unit", NULL);
}

void db_unit_undo(struct db *db)
{
	/* ROLLBACK TO leaves the savepoint open: RELEASE closes it */
	if (db_run(db, "ROLLBACK TO unit", NULL) < 0 || db_run(db, "RELEASE unit", NULL) < 0)
		log_warn("database: a unit of work could not be undone: %s", sqlite3_errmsg(db->h));
}

int db_table_exists(struct db *db, const char *schema, const char *table)
{
	return sqlite3_table_column_metadata(db->h, schema, table, NULL, NULL, NULL, NULL, NULL,
					     NULL) == SQLITE_OK;
}

int64_t db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

void db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

int db_query_int64(struct db *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, sql, &st)) < 0)
		return r;
	if ((r = db_step(st)) == DB_ROW) {
		*out = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	return r < 0 ? r : GW_ERR_NOTFOUND;
}

/* Bind args to st's parameters 1..n; n must be their number. */
static int db_bind_args(sqlite3_stmt *st, const struct db_arg *args)
{
	int want = sqlite3_bind_parameter_count(st), n = 0, rc = SQLITE_OK, r = 0;

	while (args && args[n].type != DB_ARG_END)
		n++;
	if (n != want) {
		log_error("SQL bind: %d value(s) for %d parameter(s) (%.80s)", n, want,
			  sqlite3_sql(st));
		r = GW_ERR_INVAL;
		goto out;
	}
	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		const struct db_arg *a = &args[i];

		if (a->type == DB_ARG_TEXT && a->v.text)
			rc = sqlite3_bind_text(st, i + 1, a->v.text, -1, SQLITE_TRANSIENT);
		else if (a->type == DB_ARG_INT)
			rc = sqlite3_bind_int64(st, i + 1, a->v.num);
		else if (a->type == DB_ARG_REAL)
			rc = sqlite3_bind_double(st, i + 1, a->v.real);
		else
			rc = sqlite3_bind_null(st, i + 1);
	}
	if (rc != SQLITE_OK) {
		log_error("SQL bind failed: %s (%.80s)", sqlite3_errstr(rc), sqlite3_sql(st));
		r = db_rc(sqlite3_db_handle(st), rc);
		r = r < 0 ? r : GW_ERR_DB;
	}
out:
	return r;
}

int db_rows(struct db *db, const char *sql, const struct db_arg *args, sqlite3_stmt **out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, sql, &st)) < 0 || (r = db_bind_args(st, args)) < 0)
		goto out;
	*out = st;
out:
	return r;
}

int db_row(struct db *db, const char *sql, const struct db_arg *args, sqlite3_stmt **out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_rows(db, sql, args, &st)) < 0)
		goto out;
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	*out = st;
	r = 0;
out:
	return r;
}

int db_run(struct db *db, const char *sql, const struct db_arg *args)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_rows(db, sql, args, &st)) < 0)
		goto out;
	if ((r = db_step(st)) == DB_ROW) /* a row is not wanted: release the statement */
		sqlite3_reset(st);
	r = r < 0 ? r : 0;
out:
	return r;
}

int db_backup(struct db *db, const char *dest)
{
	sqlite3 *to = NULL;
	sqlite3_backup *b;
	int rc, r;

	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		log_error("backup: cannot create %s: %s", dest, to ? sqlite3_errmsg(to) : "no memory");
		r = GW_ERR_IO;
		goto out;
	}
	if (!(b = sqlite3_backup_init(to, "main", db->h, "main"))) {
		log_error("backup: %s", sqlite3_errmsg(to));
		r = db_rc(to, sqlite3_errcode(to));
		r = r < 0 ? r : GW_ERR_DB;
		goto out;
	}
	/* a busy source (a writer checkpointing) is retried for a while */
	for (int tries = 0; tries < 100; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		log_error("backup: %s", sqlite3_errstr(rc));
		r = db_rc(to, rc);
		r = r < 0 ? r : GW_ERR_DB;
		goto out;
	}
	rc = sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	r = rc == SQLITE_OK ? 0 : GW_ERR_DB;
out:
	if (to)
		sqlite3_close(to);
	return r;
}
