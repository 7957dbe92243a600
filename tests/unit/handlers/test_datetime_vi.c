/* test_datetime_vi.c - table-driven tests of handlers/datetime_vi.
 *
 * Each row is a message, the arrival it came in at, and what the parser
 * must make of it: a date, a time, a part of day, or the reason it is
 * refused. Rows run in one loop that reports every mismatch, so a change
 * in the rules shows all the rows it moves at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/datetime_vi.h"
#include "handlers/vi/textfold.h"

/* Arrivals, office local time. */
static const struct datetime_vi_now WED = { 2025, 11, 26, 9, 15 };   /* Wednesday morning */
static const struct datetime_vi_now WEDNOON = { 2025, 11, 26, 12, 0 };
static const struct datetime_vi_now SAT = { 2025, 11, 29, 14, 0 };   /* Saturday afternoon */
static const struct datetime_vi_now SUN = { 2025, 11, 30, 10, 0 };   /* Sunday morning */
static const struct datetime_vi_now YEAREND = { 2025, 12, 28, 10, 0 }; /* a Sunday */
static const struct datetime_vi_now NEWYEAR = { 2026, 1, 2, 8, 0 };  /* a Friday */
static const struct datetime_vi_now LEAP = { 2028, 2, 27, 8, 0 };    /* 2028 is a leap year */
static const struct datetime_vi_now NOLEAP = { 2027, 2, 27, 8, 0 };

enum { NONE = DATETIME_VI_PART_NONE, MORN = DATETIME_VI_PART_MORNING,
       NOON = DATETIME_VI_PART_NOON, AFT = DATETIME_VI_PART_AFTERNOON,
       EVE = DATETIME_VI_PART_EVENING };

struct row {
	const struct datetime_vi_now *now;
	const char *text;
	const char *date;  /* "yyyy-mm-dd", NULL = no date */
	const char *time;  /* "hh:mm", NULL = no time */
	int part;
	const char *why;   /* non-NULL: must fail with GW_ERR_INVAL and this reason */
	const char *span;  /* non-NULL: the folded text the span must cover */
};

