/* fuzz_db.h - the database a content fuzz target works on: a temporary
 * SQLite file with the schema, the sample programmes and the sample offers
 * (as `gatewayctl init` + `import programs` + `import jobs` leave it),
 * built once in LLVMFuzzerInitialize. Aborts when it cannot be built. */
#ifndef GW_FUZZ_DB_H
#define GW_FUZZ_DB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/db.h"
#include "common/store.h"
#include "gateway/content/content.h"

/* A property a target checks: abort (the fuzzer's finding) when false. */
static inline void fuzz_check(int ok)
{
	if (!ok)
		abort();
}

/* The one integer sql yields (a fingerprint of the tables a target must
 * leave as it found them); aborts when it cannot be read. */
static inline int64_t fuzz_db_int(struct db *db, const char *sql)
{
	int64_t v = 0;

	fuzz_check(db_query_int64(db, sql, &v) == 0);
	return v;
}

/* dir (dirsz bytes) gets the folder it made, /tmp/gw-fuzz-NAME-XXXXXX. */
static inline struct db *fuzz_db_sample(const char *name, char *dir, size_t dirsz)
{
	const char *src = getenv("GW_SRCDIR") ? getenv("GW_SRCDIR") : ".";
	char path[512], err[512];
	struct content_counts c;
	struct db *db = NULL;

	snprintf(dir, dirsz, "/tmp/gw-fuzz-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	if (store_open(&db, path, 1000) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/data/programs.json", src);
	if (content_import_programs(db, path, "fuzz", &c, err, sizeof(err)) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/data/jobs.json", src);
	if (content_import_jobs(db, path, "fuzz", &c, err, sizeof(err)) != 0)
		abort();
	return db;
}

#endif
