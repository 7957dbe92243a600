#include "gateway/daemon/readpace.h"

void readpace_init(struct readpace *p)
{
	p->last_start_ms = 0;
	p->last_end_ms = 0;
	p->outbox_busy = 0;
	p->indicated = 0;
}

void readpace_read_done(struct readpace *p, int64_t start_ms, int64_t end_ms)
{
	p->last_start_ms = start_ms;
	p->last_end_ms = end_ms >= start_ms ? end_ms : start_ms;
	p->indicated = 0;
}

void readpace_indicated(struct readpace *p)
{
	p->indicated = 1;
}

int readpace_set_outbox_busy(struct readpace *p, int busy)
{
	int changed = (busy != 0) != (p->outbox_busy != 0);

	p->outbox_busy = busy != 0;
	return changed;
}

int64_t readpace_next_read_ms(const struct readpace *p, const struct readpace_limits *lim)
{
	int64_t gap = lim->poll_ms, cost, share_gap;

	if (p->last_end_ms == 0 || p->indicated)
		return 0;
	/* A read of cost c followed by a gap g of sending takes c/(c+g) of the
	 * modem: g = c * (100 - share) / share keeps that at the share. */
	if (p->outbox_busy && lim->busy_share > 0 && lim->busy_share < 100) {
		cost = p->last_end_ms - p->last_start_ms;
		share_gap = cost * (100 - lim->busy_share) / lim->busy_share;
		if (share_gap > lim->busy_max_ms)
			share_gap = lim->busy_max_ms;
		if (share_gap > gap)
			gap = share_gap;
	}
	return p->last_end_ms + gap;
}
