/* http_listen.c - see http_listen.h. */
#include "gateway/http/http_listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/http/http_body.h"

#define ADDR_TEXT_MAX 64

/* One open connection, from libmicrohttpd's notice that it started to the
 * one that it ended. */
struct conn {
	int used;
	int late;                  /* shut down at its deadline */
	MHD_socket fd;
	char addr[ADDR_TEXT_MAX];
	int64_t start;             /* monotonic ms: accepted, or its last answer */
};

struct http_listen {
	struct http_listen_spec spec;
	struct sockaddr_storage ss;
	int v6;
	char exempt[ADDR_TEXT_MAX]; /* spec.exempt, canonical; "" = none */
	struct MHD_Daemon *mhd;     /* NULL until started */
	pthread_mutex_t mu;         /* guards what follows */
	pthread_cond_t wake;
	int have_sync;              /* mu and wake exist */
	int reaper_up;
	int stopping;
	pthread_t reaper;
	struct conn *conns;         /* spec.connections of them */
	struct http_listen_stats stats;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

void http_listen_addr_text(const struct sockaddr *sa, char *out, size_t outsz)
{
	socklen_t slen;

	gw_strlcpy(out, "?", outsz);
	if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return;
	slen = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (getnameinfo(sa, slen, out, (socklen_t)outsz, NULL, 0, NI_NUMERICHOST) != 0)
		gw_strlcpy(out, "?", outsz);
}

/* The address text as a socket address; GW_ERR_CONFIG if it is none. */
static int parse_addr(const char *text, int port, struct sockaddr_storage *out, int *v6)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	int r = 0;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*v6 = 0;
	} else if (inet_pton(AF_INET6, text, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
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
	struct sockaddr_storage ex;
	int v6 = 0, r = GW_ERR_NOMEM;

	if (!(l = calloc(1, sizeof(*l))) || !(l->conns = calloc(spec->connections, sizeof(*l->conns))))
		goto out;
	l->spec = *spec;
	if ((r = parse_addr(spec->listen, spec->port, &l->ss, &l->v6)) < 0) {
		log_error("%s.listen '%s' is not a numeric IPv4 or IPv6 address", spec->section,
			  spec->listen);
		goto out;
	}
	if (spec->exempt && *spec->exempt) {
		if ((r = parse_addr(spec->exempt, 0, &ex, &v6)) < 0) {
			log_error("%s.trusted_proxy '%s' is not a numeric IPv4 or IPv6 address",
				  spec->section, spec->exempt);
			goto out;
		}
		http_listen_addr_text((const struct sockaddr *)&ex, l->exempt, sizeof(l->exempt));
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

/* 1 when host is on the comma- or space-separated list (or it is empty). */
static int on_list(const char *list, const char *host)
{
	int ok = 0;

	if (!list || !*list)
		return 1;
	while (*list && !ok) {
		size_t n;

		list += strspn(list, " ,");
		n = strcspn(list, ", ");
		ok = n && strlen(host) == n && !strncasecmp(list, host, n);
		list += n;
	}
	return ok;
}

/* Say why connections are refused, the first time and then every 100th,
 * so that a flood does not flood the log too. */
static void note_refusal(const struct http_listen *l, unsigned long n, const char *why,
			 const char *addr)
{
	if (n == 1 || n % 100 == 0)
		log_notice("%s: connection from %s refused: %s (%lu so far)", l->spec.section, addr, why, n);
}

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct http_listen *l = cls;
	char addr[ADDR_TEXT_MAX];
	const char *why = NULL;
	unsigned long n = 0;
	unsigned from = 0;

	http_listen_addr_text(sa, addr, sizeof(addr));
	pthread_mutex_lock(&l->mu);
	if (!on_list(l->spec.allow, addr)) {
		why = "not on the allow-list";
		n = ++l->stats.not_allowed;
	} else if (!*l->exempt || strcmp(addr, l->exempt) != 0) {
		for (unsigned i = 0; i < l->spec.connections; i++)
			from += l->conns[i].used && strcmp(l->conns[i].addr, addr) == 0;
		if (from >= l->spec.per_ip) {
			why = "too many connections from it";
			n = ++l->stats.per_ip;
		}
	}
	pthread_mutex_unlock(&l->mu);
	if (why)
		note_refusal(l, n, why, addr);
	return why ? MHD_NO : MHD_YES;
}

static void notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	struct http_listen *l = cls;
	const union MHD_ConnectionInfo *fd, *ca;
	struct conn *k = *socket_context;

	pthread_mutex_lock(&l->mu);
	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (k)
			k->used = 0;
		*socket_context = NULL;
	} else if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		ca = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		/* libmicrohttpd never holds more than spec.connections */
		for (unsigned i = 0; fd && i < l->spec.connections; i++) {
			if (l->conns[i].used)
				continue;
			k = &l->conns[i];
			k->used = 1;
			k->late = 0;
			k->fd = fd->connect_fd;
			k->start = mono_ms();
			http_listen_addr_text(ca ? ca->client_addr : NULL, k->addr, sizeof(k->addr));
			*socket_context = k;
			break;
		}
		pthread_cond_signal(&l->wake);
	}
	pthread_mutex_unlock(&l->mu);
}

