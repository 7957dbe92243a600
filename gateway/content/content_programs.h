/* content_programs.h - support programs in the database, one record at a time.
 *
 * The record shape (content.h) as stored: programs, program_keywords (as
 * written and folded), the folded programs_fts row, program_history.
 * Callers validate first (content_validate) and hold the transaction; these
 * functions never BEGIN or COMMIT.
 *
 * Versions: a new program starts at 1, each change bumps it and keeps the
 * previous version in program_history (who replaced it, when). Removing
 * keeps the last version there too, and re-adding a code continues after
 * the highest version it ever had, so (code, version) always names exactly
 * one text.
 */
#ifndef GW_CONTENT_PROGRAMS_H
#define GW_CONTENT_PROGRAMS_H

#include <jansson.h>
#include <stdint.h>

#include "common/db.h"
#include "gateway/content/content.h"

/* The record in its canonical form: every field present, in a fixed order,
 * needs_check resolved (given, or "caveat is not empty"). NULL: no memory. */
json_t *content_programs_canonical(json_t *rec);

/* The stored program (canonical form) and its version; GW_ERR_NOTFOUND. */
int content_programs_get(struct db *db, const char *code, json_t **rec, int *version);

/* Version `version` of code: the current one or one from history. */
int content_programs_version(struct db *db, const char *code, int version, json_t **rec);

/* Insert or update one validated record. expect_version as in
 * content_opts: GW_ERR_EXISTS when it must be new but is not,
 * GW_ERR_NOTFOUND when it must exist, GW_ERR_BUSY when someone else saved
 * another version meanwhile. */
int content_programs_save(struct db *db, json_t *rec, const char *actor, int64_t now,
			  int expect_version, enum content_outcome *outcome);

/* Remove code, keeping its last version in history; GW_ERR_NOTFOUND. */
int content_programs_remove(struct db *db, const char *code, const char *actor, int64_t now);

/* Every stored code (array of strings), oldest first. */
int content_programs_codes(struct db *db, json_t **codes);

/* Every stored program, canonical, oldest first. */
int content_programs_export(struct db *db, json_t **records);

#endif
