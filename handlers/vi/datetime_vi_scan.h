/* datetime_vi_scan.h - where a folded Vietnamese text writes a date, a
 * relative day, a weekday, a time or a part of the day.
 *
 * The first half of datetime_vi_parse(): it reads the forms listed in
 * datetime_vi.h off vitok tokens of textfold_ascii() text and says what
 * each one names as written ("thu 4 tuan sau", "15/12", "8h30 toi"),
 * without a calendar or the message's arrival; datetime_vi.c resolves
 * the candidates to a day and an hour. Most numbers in these messages
 * are money, counts or codes, so a number is a candidate only when the
 * words around it say so. Pure: no I/O, no allocation, no globals.
 */
#ifndef GW_DATETIME_VI_SCAN_H
#define GW_DATETIME_VI_SCAN_H

#include <stddef.h>

#include "handlers/vi/vitok.h"

/* Enough for any real message; later candidates would be ignored anyway. */
#define DATETIME_VI_SCAN_MAX 32

enum datetime_vi_scan_kind {
	DATETIME_VI_SCAN_DATE = 1, /* a written date: 15/12, 15 thang 12, ngay 15 */
	DATETIME_VI_SCAN_REL,      /* a day counted from today: nay, mai, ngay kia */
	DATETIME_VI_SCAN_WDAY,     /* a weekday: thu 4, t4, chu nhat, with its week */
	DATETIME_VI_SCAN_TIME,     /* a clock time: 8h30, 8 gio ruoi, 14:30 */
	DATETIME_VI_SCAN_PART,     /* a part of the day standing alone: sang, chieu */
};

/* Which week a weekday is in, as written. */
enum datetime_vi_scan_week {
	DATETIME_VI_SCAN_WEEK_PLAIN,  /* no week word */
	DATETIME_VI_SCAN_WEEK_COMING, /* "thu 7 toi": the coming one, never today */
	DATETIME_VI_SCAN_WEEK_THIS,   /* "tuan nay", "thu 2 nay" */
	DATETIME_VI_SCAN_WEEK_NEXT,   /* "tuan sau", "tuan toi" */
	DATETIME_VI_SCAN_WEEK_LAST,   /* "tuan truoc" */
	DATETIME_VI_SCAN_WEEK_AFTER,  /* "tuan sau nua": the week after next */
};

/* How a written date is reckoned. */
enum datetime_vi_scan_cal {
	DATETIME_VI_SCAN_SOLAR = 0,
	DATETIME_VI_SCAN_LUNAR,        /* said so: "am lich", "al", "ÂL" */
	DATETIME_VI_SCAN_LUNAR_WORD,   /* a lunar word without the marker: rằm, tết,
					* tháng giêng / chạp (solar when a weekday
					* beside it fits only the solar reading) */
};

/* A part of the day beyond enum datetime_vi_part: "dem"/"khuya" shift
 * hours differently from "toi" but are reported as evening. */
#define DATETIME_VI_SCAN_NIGHT 5

struct datetime_vi_scan_cand {
	int kind;             /* enum datetime_vi_scan_kind */
	size_t first, last;   /* tokens, inclusive */
	const char *err;      /* set when the text is a date/time but unusable:
	                       * "impossible date", "impossible time" (static) */
	int d, m, y;          /* DATE: m == 0 day only, y == 0 not written;
	                       * d == -1 the last day ("ngay cuoi cung cua thang") */
	int cal;              /* DATE: enum datetime_vi_scan_cal */
	int m_mot;            /* DATE: month written "thang mot": January, or in the
	                       * lunar year the eleventh month */
	int m_rel, m_off;     /* DATE: month written as "nay" (0) / "sau" (1) */
	int y_rel, y_off;     /* DATE: year written as "nay" (0) / "sau" (1) */
	int rel;              /* REL: days after today */
	int wday, week;       /* WDAY: 0 = Sunday, enum datetime_vi_scan_week */
	int hour, minute;     /* TIME: as written, before any part-of-day shift */
	int after_min;        /* TIME: "hai tieng nua": this many minutes after the
	                       * arrival (hour, minute unused) */
	int part;             /* TIME: its own part word, else 0; PART: the part
	                       * (enum datetime_vi_part or DATETIME_VI_SCAN_NIGHT) */
};

/* The candidates in s's tokens t[0..n), in text order, into cs[0..max)
 * (max at most DATETIME_VI_SCAN_MAX is plenty); returns how many. A
 * token belongs to at most one candidate. */
size_t datetime_vi_scan(const char *s, const struct vitok *t, size_t n,
			struct datetime_vi_scan_cand *cs, size_t max);

/* 1 when the text says its dates are lunar anywhere ("... am lich",
 * "(AL)", "lich am"), not only next to one. */
int datetime_vi_scan_lunar_said(const char *s, const struct vitok *t, size_t n);

/* 1 when the text speaks of the lunar new year ("tet", "ra gieng"): a day
 * without its month is then in the first lunar month ("ra gieng, mung 6
 * am"). */
int datetime_vi_scan_new_year(const char *s, const struct vitok *t, size_t n);

/* 1 when at most three tokens, each punctuation or a connector word
 * ("ngay", "la", "tuc", "vao", ...), stand between candidates a and b of
 * one scan of t[0..n), as in "thu 4 (3/12)" or "mai, ngay 3/12": then
 * both name the same day. Else 0 (also when they overlap). */
int datetime_vi_scan_adjacent(const char *s, const struct vitok *t, size_t n,
			      const struct datetime_vi_scan_cand *a,
			      const struct datetime_vi_scan_cand *b);

#endif
