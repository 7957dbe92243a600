/* web_server.h - the web console for administrators and commune officers,
 * served inside gatewayd.
 *
 * Settings (web.*): enabled, listen (numeric address, loopback by default:
 * open it to the office network deliberately), port (8081),
 * session_minutes, timeout (seconds from connecting to the answer;
 * gateway/http/http_listen.h says what else a client may hold),
 * trusted_proxy (the reverse proxy whose X-Forwarded-For names the client,
 * for the login limits and the audit). What is served is described in pages/web_pages.h; who may see
 * what in handlers/features/scope.h; logins in web_auth.h and web_session.h.
 *
 * Threads: libmicrohttpd runs its own polling thread (all requests on it,
 * one at a time) with its OWN SQLite connection and its own copy of the
 * settings. It never touches the modem or the event loop: messages the
 * console sends (an appointment's notice, an answer typed by an officer,
 * a broadcast) are rows queued in the outbox, which the daemon's sender
 * drains at the modem's pace. Writes are short transactions, so the SMS
 * pipeline waits at most for one of them. A SIGHUP reload does not reach
 * this thread; a restart does. The main thread's signals are blocked in it.
 *
 * Limits and answers: methods GET, HEAD, POST (else 405 with Allow);
 * POST bodies must be application/x-www-form-urlencoded (else 415) and at
 * most WEB_BODY_MAX bytes (else 413); a malformed body or query 400;
 * headers and URL within WEB_HEADER_MEMORY (libmicrohttpd answers 431/414);
 * every POST needs the session's CSRF token (else 403); no session: GET
 * goes to /login (303), POST is 403; an officer asking for another
 * commune's job or appointment, or an administrator's page 403, for
 * another commune's household 404 like an unknown one (web_scope.h);
 * unknown paths 404.
 * Responses are never cached (static files aside) and carry a strict
 * Content-Security-Policy, X-Frame-Options DENY and nosniff.
 */
#ifndef GW_WEB_SERVER_H
#define GW_WEB_SERVER_H

#include <stddef.h>

#include "config/settings.h"
#include "gateway/web/web_request.h"

#define WEB_BODY_MAX (256 * 1024)
#define WEB_HEADER_MEMORY (64 * 1024)

struct web_server;

/* Who may open a page: anyone, a logged-in account, an administrator. */
enum web_access { WEB_PUBLIC, WEB_USER, WEB_ADMIN };

/* One page of the console (the table is pages/web_pages.c). */
struct web_route {
	const char *method;
	const char *pattern;    /* '*' matches one path segment */
	enum web_access access; /* checked before fn runs */
	web_page_fn fn;
};

/* Open the database and start listening, serving the routes (kept, not
 * copied), tried in order. GW_ERR_CONFIG for a listen address that is not
 * numeric, GW_ERR_IO when the port cannot be bound. */
int web_server_start(struct web_server **out, const struct gw_settings *cfg,
		     const struct web_route *routes, size_t nroutes);

/* Stop (waits for the request in progress) and free; NULL is fine. */
void web_server_stop(struct web_server *w);

#endif
