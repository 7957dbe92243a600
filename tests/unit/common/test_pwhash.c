/* Unit tests: common/pwhash (Argon2id strings for PINs and passwords). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/gw_err.h"
#include "common/pwhash.h"

static void test_make_and_check(void **state)
{
	char a[PWHASH_MAX], b[PWHASH_MAX];

	assert_int_equal(pwhash_make("2468", 4, PWHASH_MIN, a, sizeof(a)), 0);
	assert_int_equal(strncmp(a, "$argon2id$", 10), 0);
	assert_true(pwhash_check(a, "2468", 4));
	assert_false(pwhash_check(a, "2469", 4));
	assert_false(pwhash_check(a, "24680", 5));
	/* the length given is what counts, not a terminator */
	assert_true(pwhash_check(a, "24689", 4));
	/* salted: the same secret twice gives two strings, both good */
	assert_int_equal(pwhash_make("2468", 4, PWHASH_MIN, b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_true(pwhash_check(b, "2468", 4));
}

static void test_refusals(void **state)
{
	char small[PWHASH_MAX - 1] = "unchanged";

	assert_int_equal(pwhash_make("2468", 4, PWHASH_MIN, small, sizeof(small)), GW_ERR_INVAL);
	assert_string_equal(small, "unchanged");
	/* an empty stored hash (no PIN set) matches nothing, not even "" */
	assert_false(pwhash_check("", "", 0));
	assert_false(pwhash_check("", "2468", 4));
	assert_false(pwhash_check("not a hash", "2468", 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_and_check),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("pwhash", tests, NULL, NULL);
}
