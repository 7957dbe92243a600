#include "gateway/daemon/worker.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/crashpoint.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/daemon/evloop.h"
#include "gateway/daemon/ingest.h"
#include "gateway/daemon/sender.h"
#include "gateway/daemon/ussd_requests.h"
#include "gateway/kannel/kannel_box.h"
#include "gateway/kannel/kannel_doubt.h"
#include "gateway/kannel/kannel_http.h"
#include "gateway/kannel/kannel_send.h"
#include "handlers/handler.h"

static int make_modem(const struct gw_settings *cfg, const struct gw_modem_settings *ms,
		      struct modem **out)
{
	struct modem_config mc;
	struct modem *m = NULL, *wrapped = NULL;
	int r;

	/* A Kannel worker runs a second thread with its own SQLite connection
	 * (the box link's reader, the sendsms link's endpoint). One malloc
	 * arena: that thread's own arena grew and was trimmed back around
	 * every commit, unmapping pages in a two-thread process, a TLB
	 * shootdown on both cores each time (perf: a third of gatewayd's
	 * time at 150 messages/s; docs/BENCHMARKS.md). */
	if (settings_kannel(cfg))
		mallopt(M_ARENA_MAX, 1);
	if (settings_kannel_box(cfg)) /* a box of bearerbox in the modem's place */
		return kannel_box_create(out, cfg);
	if (settings_kannel(cfg)) /* Kannel's sendsms in the modem's place */
		return kannel_send_create(out, cfg);
	memset(&mc, 0, sizeof(mc));
	mc.model = ms->model;
	mc.connection = ms->connection;
	mc.device = ms->device;
	mc.pin = ms->pin;
	mc.send_delay_ms = ms->send_delay_ms;
	if ((r = modem_gammu_create(&m, &mc)) < 0)
		return r;
	if (*ms->fault_file) {
		if ((r = modem_fault_create(&wrapped, m, ms->fault_file)) < 0) {
			modem_destroy(m);
			return r;
		}
		log_warn("modem %s: fault injection enabled from %s (test only)", ms->name,
			 ms->fault_file);
		m = wrapped;
	}
	*out = m;
	return 0;
}

int worker_open(struct worker *w, const struct gw_settings *cfg,
		const struct gw_modem_settings *ms, struct db *db)
{
	int r;

	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->ms = ms;
	w->db = db;
	w->parent_fd = -1;
	readpace_init(&w->pace);
	settle_init(&w->settle, ms->name);
	w->settle_timer = -1;
	if ((r = make_modem(cfg, ms, &w->modem)) < 0) {
		log_error("modem %s: cannot set it up: %s", ms->name, gw_strerror(r));
		return r;
	}
	link_init(&w->link, w->modem, ms, db);
	if ((r = link_register(&w->link)) < 0) {
		log_error("modem %s: cannot record it in modem_status: %s", ms->name, gw_strerror(r));
		worker_close(w);
	}
	return r;
}

void worker_close(struct worker *w)
{
	if (w->modem) {
		link_close(&w->link);
		modem_destroy(w->modem);
		w->modem = NULL;
	}
}

