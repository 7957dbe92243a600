/* settle.h - delivery reports from the modem, and messages in doubt settled.
 *
 * Parts: each part the modem accepts is recorded with the reference the
 * network gave it (TP-MR) in outbox_parts (settle_record_parts, in the
 * sender's transaction). Reports the modem receives are read by
 * settle_run, kept in delivery_reports (matched or not, once each), matched
 * to their part on (modem, reference, recipient), newest part first among
 * those still waiting (references wrap after 256 parts), and the row's
 * state recorded through outbox_report() (gateway/outbox.h), the one place
 * every transport records reports: delivered once every part is, failed
 * as soon as one failed, buffered while the centre still tries.
 *
 * In doubt: a row left 'sending' by a crash (sender_recover), or whose last
 * part the modem took without ever confirming it (the sender, with reports
 * on), is 'sent_unknown' from unknown_at. A report that proves it left
 * settles it as sent: one quoting a reference recorded for it, or - a
 * crash loses the reference - any report for its number when it is the
 * only message in doubt to that number that this modem took (another
 * modem's reports come back through that modem; a multipart message needs as many
 * parts covered as it has). Without one, sms.unknown_resend_after seconds
 * later and after one last look through the modem's report memory, an
 * answer (notice, reminder) is queued again: at least once, counted in
 * outbox.resends and logged, resuming under its concatenation reference
 * (chosen before the first attempt), so a handset that already has some
 * parts joins the rest into one message. A broadcast stays in doubt and is
 * never sent again: at most once, a duplicate to hundreds of people being
 * worse than one missed. Each worker decides the rows its modem took, and
 * those of a modem no longer configured (no report of theirs can come).
 *
 * Reading a stored report costs the modem about 1.2 s (libgammu's AT
 * driver), so while the outbox drains they are read in batches
 * (SETTLE_BATCH waiting, or the oldest SETTLE_DEFER_MS old), at once when
 * it is idle; the report memory is swept after every connect, before every
 * in-doubt decision, and every SETTLE_SWEEP_MS while parts wait.
 */
#ifndef GW_SETTLE_H
#define GW_SETTLE_H

#include <stdint.h>
#include <time.h>

#include "common/db.h"
#include "gateway/daemon/link.h"
#include "modem/modem.h"

#define SETTLE_BATCH 8              /* stored reports read together while sending */
#define SETTLE_DEFER_MS 120000      /* ... or once the oldest has waited this long */
#define SETTLE_SWEEP_MS 600000      /* report memory swept this often while parts wait */
#define SETTLE_WINDOW_S (7 * 86400) /* a report older than its part by more matches nothing */

/* What a modem's worker remembers between runs (owned by struct worker). */
struct settle {
	const char *modem;        /* name the parts and reports are keyed by (the modem's name) */
	size_t waiting;           /* stored reports the modem indicated, unread at the last run */
	int64_t waiting_since_ms; /* since when some have waited (0: none) */
	int64_t last_sweep_ms;    /* monotonic time of the last sweep */
};

void settle_init(struct settle *s, const char *modem);

/* After an attempt: the reference of every part accepted in it (ms->mr,
 * parts before->parts_done .. ms->parts), when report says reports were
 * asked for; a message whose every part went is then 'submitted'. In the
 * caller's transaction. */
int settle_record_parts(struct db *db, const char *modem, int64_t id,
			const struct modem_resume *before, const struct modem_sent *ms, int report,
			time_t now) GW_WARN_UNUSED;

/* One pass: read the modem's reports as far as the pace above allows
 * (busy: the outbox is draining), record and match them, delete the
 * stored ones; then decide this modem's rows in doubt for after_s seconds
 * or more (sms.unknown_resend_after). *resent = rows
 * queued again (wake the sender). Needs a connected link. */
int settle_run(struct settle *s, struct link *l, int busy, int after_s, time_t now,
	       int *resent) GW_WARN_UNUSED;

/* Keep and match one report (in the caller's transaction). *outbox_id =
 * the row it was matched to (0: none, or a copy of a report already
 * kept); *settled = 1 when it settled a row in doubt as sent. */
int settle_report(struct db *db, const char *modem, const struct modem_report *rep, time_t now,
		  int64_t *outbox_id, int *settled) GW_WARN_UNUSED;

/* Rows in doubt since at least after_s seconds that modem took (NULL:
 * any modem's): answers queued again, broadcasts kept in doubt for good
 * (their unknown_at cleared). Each worker decides its own modem's rows,
 * after its last look through that modem's report memory. */
int settle_in_doubt(struct db *db, const char *modem, int after_s, time_t now, int *resent,
		    int *kept) GW_WARN_UNUSED;

#endif
