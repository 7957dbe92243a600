/* http_body.h - the body of one libmicrohttpd request, read up to a cap.
 *
 * The USSD callback (ussd_http.c) and the web console (web_server.c) take
 * a request body the same way. On the first call of a request (headers
 * only) the front end makes its own checks, reads the declared
 * Content-Length with http_body_declared(), answers 413 at once when
 * http_body_refused() says so, else puts http_body_new()'s state in
 * *con_cls. Every later call goes to http_body_feed(): while it returns 1
 * the call only took a chunk (answer MHD_YES); at 0 the body is complete,
 * and the request is answered 413 when too_big is set, else served from
 * buf; at GW_ERR_TOOBIG the front end answers MHD_NO (the connection is
 * closed). http_body_completed() is the MHD_OPTION_NOTIFY_COMPLETED
 * callback that frees the state.
 *
 * A body over the cap (declared so, or sent so) is read and dropped, not
 * cut off, so the client reads our 413 instead of a connection reset, but
 * only up to the drain limit (the cap times the front end's drain factor):
 * a body declared larger is refused before it is read, and one sent
 * larger without saying so (chunked) is cut off there. Runs on the MHD
 * thread; no globals.
 */
#ifndef GW_HTTP_BODY_H
#define GW_HTTP_BODY_H

#include <microhttpd.h>
#include <stddef.h>

#include "common/buf.h"

struct http_body {
	struct buf buf;   /* what came, at most the cap */
	int too_big;      /* more than the cap was declared or sent: answer 413 */
	size_t seen;      /* bytes of body read, kept or dropped */
	size_t drain_max; /* past this many, stop reading */
};

/* The Content-Length the client declared (strtoll of the header), -1
 * when there is none. */
long long http_body_declared(struct MHD_Connection *c);

/* 1 when a body declared this long is not worth reading: more than
 * max * drain_factor bytes. Else 0. */
int http_body_refused(long long declared, size_t max, int drain_factor);

/* New state for a body of at most max bytes, read and dropped up to
 * max * drain_factor; too_big already set when declared is over max. 0,
 * or GW_ERR_NOMEM with *out untouched. */
int http_body_new(struct http_body **out, size_t max, int drain_factor, long long declared);

/* Take the chunk libmicrohttpd hands in (appended unless too_big; a chunk
 * past the cap sets too_big) and mark it consumed (*upload_size = 0).
 * 1 when there was a chunk, 0 when the body is complete, GW_ERR_TOOBIG
 * when more than the drain limit came: stop reading (answer MHD_NO). */
int http_body_feed(struct http_body *b, const char *upload, size_t *upload_size);

/* MHD_OPTION_NOTIFY_COMPLETED callback: frees the struct http_body in
 * *con_cls, if any, and clears it. */
void http_body_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe);

#endif
