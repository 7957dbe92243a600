/* Unit tests: the program editor's form <-> record conversion and the SMS
 * preview (web_preview): the real answer, page by page, accented and not,
 * computed in a scratch database that is left untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "config/settings.h"
#include "gateway/content/content.h"
#include "gateway/content/content_programs.h"
#include "gateway/web/web_preview.h"

static void form_of(struct web_form *f, const char *summary)
{
	web_form_init(f);
	assert_int_equal(web_form_add(f, "code", "TEST-1"), 0);
	assert_int_equal(web_form_add(f, "title_vi", "Thẻ bảo hiểm y tế"), 0);
	assert_int_equal(web_form_add(f, "summary_vi", summary), 0);
	assert_int_equal(web_form_add(f, "how_to_apply_vi", "Mang CCCD đến UBND xã."), 0);
	assert_int_equal(web_form_add(f, "keywords", "bhyt; bảo hiểm"), 0);
	assert_int_equal(web_form_add(f, "needs_check", ""), 0);
	assert_int_equal(web_form_add(f, "effective_from", ""), 0);
	assert_int_equal(web_form_add(f, "caveat", "kiểm tra lại"), 0);
}

static void test_record(void **state)
{
	struct web_form f;
	json_t *rec = NULL;

	form_of(&f, "Tóm tắt");
	assert_int_equal(web_preview_record(&f, &rec), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "code")), "TEST-1");
	assert_int_equal((int)json_array_size(json_object_get(rec, "keywords")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "keywords"), 1)), "bảo hiểm");
	assert_null(json_object_get(rec, "effective_from")); /* empty: none */
	assert_null(json_object_get(rec, "needs_check"));    /* empty: the default */
	json_decref(rec);
	web_form_release(&f);
}

static void test_preview(void **state)
{
	struct gw_settings cfg;
	struct web_preview p;
	struct web_form f;
	struct db *scratch = NULL;
	json_t *rec = NULL;
	int64_t n = -1;
	struct buf longer;

	settings_defaults(&cfg);
	assert_int_equal(store_open(&scratch, ":memory:", 1000), 0);
	form_of(&f, "Người thuộc hộ nghèo được Nhà nước đóng 100% tiền bảo hiểm y tế.");
	assert_int_equal(web_preview_record(&f, &rec), 0);
	web_preview_init(&p);
	assert_int_equal(web_preview_program(scratch, &cfg, rec, "vi", &p), 0);
	assert_string_equal(p.error, "");
	assert_int_equal(p.accented.pages, 1);
	assert_true(p.accented.page[0].ucs2);
	assert_non_null(strstr(p.accented.page[0].text, "Thẻ bảo hiểm y tế (CS TEST-1): Người thuộc"));
	assert_non_null(strstr(p.accented.page[0].text, "Cách làm: Mang CCCD"));
	assert_false(p.unaccented.page[0].ucs2);
	assert_non_null(strstr(p.unaccented.page[0].text, "The bao hiem y te (CS TEST-1): Nguoi thuoc"));
	assert_true(p.unaccented.page[0].parts < p.accented.page[0].parts);
	assert_int_equal(p.accented.parts_total, p.accented.page[0].parts);
	web_preview_release(&p);
	json_decref(rec);
	web_form_release(&f);

	/* a long answer is paged, each page saying how to get the next */
	buf_init(&longer, 4096);
	for (int i = 0; i < 30; i++)
		assert_int_equal(buf_adds(&longer, "Hộ nghèo được hỗ trợ thêm. "), 0);
	form_of(&f, longer.data);
	buf_release(&longer);
	assert_int_equal(web_preview_record(&f, &rec), 0);
	web_preview_init(&p);
	assert_int_equal(web_preview_program(scratch, &cfg, rec, "vi", &p), 0);
	assert_true(p.accented.pages > 1);
	assert_true(p.accented.pages >= p.unaccented.pages);
	assert_non_null(strstr(p.accented.page[0].text, ">Tiep: CS TEST-1 2"));
	for (int i = 0; i < p.accented.shown; i++)
		assert_true(p.accented.page[i].parts <= cfg.sms.max_parts);
	web_preview_release(&p);
	json_decref(rec);
	web_form_release(&f);

	/* nothing stays in the scratch database */
	assert_int_equal(db_query_int64(scratch, "SELECT count(*) FROM programs", &n), 0);
	assert_int_equal((int)n, 0);

	/* an invalid record is a message naming the field, not an error */
	web_form_init(&f);
	assert_int_equal(web_form_add(&f, "code", "TEST-2"), 0);
	assert_int_equal(web_form_add(&f, "summary_vi", "x"), 0);
	assert_int_equal(web_preview_record(&f, &rec), 0);
	web_preview_init(&p);
	assert_int_equal(web_preview_program(scratch, &cfg, rec, "vi", &p), 0);
	assert_non_null(strstr(p.error, "title_vi"));
	assert_string_equal(p.field, "title_vi");
	assert_int_equal(p.accented.pages, 0);
	web_preview_release(&p);
	json_decref(rec);
	web_form_release(&f);
	db_close(scratch);
}