static const struct row rows[] = {
	/* numeric dates */
	{ &WED, "3/12", "2025-12-03", NULL, NONE, NULL, "3/12" },
	{ &WED, "03/12", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &WED, "3-12", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &WED, "3.12", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &WED, "3/12/2026", "2026-12-03", NULL, NONE, NULL, NULL },
	{ &WED, "3/12/26", "2026-12-03", NULL, NONE, NULL, NULL },
	{ &WED, "15.12.2026", "2026-12-15", NULL, NONE, NULL, NULL },
	{ &WED, "2026-01-15", "2026-01-15", NULL, NONE, NULL, NULL },
	{ &WED, "bao hiem y te het han 31/12", "2025-12-31", NULL, NONE, NULL, "31/12" },
	/* month words */
	{ &WED, "15 thang 12", "2025-12-15", NULL, NONE, NULL, NULL },
	{ &WED, "ngay 15 thang 12", "2025-12-15", NULL, NONE, NULL, "ngay 15 thang 12" },
	{ &WED, "ngay 15/12", "2025-12-15", NULL, NONE, NULL, "ngay 15/12" },
	{ &WED, "15 tháng 12", "2025-12-15", NULL, NONE, NULL, NULL },
	{ &WED, "Ngày 15 tháng 12 năm 2026", "2026-12-15", NULL, NONE, NULL, NULL },
	{ &WED, "15/12 nam sau", "2026-12-15", NULL, NONE, NULL, NULL },
	{ &WED, "ngay 5 thang sau", "2025-12-05", NULL, NONE, NULL, NULL },
	{ &WED, "ngay 15", "2025-12-15", NULL, NONE, NULL, NULL },
	{ &WED, "mùng 5", "2025-12-05", NULL, NONE, NULL, NULL },
	{ &WED, "ngay 26", "2025-11-26", NULL, NONE, NULL, NULL },
	/* relative days */
	{ &WED, "hom nay", "2025-11-26", NULL, NONE, NULL, NULL },
	{ &WED, "nay hop to", "2025-11-26", NULL, NONE, NULL, "nay" },
	{ &WED, "mai", "2025-11-27", NULL, NONE, NULL, NULL },
	{ &WED, "ngay mai", "2025-11-27", NULL, NONE, NULL, NULL },
	{ &WED, "ngày kia", "2025-11-28", NULL, NONE, NULL, NULL },
	{ &WED, "mot 8h", "2025-11-28", "08:00", NONE, NULL, NULL },
	{ &WED, "sáng mốt", "2025-11-28", NULL, MORN, NULL, NULL },
	/* weekdays, arrival Wednesday 09:15 */
	{ &WED, "thu 2", "2025-12-01", NULL, NONE, NULL, NULL },
	{ &WED, "thu 3", "2025-12-02", NULL, NONE, NULL, NULL },
	{ &WED, "thu 7", "2025-11-29", NULL, NONE, NULL, NULL },
	{ &WED, "t2", "2025-12-01", NULL, NONE, NULL, NULL },
	{ &WED, "T6", "2025-11-28", NULL, NONE, NULL, NULL },
	{ &WED, "thu hai", "2025-12-01", NULL, NONE, NULL, NULL },
	{ &WED, "thứ ba", "2025-12-02", NULL, NONE, NULL, NULL },
	{ &WED, "thu tu", "2025-11-26", NULL, NONE, NULL, NULL },
	{ &WED, "thứ năm", "2025-11-27", NULL, NONE, NULL, NULL },
	{ &WED, "thu sau", "2025-11-28", NULL, NONE, NULL, NULL },
	{ &WED, "thứ bảy", "2025-11-29", NULL, NONE, NULL, NULL },
	{ &WED, "chu nhat", "2025-11-30", NULL, NONE, NULL, NULL },
	{ &WED, "CN", "2025-11-30", NULL, NONE, NULL, NULL },
	{ &WED, "thu 4 tuan sau", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &WED, "Thứ 4 tuần sau", "2025-12-03", NULL, NONE, NULL, "thu 4 tuan sau" },
	{ &WED, "thu 6 tuan toi", "2025-12-05", NULL, NONE, NULL, NULL },
	{ &WED, "tuan sau thu 2", "2025-12-01", NULL, NONE, NULL, NULL },
	{ &WED, "thu 6 tuan nay", "2025-11-28", NULL, NONE, NULL, NULL },
	{ &WED, "thu 2 tuan nay", NULL, NULL, NONE, "date in the past", NULL },
	{ &WED, "thu 2 tuan truoc", NULL, NULL, NONE, "date in the past", NULL },
	{ &WED, "thu 7 toi", "2025-11-29", NULL, NONE, NULL, NULL },
	{ &WED, "thu 4 8h", "2025-12-03", "08:00", NONE, NULL, NULL },
	{ &WED, "thu 4 10h", "2025-11-26", "10:00", NONE, NULL, NULL },
	{ &WED, "thu sau 8h", "2025-11-28", "08:00", NONE, NULL, NULL },
	/* parts of day */
	{ &WED, "sang mai", "2025-11-27", NULL, MORN, NULL, NULL },
	{ &WED, "chieu nay", "2025-11-26", NULL, AFT, NULL, NULL },
	{ &WED, "toi nay", "2025-11-26", NULL, EVE, NULL, NULL },
	{ &WED, "sang thu 3", "2025-12-02", NULL, MORN, NULL, NULL },
	{ &WED, "chiều nay 2 giờ", "2025-11-26", "14:00", AFT, NULL, "chieu nay 2 gio" },
	{ &WED, "toi mai 7 gio", "2025-11-27", "19:00", EVE, NULL, NULL },
	{ &WED, "sang", NULL, NULL, MORN, NULL, NULL },
	/* times */
	{ &WED, "8h", NULL, "08:00", NONE, NULL, NULL },
	{ &WED, "8h30", NULL, "08:30", NONE, NULL, NULL },
	{ &WED, "8g30", NULL, "08:30", NONE, NULL, NULL },
	{ &WED, "8 gio", NULL, "08:00", NONE, NULL, NULL },
	{ &WED, "8 giờ 30", NULL, "08:30", NONE, NULL, NULL },
	{ &WED, "8 gio ruoi", NULL, "08:30", NONE, NULL, NULL },
	{ &WED, "14h30", NULL, "14:30", NONE, NULL, NULL },
	{ &WED, "14:30", NULL, "14:30", NONE, NULL, NULL },
	{ &WED, "2 gio chieu", NULL, "14:00", AFT, NULL, NULL },
	{ &WED, "9 gio sang", NULL, "09:00", MORN, NULL, NULL },
	{ &WED, "3h chieu", NULL, "15:00", AFT, NULL, NULL },
	{ &WED, "8h toi", NULL, "20:00", EVE, NULL, NULL },
	{ &WED, "12h trua", NULL, "12:00", NOON, NULL, NULL },
	{ &WED, "1h trua", NULL, "13:00", NOON, NULL, NULL },
	{ &WED, "2h dem", NULL, "02:00", EVE, NULL, NULL },
	{ &WED, "10h đêm", NULL, "22:00", EVE, NULL, NULL },
	{ &WED, "8h kem 15", NULL, "07:45", NONE, NULL, NULL },
	{ &WED, "luc 8", NULL, "08:00", NONE, NULL, NULL },
	{ &WED, "luc 3", NULL, "15:00", NONE, NULL, NULL },
	{ &WED, "luc 8.30", NULL, "08:30", NONE, NULL, NULL },
	/* whole messages */
	{ &WED, "NGÀY MAI 8G30 SÁNG", "2025-11-27", "08:30", MORN, NULL, NULL },
	{ &WED, "Sáng mai 7h30 họp thôn", "2025-11-27", "07:30", MORN, NULL, "sang mai 7h30" },
	{ &WED, "hẹn thứ bảy tuần tới lúc 9 giờ sáng", "2025-12-06", "09:00", MORN, NULL,
	  "thu bay tuan toi luc 9 gio sang" },
	{ &WED, "Hop to dan pho chieu 2 gio ngay 5/12 tai nha van hoa", "2025-12-05", "14:00", AFT,
	  NULL, "chieu 2 gio ngay 5/12" },
	{ &WED, "dang ky kham benh sang thu 3 tuan sau luc 8h", "2025-12-02", "08:00", MORN, NULL,
	  "sang thu 3 tuan sau luc 8h" },
	{ &WED, "UT 3 ngay 15/12", "2025-12-15", NULL, NONE, NULL, "ngay 15/12" },
	{ &WED, "hom nay 10h", "2025-11-26", "10:00", NONE, NULL, NULL },
	{ &WED, "thu 4 (3/12)", "2025-12-03", NULL, NONE, NULL, "thu 4 (3/12" },
	{ &WED, "mai 27/11", "2025-11-27", NULL, NONE, NULL, NULL },
	{ &WED, "\xff\xfe" "3/12\xc3", "2025-12-03", NULL, NONE, NULL, NULL },
	/* refused */
	{ &WED, "hom nay 8h", NULL, NULL, NONE, "time in the past", NULL },
	{ &WED, "thu 5 (3/12)", NULL, NULL, NONE, "weekday does not match date", NULL },
	{ &WED, "mai 28/11", NULL, NULL, NONE, "conflicting dates", NULL },
	{ &WED, "31/2", NULL, NULL, NONE, "impossible date", NULL },
	{ &WED, "32/1", NULL, NULL, NONE, "impossible date", NULL },
	{ &WED, "0/5", NULL, NULL, NONE, "impossible date", NULL },
	{ &WED, "5/13", NULL, NULL, NONE, "impossible date", NULL },
	{ &WED, "ngay 5 thang 13", NULL, NULL, NONE, "impossible date", NULL },
	{ &WED, "8h75", NULL, NULL, NONE, "impossible time", NULL },
	{ &WED, "25:00", NULL, NULL, NONE, "impossible time", NULL },
	{ &WED, "20/11", NULL, NULL, NONE, "date in the past", NULL },
	{ &WED, "10/10/2025", NULL, NULL, NONE, "date in the past", NULL },
	{ &WED, "sinh ngay 3/12/1990", NULL, NULL, NONE, "date in the past", NULL },
	{ &WED, "1/11", "2026-11-01", NULL, NONE, NULL, NULL },
	/* lunar dates: the next one (more in test_datetime_words.c) */
	{ &WED, "3/12 âm lịch", "2026-01-21", NULL, NONE, NULL, "3/12 am lich" },
	{ &WED, "ngay 15 thang 7 am lich", "2026-08-27", NULL, NONE, NULL, NULL },
	/* not dates or times */
	{ &WED, "1tr2", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "6 trieu", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "30 tuoi", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "0912345678", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "+84912345678", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "0912.345.678", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "4 nguoi", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "UT 3", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "1.5tr", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "1.5 trieu", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "1.200.000", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "hem 3/12", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "so nha 12/3 duong 3/2", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "lan thu 2", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "ty le 1/3", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "Tôi sang 8h", NULL, "08:00", NONE, NULL, "8h" },
	{ &WED, "mai toi ban", "2025-11-27", NULL, NONE, NULL, "mai" },
	{ &WED, "can nguoi lam tu 7h den 17h", NULL, "07:00", NONE, NULL, "7h" },
	{ &WED, "hop luc 2h30 chieu thu 6 ngay 28/11", "2025-11-28", "14:30", AFT, NULL,
	  "luc 2h30 chieu thu 6 ngay 28/11" },
	{ &WED, "28/11/2025 8:00", "2025-11-28", "08:00", NONE, NULL, NULL },
	{ &WED, "con thu 2 cua toi 5 tuoi", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "toi muon dang ky", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "sang nha chi", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "chieu cao 1m6", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "chi Mai goi", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "Nguyễn Thị Mai", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "goi lai sau 2 gio", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "trong 2 gio", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "lam 8h/ngay", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "lam 8 gio moi ngay", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "48h", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "2 ngay 1 dem", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "moi ngay 2 lan", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "3-5 nguoi", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "3-5 nam kinh nghiem", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "nhan luong ngay 10 hang thang", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "thu tu uu tien", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "8.30", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "mai mot", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "mot nguoi", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "nam nay", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "", NULL, NULL, NONE, NULL, NULL },
	{ &WED, "Toi ten Lan, 30 tuoi, nha 4 nguoi, thu nhap 6tr/thang", NULL, NULL, NONE, NULL, NULL },
	/* the same weekday as the arrival, at noon */
	{ &WEDNOON, "thu 4", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &WEDNOON, "chieu thu 4", "2025-11-26", NULL, AFT, NULL, NULL },
	{ &WEDNOON, "thu 4 toi", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &WEDNOON, "thu 4 toi 8h", "2025-11-26", "20:00", EVE, NULL, NULL },
	/* arrival on a Saturday afternoon */
	{ &SAT, "thu 7", "2025-12-06", NULL, NONE, NULL, NULL },
	{ &SAT, "chieu thu 7", "2025-11-29", NULL, AFT, NULL, NULL },
	{ &SAT, "sang thu 7", "2025-12-06", NULL, MORN, NULL, NULL },
	{ &SAT, "thu 7 15h", "2025-11-29", "15:00", NONE, NULL, NULL },
	{ &SAT, "cn", "2025-11-30", NULL, NONE, NULL, NULL },
	{ &SAT, "thu 2 tuan sau", "2025-12-01", NULL, NONE, NULL, NULL },
	/* arrival on a Sunday morning: the week ends today */
	{ &SUN, "thu 4 tuan sau", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &SUN, "thu 4", "2025-12-03", NULL, NONE, NULL, NULL },
	{ &SUN, "cn", "2025-11-30", NULL, NONE, NULL, NULL },
	{ &SUN, "cn tuan sau", "2025-12-07", NULL, NONE, NULL, NULL },
	{ &SUN, "thu 2 tuan nay", NULL, NULL, NONE, "date in the past", NULL },
	{ &SUN, "mai", "2025-12-01", NULL, NONE, NULL, NULL },
	/* across the year boundary */
	{ &YEAREND, "3/1", "2026-01-03", NULL, NONE, NULL, NULL },
	{ &YEAREND, "mai", "2025-12-29", NULL, NONE, NULL, NULL },
	{ &YEAREND, "31/12", "2025-12-31", NULL, NONE, NULL, NULL },
	{ &YEAREND, "22/12", NULL, NULL, NONE, "date in the past", NULL },
	{ &YEAREND, "20/12", "2026-12-20", NULL, NONE, NULL, NULL },
	{ &YEAREND, "ngay 5", "2026-01-05", NULL, NONE, NULL, NULL },
	{ &YEAREND, "thu 5 tuan sau", "2026-01-01", NULL, NONE, NULL, NULL },
	{ &NEWYEAR, "30/12", NULL, NULL, NONE, "date in the past", NULL },
	{ &NEWYEAR, "25/12", "2026-12-25", NULL, NONE, NULL, NULL },
	{ &NEWYEAR, "2/1", "2026-01-02", NULL, NONE, NULL, NULL },
	/* leap years */
	{ &LEAP, "29/2/2028", "2028-02-29", NULL, NONE, NULL, NULL },
	{ &LEAP, "29/2", "2028-02-29", NULL, NONE, NULL, NULL },
	{ &LEAP, "ngay kia", "2028-02-29", NULL, NONE, NULL, NULL },
	{ &LEAP, "ngay 30", NULL, NULL, NONE, "impossible date", NULL },
	{ &NOLEAP, "29/2/2027", NULL, NULL, NONE, "impossible date", NULL },
	{ &NOLEAP, "29/2", NULL, NULL, NONE, "impossible date", NULL },
	{ &NOLEAP, "ngay kia", "2027-03-01", NULL, NONE, NULL, NULL },
	{ &NOLEAP, "mai", "2027-02-28", NULL, NONE, NULL, NULL },
	{ &WED, "0 thang nay", NULL, NULL, NONE, "impossible date", NULL },
};

