/* worker.h - one modem's work: its link, reads, calls, sends, status, USSD.
 *
 * gatewayd runs one worker per configured modem, each in a process of its
 * own (gatewayd --worker NAME, started and restarted by the main process,
 * gateway/daemon/supervise.h), with its own libgammu state machine and its
 * own connection to the one SQLite database. A modem that hangs or
 * vanishes holds up only its own worker; the main process, which answers
 * what has arrived, never calls a modem. docs/ARCHITECTURE.md says why
 * processes rather than threads.
 *
 * The worker's loop is today's per-modem loop: connect with backoff (link),
 * read at readpace's pace (ingest: commit before delete), missed calls, send
 * one message at a time from the shared outbox (sender, route), delivery
 * reports and its own messages in doubt (settle), status, USSD and the
 * balance check. It tells the main process through parent_fd
 * ('i') when new messages were stored, and hears from it ('w') when new
 * replies were queued. `gatewayd --once` uses the same steps on every
 * modem in turn, in one process.
 */
#ifndef GW_WORKER_H
#define GW_WORKER_H

#include <time.h>

#include "common/db.h"
#include "config/settings.h"
#include "gateway/daemon/link.h"
#include "gateway/daemon/readpace.h"
#include "gateway/daemon/settle.h"

/* What the worker and the main process tell each other, one byte each. */
#define WORKER_SAYS_INBOUND 'i' /* worker -> main: new messages stored */
#define WORKER_HEARS_OUTBOX 'w' /* main -> worker: new messages to send */

struct worker {
	const struct gw_settings *cfg;      /* everything (broadcast rules, inbound) */
	const struct gw_modem_settings *ms; /* this modem's settings */
	struct db *db;
	struct modem *modem;
	struct link link;
	struct readpace pace;
	struct settle settle;               /* delivery reports, messages in doubt */
	int parent_fd;                      /* the main process; -1 in --once */
	struct evloop *loop;                /* NULL in --once */
	int settle_timer;                   /* woken by a report indication */
};

/* Set up modem ms (libgammu, and the fault decorator when ms->fault_file
 * is set) and register it in modem_status. Not connected yet. */
int worker_open(struct worker *w, const struct gw_settings *cfg,
		const struct gw_modem_settings *ms, struct db *db);
void worker_close(struct worker *w);

/* Missed calls, then the modem's stored messages into inbox_parts;
 * *seen: parts read. Nothing when not connected (and no retry due). */
int worker_read(struct worker *w, time_t now, int *seen);

/* Send one message this modem should send (gateway/daemon/sender.h). */
int worker_send_one(struct worker *w, time_t now, int *sent);

/* Delivery reports read and matched, this modem's rows in doubt settled
 * (gateway/daemon/settle.h); busy: the outbox is draining. *resent: rows
 * queued again. */
int worker_settle(struct worker *w, int busy, time_t now, int *resent);

/* gatewayd --worker NAME: run modem NAME of config_path until SIGTERM or
 * until the main process is gone (parent_fd closes). Exit status. */
int worker_run(const char *config_path, const char *name, int parent_fd, int use_syslog,
	       int utc);

#endif
