/* kannel_store.h - what smsbox tells us, committed.
 *
 * An inbound message is stored in the inbox in its own transaction, and
 * only then does the endpoint answer 200: smsbox acknowledged it to
 * bearerbox when it started the request, so the commit is the one thing
 * that makes the message safe (docs/RELIABILITY.md, "Kannel"). Kannel's
 * message id is unique on the inbox: a request smsbox repeats (after a
 * timeout, a refused connection, our 5xx) is stored once, and the daemon
 * answers each inbox row once. A malformed text is stored as 'skipped',
 * never answered.
 *
 * A delivery report goes through outbox_report() (gateway/outbox.h), the
 * one place every transport records reports, in its own transaction.
 */
#ifndef GW_KANNEL_STORE_H
#define GW_KANNEL_STORE_H

#include <time.h>

#include "common/db.h"
#include "gateway/kannel/kannel_req.h"

/* Commit m to the inbox (sent_at = now when the SMSC time is unknown).
 * *stored = 1 for a new row, 0 for an id seen before. GW_ERR_BUSY when
 * the database stayed locked; any error means nothing was stored. */
int kannel_store_mo(struct db *db, const struct kannel_mo *m, time_t now,
		    int *stored) GW_WARN_UNUSED;

/* Commit a delivery report (at = now when Kannel gave no time); *settled
 * as outbox_report(). GW_ERR_NOTFOUND when no outbox row has that id. */
int kannel_store_dlr(struct db *db, const struct kannel_dlr *d, time_t now,
		     int *settled) GW_WARN_UNUSED;

#endif
