/* lunar_vi.c - see lunar_vi.h for the rules, the method and the sources.
 *
 * Days are Julian Day Numbers (JDN: the civil date's day count; the
 * astronomical JD of its noon UT). Lunations are counted as Meeus does:
 * k = 0 is the new moon of 6 January 2000. A "sui" is the span from one
 * month 11 to the next; sui Y starts with the month 11 that holds the
 * winter solstice of December Y-1, so its offsets 0 and 1 are months 11
 * and 12 of lunar year Y-1 and offsets 2.. are months 1.. of lunar year Y.
 */
#include "handlers/vi/lunar_vi.h"

#include <math.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/gw_err.h"

#define PI 3.14159265358979323846
#define RAD (PI / 180.0)
#define SYNODIC 29.530588861     /* mean lunation, days */
#define NEW_MOON_EPOCH 2451550.09766 /* JDE of lunation k = 0 */
#define JDN_MIN 2415021L         /* 1900-01-01 */
#define JDN_MAX 2488434L         /* 2100-12-31 */

/* ---- civil dates ---- */

static int solar_valid(const struct lunar_vi_solar *s)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = s->year, leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < LUNAR_VI_MIN_YEAR || y > LUNAR_VI_MAX_YEAR || s->month < 1 || s->month > 12)
		return 0;
	return s->day >= 1 && s->day <= mdays[s->month - 1] + (s->month == 2 && leap);
}

/* Gregorian date -> JDN (Fliegel & Van Flandern; positive years only). */
static long jdn_from_date(int y, int m, int d)
{
	long a = (14 - m) / 12, yy = y + 4800 - a, mm = m + 12 * a - 3;

	return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
}

static void jdn_to_date(long jdn, struct lunar_vi_solar *s)
{
	long a = jdn + 32044, b = (4 * a + 3) / 146097, c = a - 146097 * b / 4;
	long d = (4 * c + 3) / 1461, e = c - 1461 * d / 4, m = (5 * e + 2) / 153;

	s->day = (int)(e - (153 * m + 2) / 5 + 1);
	s->month = (int)(m + 3 - 12 * (m / 10));
	s->year = (int)(100 * b + d - 4800 + m / 10);
}

/* ---- astronomy ---- */

/* TT - UT in days (Espenak & Meeus 2006 polynomials, 1860..2150+). */
static double delta_t(double year)
{
	double t, s;

	if (year < 1900) {
		t = year - 1860;
		s = 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * t * t * t -
		    0.0004473624 * pow(t, 4) + pow(t, 5) / 233174;
	} else if (year < 1920) {
		t = year - 1900;
		s = -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t * t * t -
		    0.000197 * pow(t, 4);
	} else if (year < 1941) {
		t = year - 1920;
		s = 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t;
	} else if (year < 1961) {
		t = year - 1950;
		s = 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
	} else if (year < 1986) {
		t = year - 1975;
		s = 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
	} else if (year < 2005) {
		t = year - 2000;
		s = 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t +
		    0.000651814 * pow(t, 4) + 0.00002373599 * pow(t, 5);
	} else if (year < 2050) {
		t = year - 2000;
		s = 62.92 + 0.32217 * t + 0.005589 * t * t;
	} else {
		t = (year - 1820) / 100;
		s = -20 + 32 * t * t - 0.5628 * (2150 - year);
	}
	return s / 86400.0;
}

/* One periodic term of the new-moon correction (Meeus table 49.A):
 * c * E^e * sin(m*M + mp*M' + f*F + om*Omega). */
struct nm_term {
	double c;
	signed char e, m, mp, f, om;
};

