/* appointments_offer.h - a slot offered instead of the time asked.
 *
 * The gateway never books a time the household did not ask for. When the
 * time asked is no slot start ("HEN mai 10h45" with slots at 10h30 and
 * 11h00), the nearest free slot is offered ("10h45 khong co, T3 8/12
 * 10h30 duoc khong? Tra loi CO") and kept here, one offer a phone, for
 * the household's next message (appointments_sms.h answers it): a yes
 * takes the slot, a no drops the offer, anything else drops it and is
 * handled as usual. An offer older than APPOINTMENTS_OFFER_TTL is never
 * taken, and is deleted when any offer is saved.
 *
 * Functions run inside the caller's transaction.
 */
#ifndef GW_APPOINTMENTS_OFFER_H
#define GW_APPOINTMENTS_OFFER_H

#include <stdint.h>
#include <time.h>

#include "common/db.h"
#include "handlers/features/appointments.h"

#define APPOINTMENTS_OFFER_TTL (24 * 3600) /* seconds an offer waits for its answer */

struct appointments_offer {
	int move;                            /* 1: move appointment_id there; 0: book */
	int64_t appointment_id;
	struct appointments_slot slot;
	char program_code[APPOINTMENTS_CODE_MAX];
	char topic[APPOINTMENTS_TOPIC_MAX];
	int lunar;                           /* the household gave a lunar date */
};

enum appointments_answer {
	APPOINTMENTS_ANSWER_OTHER = 0,       /* not an answer to an offer */
	APPOINTMENTS_ANSWER_YES,             /* co, ok, duoc, dong y, vang, da, yes ... */
	APPOINTMENTS_ANSWER_NO,              /* khong, thoi, no ... */
};

/* Keep o as the phone's offer (replacing an older one). */
int appointments_offer_save(struct db *db, const char *phone, const struct appointments_offer *o,
			    time_t now);

/* Read and delete the phone's offer. GW_ERR_NOTFOUND when it has none, or
 * only a stale one. */
int appointments_offer_take(struct db *db, const char *phone, time_t now,
			    struct appointments_offer *out);

/* Drop the phone's offer, if any. */
int appointments_offer_drop(struct db *db, const char *phone);

/* What a normalised message says to an offer: every word a yes word (or
 * a particle: a, nhe, em, anh, ad, ...) is YES, a no word with only yes
 * words and particles besides is NO, anything else OTHER. Pure. */
enum appointments_answer appointments_offer_answer(const char *norm);

#endif
