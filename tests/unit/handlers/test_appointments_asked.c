/* Unit tests: appointments as households say them - times in words, a
 * time without a day (its next occurrence within office hours), a time
 * that is no slot (offered, booked only on CO), lunar dates shown both
 * ways. Through the real handler path; run from the top of the tree (or
 * GW_SRCDIR). Arrival: Monday 2026-12-07 09:00 office time (29/10 of the
 * lunar year Binh Ngo), office hours 07:30-11:30 and 13:30-17:00. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"
#include "tests/unit/sms.h"

#include "common/buf.h"
#include "common/db.h"
#include "config/settings.h"
#include "handlers/features/appointments.h"
#include "handlers/features/appointments_offer.h"
#include "handlers/features/appointments_text.h"

#define HOUSEHOLD "+84912000001"
#define NOW sms_at(2026, 12, 7, 9, 0)

static int setup(void **state)
{
	return sms_fx_open(state, "gwasked", FIXTURE_LEXICON | FIXTURE_PROGRAMS);
}

static int teardown(void **state)
{
	return sms_fx_close(state);
}

static int64_t count(struct sms_fx *f, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_int64(f->db, sql, &n), 0);
	return n;
}

/* Send text, check the outcome and that the reply holds want. */
static void expect(struct sms_fx *f, const char *text, const char *outcome, const char *want)
{
	struct sms s;

	sms_send(f->db, &f->cfg, HOUSEHOLD, text, NOW, &s);
	assert_string_equal(s.res.intent, "appointment");
	if (strcmp(sms_extra(&s, "outcome") ? sms_extra(&s, "outcome") : "", outcome) != 0 ||
	    !strstr(s.reply, want))
		fail_msg("'%s': outcome %s, reply '%s'; want %s and '%s'", text,
			 sms_extra(&s, "outcome"), s.reply, outcome, want);
	sms_done(&s);
}

/* The example: 2:30 pm tomorrow in words was booked at 13:30. */
static void test_time_in_words(void **state)
{
	struct sms_fx *f = *state;

	expect(f, "hen gap can bo hai gio ruoi chieu mai", "booked", "T3 8/12 14h30");
	assert_int_equal(count(f, "SELECT count(*) FROM appointments WHERE day = '2026-12-08'"
				  " AND slot = '14:30'"), 1);
	expect(f, "HEN ngay muoi lam thang mot nam sau vay von", "booked", "T6 15/1 7h30");
}

/* A time without a day: today while it is ahead, else the next open day. */
static void test_time_without_day(void **state)
{
	struct sms_fx *f = *state;

	expect(f, "hen ba gio ruoi chieu", "booked", "T2 7/12 15h30");
	expect(f, "HEN 8 gio", "booked", "T3 8/12 8h00"); /* 8:00 has passed today */
	/* 19:00 is no office time on any day: refused, with free slots */
	expect(f, "hen 7 gio toi", "off_hours", "Gio con trong");
}

