/* link.h - keeping one modem connected, and its row of modem_status.
 *
 * The link owns the transport's connection state: it opens the modem,
 * notices when it vanished (GW_ERR_MODEM_GONE, a SIM that asks for its PIN
 * again, or repeated timeouts or I/O errors),
 * closes it and reconnects with exponential backoff capped at
 * reconnect_max_ms — forever, without exiting and without a hot loop.
 * Meanwhile the outbox simply waits, or goes through the other modems.
 *
 * What it sees is recorded in this modem's modem_status row (by name) for
 * `gatewayctl status`, the console and routing (gateway/daemon/route.h):
 * connected, the SIM's state, and two promises to the other modems'
 * workers: alive_until (this worker is between modem calls and will say
 * so again before then; a call that hangs lets it lapse and the others
 * stop waiting for it) and a hold (barred by the network, or out of
 * credit, until hold_until).
 */
#ifndef GW_LINK_H
#define GW_LINK_H

#include <stdint.h>
#include <time.h>

#include "common/db.h"
#include "config/settings.h"
#include "modem/modem.h"

#define LINK_TIMEOUTS_BEFORE_RECONNECT 3 /* timeouts or I/O errors ... */
#define LINK_TIMEOUT_WINDOW_MS 600000 /* ... within this long, whatever succeeded between */

#define LINK_HOLD_BARRED "barred"
#define LINK_HOLD_CREDIT "no credit"

struct link {
	struct modem *modem;
	const struct gw_modem_settings *ms; /* this modem's settings */
	struct db *db;
	int connected;
	int attempts;        /* failed opens since the last success */
	int timeouts;        /* timeouts in the current window */
	int64_t timeout_window_ms; /* when the window started */
	int64_t next_try_ms; /* monotonic time of the next open attempt */
	int security_blocked;/* SIM needs a PIN we do not have: logged once */
	time_t alive_until;  /* what modem_status.alive_until says */
	char hold[16];       /* "" or LINK_HOLD_*: sends nothing ... */
	time_t hold_until;   /* ... until then (credit: until a check says so) */
};

void link_init(struct link *l, struct modem *m, const struct gw_modem_settings *ms, struct db *db);

/* The running configuration's modems in modem_status: one row each
 * (created when new) with its operators and limits, enabled; rows of
 * modems no longer configured disabled; nobody connected or alive until
 * its worker says so. */
int link_register_all(struct db *db, const struct gw_settings *cfg);

/* This modem's operators and limits into its row again (after SIGHUP),
 * and its hold as the row has it (a restarted worker keeps it; a credit
 * hold with no balance check left to lift it is dropped). */
int link_register(struct link *l);

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

/* Promise to be between modem calls until now + stall_after: written when
 * less than two thirds of the promise is left, so about every stall_after/3. */
void link_alive(struct link *l, time_t now);

/* Out of routing for why (LINK_HOLD_*) until until; "" clears it. */
void link_hold(struct link *l, const char *why, time_t until);

/* 1 when the hold keeps this modem from sending at now. A barred SIM is
 * tried again once hold_until has passed; an empty one only after a
 * balance check found credit (gateway/daemon/ussd_requests.h). */
int link_held(const struct link *l, time_t now);

#endif
