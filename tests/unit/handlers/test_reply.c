/* test_reply.c - the reply composer: budgets, encodings, pages, cuts. */
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
#include "handlers/core/reply.h"
#include "modem/modem.h"

static const char accented[] =
	"Người thuộc hộ nghèo được Nhà nước đóng 100% tiền bảo hiểm y tế. Xã lập danh sách, "
	"cơ quan BHXH cấp thẻ, người dân không phải đóng tiền. Khi đi khám đúng tuyến được "
	"thanh toán chi phí trong phạm vi BHYT. Mất thẻ, sai thông tin: báo UBND xã hoặc BHXH. "
	"Cách làm: không cần làm đơn; xã lập danh sách và gửi BHXH huyện. Liên hệ: UBND xã.";

static struct reply_opts opts(int parts, const char *dia, const char *more)
{
	struct reply_opts o = { parts, 0, dia, more, NULL };

	return o;
}

static void page_of(const char *body, const struct reply_opts *o, int page, struct buf *out,
		    int *pages)
{
	buf_reset(out);
	assert_int_equal(reply_page(body, o, page, out, pages), 0);
}

static int parts_of(const char *text, int *ucs2)
{
	int parts = 0;

	assert_int_equal(reply_measure(text, &parts, ucs2), 0);
	return parts;
}

/* Every word of every page is a whole word of the body, pages together give
 * the body's words in order, and each page fits. */
static void check_pages(const char *body, const struct reply_opts *o)
{
	struct buf page, joined, words;
	int pages = 0, ucs2;

	buf_init(&page, 1 << 16);
	buf_init(&joined, 1 << 16);
	buf_init(&words, 1 << 16);
	page_of(body, o, 1, &page, &pages);
	for (int p = 1; p <= pages; p++) {
		char *hint;

		page_of(body, o, p, &page, &pages);
		assert_true(parts_of(page.data, &ucs2) <= o->max_parts);
		if (p < pages) { /* strip the hint " >Tiep: CMD n" */
			assert_non_null(hint = strstr(page.data, " >"));
			*hint = '\0';
		}
		if (joined.len)
			assert_int_equal(buf_addch(&joined, ' '), 0);
		assert_int_equal(buf_adds(&joined, page.data), 0);
	}
	/* the unaccented or accented body, spaces normalised, must be what was sent */
	for (const char *s = body; *s; s++)
		if (*s != REPLY_SECTION)
			assert_int_equal(buf_addch(&words, *s), 0);
		else
			assert_int_equal(buf_addch(&words, ' '), 0);
	if (strcmp(joined.data, words.data) != 0) {
		struct buf plain;

		buf_init(&plain, 1 << 16);
		assert_int_equal(reply_unaccent(words.data, &plain), 0);
		assert_string_equal(joined.data, plain.data);
		buf_release(&plain);
	}
	buf_release(&page);
	buf_release(&joined);
	buf_release(&words);
}

