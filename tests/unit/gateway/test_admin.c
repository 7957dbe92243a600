/* Unit tests: administration on real SQLite files - export/import round
 * trips (JSON and CSV), dry runs, sync, history and revert, the editor form,
 * optimistic saves, the privacy purge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/db.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "config/settings.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/content_programs.h"
#include "gateway/content/program_form.h"
#include "gateway/daemon/housekeep.h"

struct fx {
	struct fixture fx;
	struct db *db[2];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db[0] = fixture_open(&f->fx, "gwadmin", 1000, 0);
	f->db[1] = fixture_store(&f->fx, "gw1.db", 1000); /* a second gateway, to import into */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db[1]);
	fixture_close(&f->fx, f->db[0]);
	free(f);
	return 0;
}

static void load_file(struct db *db, enum content_kind kind, const char *path,
		      struct content_report *rep)
{
	struct content_file file;
	struct content_opts o;
	char err[512];

	err[0] = '\0';
	if (content_io_load(path, kind, CONTENT_FORMAT_AUTO, &file, err, sizeof(err)) < 0)
		fail_msg("load %s: %s", path, err);
	content_opts_init(&o, "test", path);
	content_io_label(&file, &o);
	if (content_apply(db, kind, file.records, &o, rep, err, sizeof(err)) < 0)
		fail_msg("apply %s: %s", path, err);
	content_io_release(&file);
}

static char *export_text(struct db *db, enum content_kind kind, enum content_format fmt)
{
	json_t *records = NULL;
	struct buf out;

	buf_init(&out, 64u * 1024 * 1024);
	assert_int_equal(content_export(db, kind, &records), 0);
	assert_int_equal(content_io_write(kind, records, fmt, &out, NULL), 0);
	json_decref(records);
	return buf_detach(&out, NULL);
}

static const char *save_text(struct fx *f, const char *name, const char *text)
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

/* Shipped content -> export -> another database -> export: identical, in
 * both formats and across formats. */
static void test_round_trips(void **state)
{
	struct fx *f = *state;
	static const enum content_kind kinds[] = { CONTENT_PROGRAMS, CONTENT_JOBS };
	static const char *const files[] = { "data/programs.json", "data/jobs.json" };

	for (int k = 0; k < 2; k++) {
		char *json0, *csv0, *json1, *csv1, *json2;
		struct content_report rep;

		load_file(f->db[0], kinds[k], files[k], NULL);
		json0 = export_text(f->db[0], kinds[k], CONTENT_FORMAT_JSON);
		csv0 = export_text(f->db[0], kinds[k], CONTENT_FORMAT_CSV);
		assert_memory_equal(csv0, "\xEF\xBB\xBF\"", 4);
		/* CSV into an empty database gives the same content */
		load_file(f->db[1], kinds[k], save_text(f, k ? "j.csv" : "p.csv", csv0), NULL);
		csv1 = export_text(f->db[1], kinds[k], CONTENT_FORMAT_CSV);
		json1 = export_text(f->db[1], kinds[k], CONTENT_FORMAT_JSON);
		assert_string_equal(csv0, csv1);
		assert_string_equal(json0, json1);
		/* the JSON export read back into the first database changes nothing */
		content_report_init(&rep);
		load_file(f->db[0], kinds[k], save_text(f, k ? "j.json" : "p.json", json0), &rep);
		assert_int_equal(rep.n.added + rep.n.changed + rep.n.removed, 0);
		content_report_release(&rep);
		json2 = export_text(f->db[0], kinds[k], CONTENT_FORMAT_JSON);
		assert_string_equal(json0, json2);
		free(json0);
		free(csv0);
		free(json1);
		free(csv1);
		free(json2);
	}
}

static char *digest(struct db *db)
{
	sqlite3_stmt *st;
	char *s;

	assert_int_equal(db_prepare(db, "SELECT (SELECT coalesce(group_concat(code || title_vi || version"
					" || summary_vi || needs_check, '|'), '') FROM programs) || '#' ||"
					" (SELECT count(*) FROM program_keywords) || '#' ||"
					" (SELECT count(*) FROM programs_fts) || '#' ||"
					" (SELECT count(*) FROM program_history) || '#' ||"
					" (SELECT coalesce(group_concat(code || status, '|'), '') FROM jobs)"
					" || '#' || (SELECT count(*) FROM audit)", &st), 0);
	assert_int_equal(db_step(st), DB_ROW);
	s = strdup(db_col_text(st, 0));
	sqlite3_reset(st);
	return s;
}