/* One byte to the main process; a full socket already says it. */
static void tell_parent(struct worker *w, char what)
{
	if (w->parent_fd >= 0 && send(w->parent_fd, &what, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN)
		log_debug("modem %s: main process not told: %s", w->ms->name, strerror(errno));
}

/* Answer missed calls: hang up, and record the caller for a help SMS. A
 * new-message indication makes the next read due at once. */
static void handle_events(struct worker *w, time_t now)
{
	struct modem_event ev[8];
	size_t n = 0;

	if (link_result(&w->link, modem_poll_events(w->modem, ev, 8, &n), "events") < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		int recorded = 0;

		if (ev[i].kind == MODEM_EVENT_SMS)
			readpace_indicated(&w->pace);
		if (ev[i].kind == MODEM_EVENT_REPORT && w->loop)
			evloop_wake_timer(w->loop, w->settle_timer);
		if (ev[i].kind != MODEM_EVENT_CALL)
			continue;
		log_info("modem %s: incoming call from %s", w->ms->name, log_phone(ev[i].number));
		if (w->ms->reject_calls)
			link_result(&w->link, modem_hangup(w->modem), "hangup");
		if (w->ms->call_reply_help && !modem_number_is_service(ev[i].number) &&
		    ingest_call(w->db, w->ms->name, ev[i].number, now, &recorded) == 0 && recorded) {
			log_info("missed call from %s: help SMS queued", log_phone(ev[i].number));
			tell_parent(w, WORKER_SAYS_INBOUND);
		}
	}
}

int worker_read(struct worker *w, time_t now, int *seen)
{
	int64_t start = evloop_now_ms();
	int stored = 0, r = 0;

	*seen = 0;
	if (!link_ready(&w->link, start))
		return 0;
	handle_events(w, now);
	if (w->link.connected)
		r = ingest_poll(&w->link, now, &stored, seen);
	if (r < 0)
		log_warn("modem %s: reading the modem failed: %s", w->ms->name, gw_strerror(r));
	readpace_read_done(&w->pace, start, evloop_now_ms());
	if (stored)
		tell_parent(w, WORKER_SAYS_INBOUND);
	return r;
}

int worker_send_one(struct worker *w, time_t now, int *sent)
{
	int r;

	*sent = 0;
	if (!w->link.connected)
		return 0;
	if ((r = sender_send_one(&w->link, w->cfg, now, sent)) < 0)
		log_warn("modem %s: outbox: %s", w->ms->name, gw_strerror(r));
	return r;
}

int worker_settle(struct worker *w, int busy, time_t now, int *resent)
{
	int r;

	*resent = 0;
	/* Kannel's reports come by HTTP and its rows in doubt are decided by
	 * kannel.resend_unknown_after (kannel_doubt.h), which knows a slow
	 * SMSC from a message that never reached Kannel: a second clock here
	 * would send again what Kannel still holds. */
	if (settings_kannel(w->cfg) || !w->link.connected ||
	    !link_ready(&w->link, evloop_now_ms()))
		return 0;
	if ((r = settle_run(&w->settle, &w->link, busy, w->cfg->sms.unknown_resend_after_s, now,
			    resent)) < 0)
		log_warn("modem %s: delivery reports: %s", w->ms->name, gw_strerror(r));
	return r;
}

/* ---- the worker process ---- */

struct wproc {
	struct worker w;
	struct kannel_http *kannel; /* with kannel.link = "sendsms": smsbox calls it */
	time_t started;
	struct gw_settings cfg;
	const char *config_path;
	struct evloop *loop;
	int send_timer;
	int modem_timer;
	char ident[16 + SETTINGS_NAME_MAX];
	int use_syslog;
	int utc;  /* log lines in UTC (gatewayd --utc) */
};

static void pace_limits(const struct gw_modem_settings *ms, struct readpace_limits *lim)
{
	lim->poll_ms = ms->poll_interval_ms;
	lim->busy_share = ms->busy_read_share;
	lim->busy_max_ms = ms->busy_poll_max_ms;
}

/* Reading the modem's messages holds the modem, so while connected the
 * next read waits for readpace (gateway/daemon/readpace.h): the poll
 * interval after the end of the last read, longer while the outbox drains.
 * Disconnected, the link's reconnect backoff sets the pace. */
static int64_t modem_timer(struct evloop *loop, void *arg)
{
	struct wproc *p = arg;
	struct worker *w = &p->w;
	struct readpace_limits lim;
	int64_t now, wait;
	int seen = 0;

	pace_limits(w->ms, &lim);
	if (!w->link.connected || readpace_next_read_ms(&w->pace, &lim) <= evloop_now_ms())
		worker_read(w, time(NULL), &seen);
	now = evloop_now_ms();
	wait = link_wait_ms(&w->link, now);
	if (wait > 0 && wait < lim.poll_ms)
		return wait;
	if (!w->link.connected)
		return lim.poll_ms;
	wait = readpace_next_read_ms(&w->pace, &lim) - now;
	return wait > 0 ? wait : 0;
}

static int64_t send_timer(struct evloop *loop, void *arg)
{
	struct wproc *p = arg;
	struct worker *w = &p->w;
	time_t now = time(NULL);
	long due = 0;
	int sent = 0;

	if (!link_ready(&w->link, evloop_now_ms()))
		return w->ms->poll_interval_ms;
	worker_send_one(w, now, &sent);
	/* Drained: reads go back to the idle pace at once. */
	if (readpace_set_outbox_busy(&w->pace, sent) && !sent)
		evloop_wake_timer(loop, p->modem_timer);
	if (sent) {
		/* Between parts of a broadcast: a question the modem says has
		 * arrived is read now, not when the read pace allows. */
		if (w->link.connected && link_ready(&w->link, evloop_now_ms())) {
			handle_events(w, now);
			if (w->pace.indicated)
				evloop_wake_timer(loop, p->modem_timer);
		}
		return 0;
	}
	/* Rows due for other modems keep due at 0: look again every poll. */
	if (sender_next_due(w->db, now, &due) < 0 || due == 0)
		return w->ms->poll_interval_ms;
	return due * 1000 < w->ms->poll_interval_ms ? due * 1000 : w->ms->poll_interval_ms;
}

/* Every second, and at once on a report indication (worker.h). */
static int64_t settle_timer(struct evloop *loop, void *arg)
{
	struct wproc *p = arg;
	int resent = 0;

	worker_settle(&p->w, p->w.pace.outbox_busy, time(NULL), &resent);
	if (resent)
		evloop_wake_timer(loop, p->send_timer);
	return 1000;
}

static int64_t status_timer(struct evloop *loop, void *arg)
{
	struct wproc *p = arg;

	if (link_ready(&p->w.link, evloop_now_ms()))
		link_refresh_status(&p->w.link);
	return (int64_t)p->w.ms->status_interval_s * 1000;
}

static int64_t ussd_timer(struct evloop *loop, void *arg)
{
	struct wproc *p = arg;

	if (link_ready(&p->w.link, evloop_now_ms()))
		ussd_requests_serve(&p->w.link, time(NULL));
	return 1000;
}

/* Between modem calls: say so, for the other modems' routing (a call that
 * hangs keeps this timer from running, and the promise lapses). */
static int64_t alive_timer(struct evloop *loop, void *arg)
{
	struct wproc *p = arg;

	link_alive(&p->w.link, time(NULL));
	return (int64_t)p->w.ms->stall_after_s * 1000 / 3;
}

/* Kannel: answers left in doubt (a crash, an answer from Kannel lost), sent again once the delivery
 * reports of later ones show theirs never came (kannel_doubt.h). */
static int64_t doubt_timer(struct evloop *loop, void *arg)
{
	struct wproc *p = arg;
	int resent = 0;

	if (kannel_doubt_resend(p->w.db, &p->cfg, p->started, time(NULL), &resent) == 0 && resent)
		evloop_wake_timer(loop, p->send_timer);
	return 1000;
}

/* On Kannel's endpoint thread (or the box link's reader): a message was stored; the main process
 * answers it (send() on the socket is safe from any thread). */
static void on_mo(void *arg)
{
	struct wproc *p = arg;

	tell_parent(&p->w, WORKER_SAYS_INBOUND);
}

/* The main process: new replies to send, or it has gone away. */
static void on_parent(struct evloop *loop, int fd, void *arg)
{
	struct wproc *p = arg;
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		log_notice("modem %s: the main process is gone; stopping", p->w.ms->name);
		evloop_remove_fd(loop, fd);
		evloop_stop(loop);
		return;
	}
	if (n > 0)
		evloop_wake_timer(loop, p->send_timer);
}

