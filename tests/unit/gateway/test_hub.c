/* Unit tests: gateway/hub - a hub's bundle built, published, pulled and
 * applied: what is shared is replaced, what is the commune's own stays,
 * a bad signature, a cut file, an older or equal version and a refused
 * record change nothing. Real SQLite files (a hub and a box), real files
 * in a folder, pulled through libcurl with file:// URLs (the HTTP side is
 * tests/integration/test_hub.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "common/gw_err.h"
#include "common/signing.h"
#include "gateway/hub/hub_bundle.h"
#include "gateway/hub/hub_publish.h"
#include "gateway/hub/hub_state.h"
#include "gateway/hub/hub_sync.h"
#include "handlers/features/jobs.h"
#include "handlers/features/jobs_board.h"

/* the rules' version, as SQL text */
#define DERIVED_S(v) #v
#define DERIVED_(v) DERIVED_S(v)
#define DERIVED DERIVED_(JOBS_BOARD_DERIVED)

#define NOW 1799982000

struct fx {
	struct fixture fx;
	struct db *hub, *box;
	char pub[SIGNING_PUBLIC_B64];
	struct signing_key key;
	char dir[128], url[160];
};

static void exec(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
}

static int64_t q(struct db *db, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(db_query_int64(db, sql, &v), 0);
	return v;
}

/* Everything a pull may change, as one text: equal before and after a
 * refused pull. */
