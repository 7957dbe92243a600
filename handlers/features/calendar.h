/* calendar.h - when the commune office receives households.
 *
 * Everything comes from the database, editable with `gatewayctl calendar`:
 *   office_hours       opening periods per weekday (0 = Sunday .. 6 =
 *                      Saturday), e.g. 07:30-11:30 and 13:30-17:00; a
 *                      weekday without rows is closed (Sunday by default)
 *   calendar_days      dated exceptions: 'holiday' and 'closed' days (no
 *                      appointments), 'special' days (open, with a note such
 *                      as the bank's transaction day, and optionally their
 *                      own opens/closes instead of the weekday's periods)
 *   calendar_settings  one row: slot length, capacity per slot, how far
 *                      ahead households may book, the meeting place, and
 *                      the duty officer told about new requests
 *
 * Slots: each opening period is cut into slot_minutes pieces from its
 * opening; a piece that would end after the closing is not a slot. A
 * time inside a period belongs to the slot that contains it.
 *
 * Days are handled as day numbers (days since 1970-01-01, proleptic
 * Gregorian) so that "the next 60 days" is plain arithmetic; times of day
 * as minutes after midnight, office local time. Pure helpers need no
 * database; the rest run inside the caller's transaction.
 */
#ifndef GW_CALENDAR_H
#define GW_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "handlers/vi/datetime_vi.h"

#define CALENDAR_DAY_LEN 11      /* "YYYY-MM-DD" + NUL */
#define CALENDAR_HHMM_LEN 6      /* "HH:MM" + NUL */
#define CALENDAR_MAX_PERIODS 4   /* opening periods a day */
#define CALENDAR_MAX_SLOTS 288   /* 24 h of 5-minute slots */
#define CALENDAR_NOTE_MAX 128
#define CALENDAR_PLACE_MAX 128

enum calendar_kind {
	CALENDAR_OPEN = 0,   /* a working day with its weekday's periods */
	CALENDAR_SPECIAL,    /* open, with a note, maybe with its own hours */
	CALENDAR_HOLIDAY,    /* public holiday: closed */
	CALENDAR_CLOSED,     /* closed that day (the note says why) */
	CALENDAR_NO_HOURS,   /* the weekday has no opening periods (Sunday) */
};

struct calendar_period {
	int opens, closes;   /* minutes after midnight, opens < closes */
};

struct calendar_day {
	int64_t dayno;
	char day[CALENDAR_DAY_LEN];
	int weekday;                         /* 0 = Sunday */
	enum calendar_kind kind;
	char note[CALENDAR_NOTE_MAX];        /* calendar_days.note, "" if none */
	size_t nperiods;
	struct calendar_period periods[CALENDAR_MAX_PERIODS];
};

struct calendar_settings {
	int slot_minutes;                    /* 5..240 */
	int capacity;                        /* households a slot, 1..100 */
	int horizon_days;                    /* bookable up to today + this */
	char place[CALENDAR_PLACE_MAX];      /* where households are received */
	int64_t officer_id;                  /* duty officer, 0 = none chosen */
};

/* ---- pure date and time helpers ---- */

/* Day number of a (valid) date, and back. */
int64_t calendar_dayno(int year, int month, int day);
void calendar_date(int64_t dayno, int *year, int *month, int *day);
/* 0 = Sunday .. 6 = Saturday */
int calendar_weekday(int64_t dayno);

/* "YYYY-MM-DD" of dayno into out (CALENDAR_DAY_LEN bytes). */
void calendar_day_str(int64_t dayno, char *out);
/* Parse "YYYY-MM-DD" (a real date). GW_ERR_INVAL otherwise. */
int calendar_parse_day(const char *s, int64_t *dayno);

/* "HH:MM" (00:00..23:59 or 24:00 for a closing) -> minutes. */
int calendar_parse_hhmm(const char *s, int *minutes);
/* "HH:MM" of minutes into out (CALENDAR_HHMM_LEN bytes). */
void calendar_hhmm(int minutes, char *out);

/* The office's local date and time of t (UTC) with the office's offset. */
void calendar_local(time_t t, int utc_offset_min, struct datetime_vi_now *out);
/* Its day number and minute of the day. */
void calendar_local_day(time_t t, int utc_offset_min, int64_t *dayno, int *minute);

/* "0".."6", "sun".."sat", "cn", "t2".."t7", "thu2".."thu7" (any case). */
int calendar_parse_weekday(const char *s, int *weekday);
/* "T2".."T7", "CN" (Vietnamese) or "Mon".."Sun". */
const char *calendar_weekday_short(int weekday, int english);

/* "07:30-11:30,13:30-17:00" -> sorted, non-overlapping periods; "" or
 * "closed" is no period. GW_ERR_INVAL on anything else. */
int calendar_parse_periods(const char *spec, struct calendar_period *out, size_t max,
			   size_t *n);
/* "07:30-11:30, 13:30-17:00" or "closed". */
int calendar_format_periods(const struct calendar_period *p, size_t n, struct buf *out);

/* ---- the day and its slots ---- */

/* What the office does on dayno. */
int calendar_day_get(struct db *db, int64_t dayno, struct calendar_day *out);

/* 1 when households can be received that day. */
int calendar_is_open(const struct calendar_day *d);

/* Slot start minutes of an open day, in order; returns how many (at most
 * max). A closed day has none. */
size_t calendar_slots(const struct calendar_day *d, int slot_minutes, int *starts, size_t max);

/* The start of the slot containing minute, or -1 when the office is not
 * open then (or the day is closed). */
int calendar_slot_of(const struct calendar_day *d, int slot_minutes, int minute);

/* ---- settings and editing (gatewayctl calendar) ---- */

int calendar_settings_get(struct db *db, struct calendar_settings *out);
/* Write every field of s (validated: GW_ERR_INVAL when out of range). */
int calendar_settings_set(struct db *db, const struct calendar_settings *s);

/* The weekday's periods. */
int calendar_hours_get(struct db *db, int weekday, struct calendar_period *out, size_t max,
		       size_t *n);
/* Replace the weekday's periods with spec (see calendar_parse_periods). */
int calendar_hours_set(struct db *db, int weekday, const char *spec);

/* Mark day ("YYYY-MM-DD") as kind "holiday", "closed" or "special", with
 * a note; hours (special days only, NULL or "" = the weekday's) as one
 * period "07:30-11:30". Replaces an existing mark. */
int calendar_mark_day(struct db *db, const char *day, const char *kind, const char *note,
		      const char *hours);
/* Remove the mark of day. GW_ERR_NOTFOUND when it had none. */
int calendar_unmark_day(struct db *db, const char *day);

#endif
