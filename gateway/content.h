/* content.h - loading program and job content from JSON files.
 *
 * An import is all or nothing: the whole file is validated and written in
 * one transaction; on any problem nothing changes and err names the record
 * and the field ("programs.json: record 4 (BHYT): title_vi: missing").
 * Existing codes are updated (their previous version kept in
 * program_history), new codes added, others left alone.
 */
#ifndef GW_CONTENT_H
#define GW_CONTENT_H

#include <stddef.h>

#include "../common/db.h"

struct content_counts {
	int added;
	int changed;
	int unchanged;
};

int content_import_programs(struct db *db, const char *path, const char *actor,
			    struct content_counts *counts, char *err, size_t errsz);
int content_import_jobs(struct db *db, const char *path, const char *actor,
			struct content_counts *counts, char *err, size_t errsz);

#endif