static void test_dry_run_and_sync(void **state)
{
	struct fx *f = *state;
	struct content_report rep;
	struct content_file file;
	struct content_opts o;
	char err[512], *before, *after;
	int64_t v = 0;

	load_file(f->db[0], CONTENT_PROGRAMS, save_text(f, "a.csv",
		"code,title_vi,summary_vi\nA,Một,một\nB,Hai,hai\nC,Ba,ba\n"), NULL);
	before = digest(f->db[0]);
	assert_int_equal(content_io_load(save_text(f, "b.csv",
		"code,title_vi,summary_vi\nA,Một,một\nB,Hai (mới),hai\nD,Bốn,bốn\n"), CONTENT_PROGRAMS,
		CONTENT_FORMAT_AUTO, &file, err, sizeof(err)), 0);
	content_opts_init(&o, "test", "b.csv");
	content_io_label(&file, &o);
	o.dry_run = 1;
	o.sync = 1;
	content_report_init(&rep);
	assert_int_equal(content_apply(f->db[0], CONTENT_PROGRAMS, file.records, &o, &rep, err,
				       sizeof(err)), 0);
	assert_int_equal(rep.n.added, 1);
	assert_int_equal(rep.n.changed, 1);
	assert_int_equal(rep.n.unchanged, 1);
	assert_int_equal(rep.n.removed, 1);
	assert_string_equal(json_string_value(json_array_get(rep.added, 0)), "D");
	assert_string_equal(json_string_value(json_array_get(rep.changed, 0)), "B");
	assert_string_equal(json_string_value(json_array_get(rep.removed, 0)), "C");
	content_report_release(&rep);
	after = digest(f->db[0]);
	assert_string_equal(before, after); /* the dry run changed nothing, not even the audit */
	free(after);
	/* without --sync C stays; with it C goes, into history */
	o.dry_run = 0;
	o.sync = 0;
	assert_int_equal(content_apply(f->db[0], CONTENT_PROGRAMS, file.records, &o, &rep, err,
				       sizeof(err)), 0);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM programs WHERE code = 'C'",
					&v), 0);
	assert_int_equal(v, 1);
	content_report_release(&rep);
	o.sync = 1;
	assert_int_equal(content_apply(f->db[0], CONTENT_PROGRAMS, file.records, &o, &rep, err,
				       sizeof(err)), 0);
	assert_int_equal(rep.n.removed, 1);
	content_report_release(&rep);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM programs WHERE code = 'C'"
					" OR rowid NOT IN (SELECT rowid FROM programs_fts)", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM program_history"
					" WHERE code = 'C' AND version = 1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM audit WHERE action ="
					" 'import programs' AND detail LIKE '%removed 1: C%'", &v), 0);
	assert_int_equal(v, 1);
	content_io_release(&file);
	free(before);
}

static void test_broken_csv_changes_nothing(void **state)
{
	static const struct {
		const char *csv;
		const char *expect;
	} cases[] = {
		{ "code,title_vi,summary_vi\nA,Một,một\nX,Latin-1 caf\xe9,x\n", "row 3, line 3: not valid UTF-8" },
		{ "code,title_vi,summary_vi\nA,Một,một\n\nX,,x\n", "row 4 (X): title_vi: is empty" },
		{ "code,title_vi,summary_vi\nA,Một,một\nA,Một,một\n",
		  "row 3 (A): code: duplicate code (also row 2)" },
		{ "code,title_vi,summary_vi,effective_from\nA,Một,một,31/12/2025\n",
		  "row 2 (A): effective_from: must be YYYY-MM-DD" },
		{ "code,title_vi,summary_vi,keywords\nA,Một,một,bhyt; BHYT\n", "row 2 (A): keywords" },
		{ "code,title_vi,summary_vi\na b,Một,một\n", "row 2 (a b): code: must be" },
	};
	struct fx *f = *state;
	struct content_file file;
	struct content_opts o;
	char err[512], *before, *after;

	load_file(f->db[0], CONTENT_PROGRAMS, "data/programs.json", NULL);
	before = digest(f->db[0]);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		err[0] = '\0';
		r = content_io_load(save_text(f, "bad.csv", cases[i].csv), CONTENT_PROGRAMS,
				    CONTENT_FORMAT_AUTO, &file, err, sizeof(err));
		if (r == 0) {
			content_opts_init(&o, "test", "bad.csv");
			content_io_label(&file, &o);
			r = content_apply(f->db[0], CONTENT_PROGRAMS, file.records, &o, NULL, err,
					  sizeof(err));
			content_io_release(&file);
		}
		assert_true(r < 0);
		if (!strstr(err, cases[i].expect))
			fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].expect);
		after = digest(f->db[0]);
		assert_string_equal(before, after);
		free(after);
		assert_false(db_in_tx(f->db[0]));
	}
	free(before);
}

