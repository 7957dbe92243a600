/* test_selfcheck.c - the poverty classification and the KT dialog.
 *
 * The standards come from data/dialogs.json loaded into a fresh database
 * (as `gatewayctl init` does), so the table below checks the data as well
 * as poverty_classify(): income boundaries (at, one dong over) and
 * deprivation counts (2, 3), rural and urban, on a 2026 day (Decree
 * 07/2021 lines, still applied) and a 2027 day (the new lines). Then KT
 * through handler_process: facts in the message skip their questions,
 * the answers go back with 0, and the answer names category, programs,
 * the commune's review and the appointment. Run from the top of the tree
 * (or set GW_SRCDIR).
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
#include "common/db.h"
#include "common/gw_err.h"
#include "config/settings.h"
#include "handlers/features/poverty.h"
#include "handlers/handler.h"

#define T2026 1767243600 /* 2026-01-01 12:00 +07 */
#define T2027 1798779600 /* 2027-01-01 12:00 +07 */

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->db = fixture_open(&f->fx, "gw-sc", 1000, FIXTURE_LEXICON | FIXTURE_PROGRAMS | FIXTURE_DIALOGS);
	settings_defaults(&f->cfg);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

static const struct {
	const char *day;
	int area;
	long long income;
	int deprivations;
	enum poverty_class want;
} rows[] = {
	/* 2026: Decree 07/2021, rural 1.5m / 2.25m */
	{ "2026-06-01", POVERTY_RURAL, 0, 0, POVERTY_NEAR_POOR },
	{ "2026-06-01", POVERTY_RURAL, 1500000, 2, POVERTY_NEAR_POOR },
	{ "2026-06-01", POVERTY_RURAL, 1500000, 3, POVERTY_POOR },
	{ "2026-06-01", POVERTY_RURAL, 1500000, 12, POVERTY_POOR },
	{ "2026-06-01", POVERTY_RURAL, 1500001, 3, POVERTY_AVERAGE },
	{ "2026-06-01", POVERTY_RURAL, 1500001, 12, POVERTY_AVERAGE }, /* not by deprivation */
	{ "2026-06-01", POVERTY_RURAL, 2250000, 0, POVERTY_AVERAGE },
	{ "2026-06-01", POVERTY_RURAL, 2250001, 0, POVERTY_ABOVE },
	{ "2026-12-31", POVERTY_RURAL, 2000000, 5, POVERTY_AVERAGE },  /* still 2022-2025 lines */
	/* urban 2m / 3m */
	{ "2026-06-01", POVERTY_URBAN, 2000000, 2, POVERTY_NEAR_POOR },
	{ "2026-06-01", POVERTY_URBAN, 2000000, 3, POVERTY_POOR },
	{ "2026-06-01", POVERTY_URBAN, 2000001, 3, POVERTY_AVERAGE },
	{ "2026-06-01", POVERTY_URBAN, 1500001, 3, POVERTY_POOR },     /* rural's line is not urban's */
	{ "2026-06-01", POVERTY_URBAN, 3000000, 0, POVERTY_AVERAGE },
	{ "2026-06-01", POVERTY_URBAN, 3000001, 0, POVERTY_ABOVE },
	/* 2027: rural 2.2m, urban 2.8m, no average band in the data yet */
	{ "2027-01-01", POVERTY_RURAL, 2000000, 3, POVERTY_POOR },     /* was average in 2026 */
	{ "2027-01-01", POVERTY_RURAL, 2200000, 2, POVERTY_NEAR_POOR },
	{ "2027-01-01", POVERTY_RURAL, 2200000, 3, POVERTY_POOR },
	{ "2027-01-01", POVERTY_RURAL, 2200001, 3, POVERTY_ABOVE },
	{ "2027-06-30", POVERTY_URBAN, 2800000, 3, POVERTY_POOR },
	{ "2027-06-30", POVERTY_URBAN, 2800000, 2, POVERTY_NEAR_POOR },
	{ "2027-06-30", POVERTY_URBAN, 2800001, 0, POVERTY_ABOVE },
};

static void classification_table(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct poverty_standard s;
		enum poverty_class got;

		assert_int_equal(poverty_standard_for(f->db, rows[i].area, rows[i].day, &s), 0);
		got = poverty_classify(&s, rows[i].income, rows[i].deprivations);
		if (got != rows[i].want)
			fail_msg("row %zu (%s %s %lld, %d): got %s, want %s", i, rows[i].day,
				 rows[i].area == POVERTY_URBAN ? "urban" : "rural", rows[i].income,
				 rows[i].deprivations, poverty_class_key(got), poverty_class_key(rows[i].want));
	}
}

