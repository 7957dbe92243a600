/* route.h - which modem sends which outbox row, within the operators' limits.
 *
 * Every modem's worker pulls rows from the one outbox (gateway/daemon/
 * sender.h). Before taking a row it asks route_decide, which looks at the
 * modems that may send now - enabled, connected, alive (alive_until not
 * passed: a worker stuck in a modem call is passed over) and not held
 * (barred, out of credit) - and at each one's limits for the row's text:
 *
 *   1. a modem whose operators include the recipient's likely operator
 *      (gateway/operators.h) and whose limits allow the text sends it;
 *   2. else any modem whose limits allow it sends it (a prefix is a
 *      preference, never a refusal; a number of no known operator goes
 *      by rule 2 at once);
 *   3. else a broadcast row waits until the first of those modems' windows
 *      frees; any other row (a reply, a notice, a reminder) is never held:
 *      it goes through its operator's modem if one may send, else any,
 *      over the limit. A broadcast exhausting its text's windows therefore
 *      never delays an answer, and identical answers (the help text asked
 *      by many) spread over the SIMs while they can.
 *
 * Limits per modem (its settings, mirrored in modem_status): the same text
 * at most same_text_per_5min in 5 minutes, same_text_per_hour in an hour,
 * same_text_per_day in 24 hours, and per_day messages of any text per
 * office day (0: no limit). They count the modem's own claims (outbox.modem,
 * claimed_at, text_hash) of rows sending, sent or sent_unknown, of every
 * kind: messages, not parts.
 */
#ifndef GW_ROUTE_H
#define GW_ROUTE_H

#include <stdint.h>
#include <time.h>

#include "common/db.h"
#include "config/settings.h"
#include "gateway/operators.h"

#define ROUTE_MEMO 16

enum route_decision {
	ROUTE_MINE = 1,   /* the asking modem sends it now */
	ROUTE_OTHER = 2,  /* another modem should: leave it */
	ROUTE_WAIT = 3,   /* nobody may send it now: wait until *until */
};

struct route_modem {
	char name[SETTINGS_NAME_MAX];
	char operators[SETTINGS_STR_MAX];
	int same_5min, same_hour, same_day, per_day;
};

/* The modems that may send, as one worker sees them for one pass over
 * the outbox; limit counts are remembered per text for the pass. */
struct route_view {
	int n;
	struct route_modem m[SETTINGS_MODEMS_MAX];
	int self;               /* index of the asking modem; -1: it may not send */
	time_t now;             /* the sender's clock (limits) */
	time_t day_start;       /* office midnight of now (per_day) */
	struct operator_table ops;
	struct {
		int64_t hash;
		unsigned known;                       /* bit i: free_at[i] computed */
		time_t free_at[SETTINGS_MODEMS_MAX];  /* 0: allowed now */
	} memo[ROUTE_MEMO];
	int nmemo, next_memo;
};

/* Load the view for modem self: now is the sender's clock, alive_now the
 * wall clock that alive_until and hold_until are written in. */
int route_view_load(struct db *db, const char *self, time_t now, time_t alive_now,
		    time_t day_start, struct route_view *v);

/* Who sends the row (phone, text hash): *decision; with ROUTE_WAIT (only
 * when may_wait: broadcast rows), *until. */
int route_decide(struct db *db, struct route_view *v, const char *phone, int64_t hash,
		 int may_wait, enum route_decision *decision, time_t *until);

/* When m's limits allow the text: *free_at = 0 now, else the time its
 * binding window frees. */
int route_limits(struct db *db, const struct route_modem *m, int64_t hash, time_t now,
		 time_t day_start, time_t *free_at);

#endif
