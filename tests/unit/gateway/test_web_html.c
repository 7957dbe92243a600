/* Unit tests: the web console's text handling - HTML escaping and the
 * escaping printf, URL encoding, urlencoded form parsing (and what it
 * refuses), local-path checks, path segments, the word diff, the SVG
 * chart, dates and plain words (web_words), typed numbers and dates
 * (web_input). No database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/web/web_diff.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_input.h"
#include "gateway/web/web_request.h"
#include "gateway/web/web_svg.h"
#include "gateway/web/web_words.h"

static void test_escape(void **state)
{
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(web_html_esc(&b, "<script>alert('x') & \"y\"</script>"), 0);
	assert_string_equal(b.data, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
	buf_reset(&b);
	assert_int_equal(web_html_esc(&b, "Thẻ bảo hiểm y tế"), 0);
	assert_string_equal(b.data, "Thẻ bảo hiểm y tế"); /* UTF-8 untouched */
	buf_reset(&b);
	assert_int_equal(web_html_esc(&b, NULL), 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void test_printf(void **state)
{
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(web_h(&b, "<a href=\"/p/%.*s\" title=\"%s\">%s</a>%.*s %d %lld 100%%", WEB_URL,
			       "A B/<c>", "\"><script>", "<b>", WEB_RAW, "<i>raw</i>", -5,
			       (long long)(int64_t)1234567890123LL), 0);
	assert_string_equal(b.data, "<a href=\"/p/A%20B%2F%3Cc%3E\" title=\"&quot;&gt;&lt;script&gt;\">"
				    "&lt;b&gt;</a><i>raw</i> -5 1234567890123 100%");
	buf_reset(&b);
	assert_int_equal(web_h(&b, "%x", 1), GW_ERR_INVAL); /* our bug: refused loudly */
	buf_reset(&b);
	/* printf would take these; web_h knows only its modes and conversions */
	assert_int_equal(web_h(&b, "%.*s", 3, "abcdef"), GW_ERR_INVAL);
	buf_reset(&b);
	assert_int_equal(web_h(&b, "%ld", 7L), GW_ERR_INVAL);
	buf_reset(&b);
	assert_int_equal(web_h(&b, "[%.*s|%.*s]", WEB_RAW, "a&b", WEB_URL, "a&b"), 0);
	assert_string_equal(b.data, "[a&b|a%26b]");
	buf_reset(&b);
	assert_int_equal(web_url_enc(&b, "+84 9x~é"), 0);
	assert_string_equal(b.data, "%2B84%209x~%C3%A9");
	buf_release(&b);
}

static void test_table_begin(void **state)
{
	struct web_req rq;
	struct buf b;

	memset(&rq, 0, sizeof(rq));
	buf_init(&b, 1024);
	assert_int_equal(web_table_begin(&rq, &b, "jobs", "#", "#", "Việc", "Offer", "", "",
					 "<x>", "<x>", NULL), 0);
	assert_string_equal(b.data, "<div class=\"tbl\"><table id=\"jobs\"><thead><tr><th>#</th>"
				    "<th>Việc</th><th></th><th>&lt;x&gt;</th></tr></thead><tbody>");
	buf_reset(&b);
	rq.en = 1;
	assert_int_equal(web_table_begin(&rq, &b, "t", "Việc", "Offer", NULL), 0);
	assert_non_null(strstr(b.data, "<th>Offer</th></tr>"));
	buf_release(&b);
}

/* One date format on every page, joined by no-break spaces; amounts and
 * stored values in plain words, an unknown value never shown as itself. */
#define NB "\xc2\xa0" /* no-break space */

static void test_words(void **state)
{
	struct gw_settings cfg;
	struct web_req rq;
	char out[WEB_TIME_LEN];
	struct buf b;

	settings_defaults(&cfg);
	memset(&rq, 0, sizeof(rq));
	rq.cfg = &cfg;
	/* 2026-12-16 03:11 UTC = Wednesday 10:11 in Hanoi */
	web_fmt_time(&rq, 1797390660, out, sizeof(out));
	assert_string_equal(out, "T4" NB "16/12/2026" NB "10h11");
	web_fmt_day(&rq, 1797390660, out, sizeof(out));
	assert_string_equal(out, "T4" NB "16/12/2026");
	web_fmt_time(&rq, 0, out, sizeof(out));
	assert_string_equal(out, "-");
	web_fmt_daystr(&rq, "2026-12-31", out, sizeof(out));
	assert_string_equal(out, "T5" NB "31/12/2026");
	web_fmt_hhmm(&rq, "07:30", out, sizeof(out));
	assert_string_equal(out, "7h30");
	rq.now = 1797390660 - 3600; /* the same morning */
	web_fmt_soon(&rq, 1797390660, out, sizeof(out));
	assert_string_equal(out, "hôm nay" NB "10h11");
	web_fmt_soon(&rq, 1797390660 + 86400, out, sizeof(out));
	assert_string_equal(out, "ngày mai" NB "10h11");
	web_fmt_soon(&rq, 1797390660 + 2 * 86400, out, sizeof(out));
	assert_string_equal(out, "T6" NB "18/12/2026" NB "10h11");
	buf_init(&b, 256);
	assert_int_equal(web_fmt_amount(&rq, 5000000, &b), 0);
	assert_string_equal(b.data, "5.000.000");
	buf_reset(&b);
	assert_int_equal(web_fmt_periods(&rq, "07:30-11:30,13:30-17:00", &b), 0);
	assert_string_equal(b.data, "7h30–11h30, 13h30–17h00");
	assert_string_equal(web_outbox_status_label(&rq, "sent"), "đã gửi");
	assert_string_equal(web_inbox_status_label(&rq, "handled"), "đã trả lời tự động");
	assert_string_equal(web_intent_label(&rq, "job_apply"), "Ứng tuyển");
	assert_string_equal(web_outbox_status_label(&rq, "some_new_state"), "khác");
	assert_string_equal(web_sim_label(&rq, "ready"), "sẵn sàng");
	rq.en = 1;
	web_fmt_time(&rq, 1797390660, out, sizeof(out));
	assert_string_equal(out, "Wed" NB "16/12/2026" NB "10:11");
	buf_reset(&b);
	assert_int_equal(web_fmt_amount(&rq, -1234, &b), 0);
	assert_string_equal(b.data, "-1,234");
	assert_string_equal(web_outbox_status_label(&rq, "sent"), "sent");
	buf_release(&b);
}

/* Numbers and dates as people type them (web_input.h). */
static void test_input(void **state)
{
	time_t now = 1796601600; /* Mon 2026-12-07 07:00 office time */
	long long v = -1;
	char d[16];

	assert_int_equal(web_input_amount("5.000.000", &v), 0);
	assert_int_equal(v, 5000000);
	assert_int_equal(web_input_amount("5tr", &v), 0);
	assert_int_equal(v, 5000000);
	assert_int_equal(web_input_amount("5 triệu", &v), 0);
	assert_int_equal(v, 5000000);
	assert_int_equal(web_input_amount("4tr5", &v), 0);
	assert_int_equal(v, 4500000);
	assert_int_equal(web_input_amount("7000000", &v), 0);
	assert_int_equal(v, 7000000);
	assert_int_equal(web_input_amount("năm triệu hay sáu triệu", &v), GW_ERR_INVAL);
	assert_int_equal(web_input_amount("abc", &v), GW_ERR_INVAL);
	assert_int_equal(web_input_amount("5.00.000", &v), GW_ERR_INVAL);
	assert_int_equal(web_input_amount("  ", &v), GW_ERR_NOTFOUND);
	assert_int_equal(web_input_count("1.200", &v), 0);
	assert_int_equal(v, 1200);
	assert_int_equal(web_input_count("18 tuổi", &v), GW_ERR_INVAL);
	assert_int_equal(web_input_date("31/12/2026", now, 420, d, sizeof(d)), 0);
	assert_string_equal(d, "2026-12-31");
	assert_int_equal(web_input_date("31/12", now, 420, d, sizeof(d)), 0);
	assert_string_equal(d, "2026-12-31");
	assert_int_equal(web_input_date("15/1", now, 420, d, sizeof(d)), 0);
	assert_string_equal(d, "2027-01-15"); /* the next 15 January */
	assert_int_equal(web_input_date("2026-12-31", now, 420, d, sizeof(d)), 0);
	assert_string_equal(d, "2026-12-31");
	assert_int_equal(web_input_date("31/02/2027", now, 420, d, sizeof(d)), GW_ERR_INVAL);
	assert_int_equal(web_input_date("2026-02-30", now, 420, d, sizeof(d)), GW_ERR_INVAL);
	assert_int_equal(web_input_date("cuoi nam", now, 420, d, sizeof(d)), GW_ERR_INVAL);
	assert_int_equal(web_input_date("", now, 420, d, sizeof(d)), GW_ERR_NOTFOUND);
}

static void test_form(void **state)
{
	struct web_form f;
	long long n;
	char big[WEB_FORM_FIELDS_MAX * 4 + 16];
	size_t len = 0;

	web_form_init(&f);
	assert_int_equal(web_form_parse("a=1&b=x+y%21&&c=&d&e=Th%E1%BA%BB", 32, &f), 0);
	assert_int_equal((int)f.n, 5);
	assert_string_equal(web_form_get(&f, "a"), "1");
	assert_string_equal(web_form_get(&f, "b"), "x y!");
	assert_string_equal(web_form_get(&f, "c"), "");
	assert_string_equal(web_form_get(&f, "d"), "");
	assert_string_equal(web_form_get(&f, "e"), "Thẻ");
	assert_null(web_form_get(&f, "zz"));
	assert_string_equal(web_form_str(&f, "zz"), "");
	assert_int_equal(web_form_int(&f, "a", 0, 10, &n), 0);
	assert_int_equal((int)n, 1);
	assert_int_equal(web_form_int(&f, "a", 2, 10, &n), GW_ERR_INVAL);
	assert_int_equal(web_form_int(&f, "b", 0, 10, &n), GW_ERR_INVAL);
	assert_int_equal(web_form_int(&f, "zz", 0, 10, &n), GW_ERR_INVAL);
	web_form_release(&f);
	/* textareas keep their lines */
	assert_int_equal(web_form_parse("t=a%0D%0Ab%09c", 14, &f), 0);
	assert_string_equal(web_form_get(&f, "t"), "a\r\nb\tc");
	web_form_release(&f);
	/* refused: bad escapes, no name, not UTF-8, control characters */
	assert_int_equal(web_form_parse("a=%zz", 5, &f), GW_ERR_INVAL);
	assert_int_equal(web_form_parse("a=%4", 4, &f), GW_ERR_INVAL);
	assert_int_equal(web_form_parse("=x", 2, &f), GW_ERR_INVAL);
	assert_int_equal(web_form_parse("a=%ff%fe", 8, &f), GW_ERR_INVAL);
	assert_int_equal(web_form_parse("a=%00", 5, &f), GW_ERR_INVAL);
	assert_int_equal(web_form_parse("a=%1b", 5, &f), GW_ERR_INVAL);
	assert_int_equal((int)f.n, 0);
	for (int i = 0; i <= WEB_FORM_FIELDS_MAX; i++) {
		memcpy(big + len, "a=1&", 4);
		len += 4;
	}
	assert_int_equal(web_form_parse(big, len, &f), GW_ERR_TOOBIG);
	assert_int_equal(web_form_parse("", 0, &f), 0);
	assert_int_equal((int)f.n, 0);
	web_form_release(&f);
}

static void test_paths(void **state)
{
	char seg[16];
	const char *rest;
	int64_t id;
	struct web_resp rs;

	assert_true(web_local_path("/programs?q=x"));
	assert_false(web_local_path("//evil.example/"));
	assert_false(web_local_path("/\\evil.example"));
	assert_false(web_local_path("https://evil.example/"));
	assert_false(web_local_path("programs"));
	assert_false(web_local_path("/a\r\nSet-Cookie: x"));
	assert_false(web_local_path(NULL));
	assert_int_equal(web_path_segment("/jobs/12/close", "/jobs/", seg, sizeof(seg), &rest), 0);
	assert_string_equal(seg, "12");
	assert_string_equal(rest, "/close");
	assert_int_equal(web_path_segment("/jobs/", "/jobs/", seg, sizeof(seg), &rest), GW_ERR_NOTFOUND);
	assert_int_equal(web_path_segment("/jobs/12", "/programs/", seg, sizeof(seg), NULL), GW_ERR_NOTFOUND);
	assert_int_equal(web_path_segment("/programs/ABCDEFGHIJKLMNOPQRSTUVWXYZ", "/programs/", seg,
					  sizeof(seg), NULL), GW_ERR_TOOBIG);
	assert_int_equal(web_parse_id("42", &id), 0);
	assert_int_equal((int)id, 42);
	assert_int_equal(web_parse_id("0", &id), GW_ERR_INVAL);
	assert_int_equal(web_parse_id("-1", &id), GW_ERR_INVAL);
	assert_int_equal(web_parse_id("4x", &id), GW_ERR_INVAL);
	assert_int_equal(web_parse_id("99999999999999999999999", &id), GW_ERR_INVAL);
	web_resp_init(&rs);
	assert_int_equal(web_redirect(&rs, "//evil"), GW_ERR_INVAL);
	assert_int_equal(web_redirect(&rs, "/ok"), 0);
	assert_int_equal((int)rs.status, 303);
	assert_string_equal(rs.location, "/ok");
	for (int i = 0; i < WEB_COOKIES_MAX; i++)
		assert_int_equal(web_resp_cookie(&rs, "a=b"), 0);
	assert_int_equal(web_resp_cookie(&rs, "a=b"), GW_ERR_TOOBIG);
	web_resp_release(&rs);
}

static void test_diff(void **state)
{
	struct buf b;

	buf_init(&b, 64 * 1024);
	assert_int_equal(web_diff_words("the card is free", "the card is free", &b), 0);
	assert_string_equal(b.data, "the card is free");
	buf_reset(&b);
	assert_int_equal(web_diff_words("the card is free", "the new card is not free", &b), 0);
	assert_string_equal(b.data, "the <ins>new </ins>card is <ins>not </ins>free");
	buf_reset(&b);
	assert_int_equal(web_diff_words("pay 100k now", "pay 50k now", &b), 0);
	assert_string_equal(b.data, "pay <del>100k</del><ins>50k</ins> now");
	buf_reset(&b);
	assert_int_equal(web_diff_words("", "<b>x</b>", &b), 0);
	assert_string_equal(b.data, "<ins>&lt;b&gt;x&lt;/b&gt;</ins>");
	buf_reset(&b);
	assert_int_equal(web_diff_words("gone", "", &b), 0);
	assert_string_equal(b.data, "<del>gone</del>");
	buf_release(&b);
}

static void test_diff_long(void **state)
{
	struct buf b;
	char *a = malloc(WEB_DIFF_TOKENS_MAX * 2 + 8), *c = malloc(WEB_DIFF_TOKENS_MAX * 2 + 8);

	assert_non_null(a);
	assert_non_null(c);
	for (int i = 0; i < WEB_DIFF_TOKENS_MAX; i++) {
		a[2 * i] = 'a';
		a[2 * i + 1] = ' ';
		c[2 * i] = 'c';
		c[2 * i + 1] = ' ';
	}
	a[WEB_DIFF_TOKENS_MAX * 2] = c[WEB_DIFF_TOKENS_MAX * 2] = '\0';
	buf_init(&b, 1024 * 1024);
	/* too many words for the table: old deleted, new inserted, whole */
	assert_int_equal(web_diff_words(a, c, &b), 0);
	assert_true(strncmp(b.data, "<del>a a ", 9) == 0);
	assert_non_null(strstr(b.data, "</del><ins>c c "));
	buf_release(&b);
	free(a);
	free(c);
}

static void test_svg(void **state)
{
	struct web_chart *c = calloc(1, sizeof(*c));
	struct buf b;
	int step, top, rects = 0;

	web_svg_axis(0, &step, &top);
	assert_int_equal(step, 1);
	assert_int_equal(top, 1);
	web_svg_axis(17, &step, &top);
	assert_int_equal(step, 5);
	assert_int_equal(top, 20);
	web_svg_axis(1234, &step, &top);
	assert_int_equal(step, 500);
	assert_int_equal(top, 1500);
	assert_non_null(c);
	c->first_day = 20000;
	c->days = 30;
	c->nseries = 2;
	gw_strlcpy(c->names[0], "policy", sizeof(c->names[0]));
	gw_strlcpy(c->names[1], "<evil>", sizeof(c->names[1]));
	c->counts[0][0] = 3;
	c->counts[1][0] = 2;
	c->counts[0][29] = 7;
	buf_init(&b, 256 * 1024);
	assert_int_equal(web_svg_chart(c, "Chart \"x\"", &b), 0);
	assert_true(strncmp(b.data, "<svg ", 5) == 0);
	assert_non_null(strstr(b.data, "aria-label=\"Chart &quot;x&quot;\""));
	assert_non_null(strstr(b.data, "&lt;evil&gt;: 2"));
	assert_null(strstr(b.data, "<evil>"));
	assert_null(strstr(b.data, "style="));
	for (const char *p = b.data; (p = strstr(p, "<rect")); p++)
		rects++;
	assert_int_equal(rects, 3);
	buf_reset(&b);
	assert_int_equal(web_svg_legend(c, &b), 0);
	assert_non_null(strstr(b.data, "&lt;evil&gt;"));
	assert_non_null(strstr(b.data, web_svg_colour(1)));
	buf_release(&b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape), cmocka_unit_test(test_printf),
		cmocka_unit_test(test_form), cmocka_unit_test(test_table_begin),   cmocka_unit_test(test_paths),
		cmocka_unit_test(test_diff),   cmocka_unit_test(test_diff_long),
		cmocka_unit_test(test_svg), cmocka_unit_test(test_words),
		cmocka_unit_test(test_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
