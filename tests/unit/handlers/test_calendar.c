/* Unit tests: handlers/calendar - date arithmetic, periods, office days
 * and slots from the database, editing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/db.h"
#include "common/gw_err.h"
#include "handlers/features/calendar.h"

FIXTURE_DB_STATE("gwcal", 1000, 0)

static int64_t day(const char *s)
{
	int64_t d = 0;

	assert_int_equal(calendar_parse_day(s, &d), 0);
	return d;
}

static void test_dayno_roundtrip(void **state)
{
	char s[CALENDAR_DAY_LEN];
	int y, m, d;

	(void)state;
	assert_int_equal(calendar_dayno(1970, 1, 1), 0);
	assert_int_equal(calendar_dayno(2000, 3, 1), 11017);
	assert_int_equal(calendar_weekday(0), 4);                       /* a Thursday */
	assert_int_equal(calendar_weekday(day("2025-12-15")), 1);      /* Monday */
	assert_int_equal(calendar_weekday(day("2026-01-03")), 6);      /* Saturday */
	assert_int_equal(day("2024-03-01") - day("2024-02-28"), 2);    /* leap year */
	assert_int_equal(day("2025-03-01") - day("2025-02-28"), 1);
	assert_int_equal(day("2100-03-01") - day("2100-02-28"), 1);    /* no leap day */
	for (int64_t n = day("1999-12-25"); n < day("2001-01-10"); n++) {
		calendar_date(n, &y, &m, &d);
		assert_int_equal(calendar_dayno(y, m, d), n);
		calendar_day_str(n, s);
		assert_int_equal(day(s), n);
	}
	calendar_day_str(day("2025-12-15") + 20, s);
	assert_string_equal(s, "2026-01-04");
}

static void test_parse_day_and_time(void **state)
{
	int64_t d;
	int m;
	char s[CALENDAR_HHMM_LEN];

	(void)state;
	assert_int_equal(calendar_parse_day("2025-02-29", &d), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_day("2024-02-29", &d), 0);
	assert_int_equal(calendar_parse_day("2025-13-01", &d), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_day("2025-1-01", &d), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_day("2025-01-01x", &d), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_day("", &d), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_hhmm("07:30", &m), 0);
	assert_int_equal(m, 450);
	assert_int_equal(calendar_parse_hhmm("7:30", &m), 0);
	assert_int_equal(m, 450);
	assert_int_equal(calendar_parse_hhmm("24:00", &m), 0);
	assert_int_equal(m, 1440);
	assert_int_equal(calendar_parse_hhmm("24:01", &m), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_hhmm("12:60", &m), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_hhmm("1230", &m), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_hhmm("ab:cd", &m), GW_ERR_INVAL);
	calendar_hhmm(13 * 60 + 5, s);
	assert_string_equal(s, "13:05");
}

static void test_local_time(void **state)
{
	struct datetime_vi_now n;
	int64_t d;
	int m;

	(void)state;
	/* 2025-12-14 17:30 UTC is 00:30 on Monday the 15th in Hanoi (+7) */
	calendar_local((time_t)1765733400, 420, &n);
	assert_int_equal(n.year, 2025);
	assert_int_equal(n.month, 12);
	assert_int_equal(n.day, 15);
	assert_int_equal(n.hour, 0);
	assert_int_equal(n.minute, 30);
	calendar_local_day((time_t)1765733400, 420, &d, &m);
	assert_int_equal(d, day("2025-12-15"));
	assert_int_equal(m, 30);
	calendar_local_day((time_t)1765733400, 0, &d, &m);
	assert_int_equal(d, day("2025-12-14"));
	assert_int_equal(m, 17 * 60 + 30);
}

static void test_weekday_names(void **state)
{
	static const struct {
		const char *in;
		int wd;
	} ok[] = {
		{ "0", 0 }, { "6", 6 }, { "mon", 1 }, { "Monday", 1 }, { "SAT", 6 }, { "sun", 0 },
		{ "cn", 0 }, { "CN", 0 }, { "t2", 1 }, { "T7", 6 }, { "thu2", 1 }, { "thu 7", 6 },
		{ "chu nhat", 0 }, { "thu", 4 },
	};
	static const char *const bad[] = { "", "7", "t8", "t1", "xyz", "thu9", "thu 1" };
	int wd;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(calendar_parse_weekday(ok[i].in, &wd), 0);
		assert_int_equal(wd, ok[i].wd);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(calendar_parse_weekday(bad[i], &wd), GW_ERR_INVAL);
	assert_string_equal(calendar_weekday_short(1, 0), "T2");
	assert_string_equal(calendar_weekday_short(0, 0), "CN");
	assert_string_equal(calendar_weekday_short(6, 1), "Sat");
}

