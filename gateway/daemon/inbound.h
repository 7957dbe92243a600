/* inbound.h - answering what has arrived.
 *
 * Each new inbox row is one unit of work: the handler runs, its replies go
 * into the outbox, and the row is marked handled — all or nothing. A batch
 * of rows is handled in one transaction, each row in a savepoint of its
 * own, and committed once; a crash before the commit leaves the whole
 * batch to be handled again, none of it answered. A handler failure undoes
 * that row's unit only, marks the row failed with a short apology queued,
 * and moves on: a bad message never blocks the queue nor costs another
 * message its answer.
 * Senders we must not answer (alphanumeric, short service numbers, the own
 * number of any of our SIMs) are recorded and skipped; a sender over
 * sms.rate_limit_per_hour gets one polite warning and then silence until
 * the hour has passed.
 */
#ifndef GW_INBOUND_H
#define GW_INBOUND_H

#include <time.h>

#include "common/db.h"
#include "config/settings.h"

/* Handle up to max new inbox rows; *handled gets how many were taken. */
int inbound_process(struct db *db, const struct gw_settings *cfg, time_t now, int max,
		    int *handled);

#endif
