/* Unit tests: gateway/csv (RFC 4180 reader and writer as spreadsheets use
 * them) and the CSV rows -> records conversion of gateway/content_io. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/csv.h"

/* Read all rows of text; returns the last csv_read_row result. rows gets
 * "a|b|c;" per row. */
static int read_all(const char *text, size_t len, struct buf *rows, char *err, size_t errsz,
		    struct csv_reader *rd_out)
{
	struct csv_row row = CSV_ROW_INIT;
	struct csv_reader rd;
	int r;

	if ((r = csv_reader_init(&rd, text, len, err, errsz)) < 0)
		return r;
	csv_reader_sniff(&rd);
	while ((r = csv_read_row(&rd, &row, err, errsz)) == 1) {
		for (size_t i = 0; i < row.n; i++)
			assert_int_equal(buf_addf(rows, "%s%s", i ? "|" : "", row.fields[i]), 0);
		assert_int_equal(buf_addch(rows, ';'), 0);
	}
	csv_row_release(&row);
	if (rd_out)
		*rd_out = rd;
	return r;
}

static void test_writer_quotes_everything(void **state)
{
	const char *fields[] = { "BHYT", "Thẻ \"bảo hiểm\", y tế", "dòng 1\ndòng 2", NULL, "" };
	struct buf out;

	buf_init(&out, 4096);
	assert_int_equal(csv_write_bom(&out), 0);
	assert_int_equal(csv_write_row(&out, fields, 5), 0);
	assert_string_equal(out.data, "\xEF\xBB\xBF\"BHYT\",\"Thẻ \"\"bảo hiểm\"\", y tế\","
				      "\"dòng 1\ndòng 2\",\"\",\"\"\r\n");
	buf_release(&out);
}

static void test_round_trip_and_bom(void **state)
{
	const char *fields[] = { "a\"\"b", "\"", ",;", "x\r\ny", " lead", "trail " };
	struct buf out, rows;
	char err[256];

	buf_init(&out, 4096);
	buf_init(&rows, 4096);
	assert_int_equal(csv_write_bom(&out), 0);
	assert_int_equal(csv_write_row(&out, fields, 6), 0);
	assert_int_equal(csv_write_row(&out, fields, 2), 0);
	assert_int_equal(read_all(out.data, out.len, &rows, err, sizeof(err), NULL), 0);
	assert_string_equal(rows.data, "a\"\"b|\"|,;|x\r\ny| lead|trail ;a\"\"b|\";");
	buf_release(&out);
	buf_release(&rows);
}

/* Finding of issue 16: an export carried formulas into a spreadsheet. A
 * cell that could run is written after one more single quote (OWASP), and
 * the reader takes exactly that quote off again: every text round-trips,
 * quotes of its own included. */
static void test_formulas_inert(void **state)
{
	const char *fields[] = { "=HYPERLINK(\"http://x\",\"bam\")", "+84912345678", "-5", "@SUM(A1)",
				 "\tTab", "\rCR", "'=already quoted", "''+two", "'plain", "a=b", "" };
	const size_t n = sizeof(fields) / sizeof(fields[0]);
	struct csv_row row = CSV_ROW_INIT;
	struct csv_reader rd;
	struct buf out;
	char err[256];

	buf_init(&out, 4096);
	assert_int_equal(csv_write_row(&out, fields, n), 0);
	assert_non_null(strstr(out.data, "\"'=HYPERLINK("));
	assert_non_null(strstr(out.data, "\"'+84912345678\""));
	assert_non_null(strstr(out.data, "\"'-5\""));
	assert_non_null(strstr(out.data, "\"'@SUM(A1)\""));
	assert_non_null(strstr(out.data, "\"'\tTab\""));
	assert_non_null(strstr(out.data, "\"''=already quoted\""));
	assert_non_null(strstr(out.data, "\"'plain\""));  /* not a formula: as it is */
	assert_non_null(strstr(out.data, "\"a=b\""));
	/* no cell of the export starts with a formula character */
	for (const char *p = out.data; (p = strchr(p, '"')); p++)
		if (p[1] && strchr("=+-@", p[1]) && (p == out.data || p[-1] == ','))
			fail_msg("a formula cell: %.20s", p);
	assert_int_equal(csv_reader_init(&rd, out.data, out.len, err, sizeof(err)), 0);
	assert_int_equal(csv_read_row(&rd, &row, err, sizeof(err)), 1);
	assert_int_equal(row.n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(row.fields[i], fields[i]);
	csv_row_release(&row);
	buf_release(&out);
}

static void test_line_ends_blank_lines_and_rows(void **state)
{
	static const char text[] = "h1,h2\r\n\r\n\"multi\nline\",x\ry,z\n\nlast,\"\"";
	struct csv_reader rd;
	struct buf rows;
	char err[256];

	buf_init(&rows, 1024);
	assert_int_equal(read_all(text, sizeof(text) - 1, &rows, err, sizeof(err), &rd), 0);
	assert_string_equal(rows.data, "h1|h2;multi\nline|x;y|z;last|;");
	/* a spreadsheet counts blank rows: h1=1, blank=2, multi=3, y=4, blank=5, last=6 */
	assert_int_equal(rd.sheet_row, 6);
	assert_int_equal(rd.line, 7);
	buf_release(&rows);
}

static void test_semicolon_sniffed(void **state)
{
	static const char text[] = "code;title_vi;summary_vi\nA;\"x, y\";z\n";
	struct buf rows;
	char err[256];

	buf_init(&rows, 1024);
	assert_int_equal(read_all(text, sizeof(text) - 1, &rows, err, sizeof(err), NULL), 0);
	assert_string_equal(rows.data, "code|title_vi|summary_vi;A|x, y|z;");
	buf_release(&rows);
}

static void test_errors_name_the_line(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *expect;
	} cases[] = {
		{ "a,b\nc,\"never\nclosed", 0, "line 2: quoted field opened here is never closed" },
		{ "a,b\nc,d\"e\n", 0, "line 2: a quote inside a field" },
		{ "a,\"b\"c\n", 0, "line 1: text after the closing quote" },
		{ "a,b\n\"x\ny\",\xc3\x28\n", 0, "line 3: not valid UTF-8" },
		{ "a,b\nLatin-1 caf\xe9,x\n", 0, "line 2: not valid UTF-8" },
		{ "\xff\xfe" "a\0,\0", 6, "UTF-16" },
		{ "a,b\nx\0y,z\n", 10, "line 2: not valid UTF-8" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		struct buf rows;

		buf_init(&rows, 1024);
		err[0] = '\0';
		assert_true(read_all(cases[i].text, len, &rows, err, sizeof(err), NULL) < 0);
		if (!strstr(err, cases[i].expect))
			fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].expect);
		buf_release(&rows);
	}
}