static void test_periods(void **state)
{
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	struct buf b;
	size_t n = 9;

	(void)state;
	buf_init(&b, 256);
	assert_int_equal(calendar_parse_periods("13:30-17:00, 07:30-11:30", p, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].opens, 450); /* sorted */
	assert_int_equal(p[1].closes, 1020);
	assert_int_equal(calendar_format_periods(p, n, &b), 0);
	assert_string_equal(b.data, "07:30-11:30, 13:30-17:00");
	assert_int_equal(calendar_parse_periods("closed", p, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(calendar_parse_periods("", p, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(calendar_parse_periods("08:00-07:00", p, 4, &n), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_periods("07:00-09:00,08:00-10:00", p, 4, &n), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_periods("07:00", p, 4, &n), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_periods("7-9", p, 4, &n), GW_ERR_INVAL);
	assert_int_equal(calendar_parse_periods("1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-10:00",
						p, 4, &n), GW_ERR_INVAL);
	buf_reset(&b);
	assert_int_equal(calendar_format_periods(p, 0, &b), 0);
	assert_string_equal(b.data, "closed");
	buf_release(&b);
}

static void test_default_week(void **state)
{
	struct fx *f = *state;
	struct calendar_settings cs;
	struct calendar_day d;
	int starts[CALENDAR_MAX_SLOTS];
	size_t n;

	assert_int_equal(calendar_settings_get(f->db, &cs), 0);
	assert_int_equal(cs.slot_minutes, 30);
	assert_int_equal(cs.capacity, 2);
	assert_int_equal(cs.horizon_days, 60);
	assert_string_equal(cs.place, "UBND xa");
	assert_int_equal(cs.officer_id, 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-15"), &d), 0); /* Monday */
	assert_int_equal(d.kind, CALENDAR_OPEN);
	assert_true(calendar_is_open(&d));
	n = calendar_slots(&d, 30, starts, CALENDAR_MAX_SLOTS);
	assert_int_equal(n, 8 + 7); /* 07:30..11:00 and 13:30..16:30 */
	assert_int_equal(starts[0], 450);
	assert_int_equal(starts[7], 660);
	assert_int_equal(starts[8], 810);
	assert_int_equal(starts[14], 990);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-14"), &d), 0); /* Sunday */
	assert_int_equal(d.kind, CALENDAR_NO_HOURS);
	assert_false(calendar_is_open(&d));
	assert_int_equal(calendar_slots(&d, 30, starts, CALENDAR_MAX_SLOTS), 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-13"), &d), 0); /* Saturday */
	assert_int_equal(d.kind, CALENDAR_NO_HOURS);
}

static void test_slot_of(void **state)
{
	struct fx *f = *state;
	struct calendar_day d;

	assert_int_equal(calendar_day_get(f->db, day("2025-12-16"), &d), 0);
	assert_int_equal(calendar_slot_of(&d, 30, 450), 450);
	assert_int_equal(calendar_slot_of(&d, 30, 8 * 60 + 15), 480);  /* 8h15 is in 8h00 */
	assert_int_equal(calendar_slot_of(&d, 30, 11 * 60 + 29), 660);
	assert_int_equal(calendar_slot_of(&d, 30, 11 * 60 + 30), -1);  /* closing time */
	assert_int_equal(calendar_slot_of(&d, 30, 12 * 60), -1);       /* lunch */
	assert_int_equal(calendar_slot_of(&d, 30, 7 * 60), -1);        /* before opening */
	assert_int_equal(calendar_slot_of(&d, 30, 20 * 60), -1);
	/* 45-minute slots: 07:30, 08:15, ... 10:30 (11:15 would end after 11:30) */
	assert_int_equal(calendar_slot_of(&d, 45, 11 * 60 + 20), -1);
	assert_int_equal(calendar_slot_of(&d, 45, 11 * 60), 630);
}

static void test_marks(void **state)
{
	struct fx *f = *state;
	struct calendar_day d;
	int starts[CALENDAR_MAX_SLOTS];

	assert_int_equal(calendar_mark_day(f->db, "2025-09-02", "holiday", "Quoc khanh", NULL), 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-09-02"), &d), 0);
	assert_int_equal(d.kind, CALENDAR_HOLIDAY);
	assert_string_equal(d.note, "Quoc khanh");
	assert_false(calendar_is_open(&d));
	assert_int_equal(calendar_slot_of(&d, 30, 480), -1);
	/* a special day with its own hours */
	assert_int_equal(calendar_mark_day(f->db, "2025-12-20", "special", "Ngay giao dich NHCSXH",
					   "07:00-09:00"), 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-20"), &d), 0); /* a Saturday */
	assert_int_equal(d.kind, CALENDAR_SPECIAL);
	assert_true(calendar_is_open(&d));
	assert_int_equal(calendar_slots(&d, 30, starts, CALENDAR_MAX_SLOTS), 4);
	assert_int_equal(starts[0], 420);
	/* a special day without hours on a working day keeps the weekday's */
	assert_int_equal(calendar_mark_day(f->db, "2025-12-18", "special", "Tiep dan", ""), 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-18"), &d), 0);
	assert_int_equal(d.kind, CALENDAR_SPECIAL);
	assert_int_equal(d.nperiods, 2);
	/* ... and on a Sunday opens nothing by itself */
	assert_int_equal(calendar_mark_day(f->db, "2025-12-21", "special", "x", NULL), 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-21"), &d), 0);
	assert_false(calendar_is_open(&d));
	/* replacing and removing */
	assert_int_equal(calendar_mark_day(f->db, "2025-12-18", "closed", "Hop HDND", NULL), 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-18"), &d), 0);
	assert_int_equal(d.kind, CALENDAR_CLOSED);
	assert_int_equal(calendar_unmark_day(f->db, "2025-12-18"), 0);
	assert_int_equal(calendar_unmark_day(f->db, "2025-12-18"), GW_ERR_NOTFOUND);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-18"), &d), 0);
	assert_int_equal(d.kind, CALENDAR_OPEN);
	/* refused */
	assert_int_equal(calendar_mark_day(f->db, "2025-02-30", "holiday", "", NULL), GW_ERR_INVAL);
	assert_int_equal(calendar_mark_day(f->db, "2025-12-22", "party", "", NULL), GW_ERR_INVAL);
	assert_int_equal(calendar_mark_day(f->db, "2025-12-22", "holiday", "", "07:00-09:00"),
			 GW_ERR_INVAL);
	assert_int_equal(calendar_mark_day(f->db, "2025-12-22", "special", "",
					   "07:00-09:00,10:00-11:00"), GW_ERR_INVAL);
}

static void test_hours_and_settings(void **state)
{
	struct fx *f = *state;
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	struct calendar_settings cs;
	struct calendar_day d;
	size_t n;

	assert_int_equal(calendar_hours_set(f->db, 6, "07:30-11:30"), 0);
	assert_int_equal(calendar_day_get(f->db, day("2025-12-13"), &d), 0);
	assert_int_equal(d.kind, CALENDAR_OPEN);
	assert_int_equal(calendar_hours_set(f->db, 1, "closed"), 0);
	assert_int_equal(calendar_hours_get(f->db, 1, p, CALENDAR_MAX_PERIODS, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(calendar_hours_set(f->db, 1, "8:00-12:00, 13:00-16:00"), 0);
	assert_int_equal(calendar_hours_get(f->db, 1, p, CALENDAR_MAX_PERIODS, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].opens, 480);
	assert_int_equal(calendar_hours_set(f->db, 7, "08:00-09:00"), GW_ERR_INVAL);
	assert_int_equal(calendar_hours_set(f->db, 2, "bogus"), GW_ERR_INVAL);
	assert_int_equal(calendar_hours_get(f->db, 2, p, CALENDAR_MAX_PERIODS, &n), 0);
	assert_int_equal(n, 2); /* a refused change leaves the day as it was */

	assert_int_equal(calendar_settings_get(f->db, &cs), 0);
	cs.slot_minutes = 20;
	cs.capacity = 3;
	assert_int_equal(gw_strlcpy(cs.place, "UBND xa Tan Lap, phong 1 cua", sizeof(cs.place)), 0);
	assert_int_equal(calendar_settings_set(f->db, &cs), 0);
	memset(&cs, 0, sizeof(cs));
	assert_int_equal(calendar_settings_get(f->db, &cs), 0);
	assert_int_equal(cs.slot_minutes, 20);
	assert_int_equal(cs.capacity, 3);
	assert_string_equal(cs.place, "UBND xa Tan Lap, phong 1 cua");
	cs.capacity = 0;
	assert_int_equal(calendar_settings_set(f->db, &cs), GW_ERR_INVAL);
	cs.capacity = 1;
	cs.slot_minutes = 1000;
	assert_int_equal(calendar_settings_set(f->db, &cs), GW_ERR_INVAL);
	cs.slot_minutes = 30;
	cs.place[0] = '\0';
	assert_int_equal(calendar_settings_set(f->db, &cs), GW_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dayno_roundtrip),
		cmocka_unit_test(test_parse_day_and_time),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_weekday_names),
		cmocka_unit_test(test_periods),
		cmocka_unit_test_setup_teardown(test_default_week, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_of, setup, teardown),
		cmocka_unit_test_setup_teardown(test_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hours_and_settings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
