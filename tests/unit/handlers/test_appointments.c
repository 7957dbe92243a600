/* Unit tests: appointments - reading requests, booking rules, capacity
 * under concurrent writers, nearest free slots, what to bring, the SMS
 * commands of households and officers through the real handler path, and
 * the day-before reminders. Run from the top of the tree (or GW_SRCDIR):
 * the commands and programmes come from data/. */
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
#include "tests/unit/sms.h"
#include <pthread.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "config/settings.h"
#include "gateway/daemon/reminders.h"
#include "handlers/core/contacts.h"
#include "handlers/core/reply.h"
#include "handlers/features/appointments.h"
#include "handlers/features/appointments_sms.h"
#include "handlers/features/appointments_text.h"
#include "handlers/features/calendar.h"
#include "handlers/features/officers.h"
#include "handlers/handler.h"

#define HOUSEHOLD "+84912000001"
#define OFFICER "+84911111111"

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gwappt", 5000, FIXTURE_LEXICON | FIXTURE_PROGRAMS);
	settings_defaults(&f->cfg);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN


static int64_t day(const char *s)
{
	int64_t d = 0;

	assert_int_equal(calendar_parse_day(s, &d), 0);
	return d;
}

/* Wednesday 2025-12-10 09:00: the "now" of most tests. */
#define NOW sms_at(2025, 12, 10, 9, 0)

static int64_t book(struct fx *f, const char *phone, const char *d, int minute,
		    enum appointments_verdict want)
{
	struct appointments_new req = { phone, "VAY-NGHEO", "vay von", day(d), minute, 0 };
	enum appointments_verdict v;
	int64_t id = 0;

	assert_int_equal(appointments_book(f->db, &f->cfg, NOW, &req, &id, &v), 0);
	assert_int_equal(v, want);
	return id;
}

/* ---- reading requests ---- */

struct understand_case {
	const char *command, *args;
	enum appointments_action action;
	const char *date;  /* "YYYY-MM-DD" or NULL */
	int hour, minute;  /* -1: no time */
	int part;
	const char *error; /* datetime_vi reason or NULL */
	int next_week;
};

