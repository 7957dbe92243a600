/* hub_publish.h - a hub writing its content for the boxes (gatewayctl hub
 * publish DIR --key KEYFILE).
 *
 * Into DIR, static files that any web server or a USB stick can carry:
 * bundle-N.json (hub_bundle.h), bundle-N.json.sig (its detached
 * signature, base64) and "latest", the signed pointer to N, replaced last
 * and at once, so a box never sees a pointer to a bundle not yet there.
 * Earlier bundles stay (a box that missed some takes the latest). N only
 * grows: one more than the version in DIR's pointer and than the last
 * published from this database, whichever is higher. Recorded in the
 * audit log and in sync_state.published.
 */
#ifndef GW_HUB_PUBLISH_H
#define GW_HUB_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "common/db.h"
#include "common/signing.h"

struct hub_published {
	int64_t version;
	size_t bytes;      /* of the bundle */
	size_t programs, jobs;
};

int hub_publish(struct db *db, const char *dir, const struct signing_key *key, const char *actor,
		int64_t now, struct hub_published *out, char *err, size_t errsz) GW_WARN_UNUSED;

#endif