static const struct nm_term nm_terms[] = {
	{ -0.40720, 0, 0, 1, 0, 0 }, { 0.17241, 1, 1, 0, 0, 0 },
	{ 0.01608, 0, 0, 2, 0, 0 },  { 0.01039, 0, 0, 0, 2, 0 },
	{ 0.00739, 1, -1, 1, 0, 0 }, { -0.00514, 1, 1, 1, 0, 0 },
	{ 0.00208, 2, 2, 0, 0, 0 },  { -0.00111, 0, 0, 1, -2, 0 },
	{ -0.00057, 0, 0, 1, 2, 0 }, { 0.00056, 1, 1, 2, 0, 0 },
	{ -0.00042, 0, 0, 3, 0, 0 }, { 0.00042, 1, 1, 0, 2, 0 },
	{ 0.00038, 1, 1, 0, -2, 0 }, { -0.00024, 1, -1, 2, 0, 0 },
	{ -0.00017, 0, 0, 0, 0, 1 }, { -0.00007, 0, 2, 1, 0, 0 },
	{ 0.00004, 0, 0, 2, -2, 0 }, { 0.00004, 0, 3, 0, 0, 0 },
	{ 0.00003, 0, 1, 1, -2, 0 }, { 0.00003, 0, 0, 2, 2, 0 },
	{ -0.00003, 0, 1, 1, 2, 0 }, { 0.00003, 0, -1, 1, 2, 0 },
	{ -0.00002, 0, -1, 1, -2, 0 }, { -0.00002, 0, 1, 3, 0, 0 },
	{ 0.00002, 0, 0, 4, 0, 0 },
};

/* The planetary arguments A2..A14 (A1 has a T^2 term): c * sin(a0 + a1*k). */
static const double nm_planets[][3] = {
	{ 0.000165, 251.88, 0.016321 },  { 0.000164, 251.83, 26.651886 },
	{ 0.000126, 349.42, 36.412478 }, { 0.000110, 84.66, 18.206239 },
	{ 0.000062, 141.74, 53.303771 }, { 0.000060, 207.14, 2.453732 },
	{ 0.000056, 154.84, 7.306860 },  { 0.000047, 34.52, 27.261239 },
	{ 0.000042, 207.19, 0.121824 },  { 0.000040, 291.34, 1.844379 },
	{ 0.000037, 161.72, 24.198154 }, { 0.000035, 239.56, 25.513099 },
	{ 0.000023, 331.55, 3.592518 },
};

static double nm_periodic(double k, double t)
{
	double t2 = t * t, t3 = t2 * t, t4 = t3 * t, sum = 0;
	double e = 1 - 0.002516 * t - 0.0000074 * t2;
	double m = 2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3;
	double mp = 201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 -
		    0.000000058 * t4;
	double f = 160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 +
		   0.000000011 * t4;
	double om = 124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3;

	for (size_t i = 0; i < sizeof(nm_terms) / sizeof(nm_terms[0]); i++) {
		const struct nm_term *p = &nm_terms[i];
		double arg = p->m * m + p->mp * mp + p->f * f + p->om * om;

		sum += p->c * pow(e, p->e) * sin(fmod(arg, 360.0) * RAD);
	}
	return sum;
}

static double nm_planetary(double k, double t)
{
	double sum = 0.000325 * sin(fmod(299.77 + 0.107408 * k - 0.009173 * t * t, 360.0) * RAD);

	for (size_t i = 0; i < sizeof(nm_planets) / sizeof(nm_planets[0]); i++)
		sum += nm_planets[i][0] *
		       sin(fmod(nm_planets[i][1] + nm_planets[i][2] * k, 360.0) * RAD);
	return sum;
}

/* JD (UT) of the new moon of lunation k (Meeus 49.1 + corrections). */
static double new_moon_jd(long k)
{
	double kk = (double)k, t = kk / 1236.85, t2 = t * t;
	double jde = NEW_MOON_EPOCH + SYNODIC * kk + 0.00015437 * t2 - 0.000000150 * t2 * t +
		     0.00000000073 * t2 * t2;

	jde += nm_periodic(kk, t) + nm_planetary(kk, t);
	return jde - delta_t(2000.0 + kk / 12.3685);
}

/* The local civil day (JDN) that holds the new moon of lunation k. */
static long new_moon_day(long k, int tz)
{
	return (long)floor(new_moon_jd(k) + 0.5 + tz / 24.0);
}

/* Apparent solar longitude in degrees [0, 360) at JD (UT) jd (Meeus ch. 25). */
static double sun_longitude(double jd)
{
	double jde = jd + delta_t(2000.0 + (jd - 2451545.0) / 365.25);
	double t = (jde - 2451545.0) / 36525.0, t2 = t * t;
	double l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t2;
	double m = (357.52911 + 35999.05029 * t - 0.0001537 * t2) * RAD;
	double c = (1.914602 - 0.004817 * t - 0.000014 * t2) * sin(m) +
		   (0.019993 - 0.000101 * t) * sin(2 * m) + 0.000289 * sin(3 * m);
	double om = (125.04 - 1934.136 * t) * RAD;
	double l = fmod(l0 + c - 0.00569 - 0.00478 * sin(om), 360.0);

	return l < 0 ? l + 360.0 : l;
}