static void test_understand(void **state)
{
	static const struct understand_case cases[] = {
		{ "HEN", "15/12 vay von", APPOINTMENTS_BOOK, "2025-12-15", -1, 0, 0, NULL, 0 },
		{ "HEN", "20/3 8h bhyt", APPOINTMENTS_BOOK, "2026-03-20", 8, 0, 0, NULL, 0 },
		{ "HEN", "22/12 14h tro giup phap ly", APPOINTMENTS_BOOK, "2025-12-22", 14, 0, 0, NULL, 0 },
		{ "HEN", "thu 2 tuan sau 9h30 ve tro cap", APPOINTMENTS_BOOK, "2025-12-15", 9, 30, 0, NULL, 0 },
		{ "HEN", "sang mai", APPOINTMENTS_BOOK, "2025-12-11", -1, 0, 1, NULL, 0 },
		{ "HEN", "chieu nay", APPOINTMENTS_BOOK, "2025-12-10", -1, 0, 3, NULL, 0 },
		{ "HEN", "2 gio chieu thu 6", APPOINTMENTS_BOOK, "2025-12-12", 14, 0, 3, NULL, 0 },
		{ "HEN", "31/2 vay", APPOINTMENTS_BOOK, NULL, -1, 0, 0, "impossible date", 0 },
		{ "HEN", "5/12 8h", APPOINTMENTS_BOOK, NULL, -1, 0, 0, "date in the past", 0 },
		{ "HEN", "", APPOINTMENTS_LIST, NULL, -1, 0, 0, NULL, 0 },
		{ "HEN", "xem", APPOINTMENTS_LIST, NULL, -1, 0, 0, NULL, 0 },
		{ "HEN", "nop ho so tuan sau", APPOINTMENTS_BOOK, NULL, -1, 0, 0, NULL, 1 },
		{ "HUY HEN", "15/12", APPOINTMENTS_CANCEL, "2025-12-15", -1, 0, 0, NULL, 0 },
		{ "HUY HEN", "", APPOINTMENTS_CANCEL, NULL, -1, 0, 0, NULL, 0 },
		{ "DOI HEN", "16/12 9h", APPOINTMENTS_MOVE, "2025-12-16", 9, 0, 0, NULL, 0 },
		/* a move's "sang" is "to" (doi sang 18/12), not the morning */
		{ "DOI HEN", "sang 18/12 duoc khong a", APPOINTMENTS_MOVE, "2025-12-18", -1, 0, 0, NULL, 0 },
		{ "", "huy lich hen hom thu 5 nhe , ban di lam", APPOINTMENTS_CANCEL, "2025-12-11", -1, 0,
		  0, NULL, 0 },
		{ "", "muon gap chi phu trach lao dong xa sang mai", APPOINTMENTS_BOOK, "2025-12-11", -1, 0,
		  1, NULL, 0 },
		{ "", "xin hen lam giay xac nhan cho con vay von di hoc", APPOINTMENTS_BOOK, NULL, -1, 0, 0,
		  NULL, 0 },
		{ "", "xac nhan hen 15/12", APPOINTMENTS_LIST, "2025-12-15", -1, 0, 0, NULL, 0 },
		{ "", "em dat lich roi ma chua thay ai goi lai", APPOINTMENTS_LIST, NULL, -1, 0, 0, NULL, 0 },
		{ "", "cho em doi lich sang thu 4 tuan sau", APPOINTMENTS_MOVE, "2025-12-17", -1, 0, 0, NULL,
		  0 },
		{ "", "doi hen tu mai sang thu 6", APPOINTMENTS_MOVE, "2025-12-12", -1, 0, 0, NULL, 0 },
		{ "DOI HEN", "10/12 sang 15/12 9h30", APPOINTMENTS_MOVE, "2025-12-15", 9, 30, 0, NULL, 0 },
		{ "", "can i book a meeting with commune officer on monday about loan ?",
		  APPOINTMENTS_BOOK, "2025-12-15", -1, 0, 0, NULL, 0 },
		{ "", "book an appointment tomorrow at 9am", APPOINTMENTS_BOOK, "2025-12-11", 9, 0, 1, NULL,
		  0 },
		{ "", "i want to cancel my appointment on friday", APPOINTMENTS_CANCEL, "2025-12-12", -1, 0,
		  0, NULL, 0 },
		{ "", "i am free next week for a meeting", APPOINTMENTS_BOOK, NULL, -1, 0, 0, NULL, 1 },
		{ "", "can i reschedule to thursday 2 pm", APPOINTMENTS_MOVE, "2025-12-11", 14, 0, 3, NULL, 0 },
	};
	struct datetime_vi_now now = { 2025, 12, 10, 9, 0 };
	char d[CALENDAR_DAY_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct understand_case *c = &cases[i];
		struct appointments_ask a;

		print_message("case %zu: '%s' '%s'\n", i, c->command, c->args);
		assert_int_equal(appointments_understand(c->command, c->args, &now, &a), 0);
		assert_int_equal(a.action, c->action);
		assert_int_equal(a.when.has_date, c->date != NULL);
		if (c->date) {
			calendar_day_str(calendar_dayno(a.when.year, a.when.month, a.when.day), d);
			assert_string_equal(d, c->date);
		}
		assert_int_equal(a.when.has_time, c->hour >= 0);
		if (c->hour >= 0) {
			assert_int_equal(a.when.hour, c->hour);
			assert_int_equal(a.when.minute, c->minute);
		}
		assert_int_equal(a.when.part_of_day, c->part);
		if (c->error)
			assert_string_equal(a.date_error, c->error);
		else
			assert_null(a.date_error);
		assert_int_equal(a.next_week, c->next_week);
	}
}

static void test_topic(void **state)
{
	struct datetime_vi_now now = { 2025, 12, 10, 9, 0 };
	struct appointments_ask a;

	(void)state;
	assert_int_equal(appointments_understand("HEN", "15/12 8h vay von ho ngheo", &now, &a), 0);
	assert_string_equal(a.topic, "vay von ho ngheo");
	assert_int_equal(appointments_understand("HEN", "nop ho so tuan sau", &now, &a), 0);
	assert_string_equal(a.topic, "nop ho so");
	assert_string_equal(appointments_action_name(APPOINTMENTS_MOVE), "move");
	assert_string_equal(appointments_action_name(APPOINTMENTS_LIST), "list");
}

/* ---- booking rules ---- */

