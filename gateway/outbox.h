/* outbox.h - queueing what the handlers answered.
 *
 * Every program that runs the handlers (the daemon's SMS pipeline and
 * reminders, the USSD callback, the web console, gatewayctl) queues their
 * result here, in the transaction it handled the message in, so a message
 * and its answer are committed together. The daemon's sender
 * (gateway/daemon/sender.c) takes the rows from there, best priority first.
 */
#ifndef GW_OUTBOX_H
#define GW_OUTBOX_H

#include <stdint.h>
#include <time.h>

#include "common/db.h"
#include "handlers/core/handler_result.h"

/* Queue every outbound message of res, due now; inbox_id > 0 marks them
 * as the answer to that inbox row. Runs in the caller's transaction. */
int outbox_queue(struct db *db, const struct handler_result *res, int64_t inbox_id,
		 time_t now) GW_WARN_UNUSED;

/* What the network said of a message, in the order a report can only
 * move forward: handed to the message centre, held there (the phone is
 * off), then delivered or failed for good. */
enum outbox_dlr {
	OUTBOX_DLR_SUBMITTED = 1,
	OUTBOX_DLR_BUFFERED = 2,
	OUTBOX_DLR_DELIVERED = 3,
	OUTBOX_DLR_FAILED = 4,
};

/* Record a delivery report on outbox row id, from any transport (a modem's
 * status report, Kannel's dlr-url), at time at, with the network's own
 * words in detail (may be NULL). Reports arrive out of order: a final one
 * (delivered, failed) is never overwritten by an earlier stage. Any report
 * proves the message left: a row still 'sent_unknown' (a crash between
 * handing it over and recording it) becomes 'sent', and *settled = 1.
 * GW_ERR_NOTFOUND when there is no such row. Runs in the caller's
 * transaction. */
int outbox_report(struct db *db, int64_t id, enum outbox_dlr state, time_t at,
		  const char *detail, int *settled) GW_WARN_UNUSED;

/* The word stored for a state ("delivered", ...). */
const char *outbox_dlr_name(enum outbox_dlr state);

#endif
