/* Unit tests: gateway/store (schema, migrations) and gateway/content
 * (all-or-nothing JSON import), on real SQLite files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/content/content.h"
#include "handlers/understand/lexicon.h"

FIXTURE_DB_STATE("gwstore", 1000, 0)

static const char *write_file(struct fx *f, const char *name, const char *text)
{
	static char p[192];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", f->fx.dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

/* A digest of everything an import may touch. */
static char *snapshot(struct db *db)
{
	sqlite3_stmt *st;
	char *s;

	assert_int_equal(db_prepare(db, "SELECT (SELECT coalesce(group_concat(code || title_vi || version"
					" || summary_vi, '|'), '') FROM programs) || '#' ||"
					" (SELECT count(*) FROM program_keywords) || '#' ||"
					" (SELECT count(*) FROM programs_fts) || '#' ||"
					" (SELECT count(*) FROM program_history) || '#' ||"
					" (SELECT coalesce(group_concat(code || title, '|'), '') FROM jobs) || '#' ||"
					" (SELECT count(*) FROM audit)", &st), 0);
	assert_int_equal(db_step(st), DB_ROW);
	s = strdup(db_col_text(st, 0));
	sqlite3_reset(st);
	return s;
}

static const char good_programs[] =
	"{\"programs\": ["
	"{\"code\": \"BHYT\", \"title_vi\": \"Thẻ bảo hiểm y tế\", \"summary_vi\": \"Hộ nghèo được cấp thẻ.\","
	" \"keywords\": [\"bhyt\", \"bảo hiểm y tế\"], \"caveat\": \"check\"},"
	"{\"code\": \"VAY-NGHEO\", \"title_vi\": \"Vay vốn hộ nghèo\", \"summary_vi\": \"Vay ưu đãi.\"}"
	"]}";

static void test_schema_version_and_pragmas(void **state)
{
	struct fx *f = *state;
	struct db *again = NULL;
	int64_t v = 0;

	assert_int_equal(db_query_int64(f->db, "PRAGMA user_version", &v), 0);
	assert_int_equal(v, store_schema_version());
	assert_int_equal(db_query_int64(f->db, "PRAGMA foreign_keys", &v), 0);
	assert_int_equal(v, 1);
	/* reopening an up-to-date database migrates nothing and keeps data */
	assert_int_equal(db_exec(f->db, "INSERT INTO audit (at, actor, action) VALUES (1, 'a', 'b')"), 0);
	assert_int_equal(store_open(&again, f->fx.path, 1000), 0);
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM audit", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM appointment_offers", &v), 0);
	assert_int_equal(db_exec(again, "SELECT lunar FROM appointments"), 0);
	db_close(again);
}

/* Constraint violations map to the error convention: a duplicate key is
 * GW_ERR_EXISTS, a failed CHECK is GW_ERR_INVAL. */
static void test_constraint_errors(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st;

	assert_int_equal(db_exec(f->db, "INSERT INTO contacts (phone, created_at, last_seen)"
					" VALUES ('+84900000001', 1, 1)"), 0);
	assert_int_equal(db_prepare(f->db, "INSERT INTO contacts (phone, created_at, last_seen)"
					   " VALUES (?, 1, 1)", &st), 0);
	db_bind_text(st, 1, "+84900000001");
	assert_int_equal(db_step(st), GW_ERR_EXISTS);
	assert_int_equal(db_prepare(f->db, "INSERT INTO contacts (phone, lang, created_at, last_seen)"
					   " VALUES ('+84900000002', ?, 1, 1)", &st), 0);
	db_bind_text(st, 1, "fr");
	assert_int_equal(db_step(st), GW_ERR_INVAL);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	struct db *again = NULL;

	assert_int_equal(db_exec(f->db, "PRAGMA user_version = 999"), 0);
	assert_true(store_open(&again, f->fx.path, 1000) < 0);
	assert_null(again);
	assert_int_equal(db_exec(f->db, "PRAGMA user_version = 2"), 0);
}

