#include "gateway/daemon/daemon.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/daemon/evloop.h"
#include "gateway/daemon/housekeep.h"
#include "gateway/daemon/hubpull.h"
#include "gateway/daemon/inbound.h"
#include "gateway/daemon/ingest.h"
#include "gateway/daemon/link.h"
#include "gateway/daemon/notify.h"
#include "gateway/daemon/readpace.h"
#include "gateway/daemon/reminders.h"
#include "gateway/daemon/sender.h"
#include "gateway/daemon/ussd_requests.h"
#include "gateway/ussd/ussd_http.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_server.h"
#include "handlers/features/jobs_board.h"
#include "modem/modem.h"

#define DAEMON_ONCE_MAX_ROUNDS 10000

struct daemon {
	const struct daemon_opts *opts;
	struct gw_settings *cfg;
	struct db *db;
	struct modem *modem;
	struct link link;
	struct evloop *loop;
	int send_timer;
	int modem_timer;
	struct ussd_http *ussd;  /* the USSD callback's own thread, or NULL */
	struct web_server *web;  /* the web console's own thread, or NULL */
	int64_t last_status_ms;
	struct notify notify;
	int told_connected;  /* modem state last shown in systemd's STATUS=, -1: none */
	struct readpace pace; /* when the modem's messages are read next */
	struct hubpull pull;  /* the hub's content, pulled by a gatewayctl child */
};

/* Answer missed calls: hang up, and record the caller for a help SMS. A
 * new-message indication makes the next read due at once. */
static void handle_events(struct daemon *d, time_t now)
{
	struct modem_event ev[8];
	size_t n = 0;

	if (link_result(&d->link, modem_poll_events(d->modem, ev, 8, &n), "events") < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		int recorded = 0;

		if (ev[i].kind == MODEM_EVENT_SMS)
			readpace_indicated(&d->pace);
		if (ev[i].kind != MODEM_EVENT_CALL)
			continue;
		log_info("incoming call from %s", log_phone(ev[i].number));
		if (d->cfg->modem.reject_calls)
			link_result(&d->link, modem_hangup(d->modem), "hangup");
		if (d->cfg->modem.call_reply_help && !modem_number_is_service(ev[i].number) &&
		    ingest_call(d->db, ev[i].number, now, &recorded) == 0 && recorded)
			log_info("missed call from %s: help SMS queued", log_phone(ev[i].number));
	}
}

/* One pass of inbound work; *busy = something happened. read: look at the
 * modem too (else only assemble and answer what is already stored). */
static int inbound_pass(struct daemon *d, int read, int *busy)
{
	time_t now = time(NULL);
	int64_t start = evloop_now_ms();
	int stored = 0, seen = 0, assembled = 0, handled = 0, r = 0;

	if (read && link_ready(&d->link, start)) {
		handle_events(d, now);
		if (d->link.connected)
			r = ingest_poll(&d->link, now, &stored, &seen);
		if (r < 0)
			log_warn("inbound: reading the modem failed: %s", gw_strerror(r));
		readpace_read_done(&d->pace, start, evloop_now_ms());
	}
	if ((r = ingest_assemble(d->db, d->cfg, now, &assembled)) < 0)
		log_warn("inbound: assembling failed: %s", gw_strerror(r));
	if ((r = inbound_process(d->db, d->cfg, now, 64, &handled)) < 0)
		log_warn("inbound: handling failed: %s", gw_strerror(r));
	*busy = seen > 0 || assembled > 0 || handled > 0;
	if (handled)
		evloop_wake_timer(d->loop, d->send_timer);
	return r;
}

static void pace_limits(const struct daemon *d, struct readpace_limits *lim)
{
	lim->poll_ms = d->cfg->modem.poll_interval_ms;
	lim->busy_share = d->cfg->modem.busy_read_share;
	lim->busy_max_ms = d->cfg->modem.busy_poll_max_ms;
}