static int save_one(struct db *db, json_t *rec, int expect_version, char *err, size_t errsz)
{
	json_t *records = json_pack("[O]", rec);
	struct content_opts o;
	int r;

	content_opts_init(&o, "cli:test", "form");
	o.action = "program edit";
	o.expect_version = expect_version;
	r = content_apply(db, CONTENT_PROGRAMS, records, &o, NULL, err, errsz);
	json_decref(records);
	return r;
}

static void test_history_revert_and_versions(void **state)
{
	struct fx *f = *state;
	json_t *rec = NULL, *v1 = NULL, *old = NULL;
	char err[512];
	int version = 0;

	rec = json_pack("{s:s, s:s, s:s, s:s}", "code", "BHYT", "title_vi", "Thẻ BHYT",
			"summary_vi", "Bản 1", "caveat", "cần kiểm tra");
	assert_int_equal(save_one(f->db[0], rec, -1, err, sizeof(err)), 0);
	assert_int_equal(save_one(f->db[0], rec, -1, err, sizeof(err)), GW_ERR_EXISTS);
	assert_non_null(strstr(err, "already exists"));
	assert_int_equal(content_programs_get(f->db[0], "BHYT", &v1, &version), 0);
	assert_int_equal(version, 1);
	assert_true(json_is_true(json_object_get(v1, "needs_check")));
	/* version 2: explicitly checked although the caveat stays */
	json_object_set_new(rec, "summary_vi", json_string("Bản 2"));
	json_object_set_new(rec, "needs_check", json_false());
	assert_int_equal(save_one(f->db[0], rec, 1, err, sizeof(err)), 0);
	/* an editor that started from version 1 is refused: someone saved 2 */
	json_object_set_new(rec, "summary_vi", json_string("Bản 3 từ bản cũ"));
	assert_int_equal(save_one(f->db[0], rec, 1, err, sizeof(err)), GW_ERR_BUSY);
	assert_non_null(strstr(err, "changed by someone else"));
	/* remove, then revert to 1: a new version 3 equal to version 1 */
	assert_int_equal(db_begin(f->db[0]), 0);
	assert_int_equal(content_programs_remove(f->db[0], "BHYT", "cli:test", 100), 0);
	assert_int_equal(db_commit(f->db[0]), 0);
	assert_int_equal(content_programs_get(f->db[0], "BHYT", &old, &version), GW_ERR_NOTFOUND);
	assert_int_equal(content_programs_version(f->db[0], "BHYT", 2, &old), 0);
	assert_string_equal(json_string_value(json_object_get(old, "summary_vi")), "Bản 2");
	assert_true(json_is_false(json_object_get(old, "needs_check")));
	json_decref(old);
	assert_int_equal(content_programs_version(f->db[0], "BHYT", 1, &old), 0);
	assert_int_equal(save_one(f->db[0], old, 0, err, sizeof(err)), 0);
	json_decref(old);
	assert_int_equal(content_programs_get(f->db[0], "BHYT", &old, &version), 0);
	assert_int_equal(version, 3);
	assert_true(json_equal(old, v1));
	json_decref(old);
	json_decref(v1);
	json_decref(rec);
}

static void test_form_round_trip(void **state)
{
	struct fx *f = *state;
	json_t *rec = NULL, *parsed = NULL, *canon;
	struct buf form;
	char err[256];
	int version = 0;

	load_file(f->db[0], CONTENT_PROGRAMS, "data/programs.json", NULL);
	buf_init(&form, 1024 * 1024);
	assert_int_equal(content_programs_get(f->db[0], "VAY-NGHEO", &rec, &version), 0);
	json_object_set_new(rec, "details_vi", json_string("# not a comment here\n\n== nor a heading =="
							   "\n  indented"));
	json_object_set_new(rec, "effective_from", json_string("2025-07-01"));
	assert_int_equal(program_form_write(rec, "Program VAY-NGHEO", &form), 0);
	assert_int_equal(program_form_parse(form.data, form.len, &parsed, err, sizeof(err)), 0);
	canon = content_programs_canonical(parsed);
	assert_true(json_equal(canon, rec));
	json_decref(canon);
	json_decref(parsed);
	assert_int_equal(program_form_parse("# only comments\n\n", 17, &parsed, err, sizeof(err)),
			 GW_ERR_EMPTY);
	assert_true(program_form_parse("code: A\nsumary_vi: x\n", 21, &parsed, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "line 2: unknown field 'sumary_vi'"));
	assert_true(program_form_parse("code: A\ncode: B\n", 16, &parsed, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "line 2: 'code' given twice"));
	json_decref(rec);
	buf_release(&form);
}

