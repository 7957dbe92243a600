/* test_settle.c - delivery reports matched to their outbox rows, and
 * messages in doubt settled (gateway/daemon/settle.h), on a real database;
 * settle_run end to end on libgammu's dummy phone, whose only way to
 * show a report is a status report kept with the inbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/gw_err.h"
#include "config/settings.h"
#include "gateway/daemon/link.h"
#include "gateway/daemon/settle.h"
#include "gateway/outbox.h"
#include "handlers/core/handler_result.h"

#define NOW 1800000000
#define PHONE "+84901234567"

FIXTURE_DB_STATE("gwsettle", 1000, 0)

static int64_t queue(struct db *db, const char *phone, const char *text, const char *kind)
{
	struct handler_result res;

	handler_result_init(&res);
	assert_int_equal(handler_result_add(&res, phone, text, kind, HANDLER_PRIO_REPLY), 0);
	assert_int_equal(outbox_queue(db, &res, 0, NOW - 100), 0);
	handler_result_release(&res);
	return db_last_id(db);
}

/* A row sent in parts with these references, as the sender records it. */
static int64_t sent_row(struct db *db, const char *phone, const char *text, int parts,
			const int *mr, time_t at)
{
	struct modem_resume before = { 0, 0 };
	struct modem_sent ms;
	int64_t id = queue(db, phone, text, "reply");

	memset(&ms, 0, sizeof(ms));
	for (int i = 0; i < MODEM_PARTS_MAX; i++)
		ms.mr[i] = i < parts ? mr[i] : -1;
	ms.parts = ms.total = parts;
	assert_int_equal(db_run(db, "UPDATE outbox SET status = 'sent', parts = ?, sent_at = ?"
				" WHERE id = ?", DB_ARGS(DB_INT(parts), DB_INT(at), DB_INT(id))), 0);
	assert_int_equal(settle_record_parts(db, "", id, &before, &ms, 1, at), 0);
	return id;
}

static int64_t unknown_row(struct db *db, const char *phone, const char *text, const char *kind,
			   time_t since)
{
	int64_t id = queue(db, phone, text, kind);

	assert_int_equal(db_run(db, "UPDATE outbox SET status = 'sent_unknown', unknown_at = ?"
				" WHERE id = ?", DB_ARGS(DB_INT(since), DB_INT(id))), 0);
	return id;
}

static struct modem_report report(const char *phone, int mr, int status)
{
	struct modem_report r;

	memset(&r, 0, sizeof(r));
	snprintf(r.phone, sizeof(r.phone), "%s", phone);
	r.mr = mr;
	r.status = status;
	r.state = modem_report_state(status);
	r.submitted_at = NOW - 50;
	r.done_at = NOW - 40 + mr + status; /* distinct reports differ */
	return r;
}

static void row(struct db *db, int64_t id, char *status, char *dlr)
{
	sqlite3_stmt *st;

	assert_int_equal(db_row(db, "SELECT status, dlr FROM outbox WHERE id = ?",
				DB_ARGS(DB_INT(id)), &st), 0);
	assert_int_equal(gw_strlcpy(status, db_col_text(st, 0), 32), 0);
	assert_int_equal(gw_strlcpy(dlr, db_col_text(st, 1), 32), 0);
	sqlite3_reset(st);
}

/* The row's status and delivery state are these (NULL: either). */
static void expect(struct db *db, int64_t id, const char *status, const char *dlr)
{
	char got_status[32], got_dlr[32];

	row(db, id, got_status, got_dlr);
	if (status)
		assert_string_equal(got_status, status);
	if (dlr)
		assert_string_equal(got_dlr, dlr);
}

static void match(struct db *db, struct modem_report r, int64_t want_row, int want_settled)
{
	int64_t got = -1;
	int settled = -1;

	assert_int_equal(settle_report(db, "", &r, NOW, &got, &settled), 0);
	assert_int_equal(got, want_row);
	assert_int_equal(settled, want_settled);
}

static void test_delivered_single(void **state)
{
	struct fx *f = *state;
	int mr[] = { 17 };
	int64_t id = sent_row(f->db, PHONE, "Chao ban", 1, mr, NOW - 60);

	expect(f->db, id, NULL, "submitted"); /* with the centre, report awaited */
	match(f->db, report(PHONE, 17, 0x00), id, 0);
	expect(f->db, id, "sent", "delivered");
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM delivery_reports WHERE outbox_id IS NOT NULL"
				      " AND state = 'delivered' AND status = 0"), 1);
	/* the same report read again (a crash before it was deleted): kept once */
	match(f->db, report(PHONE, 17, 0x00), 0, 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM delivery_reports"), 1);
}