static void test_check_slot(void **state)
{
	struct fx *f = *state;
	enum appointments_verdict v;
	int slot;

	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2025-12-15"), 8 * 60 + 10,
						 &slot, &v), 0);
	assert_int_equal(v, APPOINTMENTS_OK);
	assert_int_equal(slot, 480);
	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2025-12-15"), 12 * 60,
						 &slot, &v), 0);
	assert_int_equal(v, APPOINTMENTS_OFF_HOURS);
	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2025-12-14"), 480, &slot,
						 &v), 0);
	assert_int_equal(v, APPOINTMENTS_CLOSED); /* Sunday */
	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2025-12-09"), 480, &slot,
						 &v), 0);
	assert_int_equal(v, APPOINTMENTS_PAST);
	/* today: 09:00 now, 09:30 is the first slot far enough ahead */
	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2025-12-10"), 9 * 60 + 15,
						 &slot, &v), 0);
	assert_int_equal(v, APPOINTMENTS_PAST);
	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2025-12-10"), 9 * 60 + 30,
						 &slot, &v), 0);
	assert_int_equal(v, APPOINTMENTS_OK);
	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2026-03-20"), 480, &slot,
						 &v), 0);
	assert_int_equal(v, APPOINTMENTS_TOO_FAR);
	assert_int_equal(calendar_mark_day(f->db, "2025-12-16", "holiday", "Nghi bu", NULL), 0);
	assert_int_equal(appointments_check_slot(f->db, &f->cfg, NOW, day("2025-12-16"), 480, &slot,
						 &v), 0);
	assert_int_equal(v, APPOINTMENTS_CLOSED);
}

static void test_book_and_capacity(void **state)
{
	struct fx *f = *state;
	struct appointment a;
	enum appointments_verdict v;
	int64_t id1, id3;

	id1 = book(f, "+84912000001", "2025-12-15", 8 * 60 + 10, APPOINTMENTS_OK);
	assert_true(id1 > 0);
	assert_int_equal(appointments_get(f->db, id1, &a), 0);
	assert_string_equal(a.status, "requested");
	assert_string_equal(a.day, "2025-12-15");
	assert_string_equal(a.slot, "08:00");
	assert_string_equal(a.program_code, "VAY-NGHEO");
	assert_int_equal(a.officer_id, 0); /* nobody registered */
	book(f, "+84912000002", "2025-12-15", 480, APPOINTMENTS_OK);
	book(f, "+84912000003", "2025-12-15", 480, APPOINTMENTS_FULL); /* capacity 2 */
	/* a cancelled place is free again */
	assert_int_equal(appointments_set_status(f->db, id1, "cancelled", 0, NOW, &v), 0);
	assert_int_equal(v, APPOINTMENTS_OK);
	id3 = book(f, "+84912000003", "2025-12-15", 480, APPOINTMENTS_OK);
	assert_true(id3 > id1);
	/* one live appointment a day per phone; at most APPOINTMENTS_MAX_LIVE */
	book(f, "+84912000003", "2025-12-15", 9 * 60, APPOINTMENTS_SAME_DAY);
	book(f, "+84912000003", "2025-12-16", 480, APPOINTMENTS_OK);
	book(f, "+84912000003", "2025-12-17", 480, APPOINTMENTS_OK);
	book(f, "+84912000003", "2025-12-18", 480, APPOINTMENTS_TOO_MANY);
	/* closed and past days are refused before anything is written */
	book(f, "+84912000004", "2025-12-14", 480, APPOINTMENTS_CLOSED);
	book(f, "+84912000004", "2025-12-01", 480, APPOINTMENTS_PAST);
	book(f, "+84912000004", "2025-12-15", 12 * 60, APPOINTMENTS_OFF_HOURS);
	assert_int_equal(appointments_get(f->db, 999, &a), GW_ERR_NOTFOUND);
}

