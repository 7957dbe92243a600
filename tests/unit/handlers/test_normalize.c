/* test_normalize.c - the normaliser and the syllable rules under it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/normalize.h"
#include "handlers/vi/syllable.h"

struct ncase {
	const char *in;
	const char *want;
};

static void check_cases(const struct ncase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct buf b;
		int r;

		buf_init(&b, 1 << 16);
		r = normalize_text(&b, c[i].in, strlen(c[i].in));
		if (r != 0 || strcmp(b.data, c[i].want) != 0)
			print_error("normalize(\"%s\") = %d \"%s\", want \"%s\"\n", c[i].in, r, b.data,
				    c[i].want);
		assert_int_equal(r, 0);
		assert_string_equal(b.data, c[i].want);
		buf_release(&b);
	}
}

#define CHECK(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void test_fold_case_punct_spaces(void **state)
{
	static const struct ncase cases[] = {
		{ "", "" },
		{ "   ", "" },
		{ "CS BHYT", "cs bhyt" },
		{ "  CS,BHYT!! ", "cs , bhyt ! !" },
		{ "Bảo hiểm Y TẾ", "bao hiem y te" },
		{ "ĐĂNG KÝ đi", "dang ky di" },
		{ "Hộ nghèo\tđược\r\ngì?", "ho ngheo duoc gi ?" },
		{ "a\xc2\xa0" "b", "a b" },                 /* no-break space */
		{ "cs\xe2\x80\x8b" "bhyt", "cs bhyt" },      /* zero-width space */
		{ "ho\xcc\x82\xcc\xa3 ngheo", "ho ngheo" },  /* decomposed marks */
		{ "👍", "👍" },
		{ "ok👍nhe", "ok 👍 nhe" },
		{ "?", "?" },
		{ "...", ". . ." },
		{ "ngheo!!!", "ngheo ! ! !" },
	};
	(void)state;
	CHECK(cases);
}

static void test_numbers_stay_whole(void **state)
{
	static const struct ncase cases[] = {
		{ "1.5 trieu", "1.5 trieu" },
		{ "1,5 trieu", "1,5 trieu" },
		{ "HEN 15/12 14:30", "hen 15/12 14:30" },
		{ "ho tro 30%", "ho tro 30%" },
		{ "2tr5 6tr/thang", "2tr5 6tr / thang" },
		{ "0912345678", "0912345678" },
		{ "1.", "1 ." },
		{ "a.b", "a . b" },
		{ "JOB-VP-003", "job - vp - 003" },
	};
	(void)state;
	CHECK(cases);
}

static void test_telex_and_vni_leftovers(void **state)
{
	static const struct ncase cases[] = {
		{ "hooj ngheof", "ho ngheo" },
		{ "dduowcj", "duoc" },
		{ "hoox trowj", "ho tro" },
		{ "nhieeu", "nhieu" },
		{ "baor hieemr y tees", "bao hiem y te" },
		{ "nhaf tooi cos dduowcj vay voons khoong", "nha toi co duoc vay von khong" },
		{ "ho65 ngh2eo", "ho ngheo" },
		{ "d9i ho65c", "di hoc" },
		/* weak signals alone are not enough */
		{ "cos ai", "cos ai" },
		{ "thu2 lop7", "thu2 lop7" },
		{ "ut 15 eps", "ut 15 eps" },
		/* English and codes are never decoded */
		{ "how is it now", "how is it now" },
		{ "what support does poor household get?", "what support does poor household get ?" },
		{ "bhyt xkld 2tr5 0912345678 t2 h5n1", "bhyt xkld 2tr5 0912345678 t2 h5n1" },
		/* a tone key not allowed with a stop final is no leftover */
		{ "hooj hocf", "ho hocf" },
	};
	(void)state;
	CHECK(cases);
}

static void test_abbreviations(void **state)
{
	static const struct ncase cases[] = {
		{ "ko dc k", "khong duoc khong" },
		{ "đc j", "duoc gi" },
		{ "ntn", "nhu the nao" },
		{ "bn tien", "bao nhieu tien" },
		{ "vay vs bhyt", "vay voi bhyt" },
		{ "cho e hoi", "cho em hoi" },
		{ "cty hs sv", "cong ty hoc sinh sinh vien" },
		{ "6 tr", "6 trieu" },
		{ "tr", "tr" },
		{ "50 k", "50 k" },
		{ "the nao v ?", "the nao vay ?" },
		{ "la gi z", "la gi vay" },
		{ "v toi", "v toi" },
		{ "nha t 4 ng", "nha toi 4 nguoi" },
		{ "ad oi", "ad oi" },
		{ "vay dc ko a", "vay duoc khong a" },
		{ "tro cap xh", "tro cap xa hoi" },
	};
	(void)state;
	CHECK(cases);
}

static void test_glued_words_and_stretching(void **state)
{
	static const struct ncase cases[] = {
		{ "viecbinhxuyen", "viec binh xuyen" },
		{ "huyhen", "huy hen" },
		{ "CS HOCPHI", "cs hoc phi" },
		{ "csbhyt", "csbhyt" },
		{ "asdfghjkl", "asdfghjkl" },
		{ "alo", "alo" },
		{ "nhieuuuu qua", "nhieu qua" },
		{ "hehe", "he he" },
	};
	(void)state;
	CHECK(cases);
}

