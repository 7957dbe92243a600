/* broadcast.h - officer broadcasts to subscribers: queueing, the rules of
 * when they may go out, and progress.
 *
 * Queueing is one INSERT ... SELECT over subscriptions joined to contacts,
 * inside the caller's transaction: 100,000 recipients take about a second
 * and either all are queued or none. Contacts that opted out (HUY/STOP)
 * are never selected, and the sender checks again before each message
 * (gateway/daemon/sender.c). The outbox_broadcast_once index keeps one message
 * per broadcast and phone; an offer already broadcast to a phone is not
 * sent to it again by a later broadcast of the same offer.
 *
 * Who gets a broadcast: a subscription (area, type) matches when its area
 * is empty or among the target places, and its type is empty or among the
 * target types. An offer's targets are its places and derived types
 * (jobs.h); a notice ("TB <pin> tan lap: ...") targets what it names, and
 * a notice naming nothing reaches every subscriber. An officer's broadcast
 * (offer or notice) reaches only the households of their commune (a
 * contact of the commune, one who applied to a job there: SCOPE_HOUSEHOLD,
 * or a subscription to the commune by name) and may name no
 * other area ("Tu choi: Tan Lap khong thuoc xa ban."); an administrator's
 * reaches anyone (handlers/features/scope.h).
 *
 * Rules for sending (applied by the sender, defined here so the ETA and
 * the sender agree): nothing during broadcast.quiet_start..quiet_end in
 * office time (UTC + office.utc_offset_min); at most broadcast.daily_cap
 * broadcast messages per phone per office day (0 = no cap), the rest
 * deferred to the next day, never dropped. Replies are never held.
 *
 * The ETA counts the operators' same-text limits of every configured SIM
 * (their same_text_per_* and per_day): a broadcast is one text, so with
 * two SIMs at 10 an hour it goes at 20 an hour however fast the modems
 * are, and at 100 a day each it may take days. The progress line says so,
 * and says when the SIMs cannot send it within a day: then a brandname or
 * short-code link (SMPP/HTTP through Kannel) would be needed.
 */
#ifndef GW_BROADCAST_H
#define GW_BROADCAST_H

#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "config/settings.h"
#include "handlers/features/broadcast_eta.h"

/* Used for the ETA until the modem's send rate has been measured: about
 * 3 s a message on a USB stick. */
#define BROADCAST_DEFAULT_PER_MIN 20.0

/* 1 when t falls in the quiet hours. */
int broadcast_quiet(const struct gw_settings *cfg, time_t t);

/* t when broadcasts may go at t, else the end of the quiet hours. */
time_t broadcast_allowed_from(const struct gw_settings *cfg, time_t t);

/* Office midnight (as UTC seconds) of the office day t falls in. */
time_t broadcast_day_start(const struct gw_settings *cfg, time_t t);

/* When `seconds` of sending started at now will be done, skipping the
 * quiet hours. */
time_t broadcast_finish_time(const struct gw_settings *cfg, time_t now, double seconds);

struct broadcast_spec {
	const char *created_by; /* phone or "cli:user" */
	int64_t job_id;         /* 0 for a notice */
	const char *text;       /* what every recipient gets */
	const char *area;       /* recorded target, "" = any */
	const char *job_type;   /* recorded target, "" = any */
	const char *places;     /* "|key|...|" subscription areas that match; NULL = any */
	const char *types;      /* "|may|kho|" subscription types that match; NULL = any */
	const char *audience;   /* commune key: only its households (scope.h); NULL = any */
};

/* Queue spec in the caller's transaction. *id: the broadcast, *recipients:
 * messages queued. */
int broadcast_queue(struct db *db, const struct broadcast_spec *spec, time_t now, int64_t *id,
		    int *recipients);

/* Queue offer job_id (current) to its matching subscribers; area/type
 * ("" = the offer's own) narrow the target. who is the account
 * broadcasting (scope.h; NULL: gatewayctl, administrator scope): an
 * officer broadcasts only an offer of their commune, to no other area, and
 * it reaches only the commune's households. GW_ERR_NOTFOUND for no such
 * offer, GW_ERR_INVAL for a closed one, GW_ERR_AUTH outside who's scope. */
struct scope_account;
int broadcast_queue_job(struct db *db, const struct gw_settings *cfg, int64_t job_id,
			const char *area, const char *type, const struct scope_account *who,
			const char *created_by, time_t now, int64_t *id, int *recipients);

struct broadcast_progress {
	int64_t id;
	int recipients;
	int queued;       /* waiting (queued or being sent) */
	int sent;
	int failed;       /* failed, sent_unknown */
	int cancelled;    /* opted out or offer closed meanwhile */
	int deferred;     /* waiting for tomorrow: their household had today's
			   * broadcast.daily_cap already */
	double per_min;   /* send rate used for the ETA */
	int measured;     /* per_min measured from the last hour's sends */
	time_t eta;       /* when the last one should go; 0 when done */
	int sims;         /* SIMs configured */
	double limit_per_hour; /* of one text, all SIMs together; 0: no limit */
	double limit_per_day;  /* likewise per day (sending hours); 0: no limit */
	int needs_link;   /* more left than the SIMs may send in a day */
	int limit_bound;  /* the limits, not the modems' speed, set the ETA */
	time_t next_at;   /* all left wait (limits, daily cap, night) until then; 0 */
	struct broadcast_eta est; /* pace, night, household cap (broadcast_eta.h);
				   * sim_limited also when limit_bound */
};

/* Progress of broadcast id at now. eta is the later of broadcast_eta()
 * (what is queued ahead, the pace, the quiet hours, the household cap)
 * and the SIMs' same-text limits (issue 18's per-modem limits), and of
 * when what is left waits until (next_at). */
int broadcast_progress(struct db *db, const struct gw_settings *cfg, int64_t id, time_t now,
		       struct broadcast_progress *out);

/* "queued 250, sent 10, failed 0, left 240, done ~14:35 12/05 (20/min)" */
int broadcast_progress_text(const struct gw_settings *cfg, const struct broadcast_progress *p,
			    int english, struct buf *out);

struct handler_req;
struct handler_result;

/* TB <pin> VIEC <n> | TB <pin> [area/type:] <text> */
int broadcast_handle(const struct handler_req *rq, struct handler_result *res);

#endif
