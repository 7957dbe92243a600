/* test_modem_gammu_read.c - the libgammu transport reading messages from
 * the real dummy driver: single and multipart, GSM-7 and UCS-2, senders
 * interleaved, malformed files, deletion (gammu_fixture.h). */
#include "tests/unit/modem/gammu_fixture.h"

static void test_read_single_gsm7(void **state)
{
	struct fx *f = *state;
	struct sect s = { "+84901234567", NULL, "Hello @ gateway {1}", 0, "Default_No_Compression" };
	struct modem_part *p = NULL;

	write_file(f, 1, 1, &s, 1);
	assert_int_equal(read_all(f, &p), 1);
	assert_string_equal(p[0].sender, "+84901234567");
	assert_int_equal(p[0].sender_alnum, 0);
	assert_string_equal(p[0].text, "Hello @ gateway {1}");
	assert_int_equal(p[0].ref, 0);
	assert_int_equal(p[0].total, 1);
	assert_int_equal(p[0].seq, 1);
	assert_int_equal(p[0].malformed, 0);
	assert_int_equal(p[0].sent_at, utc(2024, 1, 1, 12, 0, 0));
	assert_true(p[0].handle[0] != '\0');
	free(p);
}

static void test_read_two_part_vietnamese(void **state)
{
	struct fx *f = *state;
	struct modem_part *p = NULL;
	size_t cut = cp_offset(VI1, 67);
	char joined[2 * MODEM_TEXT_MAX];

	write_one(f, 1, 1, "+84901234567", "050003420201", VI1, cut);
	write_one(f, 1, 2, "+84901234567", "050003420202", VI1 + cut, 0);
	assert_int_equal(read_all(f, &p), 2);
	assert_int_equal(p[0].ref, 0x42);
	assert_int_equal(p[0].total, 2);
	assert_int_equal(p[0].seq, 1);
	assert_int_equal(p[1].ref, 0x42);
	assert_int_equal(p[1].total, 2);
	assert_int_equal(p[1].seq, 2);
	assert_int_equal(p[0].malformed + p[1].malformed, 0);
	snprintf(joined, sizeof(joined), "%s%s", p[0].text, p[1].text);
	assert_memory_equal(joined, VI1, sizeof(VI1)); /* byte-exact, with the NUL */
	free(p);
}

static void test_read_interleaved_senders(void **state)
{
	struct fx *f = *state;
	struct modem_part *p = NULL;

	write_one(f, 1, 1, "+84901111111", "050003070201", "A1", 0);
	write_one(f, 1, 2, "+84902222222", "050003070201", "B1", 0);
	write_one(f, 1, 3, "+84901111111", "050003070202", "A2", 0);
	write_one(f, 1, 4, "+84902222222", "050003070202", "B2", 0);
	assert_int_equal(read_all(f, &p), 4);
	assert_string_equal(p[0].sender, "+84901111111");
	assert_string_equal(p[0].text, "A1");
	assert_string_equal(p[1].sender, "+84902222222");
	assert_string_equal(p[1].text, "B1");
	assert_string_equal(p[2].sender, "+84901111111");
	assert_string_equal(p[2].text, "A2");
	assert_int_equal(p[2].seq, 2);
	assert_string_equal(p[3].sender, "+84902222222");
	assert_string_equal(p[3].text, "B2");
	free(p);
}

static void test_read_udh16_alnum_folders(void **state)
{
	struct fx *f = *state;
	struct modem_part *p = NULL;

	write_one(f, 1, 1, "VIETTEL", NULL, "KM 50%", 0);
	write_one(f, 2, 1, "+84903333333", NULL, "outbox: not ours", 0);
	write_one(f, 3, 5, "+84904444444", "060804BEEF0302", "phone memory", 0);
	write_one(f, 1, 2, "+84905555555", "050003010201", "\xF0\x9F\x98\x80 ok", 0);
	assert_int_equal(read_all(f, &p), 3);
	assert_string_equal(p[0].sender, "VIETTEL");
	assert_int_equal(p[0].sender_alnum, 1);
	assert_string_equal(p[1].text, "\xF0\x9F\x98\x80 ok"); /* surrogate pair */
	assert_string_equal(p[2].sender, "+84904444444");
	assert_int_equal(p[2].ref, 0xBEEF);
	assert_int_equal(p[2].total, 3);
	assert_int_equal(p[2].seq, 2);
	free(p);
}

