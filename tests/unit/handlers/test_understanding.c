/* Unit tests: what the gateway makes of a message, end to end (issue 20's
 * examples): noise gets the one-part help and nothing else, eligibility
 * and policy, job lists and applications by description, the help's
 * pages, and a long answer that is paged instead of cut. Through the real
 * handler path on the shipped data; run from the top of the tree (or
 * GW_SRCDIR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"
#include "tests/unit/sms.h"

#include "common/db.h"
#include "config/settings.h"
#include "handlers/core/reply.h"

#define NOW sms_at(2026, 12, 7, 9, 0)

static int setup(void **state)
{
	return sms_fx_open(state, "gwunder", FIXTURE_LEXICON | FIXTURE_PROGRAMS | FIXTURE_JOBS | FIXTURE_DIALOGS);
}

static int teardown(void **state)
{
	return sms_fx_close(state);
}

/* text from a new phone; the caller checks and releases s. */
static void ask(struct sms_fx *f, const char *text, struct sms *s)
{
	char phone[32];

	snprintf(phone, sizeof(phone), "+8491200%04d", ++f->phones);
	sms_send(f->db, &f->cfg, phone, text, NOW, s);
}

static int parts_of(const char *text, int *ucs2)
{
	int parts = 0;

	assert_int_equal(reply_measure(text, &parts, ucs2), 0);
	return parts;
}

static int64_t count(struct sms_fx *f, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_int64(f->db, sql, &n), 0);
	return n;
}

/* Noise never reaches a programme, the self-check, a job list or a
 * booking: one reply, the help's first page, one GSM-7 part. */
static void test_noise(void **state)
{
	static const char *const noise[] = {
		"anh oi toi mai em khong qua dc nhe", /* the wrong number that started the self-check */
		"may gio roi",
		"cho em hoi so dien thoai cua anh Tuan",
		"alo", "ok", "cam on ad", "👍", "12345", ".", "", "asdkjh qwezx", "hahaha",
		"em an com chua", "chuc mung nam moi",
		"KM 50% the nap. Soan NAP gui 9084 de nhan uu dai",
		"HUY goi DATA soan HUY D15 gui 191",
		"DK MAX90 gui 999 de nhan 30GB data",
		"[VCB] Ma OTP cua ban la 458912. Khong chia se ma nay",
		"xsmb hom nay ve con gi",
	};
	struct sms_fx *f = *state;
	struct sms s;
	char help[2048];
	int ucs2 = 1;

	ask(f, "HD", &s);
	snprintf(help, sizeof(help), "%s", s.reply);
	sms_done(&s);
	for (size_t i = 0; i < sizeof(noise) / sizeof(noise[0]); i++) {
		ask(f, noise[i], &s);
		if (strcmp(s.res.intent, "noise") != 0 || s.res.nout != 1 || strcmp(s.reply, help) != 0)
			fail_msg("'%s': intent %s, %zu messages, reply '%s'", noise[i], s.res.intent,
				 s.res.nout, s.reply);
		assert_int_equal(parts_of(s.reply, &ucs2), 1);
		assert_false(ucs2);
		sms_done(&s);
	}
	/* no self-check session, no booking, and nobody opted out by an advert's HUY */
	assert_int_equal(count(f, "SELECT count(*) FROM sessions"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM appointments"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE opted_out <> 0"), 0);
}

static void test_help_one_part(void **state)
{
	struct sms_fx *f = *state;
	struct sms s;
	int ucs2 = 1;

	ask(f, "HD", &s);
	assert_string_equal(s.res.intent, "help");
	assert_int_equal(parts_of(s.reply, &ucs2), 1);
	assert_false(ucs2);
	assert_non_null(strstr(s.reply, ">Tiep: HD 2"));
	assert_non_null(strstr(s.reply, "CS <chu de>"));
	sms_done(&s);
	ask(f, "hd 2", &s);
	assert_string_equal(s.res.intent, "help");
	assert_int_equal(parts_of(s.reply, &ucs2), 1);
	assert_non_null(strstr(s.reply, "HUY")); /* the rest of the commands */
	assert_null(strstr(s.reply, "CS <chu de>"));
	sms_done(&s);
}

struct route_case {
	const char *text, *intent, *ref;
};

static void test_routes(void **state)
{
	static const struct route_case cases[] = {
		/* a wish is a policy question, not the household's eligibility */
		{ "toi muon vay von lam an", "policy", "VAY-VIEC-LAM" },
		{ "nha toi 4 nguoi thu nhap 6 trieu co duoc lam ho can ngheo khong", "eligibility",
		  "CHUAN-NGHEO" },
		{ "dieu kien de duoc vay von hoc sinh sinh vien la gi", "eligibility", "VAY-HSSV" },
		{ "lai suat vay ho ngheo hien nay la bao nhieu", "policy", "VAY-NGHEO" },
		/* a place or country with don / tuyen / di: offers, not the loan text */
		{ "co don di nhat ko ad", "job_list", "" },
		{ "cong ty o binh xuyen co tuyen cong nhan khong", "job_list", "" },
		/* an application by the job's own words */
		{ "cho chau dang ky viec lai xe nang voi a, chau co bang roi", "job_apply", "JOB-VP-004" },
		{ "gioi thieu cho toi vao lam phu bep nha an ba thien", "job_apply", "JOB-VP-010" },
		{ "dang ky viec so 7", "job_apply", "JOB-VP-007" },
		/* a real question outside every programme */
		{ "lam can cuoc cong dan o dau", "unknown", "" },
	};
	struct sms_fx *f = *state;
	struct sms s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ask(f, cases[i].text, &s);
		if (strcmp(s.res.intent, cases[i].intent) || strcmp(s.res.ref, cases[i].ref))
			fail_msg("'%s': %s %s, want %s %s", cases[i].text, s.res.intent, s.res.ref,
				 cases[i].intent, cases[i].ref);
		sms_done(&s);
	}
	ask(f, "co don di nhat ko ad", &s); /* the offer in Japan, not Korea's */
	assert_non_null(strstr(s.reply, "Nhat Ban"));
	assert_null(strstr(s.reply, "Han Quoc"));
	sms_done(&s);
}

/* The cut answer: accented, 3 parts, no pointer. Now GSM-7 and
 * paged like CS VAY-VIEC-LAM. */
static void test_long_answer_paged(void **state)
{
	struct sms_fx *f = *state;
	struct sms s;
	int ucs2 = 1;

	ask(f, "toi muon vay von lam an", &s);
	assert_true(parts_of(s.reply, &ucs2) <= f->cfg.sms.max_parts);
	assert_false(ucs2);
	assert_non_null(strstr(s.reply, ">Tiep: CS VAY-VIEC-LAM 2"));
	sms_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_noise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_one_part, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_answer_paged, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
