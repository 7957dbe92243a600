/* Unit tests: web console accounts and sessions (web_auth, web_session),
 * on a real SQLite file (who sees what: tests/unit/handlers/test_scope.c).
 * Hashes use the minimum Argon2id cost to keep the tests quick. */
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
#include "gateway/web/web_auth.h"
#include "gateway/web/web_session.h"
#include "handlers/features/officers.h"

#define ADMIN "+84911000002"
#define TK "+84911000001"  /* officer of Thiện Kế (job 1) */
#define TL "+84911000003"  /* officer of Tân Lập (jobs 6, 7) */
#define NOW 1800000000

struct fx {
	struct fixture fx;
	struct db *db;
	struct web_auth *auth;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gwweb", 1000, 0);
	fixture_load(f->db, FIXTURE_JOBS);
	assert_int_equal(officers_add(f->db, ADMIN, "Quản trị", "admin", "", "987654", OFFICERS_HASH_MIN,
				      "cli:test", NOW), 0);
	assert_int_equal(officers_add(f->db, TK, "Bình", "officer", "xã Thiện Kế", "123456", OFFICERS_HASH_MIN,
				      "cli:test", NOW), 0);
	assert_int_equal(officers_add(f->db, TL, "Cường", "officer", "Tân Lập", "123456", OFFICERS_HASH_MIN,
				      "cli:test", NOW), 0);
	assert_int_equal(web_auth_create(&f->auth, PWHASH_MIN), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	web_auth_destroy(f->auth);
	fixture_close(&f->fx, f->db);
	free(f);
	return 0;
}

static int64_t officer_id(struct fx *f, const char *phone)
{
	struct officer o;

	assert_int_equal(officers_find(f->db, phone, &o), 0);
	return o.id;
}

static void test_tokens(void **state)
{
	char a[WEB_TOKEN_HEX + 1], b[WEB_TOKEN_HEX + 1];
	struct buf c;

	assert_int_equal(web_token_new(a), 0);
	assert_int_equal(web_token_new(b), 0);
	assert_true(web_token_valid(a));
	assert_int_equal((int)strlen(a), WEB_TOKEN_HEX);
	assert_string_not_equal(a, b);
	assert_true(web_token_equal(a, a));
	assert_false(web_token_equal(a, b));
	assert_false(web_token_equal(a, NULL));
	assert_false(web_token_valid("abc"));
	b[10] = 'X';
	assert_false(web_token_valid(b));
	buf_init(&c, 512);
	assert_int_equal(web_cookie(&c, "gw_session", a, 3600, 1), 0);
	assert_non_null(strstr(c.data, "; HttpOnly"));
	assert_non_null(strstr(c.data, "SameSite=Strict"));
	assert_non_null(strstr(c.data, "Max-Age=3600"));
	assert_non_null(strstr(c.data, "Path=/"));
	buf_release(&c);
}

static void test_passwords(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	int wait = 0;

	assert_false(web_auth_password_ok("short"));
	assert_false(web_auth_password_ok("with\nnewline-inside"));
	assert_false(web_auth_password_ok("\xff\xfe not utf-8 at all"));
	assert_true(web_auth_password_ok("mật khẩu dài đủ"));
	assert_int_equal(web_auth_set_password(f->db, "+84900000000", "long-enough-1", PWHASH_MIN, "cli:t"),
			 GW_ERR_NOTFOUND);
	assert_int_equal(web_auth_set_password(f->db, TK, "short", PWHASH_MIN, "cli:t"), GW_ERR_INVAL);
	/* no password yet: no login */
	assert_int_equal(web_auth_login(f->auth, f->db, "0911000001", "anything-at-all", "10.0.0.1", NOW, &id,
					&wait), GW_ERR_AUTH);
	assert_int_equal(web_auth_set_password(f->db, TK, "mật khẩu dài đủ", PWHASH_MIN, "cli:t"), 0);
	{
		sqlite3_stmt *st;

		assert_int_equal(db_prepare(f->db, "SELECT web_hash FROM officers WHERE phone = ?", &st), 0);
		db_bind_text(st, 1, TK);
		assert_int_equal(db_step(st), DB_ROW);
		assert_true(strncmp(db_col_text(st, 0), "$argon2id$", 10) == 0);
		sqlite3_reset(st);
	}
	/* the number as people type it */
	assert_int_equal(web_auth_login(f->auth, f->db, "0911 000 001", "mật khẩu dài đủ", "10.0.0.1", NOW, &id,
					&wait), 0);
	assert_int_equal(id, officer_id(f, TK));
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "mật khẩu dài sai", "10.0.0.1", NOW, &id, &wait),
			 GW_ERR_AUTH);
	assert_int_equal(web_auth_login(f->auth, f->db, "not a number", "whatever-1234", "10.0.0.1", NOW, &id,
					&wait), GW_ERR_AUTH);
}

