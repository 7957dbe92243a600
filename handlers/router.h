/* router.h - which command or intent a normalised message is.
 *
 * A message that starts with a known alias (longest alias first, so
 * "huy hen" beats "huy") is that command; the rest of the text is its
 * arguments. Aliases live in SQLite (see lexicon.h).
 */
#ifndef GW_ROUTER_H
#define GW_ROUTER_H

#include <stddef.h>

#include "../common/db.h"

struct route {
	char command[24];  /* canonical command ("CS", "HUY HEN"), "" when none */
	char intent[32];   /* policy, help, stop, ... or "unknown" */
	int officer_only;  /* the command needs a registered officer and PIN */
	size_t args_off;   /* where the arguments start in the normalised text */
};

int router_route(struct db *db, const char *norm, struct route *out);

#endif
