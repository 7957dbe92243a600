/* kannel_http.h - the endpoint smsbox calls: /kannel/mo and /kannel/dlr.
 *
 * With transport = "kannel", gatewayd is a Kannel application: smsbox's
 * sms-service calls GET /kannel/mo for every message a household sends
 * (issue 17's get-url, or a post-url with the text as the body), and the
 * dlr-url of every answer calls GET /kannel/dlr. Both are answered only
 * after the commit (kannel_store.h):
 *   200  stored (or stored before: the same Kannel id), report recorded,
 *        or a report for a row we do not have (logged; a retry would not
 *        find it either)
 *   400  the request can never be stored (no sender, no outbox id, ...)
 *   404  another path; 405 another method (Allow: GET, POST)
 *   413  body over kannel.max_body
 *   503  the database could not take it now (locked past kannel.timeout,
 *        disk full): smsbox retries (http-request-retry)
 * A client not in kannel.allow is closed at accept, unanswered (as the
 * other servers, gateway/http/http_listen.h).
 * smsbox counts only 200 and 202 as success, and retries everything else
 * with the same %I.
 *
 * Threads: as the USSD callback (ussd_http.h), libmicrohttpd's own polling
 * thread with its OWN database connection and copy of the settings; it
 * never touches the transport. After a new message is committed it calls
 * on_mo(arg) (the daemon wakes its event loop with it) from that thread.
 */
#ifndef GW_KANNEL_HTTP_H
#define GW_KANNEL_HTTP_H

#include "config/settings.h"

struct kannel_http;

/* Open the database and listen on kannel.listen:kannel.port. on_mo may be
 * NULL. GW_ERR_CONFIG for a bad listen address, GW_ERR_IO when the port
 * cannot be bound. */
int kannel_http_start(struct kannel_http **out, const struct gw_settings *cfg,
		      void (*on_mo)(void *arg), void *arg);

/* Stop (waits for the request in progress) and free; NULL is fine. */
void kannel_http_stop(struct kannel_http *k);

#endif