/* Issue 16: a 40 KB field took 38 s of CPU (the answer paged again for
 * every page) and held the console for everyone. The preview now pages
 * once, counts at most WEB_PREVIEW_PAGES_COUNT_MAX pages and refuses an
 * answer over WEB_PREVIEW_INPUT_MAX bytes. */
/* The preview of a program whose summary is summary (p to release). */
static void preview_of(struct db *scratch, const struct gw_settings *cfg, const char *summary,
		       struct web_preview *p)
{
	struct web_form f;
	json_t *rec = NULL;

	form_of(&f, summary);
	assert_int_equal(web_preview_record(&f, &rec), 0);
	web_preview_init(p);
	assert_int_equal(web_preview_program(scratch, cfg, rec, "vi", p), 0);
	json_decref(rec);
	web_form_release(&f);
}

static void test_preview_bounded(void **state)
{
	struct gw_settings cfg;
	struct web_preview p;
	struct db *scratch = NULL;
	struct buf big;

	settings_defaults(&cfg);
	assert_int_equal(store_open(&scratch, ":memory:", 1000), 0);
	buf_init(&big, 64 * 1024);
	while (big.len < 30 * 1024)
		assert_int_equal(buf_adds(&big, "Hộ nghèo được vay vốn ưu đãi tại ngân hàng chính sách xã hội. "), 0);
	preview_of(scratch, &cfg, big.data, &p);
	assert_string_equal(p.error, "");
	assert_int_equal(p.accented.pages, WEB_PREVIEW_PAGES_COUNT_MAX);
	assert_true(p.accented.more);
	assert_int_equal(p.accented.shown, WEB_PREVIEW_PAGES_MAX);
	assert_non_null(strstr(p.accented.page[WEB_PREVIEW_PAGES_MAX - 1].text, ">Tiep: CS TEST-1 13"));
	web_preview_release(&p);
	/* 40 KB: not previewed at all, and said why */
	while (big.len < 40 * 1024)
		assert_int_equal(buf_adds(&big, "Hộ nghèo được vay vốn ưu đãi tại ngân hàng chính sách xã hội. "), 0);
	preview_of(scratch, &cfg, big.data, &p);
	assert_non_null(strstr(p.error, "too long to preview"));
	assert_int_equal(p.accented.pages, 0);
	web_preview_release(&p);
	buf_release(&big);
	db_close(scratch);
}

/* Every stored program survives the editor unchanged: record -> form ->
 * record gives the same canonical program. */
static void test_roundtrip(void **state)
{
	struct content_counts c;
	struct db *db = NULL;
	json_t *codes = NULL, *code;
	char err[512];
	size_t i;

	assert_int_equal(store_open(&db, ":memory:", 1000), 0);
	assert_int_equal(content_import_programs(db, "data/programs.json", "test", &c, err, sizeof(err)), 0);
	assert_int_equal(content_programs_codes(db, &codes), 0);
	assert_true(json_array_size(codes) > 10);
	json_array_foreach(codes, i, code) {
		json_t *rec = NULL, *back = NULL, *a, *b;
		struct web_form f;
		int version = 0;

		assert_int_equal(content_programs_get(db, json_string_value(code), &rec, &version), 0);
		assert_int_equal(web_preview_form(rec, &f), 0);
		assert_int_equal(web_preview_record(&f, &back), 0);
		a = content_programs_canonical(rec);
		b = content_programs_canonical(back);
		if (!json_equal(a, b)) {
			char *sa = json_dumps(a, JSON_SORT_KEYS), *sb = json_dumps(b, JSON_SORT_KEYS);

			print_error("%s\n%s\n", sa, sb);
			free(sa);
			free(sb);
			fail();
		}
		json_decref(a);
		json_decref(b);
		json_decref(rec);
		json_decref(back);
		web_form_release(&f);
	}
	json_decref(codes);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_preview),
		cmocka_unit_test(test_preview_bounded),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
