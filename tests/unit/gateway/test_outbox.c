/* test_outbox.c - queueing a handler result, and delivery reports on the
 * rows it made: any report settles a sent_unknown row as sent, a final
 * state is never replaced by an earlier stage, unknown rows are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/outbox.h"
#include "handlers/core/handler_result.h"

FIXTURE_DB_STATE("gwoutbox", 1000, 0)

/* One reply queued; its row id. */
static int64_t queue_reply(struct db *db, const char *phone, const char *text)
{
	struct handler_result res;

	handler_result_init(&res);
	assert_int_equal(handler_result_add(&res, phone, text, "reply", HANDLER_PRIO_REPLY), 0);
	assert_int_equal(outbox_queue(db, &res, 0, 1000), 0);
	handler_result_release(&res);
	return db_last_id(db);
}

static void row(struct db *db, int64_t id, char *status, char *dlr, int64_t *dlr_at)
{
	sqlite3_stmt *st;

	assert_int_equal(db_row(db, "SELECT status, dlr, coalesce(dlr_at, -1) FROM outbox WHERE id = ?",
				DB_ARGS(DB_INT(id)), &st), 0);
	assert_int_equal(gw_strlcpy(status, db_col_text(st, 0), 32), 0);
	assert_int_equal(gw_strlcpy(dlr, db_col_text(st, 1), 32), 0);
	*dlr_at = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
}

static void test_queue(void **state)
{
	struct fx *f = *state;
	char status[32], dlr[32];
	int64_t at, id = queue_reply(f->db, "+84901234567", "Chao ban");

	row(f->db, id, status, dlr, &at);
	assert_string_equal(status, "queued");
	assert_string_equal(dlr, "");
	assert_int_equal(at, -1);
}

static void test_report_settles_unknown(void **state)
{
	struct fx *f = *state;
	char status[32], dlr[32];
	int64_t at, id = queue_reply(f->db, "+84901234567", "Chao ban");
	int settled = -1;

	assert_int_equal(db_run(f->db, "UPDATE outbox SET status = 'sent_unknown' WHERE id = ?",
				DB_ARGS(DB_INT(id))), 0);
	assert_int_equal(outbox_report(f->db, id, OUTBOX_DLR_SUBMITTED, 2000, "8", &settled), 0);
	assert_int_equal(settled, 1);
	row(f->db, id, status, dlr, &at);
	assert_string_equal(status, "sent");
	assert_string_equal(dlr, "submitted");
	assert_int_equal(at, 2000);
	/* The next report only moves the state on. */
	assert_int_equal(outbox_report(f->db, id, OUTBOX_DLR_DELIVERED, 2100, "1", &settled), 0);
	assert_int_equal(settled, 0);
	row(f->db, id, status, dlr, &at);
	assert_string_equal(dlr, "delivered");
	assert_int_equal(at, 2100);
}

static void test_final_state_stays(void **state)
{
	struct fx *f = *state;
	char status[32], dlr[32];
	int64_t at, id = queue_reply(f->db, "+84901234567", "Chao ban");
	int settled = -1;

	assert_int_equal(db_run(f->db, "UPDATE outbox SET status = 'sent', sent_at = 1500 WHERE id = ?",
				DB_ARGS(DB_INT(id))), 0);
	/* Reports out of order (Kannel sends 1 before 8 for long messages). */
	assert_int_equal(outbox_report(f->db, id, OUTBOX_DLR_DELIVERED, 2000, NULL, &settled), 0);
	assert_int_equal(settled, 0);
	assert_int_equal(outbox_report(f->db, id, OUTBOX_DLR_SUBMITTED, 2001, NULL, &settled), 0);
	row(f->db, id, status, dlr, &at);
	assert_string_equal(status, "sent");
	assert_string_equal(dlr, "delivered");
	assert_int_equal(at, 2000);
	assert_int_equal(outbox_report(f->db, id, OUTBOX_DLR_FAILED, 2002, NULL, &settled), 0);
	row(f->db, id, status, dlr, &at);
	assert_string_equal(dlr, "delivered");
}

static void test_unknown_row(void **state)
{
	struct fx *f = *state;
	int settled = 7;

	assert_int_equal(outbox_report(f->db, 424242, OUTBOX_DLR_DELIVERED, 1, NULL, &settled),
			 GW_ERR_NOTFOUND);
	assert_int_equal(settled, 7); /* untouched on failure */
	assert_int_equal(outbox_report(f->db, 1, (enum outbox_dlr)99, 1, NULL, &settled), GW_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_settles_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final_state_stays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_row, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