static void test_move_and_status(void **state)
{
	struct fx *f = *state;
	struct appointment a;
	enum appointments_verdict v;
	int64_t id;

	id = book(f, HOUSEHOLD, "2025-12-15", 480, APPOINTMENTS_OK);
	book(f, "+84912000002", "2025-12-16", 540, APPOINTMENTS_OK);
	book(f, "+84912000003", "2025-12-16", 540, APPOINTMENTS_OK);
	assert_int_equal(db_exec(f->db, "UPDATE appointments SET reminded = 1"), 0);
	assert_int_equal(appointments_move(f->db, &f->cfg, NOW, id, day("2025-12-16"), 540, 0, &v), 0);
	assert_int_equal(v, APPOINTMENTS_FULL);
	assert_int_equal(appointments_move(f->db, &f->cfg, NOW, id, day("2025-12-14"), 540, 0, &v), 0);
	assert_int_equal(v, APPOINTMENTS_CLOSED);
	/* within its own slot's day and to its own slot: itself does not count */
	assert_int_equal(appointments_move(f->db, &f->cfg, NOW, id, day("2025-12-15"), 480 + 5, 0, &v),
			 0);
	assert_int_equal(v, APPOINTMENTS_OK);
	assert_int_equal(appointments_move(f->db, &f->cfg, NOW, id, day("2025-12-16"), 600, 1, &v), 0);
	assert_int_equal(v, APPOINTMENTS_OK);
	assert_int_equal(appointments_get(f->db, id, &a), 0);
	assert_string_equal(a.day, "2025-12-16");
	assert_string_equal(a.slot, "10:00");
	assert_string_equal(a.status, "confirmed"); /* the officer chose it */
	assert_int_equal(a.reminded, 0);            /* re-armed */
	assert_int_equal(appointments_set_status(f->db, id, "declined", 0, NOW, &v), 0);
	assert_int_equal(v, APPOINTMENTS_OK);
	assert_int_equal(appointments_set_status(f->db, id, "confirmed", 0, NOW, &v), 0);
	assert_int_equal(v, APPOINTMENTS_NOT_LIVE);
	assert_int_equal(appointments_move(f->db, &f->cfg, NOW, id, day("2025-12-17"), 600, 0, &v), 0);
	assert_int_equal(v, APPOINTMENTS_NOT_LIVE);
}

static void test_nearest(void **state)
{
	struct fx *f = *state;
	struct appointments_slot s[APPOINTMENTS_SUGGEST];
	struct buf b;
	size_t n = 0;

	buf_init(&b, 256);
	book(f, "+84912000001", "2025-12-15", 450, APPOINTMENTS_OK);
	book(f, "+84912000002", "2025-12-15", 450, APPOINTMENTS_OK);
	/* Monday 07:30 is full: 08:00 and 08:30 that day (two a day at most), then Tuesday */
	assert_int_equal(appointments_nearest(f->db, &f->cfg, NOW, day("2025-12-15"), 450, 0, s, 3, &n),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].dayno, day("2025-12-15"));
	assert_int_equal(s[0].minute, 480);
	assert_int_equal(s[1].dayno, day("2025-12-15"));
	assert_int_equal(s[1].minute, 510);
	assert_int_equal(s[2].dayno, day("2025-12-16")); /* a day later beats Friday afternoon */
	assert_int_equal(s[2].minute, 450);
	assert_int_equal(appointments_slot_text(&s[0], 0, &b), 0);
	assert_string_equal(b.data, "T2 15/12 8h00");
	/* afternoons only */
	assert_int_equal(appointments_nearest(f->db, &f->cfg, NOW, day("2025-12-15"), 450,
					      DATETIME_VI_PART_AFTERNOON, s, 3, &n), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(s[i].minute >= 12 * 60);
	/* from a past target: never before now + lead (today 09:00 -> 09:30) */
	assert_int_equal(appointments_nearest(f->db, &f->cfg, NOW, day("2025-12-01"), 480, 0, s, 3, &n),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].dayno, day("2025-12-10"));
	assert_int_equal(s[0].minute, 570);
	/* a Sunday: Saturday is closed too, so Friday afternoon and Monday morning */
	assert_int_equal(appointments_nearest(f->db, &f->cfg, NOW, day("2025-12-14"), 600, 0, s, 3, &n),
			 0);
	assert_int_equal(s[0].dayno, day("2025-12-15"));
	assert_int_equal(s[0].minute, 480);
	buf_release(&b);
}

