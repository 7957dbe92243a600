/* broadcast_eta.c - see broadcast_eta.h. */
#include "handlers/features/broadcast_eta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/features/broadcast.h"

#define DAY 86400

/* A SIM as the simulation sees it: when it may send next, the times of
 * its last identical messages (a ring), its count for one office day. */
struct sim_state {
	struct broadcast_sim lim;
	double next_free;
	double *ring;
	size_t cap, n, head; /* head: where the next time goes */
	time_t day;          /* office midnight the count is for */
	int day_count;
};

/* The time of the k-th most recent identical message (k >= 1), or -1. */
static double recent(const struct sim_state *s, int k)
{
	if (k <= 0 || (size_t)k > s->n)
		return -1;
	return s->ring[(s->head + s->cap - (size_t)k) % s->cap];
}

/* When SIM s may send a message not before t: the identical-text
 * windows (same != 0), its limit a day, the quiet hours, until none of
 * them moves it. Sets *held_sim, *held_quiet for what moved it. */
static double when_free(const struct gw_settings *cfg, const struct sim_state *s, double t, int same,
			int *held_sim, int *held_quiet)
{
	static const int span[3] = { 300, 3600, DAY };

	for (int round = 0; round < 16; round++) {
		const int lim[3] = { s->lim.same_per_5min, s->lim.same_per_hour, s->lim.same_per_day };
		double before = t, tk;
		time_t day, allowed;

		for (int w = 0; same && w < 3; w++)
			if (lim[w] > 0 && (tk = recent(s, lim[w])) >= 0 && t < tk + span[w]) {
				t = tk + span[w];
				*held_sim = 1;
			}
		day = broadcast_day_start(cfg, (time_t)ceil(t));
		if (s->lim.per_day > 0 && day == s->day && s->day_count >= s->lim.per_day) {
			t = (double)(day + DAY);
			*held_sim = 1;
		}
		allowed = broadcast_allowed_from(cfg, (time_t)ceil(t));
		if ((double)allowed > ceil(t)) {
			t = (double)allowed;
			*held_quiet = 1;
		}
		if (t == before)
			break;
	}
	return t;
}

static void sent(const struct gw_settings *cfg, struct sim_state *s, double t, double gap, int same)
{
	time_t day = broadcast_day_start(cfg, (time_t)ceil(t));

	s->next_free = t + gap;
	if (day != s->day) {
		s->day = day;
		s->day_count = 0;
	}
	s->day_count++;
	if (same && s->cap) {
		s->ring[s->head] = t;
		s->head = (s->head + 1) % s->cap;
		if (s->n < s->cap)
			s->n++;
	}
}

static int simulate(const struct gw_settings *cfg, time_t now, const struct broadcast_load *in,
		    struct broadcast_eta *out)
{
	static const struct broadcast_sim unlimited;
	int nsims = in->nsims > 0 ? in->nsims : 1, total = in->ahead + in->messages, r = GW_ERR_NOMEM;
	double gap = 60.0 * nsims / in->per_min, limit = (double)now + (double)BROADCAST_ETA_DAYS_MAX * DAY;
	time_t today = broadcast_day_start(cfg, now);
	struct sim_state *s = calloc((size_t)nsims, sizeof(*s));
	double last = 0;

	if (!s)
		goto out;
	for (int i = 0; i < nsims; i++) {
		const struct broadcast_sim *l = in->nsims > 0 ? &in->sims[i] : &unlimited;
		int most = l->same_per_5min;

		most = l->same_per_hour > most ? l->same_per_hour : most;
		most = l->same_per_day > most ? l->same_per_day : most;
		s[i].lim = *l;
		s[i].cap = (size_t)(most < in->messages ? most : in->messages);
		s[i].day = today;
		s[i].day_count = l->sent_today;
		s[i].next_free = (double)now;
		if (s[i].cap && !(s[i].ring = calloc(s[i].cap, sizeof(double))))
			goto out;
	}
	for (int k = 0; k < total; k++) {
		int same = k >= in->ahead, best = 0;
		/* the capped recipients' messages wait for tomorrow */
		double earliest = k >= total - in->deferred ? (double)(today + DAY) : (double)now, t = 0;

		for (int i = 0; i < nsims; i++) {
			double c = when_free(cfg, &s[i], s[i].next_free > earliest ? s[i].next_free : earliest,
					     same, &out->sim_limited, &out->quiet);

			if (i == 0 || c < t) {
				t = c;
				best = i;
			}
		}
		if (k == 0)
			out->start = (time_t)ceil(t);
		if (t > limit) {
			out->over_year = 1;
			last = limit;
			break;
		}
		sent(cfg, &s[best], t, gap, same);
		last = t + gap;
	}
	out->finish = (time_t)ceil(last);
	r = 0;
out:
	for (int i = 0; s && i < nsims; i++)
		free(s[i].ring);
	free(s);
	return r;
}

int broadcast_eta(const struct gw_settings *cfg, time_t now, const struct broadcast_load *in,
		  struct broadcast_eta *out)
{
	struct broadcast_eta e;
	int total = in->ahead + in->messages, r = GW_ERR_INVAL;

	memset(&e, 0, sizeof(e));
	if (in->ahead < 0 || in->messages < 0 || in->deferred < 0 || in->deferred > in->messages ||
	    !(in->per_min > 0) || in->nsims < 0 || in->nsims > BROADCAST_ETA_SIMS_MAX ||
	    (in->nsims > 0 && !in->sims))
		goto out;
	r = 0;
	if (total == 0)
		goto done;
	e.capped = in->deferred > 0;
	if (in->nsims == 0 && in->deferred == 0) {
		/* one SIM, nothing but the pace and the quiet hours */
		double seconds = (double)total * 60.0 / in->per_min;

		e.start = broadcast_allowed_from(cfg, now);
		e.finish = broadcast_finish_time(cfg, now, seconds);
		e.quiet = (double)(e.finish - now) > ceil(seconds);
	} else if ((r = simulate(cfg, now, in, &e)) < 0) {
		goto out;
	}
	e.days = (int)((broadcast_day_start(cfg, e.finish) - broadcast_day_start(cfg, now)) / DAY) + 1;
done:
	*out = e;
out:
	return r;
}
