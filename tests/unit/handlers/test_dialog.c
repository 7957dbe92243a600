/* test_dialog.c - the conversation engine: SMS menus through
 * handler_process, USSD through dialog_ussd, menus drawn from data.
 *
 * A fresh database built as `gatewayctl init` + `import` build it. Checks:
 * MENU and a first "0" open the menu; digits walk it, 0 goes back, 00 to
 * the main menu, a wrong number repeats the screen with a hint; other
 * messages are routed as usual while a menu is open; an expired menu says
 * how to start again; a program or category added to the data appears
 * without code changes; USSD applies only the inputs it has not taken yet
 * (a retried request is not applied twice), closes with END, expires,
 * offers long content by SMS; and every screen reachable in four steps
 * is plain GSM-7 within 182 characters. Run from the top of the tree (or
 * set GW_SRCDIR).
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
#include "config/settings.h"
#include "handlers/dialog/dialog.h"
#include "handlers/dialog/screen.h"
#include "handlers/handler.h"

#define T0 1767243600 /* 2026-01-01 12:00 +07 */

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->db = fixture_open(&f->fx, "gw-dlg", 1000,
			     FIXTURE_LEXICON | FIXTURE_PROGRAMS | FIXTURE_JOBS | FIXTURE_DIALOGS);
	settings_defaults(&f->cfg);
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

static void assert_plain_screen(const char *s, size_t max)
{
	if (strlen(s) > max)
		fail_msg("screen of %zu chars (max %zu): %s", strlen(s), max, s);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p >= 0x7f || strchr("[]{}|^~\\`", *p))
			fail_msg("not plain GSM-7 (0x%02x): %s", *p, s);
}

/* One SMS; the first reply, or "" when there was none. */
static const char *sms(struct fx *f, const char *phone, time_t at, const char *text, char *intent)
{
	static char reply[4096];
	struct handler_env env = { f->db, &f->cfg };
	struct handler_result res;
	struct handler_msg msg = { phone, text, at, HANDLER_CHANNEL_SMS };

	handler_result_init(&res);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_process(&env, &msg, &res), 0);
	assert_int_equal(db_commit(f->db), 0);
	snprintf(reply, sizeof(reply), "%s", res.nout ? res.out[0].text : "");
	if (intent)
		snprintf(intent, 32, "%s", res.intent);
	handler_result_release(&res);
	return reply;
}

/* One USSD request; returns "CON ..." / "END ..." (static); *nsms gets how
 * many SMS it queued. */
static const char *ussd(struct fx *f, const char *phone, time_t at, const char *sid,
			const char *text, int *nsms)
{
	static char out[1024];
	struct handler_env env = { f->db, &f->cfg };
	struct handler_result res;
	struct handler_msg msg = { phone, text, at, HANDLER_CHANNEL_USSD };
	struct buf screen;
	int end = 0;

	handler_result_init(&res);
	buf_init(&screen, 4096);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_ussd(&env, &msg, sid, &screen, &end, &res), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_plain_screen(screen.data, SCREEN_USSD_MAX);
	snprintf(out, sizeof(out), "%s %s", end ? "END" : "CON", screen.data);
	if (nsms)
		*nsms = (int)res.nout;
	buf_release(&screen);
	handler_result_release(&res);
	return out;
}

