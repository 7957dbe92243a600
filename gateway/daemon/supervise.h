/* supervise.h - the modem workers' processes, seen from the main process.
 *
 * One worker process per modem (gateway/daemon/worker.h): this program run
 * again as `gatewayd --worker NAME -c CONFIG`, with a socket to the main
 * process as its file descriptor 3, without systemd's notify variables
 * (only the main process speaks to systemd), and killed by the kernel if
 * the main process dies (PR_SET_PDEATHSIG), so a crashed daemon never
 * leaves a worker holding a modem.
 *
 * A worker that exits or dies is started again after a backoff (1 s,
 * doubling to 60 s; back to 1 s once it has run a minute): whatever it was
 * sending is settled as sent_unknown first (sender_recover), and while it
 * is gone routing sends its messages through the other modems. SIGTERM
 * asks every worker to stop after its current step; those still running
 * after SUPERVISE_STOP_MS are killed.
 */
#ifndef GW_SUPERVISE_H
#define GW_SUPERVISE_H

#include <stdint.h>
#include <sys/types.h>

#include "common/db.h"
#include "config/settings.h"
#include "gateway/daemon/evloop.h"

#define SUPERVISE_BACKOFF_MIN_MS 1000
#define SUPERVISE_BACKOFF_MAX_MS 60000
#define SUPERVISE_STABLE_MS 60000
/* Within systemd's TimeoutStopSec (30 s): a worker still in a hung modem
 * call then is killed by us, and what it was sending settled sent_unknown,
 * before systemd kills everything. */
#define SUPERVISE_STOP_MS 25000

struct supervise_child {
	char name[SETTINGS_NAME_MAX];
	pid_t pid;            /* 0: not running */
	int fd;               /* our end of its socket, -1 when not running */
	int64_t started_ms;
	int64_t restart_ms;   /* when to start it again (0: not waiting) */
	int backoff_ms;
	int starts;
};

struct supervise {
	struct supervise_child c[SETTINGS_MODEMS_MAX];
	int n;
	char config_path[4096];
	int use_syslog;
	int utc;                       /* workers log in UTC too (gatewayd --utc) */
	struct evloop *loop;
	struct db *db;
	void (*on_inbound)(void *arg); /* a worker stored new messages */
	void *arg;
};

/* Start a worker for every modem of cfg. */
int supervise_start(struct supervise *s, const struct gw_settings *cfg, const char *config_path,
		    int use_syslog, int utc, struct evloop *loop, struct db *db,
		    void (*on_inbound)(void *arg), void *arg);

/* SIGCHLD: collect the workers that ended and plan their restart. */
void supervise_reap(struct supervise *s);

/* Start the workers whose backoff has passed; ms until the next one is
 * due (-1: none waiting). */
int64_t supervise_restart_due(struct supervise *s);

/* Tell every worker there is something new to send. */
void supervise_wake(struct supervise *s);

/* Pass a signal (SIGHUP) on to every running worker. */
void supervise_signal(struct supervise *s, int signo);

/* SIGTERM to every worker, wait for them (SIGKILL after SUPERVISE_STOP_MS). */
void supervise_stop(struct supervise *s);

/* Workers running now. */
int supervise_running(const struct supervise *s);

#endif
