/* Unit tests: handlers/officers (PIN hash, checks, lock-out, audit, PIN
 * masking) and the officer SMS commands VIECMOI and DONG, on real SQLite
 * files. Hashes use the minimum Argon2id cost to keep the tests quick. */
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
#include "handlers/features/jobs.h"
#include "handlers/features/officers.h"
#include "handlers/handler.h"

#define OFFICER "+84911000001"
#define ADMIN "+84911000002"
#define STRANGER "+84919999999"

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
	time_t now;
};

/* A 4-digit PIN set before the 6-digit rule (pin_short unknown): such
 * PINs keep working. */
static void legacy_pin(struct fx *f, const char *phone, const char *pin)
{
	char hash[OFFICERS_HASH_MAX];
	sqlite3_stmt *st;

	assert_int_equal(officers_hash_pin(pin, OFFICERS_HASH_MIN, hash, sizeof(hash)), 0);
	assert_int_equal(db_prepare(f->db, "UPDATE officers SET pin_hash = ?, pin_short = NULL WHERE phone = ?",
				    &st), 0);
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, phone);
	assert_int_equal(db_step(st), DB_DONE);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gwoff", 1000, FIXTURE_LEXICON | FIXTURE_JOBS);
	settings_defaults(&f->cfg);
	f->now = 1800000000; /* 2027-01-15 */
	assert_int_equal(officers_add(f->db, OFFICER, "Nguyễn Văn An", "officer", "Tân Lập", "246813",
				      OFFICERS_HASH_MIN, "cli:test", f->now), 0);
	assert_int_equal(officers_add(f->db, ADMIN, "Quản trị", "admin", "", "987654",
				      OFFICERS_HASH_MIN, "cli:test", f->now), 0);
	legacy_pin(f, OFFICER, "1234");
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

/* The message as the daemon has it: an inbox row, then the handler. */
static void sms(struct fx *f, const char *phone, const char *text, struct handler_result *res)
{
	struct handler_env env = { f->db, &f->cfg };
	struct handler_msg msg = { phone, text, f->now, HANDLER_CHANNEL_SMS };
	sqlite3_stmt *st;

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_prepare(f->db, "INSERT INTO inbox (sender, text, sent_at, stored_at)"
					   " VALUES (?, ?, ?3, ?3)", &st), 0);
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, text);
	sqlite3_bind_int64(st, 3, f->now);
	assert_int_equal(db_step(st), DB_DONE);
	assert_int_equal(db_prepare(f->db, "INSERT INTO inbox_parts (sender, ref, total, seq, sent_at,"
					   " text, fingerprint, stored_at, inbox_id)"
					   " VALUES (?1, 0, 1, 1, ?3, ?2, ?2 || ?3, ?3, last_insert_rowid())",
				    &st), 0);
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, text);
	sqlite3_bind_int64(st, 3, f->now);
	assert_int_equal(db_step(st), DB_DONE);
	handler_result_init(res);
	assert_int_equal(handler_process(&env, &msg, res), 0);
	assert_int_equal(db_commit(f->db), 0);
	f->now++;
}

static const char *reply(const struct handler_result *res)
{
	assert_true(res->nout >= 1);
	return res->out[res->nout - 1].text;
}