static void test_short_fits_whole(void **state)
{
	struct reply_opts o = opts(3, "always", "CS BHYT");
	struct buf out;
	int pages = 0, ucs2 = 0;
	(void)state;

	buf_init(&out, 4096);
	page_of("Xin chào bạn", &o, 1, &out, &pages);
	assert_int_equal(pages, 1);
	assert_string_equal(out.data, "Xin chào bạn");
	assert_int_equal(parts_of(out.data, &ucs2), 1);
	assert_true(ucs2);
	buf_reset(&out);
	assert_int_equal(reply_page("Xin chào bạn", &o, 2, &out, &pages), GW_ERR_NOTFOUND);
	assert_int_equal(pages, 1);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

static void test_gsm7_and_ucs2_budgets(void **state)
{
	struct buf line;
	int ucs2 = 0;
	(void)state;

	buf_init(&line, 4096);
	for (int i = 0; i < 160; i++)
		assert_int_equal(buf_addch(&line, 'a'), 0);
	assert_int_equal(parts_of(line.data, &ucs2), 1);
	assert_false(ucs2);
	assert_int_equal(buf_addch(&line, 'a'), 0);
	assert_int_equal(parts_of(line.data, &ucs2), 2);
	/* 70 accented letters: one UCS-2 part; 71: two (67 a part) */
	buf_reset(&line);
	for (int i = 0; i < 70; i++)
		assert_int_equal(buf_adds(&line, "\xc3\xa1"), 0);
	assert_int_equal(parts_of(line.data, &ucs2), 1);
	assert_true(ucs2);
	assert_int_equal(buf_adds(&line, "\xc3\xa1"), 0);
	assert_int_equal(parts_of(line.data, &ucs2), 2);
	buf_release(&line);
}

static void test_paging_hint_and_words(void **state)
{
	struct reply_opts o = opts(1, "always", "CS BHYT");
	struct buf out;
	int pages = 0, ucs2;
	(void)state;

	buf_init(&out, 4096);
	page_of(accented, &o, 1, &out, &pages);
	assert_true(pages >= 3);
	assert_non_null(strstr(out.data, " >Tiep: CS BHYT 2"));
	assert_int_equal(parts_of(out.data, &ucs2), 1);
	assert_true(ucs2);
	page_of(accented, &o, pages, &out, &pages);
	assert_null(strstr(out.data, ">Tiep"));
	check_pages(accented, &o);
	o.max_parts = 3;
	check_pages(accented, &o);
	o.more_word = "More";
	page_of(accented, &o, 1, &out, &pages);
	if (pages > 1)
		assert_non_null(strstr(out.data, " >More: CS BHYT 2"));
	buf_release(&out);
}

static void test_diacritics_modes(void **state)
{
	struct reply_opts o = opts(3, "never", "CS BHYT");
	struct buf out;
	int pages = 0, ucs2 = 1;
	(void)state;

	buf_init(&out, 4096);
	page_of("Thẻ BHYT: 2022–2025, ≤1,5 triệu “đ”", &o, 1, &out, &pages);
	assert_string_equal(out.data, "The BHYT: 2022-2025, <=1,5 trieu \"d\"");
	assert_int_equal(parts_of(out.data, &ucs2), 1);
	assert_false(ucs2);

	o.diacritics = "always";
	o.unaccented = 1; /* the contact's KHONG DAU wins */
	page_of("Thẻ BHYT", &o, 1, &out, &pages);
	assert_string_equal(out.data, "The BHYT");

	o.unaccented = 0;
	page_of(accented, &o, 1, &out, &pages);
	parts_of(out.data, &ucs2);
	assert_true(ucs2);
	assert_true(pages >= 2);

	/* auto: the accented answer needs more pages than the plain one: plain */
	o.diacritics = "auto";
	page_of(accented, &o, 1, &out, &pages);
	parts_of(out.data, &ucs2);
	assert_false(ucs2);
	assert_int_equal(pages, 1);
	/* auto: accented text that fits stays accented */
	page_of("Đã chuyển sang tin có dấu.", &o, 1, &out, &pages);
	assert_string_equal(out.data, "Đã chuyển sang tin có dấu.");
	buf_release(&out);
}

/* Without paging a cut answer goes unaccented: 3 accented parts hold less
 * than 3 unaccented ones, and "auto" must never drop what the other form
 * would have sent (issue 20: "toi muon vay von lam an" lost most of it). */
static void test_auto_never_drops_content(void **state)
{
	struct reply_opts o = opts(1, "auto", NULL);
	struct buf out, plain;
	int pages = 0, ucs2 = 1;
	size_t shown;
	(void)state;

	buf_init(&out, 4096);
	buf_init(&plain, 4096);
	assert_int_equal(reply_unaccent(accented, &plain), 0);
	page_of(accented, &o, 1, &out, &pages);
	assert_int_equal(parts_of(out.data, &ucs2), 1);
	assert_false(ucs2);
	/* everything before the cut ("..") is the unaccented text itself */
	shown = strlen(out.data) - 2;
	assert_string_equal(out.data + shown, "..");
	assert_int_equal(strncmp(out.data, plain.data, shown), 0);
	assert_true(shown > 100); /* a GSM-7 part, not 70 UCS-2 characters */
	/* a short accented answer still goes accented */
	page_of("Đã chuyển sang tin có dấu.", &o, 1, &out, &pages);
	assert_string_equal(out.data, "Đã chuyển sang tin có dấu.");
	buf_release(&out);
	buf_release(&plain);
}

static void test_long_word_cut_at_char(void **state)
{
	struct reply_opts o = opts(1, "always", "X");
	struct buf body, out;
	int pages = 0, ucs2;
	(void)state;

	buf_init(&body, 8192);
	buf_init(&out, 8192);
	for (int i = 0; i < 150; i++)
		assert_int_equal(buf_adds(&body, "ệ"), 0);
	page_of(body.data, &o, 1, &out, &pages);
	assert_true(pages >= 3);
	assert_int_equal(parts_of(out.data, &ucs2), 1);
	/* the text before the hint is whole characters */
	{
		char *hint = strstr(out.data, " >Tiep: X 2");

		assert_non_null(hint);
		assert_int_equal((hint - out.data) % 3, 0);
	}
	for (int p = 1; p <= pages; p++) {
		page_of(body.data, &o, p, &out, &pages);
		assert_true(parts_of(out.data, &ucs2) <= 1);
	}
	/* no paging: one page ending in ".." */
	o.more_cmd = NULL;
	page_of(body.data, &o, 1, &out, &pages);
	assert_int_equal(pages, 1);
	assert_true(out.len > 2 && !strcmp(out.data + out.len - 2, ".."));
	assert_int_equal(parts_of(out.data, &ucs2), 1);
	buf_release(&body);
	buf_release(&out);
}

static void test_sections_start_pages(void **state)
{
	struct reply_opts o = opts(1, "never", "CS A");
	struct buf out;
	int pages = 0;
	const char body[] = "Title: short summary here.\fHow to apply: go to the commune office with "
			    "your papers and ask the officer in charge of social affairs for the form, then wait "
			    "for the village meeting that reviews every request in public.";
	(void)state;

	buf_init(&out, 4096);
	page_of(body, &o, 1, &out, &pages);
	assert_string_equal(out.data, "Title: short summary here. >Tiep: CS A 2");
	page_of(body, &o, 2, &out, &pages);
	assert_non_null(strstr(out.data, "How to apply"));
	/* a body that fits one page is sent whole, sections joined */
	o.max_parts = 3;
	page_of(body, &o, 1, &out, &pages);
	assert_int_equal(pages, 1);
	assert_non_null(strstr(out.data, "here. How to apply"));
	buf_release(&out);
}

/* The shortcut counts (reply_parts, reply_measure) agree with the encoder
 * on every kind of text. */
static void test_parts_shortcut_is_exact(void **state)
{
	static const char *const pieces[] = {
		"a", "b ", "Z", "1", " ", ".", "^", "{", "[", "|", "~", "\\", "\xe2\x82\xac", /* € */
		"\xc3\xa0", /* à (GSM) */ "\xe1\xba\xa1", /* ạ (not GSM) */ "\xf0\x9f\x91\x8d", /* 👍 */
	};
	struct buf text;
	unsigned seed = 12345;
	(void)state;

	buf_init(&text, 1 << 16);
	for (int round = 0; round < 400; round++) {
		size_t len = 1 + (size_t)(round * 7 % 700);
		int kinds = 1 + round % 4, fast = 0, exact = 0, ucs2 = 0;

		buf_reset(&text);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly plain letters, some of the awkward kinds */
			assert_int_equal(buf_adds(&text, pieces[(seed >> 16) % 4 == 0 ? (seed >> 8) % (sizeof(pieces) /
				sizeof(pieces[0]) - (size_t)(4 - kinds)) : (seed >> 20) % 5]), 0);
		}
		assert_int_equal(reply_parts(text.data, &fast), 0);
		assert_int_equal(modem_text_parts(text.data, &exact, &ucs2), 0);
		if (fast != exact)
			fail_msg("reply_parts %d != encoder %d for %zu bytes", fast, exact, text.len);
		assert_int_equal(reply_measure(text.data, &fast, &kinds), 0);
		if (fast != exact || kinds != ucs2)
			fail_msg("reply_measure %d/%d != encoder %d/%d", fast, kinds, exact, ucs2);
	}
	/* GSM-7 dense with escape pairs, many parts: where the split rule, not
	 * the septet count, decides */
	for (int round = 0; round < 300; round++) {
		size_t len = 150 + (size_t)(round * 37 % 1800);
		int fast = 0, exact = 0, ucs2 = 0;

		buf_reset(&text);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			assert_int_equal(buf_adds(&text, pieces[(seed >> 16) % (unsigned)(1 + round % 12) < 3
								 ? 4 + (seed >> 8) % 9 : (seed >> 20) % 4]), 0);
		}
		assert_int_equal(modem_text_parts(text.data, &exact, &ucs2), 0);
		assert_false(ucs2);
		assert_int_equal(reply_parts(text.data, &fast), 0);
		if (fast != exact)
			fail_msg("reply_parts %d != encoder %d for %zu GSM-7 bytes", fast, exact, text.len);
	}
	buf_release(&text);
}