static void test_multipart_all_parts(void **state)
{
	struct fx *f = *state;
	int mr[] = { 30, 31 };
	int64_t id = sent_row(f->db, PHONE, "hai phan", 2, mr, NOW - 60);
	int64_t other = sent_row(f->db, "+84907777777", "khac", 2, mr, NOW - 60);

	match(f->db, report(PHONE, 31, 0x20), id, 0); /* pending: the phone is off */
	expect(f->db, id, NULL, "buffered");
	match(f->db, report(PHONE, 31, 0x00), id, 0);
	expect(f->db, id, NULL, "buffered"); /* one of two delivered: not yet */
	match(f->db, report(PHONE, 30, 0x00), id, 0);
	expect(f->db, id, NULL, "delivered");
	/* the same references to another number are that number's */
	match(f->db, report("84907777777", 30, 0x45), other, 0); /* without the '+' */
	expect(f->db, other, NULL, "failed");
}

static void test_reference_wraps(void **state)
{
	struct fx *f = *state;
	int mr[] = { 5 };
	int64_t old = sent_row(f->db, PHONE, "cu", 1, mr, NOW - 3000);
	int64_t fresh = sent_row(f->db, PHONE, "moi", 1, mr, NOW - 20);
	int64_t ancient = sent_row(f->db, "+84908888888", "xua", 1, mr, NOW - SETTLE_WINDOW_S - 10);

	/* the newest part still waiting first, then the older one */
	match(f->db, report(PHONE, 5, 0x00), fresh, 0);
	match(f->db, report(PHONE, 5, 0x01), old, 0);
	/* too old to trust a reference that wrapped so often */
	match(f->db, report("+84908888888", 5, 0x00), 0, 0);
	(void)ancient;
}

static void test_unknown_reference(void **state)
{
	struct fx *f = *state;
	int mr[] = { 9 };
	int64_t id = sent_row(f->db, PHONE, "Chao ban", 1, mr, NOW - 60);

	match(f->db, report(PHONE, 99, 0x00), 0, 0);
	match(f->db, report("+84909999999", 9, 0x00), 0, 0);
	expect(f->db, id, NULL, "submitted");
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM delivery_reports WHERE outbox_id IS NULL"), 2);
}

static void test_settles_the_one_in_doubt(void **state)
{
	struct fx *f = *state;
	int mr[] = { 9 };
	int64_t sent = sent_row(f->db, PHONE, "da gui", 1, mr, NOW - 60);
	int64_t id = unknown_row(f->db, PHONE, "co the da gui", "reply", NOW - 30);

	/* a reference recorded for another row is that row's */
	match(f->db, report(PHONE, 9, 0x00), sent, 0);
	expect(f->db, id, "sent_unknown", NULL);
	/* one the crash never let us record: the only message in doubt to PHONE */
	match(f->db, report(PHONE, 123, 0x00), id, 1);
	expect(f->db, id, "sent", "delivered");
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox_parts WHERE seq = 0 AND mr = 123"), 1);
}

static void test_two_in_doubt_stay(void **state)
{
	struct fx *f = *state;
	int64_t a = unknown_row(f->db, PHONE, "mot", "reply", NOW - 30);
	int64_t b = unknown_row(f->db, PHONE, "hai", "reply", NOW - 30);

	match(f->db, report(PHONE, 40, 0x00), 0, 0);
	expect(f->db, a, "sent_unknown", NULL);
	expect(f->db, b, "sent_unknown", NULL);
}

/* Two modems each had an answer to one household in flight when the
 * daemon died: a report read on a modem settles that modem's row. */
static void test_in_doubt_two_modems(void **state)
{
	struct fx *f = *state;
	int64_t a = unknown_row(f->db, PHONE, "qua a", "reply", NOW - 30);
	int64_t b = unknown_row(f->db, PHONE, "qua b", "reply", NOW - 30);
	struct modem_report rep = report(PHONE, 41, 0x00);
	int64_t got = -1;
	int settled = -1;

	assert_int_equal(db_run(f->db, "UPDATE outbox SET modem = CASE id WHEN ? THEN 'a' ELSE 'b' END"
				" WHERE id IN (?1, ?2)", DB_ARGS(DB_INT(a), DB_INT(b))), 0);
	assert_int_equal(settle_report(f->db, "b", &rep, NOW, &got, &settled), 0);
	assert_int_equal(got, b);
	assert_int_equal(settled, 1);
	expect(f->db, b, "sent", "delivered");
	expect(f->db, a, "sent_unknown", NULL);
	rep = report(PHONE, 42, 0x00);
	assert_int_equal(settle_report(f->db, "a", &rep, NOW, &got, &settled), 0);
	assert_int_equal(got, a);
	expect(f->db, a, "sent", "delivered");
}

