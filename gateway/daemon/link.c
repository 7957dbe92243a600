#include "gateway/daemon/link.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/daemon/evloop.h"
#include "gateway/daemon/transport.h"

void link_init(struct link *l, struct modem *m, const struct gw_settings *cfg, struct db *db)
{
	memset(l, 0, sizeof(*l));
	l->modem = m;
	l->cfg = cfg;
	l->db = db;
}

static void record_connected(struct link *l, int connected)
{
	if (db_run(l->db, "UPDATE modem_status SET connected = ?, last_contact = CASE WHEN ?1"
			  " THEN ?2 ELSE last_contact END, updated_at = ?2 WHERE id = 1",
		   DB_ARGS(DB_INT(connected), DB_INT(time(NULL)))) < 0)
		/* the status shown is late by one update, no more */
		log_debug("modem status: connection not recorded");
}

void link_note_error(struct link *l, const char *what, int err)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: %s", what, gw_strerror(err));
	if (db_run(l->db, "UPDATE modem_status SET last_error = ?, last_error_at = ?,"
			  " updated_at = ?2 WHERE id = 1", DB_ARGS(DB_TEXT(msg), DB_INT(time(NULL)))) < 0)
		log_debug("modem status: error not recorded");
}

static void schedule_retry(struct link *l, int64_t now_ms)
{
	int delay;

	l->attempts++;
	delay = modem_reconnect_delay_ms(l->attempts, l->cfg->modem.reconnect_min_ms,
					 l->cfg->modem.reconnect_max_ms);
	l->next_try_ms = now_ms + delay;
	log_info("modem: next connection attempt in %d ms (attempt %d)", delay, l->attempts);
}

int link_ready(struct link *l, int64_t now_ms)
{
	int r;

	if (l->connected)
		return 1;
	if (now_ms < l->next_try_ms)
		return 0;
	r = modem_open(l->modem);
	if (r < 0) {
		if (r == GW_ERR_SECURITY && !l->security_blocked) {
			log_error("modem: the SIM needs a PIN (set modem.pin) or is missing");
			l->security_blocked = 1;
		} else if (r != GW_ERR_SECURITY) {
			log_warn("modem: cannot connect to %s: %s", transport_where(l->cfg),
				 gw_strerror(r));
		}
		link_note_error(l, "connect", r);
		modem_close(l->modem);
		schedule_retry(l, now_ms);
		return 0;
	}
	if (l->attempts)
		log_notice("modem: connected again after %d failed attempts", l->attempts);
	else
		log_info("modem: connected (%s)", transport_where(l->cfg));
	l->connected = 1;
	l->attempts = 0;
	l->timeouts = 0;
	l->security_blocked = 0;
	record_connected(l, 1);
	return 1;
}

int link_result(struct link *l, int err, const char *what)
{
	int64_t now_ms = evloop_now_ms();
	int gone = 0;

	if (err == 0)
		return 0;
	if (err == GW_ERR_MODEM_GONE) {
		gone = 1;
	} else if (err == GW_ERR_SECURITY) {
		/* The SIM locked itself (reset, re-seated): only a new connection
		 * enters modem.pin; without one, link_ready backs off quietly. */
		gone = 1;
	} else if (err == GW_ERR_TIMEOUT || err == GW_ERR_IO) {
		/* A modem that hangs on one command but answers another is still
		 * broken: count timeouts in a window, not consecutive ones. Plain
		 * ERROR to everything (GW_ERR_IO) is a broken modem too; on the AT
		 * driver one timeout alone takes 40 s or more, hence the long window. */
		if (now_ms - l->timeout_window_ms > LINK_TIMEOUT_WINDOW_MS) {
			l->timeout_window_ms = now_ms;
			l->timeouts = 0;
		}
		gone = ++l->timeouts >= LINK_TIMEOUTS_BEFORE_RECONNECT;
	}
	if (gone && l->connected) {
		log_warn("modem: lost during %s (%s); reconnecting", what, gw_strerror(err));
		link_note_error(l, what, err);
		modem_close(l->modem);
		l->connected = 0;
		l->timeouts = 0;
		record_connected(l, 0);
		schedule_retry(l, now_ms);
	}
	return err;
}

int64_t link_wait_ms(const struct link *l, int64_t now_ms)
{
	if (l->connected || l->next_try_ms <= now_ms)
		return 0;
	return l->next_try_ms - now_ms;
}

int link_refresh_status(struct link *l)
{
	struct modem_status ms;
	int r;

	memset(&ms, 0, sizeof(ms));
	if ((r = modem_status(l->modem, &ms)) < 0)
		return link_result(l, r, "status");
	link_result(l, 0, "status");
	/* a reading the modem does not give (-1) is stored as NULL */
	return db_run(l->db, "UPDATE modem_status SET connected = 1, signal_percent = ?,"
			     " battery_percent = ?, network = ?, security = ?, last_contact = ?5,"
			     " updated_at = ?5 WHERE id = 1",
		      DB_ARGS(ms.signal_percent >= 0 ? DB_INT(ms.signal_percent) : DB_NULL,
			      ms.battery_percent >= 0 ? DB_INT(ms.battery_percent) : DB_NULL,
			      DB_TEXT(ms.network), DB_TEXT(ms.security), DB_INT(time(NULL))));
}

void link_close(struct link *l)
{
	if (l->connected) {
		modem_close(l->modem);
		l->connected = 0;
		record_connected(l, 0);
	}
}
