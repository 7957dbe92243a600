/* audit.h - the audit log: who changed what, and when.
 *
 * One row per change in the audit table (docs/SCHEMA.md), written in the
 * transaction of the change itself, so a change and its record land or
 * vanish together. actor says who: an officer's phone (SMS), "web:<phone>"
 * (console), "cli:<user>" (gatewayctl), "sync:<url>"; action a short verb
 * ("job_post", "broadcast", "program remove"), target what it touched,
 * detail the rest, in words. Every layer writes through here.
 */
#ifndef GW_AUDIT_H
#define GW_AUDIT_H

#include <time.h>

#include "common/db.h"

/* Append one row at time at; NULL target or detail are stored empty. */
int audit_write(struct db *db, time_t at, const char *actor, const char *action,
		const char *target, const char *detail);

#endif
