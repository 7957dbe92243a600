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

#endif