/* The folded text under [start, end), to compare spans by content. */
static void folded_span(const char *text, size_t start, size_t end, char *dst, size_t dstsz)
{
	struct buf b;

	buf_init(&b, 0);
	dst[0] = '\0';
	if (textfold_ascii(&b, text, strlen(text)) == 0 && start <= end && end <= b.len &&
	    end - start < dstsz) {
		memcpy(dst, b.data + start, end - start);
		dst[end - start] = '\0';
	}
	buf_release(&b);
}

static int check_row(const struct row *w)
{
	struct datetime_vi r;
	const char *why = "untouched";
	char got_date[16] = "-", got_time[8] = "-", span[256];
	int rc, bad = 0;

	memset(&r, 0x5a, sizeof r);
	rc = datetime_vi_parse(w->text, w->now, &r, &why);
	if (w->why) {
		const unsigned char *p = (const unsigned char *)&r;

		if (rc != GW_ERR_INVAL || strcmp(why, w->why) != 0) {
			print_error("'%s': want error '%s', got rc %d '%s'\n", w->text, w->why, rc,
				    rc < 0 ? why : "");
			bad = 1;
		}
		for (size_t i = 0; i < sizeof r; i++)
			if (p[i] != 0x5a) {
				print_error("'%s': out written on failure\n", w->text);
				bad = 1;
				break;
			}
		return bad;
	}
	if (rc != 0) {
		print_error("'%s': want success, got rc %d '%s'\n", w->text, rc, why);
		return 1;
	}
	if (strcmp(why, "untouched") != 0) {
		print_error("'%s': why written on success\n", w->text);
		bad = 1;
	}
	if (r.has_date) {
		snprintf(got_date, sizeof got_date, "%04d-%02d-%02d", r.year, r.month, r.day);
		if (r.weekday != datetime_vi_weekday(r.year, r.month, r.day)) {
			print_error("'%s': weekday %d is wrong\n", w->text, r.weekday);
			bad = 1;
		}
	}
	if (r.has_time)
		snprintf(got_time, sizeof got_time, "%02d:%02d", r.hour, r.minute);
	if (strcmp(got_date, w->date ? w->date : "-") != 0 ||
	    strcmp(got_time, w->time ? w->time : "-") != 0 || r.part_of_day != w->part) {
		print_error("'%s': want %s %s part %d, got %s %s part %d\n", w->text,
			    w->date ? w->date : "-", w->time ? w->time : "-", w->part, got_date,
			    got_time, r.part_of_day);
		bad = 1;
	}
	if (!r.has_date && !r.has_time && !r.part_of_day && (r.span_start || r.span_end)) {
		print_error("'%s': span set with nothing found\n", w->text);
		bad = 1;
	}
	if (w->span) {
		folded_span(w->text, r.span_start, r.span_end, span, sizeof span);
		if (strcmp(span, w->span) != 0) {
			print_error("'%s': want span '%s', got '%s'\n", w->text, w->span, span);
			bad = 1;
		}
	}
	return bad;
}

