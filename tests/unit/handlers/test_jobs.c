/* Unit tests: handlers/jobs, jobs_filter, jobs_sms, referrals - the VIEC
 * list (filters, order, pages, stable numbers), DK VIEC, UT and the
 * officer notices, through handler_process on real SQLite files with the
 * sample jobs and the real lexicon. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "common/gw_err.h"
#include "handlers/core/reply.h"
#include "handlers/features/jobs.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/features/officers.h"
#include "handlers/features/referrals.h"
#include "handlers/handler.h"

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
	time_t now;
};

/* 2027-01-15 10:00 office time (UTC+7): before every sample deadline */
static time_t office(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm) - 7 * 3600;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gwjobs", 1000, FIXTURE_LEXICON | FIXTURE_JOBS);
	settings_defaults(&f->cfg);
	f->now = office(2027, 1, 15, 10, 0);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

/* One message through the handler in its own transaction. */
static void sim(struct fx *f, const char *phone, const char *text, time_t at,
		struct handler_result *res)
{
	struct handler_env env = { f->db, &f->cfg };
	struct handler_msg msg = { phone, text, at, HANDLER_CHANNEL_SMS };

	handler_result_init(res);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_process(&env, &msg, res), 0);
	assert_int_equal(db_commit(f->db), 0);
}

static const char *reply_of(const struct handler_result *res, const char *phone)
{
	for (size_t i = 0; i < res->nout; i++)
		if (strcmp(res->out[i].phone, phone) == 0 && strcmp(res->out[i].kind, "reply") == 0)
			return res->out[i].text;
	fail_msg("no reply to %s", phone);
	return "";
}

static const struct handler_out *out_of_kind(const struct handler_result *res, const char *kind)
{
	for (size_t i = 0; i < res->nout; i++)
		if (strcmp(res->out[i].kind, kind) == 0)
			return &res->out[i];
	fail_msg("no %s message", kind);
	return NULL;
}

static void exec(struct fx *f, const char *sql)
{
	assert_int_equal(db_exec(f->db, sql), 0);
}

