#include "gateway/daemon/daemon.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/daemon/evloop.h"
#include "gateway/daemon/housekeep.h"
#include "gateway/daemon/hubpull.h"
#include "gateway/daemon/inbound.h"
#include "gateway/daemon/ingest.h"
#include "gateway/daemon/link.h"
#include "gateway/daemon/notify.h"
#include "gateway/daemon/reminders.h"
#include "gateway/daemon/sender.h"
#include "gateway/daemon/supervise.h"
#include "gateway/daemon/worker.h"
#include "gateway/operators.h"
#include "gateway/ussd/ussd_http.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_server.h"
#include "handlers/features/jobs_board.h"
#include "handlers/handler.h"

#define DAEMON_ONCE_MAX_ROUNDS 10000
#define DAEMON_STATUS_MS 5000

struct daemon {
	const struct daemon_opts *opts;
	struct gw_settings *cfg;
	struct db *db;
	struct evloop *loop;
	int inbound_timer;
	int supervise_timer;
	struct supervise sup;    /* the modem workers */
	struct ussd_http *ussd;  /* the USSD callback's own thread, or NULL */
	struct web_server *web;  /* the web console's own thread, or NULL */
	struct notify notify;
	int told_connected;      /* modems connected last shown in STATUS=, -1: none */
	struct hubpull pull;     /* the hub's content, pulled by a gatewayctl child */
};

/* The main process looks for new messages as often as the most eager
 * modem; the workers also say when they stored some. */
static int poll_ms(const struct gw_settings *cfg)
{
	int ms = cfg->modems[0].poll_interval_ms;

	for (int i = 1; i < cfg->nmodems; i++)
		if (cfg->modems[i].poll_interval_ms < ms)
			ms = cfg->modems[i].poll_interval_ms;
	return ms;
}

/* Assemble and answer what the workers stored; *busy = something happened. */
static int inbound_pass(struct daemon *d, int *busy)
{
	time_t now = time(NULL);
	int assembled = 0, handled = 0, r;

	if ((r = ingest_assemble(d->db, d->cfg, now, &assembled)) < 0)
		log_warn("inbound: assembling failed: %s", gw_strerror(r));
	if ((r = inbound_process(d->db, d->cfg, now, 64, &handled)) < 0)
		log_warn("inbound: handling failed: %s", gw_strerror(r));
	*busy = assembled > 0 || handled > 0;
	if (handled)
		supervise_wake(&d->sup);
	return r;
}

static int64_t inbound_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;
	int busy = 0;

	inbound_pass(d, &busy);
	return busy ? 0 : poll_ms(d->cfg);
}

static void on_inbound(void *arg)
{
	struct daemon *d = arg;

	evloop_wake_timer(d->loop, d->inbound_timer);
}

static int64_t supervise_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;
	int64_t next = supervise_restart_due(&d->sup);

	return next < 0 ? 60000 : next;
}

static void on_child(struct evloop *loop, int signo, void *arg)
{
	struct daemon *d = arg;

	hubpull_reap(&d->pull); /* before the workers' reaping takes any child */
	supervise_reap(&d->sup);
	evloop_wake_timer(loop, d->supervise_timer);
}