/* privacy.retain_days: old inbound texts are blanked, recent ones kept,
 * counts and intents stay; the CLI's batches do the same. */
static void test_privacy_purge(void **state)
{
	struct fx *f = *state;
	struct housekeep_counts c;
	struct gw_settings cfg;
	time_t now = 1800000000;
	int64_t v = 0, pending = 0;
	int n = 0;

	settings_defaults(&cfg);
	cfg.privacy.retain_days = 180;
	for (int i = 0; i < 5; i++) {
		sqlite3_stmt *st;
		int old = i < 3;

		assert_int_equal(db_prepare(f->db[0], "INSERT INTO inbox (sender, text, sent_at, stored_at,"
						" status, intent) VALUES ('+84901234567', 'thu nhap 1 trieu',"
						" ?1, ?1, 'handled', 'policy')", &st), 0);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - (old ? 181 : 179) * 86400 - i));
		assert_int_equal(db_step(st), DB_DONE);
		assert_int_equal(db_prepare(f->db[0], "INSERT INTO inbox_parts (sender, ref, total, seq,"
						" sent_at, text, fingerprint, stored_at, inbox_id)"
						" VALUES ('+84901234567', 0, 1, 1, ?1, 'thu nhap 1 trieu', ?2,"
						" ?1, last_insert_rowid())", &st), 0);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - (old ? 181 : 179) * 86400 - i));
		sqlite3_bind_int(st, 2, i);
		assert_int_equal(db_step(st), DB_DONE);
	}
	/* delivery reports older than the retention go with the texts */
	for (int i = 0; i < 2; i++)
		assert_int_equal(db_run(f->db[0], "INSERT INTO delivery_reports (phone, mr, status, state,"
					" received_at, fingerprint) VALUES ('+84901234567', ?, 0, 'delivered',"
					" ?, ?)", DB_ARGS(DB_INT(i), DB_INT(now - (i ? 181 : 179) * 86400),
							  DB_INT(i))), 0);
	assert_int_equal(housekeep_purge_pending(f->db[0], 180, now, &pending), 0);
	assert_int_equal(pending, 3);
	assert_int_equal(housekeep_purge(f->db[0], &cfg, now, &c), 0);
	assert_int_equal(c.texts_purged, 3);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM delivery_reports WHERE mr = 0",
					&v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM delivery_reports", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM inbox WHERE text = ''", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM inbox_parts WHERE text = ''",
					&v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM inbox WHERE intent = 'policy'",
					&v), 0);
	assert_int_equal(v, 5);
	/* again: nothing left to do */
	assert_int_equal(housekeep_purge(f->db[0], &cfg, now, &c), 0);
	assert_int_equal(c.texts_purged, 0);
	/* the CLI's batches, with a shorter retention: the other two, 1 a batch */
	assert_int_equal(housekeep_purge_batch(f->db[0], 30, now, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(housekeep_purge_batch(f->db[0], 30, now, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(housekeep_purge_batch(f->db[0], 30, now, 1, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_query_int64(f->db[0], "SELECT count(*) FROM inbox_parts WHERE text <> ''",
					&v), 0);
	assert_int_equal(v, 0);
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	char dest[160];
	struct db *copy = NULL;
	int64_t v = 0;

	load_file(f->db[0], CONTENT_PROGRAMS, "data/programs.json", NULL);
	snprintf(dest, sizeof(dest), "%s/backup.db", f->fx.dir);
	assert_int_equal(db_backup(f->db[0], dest), 0);
	assert_int_equal(db_open(&copy, dest, 1000), 0);
	assert_int_equal(db_query_int64(copy, "SELECT count(*) FROM programs", &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(db_query_int64(copy, "PRAGMA user_version", &v), 0);
	assert_int_equal(v, store_schema_version());
	db_close(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_and_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_csv_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_revert_and_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_privacy_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	};
	return cmocka_run_group_tests_name("admin", tests, NULL, NULL);
}