static const char *filter_str(const struct handler_result *res, const char *key)
{
	json_t *v = json_object_get(json_object_get(res->extra, "filters"), key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void test_types_and_places(void **state)
{
	struct buf b;

	(void)state;
	assert_int_equal(jobs_filter_types_of("cong nhan may cong nghiep"),
			 JOBS_TYPE_MAY | JOBS_TYPE_CONG_NHAN);
	assert_int_equal(jobs_filter_types_of("cong nhan san xuat phu tung xe may"), JOBS_TYPE_CONG_NHAN);
	assert_int_equal(jobs_filter_types_of("nhan vien bao ve nha may"), JOBS_TYPE_BAO_VE);
	assert_int_equal(jobs_filter_types_of("lai xe nang, kho, ba thien"), JOBS_TYPE_LAI_XE | JOBS_TYPE_KHO);
	assert_int_equal(jobs_filter_types_of("hoan canh kho khan, chiu kho"), 0);
	assert_int_equal(jobs_filter_types_of("thuc tap sinh nhat ban"), JOBS_TYPE_XKLD);
	assert_int_equal(jobs_filter_types_of("trong rung keo (thoi vu)"), JOBS_TYPE_THOI_VU);
	assert_int_equal(jobs_filter_type_named("ban thoi gian"), JOBS_TYPE_BAN_THOI_GIAN);
	assert_int_equal(jobs_filter_type_named("xkld"), JOBS_TYPE_XKLD);
	assert_int_equal(jobs_filter_type_named("tan lap"), 0);

	buf_init(&b, 1024);
	assert_int_equal(jobs_filter_place_key("thị trấn Hương Canh", &b), 0);
	assert_string_equal(b.data, "huong canh");
	buf_reset(&b);
	assert_int_equal(jobs_filter_places("Phú Thọ", "TP Vĩnh Yên (sơ tuyển)", "Quang Yên, Lãng Công",
					    "KCN Bá Thiện II", &b), 0);
	assert_string_equal(b.data, "|quang yen|lang cong|vinh yen|phu tho|ba thien ii|ba thien|");
	buf_reset(&b);
	assert_int_equal(jobs_filter_places("", "", "", "Xưởng may tại xã", &b), 0);
	assert_string_equal(b.data, "|"); /* a workshop is no place name */
	buf_release(&b);
	assert_int_equal(jobs_filter_gender_of("Nam/nữ 18–35 tuổi"), 0);
	assert_int_equal(jobs_filter_gender_of("Nam 18–40 tuổi; sức khỏe tốt"), 'm');
	assert_int_equal(jobs_filter_gender_of("Phụ nữ 18–55 tuổi"), 'f');
	assert_int_equal(jobs_filter_gender_of("Nữ 18–30 tuổi"), 'f');
}

static void test_filter_parse(void **state)
{
	const char *known = "|tan lap|song lo|binh xuyen|ha nam|";
	struct jobs_filter f;

	(void)state;
	assert_int_equal(jobs_filter_parse("may tan lap 2", known, &f), 0);
	assert_string_equal(f.area, "tan lap");
	assert_int_equal(f.types, JOBS_TYPE_MAY);
	assert_int_equal(f.page, 2);
	assert_int_equal(jobs_filter_parse("cho nu 25 tuoi o song lo", known, &f), 0);
	assert_string_equal(f.area, "song lo");
	assert_int_equal(f.gender, 'f');
	assert_int_equal(f.age, 25);
	assert_int_equal(f.page, 1);
	assert_int_equal(jobs_filter_parse("nam 40", known, &f), 0);
	assert_int_equal(f.gender, 'm');
	assert_int_equal(f.age, 40);
	assert_int_equal(jobs_filter_parse("xe may 30t", known, &f), 0);
	assert_int_equal(f.types, 0);
	assert_int_equal(f.age, 30);
	assert_int_equal(jobs_filter_parse("o hai phong", known, &f), 0);
	assert_string_equal(f.area, "hai phong");
	assert_int_equal(jobs_filter_parse("ha nam", known, &f), 0);
	assert_string_equal(f.area, "ha nam");
	assert_int_equal(f.gender, 0);
	assert_int_equal(jobs_filter_parse("di nhat ban thoi gian", known, &f), 0);
	assert_int_equal(f.types, JOBS_TYPE_XKLD | JOBS_TYPE_BAN_THOI_GIAN);
}

static void test_wage_and_deadline(void **state)
{
	struct gw_settings cfg;
	int64_t lo = 0, hi = 0;
	char d[11];
	time_t now = office(2027, 1, 15, 10, 0);

	(void)state;
	settings_defaults(&cfg);
	assert_int_equal(jobs_parse_wage("6-8tr", &lo, &hi), 0);
	assert_true(lo == 6000000 && hi == 8000000);
	assert_int_equal(jobs_parse_wage("7,5 - 10 triệu/tháng", &lo, &hi), 0);
	assert_true(lo == 7500000 && hi == 10000000);
	assert_int_equal(jobs_parse_wage("7.000.000 đ", &lo, &hi), 0);
	assert_true(lo == 7000000 && hi == 7000000);
	assert_int_equal(jobs_parse_wage("250k/ngay", &lo, &hi), 0);
	assert_true(lo == 250000);
	assert_int_equal(jobs_parse_wage("thoa thuan", &lo, &hi), GW_ERR_NOTFOUND);
	assert_int_equal(jobs_parse_deadline("30/6", &cfg, now, d), 0);
	assert_string_equal(d, "2027-06-30");
	assert_int_equal(jobs_parse_deadline("10/1", &cfg, now, d), 0);
	assert_string_equal(d, "2028-01-10"); /* already past this year */
	assert_int_equal(jobs_parse_deadline("31/12/2027", &cfg, now, d), 0);
	assert_string_equal(d, "2027-12-31");
	assert_int_equal(jobs_parse_deadline("2027-03-01", &cfg, now, d), 0);
	assert_string_equal(d, "2027-03-01");
	assert_int_equal(jobs_parse_deadline("31/2/2027", &cfg, now, d), GW_ERR_INVAL);
	assert_int_equal(jobs_parse_deadline("mai", &cfg, now, d), GW_ERR_INVAL);
}

static void test_list_filters(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	const char *t;
	json_t *jobs;

	sim(f, "+84912000001", "VIEC may", f->now, &res);
	assert_string_equal(res.intent, "job_list");
	t = reply_of(&res, "+84912000001");
	assert_non_null(strstr(t, "6. CN may - Tan Lap - 6-9tr"));
	assert_non_null(strstr(t, "7. Tho may gia cong - Tan Lap - 3,5-6tr"));
	assert_null(strstr(t, "2. ")); /* xe may is no sewing */
	assert_string_equal(filter_str(&res, "type"), "may");
	assert_null(filter_str(&res, "area"));
	jobs = json_object_get(res.extra, "jobs");
	assert_int_equal(json_array_size(jobs), 2);
	assert_string_equal(json_string_value(json_array_get(jobs, 0)), "JOB-VP-007");
	handler_result_release(&res);

	sim(f, "+84912000001", "việc công nhân Bình Xuyên", f->now, &res);
	assert_string_equal(filter_str(&res, "area"), "binh xuyen");
	assert_string_equal(filter_str(&res, "type"), "cong nhan");
	t = reply_of(&res, "+84912000001");
	assert_non_null(strstr(t, "1. CN lap rap dien tu - Thien Ke"));
	assert_non_null(strstr(t, "2. CN phu tung xe may - Huong Canh"));
	assert_null(strstr(t, "6. "));
	handler_result_release(&res);

	/* age and gender against the requirements: 6 wants women 18-45 */
	sim(f, "+84912000001", "VIEC nam 45 tuoi", f->now, &res);
	t = reply_of(&res, "+84912000001");
	assert_null(strstr(t, "\n6. "));
	assert_non_null(strstr(t, "11. NV bao ve nha may"));
	assert_null(strstr(t, "\n2. ")); /* 18-40 */
	handler_result_release(&res);

	sim(f, "+84912000001", "VIEC o Hai Phong", f->now, &res);
	assert_non_null(strstr(reply_of(&res, "+84912000001"), "Chua co viec phu hop (hai phong)"));
	assert_string_equal(filter_str(&res, "area"), "hai phong");
	handler_result_release(&res);
}

static void test_list_pages_and_numbers(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	int seen[20] = { 0 }, parts, ucs2;
	char text[16];

	for (int page = 1, more = 1; more; page++) {
		const char *t, *p;

		snprintf(text, sizeof(text), "VIEC %d", page);
		sim(f, "+84912000002", text, f->now, &res);
		t = reply_of(&res, "+84912000002");
		assert_int_equal(reply_measure(t, &parts, &ucs2), 0);
		assert_true(parts <= f->cfg.sms.max_parts);
		assert_int_equal(ucs2, 0); /* unaccented GSM-7 */
		for (p = t; p; p = strchr(p, '\n')) {
			int n;

			p += *p == '\n';
			n = (int)strtol(p, NULL, 10);
			if (n > 0 && n < 20)
				seen[n]++;
		}
		snprintf(text, sizeof(text), "\n>Tiep VIEC %d", page + 1);
		more = strstr(t, text) != NULL;
		if (page == 1) {
			assert_true(more);
			assert_int_equal(strtol(strstr(t, ":\n") + 2, NULL, 10), 15); /* newest first */
		}
		handler_result_release(&res);
	}
	for (int n = 1; n <= 15; n++)
		assert_int_equal(seen[n], 1); /* every offer once, on whole lines */

	/* the number is jobs.id: closing others does not shift it */
	exec(f, "UPDATE jobs SET status = 'closed' WHERE id IN (1, 2, 3, 4, 5)");
	exec(f, "UPDATE jobs SET deadline = '2027-01-14' WHERE id = 7"); /* past */
	sim(f, "+84912000002", "VIEC may", f->now, &res);
	assert_non_null(strstr(reply_of(&res, "+84912000002"), "\n6. CN may - Tan Lap"));
	assert_null(strstr(reply_of(&res, "+84912000002"), "7. "));
	handler_result_release(&res);
	/* past the last page: the last page */
	sim(f, "+84912000002", "VIEC 9", f->now, &res);
	assert_non_null(strstr(reply_of(&res, "+84912000002"), "6. CN may"));
	handler_result_release(&res);
}

static void test_near_home_first(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	const char *t;

	sim(f, "+84912000003", "DK VIEC song lo", f->now, &res);
	assert_string_equal(res.intent, "job_subscribe");
	handler_result_release(&res);
	sim(f, "+84912000003", "VIEC", f->now, &res);
	t = reply_of(&res, "+84912000003");
	/* Song Lo offers (8, 7, 6) before the newer ones elsewhere */
	assert_int_equal(strtol(strstr(t, ":\n") + 2, NULL, 10), 8);
	assert_true(strstr(t, "\n6. ") < strstr(t, "\n15. "));
	handler_result_release(&res);
}

static void test_subscribe(void **state)
{
	struct fx *f = *state;
	struct handler_result res;

	sim(f, "+84912000004", "DK VIEC may tan lap", f->now, &res);
	assert_non_null(strstr(reply_of(&res, "+84912000004"), "Da dang ky nhan tin viec moi (may, tan lap)"));
	assert_string_equal(filter_str(&res, "area"), "tan lap");
	assert_string_equal(filter_str(&res, "type"), "may");
	handler_result_release(&res);
	sim(f, "+84912000004", "DK VIEC may tan lap", f->now, &res); /* twice: one row */
	handler_result_release(&res);
	sim(f, "+84912000004", "dang ky viec", f->now, &res);
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM subscriptions WHERE phone = '+84912000004'"), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM subscriptions WHERE area = 'tan lap'"
				  " AND job_type = 'may'"), 1);
	/* an opted-out household is told how to resume; the opt-out stands */
	sim(f, "+84912000005", "HUY", f->now, &res);
	handler_result_release(&res);
	sim(f, "+84912000005", "DK VIEC", f->now, &res);
	assert_non_null(strstr(reply_of(&res, "+84912000005"), "BAT DAU"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT opted_out FROM contacts WHERE phone = '+84912000005'"), 1);
	/* DK VIEC <n> applies */
	sim(f, "+84912000004", "DK VIEC 8", f->now, &res);
	assert_string_equal(res.intent, "job_apply");
	assert_string_equal(res.ref, "JOB-VP-008");
	handler_result_release(&res);
}

static void test_apply(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	const char *t;

	assert_int_equal(officers_add(f->db, "+84911000001", "Nguyễn Văn An", "officer", "Tân Lập",
				      "123456", OFFICERS_HASH_MIN, "test", f->now), 0);
	sim(f, "+84912000006", "UT 6", f->now, &res);
	assert_string_equal(res.intent, "job_apply");
	assert_string_equal(res.ref, "JOB-VP-006");
	t = reply_of(&res, "+84912000006");
	assert_non_null(strstr(t, "Da dang ky viec so 6"));
	assert_non_null(strstr(t, "Nguyen Van An (0911000001)")); /* whom to expect */
	assert_non_null(strstr(t, "0900 000 006"));              /* the offer's contact */
	assert_int_equal(res.nout, 2);
	assert_string_equal(out_of_kind(&res, "notify")->phone, "+84911000001");
	assert_non_null(strstr(out_of_kind(&res, "notify")->text, "0912000006"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM referrals WHERE job_id = 6 AND status = 'new'"
				  " AND officer_notified = 1"), 1);

	sim(f, "+84912000006", "ut 6 nhe", f->now + 60, &res); /* twice: recognised */
	assert_non_null(strstr(reply_of(&res, "+84912000006"), "da dang ky viec so 6"));
	assert_int_equal(res.nout, 1);
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM referrals"), 1);

	sim(f, "+84912000006", "UT JOB-VP-007", f->now, &res);
	assert_string_equal(res.ref, "JOB-VP-007");
	handler_result_release(&res);
	sim(f, "+84912000007", "ung tuyen cong nhan may tan lap", f->now, &res);
	assert_string_equal(res.ref, "JOB-VP-006");
	handler_result_release(&res);
	sim(f, "+84912000007", "UT may", f->now, &res); /* two fit: ask which */
	assert_non_null(strstr(reply_of(&res, "+84912000007"), "viec nao? 7. "));
	handler_result_release(&res);
	sim(f, "+84912000007", "UT 99", f->now, &res);
	assert_non_null(strstr(reply_of(&res, "+84912000007"), "Khong co viec so 99"));
	handler_result_release(&res);
	exec(f, "UPDATE jobs SET status = 'closed' WHERE id = 9");
	sim(f, "+84912000007", "UT 9", f->now, &res);
	assert_non_null(strstr(reply_of(&res, "+84912000007"), "da dong"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM referrals WHERE job_id = 9"), 0);
}

static void test_notify_batching(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	time_t t = f->now, gap = REFERRALS_NOTIFY_GAP_MIN * 60;
	char phone[16], text[512];
	int64_t due = 0;

	assert_int_equal(officers_add(f->db, "+84911000001", "An", "officer", "Tan Lap", "123456",
				      OFFICERS_HASH_MIN, "test", t), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(phone, sizeof(phone), "+8491300000%d", i);
		sim(f, phone, "UT 6", t + i * 10, &res);
		/* only the first is told at once */
		assert_int_equal(res.nout, i == 0 ? 2 : 1);
		handler_result_release(&res);
	}
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'notify'"), 1);
	assert_int_equal(db_query_int64(f->db, "SELECT next_attempt_at FROM outbox WHERE kind = 'notify'",
					&due), 0);
	assert_int_equal(due, t + gap);
	{
		sqlite3_stmt *st;

		assert_int_equal(db_prepare(f->db, "SELECT text FROM outbox WHERE kind = 'notify'", &st), 0);
		assert_int_equal(db_step(st), DB_ROW);
		snprintf(text, sizeof(text), "%s", db_col_text(st, 0));
		sqlite3_reset(st);
	}
	assert_non_null(strstr(text, "UT moi (3): viec 6: 0913000001, 0913000002, 0913000003"));
	/* the summary went; the next applicant within the gap waits for the next one */
	exec(f, "UPDATE outbox SET status = 'sent', sent_at = next_attempt_at WHERE kind = 'notify'");
	sim(f, "+84913000009", "UT 6", t + gap + 60, &res);
	assert_int_equal(res.nout, 1);
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'notify' AND status = 'queued'"), 1);
	assert_int_equal(db_query_int64(f->db, "SELECT next_attempt_at FROM outbox WHERE kind = 'notify'"
					" AND status = 'queued'", &due), 0);
	assert_int_equal(due, t + 2 * gap);
	/* after a quiet spell (the summary gone): at once again */
	exec(f, "UPDATE outbox SET status = 'sent', sent_at = next_attempt_at WHERE kind = 'notify'");
	sim(f, "+84913000010", "UT 6", t + 3 * gap + 1, &res);
	assert_int_equal(res.nout, 2);
	handler_result_release(&res);
}

static void test_notify_fallback_admin(void **state)
{
	struct fx *f = *state;
	struct handler_result res;

	/* no officer of the commune: the administrator hears of it */
	assert_int_equal(officers_add(f->db, "+84911000002", "Admin", "admin", "", "567890",
				      OFFICERS_HASH_MIN, "test", f->now), 0);
	assert_int_equal(officers_add(f->db, "+84911000003", "Binh", "officer", "Bá Hiến", "111111",
				      OFFICERS_HASH_MIN, "test", f->now), 0);
	sim(f, "+84912000008", "UT 6", f->now, &res);
	assert_string_equal(out_of_kind(&res, "notify")->phone, "+84911000002");
	handler_result_release(&res);
	sim(f, "+84912000008", "UT 4", f->now, &res); /* 4 is in Ba Hien */
	assert_string_equal(out_of_kind(&res, "notify")->phone, "+84911000003");
	handler_result_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_and_places),
		cmocka_unit_test(test_filter_parse),
		cmocka_unit_test(test_wage_and_deadline),
		cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_pages_and_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_near_home_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subscribe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_batching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_fallback_admin, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