static void on_stop(struct evloop *loop, int signo, void *arg)
{
	struct wproc *p = arg;

	log_info("modem %s: signal %d: stopping after the current step", p->w.ms->name, signo);
	evloop_stop(loop);
}

static void apply_logging(struct wproc *p)
{
	int level = log_level_parse(p->cfg.log.level);

	log_setup(p->ident, level < 0 ? LOG_LVL_INFO : level, p->use_syslog || p->cfg.log.syslog,
		  p->cfg.log.mask_numbers);
	log_set_clock(p->cfg.office.utc_offset_min, p->utc);
}

/* SIGHUP: this modem's settings again, except what its open modem was
 * built from (model, connection, device, pin, fault_file, send_delay_ms). */
static void on_reload(struct evloop *loop, int signo, void *arg)
{
	struct wproc *p = arg;
	struct gw_settings *fresh = malloc(sizeof(*fresh));
	const struct gw_modem_settings *old = p->w.ms;
	struct gw_modem_settings *ms = NULL;
	char err[512] = "no such modem in the file now";

	if (fresh && settings_load(fresh, p->config_path, err, sizeof(err)) == 0)
		for (int i = 0; i < fresh->nmodems && !ms; i++)
			if (strcmp(fresh->modems[i].name, old->name) == 0)
				ms = &fresh->modems[i];
	if (!ms) {
		log_error("modem %s: reload refused, keeping the running settings: %s", old->name,
			  fresh ? err : "out of memory");
		free(fresh);
		return;
	}
	if (strcmp(ms->device, old->device) != 0 || strcmp(ms->model, old->model) != 0)
		log_warn("modem %s: reload: model, connection and device change only on restart",
			 old->name);
	memcpy(ms->model, old->model, sizeof(ms->model));
	memcpy(ms->connection, old->connection, sizeof(ms->connection));
	memcpy(ms->device, old->device, sizeof(ms->device));
	memcpy(ms->pin, old->pin, sizeof(ms->pin));
	memcpy(ms->fault_file, old->fault_file, sizeof(ms->fault_file));
	ms->send_delay_ms = old->send_delay_ms;
	memcpy(fresh->database.path, p->cfg.database.path, sizeof(fresh->database.path));
	p->cfg = *fresh;
	free(fresh);
	p->w.ms = settings_modem(&p->cfg, old->name);
	p->w.link.ms = p->w.ms;
	p->w.settle.modem = p->w.ms->name;
	apply_logging(p);
	if (link_register(&p->w.link) < 0)
		log_warn("modem %s: reload: limits not recorded", p->w.ms->name);
	log_notice("modem %s: configuration reloaded", p->w.ms->name);
}

