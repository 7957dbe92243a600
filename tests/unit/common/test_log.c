/* Unit tests: common/log's one clock - log lines in office time with the
 * offset written, or UTC said in each line (gatewayd/gatewayctl --utc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"

#define T0 1765332000 /* 2025-12-10 02:00:00 UTC = 09:00 at UTC+7 */

static void test_stamps(void **state)
{
	char s[64];

	(void)state;
	log_set_clock(420, 0);
	log_stamp(T0, s, sizeof(s));
	assert_string_equal(s, "2025-12-10 09:00:00 +07:00");
	log_set_clock(420, 1);
	log_stamp(T0, s, sizeof(s));
	assert_string_equal(s, "2025-12-10 02:00:00 UTC");
	log_set_clock(-150, 0); /* Newfoundland's half hour, west of UTC */
	log_stamp(T0, s, sizeof(s));
	assert_string_equal(s, "2025-12-09 23:30:00 -02:30");
}

/* A line as written to stderr carries the stamp of the clock chosen. */
static void test_line(void **state)
{
	char path[] = "/tmp/gw-log-XXXXXX", line[512];
	int fd = mkstemp(path), saved = dup(2);
	FILE *f;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_true(dup2(fd, 2) >= 0);
	log_setup("testlog", LOG_LVL_INFO, 0, 0);
	log_set_clock(420, 0);
	log_info("office time");
	log_set_clock(420, 1);
	log_info("utc");
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	assert_non_null(f = fdopen(fd, "r"));
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	/* "YYYY-MM-DD HH:MM:SS +07:00 testlog[info] office time" */
	assert_int_equal(strlen(line), 20 + strlen("+07:00 testlog[info] office time\n"));
	assert_string_equal(line + 20, "+07:00 testlog[info] office time\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line + 20, "UTC testlog[info] utc\n");
	fclose(f);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamps),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
