/* Unit tests: who may see and act on what (handlers/features/scope.h), and
 * the SMS officer commands that go through it (XN, DOI, DONG, VIECMOI), on
 * a real SQLite file with the sample jobs: Thien Ke's job 1, Tan Lap's jobs
 * 6 and 7. The SMS cases are the findings of issue 16: an officer of one
 * commune confirmed, moved, closed and posted in another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "common/gw_err.h"
#include "handlers/features/appointments.h"
#include "handlers/features/officers.h"
#include "handlers/features/scope.h"
#include "handlers/handler.h"

#define ADMIN "+84911000002"
#define TK "+84911000001"  /* officer of Thiện Kế (job 1) */
#define TL "+84911000003"  /* officer of Tân Lập (jobs 6, 7), the duty officer */
#define TL2 "+84911000004" /* another officer of Tân Lập */
#define HH_TL "+84900000010" /* a household of Tân Lập */
#define HH_TK "+84900000011" /* a household of Thiện Kế */
#define NOW 1765339200       /* Wed 2025-12-10 11:00 office time */

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gwscope", 1000, FIXTURE_LEXICON | FIXTURE_JOBS);
	settings_defaults(&f->cfg);
	/* TL first: the first officer is the duty officer new requests go to */
	assert_int_equal(officers_add(f->db, TL, "Cường", "officer", "Tân Lập", "123456", OFFICERS_HASH_MIN,
				      "cli:test", NOW), 0);
	assert_int_equal(officers_add(f->db, ADMIN, "Quản trị", "admin", "", "987654", OFFICERS_HASH_MIN,
				      "cli:test", NOW), 0);
	assert_int_equal(officers_add(f->db, TK, "Bình", "officer", "xã Thiện Kế", "123456", OFFICERS_HASH_MIN,
				      "cli:test", NOW), 0);
	assert_int_equal(officers_add(f->db, TL2, "Dung", "officer", "xã Tân Lập", "123456", OFFICERS_HASH_MIN,
				      "cli:test", NOW), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO contacts (phone, commune, created_at, last_seen) VALUES"
				 " ('" HH_TL "', 'Tân Lập', 0, 0), ('" HH_TK "', 'Thiện Kế', 0, 0)"), 0);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

static struct scope_account account(struct fx *f, const char *phone)
{
	struct scope_account a;
	struct officer o;

	assert_int_equal(officers_find(f->db, phone, &o), 0);
	assert_int_equal(scope_account_load(f->db, o.id, &a), 0);
	return a;
}

