/* ussd_http.h - the operator's USSD callback, served inside gatewayd.
 *
 * A GSM modem cannot host a USSD code for other people's phones;
 * operators and aggregators forward each USSD session to an HTTP
 * callback. The common convention is implemented: POST, form-encoded
 * (ussd_form.h) sessionId, serviceCode, phoneNumber and text (every input
 * of the session joined by '*'); the answer is text/plain, "CON <screen>"
 * (show and wait) or "END <screen>" (show and close). The screens come
 * from the conversation engine (handlers/dialog/dialog.h); SMS it produces (long
 * content, command replies) are queued in the normal outbox, in the same
 * transaction as the session.
 *
 * Settings (ussd.*): listen address (loopback by default) and port, path,
 * an optional shared secret (header X-Gateway-Secret or form field
 * "secret"), an optional allow-list of client addresses, max_body and
 * timeout (seconds from connecting to the answer, however steadily a
 * client trickles; also caps how long a request waits for the database).
 * A client not on the allow-list is closed when it connects, before
 * anything is read (gateway/http/http_listen.h). Answers to bad requests:
 * wrong path 404, method other than POST 405 (with Allow: POST), wrong
 * secret 403, body over max_body 413 (one far over it sent without a
 * length is cut off), not form-encoded 415, malformed form, missing field
 * or bad phone number 400.
 *
 * Threads: libmicrohttpd runs its own polling thread (all requests on it,
 * one at a time), with its OWN SQLite connection and its own copy of the
 * settings: it never touches the modem or the event loop, so SMS work
 * never waits for HTTP, and SQLite's WAL lets both write. A SIGHUP reload
 * does not reach it; a restart does. The main thread's signals are
 * blocked in it.
 */
#ifndef GW_USSD_HTTP_H
#define GW_USSD_HTTP_H

#include "config/settings.h"

struct ussd_http;

/* Open the database and start listening. GW_ERR_CONFIG for a bad listen
 * address, GW_ERR_IO when the port cannot be bound. */
int ussd_http_start(struct ussd_http **out, const struct gw_settings *cfg);

/* Stop (waits for the request in progress) and free; NULL is fine. */
void ussd_http_stop(struct ussd_http *u);

#endif
