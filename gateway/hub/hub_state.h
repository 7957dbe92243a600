/* hub_state.h - where this box stands with its hub (table sync_state).
 *
 * One row: the hub's content version applied here, when the hub published
 * it and when it was applied, from where; the last pull (when, whether it
 * worked, what went wrong); and, on a box that is itself a hub, the last
 * version it published. gatewayctl status and the web console's dashboard
 * show it. Nothing here downloads: the daemon and the console read it
 * without libcurl.
 */
#ifndef GW_HUB_STATE_H
#define GW_HUB_STATE_H

#include <stdint.h>

#include "common/db.h"

#define HUB_STATE_TEXT_MAX 512

struct hub_state {
	int64_t version;      /* 0: no hub content yet */
	int64_t published_at; /* when the hub published it, 0 = unknown */
	int64_t applied_at;   /* 0 = never */
	char source[HUB_STATE_TEXT_MAX];
	int64_t pulled_at;    /* the last pull, 0 = never */
	int pull_ok;
	char pull_error[HUB_STATE_TEXT_MAX];
	int64_t published;    /* as a hub: the last version published from here */
};

int hub_state_get(struct db *db, struct hub_state *out) GW_WARN_UNUSED;

/* A pull's outcome: ok, or what went wrong ("" when ok). Runs in the
 * caller's transaction when one is open, else in its own. */
int hub_state_pulled(struct db *db, const char *source, int64_t at, int ok,
		     const char *error) GW_WARN_UNUSED;

/* Version applied (in the transaction that applied it). */
int hub_state_applied(struct db *db, int64_t version, int64_t published_at, const char *source,
		      int64_t at) GW_WARN_UNUSED;

/* Version published from here, unless a higher one was (in the caller's
 * transaction). */
int hub_state_published(struct db *db, int64_t version) GW_WARN_UNUSED;

#endif
