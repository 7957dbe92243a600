/* daemon.h - gatewayd's main process: the pieces wired onto its event loop.
 *
 * Timers (one thread; no modem call ever happens here):
 *   inbound    assemble the parts the modem workers stored, answer them
 *              (woken at once when a worker says it stored some)
 *   workers    start again a modem worker that died (supervise.h)
 *   status     systemd's STATUS= line: how many modems are connected
 *   housekeep  multipart timeouts, privacy purge
 *   reminders  day-before appointment reminders
 *   sync       every sync.interval: the hub's content, by a gatewayctl child
 *              (hubpull.h)
 *   watchdog   sd_notify WATCHDOG=1 when systemd asks for it
 * Each modem is served by a worker process (worker.h) with its own timers:
 * read, send, status, USSD and balance, alive. The USSD callback and the
 * web console, when enabled, run in their own libmicrohttpd threads with
 * their own database connections; they never touch a modem.
 * SIGTERM/SIGINT stop after the current step (the workers likewise);
 * SIGHUP reloads what can change at run time (log level, intervals,
 * limits), reopens logs and is passed on to the workers. `--once` runs
 * every modem's steps in turn in this process, and exits.
 */
#ifndef GW_DAEMON_H
#define GW_DAEMON_H

#include "config/settings.h"

struct daemon_opts {
	const char *config_path;
	int once;      /* process everything pending, then exit */
	int utc;       /* log lines in UTC (said), not office time */
};

/* Run the daemon with settings already loaded from opts->config_path.
 * Returns 0 on a clean stop. */
int daemon_run(const struct daemon_opts *opts, struct gw_settings *cfg);

#endif