static void test_hash(void **state)
{
	char h1[OFFICERS_HASH_MAX], h2[OFFICERS_HASH_MAX];
	struct buf b;

	(void)state;
	assert_int_equal(officers_hash_pin("1234", OFFICERS_HASH_MIN, h1, sizeof(h1)), 0);
	assert_int_equal(officers_hash_pin("1234", OFFICERS_HASH_MIN, h2, sizeof(h2)), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_string_not_equal(h1, h2); /* salted */
	assert_null(strstr(h1, "1234"));
	assert_int_equal(officers_hash_pin("12a4", OFFICERS_HASH_MIN, h1, sizeof(h1)), GW_ERR_INVAL);
	assert_int_equal(officers_hash_pin("123", OFFICERS_HASH_MIN, h1, sizeof(h1)), GW_ERR_INVAL);
	assert_int_equal(officers_hash_pin("123456789", OFFICERS_HASH_MIN, h1, sizeof(h1)), GW_ERR_INVAL);
	assert_true(officers_pin_valid("00001234"));

	buf_init(&b, 256);
	assert_int_equal(officers_mask_pin("VIECMOI 1234 Lam 12345; 1234", "1234", &b), 0);
	assert_string_equal(b.data, "VIECMOI **** Lam 12345; 1234");
	buf_release(&b);
	assert_string_equal(officers_after_pin("TB 1234 tan lap: hop 8h", "1234"), " tan lap: hop 8h");
	assert_null(officers_after_pin("TB 12345 x", "1234"));
}

static void test_register(void **state)
{
	struct fx *f = *state;
	struct officer o;

	assert_int_equal(officers_add(f->db, OFFICER, "X", "officer", "", "111111", OFFICERS_HASH_MIN,
				      "cli:test", f->now), GW_ERR_EXISTS);
	assert_int_equal(officers_add(f->db, "+84911000009", "X", "boss", "", "111111", OFFICERS_HASH_MIN,
				      "cli:test", f->now), GW_ERR_INVAL);
	/* issue 16: new PINs have 6 to 8 digits (a 4-digit one falls to a patient guesser) */
	assert_int_equal(officers_add(f->db, "+84911000009", "X", "officer", "", "1111", OFFICERS_HASH_MIN,
				      "cli:test", f->now), GW_ERR_INVAL);
	assert_int_equal(officers_add(f->db, "+84911000009", "X", "officer", "", "12345", OFFICERS_HASH_MIN,
				      "cli:test", f->now), GW_ERR_INVAL);
	assert_false(officers_new_pin_valid("12345"));
	assert_true(officers_new_pin_valid("123456"));
	assert_int_equal(officers_set_pin(f->db, OFFICER, "4321", OFFICERS_HASH_MIN, "cli:test", f->now),
			 GW_ERR_INVAL);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM officers WHERE pin_hash LIKE '%1234%'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'officer_add'"
				  " AND actor = 'cli:test'"), 2);
	assert_int_equal(officers_find(f->db, OFFICER, &o), 0);
	assert_string_equal(o.role, "officer");
	/* removing keeps the offers it posted, without it */
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET officer_id = 1 WHERE id = 6"), 0);
	assert_int_equal(officers_remove(f->db, OFFICER, "cli:test", f->now), 0);
	assert_int_equal(officers_find(f->db, OFFICER, &o), GW_ERR_NOTFOUND);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE id = 6 AND officer_id IS NULL"), 1);
	assert_int_equal(officers_remove(f->db, OFFICER, "cli:test", f->now), GW_ERR_NOTFOUND);
}

static void test_check_and_lockout(void **state)
{
	struct fx *f = *state;
	struct officers_check c;
	time_t t = f->now;

	assert_int_equal(officers_check(f->db, &f->cfg, OFFICER, "1234", "TB", t, &c), 0);
	assert_int_equal(c.verdict, OFFICERS_OK);
	assert_string_equal(c.officer.name, "Nguyễn Văn An");
	assert_int_equal(officers_check(f->db, &f->cfg, STRANGER, "1234", "TB", t, &c), 0);
	assert_int_equal(c.verdict, OFFICERS_UNKNOWN);
	for (int i = 1; i < f->cfg.officers.max_pin_failures; i++) {
		assert_int_equal(officers_check(f->db, &f->cfg, OFFICER, "9999", "TB", t, &c), 0);
		assert_int_equal(c.verdict, OFFICERS_BAD_PIN);
		assert_int_equal(c.tries_left, f->cfg.officers.max_pin_failures - i);
	}
	assert_int_equal(officers_check(f->db, &f->cfg, OFFICER, "9999", "TB", t, &c), 0);
	assert_int_equal(c.verdict, OFFICERS_LOCKED);
	assert_int_equal(c.locked_until, t + f->cfg.officers.lockout_minutes * 60);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'officer_locked'"), 1);
	/* locked: even the right PIN is refused until the time is up */
	assert_int_equal(officers_check(f->db, &f->cfg, OFFICER, "1234", "TB", t + 60, &c), 0);
	assert_int_equal(c.verdict, OFFICERS_LOCKED);
	assert_int_equal(officers_check(f->db, &f->cfg, OFFICER, "1234", "TB",
					t + f->cfg.officers.lockout_minutes * 60 + 1, &c), 0);
	assert_int_equal(c.verdict, OFFICERS_OK);
	assert_int_equal(fixture_int(f->db, "SELECT failed_attempts + locked_until FROM officers WHERE id = 1"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'officer_auth_fail'"),
			 1 + f->cfg.officers.max_pin_failures + 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE detail LIKE '%9999%'"
				  " OR detail LIKE '%1234%'"), 0);
}

