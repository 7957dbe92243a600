#include "gateway/daemon/notify.h"

#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "common/buf.h"
#include "common/log.h"

void notify_init(struct notify *n)
{
	const char *sock = getenv("NOTIFY_SOCKET");
	uint64_t usec = 0;

	n->enabled = sock && *sock;
	/* > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if any) is us */
	n->watchdog_usec = sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

static void send_state(struct notify *n, const char *state)
{
	int r;

	if (!n->enabled)
		return;
	if ((r = sd_notify(0, state)) < 0)
		log_warn("sd_notify failed (%d)", r);
}

static void send_status(struct notify *n, const char *prefix, const char *status)
{
	struct buf b;

	if (!n->enabled)
		return;
	buf_init(&b, 512);
	/* an over-long status is left out rather than failing the state change */
	if (buf_adds(&b, prefix) == 0 && buf_adds(&b, "STATUS=") == 0 && buf_adds(&b, status) == 0)
		send_state(n, b.data);
	else
		send_state(n, prefix);
	buf_release(&b);
}

void notify_ready(struct notify *n, const char *status)
{
	send_status(n, "READY=1\n", status);
}

void notify_status(struct notify *n, const char *status)
{
	send_status(n, "", status);
}

void notify_reloading(struct notify *n)
{
	send_state(n, "RELOADING=1\nSTATUS=reloading the configuration");
}

void notify_stopping(struct notify *n)
{
	send_state(n, "STOPPING=1\nSTATUS=stopping");
}

void notify_watchdog(struct notify *n)
{
	if (n->watchdog_usec)
		send_state(n, "WATCHDOG=1");
}

int64_t notify_watchdog_interval_ms(const struct notify *n)
{
	int64_t ms = (int64_t)(n->watchdog_usec / 2000);

	return n->watchdog_usec ? (ms > 0 ? ms : 1) : 0;
}
