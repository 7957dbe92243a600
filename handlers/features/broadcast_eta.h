/* broadcast_eta.h - when a broadcast will have gone out: the one estimate
 * of the finish, for the console's preview and progress and for the
 * officer's SMS progress line alike (broadcast_progress).
 *
 * What holds a broadcast back, all applied here:
 *   - the modem's pace: messages a minute (measured, else
 *     BROADCAST_DEFAULT_PER_MIN), shared by its SIMs;
 *   - the quiet hours (broadcast.quiet_start..quiet_end): nothing starts
 *     in them;
 *   - the household cap (broadcast.daily_cap): recipients who already had
 *     their broadcasts today get theirs from tomorrow's first minute;
 *   - each SIM's sending limits (struct broadcast_sim): the operators'
 *     rules on identical messages (Viettel: 3 in 5 minutes, 10 in an
 *     hour, 100 in 24 hours) and a limit a day of any text. The caller
 *     says which SIMs send and their limits; with none given, one SIM
 *     without limits. (The per-modem limits are settings of the transport
 *     layer; whoever owns them fills this in.)
 * Messages queued ahead (other broadcasts) go first and count against the
 * pace and the limits a day, not against the identical-text ones.
 *
 * Pure: no database, no clock.
 */
#ifndef GW_BROADCAST_ETA_H
#define GW_BROADCAST_ETA_H

#include <time.h>

#include "config/settings.h"

#define BROADCAST_ETA_SIMS_MAX 16
#define BROADCAST_ETA_DAYS_MAX 366 /* beyond this the answer is "more than a year" */

/* One SIM's limits; 0 = none. */
struct broadcast_sim {
	int same_per_5min;  /* identical messages in 5 minutes */
	int same_per_hour;  /* ... in an hour */
	int same_per_day;   /* ... in 24 hours */
	int per_day;        /* messages an office day, any text */
	int sent_today;     /* already sent this office day */
};

struct broadcast_load {
	int ahead;          /* messages queued before this broadcast's */
	int messages;       /* this broadcast's messages still to go */
	int deferred;       /* of them, recipients at the household cap today */
	double per_min;     /* the modem's pace, all SIMs together */
	int nsims;          /* 0: one SIM without limits */
	const struct broadcast_sim *sims;
};

struct broadcast_eta {
	time_t start;       /* the first message goes; 0 when nothing goes */
	time_t finish;      /* the last one has gone; 0 when nothing goes */
	int days;           /* office days it runs over (1: finishes today) */
	int quiet;          /* the quiet hours hold it at least once */
	int sim_limited;    /* a SIM's limit holds it back */
	int capped;         /* some recipients wait for tomorrow (household cap) */
	int over_year;      /* more than BROADCAST_ETA_DAYS_MAX days: finish is then */
};

/* Estimate the finish of load at now. GW_ERR_INVAL for a bad load,
 * GW_ERR_NOMEM. */
int broadcast_eta(const struct gw_settings *cfg, time_t now, const struct broadcast_load *load,
		  struct broadcast_eta *out);

#endif