/* Reading the modem's messages holds the one thread and the modem, so while
 * connected the next read waits for readpace (gateway/daemon/readpace.h): the poll
 * interval after the end of the last read, longer while the outbox drains.
 * A backlog already read is answered in between, one batch per turn, and a
 * read slower than the interval does not follow itself back to back.
 * Disconnected, the link's reconnect backoff sets the pace. */
static int64_t modem_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;
	struct readpace_limits lim;
	int64_t now = evloop_now_ms(), wait;
	int busy = 0, read;

	pace_limits(d, &lim);
	read = !d->link.connected || readpace_next_read_ms(&d->pace, &lim) <= now;
	inbound_pass(d, read, &busy);
	now = evloop_now_ms();
	wait = link_wait_ms(&d->link, now);
	if (wait > 0 && wait < lim.poll_ms)
		return wait;
	/* Not connected: no read happened, so the read pace says "now" again;
	 * look every poll interval, the link's backoff decides when to try. */
	if (!d->link.connected)
		return lim.poll_ms;
	if (busy)
		return 0;
	wait = readpace_next_read_ms(&d->pace, &lim) - now;
	return wait > 0 ? wait : 0;
}

static int64_t send_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;
	time_t now = time(NULL);
	long due = 0;
	int sent = 0, r;

	if (!link_ready(&d->link, evloop_now_ms()))
		return d->cfg->modem.poll_interval_ms;
	if ((r = sender_send_one(&d->link, now, &sent)) < 0)
		log_warn("outbox: %s", gw_strerror(r));
	/* Drained: reads go back to the idle pace at once. */
	if (readpace_set_outbox_busy(&d->pace, sent) && !sent)
		evloop_wake_timer(d->loop, d->modem_timer);
	if (sent) {
		/* Between parts of a broadcast: a question the modem says has
		 * arrived is read now, not when the read pace allows. */
		if (d->link.connected && link_ready(&d->link, evloop_now_ms())) {
			handle_events(d, now);
			if (d->pace.indicated)
				evloop_wake_timer(d->loop, d->modem_timer);
		}
		return 0;
	}
	if (sender_next_due(d->db, now, &due) < 0)
		return d->cfg->modem.poll_interval_ms * 10;
	return due * 1000 < d->cfg->modem.poll_interval_ms ? due * 1000 : d->cfg->modem.poll_interval_ms;
}

static int64_t status_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;

	if (link_ready(&d->link, evloop_now_ms()))
		link_refresh_status(&d->link);
	if (d->told_connected != d->link.connected) {
		d->told_connected = d->link.connected;
		notify_status(&d->notify, d->link.connected ? "answering; modem connected"
				: "modem not connected; reconnecting, messages wait");
	}
	return (int64_t)d->cfg->modem.status_interval_s * 1000;
}

static int64_t ussd_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;

	if (link_ready(&d->link, evloop_now_ms()))
		ussd_requests_serve(&d->link, time(NULL));
	return 1000;
}

static int64_t housekeep_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;

	housekeep_run(d->db, d->cfg, time(NULL));
	return 60 * 1000;
}

/* Day-before appointment reminders; GW_FAKE_NOW moves this clock in tests. */
static int64_t reminder_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;
	int queued = 0;

	if (reminders_run(d->db, d->cfg, gw_now(d->cfg->office.utc_offset_min), &queued) == 0 &&
	    queued)
		evloop_wake_timer(d->loop, d->send_timer);
	return 60 * 1000;
}

static int64_t sync_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;

	return hubpull_step(&d->pull, d->cfg, evloop_now_ms());
}

/* Runs on the loop: a ping proves the loop turns, not just that we exist. */
static int64_t watchdog_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;

	notify_watchdog(&d->notify);
	return notify_watchdog_interval_ms(&d->notify);
}

static void on_stop(struct evloop *loop, int signo, void *arg)
{
	struct daemon *d = arg;

	log_notice("signal %d: stopping after the current step", signo);
	notify_stopping(&d->notify);
	evloop_stop(loop);
}