/* A request was answered (or abandoned): the next one's clock starts. */
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct http_listen *l = cls;
	const union MHD_ConnectionInfo *sc = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = sc ? sc->socket_context : NULL;

	if (k) {
		pthread_mutex_lock(&l->mu);
		if (k->used && !k->late)
			k->start = mono_ms();
		pthread_mutex_unlock(&l->mu);
	}
	http_body_completed(NULL, c, con_cls, toe);
}

/* Shut down every connection past its deadline; the next deadline (ms),
 * 0 when there is none. Called with mu held. */
static int64_t reap(struct http_listen *l, int64_t now)
{
	int64_t next = 0;

	for (unsigned i = 0; i < l->spec.connections; i++) {
		struct conn *k = &l->conns[i];
		int64_t due = k->start + (int64_t)l->spec.deadline_s * 1000;

		if (!k->used || k->late)
			continue;
		if (due <= now) {
			/* libmicrohttpd reads the end and closes it (NOTIFY_CLOSED
			 * comes under mu, before the close, so fd is still ours) */
			shutdown(k->fd, SHUT_RDWR);
			k->late = 1;
			if (++l->stats.late == 1 || l->stats.late % 100 == 0)
				log_notice("%s: connection from %s closed: no answer within %u s (%lu so far)",
					   l->spec.section, k->addr, l->spec.deadline_s, l->stats.late);
		} else if (!next || due < next) {
			next = due;
		}
	}
	return next;
}

static void *reaper_main(void *arg)
{
	struct http_listen *l = arg;

	pthread_mutex_lock(&l->mu);
	while (!l->stopping) {
		int64_t next = reap(l, mono_ms());

		if (!next) {
			pthread_cond_wait(&l->wake, &l->mu);
		} else {
			struct timespec until = { (time_t)(next / 1000), (long)(next % 1000) * 1000000 };

			pthread_cond_timedwait(&l->wake, &l->mu, &until);
		}
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* The lock, and a condition that waits on the monotonic clock. */
static int make_sync(struct http_listen *l)
{
	pthread_condattr_t ca;
	int ok;

	if (pthread_condattr_init(&ca) != 0)
		return GW_ERR_NOMEM;
	ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&l->wake, &ca) == 0;
	pthread_condattr_destroy(&ca);
	if (!ok)
		return GW_ERR_NOMEM;
	if (pthread_mutex_init(&l->mu, NULL) != 0) {
		pthread_cond_destroy(&l->wake);
		return GW_ERR_NOMEM;
	}
	l->have_sync = 1;
	return 0;
}

int http_listen_start(struct http_listen *l, MHD_AccessHandlerCallback fn, void *cls)
{
	const struct http_listen_spec *s = &l->spec;
	sigset_t block, old;
	int r;

	if ((r = make_sync(l)) < 0)
		goto out;
	/* Both threads inherit this mask: SIGTERM/SIGINT/SIGHUP stay with the
	 * event loop's thread. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	l->reaper_up = pthread_create(&l->reaper, NULL, reaper_main, l) == 0;
	/* MHD_USE_AUTO: epoll on Linux, so the connection count is not bound
	 * by select()'s FD_SETSIZE */
	if (l->reaper_up)
		l->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
					  (l->v6 ? MHD_USE_IPv6 : 0),
					  (uint16_t)s->port, accept_policy, l, fn, cls,
					  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, l,
					  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&l->ss,
					  MHD_OPTION_CONNECTION_TIMEOUT, s->timeout_s,
					  MHD_OPTION_CONNECTION_LIMIT, s->connections,
					  MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->memory,
					  MHD_OPTION_NOTIFY_CONNECTION, notify_connection, l,
					  MHD_OPTION_NOTIFY_COMPLETED, completed, l,
					  MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	r = GW_ERR_IO;
	if (!l->mhd) {
		log_error("%s: cannot listen on %s port %d", s->section, s->listen, s->port);
		goto out;
	}
	r = 0;
out:
	return r;
}

const char *http_listen_exempt(const struct http_listen *l)
{
	return l->exempt;
}

void http_listen_stats(struct http_listen *l, struct http_listen_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!l->have_sync)
		return;
	pthread_mutex_lock(&l->mu);
	*out = l->stats;
	pthread_mutex_unlock(&l->mu);
}

void http_listen_stop(struct http_listen *l)
{
	if (!l)
		return;
	if (l->mhd)
		MHD_stop_daemon(l->mhd);
	if (l->reaper_up) {
		pthread_mutex_lock(&l->mu);
		l->stopping = 1;
		pthread_cond_signal(&l->wake);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->reaper, NULL);
	}
	if (l->have_sync) {
		pthread_cond_destroy(&l->wake);
		pthread_mutex_destroy(&l->mu);
	}
	free(l->conns);
	free(l);
}
