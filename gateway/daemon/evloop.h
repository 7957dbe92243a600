/* evloop.h - the daemon's one event loop: timers, file descriptors, signals.
 *
 * Modelled on redis's ae.c: periodic work is a timer whose callback returns
 * the delay until it should run again (or EVLOOP_STOP_TIMER). Signals only
 * write a byte to a self-pipe; the loop turns it into a call of the signal
 * callback between steps, so no work ever runs inside a signal handler.
 */
#ifndef GW_EVLOOP_H
#define GW_EVLOOP_H

#include <stdint.h>

#define EVLOOP_STOP_TIMER (-1)
#define EVLOOP_MAX_TIMERS 16
#define EVLOOP_MAX_FDS 8

struct evloop;

/* Returns the delay in ms before the next run, or EVLOOP_STOP_TIMER. */
typedef int64_t (*evloop_timer_fn)(struct evloop *loop, void *arg);
typedef void (*evloop_fd_fn)(struct evloop *loop, int fd, void *arg);
typedef void (*evloop_signal_fn)(struct evloop *loop, int signo, void *arg);

int evloop_create(struct evloop **out);
void evloop_destroy(struct evloop *loop);

/* Run fn after delay_ms; returns a timer id >= 0. */
int evloop_add_timer(struct evloop *loop, const char *name, int64_t delay_ms, evloop_timer_fn fn,
		     void *arg);
/* Make timer id due now (e.g. "there is more to send"). */
void evloop_wake_timer(struct evloop *loop, int id);

int evloop_add_fd(struct evloop *loop, int fd, evloop_fd_fn fn, void *arg);
void evloop_remove_fd(struct evloop *loop, int fd);

/* Catch signo (SIGTERM, SIGINT, SIGHUP, ...) and call fn from the loop. */
int evloop_on_signal(struct evloop *loop, int signo, evloop_signal_fn fn, void *arg);

/* Run until evloop_stop(). */
int evloop_run(struct evloop *loop);
/* Run one iteration, waiting at most max_wait_ms for something to do. */
int evloop_step(struct evloop *loop, int64_t max_wait_ms);
void evloop_stop(struct evloop *loop);
int evloop_stopped(const struct evloop *loop);

/* Milliseconds from a monotonic clock. */
int64_t evloop_now_ms(void);

#endif