static void content_of(struct db *db, struct buf *out)
{
	sqlite3_stmt *st;

	buf_reset(out);
	assert_int_equal(db_prepare(db, "SELECT (SELECT group_concat(code || version || summary_vi, '|')"
					" FROM programs) || '#' || (SELECT group_concat(code || status || hub"
					" || title, '|') FROM jobs) || '#' || (SELECT count(*) FROM commands)"
					" || (SELECT count(*) FROM command_aliases) || '#' ||"
					" (SELECT group_concat(day || kind, '|') FROM calendar_days) || '#' ||"
					" (SELECT version FROM sync_state) || (SELECT count(*) FROM audit)", &st), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(buf_adds(out, db_col_text(st, 0)), 0);
	sqlite3_reset(st);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char keyfile[192];
	struct jobs_new nj;
	int64_t id;

	f->hub = fixture_open(&f->fx, "gwhub", 1000,
			      FIXTURE_LEXICON | FIXTURE_PROGRAMS | FIXTURE_JOBS | FIXTURE_DIALOGS);
	exec(f->hub, "INSERT INTO calendar_days (day, kind, note) VALUES ('2027-01-01', 'holiday',"
		     " 'Tết Dương lịch'), ('2027-04-30', 'holiday', 'Giải phóng'), ('2027-05-01',"
		     " 'holiday', 'Quốc tế lao động')");
	/* the box: its own words and menus as init loads them, and its own things */
	f->box = fixture_store(&f->fx, "box.db", 1000);
	fixture_load(f->box, FIXTURE_LEXICON | FIXTURE_DIALOGS);
	memset(&nj, 0, sizeof(nj));
	nj.code_prefix = "CLI";
	nj.title = "Phụ hồ xây nhà văn hoá xã";
	nj.place = "Tân Lập, Sông Lô";
	assert_int_equal(jobs_create(f->box, &nj, "cli:test", NOW, &id), 0);
	nj.code = "JOB-VP-003"; /* a code the hub's offers have too */
	nj.title = "Tổ may của xã";
	assert_int_equal(jobs_create(f->box, &nj, "cli:test", NOW, &id), 0);
	exec(f->box, "INSERT INTO calendar_days (day, kind, note) VALUES ('2027-04-30', 'closed',"
		     " 'Họp dân'); DELETE FROM office_hours WHERE weekday = 5");
	snprintf(keyfile, sizeof(keyfile), "%s/hub.key", f->fx.dir);
	assert_int_equal(signing_keygen(keyfile, f->pub), 0);
	assert_int_equal(signing_load(keyfile, &f->key), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/pub", f->fx.dir);
	assert_int_equal(mkdir(f->dir, 0755), 0);
	snprintf(f->url, sizeof(f->url), "file://%s", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	signing_forget(&f->key);
	db_close(f->box);
	fixture_close(&f->fx, f->hub);
	free(f);
	return 0;
}

static int publish(struct fx *f, int64_t *version)
{
	struct hub_published p;
	char err[512] = "";
	int r = hub_publish(f->hub, f->dir, &f->key, "cli:hub", NOW, &p, err, sizeof(err));

	if (r == 0 && version)
		*version = p.version;
	if (r < 0)
		print_message("publish: %s\n", err);
	return r;
}

static int pull(struct fx *f, struct hub_pull_result *res, char *err, size_t errsz)
{
	struct hub_pull p = { f->url, f->pub, 30, "sync:test" };

	return hub_sync_pull(f->box, &p, NOW, res, err, errsz);
}

/* The first pull: the hub's content, the box's own kept. */
static void test_pull_applies_and_keeps_local(void **state)
{
	struct fx *f = *state;
	struct hub_pull_result res;
	struct hub_state st;
	char err[512] = "";
	int64_t v = 0;

	assert_int_equal(publish(f, &v), 0);
	assert_int_equal(v, 1);
	if (pull(f, &res, err, sizeof(err)) != 0)
		fail_msg("pull: %s", err);
	assert_int_equal(res.applied, 1);
	assert_int_equal(res.version, 1);
	assert_int_equal(q(f->box, "SELECT count(*) FROM programs"), 30);
	/* the hub's offers, marked; the box's two stay its own */
	assert_int_equal(q(f->box, "SELECT count(*) FROM jobs WHERE hub = 1"), 14);
	assert_int_equal(res.rep.jobs.kept, 1);
	assert_int_equal(q(f->box, "SELECT count(*) FROM jobs WHERE hub = 0 AND status = 'open'"
				   " AND (code LIKE 'JOB-CLI-%' OR title = 'Tổ may của xã')"), 2);
	/* tables replaced; the box's closed day wins over the hub's holiday */
	assert_int_equal(q(f->box, "SELECT count(*) FROM commands"), q(f->hub, "SELECT count(*) FROM commands"));
	assert_int_equal(q(f->box, "SELECT count(*) FROM calendar_days WHERE kind = 'holiday'"), 2);
	assert_int_equal(q(f->box, "SELECT count(*) FROM calendar_days WHERE day = '2027-04-30'"
				   " AND kind = 'closed'"), 1);
	assert_int_equal(q(f->box, "SELECT count(*) FROM office_hours WHERE weekday = 5"), 0);
	/* recorded, audited as sync:<url>, the board ready */
	assert_int_equal(hub_state_get(f->box, &st), 0);
	assert_int_equal(st.version, 1);
	assert_true(st.pull_ok);
	assert_int_equal(st.published_at, NOW);
	assert_int_equal(q(f->box, "SELECT count(*) FROM audit WHERE actor = 'sync:test' AND action IN"
				   " ('sync', 'sync programs', 'sync jobs')"), 3);
	assert_int_equal(q(f->box, "SELECT count(*) FROM jobs WHERE derived <> " DERIVED), 0);
	assert_int_equal(q(f->hub, "SELECT published FROM sync_state"), 1);
	/* nothing new: nothing done, a good pull recorded */
	assert_int_equal(pull(f, &res, err, sizeof(err)), 0);
	assert_int_equal(res.applied, 0);
	assert_int_equal(res.version, 1);
}

/* A change at the hub reaches the box: edits with history, removals,
 * closed offers; the box's offers untouched. */
static void test_changes_follow(void **state)
{
	struct fx *f = *state;
	struct hub_pull_result res;
	char err[512] = "";

	assert_int_equal(publish(f, NULL), 0);
	assert_int_equal(pull(f, &res, err, sizeof(err)), 0);
	exec(f->hub, "UPDATE programs SET summary_vi = 'Lãi suất mới 6,6%/năm.' WHERE code = 'VAY-NGHEO';"
		     " DELETE FROM programs WHERE code = 'BHYT-CN';"
		     " UPDATE jobs SET status = 'closed' WHERE code = 'JOB-VP-001';"
		     " DELETE FROM command_aliases WHERE rowid IN (SELECT rowid FROM command_aliases LIMIT 1)");
	assert_int_equal(publish(f, NULL), 0);
	if (pull(f, &res, err, sizeof(err)) != 0)
		fail_msg("pull: %s", err);
	assert_int_equal(res.version, 2);
	assert_int_equal(q(f->box, "SELECT count(*) FROM programs WHERE code = 'VAY-NGHEO' AND version = 2"
				   " AND summary_vi LIKE 'Lãi suất mới%'"), 1);
	assert_int_equal(q(f->box, "SELECT count(*) FROM program_history WHERE code = 'VAY-NGHEO'"), 1);
	assert_int_equal(q(f->box, "SELECT count(*) FROM programs WHERE code = 'BHYT-CN'"), 0);
	assert_int_equal(q(f->box, "SELECT count(*) FROM program_history WHERE code = 'BHYT-CN'"), 1);
	assert_int_equal(q(f->box, "SELECT count(*) FROM jobs WHERE code = 'JOB-VP-001' AND status = 'closed'"), 1);
	assert_int_equal(q(f->box, "SELECT count(*) FROM jobs WHERE hub = 0 AND status = 'open'"), 2);
	assert_int_equal(q(f->box, "SELECT count(*) FROM command_aliases"),
			 q(f->hub, "SELECT count(*) FROM command_aliases"));
	assert_int_equal(res.rep.programs.changed, 1);
	assert_int_equal(res.rep.programs.removed, 1);
	assert_int_equal(res.rep.jobs.removed, 1);
}

static void corrupt(const char *path, long at, int truncate_to_half)
{
	FILE *f = fopen(path, "r+");
	struct stat st;
	int c;

	assert_non_null(f);
	assert_int_equal(stat(path, &st), 0);
	if (truncate_to_half) {
		fclose(f);
		assert_int_equal(truncate(path, st.st_size / 2), 0);
		return;
	}
	assert_int_equal(fseek(f, at < 0 ? st.st_size + at : at, SEEK_SET), 0);
	c = fgetc(f);
	assert_int_equal(fseek(f, -1, SEEK_CUR), 0);
	fputc(c == 'a' ? 'b' : 'a', f);
	fclose(f);
}

/* Tampered, cut, older, equal, unreachable, another key: nothing changes
 * but the record of the pull, and err says what. */
static void test_refusals_change_nothing(void **state)
{
	struct fx *f = *state;
	struct hub_pull_result res;
	struct hub_state st;
	struct buf before, after, path, old;
	char err[512];
	int64_t v = 0;

	buf_init(&before, 1 << 20);
	buf_init(&after, 1 << 20);
	buf_init(&path, 512);
	buf_init(&old, 4096);
	assert_int_equal(publish(f, NULL), 0);
	assert_int_equal(pull(f, &res, err, sizeof(err)), 0);
	{ /* keep version 1's pointer, to offer it again later */
		FILE *o;
		char data[4096];
		size_t n;

		assert_int_equal(buf_addf(&path, "%s/latest", f->dir), 0);
		o = fopen(path.data, "r");
		n = fread(data, 1, sizeof(data), o);
		fclose(o);
		assert_int_equal(buf_add(&old, data, n), 0);
	}
	exec(f->hub, "UPDATE programs SET summary_vi = 'Đổi.' WHERE code = 'BHYT'");
	content_of(f->box, &before);

	/* a byte changed in the bundle */
	assert_int_equal(publish(f, &v), 0);
	buf_reset(&path);
	assert_int_equal(buf_addf(&path, "%s/bundle-%lld.json", f->dir, (long long)v), 0);
	corrupt(path.data, 200, 0);
	assert_int_equal(pull(f, &res, err, sizeof(err)), GW_ERR_AUTH);
	assert_non_null(strstr(err, "signature does not match"));
	content_of(f->box, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(hub_state_get(f->box, &st), 0);
	assert_false(st.pull_ok);
	assert_non_null(strstr(st.pull_error, "signature"));

	/* cut in half (a copy to a USB stick that did not finish) */
	assert_int_equal(publish(f, &v), 0);
	buf_reset(&path);
	assert_int_equal(buf_addf(&path, "%s/bundle-%lld.json", f->dir, (long long)v), 0);
	corrupt(path.data, 0, 1);
	assert_int_equal(pull(f, &res, err, sizeof(err)), GW_ERR_AUTH);
	content_of(f->box, &after);
	assert_string_equal(before.data, after.data);

	/* the pointer changed to name another version */
	buf_reset(&path);
	assert_int_equal(buf_addf(&path, "%s/latest", f->dir), 0);
	corrupt(path.data, 16, 0);
	assert_int_equal(pull(f, &res, err, sizeof(err)), GW_ERR_AUTH);
	assert_non_null(strstr(err, "latest"));

	/* an older version offered again (its pointer is genuine) */
	{
		FILE *o = fopen(path.data, "w");

		fwrite(old.data, 1, old.len, o);
		fclose(o);
	}
	exec(f->box, "UPDATE sync_state SET version = 2");
	content_of(f->box, &before);
	assert_int_equal(pull(f, &res, err, sizeof(err)), GW_ERR_EXISTS);
	assert_non_null(strstr(err, "older"));
	content_of(f->box, &after);
	assert_string_equal(before.data, after.data);

	/* another hub's key */
	{
		char other[192], pub[SIGNING_PUBLIC_B64];

		snprintf(other, sizeof(other), "%s/other.key", f->fx.dir);
		assert_int_equal(signing_keygen(other, pub), 0);
		memcpy(f->pub, pub, sizeof(pub));
	}
	assert_int_equal(publish(f, NULL), 0);
	assert_int_equal(pull(f, &res, err, sizeof(err)), GW_ERR_AUTH);
	content_of(f->box, &after);
	assert_string_equal(before.data, after.data);

	/* nobody there */
	snprintf(f->url, sizeof(f->url), "file://%s/nowhere", f->fx.dir);
	assert_int_equal(pull(f, &res, err, sizeof(err)), GW_ERR_IO);
	content_of(f->box, &after);
	assert_string_equal(before.data, after.data);
	buf_release(&before);
	buf_release(&after);
	buf_release(&path);
	buf_release(&old);
}

/* A bundle the box refuses half-way (a record fails its checks) rolls
 * everything back; an equal version inside the bundle is refused. */
static void test_apply_is_all_or_nothing(void **state)
{
	struct fx *f = *state;
	struct hub_bundle b;
	struct hub_report rep;
	struct buf text, before, after;
	char err[512];
	int64_t current = 0;

	buf_init(&text, HUB_BUNDLE_MAX);
	buf_init(&before, 1 << 20);
	buf_init(&after, 1 << 20);
	assert_int_equal(hub_bundle_build(f->hub, 5, NOW, &text, err, sizeof(err)), 0);
	assert_int_equal(hub_bundle_parse(text.data, text.len, &b, err, sizeof(err)), 0);
	/* the last programme loses its title: the programmes before it were written */
	json_object_del(json_array_get(b.programs, json_array_size(b.programs) - 1), "title_vi");
	content_of(f->box, &before);
	assert_int_equal(db_begin(f->box), 0);
	assert_true(hub_bundle_apply(f->box, &b, "sync:test", "file:///x", NOW, &rep, &current, err,
				     sizeof(err)) < 0);
	db_rollback(f->box);
	assert_non_null(strstr(err, "title_vi"));
	content_of(f->box, &after);
	assert_string_equal(before.data, after.data);
	hub_bundle_release(&b);
	/* not above the version here */
	exec(f->box, "UPDATE sync_state SET version = 5");
	assert_int_equal(hub_bundle_parse(text.data, text.len, &b, err, sizeof(err)), 0);
	assert_int_equal(db_begin(f->box), 0);
	assert_int_equal(hub_bundle_apply(f->box, &b, "sync:test", "file:///x", NOW, &rep, &current, err,
					  sizeof(err)), GW_ERR_EXISTS);
	db_rollback(f->box);
	assert_int_equal(current, 5);
	hub_bundle_release(&b);
	buf_release(&text);
	buf_release(&before);
	buf_release(&after);
}

/* What the parser refuses, before anything is written. */
static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{\"format\":\"other\"}",
		"{\"format\":\"gateway-content\",\"format_version\":2,\"version\":1}",
		"{\"format\":\"gateway-content\",\"format_version\":1,\"version\":0,\"programs\":[],"
		"\"jobs\":[],\"tables\":{}}",
		"{\"format\":\"gateway-content\",\"format_version\":1,\"version\":1,\"programs\":[],"
		"\"jobs\":[],\"tables\":{}}",
	};
	struct fx *f = *state;
	struct hub_bundle b;
	struct buf text;
	char err[512];
	json_t *t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hub_bundle_parse(bad[i], strlen(bad[i]), &b, err, sizeof(err)), GW_ERR_INVAL);
	buf_init(&text, HUB_BUNDLE_MAX);
	assert_int_equal(hub_bundle_build(f->hub, 1, NOW, &text, err, sizeof(err)), 0);
	/* a table no hub shares, a column of the wrong type, a missing one */
	for (int k = 0; k < 3; k++) {
		char *s;

		assert_int_equal(hub_bundle_parse(text.data, text.len, &b, err, sizeof(err)), 0);
		t = json_object_get(b.tables, "commands");
		if (k == 0) {
			json_object_del(b.tables, "holidays");
			json_object_set_new(b.tables, "officers", json_array());
		}
		else if (k == 1)
			json_object_set_new(json_array_get(t, 0), "officer_only", json_string("yes"));
		else
			json_object_del(json_array_get(t, 0), "intent");
		s = json_dumps(b.root, JSON_COMPACT);
		hub_bundle_release(&b);
		if (hub_bundle_parse(s, strlen(s), &b, err, sizeof(err)) != GW_ERR_INVAL)
			fail_msg("case %d accepted", k);
		assert_non_null(strstr(err, k == 0 ? "officers" : "commands"));
		free(s);
	}
	buf_release(&text);
}

/* Versions only grow, whatever is in the folder. */
static void test_versions_grow(void **state)
{
	struct fx *f = *state;
	char path[256];
	int64_t v = 0;

	assert_int_equal(publish(f, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(publish(f, &v), 0);
	assert_int_equal(v, 2);
	/* the folder emptied: the database remembers */
	snprintf(path, sizeof(path), "%s/latest", f->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(publish(f, &v), 0);
	assert_int_equal(v, 3);
	/* a folder further on than the database (another copy published there) */
	exec(f->hub, "UPDATE sync_state SET published = 0");
	assert_int_equal(publish(f, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(q(f->hub, "SELECT count(*) FROM audit WHERE action = 'hub publish'"), 4);
}

/* Publishing reads the content without the write lock; when the record
 * cannot be written after the files are out, it says so and the next
 * publish still goes higher, from the folder. */
static void test_publish_record_refused(void **state)
{
	struct fx *f = *state;
	struct hub_published p;
	struct db *other = NULL;
	char err[512] = "", path[256];
	int64_t v = 0;

	assert_int_equal(publish(f, &v), 0);
	assert_int_equal(v, 1);
	/* another writer (the daemon) holds the write lock throughout */
	assert_int_equal(db_open(&other, f->fx.path, 0), 0);
	assert_int_equal(db_begin(other), 0);
	assert_true(hub_publish(f->hub, f->dir, &f->key, "cli:hub", NOW, &p, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "version 2 written"));
	assert_non_null(strstr(err, "not recorded"));
	snprintf(path, sizeof(path), "%s/bundle-2.json.sig", f->dir);
	assert_int_equal(access(path, R_OK), 0);
	db_rollback(other);
	db_close(other);
	assert_int_equal(q(f->hub, "SELECT published FROM sync_state"), 1);
	assert_int_equal(publish(f, &v), 0);
	assert_int_equal(v, 3);
	/* a late record of a lower version never lowers the mark */
	assert_int_equal(db_begin(f->hub), 0);
	assert_int_equal(hub_state_published(f->hub, 2), 0);
	assert_int_equal(db_commit(f->hub), 0);
	assert_int_equal(q(f->hub, "SELECT published FROM sync_state"), 3);
}

/* The commune's next offer never takes a code a hub's offer has. */
static void test_local_codes_skip_hub_codes(void **state)
{
	struct fx *f = *state;
	struct jobs_new nj;
	struct job j;
	int64_t id = 0;

	/* a hub offer whose code is what the box would give its next one */
	exec(f->box, "INSERT INTO jobs (id, code, title, hub, created_at, updated_at)"
		     " VALUES (100, 'JOB-SMS-101', 'Của tỉnh', 1, 1, 1)");
	memset(&nj, 0, sizeof(nj));
	nj.code_prefix = "SMS";
	nj.title = "Việc của xã";
	assert_int_equal(jobs_create(f->box, &nj, "+84912000001", NOW, &id), 0);
	assert_int_equal(id, 102);
	assert_int_equal(jobs_get(f->box, id, &j), 0);
	assert_string_equal(j.code, "JOB-SMS-102");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pull_applies_and_keeps_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_is_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions_grow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_record_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_codes_skip_hub_codes, setup, teardown),
	};

	return cmocka_run_group_tests_name("hub", tests, NULL, NULL);
}
