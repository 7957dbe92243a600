/* Unit tests: gateway/daemon/readpace.h - when the modem's messages are read next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gateway/daemon/readpace.h"

static const struct readpace_limits lim = { .poll_ms = 1000, .busy_share = 3,
					    .busy_max_ms = 20000 };

static void test_first_read_is_due_at_once(void **state)
{
	struct readpace p;

	readpace_init(&p);
	assert_true(readpace_next_read_ms(&p, &lim) <= 0);
	readpace_set_outbox_busy(&p, 1);
	assert_true(readpace_next_read_ms(&p, &lim) <= 0);
}

static void test_idle_reads_every_poll_after_the_last_ended(void **state)
{
	struct readpace p;

	readpace_init(&p);
	readpace_read_done(&p, 5000, 5150);
	assert_int_equal(readpace_next_read_ms(&p, &lim), 6150);
	/* A slow read does not change the idle pace: nobody waits to send. */
	readpace_read_done(&p, 10000, 14000);
	assert_int_equal(readpace_next_read_ms(&p, &lim), 15000);
}

static void test_draining_spaces_reads_by_their_cost(void **state)
{
	struct readpace p;

	readpace_init(&p);
	readpace_read_done(&p, 5000, 5150);       /* 150 ms read */
	assert_int_equal(readpace_set_outbox_busy(&p, 1), 1);
	/* 150 * 97 / 3 = 4850 ms of sending between reads: reads take 3%. */
	assert_int_equal(readpace_next_read_ms(&p, &lim), 5150 + 4850);
	/* A cheap read stays at the poll interval, never sooner. */
	readpace_read_done(&p, 20000, 20010);
	assert_int_equal(readpace_next_read_ms(&p, &lim), 21010);
	/* An expensive one is capped: a question is never left unread long. */
	readpace_read_done(&p, 30000, 32000);
	assert_int_equal(readpace_next_read_ms(&p, &lim), 32000 + 20000);
}

static void test_drained_outbox_returns_to_idle_pace(void **state)
{
	struct readpace p;

	readpace_init(&p);
	readpace_set_outbox_busy(&p, 1);
	readpace_read_done(&p, 5000, 5150);
	assert_int_equal(readpace_set_outbox_busy(&p, 1), 0); /* no change */
	assert_int_equal(readpace_set_outbox_busy(&p, 0), 1); /* changed: re-arm */
	assert_int_equal(readpace_next_read_ms(&p, &lim), 6150);
}

static void test_share_of_100_means_plain_polling(void **state)
{
	struct readpace p;
	struct readpace_limits all = lim;

	all.busy_share = 100;
	readpace_init(&p);
	readpace_set_outbox_busy(&p, 1);
	readpace_read_done(&p, 5000, 5150);
	assert_int_equal(readpace_next_read_ms(&p, &all), 6150);
}

static void test_indication_makes_a_read_due_at_once(void **state)
{
	struct readpace p;

	readpace_init(&p);
	readpace_set_outbox_busy(&p, 1);
	readpace_read_done(&p, 5000, 5150);
	assert_int_equal(readpace_next_read_ms(&p, &lim), 10000);
	readpace_indicated(&p);
	assert_true(readpace_next_read_ms(&p, &lim) <= 5150);
	readpace_read_done(&p, 6000, 6150); /* the read takes what was indicated */
	assert_int_equal(readpace_next_read_ms(&p, &lim), 11000);
}

static void test_clock_going_backwards_is_harmless(void **state)
{
	struct readpace p;

	readpace_init(&p);
	readpace_set_outbox_busy(&p, 1);
	readpace_read_done(&p, 5000, 4000);
	assert_int_equal(readpace_next_read_ms(&p, &lim), 6000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_read_is_due_at_once),
		cmocka_unit_test(test_idle_reads_every_poll_after_the_last_ended),
		cmocka_unit_test(test_draining_spaces_reads_by_their_cost),
		cmocka_unit_test(test_drained_outbox_returns_to_idle_pace),
		cmocka_unit_test(test_share_of_100_means_plain_polling),
		cmocka_unit_test(test_indication_makes_a_read_due_at_once),
		cmocka_unit_test(test_clock_going_backwards_is_harmless),
	};
	return cmocka_run_group_tests_name("readpace", tests, NULL, NULL);
}
