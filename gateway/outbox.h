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
int outbox_queue(struct db *db, const struct handler_result *res, int64_t inbox_id, time_t now);

#endif
