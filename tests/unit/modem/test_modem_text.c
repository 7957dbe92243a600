/* test_modem_text.c - UTF-8 <-> UCS-2, GSM-7 detection, part counting.
 *
 * Runs under the C locale on purpose: none of this may depend on it
 * (libgammu's own EncodeUnicode would truncate at the first non-ASCII
 * byte there). One test switches to C.UTF-8 to check the results match.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "modem/gammu/modem_text.h"
#include "modem/modem.h"

static const char VI[] = "Tôi muốn hỏi về bảo hiểm y tế cho hộ nghèo ở xã Tân Lập, "
			 "thủ tục thế nào ạ?";

static void roundtrip(const char *s)
{
	unsigned char *u = NULL;
	size_t n = 0;
	struct buf b;

	buf_init(&b, 1 << 16);
	assert_int_equal(modem_text_to_ucs2(s, 100000, &u, &n), 0);
	assert_int_equal(u[2 * n], 0);
	assert_int_equal(u[2 * n + 1], 0);
	assert_int_equal(modem_text_from_ucs2(u, n, &b), 0);
	assert_string_equal(b.data, s);
	buf_release(&b);
	free(u);
}

static void test_roundtrip(void **state)
{
	(void)state;
	roundtrip("");
	roundtrip("Hello, world! @£$¥");
	roundtrip(VI);
	roundtrip("Ελληνικά, русский, 中文, العربية");
	roundtrip("emoji \xF0\x9F\x98\x80 and \xF4\x8F\xBF\xBF (U+10FFFF)");
}

static void test_ucs2_units(void **state)
{
	unsigned char *u = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(modem_text_to_ucs2("A\xC3\xB4\xF0\x9F\x98\x80", 100, &u, &n), 0);
	assert_int_equal(n, 4); /* A, ô, surrogate pair */
	assert_memory_equal(u, "\x00\x41\x00\xF4\xD8\x3D\xDE\x00\x00\x00", 10);
	free(u);
	assert_int_equal(modem_text_to_ucs2("abcd", 3, &u, &n), GW_ERR_TOOBIG);
}

static void test_invalid_utf8(void **state)
{
	static const char *bad[] = {
		"\xC0\x80",         /* overlong NUL */
		"\xC1\xBF",         /* overlong */
		"\xE0\x80\x80",     /* overlong 3-byte */
		"\xF0\x80\x80\x80", /* overlong 4-byte */
		"\xED\xA0\x80",     /* encoded surrogate D800 */
		"\xED\xBF\xBF",     /* encoded surrogate DFFF */
		"\xF4\x90\x80\x80", /* > U+10FFFF */
		"\xF8\x88\x80\x80\x80",
		"\x80",             /* stray continuation */
		"abc\xE1\x80",      /* truncated at the end */
		"\xC3",             /* truncated */
		"\xE1\x80z",        /* truncated mid-string */
		"\xFF",
	};
	unsigned char *u = NULL;
	size_t n = 0, i;
	int parts = 7, ucs2 = 7;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(modem_text_to_ucs2(bad[i], 100, &u, &n), GW_ERR_INVAL);
		assert_null(u);
		assert_int_equal(modem_text_parts(bad[i], &parts, &ucs2), GW_ERR_INVAL);
		assert_int_equal(modem_text_is_gsm7(bad[i]), 0);
	}
	assert_int_equal(parts, 7); /* out-params untouched on failure */
	assert_int_equal(ucs2, 7);
}

static void test_from_ucs2_surrogates(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	/* Lone high, lone low, high followed by a non-low: each U+FFFD. */
	assert_int_equal(modem_text_from_ucs2((const unsigned char *)"\xD8\x00\x00\x41", 2, &b), 0);
	assert_string_equal(b.data, "\xEF\xBF\xBD" "A");
	buf_reset(&b);
	assert_int_equal(modem_text_from_ucs2((const unsigned char *)"\xDC\x00", 1, &b), 0);
	assert_string_equal(b.data, "\xEF\xBF\xBD");
	buf_reset(&b);
	/* A pair cut by the unit count is not read past it. */
	assert_int_equal(modem_text_from_ucs2((const unsigned char *)"\xD8\x3D\xDE\x00", 1, &b), 0);
	assert_string_equal(b.data, "\xEF\xBF\xBD");
	buf_reset(&b);
	assert_int_equal(modem_text_from_ucs2((const unsigned char *)"\xD8\x3D\xDE\x00", 2, &b), 0);
	assert_string_equal(b.data, "\xF0\x9F\x98\x80");
	buf_reset(&b);
	/* Stops at a zero unit. */
	assert_int_equal(modem_text_from_ucs2((const unsigned char *)"\x00\x41\x00\x00\x00\x42", 3, &b), 0);
	assert_string_equal(b.data, "A");
	buf_release(&b);
}