static void test_sms_post_and_close(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	struct job j;

	sms(f, OFFICER, "VIECMOI 1234 Công nhân may áo; Tân Lập, Sông Lô; 6-8tr; 30/6/2027", &res);
	assert_string_equal(res.intent, "officer_job_post");
	assert_string_equal(res.ref, "JOB-SMS-016");
	assert_non_null(strstr(reply(&res), "Da dang viec so 16 (JOB-SMS-016): CN may ao - Tan Lap - 6-8tr"));
	assert_null(strstr(reply(&res), "1234"));
	handler_result_release(&res);
	assert_int_equal(jobs_get(f->db, 16, &j), 0);
	assert_string_equal(j.title, "Công nhân may áo"); /* diacritics kept */
	assert_string_equal(j.deadline, "2027-06-30");
	assert_string_equal(j.places, "|tan lap|song lo|");
	assert_int_equal(j.officer_id, 1);
	/* the PIN is masked in what was stored */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE text LIKE '%1234%'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox_parts WHERE text LIKE '%1234%'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE text LIKE 'VIECMOI **** C%'"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'job_post'"
				  " AND actor = '" OFFICER "' AND target = 'JOB-SMS-016'"), 1);

	/* SQL and printf metacharacters are only text */
	sms(f, OFFICER, "VIECMOI 1234 %s%n%x' OR '1'='1 --; Tan Lap, Song Lo') OR 1=1 --; 5tr", &res);
	handler_result_release(&res);
	assert_int_equal(jobs_get(f->db, 17, &j), 0);
	assert_string_equal(j.title, "%s%n%x' OR '1'='1 --");
	assert_int_equal(strncmp(j.label, "%s%n%x' OR", 10), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs"), 17);

	sms(f, OFFICER, "VIECMOI 1234 chi co ten", &res);
	assert_non_null(strstr(reply(&res), "Mau tin: VIECMOI"));
	handler_result_release(&res);
	sms(f, OFFICER, "VIECMOI 1234 Viec; Tan Lap; 5tr; 1/1/2020", &res);
	assert_non_null(strstr(reply(&res), "Han '1/1/2020' khong dung"));
	handler_result_release(&res);

	/* DONG: one's own offer, not someone else's; an admin any */
	sms(f, OFFICER, "DONG 1234 6", &res);
	assert_non_null(strstr(reply(&res), "Da dong viec so 6"));
	handler_result_release(&res);
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET officer_id = 2 WHERE id = 7"), 0);
	sms(f, OFFICER, "DONG 1234 7", &res);
	assert_non_null(strstr(reply(&res), "can bo khac"));
	handler_result_release(&res);
	sms(f, ADMIN, "DONG 987654 JOB-VP-007", &res);
	assert_string_equal(res.ref, "JOB-VP-007");
	assert_non_null(strstr(reply(&res), "Da dong viec so 7"));
	handler_result_release(&res);
	sms(f, ADMIN, "DONG 987654 7", &res);
	assert_non_null(strstr(reply(&res), "da dong tu truoc"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE status = 'closed'"), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'job_close'"), 2);
}

