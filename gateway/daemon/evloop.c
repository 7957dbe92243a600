#include "gateway/daemon/evloop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/gw_err.h"
#include "common/log.h"

struct evloop_timer {
	const char *name;
	int64_t due_ms;
	evloop_timer_fn fn;
	void *arg;
	int active;
};

struct evloop_fd {
	int fd;
	evloop_fd_fn fn;
	void *arg;
};

struct evloop_sig {
	int signo;
	evloop_signal_fn fn;
	void *arg;
};

struct evloop {
	struct evloop_timer timers[EVLOOP_MAX_TIMERS];
	int ntimers;
	struct evloop_fd fds[EVLOOP_MAX_FDS];
	int nfds;
	struct evloop_sig sigs[8];
	int nsigs;
	int stop;
};

/* The self-pipe is process-wide because signal handlers cannot carry context. */
static int sig_pipe[2] = { -1, -1 };

int64_t evloop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int signo)
{
	unsigned char b = (unsigned char)signo;
	int saved = errno;

	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
		/* pipe full: the signal is already queued, nothing to do */
	}
	errno = saved;
}

int evloop_create(struct evloop **out)
{
	struct evloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return GW_ERR_NOMEM;
	if (sig_pipe[0] < 0) {
		if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
			free(loop);
			return GW_ERR_IO;
		}
	}
	*out = loop;
	return 0;
}

void evloop_destroy(struct evloop *loop)
{
	if (!loop)
		return;
	for (int i = 0; i < loop->nsigs; i++)
		signal(loop->sigs[i].signo, SIG_DFL);
	free(loop);
}

int evloop_add_timer(struct evloop *loop, const char *name, int64_t delay_ms, evloop_timer_fn fn,
		     void *arg)
{
	struct evloop_timer *t;

	if (loop->ntimers == EVLOOP_MAX_TIMERS)
		return GW_ERR_TOOBIG;
	t = &loop->timers[loop->ntimers];
	t->name = name;
	t->due_ms = evloop_now_ms() + delay_ms;
	t->fn = fn;
	t->arg = arg;
	t->active = 1;
	return loop->ntimers++;
}

void evloop_wake_timer(struct evloop *loop, int id)
{
	int64_t now = evloop_now_ms();

	/* Never later than it was: a timer already due stays due in this
	 * pass, instead of being pushed past its start by every wake (a
	 * timer woken by each send would never run while the outbox drains). */
	if (id >= 0 && id < loop->ntimers && loop->timers[id].active &&
	    loop->timers[id].due_ms > now)
		loop->timers[id].due_ms = now;
}

int evloop_add_fd(struct evloop *loop, int fd, evloop_fd_fn fn, void *arg)
{
	if (loop->nfds == EVLOOP_MAX_FDS)
		return GW_ERR_TOOBIG;
	loop->fds[loop->nfds].fd = fd;
	loop->fds[loop->nfds].fn = fn;
	loop->fds[loop->nfds].arg = arg;
	loop->nfds++;
	return 0;
}

void evloop_remove_fd(struct evloop *loop, int fd)
{
	for (int i = 0; i < loop->nfds; i++) {
		if (loop->fds[i].fd == fd) {
			loop->fds[i] = loop->fds[loop->nfds - 1];
			loop->nfds--;
			return;
		}
	}
}

int evloop_on_signal(struct evloop *loop, int signo, evloop_signal_fn fn, void *arg)
{
	struct sigaction sa;

	if (loop->nsigs == 8)
		return GW_ERR_TOOBIG;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(signo, &sa, NULL) < 0)
		return GW_ERR_IO;
	loop->sigs[loop->nsigs].signo = signo;
	loop->sigs[loop->nsigs].fn = fn;
	loop->sigs[loop->nsigs].arg = arg;
	loop->nsigs++;
	return 0;
}

static void dispatch_signals(struct evloop *loop)
{
	unsigned char b;

	while (read(sig_pipe[0], &b, 1) == 1)
		for (int i = 0; i < loop->nsigs; i++)
			if (loop->sigs[i].signo == b)
				loop->sigs[i].fn(loop, b, loop->sigs[i].arg);
}

static void run_due_timers(struct evloop *loop)
{
	int64_t now = evloop_now_ms();

	for (int i = 0; i < loop->ntimers && !loop->stop; i++) {
		struct evloop_timer *t = &loop->timers[i];
		int64_t next;

		if (!t->active || t->due_ms > now)
			continue;
		next = t->fn(loop, t->arg);
		if (next == EVLOOP_STOP_TIMER) {
			t->active = 0;
		} else {
			/* compare against a fresh clock: the callback may have taken long */
			t->due_ms = evloop_now_ms() + (next < 0 ? 0 : next);
		}
		dispatch_signals(loop); /* a SIGTERM during a long step stops before the next */
	}
}

int evloop_step(struct evloop *loop, int64_t max_wait_ms)
{
	struct pollfd pfd[EVLOOP_MAX_FDS + 1];
	int64_t now = evloop_now_ms(), wait = max_wait_ms;
	int n;

	for (int i = 0; i < loop->ntimers; i++)
		if (loop->timers[i].active) {
			int64_t d = loop->timers[i].due_ms - now;

			if (d < wait)
				wait = d < 0 ? 0 : d;
		}
	pfd[0].fd = sig_pipe[0];
	pfd[0].events = POLLIN;
	for (int i = 0; i < loop->nfds; i++) {
		pfd[i + 1].fd = loop->fds[i].fd;
		pfd[i + 1].events = POLLIN;
		pfd[i + 1].revents = 0;
	}
	n = poll(pfd, (nfds_t)loop->nfds + 1, (int)wait);
	if (n < 0 && errno != EINTR)
		return GW_ERR_IO;
	dispatch_signals(loop);
	if (n > 0)
		for (int i = 0; i < loop->nfds && !loop->stop; i++)
			if (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR))
				loop->fds[i].fn(loop, loop->fds[i].fd, loop->fds[i].arg);
	if (!loop->stop)
		run_due_timers(loop);
	return 0;
}

int evloop_run(struct evloop *loop)
{
	int r = 0;

	while (!loop->stop && r == 0)
		r = evloop_step(loop, 60000);
	return r;
}

void evloop_stop(struct evloop *loop)
{
	loop->stop = 1;
}

int evloop_stopped(const struct evloop *loop)
{
	return loop->stop;
}
