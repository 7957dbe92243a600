/* notify.h - telling systemd how the daemon is (sd_notify).
 *
 * Under a Type=notify unit systemd waits for READY=1 before it counts the
 * service as started, shows STATUS= in `systemctl status`, and with
 * WatchdogSec= restarts the service unless WATCHDOG=1 arrives in time. The
 * daemon pings from a timer on its one event loop, so a ping means the loop
 * is turning, not merely that the process exists. Outside systemd
 * (NOTIFY_SOCKET unset: make run, the tests) every call is a cheap no-op.
 */
#ifndef GW_NOTIFY_H
#define GW_NOTIFY_H

#include <stdint.h>

struct notify {
	int enabled;              /* NOTIFY_SOCKET is set */
	uint64_t watchdog_usec;   /* WATCHDOG_USEC for this process, 0: no watchdog */
};

/* Read the environment (and keep it for children of ours: none). */
void notify_init(struct notify *n);

/* Started: READY=1 with a status line. */
void notify_ready(struct notify *n, const char *status);
/* A new status line ("modem connected", "stopping"). */
void notify_status(struct notify *n, const char *status);
/* SIGHUP: RELOADING=1 ... then READY=1 again. */
void notify_reloading(struct notify *n);
void notify_stopping(struct notify *n);
void notify_watchdog(struct notify *n);

/* How often to ping: half the watchdog timeout, in ms; 0 when none. */
int64_t notify_watchdog_interval_ms(const struct notify *n);

#endif
