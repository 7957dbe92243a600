/* Unit tests: common/buf.h - the capped text buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/gw_err.h"

static void test_empty_is_terminated(void **state)
{
	struct buf b;

	buf_init(&b, 16);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	buf_reset(&b);
	buf_truncate(&b, 5);
	buf_rtrim(&b);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void test_add_and_format(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "CS "), 0);
	assert_int_equal(buf_addf(&b, "%s %d", "BHYT", 2), 0);
	assert_int_equal(buf_addch(&b, '!'), 0);
	assert_string_equal(b.data, "CS BHYT 2!");
	assert_int_equal(b.len, 10);
	buf_release(&b);
}

static void test_cap_is_hard_and_atomic(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_adds(&b, "6789"), GW_ERR_TOOBIG);
	assert_string_equal(b.data, "12345"); /* unchanged on failure */
	assert_int_equal(buf_addf(&b, "%d", 1234), GW_ERR_TOOBIG);
	assert_int_equal(buf_adds(&b, "678"), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_addch(&b, 'x'), GW_ERR_TOOBIG);
	buf_release(&b);
}

static void test_grows_large(void **state)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_adds(&b, "abcdefghij"), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(strlen(b.data), 100000);
	buf_release(&b);
}

static void test_detach_and_trim(void **state)
{
	struct buf b;
	size_t len = 0;
	char *s;

	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "hello \t\n"), 0);
	buf_rtrim(&b);
	assert_string_equal(b.data, "hello");
	buf_truncate(&b, 4);
	s = buf_detach(&b, &len);
	assert_string_equal(s, "hell");
	assert_int_equal(len, 4);
	assert_string_equal(b.data, "");
	free(s);
	s = buf_detach(&b, NULL); /* empty buffer detaches to a fresh "" */
	assert_string_equal(s, "");
	free(s);
}

static void test_strlcpy(void **state)
{
	char small[4];

	assert_int_equal(gw_strlcpy(small, "abc", sizeof(small)), 0);
	assert_string_equal(small, "abc");
	assert_int_equal(gw_strlcpy(small, "abcd", sizeof(small)), GW_ERR_TOOBIG);
	assert_string_equal(small, "abc");
}

static void test_strerror_total(void **state)
{
	for (int e = 0; e >= -30; e--)
		assert_non_null(gw_strerror(e));
	assert_string_equal(gw_strerror(GW_ERR_TOOBIG), "too big");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_add_and_format),
		cmocka_unit_test(test_cap_is_hard_and_atomic),
		cmocka_unit_test(test_grows_large),
		cmocka_unit_test(test_detach_and_trim),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_strerror_total),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