static void apply_logging(const struct gw_settings *cfg)
{
	int level = log_level_parse(cfg->log.level);

	log_setup("gatewayd", level < 0 ? LOG_LVL_INFO : level, cfg->log.syslog,
		  cfg->log.mask_numbers);
}

static void on_reload(struct evloop *loop, int signo, void *arg)
{
	struct daemon *d = arg;
	struct gw_settings fresh;
	char err[512];

	notify_reloading(&d->notify);
	if (settings_load(&fresh, d->opts->config_path, err, sizeof(err)) < 0) {
		log_error("reload refused, keeping the running settings: %s", err);
		notify_ready(&d->notify, "reload refused (see the log); running on the old settings");
		return;
	}
	/* What the open modem and database were built from stays until restart. */
	if (strcmp(fresh.modem.device, d->cfg->modem.device) != 0 ||
	    strcmp(fresh.database.path, d->cfg->database.path) != 0)
		log_warn("reload: modem.device and database.path change only on restart");
	memcpy(fresh.modem.model, d->cfg->modem.model, sizeof(fresh.modem.model));
	memcpy(fresh.modem.connection, d->cfg->modem.connection, sizeof(fresh.modem.connection));
	memcpy(fresh.modem.device, d->cfg->modem.device, sizeof(fresh.modem.device));
	memcpy(fresh.modem.fault_file, d->cfg->modem.fault_file, sizeof(fresh.modem.fault_file));
	memcpy(fresh.database.path, d->cfg->database.path, sizeof(fresh.database.path));
	*d->cfg = fresh;
	apply_logging(d->cfg);
	log_notice("configuration reloaded from %s", d->opts->config_path);
	notify_ready(&d->notify, "configuration reloaded; answering");
}

static int make_modem(const struct gw_settings *cfg, struct modem **out)
{
	struct modem_config mc;
	struct modem *m = NULL, *wrapped = NULL;
	int r;

	memset(&mc, 0, sizeof(mc));
	mc.model = cfg->modem.model;
	mc.connection = cfg->modem.connection;
	mc.device = cfg->modem.device;
	mc.pin = cfg->modem.pin;
	mc.send_delay_ms = cfg->modem.send_delay_ms;
	if ((r = modem_gammu_create(&m, &mc)) < 0)
		return r;
	if (*cfg->modem.fault_file) {
		if ((r = modem_fault_create(&wrapped, m, cfg->modem.fault_file)) < 0) {
			modem_destroy(m);
			return r;
		}
		log_warn("modem: fault injection enabled from %s (test only)", cfg->modem.fault_file);
		m = wrapped;
	}
	*out = m;
	return 0;
}

/* Offers whose derived columns are not current (a database just migrated,
 * rows written by hand) are worked out now rather than by the first job
 * question. */
static int refresh_board(struct db *db)
{
	int n = 0, r;

	if ((r = db_begin(db)) < 0)
		return r;
	if ((r = jobs_board_refresh(db, &n)) < 0 || (r = db_commit(db)) < 0) {
		db_rollback(db);
		log_error("job board: cannot derive the offers' places and types: %s", gw_strerror(r));
		return r;
	}
	if (n)
		log_info("job board: %d offer(s) derived", n);
	return 0;
}

/* --once: everything pending, then exit. */
static int run_once(struct daemon *d)
{
	int rounds = 0, busy = 1, queued = 0, r = 0;

	reminders_run(d->db, d->cfg, gw_now(d->cfg->office.utc_offset_min), &queued);
	while (busy && rounds++ < DAEMON_ONCE_MAX_ROUNDS) {
		int sent = 1, nsent = 0;

		inbound_pass(d, 1, &busy);
		while (sent && d->link.connected) {
			if ((r = sender_send_one(&d->link, time(NULL), &sent)) < 0) {
				log_warn("outbox: %s", gw_strerror(r));
				break;
			}
			nsent += sent;
		}
		busy = busy || nsent > 0;
	}
	if (!d->link.connected) {
		log_error("modem not available: inbound and outbound messages wait for it");
		return GW_ERR_MODEM_GONE;
	}
	link_refresh_status(&d->link);
	return 0;
}

