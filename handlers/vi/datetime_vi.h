/* datetime_vi.h - appointment dates and times as Vietnamese households
 * write them in an SMS, resolved against the message's arrival.
 *
 * The text is folded with textfold_ascii first, so "Thứ 4 tuần sau",
 * "THU 4 TUAN SAU" and "thu 4 tuan sau" read the same. Pure: no clock, no
 * locale, no globals; the caller passes the arrival in office local time.
 *
 * Forms read (d = day, m = month, y = year, h = hour, p = minute):
 *   dates     d/m  d-m  d.m  d/m/y  d/m/yy  yyyy-m-d  d thang m [nam y]
 *             ngay d/m  ngay d thang m  ngay d  mung d  d thang sau
 *             hom nay  nay  mai  ngay mai  ngay kia  mot  ngay mot
 *             thu 2..thu 7  t2..t7  thu hai/ba/tu/nam/sau/bay  chu nhat  cn
 *             each weekday optionally followed (or preceded) by
 *             tuan sau / tuan toi / tuan nay, or followed by toi / nay
 *             d thang gieng..chap  d thang mot..muoi hai  ram [thang m]
 *             mung d tet  ngay dau tien / cuoi cung cua thang m
 *             each date optionally followed by am lich / al / (AL) / am
 *   lunar     a date with that marker, or anywhere in the text "am lich"
 *             / "lich am" / "al", is a lunar date (lunar_vi.h): the next
 *             such day on or after the arrival; "ram", "tet" and the month
 *             names gieng / chap are lunar without the marker too, unless
 *             a weekday beside the date fits only the solar reading; "thang
 *             mot" is January, or in the lunar year the eleventh month; a
 *             day without a month next to "tet" / "ra gieng" is in the
 *             first lunar month
 *   times     8h  8h30  8h30p  8g30  8 gio  8 gio 30 [phut]  8 gio ruoi
 *             8 gio kem 15  14:30  luc 8  3 tieng chieu  each optionally
 *             followed by [buoi] sang / trua / chieu / toi / dem;
 *             2 tieng nua, 30 phut nua (from the arrival: today, or
 *             tomorrow past midnight)
 *   numbers   in words where a date or time is read (numword_vi.h):
 *             "hai gio ruoi chieu", "mung muoi", "kem muoi lam"
 *   weeks     thu 3 tuan sau nua: the week after next
 *   parts     sang, trua, chieu (alone or before a day word or time),
 *             toi, dem, khuya (only before a day word or time, after a
 *             time, or after "buoi": alone "toi" is the pronoun "I")
 *
 * Rules a caller must know:
 *   - Day/month without a year: this year, or next year when that date is
 *     more than 7 days before the arrival; within the last 7 days it is
 *     "date in the past" (a late or mistyped message, not next year).
 *   - "ngay d" / "mung d" without a month: this month if d is today or
 *     later, else next month.
 *   - A bare weekday is the next such day after today. The same weekday
 *     as today means today when the appointment can still happen: the
 *     written time is not yet past, else the written part of day has not
 *     ended (sang 11:00, trua 13:00, chieu 18:00, toi 22:00), else the
 *     arrival is before 11:00; otherwise it means next week.
 *     "thu 7 toi" (the coming Saturday) is never today.
 *   - Weeks run Monday..Sunday (chu nhat ends a week): "thu 4 tuan sau"
 *     is the Wednesday of the next Monday-started week; "thu 2 tuan nay"
 *     already gone is "date in the past".
 *   - A written date, and a weekday or relative day next to it ("thu 4
 *     (3/12)", "mai 3/12"), must agree, else GW_ERR_INVAL.
 *   - When several dates or times appear ("tu 7h den 11h", "3/12 hoac
 *     5/12") the first one is taken, preferring a written date over a
 *     weekday or relative day.
 *   - Hours: sang keeps h; trua adds 12 to 1..4; chieu and toi add 12 to
 *     1..11; dem adds 12 to 5..11. Without any part-of-day word, 1..5
 *     are read as 13..17 (nobody books a 3 a.m. appointment).
 *   - A time with no date word leaves has_date 0 (no day is guessed).
 *   - Numbers that are money (1tr2, 6 trieu, 1.5tr), counts (4 nguoi,
 *     3-5 ngay), ages (30 tuoi), durations (trong 2 gio, 8h/ngay),
 *     phone numbers, addresses and ratios (so 3/12, hem 5/2, duong 3/2,
 *     ty le 1/3), ordinals (lan thu 2) and job codes (UT 3) are not
 *     dates or times. A birth date is a date: "date in the past".
 *   - A lunar date is never "in the past": it is the next one.
 */
#ifndef GW_DATETIME_VI_H
#define GW_DATETIME_VI_H

#include <stddef.h>

#include "handlers/vi/lunar_vi.h"

/* Longer texts are refused with GW_ERR_TOOBIG (an SMS is far shorter). */
#define DATETIME_VI_MAX_TEXT 4096

enum datetime_vi_part {
	DATETIME_VI_PART_NONE = 0,
	DATETIME_VI_PART_MORNING = 1,   /* sang */
	DATETIME_VI_PART_NOON = 2,      /* trua */
	DATETIME_VI_PART_AFTERNOON = 3, /* chieu */
	DATETIME_VI_PART_EVENING = 4,   /* toi, dem */
};

/* The arrival of the message in office local time. The weekday is
 * derived from the date, so it cannot disagree with it. */
struct datetime_vi_now {
	int year, month, day; /* 1970..9999, 1..12, 1..31 and a real date */
	int hour, minute;     /* 0..23, 0..59 */
};

struct datetime_vi {
	int has_date;
	int year, month, day;
	int weekday;          /* 0 = Sunday .. 6 = Saturday, when has_date */
	int has_time;
	int hour, minute;     /* 24-hour clock after the part-of-day rule */
	int part_of_day;      /* enum datetime_vi_part, as written, else 0 */
	/* Byte span [span_start, span_end) in textfold_ascii(text) covering
	 * the words read (from the first to the last, with "vao"/"luc" before
	 * them), so the caller can keep the rest as the topic. 0,0 if none. */
	size_t span_start, span_end;
	int lunar;            /* the date was given in the lunar calendar (then
	                       * year/month/day are its solar date) */
	struct lunar_vi_date lunar_date; /* that lunar date, when lunar */
};

/* Read the first appointment date/time in text (NUL-terminated, any
 * bytes). Returns:
 *   0              *out filled; nothing found is has_date == has_time ==
 *                  part_of_day == 0.
 *   GW_ERR_INVAL   a date or time is written but unusable, or an argument
 *                  is bad; *why (if why is not NULL) gets a static English
 *                  reason: "impossible date", "impossible time", "date in
 *                  the past", "time in the past", "weekday does not match
 *                  date", "conflicting dates", "bad argument".
 *   GW_ERR_TOOBIG  text longer than DATETIME_VI_MAX_TEXT ("text too long").
 *   GW_ERR_NOMEM   out of memory ("out of memory").
 * *out is written only on success, *why only on failure. */
int datetime_vi_parse(const char *text, const struct datetime_vi_now *now,
		      struct datetime_vi *out, const char **why);

/* Day of the week of a proleptic Gregorian date, 0 = Sunday. */
int datetime_vi_weekday(int year, int month, int day);

/* 1 when year-month-day is a real calendar date, else 0. */
int datetime_vi_valid_date(int year, int month, int day);

#endif