/* 10h45 is no slot: offered 10h30, booked only after CO. */
static void test_offer_then_yes(void **state)
{
	struct sms_fx *f = *state;
	struct sms s;

	expect(f, "hen 11 gio kem 15", "offered", "10h45 khong co, T2 7/12 10h30 duoc khong? Tra loi CO");
	assert_int_equal(count(f, "SELECT count(*) FROM appointments"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM appointment_offers"), 1);
	sms_send(f->db, &f->cfg, HOUSEHOLD, "Có ạ", NOW + 60, &s);
	assert_string_equal(s.res.intent, "appointment");
	assert_string_equal(sms_extra(&s, "outcome"), "booked");
	assert_non_null(strstr(s.reply, "T2 7/12 10h30"));
	sms_done(&s);
	assert_int_equal(count(f, "SELECT count(*) FROM appointments WHERE slot = '10:30'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM appointment_offers"), 0);
}

static void test_offer_then_no(void **state)
{
	struct sms_fx *f = *state;
	struct sms s;

	expect(f, "HEN 10h45", "offered", "10h30 duoc khong");
	sms_send(f->db, &f->cfg, HOUSEHOLD, "khong", NOW + 60, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "declined");
	assert_non_null(strstr(s.reply, "da bo qua"));
	sms_done(&s);
	assert_int_equal(count(f, "SELECT count(*) FROM appointments"), 0);
}

/* The offer waits for the very next message only, and for a day at most. */
static void test_offer_expires(void **state)
{
	struct sms_fx *f = *state;
	struct sms s;

	expect(f, "HEN 10h45", "offered", "duoc khong");
	sms_send(f->db, &f->cfg, HOUSEHOLD, "VIEC", NOW + 60, &s);
	sms_done(&s);
	sms_send(f->db, &f->cfg, HOUSEHOLD, "co", NOW + 120, &s);
	assert_string_not_equal(s.res.intent, "appointment");
	sms_done(&s);
	expect(f, "HEN 10h45", "offered", "duoc khong");
	sms_send(f->db, &f->cfg, HOUSEHOLD, "ok", NOW + APPOINTMENTS_OFFER_TTL + 60, &s);
	assert_string_not_equal(s.res.intent, "appointment");
	sms_done(&s);
	assert_int_equal(count(f, "SELECT count(*) FROM appointments"), 0);
}

static void test_offer_move(void **state)
{
	struct sms_fx *f = *state;
	struct sms s;

	expect(f, "HEN mai 8h", "booked", "T3 8/12 8h00");
	expect(f, "DOI HEN 9h20", "offered", "CO de doi lich #1");
	sms_send(f->db, &f->cfg, HOUSEHOLD, "dong y", NOW + 60, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "moved");
	sms_done(&s);
	assert_int_equal(count(f, "SELECT count(*) FROM appointments WHERE id = 1"
				  " AND day = '2026-12-08' AND slot = '09:30'"), 1);
}

static void test_answers(void **state)
{
	(void)state;
	assert_int_equal(appointments_offer_answer("co"), APPOINTMENTS_ANSWER_YES);
	assert_int_equal(appointments_offer_answer("ok em"), APPOINTMENTS_ANSWER_YES);
	assert_int_equal(appointments_offer_answer("duoc a"), APPOINTMENTS_ANSWER_YES);
	assert_int_equal(appointments_offer_answer("dong y"), APPOINTMENTS_ANSWER_YES);
	assert_int_equal(appointments_offer_answer("khong"), APPOINTMENTS_ANSWER_NO);
	assert_int_equal(appointments_offer_answer("thoi khong can"), APPOINTMENTS_ANSWER_NO);
	assert_int_equal(appointments_offer_answer("co dau"), APPOINTMENTS_ANSWER_OTHER);
	assert_int_equal(appointments_offer_answer("co viec gi khong"), APPOINTMENTS_ANSWER_OTHER);
	assert_int_equal(appointments_offer_answer(""), APPOINTMENTS_ANSWER_OTHER);
}

/* A lunar date is booked on its solar day, and shown both ways. */
static void test_lunar(void **state)
{
	struct sms_fx *f = *state;
	struct appointment a;
	struct buf t;

	expect(f, "hen ram thang 11 am lich em qua xa", "booked", "T4 23/12 7h30 (ram thang 11 AL)");
	assert_int_equal(appointments_get(f->db, 1, &a), 0);
	assert_string_equal(a.day, "2026-12-23");
	assert_int_equal(a.lunar, 1);
	buf_init(&t, 1024);
	assert_int_equal(appointments_notice_text(f->db, &f->cfg, &a, APPOINTMENTS_NOTICE_REMINDER,
						  "vi", &t), 0);
	assert_non_null(strstr(t.data, "T4 23/12 7h30 (ram thang 11 AL)"));
	buf_release(&t);
	expect(f, "HEN", "listed", "(ram thang 11 AL)");
	expect(f, "hen 20 thang chap al", "booked", "T4 27/1 7h30 (20 thang chap AL)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_time_in_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_without_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_then_yes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_then_no, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_move, setup, teardown),
		cmocka_unit_test(test_answers),
		cmocka_unit_test_setup_teardown(test_lunar, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
