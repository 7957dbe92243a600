/* store.h - the gateway's database: schema, migrations, housekeeping.
 *
 * store_open opens (creating if needed) the SQLite file with common/db.h's
 * pragmas and applies every forward migration whose number is above
 * PRAGMA user_version, each in its own transaction. docs/SCHEMA.md explains
 * every table.
 */
#ifndef GW_STORE_H
#define GW_STORE_H

#include "common/db.h"

/* The schema version this build writes. */
int store_schema_version(void);

/* Open path and migrate it to store_schema_version(). */
int store_open(struct db **out, const char *path, int busy_timeout_ms);

/* The content version: a number that moves whenever a programme, a
 * programme keyword, an intent cue, a command or alias, or a job offer is
 * written, by any connection (triggers in the schema), and only then.
 * What is built from those tables and kept (db_memo) is current while the
 * number stays; PRAGMA data_version is no such test, it moves with every
 * message another thread stores. */
int store_content_version(struct db *db, int64_t *out) GW_WARN_UNUSED;

#endif
