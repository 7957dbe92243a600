/* test_lexicon.c - the shipped lexicon loaded again over an administrator's
 * changes (handlers/understand/lexicon.h), on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/gw_err.h"

struct fx {
	struct fixture fx;
	struct db *db;
	char v1[1200], v2[1200]; /* two versions of a small lexicon file */
};

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static const char V1[] =
	"{\"commands\": ["
	" {\"name\": \"HELP\", \"intent\": \"help\", \"aliases\": {\"vi\": [\"hd\", \"huong dan\"]}},"
	" {\"name\": \"STOP\", \"intent\": \"stop\", \"aliases\": {\"vi\": [\"huy\", \"tu choi\"]}}],"
	" \"cues\": [{\"intent\": \"help\", \"weight\": 2, \"cues\": [\"giup toi\", \"cu cu\"]}]}";

/* The next release: a new command and alias, a shipped alias dropped
 * ("tu choi"), one cue gone ("cu cu"), one new. */
static const char V2[] =
	"{\"commands\": ["
	" {\"name\": \"HELP\", \"intent\": \"help\", \"aliases\": {\"vi\": [\"hd\", \"huong dan\", \"tro giup\"]}},"
	" {\"name\": \"STOP\", \"intent\": \"stop\", \"aliases\": {\"vi\": [\"huy\", \"dung\"]}},"
	" {\"name\": \"JOBS\", \"intent\": \"jobs\", \"aliases\": {\"vi\": [\"viec\", \"dung lai\"]}}],"
	" \"cues\": [{\"intent\": \"help\", \"weight\": 2, \"cues\": [\"giup toi\", \"moi\"]}]}";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->db = fixture_open(&f->fx, "gwlex", 0, 0);
	snprintf(f->v1, sizeof(f->v1), "%s/v1.json", f->fx.dir);
	snprintf(f->v2, sizeof(f->v2), "%s/v2.json", f->fx.dir);
	write_file(f->v1, V1);
	write_file(f->v2, V2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	remove(f->v1);
	remove(f->v2);
	fixture_close(&f->fx, f->db);
	free(f);
	return 0;
}

static const char *owner(struct db *db, const char *alias, char *out, size_t outsz)
{
	sqlite3_stmt *st;
	int r = db_row(db, "SELECT command || '/' || origin FROM command_aliases WHERE alias = ?",
		       DB_ARGS(DB_TEXT(alias)), &st);

	if (r == GW_ERR_NOTFOUND)
		return "";
	assert_int_equal(r, 0);
	snprintf(out, outsz, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return out;
}

static void test_reload_keeps_admin_changes(void **state)
{
	struct fx *f = *state;
	struct lexicon_counts c;
	char err[256], o[64];

	assert_int_equal(lexicon_load(f->db, f->v1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.aliases, 4);
	assert_int_equal(c.cues, 2);
	assert_int_equal(c.kept + c.dropped, 0);
	/* the administrator: a word of their own, a shipped one taken away,
	 * and a word the next release gives JOBS given to STOP first */
	assert_int_equal(lexicon_add_alias(f->db, "HELP", "cuu voi", "vi", err, sizeof(err)), 0);
	assert_int_equal(lexicon_remove_alias(f->db, "huong dan"), 0);
	assert_int_equal(lexicon_add_alias(f->db, "STOP", "dung lai", "vi", err, sizeof(err)), 0);

	/* the same file again changes nothing of theirs */
	assert_int_equal(lexicon_load(f->db, f->v1, &c, err, sizeof(err)), 0);
	assert_string_equal(owner(f->db, "cuu voi", o, sizeof(o)), "HELP/admin");
	assert_string_equal(owner(f->db, "huong dan", o, sizeof(o)), "");
	assert_int_equal(c.kept, 1);

	/* the upgrade */
	assert_int_equal(lexicon_load(f->db, f->v2, &c, err, sizeof(err)), 0);
	assert_string_equal(owner(f->db, "tro giup", o, sizeof(o)), "HELP/shipped");
	assert_string_equal(owner(f->db, "viec", o, sizeof(o)), "JOBS/shipped");
	assert_string_equal(owner(f->db, "dung", o, sizeof(o)), "STOP/shipped");
	assert_string_equal(owner(f->db, "tu choi", o, sizeof(o)), "");      /* dropped */
	assert_string_equal(owner(f->db, "huong dan", o, sizeof(o)), "");    /* still removed */
	assert_string_equal(owner(f->db, "dung lai", o, sizeof(o)), "STOP/admin");
	assert_string_equal(owner(f->db, "cuu voi", o, sizeof(o)), "HELP/admin");
	assert_int_equal(c.kept, 2);
	assert_int_equal(c.dropped, 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM commands WHERE name = 'JOBS'"), 1);
	/* cues follow the file */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM intent_cues"), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM intent_cues WHERE cue = 'moi'"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM intent_cues WHERE cue = 'cu cu'"), 0);

	/* adding a removed word again is the administrator's to do */
	assert_int_equal(lexicon_add_alias(f->db, "HELP", "huong dan", "vi", err, sizeof(err)), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM command_aliases_removed"), 0);
}

static void test_file_conflicts_refused(void **state)
{
	struct fx *f = *state;
	char err[256];

	write_file(f->v2, "{\"commands\": ["
			  " {\"name\": \"A\", \"intent\": \"help\", \"aliases\": {\"vi\": [\"x\"]}},"
			  " {\"name\": \"B\", \"intent\": \"stop\", \"aliases\": {\"vi\": [\"X\"]}}]}");
	assert_int_equal(lexicon_load(f->db, f->v1, NULL, err, sizeof(err)), 0);
	assert_int_equal(lexicon_load(f->db, f->v2, NULL, err, sizeof(err)), GW_ERR_EXISTS);
	assert_non_null(strstr(err, "already belongs to A"));
	/* nothing of the broken file stayed */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM commands WHERE name IN ('A', 'B')"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM intent_cues"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_keeps_admin_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_conflicts_refused, setup, teardown),
	};
	return cmocka_run_group_tests_name("lexicon", tests, NULL, NULL);
}
