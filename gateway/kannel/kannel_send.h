/* kannel_send.h - Kannel as the transport: answers go to smsbox's sendsms.
 *
 * Another struct modem_ops (modem/modem.h), so the daemon's sender,
 * backoff and delivery-report code work unchanged:
 *   send    one GET to kannel.sendsms_url on a connection of its own
 *           (libcurl; a reused one that dies is retried by libcurl itself,
 *           a second copy of what smsbox may have queued): the text as UTF-8 with charset=UTF-8, coding=2 only
 *           when GSM-7 cannot carry it (coding=2 without a charset would
 *           send the UTF-8 octets as UCS-2; no coding turns Vietnamese
 *           letters into '?'), Kannel splitting long answers itself, and
 *           with kannel.dlr_mask a dlr-url back to /kannel/dlr carrying our
 *           outbox id (kannel_http.h). Kannel's answers:
 *             2xx "0: Accepted" / "3: Queued"   sent (Kannel holds it now)
 *             400 and other 4xx                 GW_ERR_SEND_PERM: this message
 *                                               can never go (the body is logged)
 *             403 (our username/password), 404 (a wrong sendsms_url), 503
 *             (bearerbox's queue is full), 5xx, connection refused
 *                                               GW_ERR_MODEM_GONE: nothing went;
 *                                               the link reconnects with backoff
 *                                               and the row waits, uncounted
 *             no answer after the request left (timeout, connection cut)
 *                                               GW_ERR_TIMEOUT: in doubt
 *                                               (out->doubt) when reports can
 *                                               settle it (kannel_doubt.h),
 *                                               else sent again as after a
 *                                               modem timeout
 *   open    checks that sendsms answers and takes our credentials, without
 *           sending anything (a request with an empty receiver: 400 means
 *           yes, 403 no); while bearerbox refuses with 503 it fails, so
 *           the link's backoff paces the retries
 *   status  the same check; network "kannel"
 *   read_pending, delete_part, poll_events: nothing (messages arrive by
 *           HTTP, kannel_http.h); ussd, hangup: unsupported.
 * Kannel has no idempotency key: a sendsms whose answer is lost may or may
 * not be queued; the delivery report that comes for it settles the row
 * (outbox_report()).
 */
#ifndef GW_KANNEL_SEND_H
#define GW_KANNEL_SEND_H

#include <stdint.h>

#include "common/buf.h"
#include "config/settings.h"
#include "modem/modem.h"

/* The transport for cfg's kannel group (copied). Calls curl_global_init:
 * create it on the main thread before other threads start. */
int kannel_send_create(struct modem **out, const struct gw_settings *cfg);

/* The sendsms request for one message into url (reset first): ucs2 adds
 * coding=2; outbox_id > 0 and kannel.dlr_mask > 0 add the dlr-url. */
int kannel_send_url(struct buf *url, const struct gw_settings *cfg, const char *phone,
		    const char *text, int ucs2, int64_t outbox_id) GW_WARN_UNUSED;

/* What one sendsms answer means (see above): 0, GW_ERR_SEND_PERM,
 * GW_ERR_AUTH (403), GW_ERR_BUSY (503), GW_ERR_CONFIG (404) or
 * GW_ERR_MODEM_GONE (other 5xx). */
int kannel_send_answer(long status, const char *body);

/* Append text percent-encoded for a query (RFC 3986 unreserved kept). */
int kannel_send_escape(struct buf *b, const char *text) GW_WARN_UNUSED;

#endif
