/* test_route.c - which modem sends which outbox row (gateway/daemon/route.h):
 * the recipient's operator first, any modem whose same-text limits allow
 * it next, a broadcast row waits when none may; modems out of routing
 * (stale, barred, not connected) are passed over. And the operator of a
 * number (gateway/operators.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/gw_err.h"
#include "common/hash.h"
#include "gateway/daemon/route.h"
#include "gateway/operators.h"

#define VIETTEL "+84961234567"
#define VINA "+84911234567"
#define FOREIGN "+14155550100"
#define TEXT "TB: tuyen 20 cong nhan may"

struct fx {
	struct fixture fx;
	struct db *db;
	time_t now;
	int64_t hash;
};

static void exec(struct fx *f, const char *sql)
{
	assert_int_equal(db_exec(f->db, sql), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[1024], err[256], sql[512];
	int n = 0;

	f->db = fixture_open(&f->fx, "gwroute", 1000, 0);
	fixture_data("operators.json", path, sizeof(path));
	assert_int_equal(operators_import(f->db, path, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 34);
	f->now = time(NULL);
	f->hash = hash_text_key(TEXT);
	snprintf(sql, sizeof(sql), "INSERT INTO modem_status (name, connected, operators,"
		 " same_text_per_5min, same_text_per_hour, same_text_per_day, alive_until) VALUES"
		 " ('A', 1, 'viettel', 3, 10, 100, %lld), ('B', 1, 'vinaphone,mobifone', 3, 10, 100,"
		 " %lld)", (long long)f->now + 100, (long long)f->now + 100);
	exec(f, sql);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

/* n rows of TEXT that modem took at f->now - ago */
static void claims(struct fx *f, const char *modem, int n, time_t ago)
{
	for (int i = 0; i < n; i++) {
		char sql[320];

		snprintf(sql, sizeof(sql), "INSERT INTO outbox (phone, text, kind, priority, status,"
			 " created_at, modem, claimed_at, text_hash) VALUES ('+8496000%04d', '" TEXT "',"
			 " 'broadcast', 50, 'sent', 1, '%s', %lld, %lld)", i, modem,
			 (long long)(f->now - ago), (long long)f->hash);
		exec(f, sql);
	}
}

static enum route_decision decide(struct fx *f, const char *self, const char *phone, int may_wait,
				  time_t *until)
{
	struct route_view *v = calloc(1, sizeof(*v));
	enum route_decision d = 0;
	time_t u = 0;

	assert_int_equal(route_view_load(f->db, self, f->now, f->now, f->now - 3600, v), 0);
	assert_true(v->self >= 0);
	assert_int_equal(route_decide(f->db, v, phone, f->hash, may_wait, &d, &u), 0);
	if (until)
		*until = u;
	free(v);
	return d;
}

static void test_operators_find(void **state)
{
	struct fx *f = *state;
	struct operator_table *t = calloc(1, sizeof(*t));

	assert_int_equal(operators_load(f->db, t), 0);
	assert_string_equal(operators_find(t, "+84961234567"), "viettel");
	assert_string_equal(operators_find(t, "0961234567"), "viettel");
	assert_string_equal(operators_find(t, "84351234567"), "viettel");
	assert_string_equal(operators_find(t, "+84911234567"), "vinaphone");
	assert_string_equal(operators_find(t, "+84771234567"), "mobifone");
	assert_string_equal(operators_find(t, "+84921234567"), "vietnamobile");
	assert_string_equal(operators_find(t, "+84871234567"), "itel");
	assert_string_equal(operators_find(t, FOREIGN), "");
	assert_string_equal(operators_find(t, "8496"), "");
	assert_string_equal(operators_find(t, ""), "");
	assert_true(operators_known(t, "Viettel"));
	assert_false(operators_known(t, "vietel"));
	free(t);
}

static void test_preference(void **state)
{
	struct fx *f = *state;

	assert_int_equal(decide(f, "A", VIETTEL, 1, NULL), ROUTE_MINE);
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_OTHER);
	assert_int_equal(decide(f, "A", VINA, 1, NULL), ROUTE_OTHER);
	assert_int_equal(decide(f, "B", VINA, 1, NULL), ROUTE_MINE);
	/* no modem of its own: any (a preference, never a refusal) */
	assert_int_equal(decide(f, "A", FOREIGN, 1, NULL), ROUTE_MINE);
	assert_int_equal(decide(f, "B", FOREIGN, 1, NULL), ROUTE_MINE);
}

