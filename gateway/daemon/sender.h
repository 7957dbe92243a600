/* sender.h - draining the outbox at the modem's pace.
 *
 * One message per call, best priority first (replies before broadcasts),
 * so interactive answers never wait behind more than the message being
 * sent. Each attempt is recorded before the modem is touched: a crash
 * mid-send leaves the row 'sending', which sender_recover() turns into
 * 'sent_unknown' at start-up, logged; gateway/daemon/settle.h settles it
 * (a delivery report, else sent again unless a broadcast). With reports
 * on, a last part the modem took but never confirmed is in doubt too.
 * A long message's concatenation reference is fixed when it is marked,
 * so every copy of it goes under one reference.
 * Temporary failures retry with exponential backoff up to
 * modem.send_attempts; permanent ones fail at once with the error kept.
 *
 * Broadcast rows follow handlers/features/broadcast.h: during the quiet hours they
 * are held (next_attempt_at moved to the end of the quiet hours; replies
 * and notices still go); a number that already got broadcast.daily_cap
 * broadcast messages this office day has the row deferred to the next
 * day, never dropped; a number that opted out since queueing has the row
 * cancelled.
 *
 * Test clock: the environment variable GW_FAKE_NOW, when set, is the
 * sender's "now" - Unix seconds, or "YYYY-MM-DD HH:MM" in office time
 * (UTC + office.utc_offset_min) - so a test can hold a broadcast through
 * the night and release it in the morning without waiting
 * (GW_FAKE_NOW='2030-01-01 22:00' gatewayd --once ...). It decides quiet
 * hours, the daily cap, due rows and sent_at. common/clock.h parses it, for
 * the reminder timer too.
 */
#ifndef GW_SENDER_H
#define GW_SENDER_H

#include <time.h>

#include "gateway/daemon/link.h"

/* Rows left 'sending' by a crash become 'sent_unknown'. */
int sender_recover(struct db *db, int *recovered);

/* Send the best due message. *sent = 1 when a row was attempted (or
 * broadcast rows were cancelled/deferred: call again), 0 when nothing was
 * due. */
int sender_send_one(struct link *l, time_t now, int *sent);

/* Seconds until the next queued row is due (0 = now); GW_ERR_NOTFOUND if none. */
int sender_next_due(struct db *db, time_t now, long *seconds);

#endif