static void test_verdicts(void **state)
{
	struct fx *f = *state;
	struct scope_account admin = account(f, ADMIN), tk = account(f, TK), tl = account(f, TL);
	sqlite3_stmt *st;
	int64_t appt;

	assert_true(admin.admin);
	assert_false(tk.admin);
	assert_string_equal(tk.commune_key, "thien ke"); /* folded, "xã" dropped */
	assert_int_equal(scope_account_load(f->db, 999, &tk), GW_ERR_NOTFOUND);
	tk = account(f, TK);
	/* jobs by place */
	assert_int_equal(scope_job(f->db, &tk, 1), 0);
	assert_int_equal(scope_job(f->db, &tk, 6), GW_ERR_AUTH);
	assert_int_equal(scope_job(f->db, &tl, 6), 0);
	assert_int_equal(scope_job(f->db, &tl, 7), 0);
	assert_int_equal(scope_job(f->db, &tl, 1), GW_ERR_AUTH);
	assert_int_equal(scope_job(f->db, &admin, 6), 0);
	assert_int_equal(scope_job(f->db, &admin, 9999), GW_ERR_NOTFOUND);
	/* a job an officer posted elsewhere (before the rule) is not theirs */
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET officer_id = (SELECT id FROM officers WHERE phone"
				 " = '" TK "') WHERE id = 6"), 0);
	assert_int_equal(scope_job(f->db, &tk, 6), GW_ERR_AUTH);
	/* households: by the contact's commune, a referral, an appointment
	 * (households of a commune nobody here serves: Đồng Văn) */
	assert_int_equal(db_exec(f->db, "INSERT INTO contacts (phone, commune, created_at, last_seen) VALUES"
				 " ('+84900000001', 'Thiện Kế', 0, 0), ('+84900000002', 'Đồng Văn', 0, 0),"
				 " ('+84900000003', 'Đồng Văn', 0, 0);"
				 "INSERT INTO referrals (job_id, phone, created_at) VALUES (6, '+84900000002', 0);"
				 "INSERT INTO inbox (sender, text, sent_at, stored_at) VALUES ('+84900000001', 'x', 0, 0),"
				 " ('+84900000002', 'y', 0, 0);"), 0);
	assert_int_equal(scope_phone(f->db, &tk, "+84900000001"), 0);
	assert_int_equal(scope_phone(f->db, &tk, "+84900000002"), GW_ERR_AUTH);
	assert_int_equal(scope_phone(f->db, &tl, "+84900000002"), 0);
	assert_int_equal(scope_phone(f->db, &tl, "+84900000003"), GW_ERR_AUTH);
	assert_int_equal(scope_phone(f->db, &admin, "+84900000003"), 0);
	assert_int_equal(scope_phone(f->db, &admin, "+84900009999"), GW_ERR_NOTFOUND);
	assert_int_equal(scope_inbox(f->db, &tk, 1), 0);
	assert_int_equal(scope_inbox(f->db, &tk, 2), GW_ERR_AUTH);
	assert_int_equal(scope_inbox(f->db, &tl, 2), 0);
	assert_int_equal(scope_inbox(f->db, &tl, 99), GW_ERR_NOTFOUND);
	/* appointments: assigned to Tân Lập's officer */
	assert_int_equal(db_prepare(f->db, "INSERT INTO appointments (phone, officer_id, day, slot, created_at,"
					   " updated_at) VALUES ('+84900000003', ?, '2027-01-20', '08:00', 0, 0)", &st), 0);
	sqlite3_bind_int64(st, 1, tl.id);
	assert_int_equal(db_step(st), DB_DONE);
	appt = db_last_id(f->db);
	assert_int_equal(scope_appointment(f->db, &tl, appt), 0);
	assert_int_equal(scope_appointment(f->db, &tk, appt), GW_ERR_AUTH);
	assert_int_equal(scope_appointment(f->db, &admin, appt), 0);
	assert_int_equal(scope_phone(f->db, &tl, "+84900000003"), 0); /* now theirs */
	/* an officer without a commune sees only what is assigned to them */
	assert_int_equal(db_exec(f->db, "UPDATE officers SET commune = '' WHERE phone = '" TL "'"), 0);
	tl = account(f, TL);
	assert_int_equal(scope_job(f->db, &tl, 6), GW_ERR_AUTH);
	assert_int_equal(scope_appointment(f->db, &tl, appt), 0);
}

/* Households whose commune is not known yet: every officer sees them (the
 * "chưa rõ xã" list) and may place them in a commune the box serves; an
 * officer of a one-commune box sees every household. */
static void test_unknown_commune(void **state)
{
	struct fx *f = *state;
	struct scope_account admin = account(f, ADMIN), tk = account(f, TK), tl = account(f, TL);

	assert_int_equal(db_exec(f->db, "INSERT INTO contacts (phone, commune, created_at, last_seen) VALUES"
				 " ('+84900000005', '', 0, 0);"
				 "INSERT INTO inbox (sender, text, sent_at, stored_at) VALUES"
				 " ('+84900000005', 'thon 3 Tan Lap', 0, 0), ('+84900000006', 'alo', 0, 0);"), 0);
	/* no commune on the contact, and no contact at all */
	assert_int_equal(scope_phone(f->db, &tk, "+84900000005"), 0);
	assert_int_equal(scope_phone(f->db, &tl, "+84900000005"), 0);
	assert_int_equal(scope_phone(f->db, &tk, "+84900000006"), 0);
	assert_int_equal(scope_inbox(f->db, &tl, 1), 0);
	/* a known commune stays with its officers */
	assert_int_equal(scope_phone(f->db, &tk, HH_TL), GW_ERR_AUTH);
	/* placing it: an officer may, once, in a commune the box serves */
	assert_int_equal(scope_may_set_commune(f->db, &tl, "", "xã Tân Lập", "Tân Lập, Thiện Kế"), 0);
	assert_int_equal(scope_may_set_commune(f->db, &tl, "", "Thiện Kế", "Tân Lập, Thiện Kế"), 0);
	assert_int_equal(scope_may_set_commune(f->db, &tl, "", "Đồng Văn", "Tân Lập, Thiện Kế"), GW_ERR_AUTH);
	assert_int_equal(scope_may_set_commune(f->db, &tl, "Thiện Kế", "Tân Lập", "Tân Lập, Thiện Kế"),
			 GW_ERR_AUTH);
	assert_int_equal(scope_may_set_commune(f->db, &tl, "", "", "Tân Lập"), GW_ERR_INVAL);
	/* a box that names none: the communes of its officers */
	assert_int_equal(scope_may_set_commune(f->db, &tk, "", "Tân Lập", ""), 0);
	assert_int_equal(scope_may_set_commune(f->db, &tk, "", "Đồng Văn", ""), GW_ERR_AUTH);
	assert_int_equal(scope_may_set_commune(f->db, &admin, "Thiện Kế", "", "Tân Lập"), 0);
	/* one commune on the box: its officer sees every household */
	assert_int_equal(scope_account_box(&tl, "Thiện Kế, Tân Lập"), 0);
	assert_false(tl.all_households);
	assert_int_equal(scope_phone(f->db, &tl, HH_TK), GW_ERR_AUTH);
	assert_int_equal(scope_account_box(&tl, "xã Tân Lập"), 0);
	assert_true(tl.all_households);
	assert_int_equal(scope_phone(f->db, &tl, HH_TK), 0);
	/* ... but not another commune's jobs */
	assert_int_equal(scope_job(f->db, &tl, 1), GW_ERR_AUTH);
	assert_int_equal(scope_account_box(&tk, "Tân Lập"), 0);
	assert_false(tk.all_households);
	assert_int_equal(scope_phone(f->db, &tk, HH_TL), GW_ERR_AUTH);
}

