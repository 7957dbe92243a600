#include "gateway/daemon/link.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/daemon/evloop.h"

void link_init(struct link *l, struct modem *m, const struct gw_modem_settings *ms, struct db *db)
{
	memset(l, 0, sizeof(*l));
	l->modem = m;
	l->ms = ms;
	l->db = db;
}

static int register_row(struct db *db, const struct gw_modem_settings *ms)
{
	int r;

	if ((r = db_run(db, "INSERT OR IGNORE INTO modem_status (name) VALUES (?)",
			DB_ARGS(DB_TEXT(ms->name)))) < 0)
		return r;
	return db_run(db, "UPDATE modem_status SET enabled = 1, operators = ?, same_text_per_5min = ?,"
			  " same_text_per_hour = ?, same_text_per_day = ?, per_day = ? WHERE name = ?",
		      DB_ARGS(DB_TEXT(ms->operators), DB_INT(ms->same_text_per_5min),
			      DB_INT(ms->same_text_per_hour), DB_INT(ms->same_text_per_day),
			      DB_INT(ms->per_day), DB_TEXT(ms->name)));
}

int link_register_all(struct db *db, const struct gw_settings *cfg)
{
	int r;

	if ((r = db_begin(db)) < 0)
		return r;
	if ((r = db_run(db, "UPDATE modem_status SET enabled = 0, connected = 0, alive_until = 0",
			NULL)) < 0)
		goto out;
	for (int i = 0; i < cfg->nmodems && r == 0; i++)
		r = register_row(db, &cfg->modems[i]);
	if (r == 0)
		r = db_commit(db);
out:
	if (r < 0)
		db_rollback(db);
	return r;
}

int link_register(struct link *l)
{
	sqlite3_stmt *st;
	int r;

	if ((r = register_row(l->db, l->ms)) < 0 ||
	    (r = db_row(l->db, "SELECT hold, hold_until FROM modem_status WHERE name = ?",
			DB_ARGS(DB_TEXT(l->ms->name)), &st)) < 0)
		return r;
	gw_strlcpy(l->hold, db_col_text(st, 0), sizeof(l->hold));
	l->hold_until = (time_t)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	/* no balance check any more: nothing would ever lift a credit hold */
	if (strcmp(l->hold, LINK_HOLD_CREDIT) == 0 && (!*l->ms->balance_code || !l->ms->balance_min))
		link_hold(l, "", 0);
	return 0;
}

static void record_connected(struct link *l, int connected)
{
	time_t now = time(NULL);

	l->alive_until = connected ? now + l->ms->stall_after_s : 0;
	if (db_run(l->db, "UPDATE modem_status SET connected = ?, last_contact = CASE WHEN ?1"
			  " THEN ?2 ELSE last_contact END, updated_at = ?2, alive_until = ?3"
			  " WHERE name = ?4",
		   DB_ARGS(DB_INT(connected), DB_INT(now), DB_INT(l->alive_until),
			   DB_TEXT(l->ms->name))) < 0)
		/* the status shown is late by one update, no more */
		log_debug("modem %s status: connection not recorded", l->ms->name);
}

void link_note_error(struct link *l, const char *what, int err)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: %s", what, gw_strerror(err));
	if (db_run(l->db, "UPDATE modem_status SET last_error = ?, last_error_at = ?,"
			  " updated_at = ?2 WHERE name = ?",
		   DB_ARGS(DB_TEXT(msg), DB_INT(time(NULL)), DB_TEXT(l->ms->name))) < 0)
		log_debug("modem %s status: error not recorded", l->ms->name);
}

void link_alive(struct link *l, time_t now)
{
	time_t until = now + l->ms->stall_after_s;

	if (!l->connected || (l->alive_until - now) * 3 > (time_t)l->ms->stall_after_s * 2)
		return;
	if (db_run(l->db, "UPDATE modem_status SET alive_until = ? WHERE name = ?",
		   DB_ARGS(DB_INT(until), DB_TEXT(l->ms->name))) < 0) {
		log_debug("modem %s status: liveness not recorded", l->ms->name);
		return;
	}
	l->alive_until = until;
}

void link_hold(struct link *l, const char *why, time_t until)
{
	if (!*why)
		until = 0;
	if (strcmp(why, l->hold) != 0) {
		if (*why)
			log_warn("modem %s: out of routing (%s); other modems send its messages",
				 l->ms->name, why);
		else
			log_notice("modem %s: back in routing (was: %s)", l->ms->name, l->hold);
	}
	gw_strlcpy(l->hold, why, sizeof(l->hold));
	l->hold_until = until;
	if (db_run(l->db, "UPDATE modem_status SET hold = ?, hold_until = ? WHERE name = ?",
		   DB_ARGS(DB_TEXT(why), DB_INT(until), DB_TEXT(l->ms->name))) < 0)
		log_debug("modem %s status: hold not recorded", l->ms->name);
}

int link_held(const struct link *l, time_t now)
{
	if (!*l->hold)
		return 0;
	return strcmp(l->hold, LINK_HOLD_CREDIT) == 0 || now < l->hold_until;
}

static void schedule_retry(struct link *l, int64_t now_ms)
{
	int delay;

	l->attempts++;
	delay = modem_reconnect_delay_ms(l->attempts, l->ms->reconnect_min_ms,
					 l->ms->reconnect_max_ms);
	l->next_try_ms = now_ms + delay;
	log_info("modem %s: next connection attempt in %d ms (attempt %d)", l->ms->name, delay,
		 l->attempts);
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
			log_error("modem %s: the SIM needs a PIN (set its pin) or is missing",
				  l->ms->name);
			l->security_blocked = 1;
		} else if (r != GW_ERR_SECURITY) {
			log_warn("modem %s: cannot connect to %s: %s", l->ms->name, l->ms->device,
				 gw_strerror(r));
		}
		link_note_error(l, "connect", r);
		modem_close(l->modem);
		schedule_retry(l, now_ms);
		return 0;
	}
	if (l->attempts)
		log_notice("modem %s: connected again after %d failed attempts", l->ms->name,
			   l->attempts);
	else
		log_info("modem %s: connected (%s)", l->ms->name, l->ms->device);
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
		 * enters the PIN; without one, link_ready backs off quietly. */
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
		log_warn("modem %s: lost during %s (%s); reconnecting", l->ms->name, what,
			 gw_strerror(err));
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
			     " updated_at = ?5 WHERE name = ?6",
		      DB_ARGS(ms.signal_percent >= 0 ? DB_INT(ms.signal_percent) : DB_NULL,
			      ms.battery_percent >= 0 ? DB_INT(ms.battery_percent) : DB_NULL,
			      DB_TEXT(ms.network), DB_TEXT(ms.security), DB_INT(time(NULL)),
			      DB_TEXT(l->ms->name)));
}

void link_close(struct link *l)
{
	if (l->connected) {
		modem_close(l->modem);
		l->connected = 0;
		record_connected(l, 0);
	}
}