/* systemd's STATUS= line follows how many modems are connected. */
static int64_t status_timer(struct evloop *loop, void *arg)
{
	struct daemon *d = arg;
	int64_t n = 0;
	char line[96];

	if (db_query_int64(d->db, "SELECT count(*) FROM modem_status WHERE enabled = 1"
				  " AND connected = 1", &n) < 0 || n == d->told_connected)
		return DAEMON_STATUS_MS;
	d->told_connected = (int)n;
	if (n > 0)
		snprintf(line, sizeof(line), "answering; %d of %d modem(s) connected", (int)n,
			 d->cfg->nmodems);
	else
		snprintf(line, sizeof(line), "no modem connected; reconnecting, messages wait");
	notify_status(&d->notify, line);
	return DAEMON_STATUS_MS;
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
		supervise_wake(&d->sup);
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

static void apply_logging(const struct gw_settings *cfg, const struct daemon_opts *opts)
{
	int level = log_level_parse(cfg->log.level);

	log_setup("gatewayd", level < 0 ? LOG_LVL_INFO : level, cfg->log.syslog,
		  cfg->log.mask_numbers);
	log_set_clock(cfg->office.utc_offset_min, opts->utc);
}

static int same_modems(const struct gw_settings *a, const struct gw_settings *b)
{
	if (a->nmodems != b->nmodems)
		return 0;
	for (int i = 0; i < a->nmodems; i++)
		if (strcmp(a->modems[i].name, b->modems[i].name) != 0)
			return 0;
	return 1;
}

/* SIGHUP: the main process's settings again, and every worker its own
 * modem's (gateway/daemon/worker.c). */
static void on_reload(struct evloop *loop, int signo, void *arg)
{
	struct daemon *d = arg;
	struct gw_settings *fresh = malloc(sizeof(*fresh));
	char err[512];

	notify_reloading(&d->notify);
	if (!fresh || settings_load(fresh, d->opts->config_path, err, sizeof(err)) < 0) {
		log_error("reload refused, keeping the running settings: %s",
			  fresh ? err : "out of memory");
		notify_ready(&d->notify, "reload refused (see the log); running on the old settings");
		free(fresh);
		return;
	}
	if (strcmp(fresh->database.path, d->cfg->database.path) != 0 ||
	    strcmp(fresh->transport, d->cfg->transport) != 0 ||
	    memcmp(&fresh->kannel, &d->cfg->kannel, sizeof(fresh->kannel)) != 0)
		log_warn("reload: database.path, transport and the kannel group change only on"
			 " restart");
	memcpy(fresh->transport, d->cfg->transport, sizeof(fresh->transport));
	fresh->kannel = d->cfg->kannel;
	if (!same_modems(fresh, d->cfg)) {
		log_warn("reload: modems are added, removed or renamed only on restart");
		memcpy(fresh->modems, d->cfg->modems, sizeof(fresh->modems));
		fresh->nmodems = d->cfg->nmodems;
	}
	memcpy(fresh->database.path, d->cfg->database.path, sizeof(fresh->database.path));
	*d->cfg = *fresh;
	free(fresh);
	apply_logging(d->cfg, d->opts);
	supervise_signal(&d->sup, SIGHUP);
	log_notice("configuration reloaded from %s", d->opts->config_path);
	notify_ready(&d->notify, "configuration reloaded; answering");
}

/* Operators the modems name but no prefix does: a typo routes nothing. */
static void check_operators(struct daemon *d)
{
	struct operator_table *t = malloc(sizeof(*t));

	if (!t || operators_load(d->db, t) < 0) {
		free(t);
		return;
	}
	if (t->n == 0 && d->cfg->nmodems > 1)
		log_warn("no operator prefixes in the database (gatewayctl init loads them):"
			 " messages go through any modem");
	for (int i = 0; i < d->cfg->nmodems; i++) {
		const char *p = d->cfg->modems[i].operators;

		while (t->n && *p) {
			char word[OPERATORS_NAME_MAX];
			size_t n;

			p += strspn(p, " ,");
			n = strcspn(p, " ,");
			if (n && n < sizeof(word)) {
				memcpy(word, p, n);
				word[n] = '\0';
				if (!operators_known(t, word))
					log_warn("modem %s: operator \"%s\" has no prefixes in the"
						 " database: nothing is routed to it for that",
						 d->cfg->modems[i].name, word);
			}
			p += n;
		}
	}
	free(t);
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

/* --once: every modem in turn in this process, everything pending, then
 * exit. The workers' steps, without their processes. */
static int run_once(struct daemon *d)
{
	struct worker *w = calloc((size_t)d->cfg->nmodems, sizeof(*w));
	int rounds = 0, busy = 1, queued = 0, nopen = 0, connected = 0, r = GW_ERR_NOMEM;

	if (!w)
		return r;
	for (nopen = 0; nopen < d->cfg->nmodems; nopen++)
		if ((r = worker_open(&w[nopen], d->cfg, &d->cfg->modems[nopen], d->db)) < 0)
			goto out;
	reminders_run(d->db, d->cfg, gw_now(d->cfg->office.utc_offset_min), &queued);
	while (busy && rounds++ < DAEMON_ONCE_MAX_ROUNDS) {
		int any = 1, seen = 0, nsent = 0;

		busy = 0;
		for (int i = 0; i < nopen; i++) {
			int resent = 0;

			worker_read(&w[i], time(NULL), &seen);
			worker_settle(&w[i], 0, time(NULL), &resent);
			busy |= seen > 0 || resent > 0;
		}
		inbound_pass(d, &any);
		busy |= any;
		/* one message per modem per turn, as the workers would go side by side */
		for (any = 1; any;) {
			any = 0;
			for (int i = 0; i < nopen; i++) {
				int sent = 0;

				worker_send_one(&w[i], time(NULL), &sent);
				any |= sent;
				nsent += sent;
			}
		}
		busy |= nsent > 0;
	}
	for (int i = 0; i < nopen; i++)
		if (w[i].link.connected) {
			connected++;
			link_refresh_status(&w[i].link);
		} else {
			log_warn("modem %s not available: its messages wait for it", w[i].ms->name);
		}
	r = 0;
	if (!connected) {
		log_error("no modem available: inbound and outbound messages wait for one");
		r = GW_ERR_MODEM_GONE;
	}
out:
	for (int i = 0; i < nopen; i++)
		worker_close(&w[i]);
	free(w);
	return r;
}

/* First thing, before the database is opened: a SIGTERM while starting
 * (systemd stopping a restart, a test that is done) is then queued like
 * any other and ends the loop cleanly at its first step, instead of
 * killing the process with the default action. */
static int add_signals(struct daemon *d)
{
	int r;

	if ((r = evloop_on_signal(d->loop, SIGTERM, on_stop, d)) < 0 ||
	    (r = evloop_on_signal(d->loop, SIGINT, on_stop, d)) < 0 ||
	    (r = evloop_on_signal(d->loop, SIGHUP, on_reload, d)) < 0 ||
	    (r = evloop_on_signal(d->loop, SIGCHLD, on_child, d)) < 0)
		return r;
	return 0;
}

static int add_timers(struct daemon *d)
{
	int r;

	if ((r = d->inbound_timer = evloop_add_timer(d->loop, "inbound", 0, inbound_timer, d)) < 0 ||
	    (r = d->supervise_timer = evloop_add_timer(d->loop, "workers", 1000, supervise_timer,
						      d)) < 0 ||
	    (r = evloop_add_timer(d->loop, "status", 0, status_timer, d)) < 0 ||
	    (r = evloop_add_timer(d->loop, "housekeep", 1000, housekeep_timer, d)) < 0 ||
	    (r = evloop_add_timer(d->loop, "reminders", 1000, reminder_timer, d)) < 0 ||
	    (r = evloop_add_timer(d->loop, "sync", 0, sync_timer, d)) < 0)
		return r;
	if (notify_watchdog_interval_ms(&d->notify) > 0 &&
	    (r = evloop_add_timer(d->loop, "watchdog", 0, watchdog_timer, d)) < 0)
		return r;
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
	hubpull_init(&d.pull, opts->config_path);
	notify_init(&d.notify);
	apply_logging(cfg, opts);
	if ((r = evloop_create(&d.loop)) < 0 || (!opts->once && (r = add_signals(&d)) < 0))
		goto out;
	if ((r = handler_store_open(&d.db, cfg->database.path, cfg->database.busy_timeout_ms)) < 0 ||
	    (r = db_set_cache_kib(d.db, cfg->database.cache_kib)) < 0) {
		log_error("cannot open database %s: %s", cfg->database.path, gw_strerror(r));
		goto out;
	}
	if ((r = sender_recover(d.db, NULL, &recovered)) < 0 ||
	    (r = link_register_all(d.db, cfg)) < 0 || (r = refresh_board(d.db)) < 0)
		goto out;
	check_operators(&d);
	if (opts->once) {
		r = run_once(&d);
		goto out;
	}
	if ((r = add_timers(&d)) < 0)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	if ((r = supervise_start(&d.sup, cfg, opts->config_path, cfg->log.syslog, opts->utc, d.loop, d.db,
				 on_inbound, &d)) < 0)
		goto out;
	/* USSD is an extra channel: a port in use must not stop SMS work. */
	if (cfg->ussd.enabled && ussd_http_start(&d.ussd, cfg) < 0)
		log_error("ussd: callback not started; SMS goes on without it");
	/* So is the web console: it only queues outbox rows, never the modem. */
	if (cfg->web.enabled && web_server_start(&d.web, cfg, web_pages_routes, web_pages_nroutes) < 0)
		log_error("web: console not started; SMS goes on without it");
	log_notice("gatewayd %s running: %d modem(s) (%s%s), database %s", GW_VERSION,
		   cfg->nmodems, cfg->modems[0].name, cfg->nmodems > 1 ? ", ..." : "",
		   cfg->database.path);
	notify_ready(&d.notify, "started; connecting to the modems");
	r = evloop_run(d.loop);
	log_notice("gatewayd stopping its modem workers");
	hubpull_stop(&d.pull);
	supervise_stop(&d.sup);
	log_notice("gatewayd stopped");
out:
	hubpull_stop(&d.pull);
	ussd_http_stop(d.ussd); /* first: its thread holds its own database connection */
	web_server_stop(d.web);  /* likewise */
	evloop_destroy(d.loop);
	db_close(d.db);
	return r;
}