static void test_rules(void **state)
{
	struct fx *f = *state;
	struct scope_account admin = account(f, ADMIN), tk = account(f, TK), tl = account(f, TL);
	int ok = -1;

	/* where a job may be placed */
	assert_int_equal(scope_job_commune(&tk, "Thiện Kế"), 0);
	assert_int_equal(scope_job_commune(&tk, "xã Thiện Kế"), 0);
	assert_int_equal(scope_job_commune(&tk, "Tân Lập"), GW_ERR_AUTH);
	assert_int_equal(scope_job_commune(&tk, "Thiện Kế, Tân Lập"), GW_ERR_AUTH);
	assert_int_equal(scope_job_commune(&tk, ""), GW_ERR_AUTH);
	assert_int_equal(scope_job_commune(&admin, "Tân Lập"), 0);
	assert_int_equal(scope_job_commune(&admin, ""), 0);
	/* where a broadcast may be aimed, and whom it reaches */
	assert_int_equal(scope_area(&tk, ""), 0);
	assert_int_equal(scope_area(&tk, "thien ke"), 0);
	assert_int_equal(scope_area(&tk, "Tân Lập"), GW_ERR_AUTH);
	assert_int_equal(scope_area(&admin, "Tân Lập"), 0);
	assert_null(scope_audience(&admin));
	assert_string_equal(scope_audience(&tk), "thien ke");
	/* who may take an appointment over */
	assert_int_equal(scope_may_reassign(f->db, tl.id, account(f, TL2).id, &ok), 0);
	assert_int_equal(ok, 1);
	assert_int_equal(scope_may_reassign(f->db, tl.id, tk.id, &ok), 0);
	assert_int_equal(ok, 0);
	assert_int_equal(scope_may_reassign(f->db, tl.id, admin.id, &ok), 0);
	assert_int_equal(ok, 0);
	assert_int_equal(scope_may_reassign(f->db, 0, tk.id, &ok), 0);
	assert_int_equal(ok, 1);
	/* an officer without a commune may do none of it */
	assert_int_equal(db_exec(f->db, "UPDATE officers SET commune = '' WHERE phone = '" TK "'"), 0);
	tk = account(f, TK);
	assert_int_equal(scope_job_commune(&tk, ""), GW_ERR_AUTH);
	assert_int_equal(scope_area(&tk, ""), GW_ERR_AUTH);
}

/* One SMS through the whole handler path, committed like the daemon does. */
static void sms(struct fx *f, const char *from, const char *text, char *reply, size_t replysz,
		int *notices)
{
	struct handler_env env = { f->db, &f->cfg };
	struct handler_msg msg = { from, text, NOW, HANDLER_CHANNEL_SMS };
	struct handler_result res;

	handler_result_init(&res);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_process(&env, &msg, &res), 0);
	assert_int_equal(db_commit(f->db), 0);
	reply[0] = '\0';
	*notices = 0;
	for (size_t i = 0; i < res.nout; i++) {
		if (!strcmp(res.out[i].phone, from))
			snprintf(reply, replysz, "%s", res.out[i].text);
		else
			(*notices)++;
	}
	handler_result_release(&res);
}