static void test_field_and_trunc(void **state)
{
	unsigned char f[8];
	char d[6];

	(void)state;
	assert_int_equal(modem_text_to_ucs2_field("abc", f, sizeof(f)), 0);
	assert_memory_equal(f, "\x00" "a" "\x00" "b" "\x00" "c" "\x00\x00", 8);
	assert_int_equal(modem_text_to_ucs2_field("abcd", f, sizeof(f)), GW_ERR_TOOBIG);
	assert_int_equal(modem_text_copy_trunc(d, sizeof(d), "abc"), 0);
	assert_string_equal(d, "abc");
	/* "aô" is 3 bytes; "aôô" does not fit in 5: cut after "aô", not mid-ô. */
	assert_int_equal(modem_text_copy_trunc(d, 5, "a\xC3\xB4\xC3\xB4"), 1);
	assert_string_equal(d, "a\xC3\xB4");
	assert_int_equal(modem_text_copy_trunc(d, 3, "\xE1\xBB\x87x"), 1);
	assert_string_equal(d, "");
}

static void test_gsm7(void **state)
{
	(void)state;
	assert_true(modem_text_is_gsm7(""));
	assert_true(modem_text_is_gsm7("Hello, world! 0123456789 ?:;\"'()*+,-./<=>"));
	assert_true(modem_text_is_gsm7("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r"));
	assert_true(modem_text_is_gsm7("^{}\\[~]|€\f")); /* extension table */
	assert_false(modem_text_is_gsm7("`"));
	assert_false(modem_text_is_gsm7("tab\there"));
	assert_false(modem_text_is_gsm7("ç")); /* only capital Ç is GSM */
	assert_false(modem_text_is_gsm7("¹"));
	assert_false(modem_text_is_gsm7("Tôi"));
	assert_false(modem_text_is_gsm7("Cảm ơn"));
	assert_false(modem_text_is_gsm7(VI));
	assert_false(modem_text_is_gsm7("\xF0\x9F\x98\x80"));
	assert_false(modem_text_is_gsm7(NULL));
}

static void expect_parts(const char *text, int want, int want_ucs2)
{
	int parts = -1, ucs2 = -1;

	assert_int_equal(modem_text_parts(text, &parts, &ucs2), 0);
	assert_int_equal(parts, want);
	assert_int_equal(ucs2, want_ucs2);
}

static char *repeat(const char *unit, int n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * (size_t)n + 1);
	int i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + len * (size_t)i, unit, len);
	s[len * (size_t)n] = '\0';
	return s;
}

static void parts_of(const char *unit, int n, int want, int want_ucs2)
{
	char *s = repeat(unit, n);

	expect_parts(s, want, want_ucs2);
	free(s);
}

static void test_parts(void **state)
{
	char *big;
	int parts, ucs2;

	(void)state;
	expect_parts("", 1, 0);
	parts_of("a", 160, 1, 0);
	parts_of("a", 161, 2, 0);
	parts_of("a", 306, 2, 0);
	parts_of("a", 307, 3, 0);
	parts_of("€", 80, 1, 0);  /* 2 septets each: 160 */
	parts_of("€", 81, 2, 0);
	parts_of("ô", 70, 1, 1);
	parts_of("ô", 71, 2, 1);
	parts_of("ô", 134, 2, 1);
	parts_of("ô", 135, 3, 1);
	expect_parts(VI, 2, 1);  /* 75 characters */
	parts_of("a`", 35, 1, 1); /* one non-GSM character makes it UCS-2 */
	big = repeat("a", 10000);
	assert_int_equal(modem_text_parts(big, &parts, &ucs2), GW_ERR_TOOBIG);
	free(big);
	big = repeat("ô", 3400); /* 51 parts: past libgammu's 50 */
	assert_int_equal(modem_text_parts(big, &parts, &ucs2), GW_ERR_TOOBIG);
	free(big);
	assert_int_equal(modem_text_parts(NULL, &parts, &ucs2), GW_ERR_INVAL);
}

static void test_locale_independent(void **state)
{
	unsigned char *c_u = NULL, *utf_u = NULL;
	size_t c_n = 0, utf_n = 0;
	int p1, u1, p2, u2;

	(void)state;
	assert_int_equal(modem_text_to_ucs2(VI, 1000, &c_u, &c_n), 0);
	assert_int_equal(modem_text_parts(VI, &p1, &u1), 0);
	if (setlocale(LC_ALL, "C.UTF-8")) {
		assert_int_equal(modem_text_to_ucs2(VI, 1000, &utf_u, &utf_n), 0);
		assert_int_equal(modem_text_parts(VI, &p2, &u2), 0);
		assert_int_equal(c_n, utf_n);
		assert_memory_equal(c_u, utf_u, 2 * c_n + 2);
		assert_int_equal(p1, p2);
		assert_int_equal(u1, u2);
		setlocale(LC_ALL, "C");
	}
	free(c_u);
	free(utf_u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_ucs2_units),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_from_ucs2_surrogates),
		cmocka_unit_test(test_field_and_trunc),
		cmocka_unit_test(test_gsm7),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_locale_independent),
	};

	setlocale(LC_ALL, "C");
	log_setup("test", LOG_LVL_ERROR, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
