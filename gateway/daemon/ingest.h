/* ingest.h - taking messages off the modem without losing any.
 *
 * ingest_poll() reads every stored part, commits them all to inbox_parts in
 * one transaction, and only then deletes them from the phone. A part seen
 * again (a crash between commit and delete, or the network delivering it
 * twice) has the same fingerprint (sender, SMSC time, reference, part,
 * text) and is dropped, so it is never answered twice. Malformed parts are
 * recorded as skipped inbox rows and deleted: never retried in a loop.
 *
 * ingest_assemble() links parts by sender, reference and part count (never
 * reference alone: two phones may pick the same one) into inbox rows; a set
 * still missing parts after multipart_timeout is released with what
 * arrived, marked incomplete (the longest multipart_timeout of the modems).
 * Parts and messages record the modem they came in on (inbox.modem).
 */
#ifndef GW_INGEST_H
#define GW_INGEST_H

#include <time.h>

#include "common/db.h"
#include "config/settings.h"
#include "gateway/daemon/link.h"

/* *stored: new parts committed; *seen: parts read from the modem. */
int ingest_poll(struct link *l, time_t now, int *stored, int *seen);
int ingest_assemble(struct db *db, const struct gw_settings *cfg, time_t now, int *assembled);

/* Record a missed call as an inbox row (channel 'call'): one per caller
 * per 10 minutes, since a ringing phone repeats the event. */
int ingest_call(struct db *db, const char *modem, const char *number, time_t now,
		int *recorded);

#endif
