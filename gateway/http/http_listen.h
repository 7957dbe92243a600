/* http_listen.h - where and how one of our libmicrohttpd servers listens,
 * and what it lets a client hold.
 *
 * The USSD callback (ussd_http.c) and the web console (web_server.c)
 * start the same way: a numeric IPv4 or IPv6 listen address from the
 * settings, libmicrohttpd's own polling thread (epoll) with the main
 * thread's signals (SIGTERM, SIGINT, SIGHUP, SIGPIPE) blocked in it,
 * request bodies freed by http_body_completed(), and libmicrohttpd's
 * messages in our log as warnings.
 *
 * What a client may hold, so that slow or many clients cannot starve the
 * others (issue 16: 64 connections sending a header line every 10 s kept
 * both servers from answering for over a minute):
 *   - an allow-list of client addresses, applied by libmicrohttpd's
 *     accept-policy callback when the connection is accepted, before a
 *     byte of it is read (refused: closed at once, no answer);
 *   - at most `per_ip` connections from one address (`exempt`, a trusted
 *     reverse proxy carrying everyone's connections, excepted) and
 *     `connections` in all, the first well below the second;
 *   - a whole-request deadline: a connection is closed `deadline_s` after
 *     it was accepted or its last request was answered, however steadily
 *     it trickles (libmicrohttpd's own timeout only counts idle time). A
 *     thread of this module (the reaper) sleeps until the next deadline
 *     and shuts the late socket down; libmicrohttpd then closes it as
 *     usual. libmicrohttpd tells of a connection's end before it closes
 *     the socket, under the same lock, so the reaper never touches a
 *     descriptor that was reused.
 *
 * Two steps, so that a front end refuses a bad address before it opens
 * its database: http_listen_new() checks the address, http_listen_start()
 * starts the threads. http_listen_stop() stops (waiting for the request in
 * progress) and frees.
 */
#ifndef GW_HTTP_LISTEN_H
#define GW_HTTP_LISTEN_H

#include <microhttpd.h>
#include <stddef.h>

struct http_listen_spec {
	const char *section;  /* settings section ("ussd" for ussd.listen); prefixes our log lines */
	const char *mhd_tag;  /* prefixes libmicrohttpd's own log lines ("ussd http") */
	const char *listen;   /* numeric IPv4 or IPv6 address; must outlive the server */
	int port;
	unsigned timeout_s;   /* idle seconds before a connection is closed */
	unsigned deadline_s;  /* seconds from accept (or the last answer) to the next answer */
	unsigned connections; /* at once, in all */
	unsigned per_ip;      /* at once, from one client address (< connections) */
	size_t memory;        /* per connection: headers and URL */
	const char *allow;    /* comma-separated client addresses; NULL or "" = any */
	const char *exempt;   /* an address not held to per_ip (a trusted proxy); NULL = none */
};

/* What the server refused and closed, since it started. */
struct http_listen_stats {
	unsigned long not_allowed; /* not on the allow-list */
	unsigned long per_ip;      /* over the per-address cap */
	unsigned long late;        /* closed at the deadline */
};

struct http_listen;

/* Check spec's addresses and keep a copy of spec (the strings must
 * outlive the server). GW_ERR_CONFIG, logged as "<section>.listen '...' is
 * not a numeric IPv4 or IPv6 address" (the same for exempt);
 * GW_ERR_NOMEM. *out is set only on success. */
int http_listen_new(struct http_listen **out, const struct http_listen_spec *spec);

/* 1 when the address is IPv6, else 0. */
int http_listen_v6(const struct http_listen *l);

/* Start listening: every request goes to fn(cls, ...) on libmicrohttpd's
 * thread; each request's *con_cls is freed by http_body_completed().
 * GW_ERR_IO, logged as "<section>: cannot listen on <address> port <port>". */
int http_listen_start(struct http_listen *l, MHD_AccessHandlerCallback fn, void *cls);

/* spec.exempt as a peer's address reads (canonical numeric text); "" for
 * none. */
const char *http_listen_exempt(const struct http_listen *l);

/* A copy of the counters (any thread). */
void http_listen_stats(struct http_listen *l, struct http_listen_stats *out);

/* Stop the server if it runs (waits for the request in progress) and free;
 * NULL is fine. */
void http_listen_stop(struct http_listen *l);

/* The numeric text of a client address ("192.0.2.7", "2001:db8::1"); "?"
 * when it has none. out: at least 64 bytes. */
void http_listen_addr_text(const struct sockaddr *sa, char *out, size_t outsz);

#endif
