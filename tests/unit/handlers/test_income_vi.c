/* test_income_vi.c - table-driven tests of handlers/income_vi.
 *
 * Each row is a message and what must be read from it: the amount in
 * dong and its qualifiers, the household size, the monthly income per
 * person, or the reason it is refused. Every mismatch is reported before
 * the test fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/gw_err.h"
#include "handlers/vi/income_vi.h"

#define P 1 /* per person */
#define Y 1 /* per year */
#define D 1 /* per day */

struct row {
	const char *text;
	long long vnd;        /* -1: no amount */
	int per_person, per_year, per_day;
	int household;        /* 0: no size */
	long long monthly_pp; /* income_vi_monthly_per_person */
	int count;            /* amounts seen */
	const char *why;      /* non-NULL: must fail with GW_ERR_INVAL and this reason */
};

static const struct row rows[] = {
	/* amounts */
	{ "6tr", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "6 trieu", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "6 TRIỆU", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "6trieu", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "2tr5", 2500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1tr250", 1250000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1tr05", 1050000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1tr2/nguoi", 1200000, P, 0, 0, 0, 1200000, 1, NULL },
	{ "1.200.000", 1200000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1,200,000", 1200000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1200000", 1200000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1 200 000 đồng", 1200000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1.200.000đ", 1200000, 0, 0, 0, 0, -1, 1, NULL },
	{ "50000d", 50000, 0, 0, 0, 0, -1, 1, NULL },
	{ "12.000.000 VND", 12000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1200k", 1200000, 0, 0, 0, 0, -1, 1, NULL },
	{ "800 nghin", 800000, 0, 0, 0, 0, -1, 1, NULL },
	{ "800 nghìn", 800000, 0, 0, 0, 0, -1, 1, NULL },
	{ "800 ngan", 800000, 0, 0, 0, 0, -1, 1, NULL },
	{ "800k", 800000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1,5 trieu", 1500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1.5tr", 1500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "0,5 triệu", 500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1,25tr", 1250000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1.500 trieu", 1500000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "mot trieu ruoi", 1500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "một triệu hai", 1200000, 0, 0, 0, 0, -1, 1, NULL },
	{ "hai muoi trieu", 20000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "muoi lam trieu", 15000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "2 trieu 500 nghin", 2500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "2 trieu ruoi", 2500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "2 trieu 5", 2500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "2 trieu 5 tram", 2500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "5 tram nghin", 500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "luong 5 tram", 500000, 0, 0, 0, 0, -1, 1, NULL },
	{ "1ty2", 1200000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "0 dong", 0, 0, 0, 0, 0, -1, 1, NULL },
	{ "- 6tr", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "9.999.999.999d", 9999999999LL, 0, 0, 0, 0, -1, 1, NULL },
	/* qualifiers */
	{ "6 trieu/nam", 6000000, 0, Y, 0, 0, -1, 1, NULL },
	{ "60 trieu mot nam, nha 5 nguoi", 60000000, 0, Y, 0, 5, 1000000, 1, NULL },
	{ "moi nam 60 trieu, nha 5 khau", 60000000, 0, Y, 0, 5, 1000000, 1, NULL },
	{ "thu nhap nam qua 36tr, 3 nguoi", 36000000, 0, Y, 0, 3, 1000000, 1, NULL },
	{ "binh quan dau nguoi 1tr5", 1500000, P, 0, 0, 0, 1500000, 1, NULL },
	{ "thu nhap binh quan 1,8 trieu", 1800000, P, 0, 0, 0, 1800000, 1, NULL },
	{ "thu nhap moi nguoi 2tr", 2000000, P, 0, 0, 0, 2000000, 1, NULL },
	{ "2tr 1 nguoi 1 thang", 2000000, P, 0, 0, 0, 2000000, 1, NULL },
	{ "1tr2/ng/thang, nha 4 nguoi", 1200000, P, 0, 0, 4, 1200000, 1, NULL },
	{ "24tr/nguoi/nam", 24000000, P, Y, 0, 0, 2000000, 1, NULL },
	{ "6tr/thang", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "200k/ngay", 200000, 0, 0, D, 0, -1, 1, NULL },
	{ "lam thue moi ngay 250 nghin", 250000, 0, 0, D, 0, -1, 1, NULL },
	{ "ca nha 8tr, 4 nguoi", 8000000, 0, 0, 0, 4, 2000000, 1, NULL },
	/* household size */
	{ "nha 4 nguoi thu nhap 8tr", 8000000, 0, 0, 0, 4, 2000000, 1, NULL },
	{ "Thu nhập 6 triệu đồng/tháng, nhà có 4 người", 6000000, 0, 0, 0, 4, 1500000, 1, NULL },
	{ "4 khau", -1, 0, 0, 0, 4, -1, 0, NULL },
	{ "gia dinh 5 nguoi, 10 trieu", 10000000, 0, 0, 0, 5, 2000000, 1, NULL },
	{ "gia dinh nam nguoi thu 7tr", 7000000, 0, 0, 0, 5, 1400000, 1, NULL },
	{ "ho co 3 nhan khau, 4.500.000", 4500000, 0, 0, 0, 3, 1500000, 1, NULL },
	{ "nha 7 nguoi, thu nhap 10tr", 10000000, 0, 0, 0, 7, 1428571, 1, NULL },
	{ "luong 6tr, vo 4tr", 6000000, 0, 0, 0, 0, -1, 2, NULL },
	/* refused */
	{ "20 ty", -1, 0, 0, 0, 0, -1, 0, "amount too large" },
	{ "10.000.000.001 dong", -1, 0, 0, 0, 0, -1, 0, "amount too large" },
	{ "99999999999999999999999 trieu", -1, 0, 0, 0, 0, -1, 0, "amount too large" },
	{ "-6tr", -1, 0, 0, 0, 0, -1, 0, "negative amount" },
	/* not amounts */
	{ "3/12", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "hen ngay 15/12/2025", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "3.12", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "1/2", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "0912345678", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "0912.345.678", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "+84 912 345 678", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "84912345678", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "CCCD 001234567890", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "30 tuoi", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "nam 2025", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "8h30", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "3-5 trieu", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "UT 3", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "5 tram met", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "mot nam", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "so nha 125", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "", -1, 0, 0, 0, 0, -1, 0, NULL },
	{ "\xff\xfe\x80 6tr \xc3", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "6 trieu nam 2024", 6000000, 0, 0, 0, 0, -1, 1, NULL },
	{ "nha 50 nguoi", -1, 0, 0, 0, 0, -1, 0, NULL },
};

static int check_row(const struct row *w)
{
	struct income_vi r;
	const char *why = "untouched";
	long long mpp;
	int rc, bad = 0;

	memset(&r, 0x5a, sizeof r);
	rc = income_vi_parse(w->text, &r, &why);
	if (w->why) {
		const unsigned char *p = (const unsigned char *)&r;

		if (rc != GW_ERR_INVAL || strcmp(why, w->why) != 0) {
			print_error("'%s': want error '%s', got rc %d\n", w->text, w->why, rc);
			bad = 1;
		}
		for (size_t i = 0; i < sizeof r; i++)
			if (p[i] != 0x5a) {
				print_error("'%s': out written on failure\n", w->text);
				bad = 1;
				break;
			}
		return bad;
	}
	if (rc != 0) {
		print_error("'%s': want success, got rc %d '%s'\n", w->text, rc, why);
		return 1;
	}
	if (strcmp(why, "untouched") != 0) {
		print_error("'%s': why written on success\n", w->text);
		bad = 1;
	}
	mpp = income_vi_monthly_per_person(&r);
	if (r.has_income != (w->vnd >= 0) || (r.has_income && r.vnd != w->vnd) ||
	    r.per_person != w->per_person || r.per_year != w->per_year || r.per_day != w->per_day ||
	    r.has_household_size != (w->household > 0) ||
	    (r.has_household_size && r.household_size != w->household) ||
	    mpp != w->monthly_pp || r.amount_count != w->count) {
		print_error("'%s': want %lld pp%d y%d d%d hh%d mpp %lld n%d, "
			    "got %lld(%d) pp%d y%d d%d hh%d(%d) mpp %lld n%d\n",
			    w->text, w->vnd, w->per_person, w->per_year, w->per_day, w->household,
			    w->monthly_pp, w->count, r.vnd, r.has_income, r.per_person, r.per_year,
			    r.per_day, r.household_size, r.has_household_size, mpp, r.amount_count);
		bad = 1;
	}
	return bad;
}

static void test_table(void **state)
{
	size_t n = sizeof rows / sizeof rows[0], failed = 0;

	(void)state;
	for (size_t i = 0; i < n; i++)
		failed += (size_t)check_row(&rows[i]);
	print_message("%zu income_vi rows, %zu failed\n", n, failed);
	assert_true(n >= 50);
	assert_int_equal(failed, 0);
}

static void test_monthly_per_person(void **state)
{
	struct income_vi in;

	(void)state;
	memset(&in, 0, sizeof in);
	assert_int_equal(income_vi_monthly_per_person(NULL), -1);
	assert_int_equal(income_vi_monthly_per_person(&in), -1);
	in.has_income = 1;
	in.vnd = 10000000;
	assert_int_equal(income_vi_monthly_per_person(&in), -1); /* household, size unknown */
	in.has_household_size = 1;
	in.household_size = 3;
	assert_int_equal(income_vi_monthly_per_person(&in), 3333333);
	in.per_year = 1;
	assert_int_equal(income_vi_monthly_per_person(&in), 277778);
	in.per_person = 1;
	assert_int_equal(income_vi_monthly_per_person(&in), 833333);
	in.per_day = 1;
	assert_int_equal(income_vi_monthly_per_person(&in), -1);
}

static void test_bad_arguments(void **state)
{
	static char text[INCOME_VI_MAX_TEXT + 2];
	struct income_vi r;
	const char *why = NULL;

	(void)state;
	assert_int_equal(income_vi_parse(NULL, &r, &why), GW_ERR_INVAL);
	assert_string_equal(why, "bad argument");
	assert_int_equal(income_vi_parse("6tr", NULL, NULL), GW_ERR_INVAL);
	memset(text, ' ', sizeof text - 1);
	memcpy(text, "6tr", 3);
	assert_int_equal(income_vi_parse(text, &r, &why), GW_ERR_TOOBIG);
	assert_string_equal(why, "text too long");
	text[INCOME_VI_MAX_TEXT] = '\0';
	assert_int_equal(income_vi_parse(text, &r, &why), 0);
	assert_int_equal(r.vnd, 6000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_monthly_per_person),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
