/* hub_sync.h - a box pulling its hub's signed content (gatewayctl sync,
 * which the daemon runs every sync.interval).
 *
 * One pull: the folder's "latest" (hub_bundle.h: a signed pointer), its
 * signature checked before it is read; a version older than the one
 * applied here is refused, the same one means there is nothing new; else
 * bundle-N.json and bundle-N.json.sig, the bundle's signature checked
 * before one byte of it is parsed, then applied in one transaction with
 * history and audit as actor "sync:<url>". Nothing is held on the database
 * while downloading. A bad signature, a broken-off or cut download, an
 * older or equal version inside the bundle, an unreachable hub: nothing
 * changes but the record of the pull (hub_state.h), and err says what in
 * one line.
 */
#ifndef GW_HUB_SYNC_H
#define GW_HUB_SYNC_H

#include <stdint.h>

#include "common/db.h"
#include "gateway/hub/hub_bundle.h"

#define HUB_POINTER_MAX 1024

struct hub_pull {
	const char *url;    /* the hub's folder */
	const char *pubkey; /* its public key, base64 */
	long timeout_s;     /* for each download */
	const char *actor;  /* "sync:<url>" */
};

struct hub_pull_result {
	int applied;        /* 1: a new version was applied, 0: already at the hub's */
	int64_t version;    /* the version applied here now */
	struct hub_report rep;
};

/* 0 with *res, or a negative GW_ERR_* with err: GW_ERR_AUTH (signature),
 * GW_ERR_EXISTS (older or equal version), GW_ERR_IO/TIMEOUT (download),
 * GW_ERR_INVAL (not a bundle, or refused content), GW_ERR_BUSY/DB. */
int hub_sync_pull(struct db *db, const struct hub_pull *p, int64_t now,
		  struct hub_pull_result *res, char *err, size_t errsz) GW_WARN_UNUSED;

#endif