static void standards_as_data(void **state)
{
	struct fx *f = *state;
	struct poverty_standard s;
	char from[11];
	int n = 0;

	assert_int_equal(poverty_standard_for(f->db, POVERTY_RURAL, "2021-12-31", &s), GW_ERR_NOTFOUND);
	assert_int_equal(poverty_standard_for(f->db, POVERTY_URBAN, "2026-03-01", &s), 0);
	assert_string_equal(s.valid_from, "2022-01-01");
	assert_int_equal(s.income_line, 2000000);
	assert_int_equal(s.msl_line, 3000000);
	assert_int_equal(s.min_deprivations, 3);
	assert_int_equal(s.indicators, 12);
	assert_int_equal(poverty_in_force(f->db, "2027-01-01", from), 0);
	assert_string_equal(from, "2027-01-01");
	assert_int_equal(poverty_indicator_count(f->db, from, &n), 0);
	assert_int_equal(n, 12);
	/* a new standard is a row: tomorrow's lines apply tomorrow */
	assert_int_equal(db_exec(f->db, "INSERT INTO poverty_standards (valid_from, area, income_line,"
				 " msl_line, min_deprivations) VALUES ('2031-01-01', 'rural', 3000000, 0, 4)"), 0);
	assert_int_equal(poverty_standard_for(f->db, POVERTY_RURAL, "2031-01-01", &s), 0);
	assert_int_equal(poverty_classify(&s, 3000000, 3), POVERTY_NEAR_POOR);
	assert_int_equal(poverty_classify(&s, 3000000, 4), POVERTY_POOR);
	assert_int_equal(db_exec(f->db, "DELETE FROM poverty_standards WHERE valid_from = '2031-01-01'"), 0);
}

static void cues_and_money(void **state)
{
	struct fx *f = *state;
	unsigned yes = 0;
	struct buf b;

	assert_int_equal(poverty_cues(f->db, "2022-01-01", "kt nha 4 nguoi chua co bhyt , nha tam", &yes), 0);
	assert_int_equal(yes, (1u << 3) | (1u << 6));
	assert_int_equal(poverty_cues(f->db, "2022-01-01", "nha tamkhong bhyt", &yes), 0);
	assert_int_equal(yes, 0); /* whole words only */
	buf_init(&b, 64);
	assert_int_equal(poverty_money(1200000, &b), 0);
	assert_string_equal(b.data, "1.200.000d");
	buf_reset(&b);
	assert_int_equal(poverty_money(833333, &b), 0);
	assert_string_equal(b.data, "833.333d");
	buf_reset(&b);
	assert_int_equal(poverty_money(0, &b), 0);
	assert_string_equal(b.data, "0d");
	buf_release(&b);
	buf_init(&b, 256);
	assert_int_equal(poverty_benefits(f->db, POVERTY_NEAR_POOR, 2, &b), 0);
	assert_string_equal(b.data, "CS BHYT-CN, CS VAY-CN");
	buf_release(&b);
}

/* One SMS through the handler path, in its own transaction; returns the
 * first reply (static, overwritten by the next call). */
static const char *sms(struct fx *f, const char *phone, time_t at, const char *text,
		       char *intent)
{
	static char reply[4096];
	struct handler_env env = { f->db, &f->cfg };
	struct handler_result res;
	struct handler_msg msg = { phone, text, at, HANDLER_CHANNEL_SMS };

	handler_result_init(&res);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_process(&env, &msg, &res), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_true(res.nout >= 1);
	snprintf(reply, sizeof(reply), "%s", res.out[0].text);
	if (intent)
		snprintf(intent, 32, "%s", res.intent);
	handler_result_release(&res);
	return reply;
}

/* An eligibility answer about one programme that does not fit is paged
 * like every cut answer: it ends with its pointer, "KT <code> 2" gives
 * the rest (issue 20: it was cut with no pointer). */
