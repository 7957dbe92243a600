/* test_progsearch_many.c - the right programme among thousands.
 *
 * A real database file with PS_MANY generated programmes that share the
 * everyday words of the questions ("ho tro", "ho ngheo", "tro cap", half
 * of them "tien dien" too), imported before one real programme
 * (TIEN-DIEN from data/programs.json), so the real one comes last in every
 * table and index. Its questions must still find it: named by a phrase
 * the others lack, tied with 1,500 others on a phrase and told apart by
 * FTS5, and named by no phrase at all (FTS5 alone). The search used to
 * keep the first 128 programmes it met and lose the rest. Correctness
 * only: nothing here is timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "config/settings.h"
#include "gateway/content/content.h"
#include "handlers/handler.h"
#include "handlers/understand/progsearch.h"
#include "handlers/vi/normalize.h"

#define PS_MANY 3000
#define PS_REAL "TIEN-DIEN"

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
	struct handler_env env;
};

static void apply(struct db *db, json_t *recs)
{
	struct content_opts o;
	char err[512] = "";

	content_opts_init(&o, "test", "generated");
	if (content_apply(db, CONTENT_PROGRAMS, recs, &o, NULL, err, sizeof(err)) != 0)
		fail_msg("import: %s", err);
	json_decref(recs);
}

/* Programme i: everyday words of the questions, none of the real one's
 * other words, a code and keyword of its own, and two phrases that start
 * with a question's word but do not match (the old search met those
 * first, alphabetically, and filled its 128 slots with them). */
static json_t *generated(int i)
{
	char code[32], title[64], own[32];

	snprintf(code, sizeof(code), "GEN-%05d", i);
	snprintf(title, sizeof(title), "Chương trình mẫu số %d", i);
	snprintf(own, sizeof(own), "ma mau %d", i);
	return json_pack("{s:s, s:s, s:s, s:[s, s, s, s, s, s, s*]}", "code", code, "title_vi", title,
			 "summary_vi", "Chương trình mẫu để thử tìm kiếm giữa nhiều chương trình.",
			 "keywords", "ho tro", "ho ngheo", "tro cap", "bo doi xuat ngu", "dau tu", own,
			 i % 2 ? NULL : "tien dien");
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[512], err[512];
	json_t *many, *real = NULL, *all = NULL, *rec;
	size_t i;

	assert_non_null(f);
	log_setup("test", LOG_LVL_ERROR, 0, 0);
	f->db = fixture_open(&f->fx, "gw-psmany", 1000, FIXTURE_LEXICON);
	assert_non_null(many = json_array());
	for (int k = 0; k < PS_MANY; k++)
		assert_int_equal(json_array_append_new(many, generated(k)), 0);
	apply(f->db, many);
	fixture_data("programs.json", path, sizeof(path));
	assert_int_equal(content_load_json(path, CONTENT_PROGRAMS, &all, err, sizeof(err)), 0);
	json_array_foreach(all, i, rec)
		if (!strcmp(json_string_value(json_object_get(rec, "code")), PS_REAL))
			real = json_pack("[O]", rec);
	json_decref(all);
	assert_non_null(real);
	apply(f->db, real);
	settings_defaults(&f->cfg);
	f->env.db = f->db;
	f->env.cfg = &f->cfg;
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

/* progsearch_find on the normalised text finds the real programme (the
 * scores shown when not). */
static void finds_real(struct fx *f, const char *text, const char *scope,
		       struct progsearch_hit *hit)
{
	struct buf norm, why;
	int r;

	buf_init(&norm, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
	buf_init(&why, 4096);
	assert_int_equal(normalize_text(&norm, text, strlen(text)), 0);
	r = progsearch_find(f->db, norm.data, scope, hit);
	if (r != 0 || strcmp(hit->code, PS_REAL)) {
		progsearch_explain(f->db, norm.data, scope, &why);
		fail_msg("'%s' (%s): %d %s, not %s\n%s", norm.data, scope ? scope : "no scope", r,
			 r == 0 ? hit->code : "", PS_REAL, why.data);
	}
	buf_release(&norm);
	buf_release(&why);
}

/* The programme the whole handler path answers about. */
static void answer_ref(struct fx *f, const char *text, char *ref, size_t refsz)
{
	struct handler_msg msg = { "+84901234567", text, 1767225600, HANDLER_CHANNEL_SMS };
	struct handler_result res;

	handler_result_init(&res);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_process(&f->env, &msg, &res), 0);
	assert_int_equal(db_commit(f->db), 0);
	snprintf(ref, refsz, "%s", res.ref);
	handler_result_release(&res);
}

static void test_named_by_its_own_phrase(void **state)
{
	static const char q[] =
		"nha toi dung 45 so dien 1 thang, bo toi huong tro cap xh, co dc ho tro tien dien ko";
	struct fx *f = *state;
	struct progsearch_hit hit;
	char ref[64];

	finds_real(f, q, NULL, &hit);
	assert_true(hit.named);
	assert_int_equal(progsearch_named(f->db, "ho tro tien dien", NULL, &hit), 0);
	assert_string_equal(hit.code, PS_REAL);
	finds_real(f, q, "eligibility", &hit);
	answer_ref(f, q, ref, sizeof(ref));
	assert_string_equal(ref, PS_REAL);
}

/* "tien dien" names 1,501 programmes equally; only the real one's text
 * says when and how the money comes ("nhan theo quy"). */
static void test_tie_broken_by_fts(void **state)
{
	static const char q[] = "tien dien nhan theo quy o dau";
	struct fx *f = *state;
	struct progsearch_hit hit;
	char ref[64];

	finds_real(f, q, NULL, &hit);
	assert_true(hit.named);
	answer_ref(f, q, ref, sizeof(ref));
	assert_string_equal(ref, PS_REAL);
}

/* No phrase of any programme; "kwh" is in the real one's text only. */
static void test_found_by_fts_alone(void **state)
{
	struct fx *f = *state;
	struct progsearch_hit hit;

	finds_real(f, "moi thang duoc bao nhieu kwh", NULL, &hit);
	assert_false(hit.named);
	assert_int_equal(progsearch_named(f->db, "moi thang duoc bao nhieu kwh", NULL, &hit),
			 GW_ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_by_its_own_phrase),
		cmocka_unit_test(test_tie_broken_by_fts),
		cmocka_unit_test(test_found_by_fts_alone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