/* The 30-degree sector (0..11; 9 starts at the winter solstice) of the
 * sun at the local midnight that begins day jdn. */
static int sun_sector(long jdn, int tz)
{
	return (int)(sun_longitude((double)jdn - 0.5 - tz / 24.0) / 30.0);
}

/* ---- months ---- */

/* The lunation whose month holds the winter solstice of December `year`:
 * its first day starts before the sun reaches 270 deg, the next month's
 * first day after. */
static long month11(int year, int tz)
{
	long k = lround((jdn_from_date(year, 12, 1) - NEW_MOON_EPOCH) / SYNODIC);

	while (sun_sector(new_moon_day(k + 1, tz), tz) <= 8)
		k++;
	while (sun_sector(new_moon_day(k, tz), tz) >= 9)
		k--;
	return k;
}

struct sui {
	long k11;      /* lunation of its month 11 */
	int months;    /* 12, or 13 with a leap month */
	int leap_off;  /* offset of the leap month from month 11, 0 if none */
};

/* Sui `year`: from the month 11 of December year-1 to that of December year. */
static void sui_of(int year, int tz, struct sui *s)
{
	s->k11 = month11(year - 1, tz);
	s->months = (int)(month11(year, tz) - s->k11);
	s->leap_off = 0;
	if (s->months != 13)
		return;
	/* 12 months after month 11 share the 11 terms before the next
	 * solstice, so one of them has none; the first one is leap. */
	for (int i = 1; i < 13; i++) {
		if (sun_sector(new_moon_day(s->k11 + i, tz), tz) ==
		    sun_sector(new_moon_day(s->k11 + i + 1, tz), tz)) {
			s->leap_off = i;
			return;
		}
	}
	s->leap_off = 12; /* not reached: see above */
}

/* The lunar month at offset off of sui `year` (out: month, leap, year). */
static void sui_month(const struct sui *s, int year, int off, struct lunar_vi_date *d)
{
	int n = off; /* months 11, 12, 1, 2, ... counted from 0 */

	d->leap = s->leap_off != 0 && off == s->leap_off;
	if (s->leap_off != 0 && off >= s->leap_off)
		n--;
	d->month = (n + 10) % 12 + 1;
	d->year = n <= 1 ? year - 1 : year;
}

static int tz_valid(int tz)
{
	return tz >= LUNAR_VI_TZ_MIN && tz <= LUNAR_VI_TZ_MAX;
}

/* First day (JDN) and length of a lunar month; GW_ERR_INVAL when the
 * year has no such month (a leap month it lacks) or is out of range. */
static int month_locate(int tz, int year, int month, int leap, long *start, int *len)
{
	struct sui s;
	int r = GW_ERR_INVAL, sy = month >= 11 ? year + 1 : year;
	int off = month >= 11 ? month - 11 : month + 1;
	long first;

	if (year < LUNAR_VI_MIN_LYEAR || year > LUNAR_VI_MAX_LYEAR || month < 1 ||
	    month > 12 || (leap != 0 && leap != 1) || !tz_valid(tz))
		goto out;
	sui_of(sy, tz, &s);
	if (leap) {
		if (s.leap_off == 0 || s.leap_off - 1 != off)
			goto out;
		off = s.leap_off;
	} else if (s.leap_off != 0 && off >= s.leap_off) {
		off++;
	}
	first = new_moon_day(s.k11 + off, tz);
	*len = (int)(new_moon_day(s.k11 + off + 1, tz) - first);
	*start = first;
	r = 0;
out:
	return r;
}

/* ---- public ---- */

int lunar_vi_from_solar_tz(int tz, const struct lunar_vi_solar *in, struct lunar_vi_date *out)
{
	struct lunar_vi_date d;
	struct sui s;
	int r = GW_ERR_INVAL, year;
	long jdn, k;

	if (!in || !out || !tz_valid(tz) || !solar_valid(in))
		goto out;
	jdn = jdn_from_date(in->year, in->month, in->day);
	year = in->year;
	if (new_moon_day(month11(year, tz), tz) <= jdn)
		year++;
	sui_of(year, tz, &s);
	k = s.k11 + (long)((jdn - new_moon_day(s.k11, tz)) / SYNODIC);
	while (new_moon_day(k + 1, tz) <= jdn)
		k++;
	while (new_moon_day(k, tz) > jdn)
		k--;
	sui_month(&s, year, (int)(k - s.k11), &d);
	d.day = (int)(jdn - new_moon_day(k, tz) + 1);
	*out = d;
	r = 0;
out:
	return r;
}

