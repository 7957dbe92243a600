/* http_listen.h - where and how one of our libmicrohttpd servers listens.
 *
 * The USSD callback (ussd_http.c) and the web console (web_server.c)
 * start the same way: a numeric IPv4 or IPv6 listen address from the
 * settings, libmicrohttpd's own polling thread with the main thread's
 * signals (SIGTERM, SIGINT, SIGHUP, SIGPIPE) blocked in it, connection
 * limits, request bodies freed by http_body_completed(), and
 * libmicrohttpd's messages in our log as warnings.
 *
 * Two steps, so that a front end refuses a bad address before it opens
 * its database: http_listen_new() checks the address, http_listen_start()
 * starts the thread. http_listen_stop() stops (waiting for the request in
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
	unsigned connections; /* at once, in all */
	unsigned per_ip;      /* at once, from one client address */
	size_t memory;        /* per connection: headers and URL */
};

struct http_listen;

/* Check spec's address and keep a copy of spec (section and mhd_tag must
 * be string literals). GW_ERR_CONFIG, logged as "<section>.listen '...' is
 * not a numeric IPv4 or IPv6 address"; GW_ERR_NOMEM. *out is set only on
 * success. */
int http_listen_new(struct http_listen **out, const struct http_listen_spec *spec);

/* 1 when the address is IPv6, else 0. */
int http_listen_v6(const struct http_listen *l);

/* Start listening: every request goes to fn(cls, ...) on libmicrohttpd's
 * thread; each request's *con_cls is freed by http_body_completed().
 * GW_ERR_IO, logged as "<section>: cannot listen on <address> port <port>". */
int http_listen_start(struct http_listen *l, MHD_AccessHandlerCallback fn, void *cls);

/* Stop the server if it runs (waits for the request in progress) and free;
 * NULL is fine. */
void http_listen_stop(struct http_listen *l);

#endif
