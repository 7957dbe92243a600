/* test_datetime_words.c - dates and times as people say them: numbers in
 * words (numword_vi.h), month names, first/last day of a month, weeks
 * after next, "in two hours", and lunar dates (datetime_vi.h, lunar_vi.h).
 *
 * The lunar rows are checked against published dates: Tet (1/1) 2027 is
 * 6 February 2027, lunar month 11 of Binh Ngo (2026) begins on 9 December
 * 2026, month 12 on 8 January 2027 with 29 days; Tet 2007 was 17 February
 * in Vietnam (18 in China), Tet 1985 21 January (20 February in China).
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
#include "handlers/vi/lunar_vi.h"
#include "handlers/vi/numword_vi.h"
#include "handlers/vi/vitok.h"

/* Arrivals, office local time. */
static const struct datetime_vi_now MON = { 2026, 12, 7, 9, 0 };    /* 29/10 Binh Ngo */
static const struct datetime_vi_now THU = { 2027, 1, 14, 10, 0 };   /* 7/12 Binh Ngo */
static const struct datetime_vi_now Y2006 = { 2006, 12, 1, 9, 0 };
static const struct datetime_vi_now Y1984 = { 1984, 12, 1, 9, 0 };

enum { NONE = DATETIME_VI_PART_NONE, MORN = DATETIME_VI_PART_MORNING,
       AFT = DATETIME_VI_PART_AFTERNOON, EVE = DATETIME_VI_PART_EVENING };

struct row {
	const struct datetime_vi_now *now;
	const char *text;
	const char *date;  /* "yyyy-mm-dd", NULL = no date */
	const char *time;  /* "hh:mm", NULL = no time */
	int part;
	const char *lunar; /* lunar_vi_format of the lunar date, NULL = solar */
};

