/* fixture.h - how most unit tests start: a throw-away folder with a fresh
 * database in it (store_open: schema and migrations), and the shipped data
 * loaded as `gatewayctl init` and `import` load it. Include after
 * <cmocka.h>: a failure to set up fails the test, saying why.
 *
 *   struct fx { struct fixture fx; struct db *db; ... };
 *
 *   f->db = fixture_open(&f->fx, "gwjobs", 1000, FIXTURE_LEXICON | FIXTURE_JOBS);
 *   ...
 *   fixture_close(&f->fx, f->db);
 *
 * The data files are read from GW_SRCDIR (the top of the tree), else from
 * the current folder, where `make test` runs the tests.
 */
#ifndef GW_TEST_FIXTURE_H
#define GW_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/tmpdir.h"

#include "common/db.h"
#include "common/store.h"
#include "gateway/content/content.h"
#include "handlers/dialog/dialog_data.h"
#include "handlers/handler.h"
#include "handlers/understand/lexicon.h"

/* What fixture_open and fixture_load load, in this order. */
enum {
	FIXTURE_LEXICON = 1,  /* data/lexicon.json: command words, intent cues */
	FIXTURE_PROGRAMS = 2, /* data/programs.json */
	FIXTURE_JOBS = 4,     /* data/jobs.json */
	FIXTURE_DIALOGS = 8,  /* data/dialogs.json: menus, poverty standard */
};

struct fixture {
	char dir[64];   /* /tmp/NAME-XXXXXX */
	char path[128]; /* DIR/gw.db */
};

static inline const char *fixture_srcdir(void)
{
	const char *d = getenv("GW_SRCDIR");

	return d && *d ? d : ".";
}

/* The path of the shipped data file data/NAME. */
static inline void fixture_data(const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/data/%s", fixture_srcdir(), name);
}

/* Load the data files named by load into db. */
static inline void fixture_load(struct db *db, unsigned load)
{
	struct content_counts c;
	char path[1024], err[512];

	if (load & FIXTURE_LEXICON) {
		fixture_data("lexicon.json", path, sizeof(path));
		if (lexicon_import(db, path, err, sizeof(err)) != 0)
			fail_msg("lexicon: %s", err);
	}
	if (load & FIXTURE_PROGRAMS) {
		fixture_data("programs.json", path, sizeof(path));
		if (content_import_programs(db, path, "test", &c, err, sizeof(err)) != 0)
			fail_msg("programs.json: %s", err);
	}
	if (load & FIXTURE_JOBS) {
		fixture_data("jobs.json", path, sizeof(path));
		if (content_import_jobs(db, path, "test", &c, err, sizeof(err)) != 0)
			fail_msg("jobs.json: %s", err);
	}
	if (load & FIXTURE_DIALOGS) {
		fixture_data("dialogs.json", path, sizeof(path));
		if (dialog_data_import(db, path, err, sizeof(err)) < 0)
			fail_msg("dialogs.json: %s", err);
	}
}

/* Another database file in the fixture's folder. */
static inline struct db *fixture_store(const struct fixture *fx, const char *file, int busy_ms)
{
	struct db *db = NULL;
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, file);
	assert_int_equal(handler_store_open(&db, path, busy_ms), 0);
	return db;
}

/* Make /tmp/NAME-XXXXXX, open DIR/gw.db in it (busy_ms: its busy
 * timeout) and load what load names. */
static inline struct db *fixture_open(struct fixture *fx, const char *name, int busy_ms, unsigned load)
{
	struct db *db = NULL;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/%s-XXXXXX", name);
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/gw.db", fx->dir);
	assert_int_equal(handler_store_open(&db, fx->path, busy_ms), 0);
	fixture_load(db, load);
	return db;
}

/* The one number a query gives ("SELECT count(*) ..."); fails the test
 * when there is none. */
static inline int64_t fixture_int(struct db *db, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_int64(db, sql, &n), 0);
	return n;
}

/* Close db and remove the folder with everything in it. */
static inline void fixture_close(struct fixture *fx, struct db *db)
{
	db_close(db);
	assert_int_equal(tmpdir_remove(fx->dir), 0);
}

/* cmocka's teardown() for a test file whose state is a calloc'ed struct fx
 * holding `struct fixture fx` and `struct db *db` (and whatever else it
 * needs): closes both and frees it. */
#define FIXTURE_TEARDOWN                                   \
	static int teardown(void **state)                  \
	{                                                  \
		struct fx *f = *state;                     \
                                                           \
		fixture_close(&f->fx, f->db);              \
		free(f);                                   \
		return 0;                                  \
	}

/* A state of just those two: struct fx, its setup() (fixture_open with
 * name, busy_ms and load) and FIXTURE_TEARDOWN. */
#define FIXTURE_DB_STATE(name, busy_ms, load)                          \
	struct fx {                                                    \
		struct fixture fx;                                     \
		struct db *db;                                         \
	};                                                             \
	static int setup(void **state)                                 \
	{                                                              \
		struct fx *f = calloc(1, sizeof(*f));                  \
                                                                       \
		if (!f)                                                \
			return -1;                                     \
		f->db = fixture_open(&f->fx, (name), (busy_ms), (load)); \
		*state = f;                                            \
		return 0;                                              \
	}                                                              \
	FIXTURE_TEARDOWN

#endif