static void test_sms_refusals(void **state)
{
	struct fx *f = *state;
	struct handler_result res;

	sms(f, STRANGER, "VIECMOI 1234 Viec; Tan Lap", &res);
	assert_string_equal(res.intent, "officer_job_post");
	assert_non_null(strstr(reply(&res), "chua dang ky can bo"));
	handler_result_release(&res);
	sms(f, OFFICER, "TB 4321 tan lap: hop dan", &res);
	assert_non_null(strstr(reply(&res), "Sai PIN. Con 4 lan"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'officer_auth_fail'"
				  " AND actor = '" STRANGER "' AND detail LIKE 'VIECMOI%'"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'officer_auth_fail'"
				  " AND actor = '" OFFICER "' AND detail LIKE 'TB: wrong PIN%'"), 1);
	/* nothing was posted or queued; the wrong PIN is masked too */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs"), 15);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM broadcasts"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE text LIKE '%4321%'"), 0);
	for (int i = 0; i < 4; i++) {
		sms(f, OFFICER, "DONG 0000 6", &res);
		handler_result_release(&res);
	}
	sms(f, OFFICER, "DONG 1234 6", &res); /* locked now */
	assert_non_null(strstr(reply(&res), "tam khoa"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE status = 'closed'"), 0);
	/* an unknown number that keeps trying is told it is locked */
	for (int i = 0; i < f->cfg.officers.max_pin_failures; i++) {
		sms(f, STRANGER, "TB 1111 x", &res);
		handler_result_release(&res);
	}
	sms(f, STRANGER, "TB 1111 x", &res);
	assert_non_null(strstr(reply(&res), "tam khoa"));
	handler_result_release(&res);
}

/* A mistyped command from an officer's number still carries the PIN: it is
 * masked in the stored message, without counting as a failed attempt; other
 * numbers, and households' digits, stay as they were. */
static void test_stray_pin_masked(void **state)
{
	struct fx *f = *state;
	struct handler_result res;

	sms(f, OFFICER, "VIECMO 1234 Cong nhan; Tan Lap; 5tr", &res); /* typo: not a command */
	handler_result_release(&res);
	sms(f, ADMIN, "THONGBOA 987654 hop dan 19/12", &res);
	handler_result_release(&res);
	sms(f, OFFICER, "hoi ve BHYT 2027, nam 5555", &res); /* digits that are not the PIN */
	handler_result_release(&res);
	sms(f, STRANGER, "VIECMO 1234 x", &res); /* not an officer: nothing to protect */
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE sender = '" OFFICER "'"
				  " AND text LIKE '%1234%'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox_parts WHERE sender = '" OFFICER "'"
				  " AND text LIKE '%1234%'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE text = 'VIECMO **** Cong nhan;"
				  " Tan Lap; 5tr'"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE text LIKE '%987654%'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE text = 'hoi ve BHYT 2027, nam 5555'"),
			 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE sender = '" STRANGER "'"
				  " AND text = 'VIECMO 1234 x'"), 1);
	/* not an authentication attempt */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'officer_auth_fail'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT failed_attempts FROM officers WHERE phone = '" OFFICER "'"),
			 0);
}

static const struct handler_out *to_admin(const struct handler_result *res)
{
	for (size_t i = 0; i < res->nout; i++)
		if (!strcmp(res->out[i].phone, ADMIN) && !strcmp(res->out[i].kind, "warning"))
			return &res->out[i];
	return NULL;
}

/* max_pin_failures wrong PINs from the officer's number, at f->now. */
static void wrong_pins(struct fx *f, struct handler_result *last)
{
	struct handler_result res;

	for (int i = 1; i < f->cfg.officers.max_pin_failures; i++) {
		sms(f, OFFICER, "DONG 0000 6", &res);
		assert_null(to_admin(&res));
		handler_result_release(&res);
	}
	sms(f, OFFICER, "DONG 0000 6", last);
}

