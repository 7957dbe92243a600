/* link.h - keeping the modem connected.
 *
 * The link owns the transport's connection state: it opens the modem,
 * notices when it vanished (GW_ERR_MODEM_GONE, a SIM that asks for its PIN
 * again, or repeated timeouts or I/O errors),
 * closes it and reconnects with exponential backoff capped at
 * modem.reconnect_max_ms — forever, without exiting and without a hot
 * loop. Meanwhile the outbox simply waits. What it sees is recorded in the
 * modem_status table for `gatewayctl status`.
 */
#ifndef GW_LINK_H
#define GW_LINK_H

#include <stdint.h>

#include "common/db.h"
#include "config/settings.h"
#include "modem/modem.h"

#define LINK_TIMEOUTS_BEFORE_RECONNECT 3 /* timeouts or I/O errors ... */
#define LINK_TIMEOUT_WINDOW_MS 600000 /* ... within this long, whatever succeeded between */

struct link {
	struct modem *modem;
	const struct gw_settings *cfg;
	struct db *db;
	int connected;
	int attempts;        /* failed opens since the last success */
	int timeouts;        /* timeouts in the current window */
	int64_t timeout_window_ms; /* when the window started */
	int64_t next_try_ms; /* monotonic time of the next open attempt */
	int security_blocked;/* SIM needs a PIN we do not have: logged once */
};

void link_init(struct link *l, struct modem *m, const struct gw_settings *cfg, struct db *db);

/* 1 when connected (opening it if a retry is due), 0 when not. */
int link_ready(struct link *l, int64_t now_ms);

/* Report the result of a modem call; disconnects and schedules a reconnect
 * for errors meaning the modem is gone. Returns err unchanged. */
int link_result(struct link *l, int err, const char *what);

/* Milliseconds until the next reconnect attempt (0 when connected). */
int64_t link_wait_ms(const struct link *l, int64_t now_ms);

/* Ask the modem for signal, battery, network and SIM state and store them. */
int link_refresh_status(struct link *l);

void link_close(struct link *l);

/* Record an error in modem_status (also used when the modem is fine but a
 * send failed). */
void link_note_error(struct link *l, const char *what, int err);

#endif