static int add_timers(struct wproc *p)
{
	int r;

	if ((r = p->modem_timer = evloop_add_timer(p->loop, "modem", 0, modem_timer, p)) < 0 ||
	    (r = p->send_timer = evloop_add_timer(p->loop, "send", 0, send_timer, p)) < 0 ||
	    (r = p->w.settle_timer = evloop_add_timer(p->loop, "settle", 1000, settle_timer, p)) < 0 ||
	    (r = evloop_add_timer(p->loop, "status", 0, status_timer, p)) < 0 ||
	    (r = evloop_add_timer(p->loop, "ussd", 1000, ussd_timer, p)) < 0 ||
	    (r = evloop_add_timer(p->loop, "alive", 1000, alive_timer, p)) < 0 ||
	    (r = evloop_add_fd(p->loop, p->w.parent_fd, on_parent, p)) < 0 ||
	    (r = evloop_on_signal(p->loop, SIGTERM, on_stop, p)) < 0 ||
	    (r = evloop_on_signal(p->loop, SIGINT, on_stop, p)) < 0 ||
	    (r = evloop_on_signal(p->loop, SIGHUP, on_reload, p)) < 0)
		return r;
	if (settings_kannel(&p->cfg) && p->w.ms == &p->cfg.modems[0] &&
	    (r = evloop_add_timer(p->loop, "doubt", 1000, doubt_timer, p)) < 0)
		return r;
	return 0;
}

int worker_run(const char *config_path, const char *name, int parent_fd, int use_syslog, int utc)
{
	struct wproc *p = calloc(1, sizeof(*p));
	const struct gw_modem_settings *ms;
	struct db *db = NULL;
	int recovered = 0, opened = 0, r = GW_ERR_NOMEM;
	char err[512];

	if (!p)
		goto out;
	p->config_path = config_path;
	p->use_syslog = use_syslog;
	p->utc = utc;
	snprintf(p->ident, sizeof(p->ident), "gatewayd/%.*s", SETTINGS_NAME_MAX - 1, name);
	log_setup(p->ident, LOG_LVL_INFO, use_syslog, 0);
	/* A crash point in a worker takes the whole daemon down, as it did
	 * when one process did everything: the crash tests restart it all. */
	crashpoint_also_kill(getppid());
	if ((r = settings_load(&p->cfg, config_path, err, sizeof(err))) < 0) {
		log_error("%s", err);
		goto out;
	}
	apply_logging(p);
	if (!(ms = settings_modem(&p->cfg, name))) {
		log_error("no modem called %s in %s", name, config_path);
		r = GW_ERR_CONFIG;
		goto out;
	}
	if ((r = handler_store_open(&db, p->cfg.database.path, p->cfg.database.busy_timeout_ms)) < 0 ||
	    (r = db_set_cache_kib(db, p->cfg.database.cache_kib)) < 0) {
		log_error("cannot open database %s: %s", p->cfg.database.path, gw_strerror(r));
		goto out;
	}
	if ((r = sender_recover(db, name, &recovered)) < 0 ||
	    (r = worker_open(&p->w, &p->cfg, ms, db)) < 0)
		goto out;
	opened = 1;
	p->w.parent_fd = parent_fd;
	/* box link: its reader stores messages; the link opens it later */
	if (settings_kannel_box(&p->cfg))
		kannel_box_on_mo(p->w.modem, on_mo, p);
	p->started = time(NULL);
	if ((r = evloop_create(&p->loop)) < 0)
		goto out;
	p->w.loop = p->loop;
	if ((r = add_timers(p)) < 0)
		goto out;
	/* Kannel: messages come only through this endpoint; without it the
	 * worker stops, and is started again after the backoff. */
	if (settings_kannel_endpoint(&p->cfg, p->w.ms) &&
	    (r = kannel_http_start(&p->kannel, &p->cfg, on_mo, p)) < 0)
		goto out;
	log_info("modem %s: worker running (%s)", ms->name, ms->device);
	r = evloop_run(p->loop);
out:
	if (p)
		kannel_http_stop(p->kannel); /* first: its thread tells the parent */
	if (opened)
		worker_close(&p->w);
	if (p)
		evloop_destroy(p->loop);
	db_close(db);
	free(p);
	return r;
}