/* Issue 16: a lock that came back every 30 min let a patient guesser try
 * a 4-digit PIN in weeks. Now each lock in a row doubles, administrators
 * are told, and only the right PIN (or an unlock) starts over. */
static void test_growing_locks_and_alerts(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	const struct handler_out *alert;
	int web = 0;

	f->cfg.officers.lockout_max_minutes = 100;
	wrong_pins(f, &res);
	assert_non_null(strstr(reply(&res), "tam khoa"));
	alert = to_admin(&res);
	assert_non_null(alert);
	assert_string_equal(alert->text, "Canh bao: so can bo +84911000001 (Nguyen Van An) bi khoa lenh SMS"
			    " 30 phut sau 5 lan sai PIN. Mo khoa: gatewayctl officer unlock +84911000001");
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT locked_until FROM officers WHERE phone = '" OFFICER "'"),
			 f->now - 1 + 30 * 60);
	f->now += 30 * 60;
	wrong_pins(f, &res);
	assert_non_null(strstr(to_admin(&res)->text, "60 phut"));
	handler_result_release(&res);
	f->now += 60 * 60;
	wrong_pins(f, &res);
	assert_non_null(strstr(to_admin(&res)->text, "100 phut")); /* the cap */
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT pin_locks FROM officers WHERE phone = '" OFFICER "'"), 3);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'lockout_alert'"), 3);
	/* the right PIN after the lock: everything starts over, and the short
	 * PIN is now known to be short */
	f->now += 100 * 60;
	sms(f, OFFICER, "DONG 1234 6", &res);
	assert_non_null(strstr(reply(&res), "Da dong viec so 6"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT pin_locks + failed_attempts + locked_until FROM officers"
				  " WHERE phone = '" OFFICER "'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT pin_short FROM officers WHERE phone = '" OFFICER "'"), 1);
	/* at most OFFICERS_ALERTS_PER_HOUR alerts an hour, the rest only audited */
	handler_result_init(&res);
	for (int i = 0; i < OFFICERS_ALERTS_PER_HOUR + 2; i++)
		assert_int_equal(officers_alert_admins(f->db, "x", f->now, &res), 0);
	assert_int_equal((int)res.nout, OFFICERS_ALERTS_PER_HOUR);
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'lockout_alert_held'"), 2);
	/* an administrator's unlock lifts the SMS lock and the account's web
	 * counters, not another account's */
	wrong_pins(f, &res);
	handler_result_release(&res);
	assert_int_equal(db_exec(f->db, "INSERT INTO lockouts (key, locked_until, updated_at) VALUES"
				 " ('web:acct:" OFFICER "', 9e9, 1), ('web:pair:" OFFICER "|10.0.0.1', 9e9, 1),"
				 " ('web:acct:" OFFICER "7', 9e9, 1), ('web:addr:10.0.0.1', 9e9, 1)"), 0);
	assert_int_equal(officers_unlock(f->db, OFFICER, "cli:test", f->now, &web), 0);
	assert_int_equal(web, 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM lockouts"), 2);
	sms(f, OFFICER, "DONG 1234 7", &res);
	assert_non_null(strstr(reply(&res), "Da dong viec so 7"));
	handler_result_release(&res);
	/* a new PIN of 6 digits replaces the old one */
	assert_int_equal(officers_set_pin(f->db, OFFICER, "97531864", OFFICERS_HASH_MIN, "cli:test", f->now), 0);
	assert_int_equal(fixture_int(f->db, "SELECT pin_short FROM officers WHERE phone = '" OFFICER "'"), 0);
	sms(f, OFFICER, "DONG 1234 1", &res);
	assert_non_null(strstr(reply(&res), "Sai PIN"));
	handler_result_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash),
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stray_pin_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_and_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_post_and_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growing_locks_and_alerts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