static void test_first_free(void **state)
{
	struct fx *f = *state;
	int m = 0;

	book(f, "+84912000001", "2025-12-15", 450, APPOINTMENTS_OK);
	book(f, "+84912000002", "2025-12-15", 450, APPOINTMENTS_OK);
	assert_int_equal(appointments_first_free(f->db, &f->cfg, NOW, day("2025-12-15"), 0, &m), 0);
	assert_int_equal(m, 480);
	assert_int_equal(appointments_first_free(f->db, &f->cfg, NOW, day("2025-12-15"),
						 DATETIME_VI_PART_AFTERNOON, &m), 0);
	assert_int_equal(m, 810);
	assert_int_equal(appointments_first_free(f->db, &f->cfg, NOW, day("2025-12-14"), 0, &m),
			 GW_ERR_NOTFOUND);
	assert_int_equal(appointments_first_free(f->db, &f->cfg, NOW, day("2025-12-10"), 0, &m), 0);
	assert_int_equal(m, 570); /* today, after now + lead */
}

static void test_documents(void **state)
{
	struct fx *f = *state;
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(appointments_documents(f->db, "VAY-NGHEO", &b), 0);
	assert_string_equal(b.data, "CCCD, giay chung nhan ho ngheo");
	buf_reset(&b);
	assert_int_equal(appointments_documents(f->db, "BHYT", &b), 0);
	assert_string_equal(b.data, "CCCD va giay chung nhan ho ngheo");
	buf_reset(&b);
	assert_int_equal(appointments_documents(f->db, "", &b), 0);
	assert_string_equal(b.data, "CCCD");
	buf_reset(&b);
	assert_int_equal(appointments_documents(f->db, "NO-SUCH", &b), 0);
	assert_string_equal(b.data, "CCCD");
	buf_reset(&b);
	assert_int_equal(db_exec(f->db, "UPDATE programs SET documents_vi = 'Đơn đề nghị; sổ hộ khẩu'"
				 " WHERE code = 'TN-THAP'"), 0);
	assert_int_equal(appointments_documents(f->db, "TN-THAP", &b), 0);
	assert_string_equal(b.data, "CCCD, Don de nghi, so ho khau"); /* its own list, whole */
	buf_release(&b);
}

/* ---- racing writers ---- */

#define RACERS 8

struct racer {
	const char *path;
	const struct gw_settings *cfg;
	pthread_barrier_t *start;
	int index, autocommit;
	int rc;
	enum appointments_verdict v;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct db *db = NULL;
	char phone[32];
	struct appointments_new req;
	int64_t id = 0;

	snprintf(phone, sizeof(phone), "+8491300%04d", r->index);
	memset(&req, 0, sizeof(req));
	req.phone = phone;
	req.program_code = "";
	req.topic = "";
	req.dayno = calendar_dayno(2025, 12, 15);
	req.minute = 480;
	r->rc = store_open(&db, r->path, 10000);
	pthread_barrier_wait(r->start);
	if (r->rc == 0 && !r->autocommit)
		r->rc = db_begin(db); /* BEGIN IMMEDIATE, as the daemon */
	if (r->rc == 0)
		r->rc = appointments_book(db, r->cfg, NOW, &req, &id, &r->v);
	if (r->rc == 0 && !r->autocommit)
		r->rc = db_commit(db);
	if (r->rc < 0)
		db_rollback(db);
	db_close(db);
	return NULL;
}

/* Many connections race for the last place of a slot: exactly one gets it. */
static void test_race_for_last_place(void **state)
{
	struct fx *f = *state;
	pthread_t t[RACERS];
	struct racer r[RACERS];
	pthread_barrier_t start;
	int64_t live = 0;

	for (int round = 0; round < 2; round++) {
		int won = 0, full = 0;

		assert_int_equal(db_exec(f->db, "DELETE FROM appointments"), 0);
		book(f, HOUSEHOLD, "2025-12-15", 480, APPOINTMENTS_OK); /* 1 of 2 places taken */
		assert_int_equal(pthread_barrier_init(&start, NULL, RACERS), 0);
		for (int i = 0; i < RACERS; i++) {
			r[i] = (struct racer){ f->fx.path, &f->cfg, &start, i, round == 1 && i % 2, 0, 0 };
			assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
		}
		for (int i = 0; i < RACERS; i++) {
			assert_int_equal(pthread_join(t[i], NULL), 0);
			assert_int_equal(r[i].rc, 0);
			won += r[i].v == APPOINTMENTS_OK;
			full += r[i].v == APPOINTMENTS_FULL;
		}
		pthread_barrier_destroy(&start);
		assert_int_equal(won, 1);
		assert_int_equal(full, RACERS - 1);
		assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM appointments WHERE"
					     " day = '2025-12-15' AND slot = '08:00'", &live), 0);
		assert_int_equal(live, 2);
	}
}

