/* referrals.h - a household applying for an offer, and telling the
 * officer responsible.
 *
 * "UT 6", "DK VIEC 6", "UT JOB-VP-006" or a text naming one offer clearly
 * ("ung tuyen cong nhan may tan lap") records a referral (job, phone,
 * time, status 'new'; one per job and phone, so applying twice is
 * recognised and answered as such). The household gets what happens next
 * and whom to expect; the officer responsible (officers_responsible()) is
 * told by SMS.
 *
 * Notices to officers are batched: at most one per officer every
 * REFERRALS_NOTIFY_GAP_MIN minutes. The first referral after a quiet spell
 * is notified at once (kind "notify" in the handler result). One arriving
 * within the gap starts a summary notice queued for the end of the gap
 * (an outbox row with a later next_attempt_at, linked from
 * referrals.notify_outbox_id); later ones are folded into that queued
 * summary ("UT moi (3): viec 6: 0912..., ..."), rewritten in place, until
 * it has gone. referrals.notified_at is when the officer was (or will be)
 * told, which is what the gap is measured from.
 */
#ifndef GW_REFERRALS_H
#define GW_REFERRALS_H

#include <stdint.h>
#include <time.h>

#include "common/db.h"
#include "config/settings.h"
#include "handlers/features/jobs.h"
#include "handlers/features/officers.h"

#define REFERRALS_NOTIFY_GAP_MIN 10

struct referrals_outcome {
	int again;             /* had applied before: nothing new recorded */
	time_t first_at;       /* again: when */
	int has_officer;       /* someone responsible was found (and told) */
	struct officer officer;
	int notice;            /* 1 told now, 2 folded into a queued summary */
};

struct handler_result;

/* Record phone's application to j (a current offer) at now; an immediate
 * officer notice is added to res. */
int referrals_record(struct db *db, const struct gw_settings *cfg, const struct job *j,
		     const char *phone, time_t now, struct handler_result *res,
		     struct referrals_outcome *out);

/* "+84912345678" -> "0912345678" (as officers dial it); other numbers as
 * they are. */
void referrals_local_phone(const char *phone, char *out, size_t outsz);

struct handler_req;

/* UT <n> / DK VIEC <n> / free text naming an offer. */
int referrals_handle_apply(const struct handler_req *rq, struct handler_result *res);

#endif