static const struct row rows[] = {
	/* hours and minutes in words */
	{ &MON, "hen gap can bo hai gio ruoi chieu mai", "2026-12-08", "14:30", AFT, NULL },
	{ &MON, "ba gio ruoi chieu", NULL, "15:30", AFT, NULL },
	{ &MON, "Ba giờ rưỡi chiều thứ 4", "2026-12-09", "15:30", AFT, NULL },
	{ &MON, "muoi mot gio", NULL, "11:00", NONE, NULL },
	{ &MON, "chin gio sang thu hai tuan toi", "2026-12-14", "09:00", MORN, NULL },
	{ &MON, "11 gio kem 15", NULL, "10:45", NONE, NULL },
	{ &MON, "11 gio kem muoi lam", NULL, "10:45", NONE, NULL },
	{ &MON, "hai gio muoi lam chieu", NULL, "14:15", AFT, NULL },
	{ &MON, "mot gio chieu", NULL, "13:00", AFT, NULL },
	{ &MON, "luc bay gio sang mai", "2026-12-08", "07:00", MORN, NULL },
	{ &MON, "10h45", NULL, "10:45", NONE, NULL },
	{ &MON, "luc 3 gio chieu", NULL, "15:00", AFT, NULL },
	{ &MON, "hen 3 tieng chieu thu 5", "2026-12-10", "15:00", AFT, NULL },
	{ &MON, "luc hai tieng chieu", NULL, "14:00", AFT, NULL },
	/* counted from the arrival */
	{ &MON, "hai tieng nua em qua", "2026-12-07", "11:00", NONE, NULL },
	{ &MON, "30 phut nua", "2026-12-07", "09:30", NONE, NULL },
	/* words that only look like numbers */
	{ &MON, "bay gio toi chua hieu", NULL, NULL, NONE, NULL },
	{ &MON, "sau gio lam em moi ranh", NULL, NULL, NONE, NULL },
	{ &MON, "toi can hai tieng de lam", NULL, NULL, NONE, NULL },
	{ &MON, "vay ba thang mot lan", NULL, NULL, NONE, NULL },
	{ &MON, "nha co mot nguoi", NULL, NULL, NONE, NULL },
	{ &MON, "thang sau toi di lam", NULL, NULL, NONE, NULL },
	/* month names and days in words */
	{ &MON, "mong 3 thang ba", "2027-03-03", NULL, NONE, NULL },
	{ &MON, "ngay 7 thang ba", "2027-03-07", NULL, NONE, NULL },
	{ &MON, "mung muoi thang tu", "2027-04-10", NULL, NONE, NULL },
	{ &MON, "hai muoi thang muoi hai", "2026-12-20", NULL, NONE, NULL },
	{ &MON, "ngay 12 thang mot nam sau", "2027-01-12", NULL, NONE, NULL },
	{ &MON, "mung mot", "2027-01-01", NULL, NONE, NULL },
	{ &MON, "ngay mot", "2026-12-09", NULL, NONE, NULL },
	{ &MON, "doi hen qua mot nhe", "2026-12-09", NULL, NONE, NULL },
	/* first and last days, weeks */
	{ &MON, "ngay dau tien cua thang 3", "2027-03-01", NULL, NONE, NULL },
	{ &MON, "ngay dau thang sau", "2027-01-01", NULL, NONE, NULL },
	{ &MON, "ngay cuoi cung cua thang nay", "2026-12-31", NULL, NONE, NULL },
	{ &MON, "ngay cuoi thang 2", "2027-02-28", NULL, NONE, NULL },
	{ &MON, "thu tu tuan sau nua", "2026-12-23", NULL, NONE, NULL },
	{ &MON, "tuan sau nua thu 2", "2026-12-21", NULL, NONE, NULL },
	/* lunar: said, or lunar words */
	{ &MON, "ram thang 11 am lich", "2026-12-23", NULL, NONE, "ram thang 11 AL" },
	{ &MON, "rằm tháng 11 âm lịch", "2026-12-23", NULL, NONE, "ram thang 11 AL" },
	{ &MON, "mung 5 thang 11 (AL)", "2026-12-13", NULL, NONE, "mung 5 thang 11 AL" },
	{ &MON, "mung 2 thang mot am lich", "2026-12-10", NULL, NONE, "mung 2 thang 11 AL" },
	{ &MON, "20 thang chap al", "2027-01-27", NULL, NONE, "20 thang chap AL" },
	{ &MON, "ngay 1/12 am, 9 gio", "2027-01-08", "09:00", NONE, "mung 1 thang chap AL" },
	{ &MON, "30 thang chap", "2027-02-05", NULL, NONE, "29 thang chap AL" },
	{ &MON, "ngay 30 thang muoi al", "2026-12-08", NULL, NONE, "30 thang 10 AL" },
	{ &MON, "mung 10 am lich", "2026-12-18", NULL, NONE, "mung 10 thang 11 AL" },
	{ &MON, "hen ngay ram, am lich nhe", "2026-12-23", NULL, NONE, "ram thang 11 AL" },
	{ &MON, "mung 10 thang gieng", "2027-02-15", NULL, NONE, "mung 10 thang gieng AL" },
	{ &MON, "mung 1 tet", "2027-02-06", NULL, NONE, "mung 1 thang gieng AL" },
	{ &MON, "ram thang gieng", "2027-02-20", NULL, NONE, "ram thang gieng AL" },
	{ &MON, "ram thang chap sang 8h", "2027-01-22", "08:00", MORN, "ram thang chap AL" },
	{ &MON, "thu ba mung 4 thang gieng", "2027-02-09", NULL, NONE, "mung 4 thang gieng AL" },
	/* a weekday that fits only the solar month */
	{ &MON, "thu hai, 4 thang gieng", "2027-01-04", NULL, NONE, NULL },
	{ &THU, "ram thang nay am lich", "2027-01-22", NULL, NONE, "ram thang chap AL" },
	{ &THU, "mung 10 tet", "2027-02-15", NULL, NONE, "mung 10 thang gieng AL" },
	/* Vietnam (UTC+7), not China (UTC+8) */
	{ &Y2006, "mung 1 thang gieng", "2007-02-17", NULL, NONE, "mung 1 thang gieng AL" },
	{ &Y1984, "mung 1 tet", "1985-01-21", NULL, NONE, "mung 1 thang gieng AL" },
};