static void test_limits_and_bytes(void **state)
{
	char big[NORMALIZE_INPUT_MAX + 100];
	struct buf b;
	const char bad[] = "ca\xff\xfe" "c\xc3" "d";
	(void)state;

	memset(big, 'a', sizeof(big));
	buf_init(&b, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
	assert_int_equal(normalize_text(&b, big, sizeof(big)), 0);
	assert_true(b.len <= NORMALIZE_INPUT_MAX);
	buf_release(&b);

	buf_init(&b, 1024);
	assert_int_equal(normalize_text(&b, bad, sizeof(bad) - 1), 0);
	assert_string_equal(b.data, "cacd");
	buf_release(&b);

	/* appends after what the buffer holds, without a leading space */
	buf_init(&b, 1024);
	assert_int_equal(buf_adds(&b, "x|"), 0);
	assert_int_equal(normalize_text(&b, " CS  BHYT ", 10), 0);
	assert_string_equal(b.data, "x|cs bhyt");
	buf_release(&b);

	/* a cap too small is an error, never an overflow */
	buf_init(&b, 4);
	assert_int_equal(normalize_text(&b, "ntn ntn", 7), GW_ERR_TOOBIG);
	buf_release(&b);

	/* worst-case growth stays within NORMALIZE_GROWTH */
	{
		char many[NORMALIZE_INPUT_MAX];

		for (size_t i = 0; i + 2 <= sizeof(many); i += 2)
			memcpy(many + i, "k ", 2);
		buf_init(&b, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
		assert_int_equal(normalize_text(&b, many, sizeof(many)), 0);
		buf_release(&b);
	}
}

static void test_english_detection(void **state)
{
	(void)state;
	assert_true(normalize_is_english("what support does poor household get ?"));
	assert_true(normalize_is_english("any factory job near vinh yen ?"));
	assert_false(normalize_is_english("info vay von hssv pls"));
	assert_false(normalize_is_english("help"));
	assert_false(normalize_is_english("ho ngheo duoc gi"));
	assert_false(normalize_is_english(""));
}

static void test_syllables(void **state)
{
	static const char *const valid[] = {
		"a", "y", "ho", "ngheo", "nghieng", "quy", "quyen", "gi", "giup", "gieng", "khong",
		"duoc", "truong", "nguyen", "uong", "oai", "khuya", "thuong", "kem", "ky",
	};
	static const char *const invalid[] = {
		"", "bhyt", "xkld", "cs", "ce", "ngi", "gha", "ka", "hne", "veic", "vie",
		"csbhyt", "quu", "help", "job", "nghieengs", "abcdefghi",
	};
	char out[SYLLABLE_MAX * 4];
	int how = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		assert_true(syllable_valid(valid[i], strlen(valid[i])));
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (syllable_valid(invalid[i], strlen(invalid[i])))
			fail_msg("'%s' taken as a syllable", invalid[i]);

	assert_int_equal(syllable_decode_telex("dduowcj", 7, out, sizeof(out), &how), 0);
	assert_string_equal(out, "duoc");
	assert_int_equal(how, SYLLABLE_STRONG);
	assert_int_equal(syllable_decode_telex("cos", 3, out, sizeof(out), &how), 0);
	assert_string_equal(out, "co");
	assert_int_equal(how, SYLLABLE_WEAK);
	assert_int_equal(syllable_decode_telex("nhw", 3, out, sizeof(out), &how), 0);
	assert_string_equal(out, "nhu");
	assert_int_equal(syllable_decode_telex("ho", 2, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_telex("hocf", 4, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_telex("hosf", 4, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_telex("bhyts", 5, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_telex("dduowcj", 7, out, 2, &how), GW_ERR_NOTFOUND);

	assert_int_equal(syllable_decode_vni("ho65", 4, out, sizeof(out), &how), 0);
	assert_string_equal(out, "ho");
	assert_int_equal(how, SYLLABLE_STRONG);
	assert_int_equal(syllable_decode_vni("ngh2eo", 6, out, sizeof(out), &how), 0);
	assert_string_equal(out, "ngheo");
	assert_int_equal(syllable_decode_vni("thu2", 4, out, sizeof(out), &how), 0);
	assert_int_equal(how, SYLLABLE_WEAK);
	assert_int_equal(syllable_decode_vni("2tr5", 4, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_vni("t2", 2, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_vni("h5n1", 4, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_vni("ho0", 3, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_vni("hi7", 3, out, sizeof(out), &how), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_decode_vni("ho12", 4, out, sizeof(out), &how), GW_ERR_NOTFOUND);

	assert_int_equal(syllable_split("binhxuyen", 9, out, sizeof(out)), 0);
	assert_string_equal(out, "binh xuyen");
	assert_int_equal(syllable_split("vayvon", 6, out, sizeof(out)), 0);
	assert_string_equal(out, "vay von");
	assert_int_equal(syllable_split("binh", 4, out, sizeof(out)), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_split("csbhyt", 6, out, sizeof(out)), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_split("ab1", 3, out, sizeof(out)), GW_ERR_NOTFOUND);
	assert_int_equal(syllable_split("binhxuyen", 9, out, 5), GW_ERR_TOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_case_punct_spaces),
		cmocka_unit_test(test_numbers_stay_whole),
		cmocka_unit_test(test_telex_and_vni_leftovers),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_glued_words_and_stretching),
		cmocka_unit_test(test_limits_and_bytes),
		cmocka_unit_test(test_english_detection),
		cmocka_unit_test(test_syllables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