/* Sizes add up, and whenever the size alone answers "does it fit" the
 * encoder agrees, on every kind of text and budget. */
static void test_sizes_add_and_agree(void **state)
{
	static const char *const pieces[] = {
		"a", "b ", "Z", "1", " ", ".", "\n", "^", "{", "[", "|", "~", "\\", "`",
		"\xe2\x82\xac", /* € */ "\xc3\xa0", /* à (GSM) */ "\xe1\xba\xa1", /* ạ (not GSM) */
		"\xf0\x9f\x91\x8d", /* 👍 */
	};
	struct buf a, b, both;
	unsigned seed = 777;
	int answered = 0;
	(void)state;

	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	buf_init(&both, 1 << 16);
	for (int round = 0; round < 600; round++) {
		struct reply_size sa, sb, sboth;
		int kinds = 1 + round % 5;

		buf_reset(&a);
		buf_reset(&b);
		for (struct buf *t = &a; t; t = t == &a ? &b : NULL) {
			size_t len = (size_t)(round * 13 % 400) / (t == &a ? 1 : 3);

			for (size_t i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				assert_int_equal(buf_adds(t, pieces[(seed >> 16) % 5 == 0
					? (seed >> 8) % (sizeof(pieces) / sizeof(pieces[0]) - (size_t)(5 - kinds))
					: (seed >> 20) % 5]), 0);
			}
		}
		buf_reset(&both);
		assert_int_equal(buf_add(&both, a.data, a.len), 0);
		assert_int_equal(buf_add(&both, b.data, b.len), 0);
		reply_size_of(a.data, &sa);
		reply_size_of(b.data, &sb);
		reply_size_of(both.data, &sboth);
		reply_size_add(&sa, &sb);
		assert_memory_equal(&sa, &sboth, sizeof(sa));
		for (int max = 1; max <= 6; max++) {
			int parts = 0, ucs2 = 0, fits = reply_size_fits(&sboth, max);

			if (fits < 0)
				continue;
			answered++;
			assert_int_equal(reply_measure(both.data, &parts, &ucs2), 0);
			if (fits != (parts <= max))
				fail_msg("size says %d for %d parts of at most %d (%zu bytes)", fits, parts, max,
					 both.len);
		}
	}
	assert_true(answered > 3000); /* it answers almost always */
	/* invalid UTF-8 is left to the encoder */
	{
		struct reply_size s;

		reply_size_of("ab\xc3", &s);
		assert_int_equal(reply_size_fits(&s, 3), -1);
	}
	buf_release(&a);
	buf_release(&b);
	buf_release(&both);
}

