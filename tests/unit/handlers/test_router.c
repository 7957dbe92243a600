/* test_router.c - command words (exact, glued, fuzzy), the intent cues,
 * and the lexicon that holds both. */
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
#include "handlers/understand/intent.h"
#include "handlers/understand/lexicon.h"
#include "handlers/understand/router.h"
#include "handlers/vi/normalize.h"

struct fx {
	struct fixture fx;
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gw-router", 1000, FIXTURE_LEXICON | FIXTURE_PROGRAMS);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

/* Route raw text (normalised first); returns the route. */
static struct route route_of(struct fx *f, const char *text, char *norm_out, size_t normsz)
{
	struct buf norm;
	struct route rt;

	buf_init(&norm, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
	assert_int_equal(normalize_text(&norm, text, strlen(text)), 0);
	assert_int_equal(router_route(f->db, norm.data, &rt), 0);
	if (norm_out)
		snprintf(norm_out, normsz, "%s", norm.data);
	buf_release(&norm);
	return rt;
}

struct rcase {
	const char *text;
	const char *command; /* "" = none */
	const char *intent;
	const char *args;    /* NULL = do not check */
};

static void check_routes(struct fx *f, const struct rcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char norm[1024];
		struct route rt = route_of(f, c[i].text, norm, sizeof(norm));

		if (strcmp(rt.command, c[i].command) || strcmp(rt.intent, c[i].intent) ||
		    (c[i].args && strcmp(norm + rt.args_off, c[i].args)))
			fail_msg("'%s' -> command '%s' intent %s args '%s'; want '%s' %s '%s'", c[i].text,
				 rt.command, rt.intent, norm + rt.args_off, c[i].command, c[i].intent,
				 c[i].args ? c[i].args : "*");
	}
}

#define CHECK(f, cases) check_routes(f, cases, sizeof(cases) / sizeof(cases[0]))

static void test_exact_and_longest(void **state)
{
	static const struct rcase cases[] = {
		{ "CS BHYT", "CS", "policy", "bhyt" },
		{ "cs", "CS", "policy", "" },
		{ "Chính sách vay vốn", "CS", "policy", "vay von" },
		{ "HUY HEN 15/12", "HUY HEN", "appointment", "15/12" },
		{ "HUY", "STOP", "stop", "" },
		{ "huy dich vu", "STOP", "stop", "" },
		{ "VIEC  Tam  Duong", "VIEC", "job_list", "tam duong" },
		{ "HELP!", "HELP", "help", NULL },
		{ "menu", "MENU", "help", "" },
		{ "KHONG DAU", "KHONG DAU", "preference", "" },
		{ "UT 3", "UT", "job_apply", "3" },
	};
	CHECK((struct fx *)*state, cases);
}

static void test_glued_and_split(void **state)
{
	static const struct rcase cases[] = {
		{ "csbhyt", "CS", "policy", "bhyt" },
		{ "CSBHYT", "CS", "policy", "bhyt" },
		{ "ut5 trung cap", "UT", "job_apply", "5 trung cap" },
		{ "viecbinhxuyen", "VIEC", "job_list", "binh xuyen" },
		{ "huyhen 15/12", "HUY HEN", "appointment", "15/12" },
		{ "hdsd", "HELP", "help", NULL },
	};
	CHECK((struct fx *)*state, cases);
}

static void test_fuzzy_typos(void **state)
{
	static const struct rcase cases[] = {
		{ "VEIC BINH XUYEN", "VIEC", "job_list", "binh xuyen" },
		{ "HNE 15/12 vay von", "HEN", "appointment", "15/12 vay von" },
		{ "vieec", "VIEC", "job_list", "" },
		{ "huy hne 3/1", "HUY HEN", "appointment", "3/1" },
	};
	CHECK((struct fx *)*state, cases);
}

static void test_no_stealing(void **state)
{
	struct fx *f = *state;
	static const char *const texts[] = {
		"co viec lam khong",   /* "co" is not CS */
		"cx",                   /* two-letter aliases are exact only */
		"vie",                  /* a deletion from a short word is no typo */
		"vien phi",             /* a real syllable is never a typo */
		"hon nua",
		"stpo",                 /* never a fuzzy STOP */
		"xac nhan hen 15/12",   /* officer command without a PIN */
		"dong hoc phi",
		"tro giup phap ly mien phi o dau",
		"dang ky thoat ngheo the nao",
		"alo",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct route rt = route_of(f, texts[i], NULL, 0);

		if (*rt.command)
			fail_msg("'%s' routed to command %s", texts[i], rt.command);
		assert_int_equal(rt.args_off, 0);
	}
	assert_string_equal(route_of(f, "tro giup phap ly mien phi o dau", NULL, 0).intent, "policy");
	assert_string_equal(route_of(f, "dang ky thoat ngheo the nao", NULL, 0).intent, "policy");
	assert_string_equal(route_of(f, "xac nhan hen 15/12", NULL, 0).intent, "appointment");
	assert_string_equal(route_of(f, "alo", NULL, 0).intent, "noise");
	assert_string_equal(route_of(f, "stpo", NULL, 0).intent, "noise");
	/* with a PIN the officer command stands */
	assert_string_equal(route_of(f, "XN 1234 7", NULL, 0).command, "XN");
	/* a no-argument command keeps its words when nothing else wins */
	assert_string_equal(route_of(f, "tro giup", NULL, 0).command, "HELP");
	assert_string_equal(route_of(f, "dang ky nhan tin chinh sach", NULL, 0).intent, "start");
}

static void test_classified_intents(void **state)
{
	static const struct rcase cases[] = {
		{ "ho ngheo dc huong nhung che do j vay ad", "", "policy", NULL },
		{ "nha toi 5 nguoi thu nhap 6tr co dc ho can ngheo ko", "", "eligibility", NULL },
		{ "co viec lam gan song lo ko ad", "", "job_list", NULL },
		{ "muon di lam bao ve o binh xuyen", "", "job_apply", NULL },
		{ "muon gap can bo xa sang mai", "", "appointment", NULL },
		{ "cu phap nhan tin the nao vay", "", "help", NULL },
		{ "ko nhan tin nua", "", "stop", NULL },
		{ "toi muon nhan thong tin viec lam hang tuan", "", "start", NULL },
		{ "chuc mung nam moi", "", "noise", NULL },
		{ "", "", "noise", NULL },
	};
	struct fx *f = *state;

	CHECK(f, cases);
	/* free text: the whole text is the query */
	assert_int_equal(route_of(f, "bao hiem y te ho can ngheo", NULL, 0).args_off, 0);
	/* eligibility records the programme asked about */
	assert_string_equal(route_of(f, "nha toi dung 45 so dien, bo toi huong tro cap xh,"
				     " co dc ho tro tien dien ko", NULL, 0).program, "TIEN-DIEN");
	assert_string_equal(route_of(f, "KT nha e 4 ng, thu nhap 1tr2/ng, chua co bhyt", NULL, 0).program,
			    "CHUAN-NGHEO");
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(router_edit_distance("viec", 4, "veic", 4, 1), 1);
	assert_int_equal(router_edit_distance("hen", 3, "hne", 3, 1), 1);
	assert_int_equal(router_edit_distance("hen", 3, "hen", 3, 1), 0);
	assert_int_equal(router_edit_distance("viec", 4, "vie", 3, 1), 1);
	assert_int_equal(router_edit_distance("viec", 4, "vxyz", 4, 1), 2);
	assert_int_equal(router_edit_distance("a", 1, "abcd", 4, 1), 2);
}

static void test_lexicon_aliases(void **state)
{
	struct fx *f = *state;
	char err[256];

	/* an alias another command owns is refused, and says whose it is */
	assert_int_equal(lexicon_add_alias(f->db, "HELP", "huy", "vi", err, sizeof(err)), GW_ERR_EXISTS);
	assert_non_null(strstr(err, "STOP"));
	assert_int_equal(lexicon_add_alias(f->db, "HELP", "Hủy", "vi", err, sizeof(err)), GW_ERR_EXISTS);
	/* the same command again is fine */
	assert_int_equal(lexicon_add_alias(f->db, "STOP", "HUY", "vi", err, sizeof(err)), 0);
	assert_int_equal(lexicon_add_alias(f->db, "NOPE", "xyz", "vi", err, sizeof(err)), GW_ERR_NOTFOUND);
	assert_int_equal(lexicon_add_alias(f->db, "CS", "  ", "vi", err, sizeof(err)), GW_ERR_INVAL);
	/* a new alias routes at once (data, not code) */
	assert_string_equal(route_of(f, "chedo bhyt", NULL, 0).command, "");
	assert_int_equal(lexicon_add_alias(f->db, "CS", "Chế độ", "vi", err, sizeof(err)), 0);
	assert_string_equal(route_of(f, "che do bhyt", NULL, 0).command, "CS");
	assert_int_equal(lexicon_remove_alias(f->db, "che do"), 0);
	assert_int_equal(lexicon_remove_alias(f->db, "che do"), GW_ERR_NOTFOUND);
}

static void test_cues_are_data(void **state)
{
	struct fx *f = *state;
	struct intent_features feat = { .command_intent = NULL };
	struct buf b;
	char err[256];

	assert_string_equal(route_of(f, "xo so hom nay", NULL, 0).intent, "noise");
	assert_int_equal(lexicon_add_cue(f->db, "help", "xo so", 5.0, err, sizeof(err)), 0);
	assert_string_equal(route_of(f, "xổ số hôm nay", NULL, 0).intent, "help");
	assert_int_equal(lexicon_add_cue(f->db, "help", "xo so", -5.0, err, sizeof(err)), 0);
	assert_string_equal(route_of(f, "xo so hom nay", NULL, 0).intent, "noise");

	/* the pattern language */
	assert_true(intent_cue_matches("co duoc ... khong", "x", "co duoc vay von khong", &feat));
	assert_false(intent_cue_matches("co duoc ... khong", "x",
					"co duoc a b c d e f g khong", &feat));
	assert_true(intent_cue_matches("^ dk viec #", "x", "dk viec 12", &feat));
	assert_false(intent_cue_matches("^ dk viec #", "x", "toi dk viec 12", &feat));
	assert_false(intent_cue_matches("^ dk viec #", "x", "dk viec may", &feat));
	assert_true(intent_cue_matches("^ ? $", "x", "?", &feat));
	assert_false(intent_cue_matches("^ ? $", "x", "? ai", &feat));
	assert_true(intent_cue_matches("gi $", "x", "la gi ?", &feat));
	assert_false(intent_cue_matches("@program", "x", "bhyt", &feat));
	feat.names_program = 1;
	assert_true(intent_cue_matches("@program", "x", "bhyt", &feat));
	feat.command_intent = "help";
	assert_true(intent_cue_matches("@command", "help", "giup", &feat));
	assert_false(intent_cue_matches("@command", "stop", "giup", &feat));

	buf_init(&b, 8192);
	assert_int_equal(intent_explain(f->db, "cu phap nhan tin the nao", &feat, &b), 0);
	assert_non_null(strstr(b.data, "help +3.5: cu phap"));
	buf_release(&b);

	buf_init(&b, 256);
	assert_int_equal(lexicon_fold_cue("^ Đăng ký  VIỆC #", &b), 0);
	assert_string_equal(b.data, "^ dang ky viec #");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exact_and_longest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_glued_and_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzzy_typos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_stealing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classified_intents, setup, teardown),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test_setup_teardown(test_lexicon_aliases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cues_are_data, setup, teardown),
	};

	log_setup("test_router", LOG_LVL_ERROR, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
