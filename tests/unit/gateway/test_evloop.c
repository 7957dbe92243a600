/* test_evloop.c - the daemon's event loop: a woken timer runs, however
 * busy the timers before it keep the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "gateway/daemon/evloop.h"

struct busy {
	int woken;  /* the timer it wakes on every run, as the sender wakes the settle timer */
	int runs;
};

static int64_t busy_timer(struct evloop *loop, void *arg)
{
	struct busy *b = arg;
	struct timespec ts = { 0, 2000000 }; /* a step that takes time, like a send */

	nanosleep(&ts, NULL);
	b->runs++;
	evloop_wake_timer(loop, b->woken);
	return 0; /* more to do at once */
}

static int64_t count_timer(struct evloop *loop, void *arg)
{
	(void)loop;
	(*(int *)arg)++;
	return 1000;
}

/* A busy timer that wakes a later one on every run must not keep pushing
 * it into the future: it runs in the next pass. */
static void test_woken_timer_runs_while_busy(void **state)
{
	struct evloop *loop = NULL;
	struct busy b = { 0, 0 };
	int counted = 0;

	(void)state;
	assert_int_equal(evloop_create(&loop), 0);
	assert_int_equal(evloop_add_timer(loop, "busy", 0, busy_timer, &b), 0);
	b.woken = evloop_add_timer(loop, "woken", 60000, count_timer, &counted);
	assert_int_equal(b.woken, 1);
	for (int i = 0; i < 20; i++)
		assert_int_equal(evloop_step(loop, 0), 0);
	assert_int_equal(b.runs, 20);
	/* woken in pass 1, so due before pass 2 starts: it runs there; woken
	 * again in pass 3, it runs in pass 4 ... (before, each wake moved it
	 * past the start of the next pass, and it never ran) */
	assert_true(counted >= 5);
	evloop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_woken_timer_runs_while_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