/* A's 5-minute window is full: the Viettel row moves to B; both full: a
 * broadcast row waits for the first window to free, anything else goes. */
static void test_limits_move_then_wait(void **state)
{
	struct fx *f = *state;
	time_t until = 0;

	claims(f, "A", 3, 10);
	assert_int_equal(decide(f, "A", VIETTEL, 1, NULL), ROUTE_OTHER);
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_MINE);
	claims(f, "B", 3, 20);
	assert_int_equal(decide(f, "A", VIETTEL, 1, &until), ROUTE_WAIT);
	assert_int_equal(until, f->now - 20 + 300 + 1); /* B's window, older, frees first */
	assert_int_equal(decide(f, "B", VIETTEL, 1, &until), ROUTE_WAIT);
	/* a reply is never held: its operator's modem sends it over the limit */
	assert_int_equal(decide(f, "A", VIETTEL, 0, NULL), ROUTE_MINE);
	assert_int_equal(decide(f, "B", VIETTEL, 0, NULL), ROUTE_OTHER);
	assert_int_equal(decide(f, "B", FOREIGN, 0, NULL), ROUTE_MINE);
}

static void test_limit_windows(void **state)
{
	struct fx *f = *state;
	struct route_modem m = { "A", "viettel", 0, 10, 100, 0 };
	time_t t = -1;

	claims(f, "A", 9, 1800);
	assert_int_equal(route_limits(f->db, &m, f->hash, f->now, f->now - 3600, &t), 0);
	assert_int_equal(t, 0);
	claims(f, "A", 1, 600);
	assert_int_equal(route_limits(f->db, &m, f->hash, f->now, f->now - 3600, &t), 0);
	assert_int_equal(t, f->now - 1800 + 3600 + 1); /* the hour of the oldest */
	/* another text is free; only failed rows do not count */
	assert_int_equal(route_limits(f->db, &m, hash_text_key("khac"), f->now, f->now - 3600, &t), 0);
	assert_int_equal(t, 0);
	exec(f, "UPDATE outbox SET status = 'failed' WHERE id = 1");
	assert_int_equal(route_limits(f->db, &m, f->hash, f->now, f->now - 3600, &t), 0);
	assert_int_equal(t, 0);
	/* per_day counts every text since office midnight */
	m.same_hour = 0;
	m.per_day = 9;
	assert_int_equal(route_limits(f->db, &m, f->hash, f->now, f->now - 3600, &t), 0);
	assert_int_equal(t, f->now - 3600 + 86400);
}

static void test_out_of_routing(void **state)
{
	struct fx *f = *state;
	struct route_view *v = calloc(1, sizeof(*v));
	char sql[160];

	/* A stuck in a modem call: B takes its operator's rows */
	snprintf(sql, sizeof(sql), "UPDATE modem_status SET alive_until = %lld WHERE name = 'A'",
		 (long long)f->now - 1);
	exec(f, sql);
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_MINE);
	assert_int_equal(route_view_load(f->db, "A", f->now, f->now, f->now, v), 0);
	assert_int_equal(v->self, -1);
	assert_int_equal(v->n, 1);
	/* barred until later: out; once the hold has run out: tried again */
	snprintf(sql, sizeof(sql), "UPDATE modem_status SET alive_until = %lld, hold = 'barred',"
		 " hold_until = %lld WHERE name = 'A'", (long long)f->now + 100, (long long)f->now + 60);
	exec(f, sql);
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_MINE);
	exec(f, "UPDATE modem_status SET hold_until = 1 WHERE name = 'A'");
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_OTHER);
	/* no credit: out until a balance check lifts it; not connected, disabled: out */
	exec(f, "UPDATE modem_status SET hold = 'no credit' WHERE name = 'A'");
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_MINE);
	exec(f, "UPDATE modem_status SET hold = '', connected = 0 WHERE name = 'A'");
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_MINE);
	exec(f, "UPDATE modem_status SET connected = 1, enabled = 0 WHERE name = 'A'");
	assert_int_equal(decide(f, "B", VIETTEL, 1, NULL), ROUTE_MINE);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_operators_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits_move_then_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_windows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_routing, setup, teardown),
	};
	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