/* A database of schema version 1 (as released) opens, gains every later
 * migration (2: the resume columns, 3: delivery reports, 4: lunar
 * appointments and offered slots, 5: lock-outs, 6: several modems, 7: the
 * modem's reports and messages in doubt, 8: messages an officer saw to, 9:
 * Kannel's message ids on the inbox, 10: the content version, 11: the job
 * board's columns, 12: the hub's) and keeps its queued messages, officers
 * and its modem's record; a message left in doubt before version 7 stays
 * as it was (unknown_at NULL: never resent by the upgrade). Later
 * migrations undo their part below. */
static void test_migrate_from_version_1(void **state)
{
	struct fx *f = *state;
	struct db *again = NULL;
	int64_t v = 0;

	assert_int_equal(db_exec(f->db, "INSERT INTO outbox (phone, text, kind, priority, created_at)"
					" VALUES ('+84900000009', 'chờ gửi', 'reply', 10, 1)"), 0);
	/* 13: who set an alias, the removed ones */
	assert_int_equal(db_exec(f->db, "DROP TABLE command_aliases_removed;"
					"ALTER TABLE command_aliases DROP COLUMN origin;"), 0);
	/* 10: the content version and its triggers */
	for (const char *t = "pkcmaj"; *t; t++)
		for (const char *o = "iud"; *o; o++) {
			char sql[64];

			snprintf(sql, sizeof(sql), "DROP TRIGGER content_%c_%c", *t, *o);
			assert_int_equal(db_exec(f->db, sql), 0);
		}
	assert_int_equal(db_exec(f->db, "INSERT INTO outbox (phone, text, kind, priority, created_at,"
					" status) VALUES ('+84900000008', 'có thể đã gửi', 'reply', 10, 1,"
					" 'sent_unknown')"), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO officers (phone, name, role, pin_hash, created_at)"
					" VALUES ('+84911000001', 'An', 'officer', 'x', 1)"), 0);
	assert_int_equal(db_exec(f->db, "DROP TABLE sync_state; ALTER TABLE jobs DROP COLUMN hub;"), 0);
	assert_int_equal(db_exec(f->db, "DROP TRIGGER jobs_derive_again; DROP TRIGGER jobs_places_gone;"
					"DROP INDEX jobs_board; DROP INDEX jobs_derived; DROP INDEX jobs_code_upper;"
					"DROP INDEX jobs_code_words; DROP TABLE job_places;"
					"ALTER TABLE jobs DROP COLUMN types; ALTER TABLE jobs DROP COLUMN sex;"
					"ALTER TABLE jobs DROP COLUMN label; ALTER TABLE jobs DROP COLUMN label_size;"
					"ALTER TABLE jobs DROP COLUMN derived;"), 0);
	assert_int_equal(db_exec(f->db, "DROP TABLE content_version;"
					"DROP INDEX inbox_external;"
					"ALTER TABLE inbox DROP COLUMN external_id;"
					"ALTER TABLE inbox DROP COLUMN attended_at;"
					"ALTER TABLE inbox DROP COLUMN attended_by;"
					"DROP TABLE delivery_reports;"
					"DROP TABLE outbox_parts;"
					"DROP INDEX outbox_unknown;"
					"ALTER TABLE outbox DROP COLUMN resends;"
					"ALTER TABLE outbox DROP COLUMN unknown_at;"
					"DROP INDEX outbox_modem_day; DROP INDEX outbox_modem_text;"
					"ALTER TABLE outbox DROP COLUMN modem;"
					"ALTER TABLE outbox DROP COLUMN claimed_at;"
					"ALTER TABLE outbox DROP COLUMN text_hash;"
					"ALTER TABLE inbox DROP COLUMN modem;"
					"ALTER TABLE inbox_parts DROP COLUMN modem;"
					"ALTER TABLE ussd_requests DROP COLUMN modem;"
					"DROP TABLE operator_prefixes; DROP TABLE modem_status;"
					"CREATE TABLE modem_status (id INTEGER PRIMARY KEY CHECK (id = 1),"
					" connected INTEGER NOT NULL DEFAULT 0,"
					" signal_percent INTEGER, battery_percent INTEGER,"
					" network TEXT NOT NULL DEFAULT '', security TEXT NOT NULL DEFAULT '',"
					" balance TEXT NOT NULL DEFAULT '', balance_checked_at INTEGER,"
					" last_contact INTEGER, last_error TEXT NOT NULL DEFAULT '',"
					" last_error_at INTEGER, sent_parts INTEGER NOT NULL DEFAULT 0,"
					" updated_at INTEGER);"
					"INSERT INTO modem_status (id, sent_parts, network) VALUES (1, 77, 'Viettel');"
					"DROP TABLE lockouts;"
					"ALTER TABLE officers DROP COLUMN pin_short;"
					"ALTER TABLE officers DROP COLUMN pin_locks;"
					"DROP TABLE appointment_offers;"
					"ALTER TABLE appointments DROP COLUMN lunar;"
					"ALTER TABLE outbox DROP COLUMN dlr_detail;"
					"ALTER TABLE outbox DROP COLUMN dlr_at;"
					"ALTER TABLE outbox DROP COLUMN dlr;"
					"ALTER TABLE outbox DROP COLUMN parts_done;"
					"ALTER TABLE outbox DROP COLUMN concat_ref;"
					"PRAGMA user_version = 1"), 0);
	assert_int_equal(store_open(&again, f->fx.path, 1000), 0);
	assert_int_equal(db_query_int64(again, "PRAGMA user_version", &v), 0);
	assert_int_equal(v, store_schema_version());
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM outbox WHERE text = 'chờ gửi'"
					" AND parts_done = 0 AND concat_ref = 0 AND dlr = ''"
					" AND dlr_at IS NULL AND modem = '' AND claimed_at IS NULL", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM outbox WHERE status = 'sent_unknown'"
					" AND unknown_at IS NULL AND resends = 0", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM outbox_parts", &v), 0);
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM delivery_reports", &v), 0);
	assert_int_equal(v, 0);
	/* an officer from before the 6-digit rule: PIN length unknown */
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM officers WHERE pin_locks = 0"
					" AND pin_short IS NULL", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM lockouts", &v), 0);
	assert_int_equal(v, 0);
	/* the one modem's record is the modem called "modem" (a modem = {} group) */
	assert_int_equal(db_query_int64(again, "SELECT sent_parts FROM modem_status"
					" WHERE name = 'modem' AND id = 1 AND network = 'Viettel'", &v), 0);
	assert_int_equal(v, 77);
	assert_int_equal(db_query_int64(again, "SELECT count(*) FROM inbox WHERE attended_at IS NOT NULL",
					&v), 0);
	assert_int_equal(v, 0);
	/* version 9: one row per external id, any number without one */
	assert_int_equal(db_exec(again, "INSERT INTO inbox (sender, text, sent_at, stored_at,"
					" external_id) VALUES ('+849', 'a', 1, 1, 'k1'), ('+849', 'b', 1, 1, NULL),"
					" ('+849', 'c', 1, 1, NULL)"), 0);
	assert_int_equal(db_exec(again, "INSERT INTO inbox (sender, text, sent_at, stored_at,"
					" external_id) VALUES ('+849', 'd', 1, 1, 'k1')"), GW_ERR_EXISTS);
	/* version 10: writing the content moves its version, a message does not */
	assert_int_equal(store_content_version(again, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(db_exec(again, "INSERT INTO jobs (code, title, created_at, updated_at)"
					" VALUES ('J-1', 't', 1, 1); UPDATE jobs SET title = 'u';"
					" DELETE FROM jobs; INSERT INTO inbox (sender, text, sent_at,"
					" stored_at) VALUES ('+849', 'e', 1, 1)"), 0);
	assert_int_equal(store_content_version(again, &v), 0);
	assert_int_equal(v, 3);
	/* version 11: an offer worked out by the handlers is not new content */
	assert_int_equal(db_exec(again, "INSERT INTO jobs (code, title, created_at, updated_at)"
					" VALUES ('J-2', 't', 1, 1); UPDATE jobs SET derived = 1, types = 3,"
					" label = 'x'"), 0);
	assert_int_equal(store_content_version(again, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(db_exec(again, "UPDATE jobs SET title = 'u'"), 0);
	assert_int_equal(db_query_int64(again, "SELECT derived FROM jobs", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(store_content_version(again, &v), 0);
	assert_int_equal(v, 5);
	db_close(again);
}

static void test_import_programs(void **state)
{
	struct fx *f = *state;
	struct content_counts c;
	char err[512];
	int64_t v = 0;

	assert_int_equal(content_import_programs(f->db, write_file(f, "p.json", good_programs), "test",
						 &c, err, sizeof(err)), 0);
	assert_int_equal(c.added, 2);
	/* needs_check follows the caveat */
	assert_int_equal(db_query_int64(f->db, "SELECT needs_check FROM programs WHERE code = 'BHYT'",
					&v), 0);
	assert_int_equal(v, 1);
	/* the search index holds folded text: đ and diacritics gone */
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM programs_fts WHERE programs_fts"
					       " MATCH 'title:\"the bao hiem\"'", &v), 0);
	assert_int_equal(v, 1);
	/* same file again: nothing changes */
	assert_int_equal(content_import_programs(f->db, write_file(f, "p.json", good_programs), "test",
						 &c, err, sizeof(err)), 0);
	assert_int_equal(c.unchanged, 2);
	assert_int_equal(c.changed, 0);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM program_history", &v), 0);
	assert_int_equal(v, 0);
}

static void test_import_change_keeps_history(void **state)
{
	struct fx *f = *state;
	struct content_counts c;
	char err[512];
	int64_t v = 0;

	assert_int_equal(content_import_programs(f->db, write_file(f, "p.json", good_programs), "test",
						 &c, err, sizeof(err)), 0);
	assert_int_equal(content_import_programs(f->db, write_file(f, "p2.json",
		"[{\"code\": \"BHYT\", \"title_vi\": \"Thẻ BHYT (mới)\", \"summary_vi\": \"Đổi.\"}]"),
						 "test", &c, err, sizeof(err)), 0);
	assert_int_equal(c.changed, 1);
	assert_int_equal(db_query_int64(f->db, "SELECT version FROM programs WHERE code = 'BHYT'", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM program_history WHERE code = 'BHYT'"
					       " AND version = 1 AND data LIKE '%Thẻ bảo hiểm y tế%'", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM programs_fts WHERE programs_fts"
					       " MATCH 'title:moi'", &v), 0);
	assert_int_equal(v, 1);
}

/* Every broken file is refused with the record and field named, and leaves
 * the database exactly as it was. */
static void test_broken_imports_change_nothing(void **state)
{
	static const struct {
		const char *json;
		const char *expect;
	} cases[] = {
		{ "[{\"code\": \"BHYT\", \"title_vi\": \"x\"", "invalid JSON" },
		{ "[{\"code\": \"NEW-1\", \"title_vi\": \"a\", \"summary_vi\": \"b\"},"
		  " {\"code\": \"NEW-2\", \"summary_vi\": \"b\"}]", "record 2 (NEW-2): title_vi: missing" },
		{ "[{\"code\": \"NEW-1\", \"title_vi\": \"a\", \"summary_vi\": \"b\"},"
		  " {\"code\": \"NEW-1\", \"title_vi\": \"a\", \"summary_vi\": \"b\"}]", "duplicate code" },
		{ "[{\"code\": \"NEW-1\", \"title_vi\": 5, \"summary_vi\": \"b\"}]", "title_vi: must be a string" },
		{ "[{\"code\": \"new code\", \"title_vi\": \"a\", \"summary_vi\": \"b\"}]", "code: must be" },
		{ "[{\"code\": \"NEW-1\", \"title_vi\": \"a\", \"summary_vi\": \"b\", \"keywords\": \"x\"}]",
		  "keywords" },
		{ "{\"nothing\": 1}", "expected a list" },
		{ "[1, 2]", "record 1: (record): must be an object" },
		{ "[{\"code\": \"BHYT\", \"title_vi\": \"a\", \"summary_vi\": \"b\", \"code\": \"X\"}]",
		  "invalid JSON" },
		{ "[{\"code\": \"NEW-1\", \"title_vi\": \"a\", \"summary_vi\": \"\"}]", "summary_vi: is empty" },
	};
	struct fx *f = *state;
	struct content_counts c;
	char err[512], *before, *after;

	assert_int_equal(content_import_programs(f->db, write_file(f, "p.json", good_programs), "test",
						 &c, err, sizeof(err)), 0);
	before = snapshot(f->db);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_true(content_import_programs(f->db, write_file(f, "bad.json", cases[i].json), "test",
						    &c, err, sizeof(err)) < 0);
		if (!strstr(err, cases[i].expect))
			fail_msg("case %zu: error '%s' does not say '%s'", i, err, cases[i].expect);
		after = snapshot(f->db);
		assert_string_equal(before, after);
		free(after);
		assert_false(db_in_tx(f->db));
	}
	/* invalid UTF-8 inside a string is rejected by the JSON parser too */
	assert_true(content_import_programs(f->db, write_file(f, "bad.json",
		"[{\"code\": \"NEW-1\", \"title_vi\": \"\xc3\x28\", \"summary_vi\": \"b\"}]"), "test", &c, err,
					    sizeof(err)) < 0);
	after = snapshot(f->db);
	assert_string_equal(before, after);
	free(after);
	assert_true(content_import_programs(f->db, "/nonexistent.json", "test", &c, err, sizeof(err)) < 0);
	free(before);
}

static void test_import_jobs(void **state)
{
	struct fx *f = *state;
	struct content_counts c;
	char err[512], *before, *after;
	int64_t v = 0;

	assert_int_equal(content_import_jobs(f->db, write_file(f, "j.json",
		"{\"jobs\": [{\"id\": \"JOB-1\", \"title\": \"Công nhân may\", \"requirements\": \"Nữ 18–45 tuổi\","
		" \"location\": {\"district_old\": \"Sông Lô\", \"commune_old\": \"Tân Lập\"},"
		" \"wage_min\": 6000000, \"deadline\": \"2027-06-30\", \"keywords\": [\"may\"]}]}"),
					     "test", &c, err, sizeof(err)), 0);
	assert_int_equal(c.added, 1);
	assert_int_equal(db_query_int64(f->db, "SELECT age_min * 100 + age_max FROM jobs", &v), 0);
	assert_int_equal(v, 1845);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM jobs WHERE folded LIKE '%tan lap%'",
					&v), 0);
	assert_int_equal(v, 1);
	before = snapshot(f->db);
	assert_true(content_import_jobs(f->db, write_file(f, "j2.json",
		"[{\"id\": \"JOB-2\", \"title\": \"a\"}, {\"id\": \"JOB-3\", \"title\": \"b\","
		" \"deadline\": \"31/12/2027\"}]"), "test", &c, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "record 2 (JOB-3): deadline"));
	assert_true(content_import_jobs(f->db, write_file(f, "j3.json",
		"[{\"id\": \"JOB-2\", \"title\": \"a\", \"wage_min\": -5}]"), "test", &c, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "wage_min"));
	after = snapshot(f->db);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_shipped_content_and_lexicon(void **state)
{
	struct fx *f = *state;
	struct content_counts c;
	char err[512];
	int64_t v = 0;

	assert_int_equal(lexicon_import(f->db, "data/lexicon.json", err, sizeof(err)), 0);
	assert_int_equal(content_import_programs(f->db, "data/programs.json", "test", &c, err,
						 sizeof(err)), 0);
	assert_true(c.added >= 30);
	assert_int_equal(content_import_jobs(f->db, "data/jobs.json", "test", &c, err, sizeof(err)), 0);
	assert_true(c.added >= 15);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM command_aliases", &v), 0);
	assert_true(v > 20);
	/* an alias of another command is refused; of the same command it is a no-op */
	assert_int_equal(lexicon_add_alias(f->db, "CS", "huy", "vi", err, sizeof(err)), GW_ERR_EXISTS);
	assert_non_null(strstr(err, "STOP"));
	assert_int_equal(lexicon_add_alias(f->db, "CS", "Chính sách", "vi", err, sizeof(err)), 0);
	assert_int_equal(lexicon_add_alias(f->db, "CS", "bao hiem xa hoi", "vi", err, sizeof(err)), 0);
	assert_int_equal(lexicon_add_alias(f->db, "NOPE", "xyz", "vi", err, sizeof(err)), GW_ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_version_and_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_version_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constraint_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_programs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_change_keeps_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_imports_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shipped_content_and_lexicon, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