static void test_field_cap(void **state)
{
	size_t n = CSV_FIELD_MAX + 10;
	char *text = malloc(n + 4), err[256];
	struct buf rows;

	memset(text, 'x', n);
	memcpy(text + n, "\n", 2);
	buf_init(&rows, 1024);
	assert_int_equal(read_all(text, n + 1, &rows, err, sizeof(err), NULL), GW_ERR_TOOBIG);
	assert_non_null(strstr(err, "longer than"));
	buf_release(&rows);
	free(text);
}

/* CSV rows become records; what does not convert is left for validation,
 * which names the spreadsheet row. */
static void test_rows_to_records(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF" "Code,TITLE_VI,summary_vi,keywords,needs_check,effective_from\r\n"
		"BHYT,Thẻ BHYT,\"Hộ nghèo\nđược cấp thẻ\", bhyt ;bảo hiểm y tế;; ,có,\r\n"
		",,,,,\r\n"
		"VAY,Vay vốn,Vay ưu đãi,,maybe,2025-07-01\r\n";
	struct content_file f;
	struct content_opts o;
	json_t *r0, *r1;
	char err[512];

	assert_int_equal(content_io_from_csv(text, sizeof(text) - 1, CONTENT_PROGRAMS, "p.csv", &f,
					     err, sizeof(err)), 0);
	assert_int_equal(json_array_size(f.records), 2);
	r0 = json_array_get(f.records, 0);
	r1 = json_array_get(f.records, 1);
	assert_string_equal(json_string_value(json_object_get(r0, "summary_vi")),
			    "Hộ nghèo\nđược cấp thẻ");
	assert_int_equal(json_array_size(json_object_get(r0, "keywords")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(r0, "keywords"), 1)),
			    "bảo hiểm y tế");
	assert_true(json_is_true(json_object_get(r0, "needs_check")));
	assert_null(json_object_get(r0, "effective_from"));
	/* the blank row 3 is skipped but counted: VAY is row 4 */
	assert_int_equal(f.numbers[1], 4);
	content_opts_init(&o, "test", "p.csv");
	content_io_label(&f, &o);
	assert_true(content_validate(CONTENT_PROGRAMS, f.records, &o, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "p.csv: row 4 (VAY): needs_check: must be true or false"));
	assert_string_equal(json_string_value(json_object_get(r1, "effective_from")), "2025-07-01");
	content_io_release(&f);
}

static void test_header_problems(void **state)
{
	static const struct {
		const char *text;
		const char *expect;
	} cases[] = {
		{ "code,title_vi,sumary_vi\nA,b,c\n", "row 1: unknown column 'sumary_vi'" },
		{ "code,title_vi\nA,b\n", "no 'summary_vi' column" },
		{ "code,title_vi,summary_vi,code\nA,b,c,d\n", "column 'code' appears twice" },
		{ "code,title_vi,summary_vi\nA,b,c,extra\n", "row 2: more cells than the header" },
		{ "", "empty file" },
	};
	static const char trailing[] = "code,title_vi,summary_vi,,\nA,b,c,,\n";
	struct content_file f;
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_true(content_io_from_csv(cases[i].text, strlen(cases[i].text), CONTENT_PROGRAMS,
						"p.csv", &f, err, sizeof(err)) < 0);
		if (!strstr(err, cases[i].expect))
			fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].expect);
	}
	/* trailing empty cells (spreadsheets add them) are fine */
	assert_int_equal(content_io_from_csv(trailing, sizeof(trailing) - 1, CONTENT_PROGRAMS,
					     "p.csv", &f, err, sizeof(err)), 0);
	content_io_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_quotes_everything),
		cmocka_unit_test(test_round_trip_and_bom),
		cmocka_unit_test(test_formulas_inert),
		cmocka_unit_test(test_line_ends_blank_lines_and_rows),
		cmocka_unit_test(test_semicolon_sniffed),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_field_cap),
		cmocka_unit_test(test_rows_to_records),
		cmocka_unit_test(test_header_problems),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