static void sms_menu_navigation(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000201";
	char intent[32];
	const char *r;

	r = sms(f, p, T0, "MENU", intent);
	assert_plain_screen(r, SCREEN_SMS_MAX);
	assert_non_null(strstr(r, "1. Chinh sach ho tro"));
	assert_non_null(strstr(r, "0:Thoat"));
	r = sms(f, p, T0, "1", intent);
	assert_string_equal(intent, "menu");
	assert_non_null(strstr(r, "Bao hiem y te"));
	assert_non_null(strstr(r, "0:Quay lai 00:Menu"));
	r = sms(f, p, T0, "7", NULL); /* there is no 7 */
	assert_true(strncmp(r, "Chon sai.", 9) == 0);
	assert_non_null(strstr(r, "Bao hiem y te"));
	r = sms(f, p, T0, "2", NULL); /* Bao hiem y te */
	assert_non_null(strstr(r, "BHYT"));
	r = sms(f, p, T0, "1", NULL); /* the first program */
	assert_non_null(strstr(r, "2. Ai duoc huong"));
	r = sms(f, p, T0, "2", intent);
	assert_non_null(strstr(r, "Ai duoc huong - CS BHYT:"));
	assert_true(strlen(r) > 60);
	r = sms(f, p, T0, "0", NULL);
	assert_non_null(strstr(r, "1. Tom tat"));
	r = sms(f, p, T0, "00", NULL);
	assert_non_null(strstr(r, "5. Huong dan"));
	r = sms(f, p, T0, "0", NULL); /* 0 on the main menu leaves */
	assert_non_null(strstr(r, "Nhan MENU"));
	r = sms(f, p, T0, "1", intent); /* no menu open: routed as usual */
	assert_string_not_equal(intent, "menu");
	/* "0" as a first message opens the menu */
	r = sms(f, "+84900000202", T0, "0", NULL);
	assert_non_null(strstr(r, "1. Chinh sach ho tro"));
}

static void sms_menu_coexists_with_commands(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000203";
	char intent[32];
	const char *r;

	sms(f, p, T0, "MENU", NULL);
	r = sms(f, p, T0, "CS BHYT", intent); /* a command while the menu is open */
	assert_string_equal(intent, "policy");
	r = sms(f, p, T0, "2", intent); /* the menu is still there */
	assert_string_equal(intent, "menu");
	assert_non_null(strstr(r, "Viec lam"));
	assert_non_null(strstr(r, "(so "));
	/* a day later (sms_timeout 86400) the menu has expired */
	r = sms(f, p, T0 + 86401, "1", intent);
	assert_non_null(strstr(r, "het han"));
	r = sms(f, p, T0 + 86402, "1", intent);
	assert_null(strstr(r, "het han")); /* said once, then routed as usual */
}

static void menus_follow_the_data(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000204";
	const char *r;

	/* a new loan program appears under "Vay von uu dai" by its code */
	assert_int_equal(db_exec(f->db, "INSERT INTO programs (code, title_vi, summary_vi, updated_at)"
				 " VALUES ('VAY-MOI', 'Vay von thu nghiem moi', 'Tom tat thu', 0)"), 0);
	sms(f, p, T0, "MENU", NULL);
	sms(f, p, T0, "1", NULL);
	r = sms(f, p, T0, "3", NULL); /* Vay von uu dai */
	while (!strstr(r, "Vay von thu nghiem moi") && strstr(r, "9. Tiep"))
		r = sms(f, p, T0, "9", NULL);
	assert_non_null(strstr(r, "Vay von thu nghiem moi"));
	/* its own category wins over the patterns; a new category shows up */
	assert_int_equal(db_exec(f->db, "INSERT INTO program_categories (key, position, title_vi)"
				 " VALUES ('moi', 0, 'Chuong trinh moi');"
				 " UPDATE programs SET category = 'moi' WHERE code = 'VAY-MOI'"), 0);
	sms(f, p, T0, "00", NULL);
	r = sms(f, p, T0, "1", NULL);
	assert_non_null(strstr(r, "1. Chuong trinh moi"));
	r = sms(f, p, T0, "1", NULL);
	assert_non_null(strstr(r, "1. Vay von thu nghiem moi"));
	assert_null(strstr(r, "2. "));
	assert_int_equal(db_exec(f->db, "DELETE FROM programs WHERE code = 'VAY-MOI';"
				 " DELETE FROM program_categories WHERE key = 'moi'"), 0);
}