static int check_row(const struct row *w)
{
	struct datetime_vi r;
	struct buf lunar;
	const char *why = NULL;
	char got_date[16] = "-", got_time[8] = "-";
	int rc, bad = 0;

	buf_init(&lunar, 64);
	rc = datetime_vi_parse(w->text, w->now, &r, &why);
	if (rc != 0) {
		print_error("'%s': rc %d '%s'\n", w->text, rc, why ? why : "");
		bad = 1;
		goto out;
	}
	if (r.has_date)
		snprintf(got_date, sizeof got_date, "%04d-%02d-%02d", r.year, r.month, r.day);
	if (r.has_time)
		snprintf(got_time, sizeof got_time, "%02d:%02d", r.hour, r.minute);
	if (r.lunar && lunar_vi_format(&lunar, &r.lunar_date) < 0)
		bad = 1;
	if (strcmp(got_date, w->date ? w->date : "-") != 0 ||
	    strcmp(got_time, w->time ? w->time : "-") != 0 || r.part_of_day != w->part ||
	    strcmp(r.lunar ? lunar.data : "-", w->lunar ? w->lunar : "-") != 0) {
		print_error("'%s': want %s %s part %d lunar %s, got %s %s part %d lunar %s\n", w->text,
			    w->date ? w->date : "-", w->time ? w->time : "-", w->part,
			    w->lunar ? w->lunar : "-", got_date, got_time, r.part_of_day,
			    r.lunar ? lunar.data : "-");
		bad = 1;
	}
out:
	buf_release(&lunar);
	return bad;
}

static void test_table(void **state)
{
	size_t n = sizeof rows / sizeof rows[0], failed = 0;

	(void)state;
	for (size_t i = 0; i < n; i++)
		failed += (size_t)check_row(&rows[i]);
	print_message("%zu datetime word rows, %zu failed\n", n, failed);
	assert_int_equal(failed, 0);
}

/* The number a phrase of words spells, or -1 when it spells none. */
static int read_words(const char *text)
{
	struct vitok t[16];
	size_t n = vitok_lex(text, strlen(text), t), len = 0;
	int v = -1;

	if (!numword_vi_read(text, t, n, 0, &v, &len) || len != n)
		return -1;
	return v;
}

static void test_numbers(void **state)
{
	(void)state;
	assert_int_equal(read_words("mot"), 1);
	assert_int_equal(read_words("chin"), 9);
	assert_int_equal(read_words("muoi"), 10);
	assert_int_equal(read_words("muoi mot"), 11);
	assert_int_equal(read_words("muoi lam"), 15);
	assert_int_equal(read_words("muoi nam"), 15);
	assert_int_equal(read_words("hai muoi"), 20);
	assert_int_equal(read_words("hai muoi mot"), 21);
	assert_int_equal(read_words("hai muoi tu"), 24);
	assert_int_equal(read_words("ba muoi"), 30);
	assert_int_equal(read_words("nam muoi chin"), 59);
	assert_int_equal(read_words("tu"), -1);   /* "from", alone */
	assert_int_equal(read_words("lam"), -1);  /* "do", alone */
	assert_int_equal(read_words("khong"), -1);
}

/* Only numbers in a date or time place become tokens. */
static void test_fold(void **state)
{
	static const char text[] = "ba toi hen hai gio chieu mung muoi";
	struct vitok t[16];
	size_t n = vitok_lex(text, strlen(text), t);

	(void)state;
	n = numword_vi_fold(text, t, n);
	assert_int_equal(n, 8);
	assert_int_equal(t[0].kind, VITOK_WORD); /* "ba": father */
	assert_int_equal(t[3].kind, VITOK_NUM);
	assert_int_equal(t[3].val, 2);
	assert_int_equal(t[7].kind, VITOK_NUM);
	assert_int_equal(t[7].val, 10);
	assert_int_equal(t[7].ndig, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
