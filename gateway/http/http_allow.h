/* http_allow.h - the client allow-list of our HTTP servers.
 *
 * The USSD callback (ussd.allow) and the Kannel endpoint (kannel.allow)
 * take a comma-separated list of numeric client addresses: a request from
 * any other address is refused (403) before anything else is looked at.
 * An empty list allows every client; the listen address (loopback by
 * default) is then the only fence.
 */
#ifndef GW_HTTP_ALLOW_H
#define GW_HTTP_ALLOW_H

#include <microhttpd.h>

/* 1 when the client of c is in list (or list is empty), else 0. Addresses
 * are compared as numeric text, case-insensitively (IPv6). */
int http_client_allowed(struct MHD_Connection *c, const char *list);

#endif
