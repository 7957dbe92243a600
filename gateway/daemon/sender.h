/* sender.h - draining the outbox at one modem's pace.
 *
 * One message per call, best priority first (replies before broadcasts),
 * so interactive answers never wait behind more than the message being
 * sent. Every modem's worker runs its own sender over the one outbox: a
 * row is taken by a conditional UPDATE (status 'queued' -> 'sending',
 * outbox.modem = this modem, claimed_at, text_hash), so two workers never
 * send the same row; which modem may take which row is routing's call
 * (gateway/daemon/route.h: operator preference, send limits, modems out of
 * routing). A row nobody may send now for its limits waits (next_attempt_at
 * moved to when a window frees; a broadcast's rows of that text all at once).
 *
 * Each attempt is recorded before the modem is touched: a crash mid-send
 * leaves the row 'sending', which sender_recover() turns into
 * 'sent_unknown' (at start-up, or when that modem's worker died), logged;
 * gateway/daemon/settle.h settles it (a delivery report, else sent again
 * unless a broadcast). With reports on, a last part the modem took but
 * never confirmed is in doubt too. A long message's concatenation
 * reference is fixed when the row is claimed, so every copy of it goes
 * under one reference. Temporary failures retry with exponential
 * backoff up to the modem's send_attempts; permanent ones fail at once
 * with the error kept. A refusal that means the SIM is barred (+CMS 8, 10,
 * 21, 50, 193: modem_cms_sim_barred) holds the modem out of routing for its
 * recheck_interval and puts the row back for another modem (the attempt
 * counts, so a row that every SIM is refused still ends).
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

/* Rows left 'sending' by a crash become 'sent_unknown' ('sent' when a
 * delivery report for them came in meanwhile): those of modem (a worker
 * that died), or of every modem when modem is NULL (start-up). */
int sender_recover(struct db *db, const char *modem, int *recovered);

/* Send the best due message this modem may send. *sent = 1 when a row was
 * attempted (or rows were cancelled/deferred: call again), 0 when nothing
 * was due for it. cfg: the broadcast rules. */
int sender_send_one(struct link *l, const struct gw_settings *cfg, time_t now, int *sent);

/* Seconds until the next queued row is due (0 = now); GW_ERR_NOTFOUND if none. */
int sender_next_due(struct db *db, time_t now, long *seconds);

#endif
