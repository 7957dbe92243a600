/* appointments_sms.h - appointments by SMS.
 *
 * Households: "HEN <date> [time] <topic>" books, "DOI HEN <date> [time]"
 * moves, "HUY HEN [date]" cancels, "HEN" alone lists their upcoming
 * appointments; free text routed to the appointment intent ("muon gap can
 * bo xa sang mai", "huy lich hen hom thu 5") is read the same way, the
 * action coming from its words. Dates and times are read with
 * datetime_vi.h relative to the message's arrival in office time; an
 * English message's day words (Monday, tomorrow, 9 am) are put into
 * Vietnamese first. Anything that cannot be booked as asked (a date in the
 * past, 31/2, a Sunday, a holiday, closed hours, a full slot) gets the
 * reason and the nearest free slots, with the command to take one.
 *
 * Which appointment: DOI HEN moves, HUY HEN (without a date) cancels, the
 * household's soonest live one; HUY HEN with several and no date asks for
 * the date; with a date it is that day's.
 *
 * Officers' XN and DOI are in appointments_officer.h.
 *
 * For `gatewayctl simulate --json`, res->extra gets "action" (book, move,
 * cancel, list), "date" ("YYYY-MM-DD" or null) and "time" ("HH:MM" or
 * null) as read from the text, "outcome" (booked, moved, cancelled,
 * listed, suggested, invalid_date, none, or why it could not be booked:
 * full, closed, off_hours, past, too_far, same_day, too_many) and
 * "appointment" (the id it is about, or null).
 */
#ifndef GW_APPOINTMENTS_SMS_H
#define GW_APPOINTMENTS_SMS_H

#include "handlers/features/appointments.h"
#include "handlers/vi/datetime_vi.h"

enum appointments_action {
	APPOINTMENTS_BOOK = 0,
	APPOINTMENTS_MOVE,
	APPOINTMENTS_CANCEL,
	APPOINTMENTS_LIST,
};

struct appointments_ask {
	enum appointments_action action;
	struct datetime_vi when;         /* as read; nothing found: has_date == has_time == 0 */
	const char *date_error;          /* datetime_vi's reason when unusable, else NULL */
	int next_week;                   /* "tuan sau" without a day */
	char topic[APPOINTMENTS_TOPIC_MAX]; /* the words besides the date and time */
};

/* Read an appointment message: command is the canonical command that
 * opened it ("HEN", "DOI HEN", "HUY HEN") or "" for free text; args the
 * normalised text after it (the whole text for free text). Pure. */
int appointments_understand(const char *command, const char *args,
			    const struct datetime_vi_now *now, struct appointments_ask *out);

/* "book", "move", "cancel", "list" */
const char *appointments_action_name(enum appointments_action a);

struct handler_req;
struct handler_result;

/* intent "appointment" */
int appointments_handle(const struct handler_req *rq, struct handler_result *res);

#endif