static void test_multipart_in_doubt(void **state)
{
	struct fx *f = *state;
	int64_t id = unknown_row(f->db, PHONE,
				 "Ho ngheo duoc ho tro the bao hiem y te mien phi, hoc phi cho con,"
				 " vay von uu dai va tien dien hang thang. Mang so ho ngheo va can cuoc"
				 " den UBND xa de lam thu tuc, can bo se huong dan them.", "reply", NOW);

	match(f->db, report(PHONE, 70, 0x00), id, 0); /* one part of two proves nothing */
	expect(f->db, id, "sent_unknown", NULL);
	match(f->db, report(PHONE, 71, 0x20), id, 1);
	expect(f->db, id, "sent", "buffered");
}

static void test_in_doubt_resend(void **state)
{
	struct fx *f = *state;
	int64_t reply = unknown_row(f->db, PHONE, "tra loi", "reply", NOW - 301);
	int64_t bc = unknown_row(f->db, "+84902222222", "thong bao", "broadcast", NOW - 400);
	int64_t fresh = unknown_row(f->db, "+84903333333", "moi", "reply", NOW - 100);
	int64_t old = queue(f->db, "+84904444444", "truoc phien ban 4", "reply");
	int resent = -1, kept = -1;
	sqlite3_stmt *st;

	assert_int_equal(db_run(f->db, "UPDATE outbox SET status = 'sent_unknown', concat_ref = 77"
				" WHERE id = ?", DB_ARGS(DB_INT(old))), 0);
	assert_int_equal(db_run(f->db, "UPDATE outbox SET concat_ref = 12, attempts = 1 WHERE id = ?",
				DB_ARGS(DB_INT(reply))), 0);
	assert_int_equal(settle_in_doubt(f->db, NULL, 300, NOW, &resent, &kept), 0);
	assert_int_equal(resent, 1);
	assert_int_equal(kept, 1);
	/* the answer goes again, under its reference, counted */
	assert_int_equal(db_row(f->db, "SELECT status, resends, unknown_at IS NULL, concat_ref,"
				" next_attempt_at, attempts FROM outbox WHERE id = ?",
				DB_ARGS(DB_INT(reply)), &st), 0);
	assert_string_equal(db_col_text(st, 0), "queued");
	assert_int_equal(sqlite3_column_int(st, 1), 1);
	assert_int_equal(sqlite3_column_int(st, 2), 1);
	assert_int_equal(sqlite3_column_int(st, 3), 12);
	assert_int_equal(sqlite3_column_int64(st, 4), NOW);
	assert_int_equal(sqlite3_column_int(st, 5), 0);
	sqlite3_reset(st);
	/* the broadcast stays in doubt, decided for good */
	expect(f->db, bc, "sent_unknown", NULL);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'broadcast'"
				      " AND unknown_at IS NULL AND resends = 0"), 1);
	/* not yet due, and from before version 7: untouched */
	expect(f->db, fresh, "sent_unknown", NULL);
	expect(f->db, old, "sent_unknown", NULL);
	assert_int_equal(settle_in_doubt(f->db, NULL, 300, NOW, &resent, &kept), 0);
	assert_int_equal(resent, 0);
	assert_int_equal(kept, 0);
}

/* Each worker decides only the rows its own modem took: its last look
 * through that modem's report memory is what the decision rests on. */
static void test_in_doubt_per_modem(void **state)
{
	struct fx *f = *state;
	int64_t mine = unknown_row(f->db, PHONE, "cua a", "reply", NOW - 301);
	int64_t other = unknown_row(f->db, "+84902222222", "cua b", "reply", NOW - 301);
	int resent = -1, kept = -1;

	assert_int_equal(db_run(f->db, "INSERT INTO modem_status (name, enabled) VALUES ('a', 1),"
				" ('b', 1)", NULL), 0);
	assert_int_equal(db_run(f->db, "UPDATE outbox SET modem = 'a' WHERE id = ?",
				DB_ARGS(DB_INT(mine))), 0);
	assert_int_equal(db_run(f->db, "UPDATE outbox SET modem = 'b' WHERE id = ?",
				DB_ARGS(DB_INT(other))), 0);
	assert_int_equal(settle_in_doubt(f->db, "a", 300, NOW, &resent, &kept), 0);
	assert_int_equal(resent, 1);
	expect(f->db, mine, "queued", NULL);
	expect(f->db, other, "sent_unknown", NULL);
	assert_int_equal(settle_in_doubt(f->db, "b", 300, NOW, &resent, &kept), 0);
	assert_int_equal(resent, 1);
	expect(f->db, other, "queued", NULL);
}

/* A modem taken out of the configuration leaves its rows in doubt to the
 * others: no report of theirs can come, and nobody would decide them. */