int lunar_vi_from_solar(const struct lunar_vi_solar *in, struct lunar_vi_date *out)
{
	return lunar_vi_from_solar_tz(LUNAR_VI_TZ, in, out);
}

int lunar_vi_to_solar_tz(int tz, const struct lunar_vi_date *in, struct lunar_vi_solar *out)
{
	int r = GW_ERR_INVAL, len;
	long start, jdn;

	if (!in || !out || in->day < 1 || in->day > 30)
		goto out;
	if ((r = month_locate(tz, in->year, in->month, in->leap, &start, &len)) < 0)
		goto out;
	r = GW_ERR_INVAL;
	jdn = start + in->day - 1;
	if (in->day > len || jdn < JDN_MIN || jdn > JDN_MAX)
		goto out;
	jdn_to_date(jdn, out);
	r = 0;
out:
	return r;
}

int lunar_vi_to_solar(const struct lunar_vi_date *in, struct lunar_vi_solar *out)
{
	return lunar_vi_to_solar_tz(LUNAR_VI_TZ, in, out);
}

int lunar_vi_month_days(int year, int month, int leap, int *days)
{
	int r = GW_ERR_INVAL, len;
	long start;

	if (!days)
		goto out;
	if ((r = month_locate(LUNAR_VI_TZ, year, month, leap, &start, &len)) < 0)
		goto out;
	*days = len;
out:
	return r;
}

int lunar_vi_leap_month(int year, int *month)
{
	struct sui s;
	int r = GW_ERR_INVAL, m = 0;

	if (!month || year < LUNAR_VI_MIN_LYEAR || year > LUNAR_VI_MAX_LYEAR)
		goto out;
	/* Leap 1..10 sit in sui `year` (offsets 3..12), leap 11 and 12 in
	 * the next sui (offsets 1 and 2). */
	sui_of(year, LUNAR_VI_TZ, &s);
	if (s.leap_off >= 3) {
		m = s.leap_off - 2;
	} else {
		sui_of(year + 1, LUNAR_VI_TZ, &s);
		if (s.leap_off == 1 || s.leap_off == 2)
			m = s.leap_off + 10;
	}
	*month = m;
	r = 0;
out:
	return r;
}

int lunar_vi_next(const struct lunar_vi_solar *today, int day, int month, int leap,
		  struct lunar_vi_solar *out)
{
	struct lunar_vi_date now;
	int r = GW_ERR_INVAL, len;
	long from, start;

	if (!out || day < 1 || day > 30 || month < 1 || month > 12 || (leap != 0 && leap != 1))
		goto out;
	if ((r = lunar_vi_from_solar(today, &now)) < 0)
		goto out;
	from = jdn_from_date(today->year, today->month, today->day);
	r = GW_ERR_NOTFOUND;
	for (int y = now.year; y <= LUNAR_VI_MAX_LYEAR; y++) {
		if (month_locate(LUNAR_VI_TZ, y, month, leap, &start, &len) < 0 || day > len)
			continue;
		if (start + day - 1 > JDN_MAX)
			break;
		if (start + day - 1 >= from) {
			jdn_to_date(start + day - 1, out);
			r = 0;
			break;
		}
	}
out:
	return r;
}

int lunar_vi_format(struct buf *b, const struct lunar_vi_date *d)
{
	int r = GW_ERR_INVAL;
	size_t mark;

	if (!b || !d || d->day < 1 || d->day > 30 || d->month < 1 || d->month > 12 ||
	    (d->leap != 0 && d->leap != 1))
		goto out;
	mark = b->len;
	if (d->day == 15)
		r = buf_adds(b, "ram");
	else
		r = buf_addf(b, "%s%d", d->day <= 10 ? "mung " : "", d->day);
	if (r == 0 && d->month == 1)
		r = buf_adds(b, " thang gieng");
	else if (r == 0 && d->month == 12)
		r = buf_adds(b, " thang chap");
	else if (r == 0)
		r = buf_addf(b, " thang %d", d->month);
	if (r == 0)
		r = buf_adds(b, d->leap ? " nhuan AL" : " AL");
	if (r < 0)
		buf_truncate(b, mark);
out:
	return r;
}