static void ussd_session(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000301";
	int nsms = 0;
	const char *r;

	r = ussd(f, p, T0, "S1", "", NULL);
	assert_true(!strncmp(r, "CON Tong dai", 12));
	r = ussd(f, p, T0, "S1", "1", NULL);
	assert_non_null(strstr(r, "Bao hiem y te"));
	r = ussd(f, p, T0, "S1", "1*2", NULL);
	assert_non_null(strstr(r, "BHYT"));
	/* the same request again (an operator retry) is not applied twice */
	r = ussd(f, p, T0, "S1", "1*2", NULL);
	assert_non_null(strstr(r, "BHYT"));
	r = ussd(f, p, T0, "S1", "1*2*1", NULL);
	assert_non_null(strstr(r, "1. Tom tat"));
	r = ussd(f, p, T0, "S1", "1*2*1*0", NULL); /* back */
	assert_non_null(strstr(r, "BHYT"));
	r = ussd(f, p, T0, "S1", "1*2*1*0*00", NULL); /* main menu */
	assert_true(!strncmp(r, "CON Tong dai", 12));
	r = ussd(f, p, T0, "S1", "1*2*1*0*00*1*2*1*1", NULL);
	assert_non_null(strstr(r, "Tom tat - CS BHYT:"));
	assert_non_null(strstr(r, "1. Gui chi tiet qua SMS"));
	r = ussd(f, p, T0, "S1", "1*2*1*0*00*1*2*1*1*1", &nsms);
	assert_true(!strncmp(r, "END ", 4));
	assert_int_equal(nsms, 1);
	/* a new session starts at the top; inputs sent with the first request
	 * (a dial string with a shortcut) are applied in order */
	r = ussd(f, p, T0, "S2", "2", NULL);
	assert_non_null(strstr(r, "Viec lam"));
	/* 0 on the first screen closes */
	r = ussd(f, p, T0, "S3", "0", NULL);
	assert_true(!strncmp(r, "END ", 4));
}

static void ussd_expiry(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000302";
	const char *r;

	ussd(f, p, T0, "E1", "", NULL);
	ussd(f, p, T0 + 100, "E1", "1", NULL); /* within dialog.ussd_timeout (180) */
	r = ussd(f, p, T0 + 100 + 181, "E1", "1*1", NULL);
	assert_true(!strncmp(r, "END ", 4));
	assert_non_null(strstr(r, "het han"));
	r = ussd(f, p, T0 + 300, "E2", "", NULL); /* dialling again works */
	assert_true(!strncmp(r, "CON Tong dai", 12));
}

static void ussd_selfcheck(void **state)
{
	struct fx *f = *state;
	const char *p = "+84900000303";
	int nsms = 0;
	const char *r;

	r = ussd(f, p, T0, "K1", "4*2*2*3tr", NULL); /* urban, 2 people, 3tr: 1.5m */
	assert_non_null(strstr(r, "Cau 1/12"));
	r = ussd(f, p, T0, "K1", "4*2*2*3tr*1*1*1", NULL);
	assert_non_null(strstr(r, "HO NGHEO"));
	assert_non_null(strstr(r, "2. Gui ket qua qua SMS"));
	r = ussd(f, p, T0, "K1", "4*2*2*3tr*1*1*1*2", &nsms);
	assert_true(!strncmp(r, "END ", 4));
	assert_int_equal(nsms, 1);
}

/* Every screen reachable in four steps from the top, both channels'
 * limits: plain GSM-7, within the limit. */
static void every_screen_fits(void **state)
{
	struct fx *f = *state;
	static const char *const digits[] = { "1", "2", "3", "4", "5", "6", "9" };
	const size_t nd = sizeof(digits) / sizeof(digits[0]);
	char text[64], sid[32];
	int n = 0;

	for (size_t a = 0; a < nd; a++)
		for (size_t b = 0; b < nd; b++)
			for (size_t c = 0; c < nd; c += 2) {
				const char *steps[4] = { digits[a], digits[b], digits[c], "1" };

				snprintf(sid, sizeof(sid), "W%d", n++);
				text[0] = '\0';
				ussd(f, "+84900000399", T0, sid, text, NULL); /* asserts the limit */
				for (int k = 0; k < 4; k++) {
					size_t len = strlen(text);

					snprintf(text + len, sizeof(text) - len, "%s%s", k ? "*" : "", steps[k]);
					if (!strncmp(ussd(f, "+84900000399", T0, sid, text, NULL), "END", 3))
						break;
				}
			}
	assert_true(n > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sms_menu_navigation),
		cmocka_unit_test(sms_menu_coexists_with_commands),
		cmocka_unit_test(menus_follow_the_data),
		cmocka_unit_test(ussd_session),
		cmocka_unit_test(ussd_expiry),
		cmocka_unit_test(ussd_selfcheck),
		cmocka_unit_test(every_screen_fits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
