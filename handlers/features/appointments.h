/* appointments.h - meetings between households and commune officers.
 *
 * An appointment is one household (phone) in one slot of one office day
 * (see calendar.h), about a topic and, where the text clearly names one,
 * a programme. Its life: 'requested' (booked by SMS, waiting for an
 * officer) -> 'confirmed' (an officer said yes) or 'declined' (an officer
 * said no); 'cancelled' by the household or the office. Requested and
 * confirmed appointments are "live": they hold their slot and get the
 * day-before reminder; moving one keeps its number.
 *
 * Rules no caller can get around:
 *   - A slot holds at most calendar_settings.capacity live appointments.
 *     Booking and moving check and write in ONE SQL statement (INSERT ...
 *     SELECT ... WHERE count < capacity), so even two connections racing
 *     for the last place cannot both get it: SQLite serialises writers
 *     (callers hold BEGIN IMMEDIATE; in autocommit the statement's own
 *     write lock and WAL snapshot check do the same).
 *   - A phone holds at most one live appointment a day (a partial UNIQUE
 *     index) and APPOINTMENTS_MAX_LIVE upcoming ones.
 *   - Only slots of open days (calendar_is_open), starting at least
 *     APPOINTMENTS_LEAD_MIN minutes after now and at most horizon_days
 *     ahead, can be booked or moved to.
 *
 * Functions run inside the caller's transaction and never commit. Their
 * verdicts (full, closed, ...) are results, not errors: they return 0 and
 * a verdict; negative GW_ERR_* only when the database fails.
 *
 * The messages about appointments are in appointments_text.h, the SMS
 * commands in appointments_sms.h and appointments_officer.h.
 */
#ifndef GW_APPOINTMENTS_H
#define GW_APPOINTMENTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "config/settings.h"
#include "handlers/features/calendar.h"

#define APPOINTMENTS_LEAD_MIN 30   /* a slot must start this long after now */
#define APPOINTMENTS_MAX_LIVE 3    /* upcoming live appointments a phone may hold */
#define APPOINTMENTS_SUGGEST 3     /* free slots offered when a wish cannot be met */
#define APPOINTMENTS_TOPIC_MAX 128
#define APPOINTMENTS_PHONE_MAX 32
#define APPOINTMENTS_CODE_MAX 33

struct appointment {
	int64_t id;
	char phone[APPOINTMENTS_PHONE_MAX];
	int64_t officer_id;                  /* 0 = none */
	char program_code[APPOINTMENTS_CODE_MAX];
	char topic[APPOINTMENTS_TOPIC_MAX];
	char day[CALENDAR_DAY_LEN];
	char slot[CALENDAR_HHMM_LEN];
	char status[12];                     /* requested, confirmed, cancelled, declined, done */
	int reminded;
	int lunar;                           /* asked for by a lunar date: show it too */
	int64_t created_at, updated_at;
};

enum appointments_verdict {
	APPOINTMENTS_OK = 0,
	APPOINTMENTS_FULL,       /* the slot already holds its capacity */
	APPOINTMENTS_CLOSED,     /* holiday, closed day, or a weekday without hours */
	APPOINTMENTS_OFF_HOURS,  /* the day is open but not at that time */
	APPOINTMENTS_PAST,       /* the slot has begun or starts too soon */
	APPOINTMENTS_TOO_FAR,    /* beyond horizon_days */
	APPOINTMENTS_SAME_DAY,   /* the phone holds another live appointment that day */
	APPOINTMENTS_TOO_MANY,   /* the phone holds APPOINTMENTS_MAX_LIVE upcoming */
	APPOINTMENTS_NOT_LIVE,   /* cancelled, declined or done: cannot change */
};

/* A bookable slot: day and start minute (office local time). */
struct appointments_slot {
	int64_t dayno;
	int minute;
};

/* What a new appointment is about. */
struct appointments_new {
	const char *phone;
	const char *program_code;  /* "" when none */
	const char *topic;         /* the words of the request, "" when none */
	int64_t dayno;
	int minute;                /* a slot start */
	int lunar;                 /* the household gave a lunar date */
};

/* Is (dayno, minute) a slot one can book now? On APPOINTMENTS_OFF_HOURS
 * or OK *slot gets the start of the slot containing minute (-1 if none). */
int appointments_check_slot(struct db *db, const struct gw_settings *cfg, time_t now,
			    int64_t dayno, int minute, int *slot, enum appointments_verdict *out);

/* Book a new 'requested' appointment; it goes to the duty officer
 * (calendar_settings.officer_id, else the first officer, else the first
 * administrator, else none). *id is set on APPOINTMENTS_OK. */
int appointments_book(struct db *db, const struct gw_settings *cfg, time_t now,
		      const struct appointments_new *req, int64_t *id,
		      enum appointments_verdict *out);

/* Move a live appointment to another slot; by_officer makes it
 * 'confirmed' (the officer chose it), else it is 'requested' again. The
 * reminder is re-armed. */
int appointments_move(struct db *db, const struct gw_settings *cfg, time_t now, int64_t id,
		      int64_t dayno, int minute, int by_officer, enum appointments_verdict *out);

/* Record whether the appointment's day was asked for by a lunar date (a
 * household's move by date says anew). */
int appointments_set_lunar(struct db *db, int64_t id, int lunar);

/* Set status ("confirmed", "cancelled", "declined", "done") of a live
 * appointment; officer_id > 0 is who answered: the appointment becomes
 * theirs when nobody held it or its officer is of their commune, else it
 * stays with its officer (scope_may_reassign: never handed to another
 * commune's officer, nor to an administrator). APPOINTMENTS_NOT_LIVE when
 * it is no longer live (confirming a confirmed one is OK). */
int appointments_set_status(struct db *db, int64_t id, const char *status, int64_t officer_id,
			    time_t now, enum appointments_verdict *out);

/* GW_ERR_NOTFOUND when there is none. */
int appointments_get(struct db *db, int64_t id, struct appointment *out);

/* The phone's live appointments from day `from` on, soonest first. */
int appointments_live(struct db *db, const char *phone, int64_t from, struct appointment *out,
		      size_t max, size_t *n);

/* Up to max free bookable slots nearest to (dayno, minute): never before
 * now + lead nor beyond the horizon, at most two a day, nearest first.
 * part (enum datetime_vi_part) keeps to mornings (before 12:00) or
 * afternoons; 0 takes any. */
int appointments_nearest(struct db *db, const struct gw_settings *cfg, time_t now,
			 int64_t dayno, int minute, int part, struct appointments_slot *out,
			 size_t max, size_t *n);

/* The earliest free bookable slot of dayno within part (as above).
 * GW_ERR_NOTFOUND when the day has none (closed, full, past, too far). */
int appointments_first_free(struct db *db, const struct gw_settings *cfg, time_t now,
			    int64_t dayno, int part, int *minute);

#endif