static void test_read_malformed_and_delete(void **state)
{
	struct fx *f = *state;
	struct sect nonum = { NULL, NULL, "no sender", 0, NULL };
	struct sect bin = { "+84906666666", NULL, "AB", 0, "8bit" };
	struct sect emptynum = { "", NULL, "empty sender", 0, NULL };
	struct modem_part *p = NULL;
	char path[128];
	FILE *fp;
	size_t n, i;

	write_file(f, 1, 1, &nonum, 1);
	snprintf(path, sizeof(path), "%s/sms/1/2", f->dir);
	fp = fopen(path, "w"); /* empty file: ERR_FILENOTSUPPORTED */
	assert_non_null(fp);
	fclose(fp);
	write_file(f, 1, 3, &bin, 1);
	write_file(f, 1, 4, &emptynum, 1);
	write_one(f, 1, 5, "+84907777777", NULL, "good one", 0);
	n = read_all(f, &p); /* terminates: the cursor never goes back */
	assert_int_equal(n, 5);
	for (i = 0; i < 4; i++)
		assert_int_equal(p[i].malformed, 1);
	assert_int_equal(p[4].malformed, 0);
	assert_string_equal(p[4].text, "good one");
	assert_string_equal(p[2].sender, "+84906666666");
	for (i = 0; i < n; i++)
		assert_int_equal(modem_delete_part(f->m, &p[i]), 0);
	/* Deleting twice is fine: already gone. */
	assert_int_equal(modem_delete_part(f->m, &p[4]), 0);
	free(p);
	assert_int_equal(read_all(f, &p), 0);
	free(p);
	assert_false(file_exists(f, "sms/1/1"));
	assert_false(file_exists(f, "sms/1/2"));
}

static void test_read_multisection_deferred_delete(void **state)
{
	struct fx *f = *state;
	struct sect s[2] = {
		{ "+84908888888", "050003090201", "first", 0, NULL },
		{ "+84908888888", "050003090202", "second", 0, NULL },
	};
	struct modem_part *p = NULL;

	write_file(f, 1, 1, s, 2);
	assert_int_equal(read_all(f, &p), 2);
	assert_string_equal(p[0].text, "first");
	assert_string_equal(p[1].text, "second");
	assert_int_equal(p[1].seq, 2);
	/* The file holds both parts: it stays until both are confirmed. */
	assert_int_equal(modem_delete_part(f->m, &p[0]), 0);
	assert_true(file_exists(f, "sms/1/1"));
	assert_int_equal(modem_delete_part(f->m, &p[1]), 0);
	assert_false(file_exists(f, "sms/1/1"));
	free(p);
}

static void test_delete_bad_handle(void **state)
{
	struct fx *f = *state;
	struct modem_part p;

	memset(&p, 0, sizeof(p));
	snprintf(p.handle, sizeof(p.handle), "x:1:2");
	assert_int_equal(modem_delete_part(f->m, &p), GW_ERR_INVAL);
	snprintf(p.handle, sizeof(p.handle), "g:1:2:3:0");
	assert_int_equal(modem_delete_part(f->m, &p), GW_ERR_INVAL);
}

/* ---- sending ---- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_single_gsm7, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_two_part_vietnamese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_interleaved_senders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_udh16_alnum_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_malformed_and_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_multisection_deferred_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_bad_handle, setup, teardown),
	};

	/* The transport must not depend on the locale: run under plain C. */
	setlocale(LC_ALL, "C");
	log_setup("test", LOG_LVL_ERROR, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
