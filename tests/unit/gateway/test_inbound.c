/* test_inbound.c - answering a batch of inbox rows (gateway/daemon/inbound):
 * the batch is one transaction, each message and its answer a unit of its
 * own. A message whose handling fails loses its own work only (its reply
 * is taken back, an apology queued instead) and the others in the same
 * batch keep their answers. The failure is a real one: a trigger in the
 * SQLite file refuses to mark that one row handled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/gw_err.h"
#include "config/settings.h"
#include "gateway/daemon/inbound.h"

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gwinbound", 1000, FIXTURE_LEXICON | FIXTURE_PROGRAMS);
	settings_defaults(&f->cfg);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

static void test_failing_row_keeps_the_others(void **state)
{
	struct fx *f = *state;
	int handled = 0;

	for (int i = 1; i <= 3; i++)
		assert_int_equal(db_run(f->db, "INSERT INTO inbox (id, sender, text, sent_at, stored_at)"
					       " VALUES (?, ?, 'HD', 1000, 1000)",
					DB_ARGS(DB_INT(i), DB_TEXT(i == 2 ? "+84900000002" : "+84900000001"))),
				 0);
	assert_int_equal(db_exec(f->db, "CREATE TRIGGER boom BEFORE UPDATE OF status ON inbox"
					" WHEN NEW.id = 2 AND NEW.status = 'handled'"
					" BEGIN SELECT RAISE(ABORT, 'refused'); END"), 0);
	assert_int_equal(inbound_process(f->db, &f->cfg, 1000, 10, &handled), 0);
	assert_int_equal(handled, 3);
	assert_false(db_in_tx(f->db));
	assert_int_equal(fixture_int(f->db, "SELECT (SELECT group_concat(status, ',') FROM"
				      " (SELECT status FROM inbox ORDER BY id)) = 'handled,failed,handled'"), 1);
	/* rows 1 and 3 answered; row 2 has the apology only, its reply
	 * (queued before the refused mark) taken back with its unit */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE inbox_id IN (1, 3)"), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE inbox_id = 2"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE inbox_id = 2"
				      " AND text LIKE 'Xin loi, tin nhan chua xu ly%'"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE inbox_id = 1"
				      " AND text = (SELECT text FROM outbox WHERE inbox_id = 3)"), 1);
	/* nothing left to do: no row answered twice */
	assert_int_equal(inbound_process(f->db, &f->cfg, 1001, 10, &handled), 0);
	assert_int_equal(handled, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failing_row_keeps_the_others, setup, teardown),
	};
	return cmocka_run_group_tests_name("inbound", tests, NULL, NULL);
}
