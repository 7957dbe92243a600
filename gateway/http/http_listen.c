/* http_listen.c - see http_listen.h. */
#include "gateway/http/http_listen.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/http/http_body.h"

struct http_listen {
	struct http_listen_spec spec;
	struct sockaddr_storage ss;
	int v6;
	struct MHD_Daemon *mhd; /* NULL until started */
};

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	const struct http_listen *l = cls;
	struct buf b;

	buf_init(&b, 512);
	if (buf_vaddf(&b, fmt, ap) == 0) {
		buf_rtrim(&b);
		log_warn("%s: %s", l->spec.mhd_tag, b.data);
	}
	buf_release(&b);
}

/* The listen address as a socket address; GW_ERR_CONFIG if it is none. */
static int parse_addr(const struct http_listen_spec *spec, struct sockaddr_storage *out, int *v6)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	int r = 0;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, spec->listen, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)spec->port);
		*v6 = 0;
	} else if (inet_pton(AF_INET6, spec->listen, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)spec->port);
		*v6 = 1;
	} else {
		r = GW_ERR_CONFIG;
		goto out;
	}
	*out = ss;
out:
	return r;
}

int http_listen_new(struct http_listen **out, const struct http_listen_spec *spec)
{
	struct http_listen *l = NULL;
	int r = GW_ERR_NOMEM;

	if (!(l = calloc(1, sizeof(*l))))
		goto out;
	l->spec = *spec;
	if ((r = parse_addr(spec, &l->ss, &l->v6)) < 0) {
		log_error("%s.listen '%s' is not a numeric IPv4 or IPv6 address", spec->section,
			  spec->listen);
		goto out;
	}
	*out = l;
	l = NULL;
	r = 0;
out:
	http_listen_stop(l);
	return r;
}

int http_listen_v6(const struct http_listen *l)
{
	return l->v6;
}

int http_listen_start(struct http_listen *l, MHD_AccessHandlerCallback fn, void *cls)
{
	const struct http_listen_spec *s = &l->spec;
	sigset_t block, old;
	int r = GW_ERR_IO;

	/* The MHD thread inherits this mask: SIGTERM/SIGINT/SIGHUP stay with
	 * the event loop's thread. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	l->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
				  (l->v6 ? MHD_USE_IPv6 : 0),
				  (uint16_t)s->port, NULL, NULL, fn, cls,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, l,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&l->ss,
				  MHD_OPTION_CONNECTION_TIMEOUT, s->timeout_s,
				  MHD_OPTION_CONNECTION_LIMIT, s->connections,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->per_ip,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->memory,
				  MHD_OPTION_NOTIFY_COMPLETED, http_body_completed, cls,
				  MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!l->mhd) {
		log_error("%s: cannot listen on %s port %d", s->section, s->listen, s->port);
		goto out;
	}
	r = 0;
out:
	return r;
}

void http_listen_stop(struct http_listen *l)
{
	if (l && l->mhd)
		MHD_stop_daemon(l->mhd);
	free(l);
}
