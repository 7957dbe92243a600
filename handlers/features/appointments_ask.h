/* appointments_ask.h - what an appointment message asks for.
 *
 * "HEN <date> [time] <topic>" books, "DOI HEN <date> [time]" moves, "HUY
 * HEN [date]" cancels, "HEN" alone lists; free text routed to the
 * appointment intent ("muon gap can bo xa sang mai", "huy lich hen hom thu
 * 5") is read the same way, the action coming from its words. Dates and
 * times are read with datetime_vi.h relative to the message's arrival in
 * office time (numbers in words and lunar dates included); an English
 * message's day words (Monday, tomorrow, 9 am) are put into Vietnamese
 * first ("mung 6 am" stays a lunar day). The rest of the text is the
 * topic. Pure: appointments_sms.h answers.
 */
#ifndef GW_APPOINTMENTS_ASK_H
#define GW_APPOINTMENTS_ASK_H

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
 * normalised text after it (the whole text for free text). */
int appointments_understand(const char *command, const char *args,
			    const struct datetime_vi_now *now, struct appointments_ask *out);

/* "book", "move", "cancel", "list" */
const char *appointments_action_name(enum appointments_action a);

#endif
