/* Unit tests: the commune a household's messages name
 * (handlers/features/commune_hint.h), on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "handlers/features/commune_hint.h"
#include "handlers/features/officers.h"

FIXTURE_DB_STATE("gwhint", 1000, 0)

static int find(const struct commune_hint *c, size_t n, const char *text)
{
	int i = -2;

	assert_int_equal(commune_hint_find(text, c, n, &i), 0);
	return i;
}

static void test_find(void **state)
{
	struct fx *f = *state;
	struct commune_hint c[COMMUNE_HINT_MAX];
	size_t n = 0;

	assert_int_equal(commune_hint_candidates(f->db, "xã Tân Lập; Thiện Kế, tân lập, ", c,
						 COMMUNE_HINT_MAX, &n), 0);
	assert_int_equal(n, 2); /* the repeat is dropped */
	assert_string_equal(c[0].name, "xã Tân Lập");
	assert_string_equal(c[0].key, "tan lap");
	assert_int_equal(find(c, n, "thon 3 Tan Lap co viec gi"), 0);
	assert_int_equal(find(c, n, "TÂN LẬP, xin hỏi vay vốn"), 0);
	assert_int_equal(find(c, n, "o xa Thien Ke, con trai o Tan Lap"), 1); /* named first */
	assert_int_equal(find(c, n, "tan lapxx"), -1);                        /* whole words */
	assert_int_equal(find(c, n, "xin viec lam"), -1);
	assert_int_equal(find(c, 0, "Tan Lap"), -1);
}

/* A box that names no commune offers its officers' communes; a household's
 * newest message that names one wins. */
static void test_phone(void **state)
{
	struct fx *f = *state;
	struct commune_hint c[COMMUNE_HINT_MAX];
	size_t n = 9;
	int i = -2;

	assert_int_equal(commune_hint_candidates(f->db, "", c, COMMUNE_HINT_MAX, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(officers_add(f->db, "+84911000001", "Bình", "officer", "Thiện Kế", "123456",
				      OFFICERS_HASH_MIN, "cli:test", 1), 0);
	assert_int_equal(officers_add(f->db, "+84911000003", "Cường", "officer", "Tân Lập", "123456",
				      OFFICERS_HASH_MIN, "cli:test", 1), 0);
	assert_int_equal(commune_hint_candidates(f->db, "", c, COMMUNE_HINT_MAX, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(db_exec(f->db, "INSERT INTO inbox (sender, text, sent_at, stored_at) VALUES"
				 " ('+84900000001', 'nha o thien ke', 1, 1), ('+84900000001', 'alo', 2, 2),"
				 " ('+84900000001', 'thon 3 tan lap', 3, 3), ('+84900000001', 'cam on', 4, 4)"), 0);
	assert_int_equal(commune_hint_phone(f->db, "+84900000001", c, n, &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(commune_hint_phone(f->db, "+84900000002", c, n, &i), 0);
	assert_int_equal(i, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
