/* test_policy.c - finding the programme and answering through the real
 * handler path: CS, paging, two programmes, languages, accents. */
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
#include "handlers/core/reply.h"
#include "handlers/features/policy.h"
#include "handlers/handler.h"
#include "handlers/understand/progsearch.h"
#include "handlers/vi/normalize.h"

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
	struct handler_env env;
	int seq;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gw-policy", 1000, FIXTURE_LEXICON | FIXTURE_PROGRAMS);
	settings_defaults(&f->cfg);
	f->env.db = f->db;
	f->env.cfg = &f->cfg;
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

static struct policy_match find(struct fx *f, const char *text)
{
	struct buf norm;
	struct policy_match m;

	buf_init(&norm, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
	assert_int_equal(normalize_text(&norm, text, strlen(text)), 0);
	memset(&m, 0, sizeof(m));
	if (policy_find(f->db, norm.data, &m) != 0)
		fail_msg("nothing found for '%s'", text);
	buf_release(&norm);
	return m;
}

/* Send text from phone; the first reply into reply (may be NULL). */
static void send(struct fx *f, const char *phone, const char *text, struct handler_result *res)
{
	struct handler_msg msg = { phone, text, 1767225600, HANDLER_CHANNEL_SMS };

	handler_result_init(res);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_process(&f->env, &msg, res), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_true(res->nout >= 1);
	for (size_t i = 0; i < res->nout; i++) {
		int parts = 0, ucs2 = 0;

		assert_int_equal(reply_measure(res->out[i].text, &parts, &ucs2), 0);
		assert_true(parts <= f->cfg.sms.max_parts);
	}
}

static void test_find_by_code_keyword_text(void **state)
{
	static const struct {
		const char *text, *code;
	} cases[] = {
		{ "bhyt", "BHYT" },
		{ "BHYT-CN", "BHYT-CN" },
		{ "vay ngheo", "VAY-NGHEO" },
		{ "vayngheo", "VAY-NGHEO" },
		{ "hoc phi", "HOC-PHI" },
		{ "the bhyt", "BHYT" },
		{ "bao hiem y te cho ho can ngheo", "BHYT-CN" },
		{ "lai suat vay ho can ngheo", "VAY-CN" },
		{ "tro giup phap ly", "TGPL" },
		{ "lu lut sap nha", "KHAN-CAP" },
		{ "health insurance", "BHYT" },
		{ "ngheo da chieu", "CHUAN-NGHEO" },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy_match m = find(f, cases[i].text);

		if (strcmp(m.code, cases[i].code) != 0)
			fail_msg("'%s' -> %s, want %s", cases[i].text, m.code, cases[i].code);
	}
	/* two programmes named: the best, and the other as "also" */
	{
		struct policy_match m = find(f, "cho e hoi ve vay von ho ngheo vs the bhyt luon");

		assert_string_equal(m.code, "VAY-NGHEO");
		assert_string_equal(m.also, "BHYT");
		assert_true(m.named);
	}
	/* one programme named: no "also" */
	assert_string_equal(find(f, "the bhyt").also, "");
	{
		struct buf b;

		buf_init(&b, 4096);
		assert_int_equal(progsearch_explain(f->db, "vay von ho ngheo", NULL, &b), 0);
		assert_non_null(strstr(b.data, "VAY-NGHEO"));
		buf_release(&b);
	}
}

static void test_body_sections_and_languages(void **state)
{
	struct fx *f = *state;
	struct buf b;

	buf_init(&b, 16384);
	assert_int_equal(policy_body(f->db, "BHYT", "vi", "BHYT-CN", &b), 0);
	assert_non_null(strstr(b.data, "Thẻ bảo hiểm y tế"));
	assert_non_null(strstr(b.data, "(CS BHYT)"));
	assert_non_null(strstr(b.data, "Xem thêm: CS BHYT-CN."));
	assert_non_null(strstr(b.data, "\fCách làm:"));
	assert_non_null(strstr(b.data, "\fLiên hệ:"));
	assert_true(strstr(b.data, "Xem thêm") < strstr(b.data, "Cách làm"));
	buf_reset(&b);
	assert_int_equal(policy_body(f->db, "BHYT", "en", NULL, &b), 0);
	assert_non_null(strstr(b.data, "health"));
	buf_reset(&b);
	assert_int_equal(policy_body(f->db, "NOPE", "vi", NULL, &b), GW_ERR_NOTFOUND);
	buf_release(&b);
}

static void test_cs_topics_and_pages(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	char first[2048];

	send(f, "+84900000001", "CS", &res);
	assert_string_equal(res.intent, "policy");
	assert_non_null(strstr(res.out[0].text, "CS + ma"));
	assert_non_null(strstr(res.out[0].text, "BHYT"));
	handler_result_release(&res);

	send(f, "+84900000001", "CS BHYT", &res);
	assert_string_equal(res.ref, "BHYT");
	assert_non_null(strstr(res.out[0].text, ">Tiep: CS BHYT 2"));
	snprintf(first, sizeof(first), "%s", res.out[0].text);
	handler_result_release(&res);

	send(f, "+84900000001", "CS BHYT 2", &res);
	assert_string_equal(res.ref, "BHYT");
	assert_string_not_equal(res.out[0].text, first);
	handler_result_release(&res);

	/* past the end: the last page, not silence */
	send(f, "+84900000001", "CS BHYT 9", &res);
	assert_string_equal(res.ref, "BHYT");
	handler_result_release(&res);

	send(f, "+84900000001", "csbhyt", &res);
	assert_string_equal(res.ref, "BHYT");
	handler_result_release(&res);

	send(f, "+84900000001", "CS abcxyz qwerty", &res);
	assert_non_null(strstr(res.out[0].text, "Khong tim thay"));
	handler_result_release(&res);
}

/* A knowledge base larger than a bare "CS" can list (2,000 programmes here,
 * more than the 16 KiB answer text holds): the first 200 codes and how to
 * find the rest, not an error. */
static void test_cs_topics_many_programmes(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	struct buf b;
	int64_t n = 0;

	assert_int_equal(db_exec(f->db, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1"
					" FROM k WHERE i < 2000) INSERT INTO programs (code, title_vi,"
					" summary_vi, updated_at) SELECT 'GEN-' || i, 'Chuong trinh ' || i,"
					" 'Tom tat ' || i, 1 FROM k"), 0);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM programs", &n), 0);
	buf_init(&b, 16 * 1024);
	assert_int_equal(policy_topics(f->db, "vi", &b), 0);
	assert_non_null(strstr(b.data, "BHYT"));
	assert_null(strstr(b.data, "GEN-1999"));
	assert_non_null(strstr(b.data, " chu de khac: nhan CS + tu khoa."));
	buf_reset(&b);
	assert_int_equal(policy_topics(f->db, "en", &b), 0);
	assert_non_null(strstr(b.data, "more: send CS + a word of the topic."));
	buf_release(&b);

	send(f, "+84900000001", "CS", &res);
	assert_string_equal(res.intent, "policy");
	assert_non_null(strstr(res.out[0].text, "CS + ma"));
	assert_non_null(strstr(res.out[0].text, ">Tiep: CS 2"));
	handler_result_release(&res);
}

static void test_free_text_language_accents(void **state)
{
	struct fx *f = *state;
	struct handler_result res;

	/* a free-text question is answered with the whole text as the query */
	send(f, "+84900000002", "Bảo hiểm y tế cho hộ cận nghèo nhà nước hỗ trợ bao nhiêu vậy?", &res);
	assert_string_equal(res.intent, "policy");
	assert_string_equal(res.ref, "BHYT-CN");
	handler_result_release(&res);

	/* English in, English out */
	send(f, "+84900000003", "what support does poor household get?", &res);
	assert_string_equal(res.ref, "HO-NGHEO");
	assert_non_null(strstr(res.out[0].text, "households"));
	handler_result_release(&res);

	/* CO DAU + "always": accented; KHONG DAU: never accented */
	snprintf(f->cfg.sms.reply_diacritics, sizeof(f->cfg.sms.reply_diacritics), "always");
	send(f, "+84900000004", "CS TGPL", &res);
	assert_non_null(strstr(res.out[0].text, "Trợ giúp pháp lý"));
	handler_result_release(&res);
	send(f, "+84900000004", "KHONG DAU", &res);
	handler_result_release(&res);
	send(f, "+84900000004", "CS TGPL", &res);
	assert_non_null(strstr(res.out[0].text, "Tro giup phap ly"));
	handler_result_release(&res);

	/* gibberish is noise: the help's first page, never silence */
	send(f, "+84900000005", "asdfghjkl", &res);
	assert_string_equal(res.intent, "noise");
	assert_non_null(strstr(res.out[0].text, "CS"));
	handler_result_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find_by_code_keyword_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_sections_and_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cs_topics_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cs_topics_many_programmes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_text_language_accents, setup, teardown),
	};

	log_setup("test_policy", LOG_LVL_ERROR, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
