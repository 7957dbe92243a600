/* Unit tests: common/clock (office-time parsing, the GW_FAKE_NOW test clock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "common/clock.h"
#include "common/gw_err.h"

static void test_parse_local(void **state)
{
	time_t t = 0;

	/* 09:00 at UTC+7 is 02:00 UTC */
	assert_int_equal(gw_parse_local("2025-12-10 09:00", 420, &t), 0);
	assert_int_equal((long long)t, 1765332000LL);
	assert_int_equal(gw_parse_local("2025-12-10 09:00", 0, &t), 0);
	assert_int_equal((long long)t, 1765332000LL + 7 * 3600);
	/* anything else leaves *out alone */
	t = 42;
	assert_int_equal(gw_parse_local("2025-13-10 09:00", 420, &t), GW_ERR_INVAL);
	assert_int_equal(gw_parse_local("2025-12-10 24:00", 420, &t), GW_ERR_INVAL);
	assert_int_equal(gw_parse_local("2025-12-10 09:00 tomorrow", 420, &t), GW_ERR_INVAL);
	assert_int_equal(gw_parse_local("2025-12-10", 420, &t), GW_ERR_INVAL);
	assert_int_equal(gw_parse_local("", 420, &t), GW_ERR_INVAL);
	assert_int_equal((long long)t, 42);
}

static void test_fake_now(void **state)
{
	time_t before = time(NULL), now;

	assert_int_equal(setenv("GW_FAKE_NOW", "1765332000", 1), 0);
	assert_int_equal((long long)gw_now(420), 1765332000LL);
	assert_int_equal(setenv("GW_FAKE_NOW", "2025-12-10 09:00", 1), 0);
	assert_int_equal((long long)gw_now(420), 1765332000LL);
	/* a value in neither form is ignored: the real clock */
	assert_int_equal(setenv("GW_FAKE_NOW", "soon", 1), 0);
	now = gw_now(420);
	assert_true(now >= before && now <= time(NULL));
	assert_int_equal(unsetenv("GW_FAKE_NOW"), 0);
	now = gw_now(420);
	assert_true(now >= before && now <= time(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_local),
		cmocka_unit_test(test_fake_now),
	};
	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
