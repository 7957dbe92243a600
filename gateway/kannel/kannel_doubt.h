/* kannel_doubt.h - answers left in doubt by a crash, settled with Kannel's
 * delivery reports.
 *
 * A crash between marking a row 'sending' and recording Kannel's answer
 * leaves it 'sent_unknown' (gateway/daemon/sender.h), and so does a
 * request whose answer never came (smsbox died or hung after reading it;
 * kannel_send.h, kannel_box.h): the message may have gone (then its
 * delivery report arrives, smsbox repeating it until we take it, and
 * settles the row as sent: outbox_report()) or not (then no report will
 * ever come). With a dlr-mask that asks for a report on every message
 * (any of 1, 2, 8, 16), silence can be told apart from a slow network:
 * once a row sent since this daemon started and since the other went in
 * doubt has had its report for kannel.resend_unknown_after seconds, reports flow to this
 * process (and a report smsbox had to repeat because we were down came
 * meanwhile: it repeats every http-queue-delay seconds), so an in-doubt
 * answer that still has none never reached Kannel: it is queued again.
 * Broadcasts stay at most once (a duplicate to hundreds of people is worse
 * than one missed); so do rows when nothing was sent since the crash (the
 * SMSC may be down, Kannel holding the message).
 */
#ifndef GW_KANNEL_DOUBT_H
#define GW_KANNEL_DOUBT_H

#include <time.h>

#include "common/db.h"
#include "config/settings.h"

/* 1 when the rule above can settle an answer in doubt (transport =
 * "kannel", a dlr-mask that reports every message, resend_unknown_after
 * > 0), else 0: an answer whose sendsms got no answer is then in doubt
 * rather than sent again at once. */
int kannel_doubt_settles(const struct gw_settings *cfg);

/* Queue again every in-doubt answer the rule above clears, started being
 * when this daemon started; *resent = how many (logged). Does nothing
 * unless transport = "kannel" with a dlr-mask that reports every message
 * and resend_unknown_after > 0. */
int kannel_doubt_resend(struct db *db, const struct gw_settings *cfg, time_t started,
			time_t now, int *resent) GW_WARN_UNUSED;

#endif