static void test_in_doubt_removed_modem(void **state)
{
	struct fx *f = *state;
	int64_t gone = unknown_row(f->db, PHONE, "cua modem cu", "reply", NOW - 301);
	int64_t bc = unknown_row(f->db, "+84902222222", "thong bao cu", "broadcast", NOW - 301);
	int64_t other = unknown_row(f->db, "+84903333333", "cua b", "reply", NOW - 301);
	int resent = -1, kept = -1;

	assert_int_equal(db_run(f->db, "INSERT INTO modem_status (name, enabled) VALUES ('a', 1),"
				" ('b', 1), ('old', 0)", NULL), 0);
	assert_int_equal(db_run(f->db, "UPDATE outbox SET modem = 'old' WHERE id IN (?, ?)",
				DB_ARGS(DB_INT(gone), DB_INT(bc))), 0);
	assert_int_equal(db_run(f->db, "UPDATE outbox SET modem = 'b' WHERE id = ?",
				DB_ARGS(DB_INT(other))), 0);
	assert_int_equal(settle_in_doubt(f->db, "a", 300, NOW, &resent, &kept), 0);
	assert_int_equal(resent, 1);
	assert_int_equal(kept, 1);
	expect(f->db, gone, "queued", NULL);
	expect(f->db, bc, "sent_unknown", NULL);  /* decided: at most once */
	expect(f->db, other, "sent_unknown", NULL); /* b's own, b decides */
	/* decided once: the next worker finds nothing left of them */
	assert_int_equal(settle_in_doubt(f->db, "b", 300, NOW, &resent, &kept), 0);
	assert_int_equal(resent, 1);
	assert_int_equal(kept, 0);
	expect(f->db, other, "queued", NULL);
	assert_int_equal(fixture_int(f->db, "SELECT resends FROM outbox WHERE text = 'cua modem cu'"), 1);
}

/* ---- settle_run on the dummy phone ---- */

static void write_report(const char *dir, int loc, const char *to, int mr)
{
	char path[256], num[128], text[64];
	size_t o = 0;
	FILE *fp;

	for (const char *s = to; *s; s++)
		o += (size_t)snprintf(num + o, sizeof(num) - o, "%04X", (unsigned char)*s);
	o = 0;
	for (const char *s = "Delivered"; *s; s++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%04X", (unsigned char)*s);
	snprintf(path, sizeof(path), "%s/sms/1/%d", dir, loc);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "[SMSBackup000]\nSMSC = \"+84980200030\"\nPDU = Status_Report\n"
		"DateTime = 20240101T120000\nState = UnRead\nMessageReference = %d\n"
		"Number = \"%s\"\nNumberUnicode = %s\nText00 = %s\n"
		"Coding = Unicode_No_Compression\nClass = -1\n\n", mr, to, num, text);
	fclose(fp);
}

static void test_run_on_dummy(void **state)
{
	struct fx *f = *state;
	struct modem_config mc = { "dummy", "none", NULL, "", 0 };
	struct modem_part *parts = NULL;
	struct gw_settings cfg;
	struct settle s;
	struct link l;
	struct modem *m = NULL;
	char phone_dir[160], path[200];
	int mr[] = { 255 };
	int64_t id, doubt;
	int resent = -1;
	size_t n = 0;
	struct stat st;

	snprintf(phone_dir, sizeof(phone_dir), "%s/phone", f->fx.dir);
	assert_int_equal(mkdir(phone_dir, 0700), 0);
	mc.device = phone_dir;
	assert_int_equal(modem_gammu_create(&m, &mc), 0);
	settings_defaults(&cfg);
	cfg.sms.unknown_resend_after_s = 0;
	link_init(&l, m, &cfg.modems[0], f->db);
	settle_init(&s, "");
	assert_int_equal(link_ready(&l, 0), 1);
	id = sent_row(f->db, PHONE, "Chao ban", 1, mr, time(NULL) - 5);
	doubt = unknown_row(f->db, "+84905555555", "co the", "reply", time(NULL));
	write_report(phone_dir, 1, PHONE, 255);
	/* ingest reads the phone; the report is held, not taken for a text */
	assert_int_equal(modem_read_pending(m, &parts, &n), 0);
	assert_int_equal(n, 0);
	free(parts);
	assert_int_equal(settle_run(&s, &l, 1, cfg.sms.unknown_resend_after_s, time(NULL), &resent), 0);
	expect(f->db, id, NULL, "delivered");
	snprintf(path, sizeof(path), "%s/sms/1/1", phone_dir);
	assert_int_equal(stat(path, &st), -1); /* deleted once recorded */
	/* no report will come for the other: sent again at once (after 0 s) */
	assert_int_equal(resent, 1);
	expect(f->db, doubt, "queued", NULL);
	link_close(&l);
	modem_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delivered_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipart_all_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reference_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settles_the_one_in_doubt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_in_doubt_stay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_doubt_two_modems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipart_in_doubt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_doubt_resend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_doubt_per_modem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_doubt_removed_modem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_on_dummy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