int daemon_run(const struct daemon_opts *opts, struct gw_settings *cfg)
{
	struct daemon d;
	int recovered = 0, r;

	memset(&d, 0, sizeof(d));
	d.opts = opts;
	d.cfg = cfg;
	d.told_connected = -1;
	readpace_init(&d.pace);
	hubpull_init(&d.pull, opts->config_path);
	notify_init(&d.notify);
	apply_logging(cfg);
	if ((r = store_open(&d.db, cfg->database.path, cfg->database.busy_timeout_ms)) < 0 ||
	    (r = db_set_cache_kib(d.db, cfg->database.cache_kib)) < 0) {
		log_error("cannot open database %s: %s", cfg->database.path, gw_strerror(r));
		goto out;
	}
	if ((r = sender_recover(d.db, &recovered)) < 0 || (r = refresh_board(d.db)) < 0)
		goto out;
	if ((r = make_modem(cfg, &d.modem)) < 0) {
		log_error("cannot set up the modem: %s", gw_strerror(r));
		goto out;
	}
	link_init(&d.link, d.modem, cfg, d.db);
	if ((r = evloop_create(&d.loop)) < 0)
		goto out;
	if (opts->once) {
		r = run_once(&d);
		goto out;
	}
	if ((r = d.modem_timer = evloop_add_timer(d.loop, "modem", 0, modem_timer, &d)) < 0 ||
	    (r = d.send_timer = evloop_add_timer(d.loop, "send", 0, send_timer, &d)) < 0 ||
	    (r = evloop_add_timer(d.loop, "status", 0, status_timer, &d)) < 0 ||
	    (r = evloop_add_timer(d.loop, "ussd", 1000, ussd_timer, &d)) < 0 ||
	    (r = evloop_add_timer(d.loop, "housekeep", 1000, housekeep_timer, &d)) < 0 ||
	    (r = evloop_add_timer(d.loop, "reminders", 1000, reminder_timer, &d)) < 0 ||
	    (r = evloop_add_timer(d.loop, "sync", 0, sync_timer, &d)) < 0 ||
	    (r = evloop_on_signal(d.loop, SIGTERM, on_stop, &d)) < 0 ||
	    (r = evloop_on_signal(d.loop, SIGINT, on_stop, &d)) < 0 ||
	    (r = evloop_on_signal(d.loop, SIGHUP, on_reload, &d)) < 0)
		goto out;
	if (notify_watchdog_interval_ms(&d.notify) > 0 &&
	    (r = evloop_add_timer(d.loop, "watchdog", 0, watchdog_timer, &d)) < 0)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	/* USSD is an extra channel: a port in use must not stop SMS work. */
	if (cfg->ussd.enabled && ussd_http_start(&d.ussd, cfg) < 0)
		log_error("ussd: callback not started; SMS goes on without it");
	/* So is the web console: it only queues outbox rows, never the modem. */
	if (cfg->web.enabled && web_server_start(&d.web, cfg, web_pages_routes, web_pages_nroutes) < 0)
		log_error("web: console not started; SMS goes on without it");
	log_notice("gatewayd %s running: modem %s, database %s", GW_VERSION, cfg->modem.device,
		   cfg->database.path);
	notify_ready(&d.notify, "started; connecting to the modem");
	r = evloop_run(d.loop);
	log_notice("gatewayd stopped");
out:
	hubpull_stop(&d.pull);
	ussd_http_stop(d.ussd); /* first: its thread holds its own database connection */
	web_server_stop(d.web);  /* likewise */
	if (d.modem) {
		link_close(&d.link);
		modem_destroy(d.modem);
	}
	evloop_destroy(d.loop);
	db_close(d.db);
	return r;
}
