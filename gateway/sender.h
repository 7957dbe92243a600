/* sender.h - draining the outbox at the modem's pace.
 *
 * One message per call, best priority first (replies before broadcasts),
 * so interactive answers never wait behind more than the message being
 * sent. Each attempt is recorded before the modem is touched: a crash
 * mid-send leaves the row 'sending', which sender_recover() turns into
 * 'sent_unknown' at start-up, logged, and never resent blindly.
 * Temporary failures retry with exponential backoff up to
 * modem.send_attempts; permanent ones fail at once with the error kept.
 */
#ifndef GW_SENDER_H
#define GW_SENDER_H

#include <time.h>

#include "link.h"

/* Rows left 'sending' by a crash become 'sent_unknown'. */
int sender_recover(struct db *db, int *recovered);

/* Send the best due message. *sent = 1 when a row was attempted, 0 when
 * nothing was due. */
int sender_send_one(struct link *l, time_t now, int *sent);

/* Seconds until the next queued row is due (0 = now); GW_ERR_NOTFOUND if none. */
int sender_next_due(struct db *db, time_t now, long *seconds);

#endif