static void test_table(void **state)
{
	size_t n = sizeof rows / sizeof rows[0], failed = 0;

	(void)state;
	for (size_t i = 0; i < n; i++)
		failed += (size_t)check_row(&rows[i]);
	print_message("%zu datetime_vi rows, %zu failed\n", n, failed);
	assert_true(n >= 80);
	assert_int_equal(failed, 0);
}

static void test_bad_arguments(void **state)
{
	struct datetime_vi r;
	struct datetime_vi_now bad = { 2025, 2, 30, 9, 0 };
	struct datetime_vi_now late = { 2025, 2, 3, 24, 0 };
	const char *why = NULL;

	(void)state;
	assert_int_equal(datetime_vi_parse(NULL, &WED, &r, &why), GW_ERR_INVAL);
	assert_string_equal(why, "bad argument");
	assert_int_equal(datetime_vi_parse("mai", NULL, &r, NULL), GW_ERR_INVAL);
	assert_int_equal(datetime_vi_parse("mai", &WED, NULL, NULL), GW_ERR_INVAL);
	assert_int_equal(datetime_vi_parse("mai", &bad, &r, NULL), GW_ERR_INVAL);
	assert_int_equal(datetime_vi_parse("mai", &late, &r, NULL), GW_ERR_INVAL);
}

