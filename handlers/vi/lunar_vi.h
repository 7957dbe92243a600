/* lunar_vi.h - the Vietnamese lunar calendar (am lich): solar <-> lunar
 * dates, month lengths, leap months, the next solar date of a lunar
 * day/month, and a short ASCII phrase for replies ("ram thang 11 AL").
 *
 * Households give appointments as "ram thang 11 am lich" or "mung 10
 * thang gieng"; the date reader turns the words into numbers and this
 * module into a solar date. Pure: no clock, no locale, no globals.
 *
 * Rules (as stated by Ho Ngoc Duc, "Thuat toan tinh am lich",
 * https://www.informatik.uni-leipzig.de/~duc/amlich/calrules_vn.html):
 *   1. A month begins on the local day that holds the new moon (soc).
 *   2. The winter solstice (dong chi) always falls in month 11.
 *   3. When 13 new moons begin between the month 11 of one year and the
 *      next, the first month after month 11 that holds no major solar
 *      term (trung khi: apparent solar longitude a multiple of 30 deg) is
 *      the leap month (thang nhuan); it repeats the number before it.
 *   4. Days are civil days at UTC+7 (meridian 105 E). China reckons at
 *      UTC+8, so the two calendars part when a new moon or a term falls
 *      between 16:00 and 17:00 UTC: Tet 1985 was 21 Jan in Vietnam and
 *      20 Feb in China, Tet 2007 17 Feb against 18 Feb, Tet 2030 2 Feb
 *      against 3 Feb. (North Vietnam used the UTC+8 reckoning until
 *      1967; dates before 1968 here are the UTC+7 reckoning.)
 *
 * Method: computed, no table of years. New moons: Jean Meeus,
 * "Astronomical Algorithms" (2nd ed., 1998), ch. 49, the true phase with
 * its 25 periodic and 14 planetary terms (a few seconds), Terrestrial
 * Time turned into UT with the Delta T polynomials of Espenak & Meeus
 * (NASA "Five Millennium Canon of Solar Eclipses", 2006). Sun: Meeus
 * ch. 25, apparent longitude (about 0.01 deg). A major term is tested the
 * way Ho Ngoc Duc's published algorithm does: the 30-degree sector of the
 * sun at the local midnight that starts each month; a month whose sector
 * equals the next month's holds no major term. His simplified program
 * uses an older, shorter new-moon series and the geometric longitude,
 * which misplaces a few months of 1900-2100 (e.g. Dec 2072, Nov 2077,
 * where his own tables agree with this module).
 *
 * Checked, day by day 1900-2100, against an independent computation
 * (PyEphem's libastro ephemeris, same rules): one month differs, July
 * 1967, whose new moon falls within 5 seconds of midnight at UTC+7;
 * at UTC+8 none differs. Against Ho Ngoc Duc's published tables
 * (1968-2100) one month differs: May 2054, new moon 14 s after local
 * midnight here, before it there (Delta T that far ahead is a guess).
 * Before 1968 his tables follow UTC+8 (and differ from it in five
 * months of 1906-1925).
 *
 * Range: solar dates 1900-01-01 .. 2100-12-31; lunar years 1899 .. 2100
 * (Jan 1900 is month 12 of lunar 1899), and a lunar date converts only
 * when its solar date is in range.
 *
 * Errors: 0, or GW_ERR_INVAL for an argument out of range or a date that
 * does not exist (31 April, day 30 of a 29-day month, a leap month the
 * year does not have), GW_ERR_NOTFOUND where a search finds nothing in
 * range. Out-parameters are written only on success.
 */
#ifndef GW_LUNAR_VI_H
#define GW_LUNAR_VI_H

#include "common/buf.h"

#define LUNAR_VI_TZ 7            /* hours east of UTC: Vietnam since 1968 */
#define LUNAR_VI_MIN_YEAR 1900   /* solar range, whole years */
#define LUNAR_VI_MAX_YEAR 2100
#define LUNAR_VI_MIN_LYEAR 1899  /* lunar years that overlap the range */
#define LUNAR_VI_MAX_LYEAR 2100
#define LUNAR_VI_TZ_MIN (-12)    /* accepted by the *_tz functions */
#define LUNAR_VI_TZ_MAX 14

struct lunar_vi_solar {
	int year, month, day;    /* proleptic Gregorian */
};

struct lunar_vi_date {
	int day;    /* 1..30 */
	int month;  /* 1..12 (1 = thang gieng, 12 = thang chap) */
	int year;   /* lunar year: the solar year in which its month 1 begins */
	int leap;   /* 1 in a leap month (thang nhuan), else 0 */
};

/* Solar -> lunar at UTC+7, and with an explicit offset in whole hours
 * (LUNAR_VI_TZ_MIN..LUNAR_VI_TZ_MAX; 8 gives the Chinese reckoning). */
int lunar_vi_from_solar(const struct lunar_vi_solar *in, struct lunar_vi_date *out);
int lunar_vi_from_solar_tz(int tz, const struct lunar_vi_solar *in,
			   struct lunar_vi_date *out);

/* Lunar -> solar. GW_ERR_INVAL when the date does not exist that year or
 * falls outside the solar range. */
int lunar_vi_to_solar(const struct lunar_vi_date *in, struct lunar_vi_solar *out);
int lunar_vi_to_solar_tz(int tz, const struct lunar_vi_date *in,
			 struct lunar_vi_solar *out);

/* Days (29 or 30) in lunar month `month` of lunar year `year`; leap 1
 * asks for the leap month of that number (GW_ERR_INVAL if none). */
int lunar_vi_month_days(int year, int month, int leap, int *days);

/* The leap month of lunar year `year` (1..12), or 0 when it has none. */
int lunar_vi_leap_month(int year, int *month);

/* The first solar date on or after `today` that is day `day` of lunar
 * month `month` (leap 0: the ordinary month of that number; leap 1: the
 * leap month of that number), in this lunar year or a later one. A year
 * whose month is too short for day 30, or that lacks the leap month, is
 * skipped. GW_ERR_NOTFOUND when no such date falls in the solar range. */
int lunar_vi_next(const struct lunar_vi_solar *today, int day, int month, int leap,
		  struct lunar_vi_solar *out);

/* Append the plain-ASCII phrase of a lunar date (no year) to b:
 * "ram thang 11 AL", "mung 10 thang gieng AL", "20 thang chap AL",
 * "mung 1 thang 4 nhuan AL". Day 15 is "ram", 1..10 "mung N", else "N".
 * GW_ERR_INVAL for fields out of range, GW_ERR_TOOBIG at b's cap; b is
 * unchanged on failure. */
int lunar_vi_format(struct buf *b, const struct lunar_vi_date *d);

#endif
