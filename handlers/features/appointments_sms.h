/* appointments_sms.h - appointments by SMS.
 *
 * Households book, move, cancel and list (appointments_ask.h reads what
 * they ask). Anything that cannot be booked as asked (a date in the past,
 * 31/2, a Sunday, a holiday, closed hours, a full slot) gets the reason
 * and the nearest free slots, with the command to take one. A time is
 * never changed silently: a time that is no slot start ("10h45" with
 * half-hour slots) gets the nearest free slot offered, booked only when
 * the household answers CO (appointments_offer.h). A time without a day
 * is its next occurrence within office hours, and the answer names the
 * day. A lunar date is booked on its solar day, and every message about
 * the appointment shows both ("T4 23/12 7h30 (ram thang 11 AL)").
 *
 * Which appointment: DOI HEN moves, HUY HEN (without a date) cancels, the
 * household's soonest live one; HUY HEN with several and no date asks for
 * the date; with a date it is that day's.
 *
 * Officers' XN and DOI are in appointments_officer.h.
 *
 * For `gatewayctl simulate --json`, res->extra gets "action" (book, move,
 * cancel, list), "date" ("YYYY-MM-DD" or null) and "time" ("HH:MM" or
 * null) as read from the text (a time without a day: the day it was
 * taken for), "outcome" (booked, moved, cancelled, listed, suggested,
 * offered, declined, invalid_date, none, or why it could not be booked:
 * full, closed, off_hours, past, too_far, same_day, too_many) and
 * "appointment" (the id it is about, or null).
 */
#ifndef GW_APPOINTMENTS_SMS_H
#define GW_APPOINTMENTS_SMS_H

#include "handlers/features/appointments.h"
#include "handlers/features/appointments_ask.h"

struct handler_req;
struct handler_result;

/* intent "appointment" */
int appointments_handle(const struct handler_req *rq, struct handler_result *res);

/* The household's answer to a slot offered instead of the time it asked
 * (appointments_offer.h), before any routing: a yes books (or moves to)
 * the slot, a no leaves it; *taken = 1 then. Any other message drops the
 * offer and is not taken (*taken = 0), nor is a yes with no offer. */
int appointments_offer_reply(const struct handler_req *rq, struct handler_result *res, int *taken);

#endif