static void program_answer_paged(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000102", *r;
	char intent[32], first[4096];
	int parts = f->cfg.sms.max_parts;

	f->cfg.sms.max_parts = 1;
	r = sms(f, p, T2026, "toi 45 tuoi co di xuat khau lao dong dc nua ko", intent);
	assert_string_equal(intent, "eligibility");
	snprintf(first, sizeof(first), "%s", r);
	if (!strstr(first, ">Tiep: KT XKLD 2"))
		fail_msg("no page pointer: %s", first);
	r = sms(f, p, T2026, "KT XKLD 2", intent);
	assert_string_equal(intent, "eligibility");
	assert_string_not_equal(r, first);
	assert_null(strstr(r, "(CS XKLD)")); /* the title was on page 1 */
	f->cfg.sms.max_parts = parts;
}

static void kt_dialog(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000101";
	char intent[32];

	assert_non_null(strstr(sms(f, p, T2026, "KT", intent), "Nha ban o"));
	assert_string_equal(intent, "eligibility");
	assert_non_null(strstr(sms(f, p, T2026, "1", NULL), "bao nhieu nguoi"));
	assert_non_null(strstr(sms(f, p, T2026, "5", NULL), "thu nhap"));
	/* a bare small number is no amount: the question again, with a hint */
	assert_non_null(strstr(sms(f, p, T2026, "6", NULL), "Chua doc duoc so tien"));
	/* 10tr for 5 people = 2m: above the 1.5m rural line, up to 2.25m */
	assert_non_null(strstr(sms(f, p, T2026, "10 trieu", NULL), "MUC SONG TRUNG BINH"));
	/* 0 takes the income back; a lower one asks the deprivations */
	assert_non_null(strstr(sms(f, p, T2026, "0", NULL), "thu nhap"));
	assert_non_null(strstr(sms(f, p, T2026, "6tr", NULL), "Cau 1/12"));
	assert_non_null(strstr(sms(f, p, T2026, "khong", NULL), "Cau 2/12"));
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 3/12"));
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 4/12"));
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 5/12"));
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 6/12"));
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 7/12"));
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 8/12"));
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 9/12"));
	/* 8 "no" of 12: 3 yes can no longer happen once a 10th is "no" */
	assert_non_null(strstr(sms(f, p, T2026, "2", NULL), "Cau 10/12"));
	{
		const char *r = sms(f, p, T2026, "2", NULL);

		assert_non_null(strstr(r, "HO CAN NGHEO"));
		assert_non_null(strstr(r, "1.200.000d"));
		assert_non_null(strstr(r, "UBND xa"));
		assert_non_null(strstr(r, "CS BHYT-CN"));
		assert_non_null(strstr(r, "1. Dat hen nop don ra soat"));
	}
	/* 1 offers the appointment booking */
	assert_non_null(strstr(sms(f, p, T2026, "1", NULL), "nop don ra soat"));
}

static void kt_with_facts(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000102";
	char intent[32];
	const char *r;

	/* size, income per person, health insurance and makeshift house given;
	 * "thon" says rural: only one more "yes" makes it poor */
	r = sms(f, p, T2026, "KT nha e 4 ng o thon, thu nhap 1tr2/ng, chua co bhyt, nha tam", intent);
	assert_string_equal(intent, "eligibility");
	assert_non_null(strstr(r, "Cau 1/12"));
	r = sms(f, p, T2026, "co", NULL);
	assert_non_null(strstr(r, "HO NGHEO"));
	assert_non_null(strstr(r, "3 thieu hut"));
	assert_non_null(strstr(r, "CS HO-NGHEO"));
	/* a household well above the line: no deprivation questions at all */
	r = sms(f, "+84900000103", T2026, "KT thanh pho nha 2 nguoi thu nhap 10tr", NULL);
	assert_non_null(strstr(r, "Khong thuoc dien"));
	/* the same income in 2027 and rural: 2.2m line */
	r = sms(f, "+84900000104", T2027, "KT nong thon nha 4 nguoi thu nhap 8tr", NULL);
	assert_non_null(strstr(r, "Cau 1/12"));
	r = sms(f, "+84900000105", T2026, "KT nong thon nha 4 nguoi thu nhap 8tr", NULL);
	assert_non_null(strstr(r, "MUC SONG TRUNG BINH"));
	/* a question about one program without facts: that program's answer */
	r = sms(f, "+84900000106", T2026, "me e 62 tuoi ho ngheo song 1 minh co dc tro cap ko", intent);
	assert_string_equal(intent, "eligibility");
	assert_null(strstr(r, "Nha ban o"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classification_table),
		cmocka_unit_test(standards_as_data),
		cmocka_unit_test(cues_and_money),
		cmocka_unit_test(program_answer_paged),
		cmocka_unit_test(kt_dialog),
		cmocka_unit_test(kt_with_facts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
