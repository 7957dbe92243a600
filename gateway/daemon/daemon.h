/* daemon.h - gatewayd's runtime: the pieces wired onto one event loop.
 *
 * Timers (all on one thread, libgammu is not thread-safe):
 *   modem      every modem.poll_interval_ms: connect if needed, collect call
 *              events, take new parts off the modem, assemble, answer
 *   send       one outbox message per run, re-armed at once while more is due
 *   status     every modem.status_interval: signal, network, SIM -> modem_status
 *   ussd       USSD asked by gatewayctl; periodic balance check
 *   housekeep  multipart timeouts, privacy purge
 *   reminders  day-before appointment reminders
 *   sync       every sync.interval: the hub's content, by a gatewayctl child
 *              (hubpull.h)
 *   watchdog   sd_notify WATCHDOG=1 when systemd asks for it
 * The USSD callback and the web console, when enabled, run in their own
 * libmicrohttpd threads with their own database connections; they never
 * touch the modem.
 * SIGTERM/SIGINT stop after the current step; SIGHUP reloads what can
 * change at run time (log level, intervals, limits) and reopens logs.
 */
#ifndef GW_DAEMON_H
#define GW_DAEMON_H

#include "config/settings.h"

struct daemon_opts {
	const char *config_path;
	int once;      /* process everything pending, then exit */
};

/* Run the daemon with settings already loaded from opts->config_path.
 * Returns 0 on a clean stop. */
int daemon_run(const struct daemon_opts *opts, struct gw_settings *cfg);

#endif
