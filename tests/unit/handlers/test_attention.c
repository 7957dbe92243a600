/* Unit tests: which household messages wait for an officer
 * (handlers/features/attention.h), and the SQL function the console's
 * lists use, on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "handlers/features/attention.h"

static void test_reason(void **state)
{
	/* a health emergency, whatever it was answered with */
	assert_int_equal(attention_reason("Con tôi bị ốm nặng nằm viện, xin hỗ trợ", "eligibility", "handled"),
			 ATTENTION_HEALTH);
	assert_int_equal(attention_reason("me toi CAP CUU o huyen", "unknown", "handled"), ATTENTION_HEALTH);
	/* whole words only: "nam vienx" is not a hospital */
	assert_int_equal(attention_reason("nam vienx", "policy", "handled"), ATTENTION_NONE);
	/* the apology went */
	assert_int_equal(attention_reason("xin viec", "job_list", "failed"), ATTENTION_FAILED);
	/* a question that got the help text; chatter does not wait */
	assert_int_equal(attention_reason("cho hoi thu tuc lam so ho ngheo the nao", "unknown", "handled"),
			 ATTENTION_HELP_TEXT);
	assert_int_equal(attention_reason("sao vay?", "noise", "handled"), ATTENTION_HELP_TEXT);
	assert_int_equal(attention_reason("alo", "unknown", "handled"), ATTENTION_NONE);
	assert_int_equal(attention_reason("cam on nhieu", "noise", "handled"), ATTENTION_NONE);
	/* understood and answered */
	assert_int_equal(attention_reason("cho hoi thu tuc lam so ho ngheo the nao", "policy", "handled"),
			 ATTENTION_NONE);
	assert_int_equal(attention_reason(NULL, NULL, NULL), ATTENTION_NONE);
}

static void test_sql(void **state)
{
	struct fixture fx;
	struct db *db = fixture_open(&fx, "gwattn", 1000, 0);
	int64_t v = -1;

	assert_int_equal(db_query_int64(db, "SELECT gw_attention('con bi om nang', 'policy', 'handled')", &v), 0);
	assert_int_equal(v, ATTENTION_HEALTH);
	assert_int_equal(db_query_int64(db, "SELECT gw_attention(NULL, NULL, NULL)", &v), 0);
	assert_int_equal(v, ATTENTION_NONE);
	fixture_close(&fx, db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_sql),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