/* n wrong passwords for phone from address, from time at on. */
static void wrong_logins(struct fx *f, const char *phone, const char *address, int n, time_t at)
{
	int64_t id = 0;
	int wait = 0;

	for (int i = 0; i < n; i++)
		assert_int_equal(web_auth_login(f->auth, f->db, phone, "bad-password", address, at + i, &id, &wait),
				 GW_ERR_AUTH);
}

static void test_rate_limits(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	int wait = 0;

	assert_int_equal(web_auth_set_password(f->db, TK, "good-password", PWHASH_MIN, "cli:t"), 0);
	wrong_logins(f, TK, "10.0.0.1", WEB_LOGIN_MAX_FAILS, NOW);
	/* locked from that address: even the right password is refused, with
	 * how long to wait */
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.0.0.1", NOW + 10, &id, &wait),
			 GW_ERR_BUSY);
	assert_true(wait > 0 && wait <= WEB_LOGIN_LOCK_S);
	/* but a guesser elsewhere does not lock the officer out of their own office */
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.0.0.2", NOW + 11, &id, &wait), 0);
	/* after the lock it works again from there too */
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.0.0.1",
					NOW + WEB_LOGIN_LOCK_S + 10, &id, &wait), 0);
	/* per address: many numbers from one place */
	for (int i = 0; i < WEB_LOGIN_MAX_FAILS_ADDR; i++) {
		char phone[32];

		snprintf(phone, sizeof(phone), "09120%05d", i);
		assert_int_equal(web_auth_login(f->auth, f->db, phone, "x-password", "10.9.9.9", NOW + 2000, &id,
						&wait), GW_ERR_AUTH);
	}
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.9.9.9", NOW + 2001, &id, &wait),
			 GW_ERR_BUSY);
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.9.9.8", NOW + 2001, &id, &wait), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'web_login_limited'"), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'web_login_locked'"), 2);
}

/* Issue 16: the lock-out was a 256-slot table in memory; 280 failed logins
 * for other numbers from 14 addresses evicted a locked officer's slot, and
 * a restart forgot it. Now the counters are rows: neither resets them. */