struct collected {
	int calls;
	char pages[64][2048];
};

static int collect(void *cls, int page, const char *text)
{
	struct collected *c = cls;

	assert_int_equal(page, c->calls + 1); /* in order, each once */
	if (c->calls < 64)
		snprintf(c->pages[c->calls], sizeof(c->pages[0]), "%s", text);
	c->calls++;
	return 0;
}

/* reply_pages gives in one pass exactly what reply_page gives page by
 * page, and stops at max_pages saying there is more. */
static void test_pages_in_one_pass(void **state)
{
	struct reply_opts o = { 2, 0, "auto", "CS BHYT", "Tiep" };
	struct collected *c = calloc(1, sizeof(*c));
	struct buf body, one;
	int pages = 0, np = 0;
	(void)state;

	buf_init(&body, 1 << 16);
	buf_init(&one, 4096);
	for (int i = 0; i < 40; i++)
		assert_int_equal(buf_addf(&body, "Phần %d: hộ nghèo được hỗ trợ.%c", i, i % 7 == 6 ? '\f' : ' '), 0);
	for (int i = 0; i < 900; i++) /* and one word longer than any page */
		assert_int_equal(buf_addch(&body, 'x'), 0);
	assert_int_equal(reply_pages(body.data, &o, 0, collect, c, &pages), 0);
	assert_int_equal(c->calls, pages);
	assert_true(pages > 5);
	for (int n = 1; n <= pages; n++) {
		buf_reset(&one);
		assert_int_equal(reply_page(body.data, &o, n, &one, &np), 0);
		assert_int_equal(np, pages);
		assert_string_equal(one.data, c->pages[n - 1]);
	}
	assert_int_equal(reply_page(body.data, &o, pages + 1, &one, &np), GW_ERR_NOTFOUND);
	memset(c, 0, sizeof(*c));
	assert_int_equal(reply_pages(body.data, &o, 3, collect, c, &np), 0);
	assert_int_equal(c->calls, 3);
	assert_int_equal(np, 4); /* "more than 3" */
	free(c);
	buf_release(&body);
	buf_release(&one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_fits_whole),
		cmocka_unit_test(test_gsm7_and_ucs2_budgets),
		cmocka_unit_test(test_paging_hint_and_words),
		cmocka_unit_test(test_diacritics_modes),
		cmocka_unit_test(test_auto_never_drops_content),
		cmocka_unit_test(test_long_word_cut_at_char),
		cmocka_unit_test(test_sections_start_pages),
		cmocka_unit_test(test_parts_shortcut_is_exact),
		cmocka_unit_test(test_sizes_add_and_agree),
		cmocka_unit_test(test_pages_in_one_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
