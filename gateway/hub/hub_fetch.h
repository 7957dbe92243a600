/* hub_fetch.h - downloading a hub's files with libcurl.
 *
 * https:// (certificate and host name verified against the system's
 * authorities), http:// and file:// (a USB stick, tests); redirects are
 * followed to http(s) only. The proxy comes from the environment, as
 * libcurl reads it (https_proxy, http_proxy, no_proxy). A download that
 * stalls for a minute, outlasts its timeout, breaks off before the length
 * the server announced, answers an HTTP error or grows past its cap
 * fails, and err says which in one line.
 *
 * Only gatewayctl links this: the daemon runs `gatewayctl sync` as a
 * child rather than carry libcurl's libraries (several MiB resident). And
 * gatewayctl loads libcurl (dlopen) at its first download, not when it
 * starts: libcurl's own libraries (TLS, Kerberos, LDAP, SSH, ...; about 30)
 * cost every start of the program some 20 ms of CPU, twice what a job
 * question's whole `gatewayctl simulate` otherwise costs, and only
 * `gatewayctl sync` downloads. The package depends on libcurl by name.
 */
#ifndef GW_HUB_FETCH_H
#define GW_HUB_FETCH_H

#include <stddef.h>

#include "common/buf.h"

/* The file at url into out (at most max bytes), within timeout_s seconds.
 * GW_ERR_IO (unreachable, refused, broken off, HTTP error), GW_ERR_TIMEOUT,
 * GW_ERR_TOOBIG, GW_ERR_NOMEM, GW_ERR_UNSUPPORTED (no libcurl 4 to load);
 * err (errsz) says what happened. */
int hub_fetch(const char *url, size_t max, long timeout_s, struct buf *out, char *err,
	      size_t errsz) GW_WARN_UNUSED;

/* base + "/" + name (no doubled slash) into out. */
int hub_fetch_url(const char *base, const char *name, struct buf *out) GW_WARN_UNUSED;

#endif