static void test_sms_appointments(void **state)
{
	struct fx *f = *state;
	struct appointment a;
	char reply[1024];
	int64_t tl_id = account(f, TL).id;
	int notices = 0;

	/* a Tân Lập household books: it goes to the duty officer (Tân Lập) */
	sms(f, HH_TL, "HEN 15/12 8h vay von", reply, sizeof(reply), &notices);
	assert_int_equal(appointments_get(f->db, 1, &a), 0);
	assert_int_equal(a.officer_id, tl_id);
	/* Thiện Kế's officer may not confirm, move or decline it; nothing of it
	 * is shown (not the household's number), nobody is told */
	sms(f, TK, "XN 123456 1", reply, sizeof(reply), &notices);
	assert_string_equal(reply, "Hen #1 khong thuoc xa ban.");
	assert_int_equal(notices, 0);
	sms(f, TK, "DOI 123456 1 17/12 9h", reply, sizeof(reply), &notices);
	assert_string_equal(reply, "Hen #1 khong thuoc xa ban.");
	assert_int_equal(notices, 0);
	sms(f, TK, "XN 123456 1 khong", reply, sizeof(reply), &notices);
	assert_string_equal(reply, "Hen #1 khong thuoc xa ban.");
	assert_int_equal(appointments_get(f->db, 1, &a), 0);
	assert_string_equal(a.status, "requested");
	assert_string_equal(a.day, "2025-12-15");
	assert_int_equal(a.officer_id, tl_id);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'scope_refused' AND actor = '" TK
				  "' AND target = 'appointment #1'"), 3);
	/* another officer of Tân Lập may take it over */
	sms(f, TL2, "XN 123456 1", reply, sizeof(reply), &notices);
	assert_non_null(strstr(reply, "Da xac nhan hen #1"));
	assert_int_equal(notices, 1);
	assert_int_equal(appointments_get(f->db, 1, &a), 0);
	assert_int_equal(a.officer_id, account(f, TL2).id);
	/* a Thiện Kế household's request held by Tân Lập's duty officer: Thiện
	 * Kế's officer may answer it (their household), but it stays with the
	 * officer who holds it */
	sms(f, HH_TK, "HEN 16/12 9h vay von", reply, sizeof(reply), &notices);
	sms(f, TK, "XN 123456 2", reply, sizeof(reply), &notices);
	assert_non_null(strstr(reply, "Da xac nhan hen #2"));
	assert_int_equal(appointments_get(f->db, 2, &a), 0);
	assert_string_equal(a.status, "confirmed");
	assert_int_equal(a.officer_id, tl_id);
	/* nor does an administrator's answer take it */
	sms(f, ADMIN, "DOI 987654 2 17/12 9h", reply, sizeof(reply), &notices);
	assert_non_null(strstr(reply, "Da doi hen #2"));
	assert_int_equal(appointments_get(f->db, 2, &a), 0);
	assert_int_equal(a.officer_id, tl_id);
}

static void test_sms_jobs(void **state)
{
	struct fx *f = *state;
	char reply[1024];
	int notices = 0;

	/* DONG: another commune's job is refused, whoever posted it */
	sms(f, TK, "DONG 123456 6", reply, sizeof(reply), &notices);
	assert_string_equal(reply, "Viec so 6 khong thuoc xa ban.");
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE id = 6 AND status = 'open'"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'scope_refused' AND actor = '" TK
				  "' AND target = 'job JOB-VP-006'"), 1);
	sms(f, TL, "DONG 123456 6", reply, sizeof(reply), &notices);
	assert_non_null(strstr(reply, "Da dong viec so 6"));
	/* VIECMOI: only in the officer's own commune */
	sms(f, TK, "VIECMOI 123456 Cong nhan may; Tan Lap, Song Lo; 6tr; 30/6/2027", reply, sizeof(reply),
	    &notices);
	assert_string_equal(reply, "Tu choi: 'Tan Lap' khong thuoc xa ban (Thien Ke).");
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs"), 15);
	sms(f, TK, "VIECMOI 123456 Cong nhan may; Thien Ke, Binh Xuyen; 6tr; 30/6/2027", reply, sizeof(reply),
	    &notices);
	assert_non_null(strstr(reply, "Da dang viec so 16"));
	/* an administrator posts anywhere */
	sms(f, ADMIN, "VIECMOI 987654 Bao ve; Tan Lap; 5tr; 30/6/2027", reply, sizeof(reply), &notices);
	assert_non_null(strstr(reply, "Da dang viec so 17"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_commune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_appointments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_jobs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
