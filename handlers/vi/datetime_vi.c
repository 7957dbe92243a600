/* datetime_vi.c - see datetime_vi.h for the forms and rules.
 *
 * datetime_vi_scan.c finds what the text writes (dates, relative days,
 * weekdays, times, parts of day) as candidates; this file picks the first
 * of each kind and resolves them against the arrival with the calendar
 * arithmetic below. The functions returning GW_ERR_* codes keep to the
 * single "goto out" exit.
 */
#include "handlers/vi/datetime_vi.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/datetime_vi_scan.h"
#include "handlers/vi/lunar_vi.h"
#include "handlers/vi/numword_vi.h"
#include "handlers/vi/vitok.h"

/* The scanned text and the arrival it is resolved against. */
struct ctx {
	const char *s;
	const struct vitok *t;
	size_t n;
	const struct datetime_vi_now *now;
};

/* ---- calendar ---- */

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int datetime_vi_valid_date(int year, int month, int day)
{
	return year >= 1 && year <= 9999 && day >= 1 && day <= days_in_month(year, month);
}

/* Days since 1970-01-01 (H. Hinnant's algorithm); d past the month's end
 * simply runs on into the next month, which the year guess relies on. */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int weekday_of_days(long z)
{
	return (int)(((z % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

int datetime_vi_weekday(int year, int month, int day)
{
	return weekday_of_days(days_from_civil(year, month, day));
}

/* ---- resolution ---- */

struct picked {
	long today;           /* days since epoch of the arrival */
	int now_min;          /* arrival minute of the day */
	int has_time, hour, minute, part;
	int after_day;        /* "2 tieng nua": days after today the time falls on */
	int lunar;            /* the date resolved is a lunar one: lunar_date */
	struct lunar_vi_date lunar_date;
};

static int part_end_hour(int part)
{
	switch (part) {
	case DATETIME_VI_PART_MORNING: return 11;
	case DATETIME_VI_PART_NOON: return 13;
	case DATETIME_VI_PART_AFTERNOON: return 18;
	default: return 22;
	}
}

static int shift_hour(int h, int part)
{
	switch (part) {
	case DATETIME_VI_PART_NOON: return h >= 1 && h <= 4 ? h + 12 : h;
	case DATETIME_VI_PART_AFTERNOON:
	case DATETIME_VI_PART_EVENING: return h >= 1 && h <= 11 ? h + 12 : h;
	case DATETIME_VI_SCAN_NIGHT: return h >= 5 && h <= 11 ? h + 12 : h;
	case DATETIME_VI_PART_NONE: return h >= 1 && h <= 5 ? h + 12 : h;
	default: return h;
	}
}

/* Days from today to the weekday k names ("thu 6", "thu 6 tuan sau"), or
 * negative for one already past ("thu 6 tuan truoc"). */
static long weekday_delta(const struct ctx *c, const struct datetime_vi_scan_cand *k,
			  const struct picked *pk)
{
	int wd_now = weekday_of_days(pk->today), ok;
	long delta = (k->wday - wd_now + 7) % 7;

	if (k->week == DATETIME_VI_SCAN_WEEK_PLAIN && delta == 0) {
		/* today's weekday is today while the time asked is still ahead */
		if (pk->has_time)
			ok = pk->hour * 60 + pk->minute >= pk->now_min;
		else if (pk->part)
			ok = c->now->hour < part_end_hour(pk->part);
		else
			ok = c->now->hour < 11;
		delta = ok ? 0 : 7;
	} else if (k->week == DATETIME_VI_SCAN_WEEK_COMING && delta == 0) {
		delta = 7;
	} else if (k->week == DATETIME_VI_SCAN_WEEK_THIS || k->week == DATETIME_VI_SCAN_WEEK_NEXT ||
		   k->week == DATETIME_VI_SCAN_WEEK_AFTER) {
		/* Monday-started weeks: 0 = Monday .. 6 = Sunday */
		delta = (k->wday + 6) % 7 - (wd_now + 6) % 7 +
			(k->week == DATETIME_VI_SCAN_WEEK_NEXT ? 7 : 0) +
			(k->week == DATETIME_VI_SCAN_WEEK_AFTER ? 14 : 0);
	} else if (k->week == DATETIME_VI_SCAN_WEEK_LAST) {
		delta = -1;
	}
	return delta;
}

/* The calendar date a DATE candidate names: the month and year it leaves
 * out are the nearest ones that make sense. */
static void date_of(const struct ctx *c, const struct datetime_vi_scan_cand *k,
		    const struct picked *pk, long *year, long *month)
{
	const struct datetime_vi_now *now = c->now;
	long y = now->year, m = now->month;

	if (k->m == 0 && !k->m_rel) { /* day only: this month or the next */
		if (k->d < now->day && ++m > 12) {
			m = 1;
			y++;
		}
	} else if (k->m_rel) {
		m += k->m_off;
		if (m > 12) {
			m = 1;
			y++;
		}
	} else {
		m = k->m;
		if (k->y)
			y = k->y;
		else if (k->y_rel)
			y += k->y_off;
		else if (days_from_civil(y - 1, m, k->d) >= pk->today - 7)
			y--; /* "30/12" on 2 January: a week-old date, not next year's */
		else if (days_from_civil(y, m, k->d) < pk->today - 7)
			y++; /* long gone this year: they mean next year */
	}
	if (k->y)
		y = k->y;
	else if (k->y_rel && (k->m == 0 || k->m_rel))
		y = now->year + k->y_off;
	*year = y;
	*month = m;
}

/* The solar day of a lunar date candidate: the next one on or after
 * today (a day alone: in this lunar month or the next). */
static int lunar_day(const struct ctx *c, const struct datetime_vi_scan_cand *k,
		     struct picked *pk, long *day, const char **why)
{
	struct lunar_vi_solar today = { c->now->year, c->now->month, c->now->day }, out, o30;
	struct lunar_vi_date now_l, got;
	/* "30 thang chap" is the last day of the year even when it is the 29th */
	int last = k->d == -1 || k->d == 30;
	int m = k->m_mot ? 11 : k->m, d = last ? 29 : k->d, r;
	long z = pk->today;

	*why = "impossible date";
	if ((r = lunar_vi_from_solar(&today, &now_l)) < 0)
		goto out;
	if (k->m_rel)
		m = (now_l.month + k->m_off - 1) % 12 + 1;
	r = GW_ERR_INVAL;
	if (d < 1 || d > 30 || m < 0 || m > 12)
		goto out;
	if (m == 0) { /* the next day d of a lunar month: within two months */
		for (r = GW_ERR_NOTFOUND; z < pk->today + 62 && r == GW_ERR_NOTFOUND; z++) {
			civil_from_days(z, &out.year, &out.month, &out.day);
			if (lunar_vi_from_solar(&out, &got) == 0 && got.day == d)
				r = 0;
		}
		z--;
	} else if ((r = lunar_vi_next(&today, d, m, 0, &out)) == 0) {
		z = days_from_civil(out.year, out.month, out.day);
		/* the last day: the 30th when the coming month has one */
		if (last && lunar_vi_next(&today, 30, m, 0, &o30) == 0 &&
		    days_from_civil(o30.year, o30.month, o30.day) <= z + 1)
			z = days_from_civil(o30.year, o30.month, o30.day);
	}
	if (r < 0) {
		r = GW_ERR_INVAL;
		goto out;
	}
	civil_from_days(z, &out.year, &out.month, &out.day);
	if ((r = lunar_vi_from_solar(&out, &got)) < 0)
		goto out;
	*day = z;
	pk->lunar = 1;
	pk->lunar_date = got;
out:
	return r;
}

/* The day a candidate names, as days since epoch; *why on failure. */
static int resolve_day(const struct ctx *c, const struct datetime_vi_scan_cand *k,
		       struct picked *pk, long *day, const char **why)
{
	long y, m, delta, d;
	int r = GW_ERR_INVAL;

	switch (k->kind) {
	case DATETIME_VI_SCAN_REL:
		*day = pk->today + k->rel;
		r = 0;
		break;
	case DATETIME_VI_SCAN_WDAY:
		if ((delta = weekday_delta(c, k, pk)) < 0) {
			*why = "date in the past";
			break;
		}
		*day = pk->today + delta;
		r = 0;
		break;
	case DATETIME_VI_SCAN_DATE:
		if (k->cal != DATETIME_VI_SCAN_SOLAR) {
			r = lunar_day(c, k, pk, day, why);
			break;
		}
		d = k->d;
		if (d == -1) { /* the last day of the month: its year is this one or the next */
			struct datetime_vi_scan_cand last = *k;

			last.d = 1;
			date_of(c, &last, pk, &y, &m);
			d = days_in_month(y, (int)m);
			if (days_from_civil(y, m, d) < pk->today && !k->y && !k->y_rel && !k->m_rel)
				y++;
			d = days_in_month(y, (int)m);
		} else {
			date_of(c, k, pk, &y, &m);
		}
		if (!datetime_vi_valid_date((int)y, (int)m, d)) {
			*why = "impossible date";
			break;
		}
		*day = days_from_civil(y, m, d);
		r = 0;
		break;
	}
	return r;
}

static int valid_now(const struct datetime_vi_now *now)
{
	return now->year >= 1970 && now->year <= 9999 &&
	       datetime_vi_valid_date(now->year, now->month, now->day) &&
	       now->hour >= 0 && now->hour <= 23 && now->minute >= 0 && now->minute <= 59;
}

/* The tokens the resolved candidates cover: [first, last). */
struct span {
	size_t first, last;
};

static void span_add(struct span *sp, const struct datetime_vi_scan_cand *k)
{
	if (k->first < sp->first)
		sp->first = k->first;
	if (k->last + 1 > sp->last)
		sp->last = k->last + 1;
}

/* The candidates that decide: the first time, the first part of day, and
 * the date (the first written date, else the first relative day or
 * weekday). A candidate the scan found unusable fails the whole text. */
struct chosen {
	const struct datetime_vi_scan_cand *tm, *pt, *dt;
};

static int choose(const struct datetime_vi_scan_cand *cs, size_t nc, struct chosen *ch,
		  const char **why)
{
	int r = 0;

	memset(ch, 0, sizeof(*ch));
	for (size_t i = 0; i < nc; i++) {
		if (cs[i].err) {
			*why = cs[i].err;
			r = GW_ERR_INVAL;
			goto out;
		}
		if (cs[i].kind == DATETIME_VI_SCAN_TIME && !ch->tm)
			ch->tm = &cs[i];
		if (cs[i].kind == DATETIME_VI_SCAN_PART && !ch->pt)
			ch->pt = &cs[i];
		if (cs[i].kind == DATETIME_VI_SCAN_DATE &&
		    (!ch->dt || ch->dt->kind != DATETIME_VI_SCAN_DATE))
			ch->dt = &cs[i];
		if ((cs[i].kind == DATETIME_VI_SCAN_REL || cs[i].kind == DATETIME_VI_SCAN_WDAY) &&
		    !ch->dt)
			ch->dt = &cs[i];
	}
out:
	return r;
}

/* The time of day into pk: the part of day (a time's own part word wins)
 * and the hour it shifts ("3 gio chieu" is 15:00). */
static void pick_time(const struct chosen *ch, struct picked *pk, struct span *sp)
{
	if (ch->pt) {
		pk->part = ch->pt->part;
		span_add(sp, ch->pt);
	}
	if (ch->tm && ch->tm->after_min) { /* "hai tieng nua" */
		int at = pk->now_min + ch->tm->after_min;

		pk->has_time = 1;
		pk->after_day = at / 1440;
		pk->hour = at % 1440 / 60;
		pk->minute = at % 60;
		span_add(sp, ch->tm);
	} else if (ch->tm) {
		if (ch->tm->part)
			pk->part = ch->tm->part;
		pk->has_time = 1;
		pk->hour = shift_hour(ch->tm->hour, pk->part);
		pk->minute = ch->tm->minute;
		span_add(sp, ch->tm);
	}
}

/* A weekday or day word beside the date must name the same day ("thu 4
 * (3/12)"); a candidate of the date's own kind beside it is a list ("thu
 * 2, thu 4"), where the first wins. */
static int check_companions(const struct ctx *c, const struct datetime_vi_scan_cand *cs,
			    size_t nc, const struct datetime_vi_scan_cand *dt,
			    struct picked *pk, long day, struct span *sp, const char **why)
{
	int r = GW_ERR_INVAL;

	for (size_t i = 0; i < nc; i++) {
		const struct datetime_vi_scan_cand *q = &cs[i];
		long qday;

		if (q == dt || q->kind == DATETIME_VI_SCAN_TIME || q->kind == DATETIME_VI_SCAN_PART ||
		    q->kind == dt->kind || !datetime_vi_scan_adjacent(c->s, c->t, c->n, dt, q))
			continue;
		if (q->kind == DATETIME_VI_SCAN_WDAY && weekday_of_days(day) != q->wday) {
			*why = "weekday does not match date";
			goto out;
		}
		if (q->kind != DATETIME_VI_SCAN_WDAY) {
			if (resolve_day(c, q, pk, &qday, why) < 0)
				goto out;
			if (qday != day) {
				*why = "conflicting dates";
				goto out;
			}
		}
		span_add(sp, q);
	}
	r = 0;
out:
	return r;
}

/* The date into res: resolved, agreeing with its companions, not past. */
static int resolve_date(const struct ctx *c, const struct datetime_vi_scan_cand *cs, size_t nc,
			const struct datetime_vi_scan_cand *dt, struct picked *pk,
			struct span *sp, struct datetime_vi *res, const char **why)
{
	struct datetime_vi_scan_cand solar;
	struct span before = *sp;
	long day = 0;
	int r;

	if ((r = resolve_day(c, dt, pk, &day, why)) < 0)
		goto out;
	span_add(sp, dt);
	r = check_companions(c, cs, nc, dt, pk, day, sp, why);
	if (r < 0 && dt->cal == DATETIME_VI_SCAN_LUNAR_WORD) {
		/* "thu hai ngay 4 thang gieng": the weekday fits only January */
		solar = *dt;
		solar.cal = DATETIME_VI_SCAN_SOLAR;
		pk->lunar = 0;
		*sp = before;
		if ((r = resolve_day(c, &solar, pk, &day, why)) < 0)
			goto out;
		span_add(sp, dt);
		r = check_companions(c, cs, nc, dt, pk, day, sp, why);
	}
	if (r < 0)
		goto out;
	r = GW_ERR_INVAL;
	if (day < pk->today) {
		*why = "date in the past";
		goto out;
	}
	if (day == pk->today && pk->has_time && pk->hour * 60 + pk->minute < pk->now_min) {
		*why = "time in the past";
		goto out;
	}
	res->has_date = 1;
	civil_from_days(day, &res->year, &res->month, &res->day);
	res->weekday = weekday_of_days(day);
	res->lunar = pk->lunar;
	if (pk->lunar)
		res->lunar_date = pk->lunar_date;
	r = 0;
out:
	return r;
}

static int resolve(const struct ctx *c, const struct datetime_vi_scan_cand *cs, size_t nc,
		   struct datetime_vi *res, const char **why)
{
	struct chosen ch;
	struct picked pk;
	struct span sp = { (size_t)-1, 0 };
	int r;

	memset(&pk, 0, sizeof pk);
	memset(res, 0, sizeof *res);
	pk.today = days_from_civil(c->now->year, c->now->month, c->now->day);
	pk.now_min = c->now->hour * 60 + c->now->minute;
	if ((r = choose(cs, nc, &ch, why)) < 0)
		goto out;
	pick_time(&ch, &pk, &sp);
	if (ch.dt && (r = resolve_date(c, cs, nc, ch.dt, &pk, &sp, res, why)) < 0)
		goto out;
	if (!ch.dt && ch.tm && ch.tm->after_min) { /* counted from now: its own day */
		res->has_date = 1;
		civil_from_days(pk.today + pk.after_day, &res->year, &res->month, &res->day);
		res->weekday = weekday_of_days(pk.today + pk.after_day);
	}
	if (pk.has_time) {
		res->has_time = 1;
		res->hour = pk.hour;
		res->minute = pk.minute;
	}
	res->part_of_day = pk.part == DATETIME_VI_SCAN_NIGHT ? DATETIME_VI_PART_EVENING : pk.part;
	if (sp.last) {
		/* "vao" / "luc" just before belongs to it ("vao thu 6") */
		if (sp.first > 0 && (vitok_is_word(&c->t[sp.first - 1], c->s, "vao") ||
				     vitok_is_word(&c->t[sp.first - 1], c->s, "luc")))
			sp.first--;
		res->span_start = c->t[sp.first].start;
		res->span_end = c->t[sp.last - 1].end;
	}
	r = 0;
out:
	return r;
}

int datetime_vi_parse(const char *text, const struct datetime_vi_now *now,
		      struct datetime_vi *out, const char **why)
{
	struct buf folded;
	struct vitok *toks = NULL;
	struct datetime_vi_scan_cand cs[DATETIME_VI_SCAN_MAX];
	struct ctx c;
	struct datetime_vi res;
	const char *reason = "bad argument";
	size_t n, nc;
	int r = GW_ERR_INVAL;

	buf_init(&folded, 0);
	if (!text || !now || !out || !valid_now(now))
		goto out;
	if ((r = vitok_fold_split(text, DATETIME_VI_MAX_TEXT, &folded, &toks, &n)) < 0) {
		reason = r == GW_ERR_NOMEM ? "out of memory" : "text too long";
		goto out;
	}
	n = numword_vi_fold(folded.data, toks, n);
	c.s = folded.data;
	c.t = toks;
	c.n = n;
	c.now = now;
	nc = datetime_vi_scan(c.s, c.t, c.n, cs, DATETIME_VI_SCAN_MAX);
	/* "hen ngay 20 thang 11, am lich nhe": the marker speaks for every date */
	if (datetime_vi_scan_lunar_said(c.s, c.t, c.n))
		for (size_t i = 0; i < nc; i++)
			if (cs[i].kind == DATETIME_VI_SCAN_DATE && !cs[i].y)
				cs[i].cal = DATETIME_VI_SCAN_LUNAR;
	/* "ra gieng, mung 6": a day alone is in the first lunar month */
	if (datetime_vi_scan_new_year(c.s, c.t, c.n))
		for (size_t i = 0; i < nc; i++)
			if (cs[i].kind == DATETIME_VI_SCAN_DATE && cs[i].m == 0 && !cs[i].m_rel &&
			    !cs[i].y) {
				cs[i].m = 1;
				if (cs[i].cal == DATETIME_VI_SCAN_SOLAR)
					cs[i].cal = DATETIME_VI_SCAN_LUNAR_WORD;
			}
	if ((r = resolve(&c, cs, nc, &res, &reason)) < 0)
		goto out;
	*out = res;
out:
	if (r < 0 && why)
		*why = reason;
	free(toks);
	buf_release(&folded);
	return r;
}