static void test_long_text(void **state)
{
	static char text[DATETIME_VI_MAX_TEXT + 2];
	struct datetime_vi r;
	const char *why = NULL;

	(void)state;
	memset(text, 'a', sizeof text - 1);
	memcpy(text, "mai ", 4);
	text[DATETIME_VI_MAX_TEXT + 1] = '\0';
	assert_int_equal(datetime_vi_parse(text, &WED, &r, &why), GW_ERR_TOOBIG);
	assert_string_equal(why, "text too long");
	text[DATETIME_VI_MAX_TEXT] = '\0'; /* exactly at the limit is read */
	assert_int_equal(datetime_vi_parse(text, &WED, &r, &why), 0);
	assert_int_equal(r.has_date, 1);
	assert_int_equal(r.day, 27);
}

static void test_calendar(void **state)
{
	(void)state;
	assert_int_equal(datetime_vi_weekday(2025, 11, 26), 3);
	assert_int_equal(datetime_vi_weekday(2000, 1, 1), 6);
	assert_int_equal(datetime_vi_weekday(2028, 2, 29), 2);
	assert_true(datetime_vi_valid_date(2000, 2, 29));
	assert_false(datetime_vi_valid_date(1900, 2, 29));
	assert_false(datetime_vi_valid_date(2025, 4, 31));
	assert_false(datetime_vi_valid_date(2025, 0, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_calendar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
