/* hubpull.h - the daemon pulling its hub's content every sync.interval.
 *
 * The pull is `gatewayctl sync --from-daemon`, run as a child beside the
 * daemon: the event loop never waits for a download, the database is held
 * only for the child's one transaction (the daemon's own writes wait at
 * most database.busy_timeout_ms, as for any gatewayctl), and libcurl with
 * its TLS libraries stays out of the daemon's memory. The child logs its
 * one line (applied, or what went wrong) as the daemon logs; the daemon
 * adds a line only when the child could not run or died. The first pull
 * is at start; one runs at a time.
 */
#ifndef GW_HUBPULL_H
#define GW_HUBPULL_H

#include <stdint.h>
#include <sys/types.h>

#include "config/settings.h"

struct hubpull {
	pid_t child;         /* 0: none running */
	int64_t next_ms;     /* when the next pull is due (evloop_now_ms) */
	char ctl[4096];      /* gatewayctl beside this gatewayd */
	const char *config_path;
};

void hubpull_init(struct hubpull *h, const char *config_path);

/* Start a pull when one is due and none runs, reap one that ended.
 * Returns the milliseconds until it wants to run again. */
int64_t hubpull_step(struct hubpull *h, const struct gw_settings *cfg, int64_t now_ms);

/* Reap the pull's child if it has ended (on SIGCHLD, before anything that
 * reaps any child: the modem workers' supervisor). */
void hubpull_reap(struct hubpull *h);

/* At exit: stop a pull that still runs (its transaction rolls back). */
void hubpull_stop(struct hubpull *h);

#endif