static void test_locks_survive_floods_and_restarts(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	int wait = 0;

	assert_int_equal(web_auth_set_password(f->db, TK, "good-password", PWHASH_MIN, "cli:t"), 0);
	wrong_logins(f, TK, "10.0.0.1", WEB_LOGIN_MAX_FAILS, NOW);
	for (int a = 0; a < 14; a++) {
		for (int i = 0; i < 20; i++) {
			char phone[32], addr[32];

			snprintf(phone, sizeof(phone), "0913%06d", a * 100 + i);
			snprintf(addr, sizeof(addr), "10.1.0.%d", a + 1);
			web_auth_login(f->auth, f->db, phone, "x-password", addr, NOW + 20, &id, &wait);
		}
	}
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.0.0.1", NOW + 40, &id, &wait),
			 GW_ERR_BUSY);
	/* a restart: a new web_auth, the same database */
	web_auth_destroy(f->auth);
	assert_int_equal(web_auth_create(&f->auth, PWHASH_MIN), 0);
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.0.0.1", NOW + 41, &id, &wait),
			 GW_ERR_BUSY);
	/* the next lock of the same key lasts twice as long */
	wrong_logins(f, TK, "10.0.0.1", WEB_LOGIN_MAX_FAILS, NOW + WEB_LOGIN_LOCK_S + 100);
	assert_int_equal(web_auth_login(f->auth, f->db, TK, "good-password", "10.0.0.1",
					NOW + WEB_LOGIN_LOCK_S + 200, &id, &wait), GW_ERR_BUSY);
	assert_true(wait > WEB_LOGIN_LOCK_S && wait <= 2 * WEB_LOGIN_LOCK_S);
	/* guessing one number from many addresses locks the number everywhere */
	for (int i = 0; i < WEB_LOGIN_MAX_FAILS_ACCOUNT; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.2.%d.%d", i / 4, i % 4 + 1);
		web_auth_login(f->auth, f->db, TL, "bad-password", addr, NOW + 5000, &id, &wait);
	}
	assert_int_equal(web_auth_set_password(f->db, TL, "good-password", PWHASH_MIN, "cli:t"), 0);
	assert_int_equal(web_auth_login(f->auth, f->db, TL, "good-password", "10.3.0.1", NOW + 5001, &id, &wait),
			 GW_ERR_BUSY);
	/* every lock is told to the administrators, queued in the outbox (a
	 * few an hour at most) */
	assert_true(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE phone = '" ADMIN "' AND kind = 'warning'"
			     " AND text LIKE 'Canh bao: dang nhap web bi khoa%'") >= 3);
	assert_true(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'warning'") <= OFFICERS_ALERTS_PER_HOUR * 2);
}

static void test_sessions(void **state)
{
	struct fx *f = *state;
	char tok[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1], got[WEB_TOKEN_HEX + 1];
	char tok2[WEB_TOKEN_HEX + 1], csrf2[WEB_TOKEN_HEX + 1];
	int64_t tk = officer_id(f, TK), who = 0, n = 0;

	assert_int_equal(web_session_create(f->db, tk, "127.0.0.1", NOW, 60, tok, csrf), 0);
	assert_int_equal(web_session_lookup(f->db, tok, NOW + 10, &who, got), 0);
	assert_int_equal(who, tk);
	assert_string_equal(got, csrf);
	assert_int_equal(web_session_lookup(f->db, tok, NOW + 3600, &who, got), GW_ERR_NOTFOUND); /* expired */
	assert_int_equal(web_session_lookup(f->db, csrf, NOW, &who, got), GW_ERR_NOTFOUND);
	assert_int_equal(web_session_lookup(f->db, "nonsense", NOW, &who, got), GW_ERR_NOTFOUND);
	/* the token itself is nowhere in the database */
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM web_sessions WHERE token_hash = csrf", &n), 0);
	assert_int_equal(web_session_create(f->db, tk, "127.0.0.1", NOW + 5000, 60, tok2, csrf2), 0);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM web_sessions", &n), 0);
	assert_int_equal((int)n, 1); /* the expired one was swept */
	assert_int_equal(web_session_delete(f->db, tok2), 0);
	assert_int_equal(web_session_lookup(f->db, tok2, NOW + 5001, &who, got), GW_ERR_NOTFOUND);
	/* a new password ends every session */
	assert_int_equal(web_session_create(f->db, tk, "127.0.0.1", NOW, 60, tok, csrf), 0);
	assert_int_equal(web_auth_set_password(f->db, TK, "another-password", PWHASH_MIN, "cli:t"), 0);
	assert_int_equal(web_session_lookup(f->db, tok, NOW + 1, &who, got), GW_ERR_NOTFOUND);
	/* and removing the officer too */
	assert_int_equal(web_session_create(f->db, tk, "127.0.0.1", NOW, 60, tok, csrf), 0);
	assert_int_equal(officers_remove(f->db, TK, "cli:t", NOW), 0);
	assert_int_equal(web_session_lookup(f->db, tok, NOW + 1, &who, got), GW_ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test_setup_teardown(test_passwords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locks_survive_floods_and_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
