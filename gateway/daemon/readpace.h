/* readpace.h - when to read the modem's messages next.
 *
 * The modem is one channel: while it reads (AT+CMGL; on libgammu's dummy
 * phone 50,000 file probes) it cannot send. With nothing to send, reading
 * every modem.poll_interval_ms costs nobody anything. While the outbox
 * drains (a broadcast to thousands), each read is a gap in sending, so
 * reads are spaced to take at most modem.busy_read_share percent of the
 * modem's time, measured from what the last read cost, and never further
 * apart than modem.busy_poll_max_ms (the extra wait a question sent during
 * a broadcast may see before it is read; its answer then goes first).
 * A modem that indicates new messages (AT+CNMI) gets read at once instead.
 */
#ifndef GW_READPACE_H
#define GW_READPACE_H

#include <stdint.h>

struct readpace {
	int64_t last_start_ms; /* start of the last read (monotonic ms), 0: never */
	int64_t last_end_ms;   /* end of the last read */
	int outbox_busy;       /* the sender is draining work that is due now */
	int indicated;         /* the modem said a new message was stored */
};

struct readpace_limits {
	int poll_ms;       /* interval while idle, and the shortest one */
	int busy_share;    /* percent of modem time reads may take while sending */
	int busy_max_ms;   /* longest interval while sending */
};

void readpace_init(struct readpace *p);
/* A read ran from start_ms to end_ms. */
void readpace_read_done(struct readpace *p, int64_t start_ms, int64_t end_ms);
/* The sender found work due (1) or an empty outbox (0). Returns 1 when that
 * changed the pace, so the caller can re-arm its modem timer. */
int readpace_set_outbox_busy(struct readpace *p, int busy);
/* The modem indicated a new message (MODEM_EVENT_SMS): the next read is
 * due at once, whatever the pace; the read clears it. */
void readpace_indicated(struct readpace *p);
/* Monotonic ms at which the next read is due (<= now: due now). */
int64_t readpace_next_read_ms(const struct readpace *p, const struct readpace_limits *lim);

#endif