/* ---- through the handler, as an SMS ---- */

static void send_sms(struct fx *f, const char *from, const char *text, time_t when, struct sms *out)
{
	sms_send(f->db, &f->cfg, from, text, when, out);
}

static void test_sms_household(void **state)
{
	struct fx *f = *state;
	struct sms s;

	send_sms(f, HOUSEHOLD, "HEN 15/12 8h vay von ho ngheo", NOW, &s);
	assert_string_equal(s.res.intent, "appointment");
	assert_string_equal(s.res.ref, "VAY-NGHEO");
	assert_string_equal(sms_extra(&s, "action"), "book");
	assert_string_equal(sms_extra(&s, "date"), "2025-12-15");
	assert_string_equal(sms_extra(&s, "time"), "08:00");
	assert_string_equal(sms_extra(&s, "outcome"), "booked");
	assert_non_null(strstr(s.reply, "#1"));
	assert_non_null(strstr(s.reply, "T2 15/12 8h00"));
	assert_non_null(strstr(s.reply, "Mang: CCCD, giay chung nhan ho ngheo"));
	assert_non_null(strstr(s.reply, "UBND xa"));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "HEN", NOW, &s);
	assert_string_equal(sms_extra(&s, "action"), "list");
	assert_non_null(strstr(s.reply, "#1 T2 15/12 8h00 VAY-NGHEO (cho xac nhan)"));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "DOI HEN 16/12 9h30", NOW, &s);
	assert_string_equal(sms_extra(&s, "action"), "move");
	assert_string_equal(sms_extra(&s, "outcome"), "moved");
	assert_non_null(strstr(s.reply, "T3 16/12 9h30"));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "Hủy lịch hẹn nhé", NOW, &s);
	assert_string_equal(sms_extra(&s, "action"), "cancel");
	assert_string_equal(sms_extra(&s, "outcome"), "cancelled");
	assert_non_null(strstr(s.reply, "Da huy lich hen #1"));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "HEN", NOW, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "none");
	sms_done(&s);
}

static void test_sms_refusals(void **state)
{
	struct fx *f = *state;
	struct sms s;

	assert_int_equal(calendar_mark_day(f->db, "2025-12-17", "holiday", "Nghi bu", NULL), 0);
	send_sms(f, HOUSEHOLD, "HEN 17/12 8h", NOW, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "closed");
	assert_non_null(strstr(s.reply, "Ngay 17/12 UBND xa nghi: Nghi bu"));
	assert_non_null(strstr(s.reply, "Gio con trong: "));
	assert_non_null(strstr(s.reply, "Nhan: HEN "));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "hen chu nhat", NOW, &s);
	assert_string_equal(sms_extra(&s, "date"), "2025-12-14");
	assert_string_equal(sms_extra(&s, "outcome"), "closed");
	assert_non_null(strstr(s.reply, "khong lam viec CN"));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "HEN 31/2 vay von", NOW, &s);
	assert_null(sms_extra(&s, "date"));
	assert_string_equal(sms_extra(&s, "outcome"), "invalid_date");
	assert_non_null(strstr(s.reply, "31/2"));
	assert_non_null(strstr(s.reply, "Gio con trong"));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "HEN 5/12 8h", NOW, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "invalid_date");
	assert_non_null(strstr(s.reply, "Ngay nay da qua"));
	sms_done(&s);

	send_sms(f, HOUSEHOLD, "HEN 15/12 12h", NOW, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "off_hours");
	assert_non_null(strstr(s.reply, "07:30-11:30, 13:30-17:00"));
	sms_done(&s);

	/* the slot fills, the next asker gets the neighbours */
	book(f, "+84912000002", "2025-12-15", 480, APPOINTMENTS_OK);
	book(f, "+84912000003", "2025-12-15", 480, APPOINTMENTS_OK);
	send_sms(f, HOUSEHOLD, "HEN 15/12 8h", NOW, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "full");
	assert_non_null(strstr(s.reply, "kin cho"));
	assert_non_null(strstr(s.reply, "T2 15/12 8h30"));
	sms_done(&s);

	/* no date at all: the nearest free slots and how to take one */
	send_sms(f, HOUSEHOLD, "xin hen lam giay xac nhan cho con vay von di hoc", NOW, &s);
	assert_string_equal(sms_extra(&s, "action"), "book");
	assert_string_equal(sms_extra(&s, "outcome"), "suggested");
	assert_non_null(strstr(s.reply, "Nhan: HEN 10/12 9h30"));
	sms_done(&s);
}

static void test_sms_officer(void **state)
{
	struct fx *f = *state;
	const struct handler_out *o;
	struct appointment a;
	struct sms s;
	int64_t n = 0;

	assert_int_equal(officers_add(f->db, OFFICER, "Nguyễn Văn An", "officer", "", "123456",
				      OFFICERS_HASH_MIN, "test", NOW), 0);
	send_sms(f, HOUSEHOLD, "HEN 15/12 8h vay von ho ngheo", NOW, &s);
	assert_non_null(strstr(s.reply, "gap Nguyen Van An"));
	o = sms_to(&s, OFFICER, "notify");
	assert_non_null(o);
	assert_non_null(strstr(o->text, "Hen moi #1: 0912000001"));
	assert_non_null(strstr(o->text, "XN <pin> 1"));
	sms_done(&s);

	send_sms(f, OFFICER, "XN 9999 1", NOW, &s);
	assert_string_equal(s.res.intent, "officer_confirm");
	assert_non_null(strstr(s.reply, "Sai PIN"));
	assert_null(sms_to(&s, HOUSEHOLD, "notify"));
	sms_done(&s);
	assert_int_equal(appointments_get(f->db, 1, &a), 0);
	assert_string_equal(a.status, "requested");

	send_sms(f, OFFICER, "XN 123456 1", NOW, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "confirmed");
	assert_non_null(strstr(s.reply, "Da xac nhan hen #1"));
	o = sms_to(&s, HOUSEHOLD, "notify");
	assert_non_null(o);
	assert_non_null(strstr(o->text, "da duoc xac nhan"));
	assert_non_null(strstr(o->text, "Nguyen Van An"));
	sms_done(&s);
	assert_int_equal(appointments_get(f->db, 1, &a), 0);
	assert_string_equal(a.status, "confirmed");

	send_sms(f, OFFICER, "XN 123456 1", NOW, &s); /* again: no second notice */
	assert_null(sms_to(&s, HOUSEHOLD, "notify"));
	sms_done(&s);

	send_sms(f, OFFICER, "DOI 123456 1 17/12 9h", NOW, &s);
	assert_string_equal(s.res.intent, "officer_move");
	assert_string_equal(sms_extra(&s, "outcome"), "moved");
	assert_string_equal(sms_extra(&s, "date"), "2025-12-17");
	o = sms_to(&s, HOUSEHOLD, "notify");
	assert_non_null(o);
	assert_non_null(strstr(o->text, "da doi sang T4 17/12 9h00"));
	sms_done(&s);

	send_sms(f, OFFICER, "DOI 123456 1 14/12 9h", NOW, &s); /* a Sunday */
	assert_string_equal(sms_extra(&s, "outcome"), "closed");
	assert_non_null(strstr(s.reply, "Nhan: DOI <pin> 1 "));
	sms_done(&s);

	send_sms(f, OFFICER, "XN 123456 7", NOW, &s);
	assert_string_equal(sms_extra(&s, "outcome"), "not_found");
	sms_done(&s);

	send_sms(f, OFFICER, "XN 123456 1 khong", NOW, &s);
	assert_string_equal(sms_extra(&s, "action"), "decline");
	o = sms_to(&s, HOUSEHOLD, "notify");
	assert_non_null(o);
	assert_non_null(strstr(o->text, "chua duoc nhan"));
	sms_done(&s);

	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM audit WHERE action IN"
				     " ('appointment_confirm','appointment_move','appointment_decline')"
				     " AND actor = '" OFFICER "'", &n), 0);
	assert_int_equal(n, 3);
	/* the PIN never reaches the audit log */
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM audit WHERE detail LIKE '%123456%'",
				     &n), 0);
	assert_int_equal(n, 0);
}

/* ---- reminders ---- */

static int64_t outbox_count(struct fx *f, const char *kind)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(db_prepare(f->db, "SELECT count(*) FROM outbox WHERE kind = ?", &st), 0);
	db_bind_text(st, 1, kind);
	assert_int_equal(db_step(st), DB_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static void test_reminders(void **state)
{
	struct fx *f = *state;
	enum appointments_verdict v;
	sqlite3_stmt *st;
	int64_t keep, cancelled;
	int q = -1;

	keep = book(f, "+84912000001", "2025-12-16", 480, APPOINTMENTS_OK);
	cancelled = book(f, "+84912000002", "2025-12-16", 480, APPOINTMENTS_OK);
	book(f, "+84912000003", "2025-12-16", 540, APPOINTMENTS_OK);
	book(f, "+84912000004", "2025-12-17", 540, APPOINTMENTS_OK); /* the day after */
	assert_int_equal(appointments_set_status(f->db, cancelled, "cancelled", 0, NOW, &v), 0);
	assert_int_equal(contacts_set_opt_out(f->db, "+84912000003", 1, NOW), 0);

	assert_int_equal(reminders_run(f->db, &f->cfg, sms_at(2025, 12, 15, 16, 59), &q), 0);
	assert_int_equal(q, 0); /* before appointments.reminder_hour */
	assert_int_equal(reminders_run(f->db, &f->cfg, sms_at(2025, 12, 15, 17, 5), &q), 0);
	assert_int_equal(q, 1); /* not the cancelled one, not the opted-out one */
	assert_int_equal(outbox_count(f, "reminder"), 1);
	assert_int_equal(reminders_run(f->db, &f->cfg, sms_at(2025, 12, 15, 17, 6), &q), 0);
	assert_int_equal(q, 0); /* exactly once */
	assert_int_equal(db_prepare(f->db, "SELECT phone, text, priority FROM outbox"
				    " WHERE kind = 'reminder'", &st), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "+84912000001");
	assert_non_null(strstr(db_col_text(st, 1), "Nhac lich: ngay mai T3 16/12 8h00"));
	assert_non_null(strstr(db_col_text(st, 1), "Mang: CCCD, giay chung nhan ho ngheo"));
	assert_non_null(strstr(db_col_text(st, 1), "HUY HEN 16/12"));
	assert_int_equal(sqlite3_column_int(st, 2), HANDLER_PRIO_REMINDER);
	sqlite3_reset(st);
	(void)keep;
	/* quiet hours (broadcast.quiet_start 21:00): nothing for the 17th yet */
	assert_int_equal(reminders_run(f->db, &f->cfg, sms_at(2025, 12, 16, 21, 30), &q), 0);
	assert_int_equal(q, 0);
	assert_false(reminders_window(&f->cfg, sms_at(2025, 12, 16, 21, 30)));
	assert_true(reminders_window(&f->cfg, sms_at(2025, 12, 16, 20, 59)));
	assert_int_equal(reminders_run(f->db, &f->cfg, sms_at(2025, 12, 16, 18, 0), &q), 0);
	assert_int_equal(q, 1);
	assert_int_equal(outbox_count(f, "reminder"), 2);
}

static void test_notice_texts(void **state)
{
	struct fx *f = *state;
	struct appointment a;
	struct buf b;
	int64_t id;

	buf_init(&b, 4096);
	id = book(f, HOUSEHOLD, "2025-12-15", 480, APPOINTMENTS_OK);
	assert_int_equal(appointments_get(f->db, id, &a), 0);
	for (int k = APPOINTMENTS_NOTICE_BOOKED; k <= APPOINTMENTS_NOTICE_OFFICER_CANCELLED; k++) {
		for (int en = 0; en < 2; en++) {
			int parts = 0, ucs2 = 1;

			buf_reset(&b);
			assert_int_equal(appointments_notice_text(f->db, &f->cfg, &a,
								  (enum appointments_notice)k,
								  en ? "en" : "vi", &b), 0);
			assert_true(b.len > 20);
			assert_int_equal(reply_measure(b.data, &parts, &ucs2), 0);
			assert_false(ucs2);  /* GSM-7: the cheapest */
			assert_true(parts <= f->cfg.sms.max_parts);
		}
	}
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_understand),
		cmocka_unit_test(test_topic),
		cmocka_unit_test_setup_teardown(test_check_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_book_and_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nearest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race_for_last_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_household, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_officer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notice_texts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
