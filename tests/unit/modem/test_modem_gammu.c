/* test_modem_gammu.c - the libgammu transport against the real dummy driver.
 *
 * Sending, status, USSD, calls, reconnecting and the PIN here; reading in
 * test_modem_gammu_read.c. Each test gets a fresh phone folder (mkdtemp)
 * and writes inbound messages as smsbackup files, the format the dummy
 * driver reads (gammu_fixture.h). This is
 * a white-box test: it includes <gammu.h> and interposes a few GSM_*
 * functions (the executable's definitions win over libGammu's; the real
 * ones are reached with dlsym(RTLD_NEXT)) to see the parts handed to
 * GSM_SendSMS and to simulate what the dummy cannot: +CMS refusals, late
 * send confirmations, a SIM asking for a PIN.
 */
#include "tests/unit/modem/gammu_fixture.h"

static void reassemble(char *out, size_t outsz, int *ref)
{
	size_t o = 0;
	int i;

	*ref = -1;
	for (i = 0; i < ncap; i++) {
		const GSM_SMSMessage *s = &cap[i];
		int k;

		if (ncap > 1) {
			assert_int_equal(s->UDH.Type, UDH_ConcatenatedMessages);
			assert_int_equal(s->UDH.Text[0], 5);
			/* UDHL 05, IEI 00, IEL 03, ref, total, seq */
			assert_int_equal(s->UDH.Text[1], 0);
			assert_int_equal(s->UDH.Text[4], ncap);
			assert_int_equal(s->UDH.Text[5], i + 1);
			if (*ref < 0)
				*ref = s->UDH.Text[3];
			assert_int_equal(s->UDH.Text[3], *ref);
		} else {
			assert_int_equal(s->UDH.Type, UDH_NoUDH);
		}
		/* The test's own UCS-2 -> UTF-8, BMP only is enough here. */
		for (k = 0; k < s->Length; k++) {
			unsigned c = ((unsigned)s->Text[2 * k] << 8) | s->Text[2 * k + 1];

			assert_true(o + 4 < outsz);
			if (c < 0x80) {
				out[o++] = (char)c;
			} else if (c < 0x800) {
				out[o++] = (char)(0xC0 | (c >> 6));
				out[o++] = (char)(0x80 | (c & 0x3F));
			} else {
				out[o++] = (char)(0xE0 | (c >> 12));
				out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
				out[o++] = (char)(0x80 | (c & 0x3F));
			}
		}
	}
	out[o] = '\0';
}

static void check_send(struct fx *f, const char *text, int want_parts, int want_ucs2)
{
	struct modem_sent sent = { -1, -1, -1, -1, -1, { 0 }, 0 };
	static const char phone[] = "+84901234567";
	char back[2048];
	int parts = 0, ucs2 = 0, ref, i;
	size_t k;

	ncap = 0;
	assert_int_equal(modem_text_parts(text, &parts, &ucs2), 0);
	assert_int_equal(parts, want_parts);
	assert_int_equal(ucs2, want_ucs2);
	assert_int_equal(modem_send(f->m, phone, text, &sent), 0);
	assert_int_equal(sent.parts, want_parts);
	assert_int_equal(sent.ucs2, want_ucs2);
	assert_int_equal(sent.network_error, 0);
	assert_int_equal(ncap, want_parts);
	for (i = 0; i < ncap; i++) {
		assert_int_equal(cap[i].Coding, want_ucs2 ? SMS_Coding_Unicode_No_Compression
							  : SMS_Coding_Default_No_Compression);
		assert_int_equal(cap[i].PDU, SMS_Submit);
		for (k = 0; k <= strlen(phone); k++) {
			assert_int_equal(cap[i].Number[2 * k], 0);
			assert_int_equal(cap[i].Number[2 * k + 1], (unsigned char)phone[k]);
		}
		assert_int_equal(cap[i].SMSC.Number[1], '1'); /* dummy SMSC "123456" */
	}
	reassemble(back, sizeof(back), &ref);
	assert_string_equal(back, text);
}

static void test_send_gsm7_short(void **state)
{
	check_send(*state, "Hello from the gateway: 50% off [today] ~ok", 1, 0);
}

static void test_send_gsm7_long(void **state)
{
	char text[401];

	memset(text, 'a', 400);
	text[400] = '\0';
	check_send(*state, text, 3, 0); /* 153 + 153 + 94 */
}

static void test_send_vietnamese(void **state)
{
	check_send(*state, VI1, 2, 1); /* 75 characters: 67 + 8 */
	check_send(*state, VI2, 3, 1); /* 142: 67 + 67 + 8 */
	check_send(*state, "Cảm ơn", 1, 1);
}

static void test_send_refs_differ(void **state)
{
	struct fx *f = *state;
	struct modem_sent sent;
	char back[1024];
	int r1, r2;

	ncap = 0;
	assert_int_equal(modem_send(f->m, "+84901234567", VI1, &sent), 0);
	reassemble(back, sizeof(back), &r1);
	ncap = 0;
	assert_int_equal(modem_send(f->m, "+84901234567", VI1, &sent), 0);
	reassemble(back, sizeof(back), &r2);
	assert_int_not_equal(r1, r2);
	assert_int_not_equal(r1, 0);
	assert_int_not_equal(r2, 0);
}

static void test_send_refused(void **state)
{
	struct fx *f = *state;
	struct modem_sent sent;

	send_mode = SEND_CMS;
	send_cms = 1; /* unassigned number */
	assert_int_equal(modem_send(f->m, "+84901234567", VI1, &sent), GW_ERR_SEND_PERM);
	assert_int_equal(sent.network_error, 1);
	assert_int_equal(sent.parts, 0);
	assert_int_equal(ncap, 1); /* stopped after the refused part */
	send_cms = 38; /* network out of order */
	assert_int_equal(modem_send(f->m, "+84901234567", "hi", &sent), GW_ERR_SEND_TEMP);
	assert_int_equal(sent.network_error, 38);
	send_mode = SEND_GONE;
	assert_int_equal(modem_send(f->m, "+84901234567", "hi", &sent), GW_ERR_MODEM_GONE);
}

/* A refusal between parts: the retry sends only the parts not accepted,
 * under the same reference, so the phone joins one message. */
static void test_send_resume_after_refused_part(void **state)
{
	struct fx *f = *state;
	struct modem_sent sent;
	struct modem_send_req req = { 0, 0, { 0, 0 } };
	struct modem_resume *from = &req.from;
	int ref, i;

	ncap = 0;
	send_mode = SEND_CMS;
	send_cms = 38;
	cms_at_part = 2;
	assert_int_equal(modem_send(f->m, "+84901234567", VI2, &sent), GW_ERR_SEND_TEMP);
	assert_int_equal(sent.parts, 1);
	assert_int_equal(sent.total, 3);
	assert_int_equal(sent.network_error, 38);
	assert_true(sent.ref >= 1 && sent.ref <= 255);
	assert_int_equal(ncap, 1); /* the refused part (the real one went through) */

	send_mode = SEND_REAL;
	ncap = 0;
	from->parts_done = sent.parts;
	from->ref = sent.ref;
	ref = sent.ref;
	memset(&sent, 0, sizeof(sent));
	assert_int_equal(modem_send_with(f->m, "+84901234567", VI2, &req, &sent), 0);
	assert_int_equal(ncap, 2);
	for (i = 0; i < ncap; i++) {
		assert_int_equal(cap[i].UDH.Text[3], ref);
		assert_int_equal(cap[i].UDH.Text[4], 3);
		assert_int_equal(cap[i].UDH.Text[5], i + 2);
	}
	assert_int_equal(sent.parts, 3);
	assert_int_equal(sent.total, 3);
	assert_int_equal(sent.ref, ref);

	/* Everything accepted already: nothing left to send. */
	ncap = 0;
	from->parts_done = 3;
	assert_int_equal(modem_send_with(f->m, "+84901234567", VI2, &req, &sent), 0);
	assert_int_equal(ncap, 0);
	assert_int_equal(sent.parts, 3);
	/* A nonsense cursor is refused, not trusted. */
	from->parts_done = -1;
	assert_int_equal(modem_send_with(f->m, "+84901234567", VI2, &req, &sent), GW_ERR_INVAL);
}

static void test_send_async_confirmation(void **state)
{
	struct fx *f = *state;
	struct modem_sent sent;

	send_mode = SEND_ASYNC;
	readdevice_calls = 0;
	assert_int_equal(modem_send(f->m, "+84901234567", VI1, &sent), 0);
	assert_int_equal(sent.parts, 2);
	assert_true(readdevice_calls >= 2); /* one wait per part */
}

static void test_send_invalid(void **state)
{
	struct fx *f = *state;
	struct modem_sent sent;
	char big[8200];

	assert_int_equal(modem_send(f->m, "", "x", &sent), GW_ERR_INVAL);
	assert_int_equal(modem_send(f->m, "+84 90", "x", &sent), GW_ERR_INVAL);
	assert_int_equal(modem_send(f->m, "+84901234567", "bad \xC3", &sent), GW_ERR_INVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(modem_send(f->m, "+84901234567", big, &sent), GW_ERR_TOOBIG);
	assert_int_equal(ncap, 0);
}

static void test_send_delay(void **state)
{
	struct fx *f = *state;
	struct modem *m = make_modem(f->dir, "", 15);
	struct modem_sent sent;
	struct timespec a, b;
	long ms;

	assert_int_equal(modem_open(m), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(modem_send(m, "+84901234567", VI1, &sent), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 30); /* 2 parts x 15 ms */
	modem_destroy(m);
}

/* ---- status, USSD, calls, connection ---- */

static void test_status(void **state)
{
	struct fx *f = *state;
	struct modem_status st;

	assert_int_equal(modem_status(f->m, &st), 0);
	assert_int_equal(st.connected, 1);
	assert_int_equal(st.signal_percent, 42);
	assert_int_equal(st.battery_percent, 100);
	assert_string_equal(st.network, "GammuT3l");
	assert_string_equal(st.security, "ready");
}

static void test_ussd(void **state)
{
	struct fx *f = *state;
	char ans[64];

	assert_int_equal(modem_ussd(f->m, "*101#", 1000, ans, sizeof(ans)), 0);
	assert_string_equal(ans, "Reply for *101#");
	assert_int_equal(modem_ussd(f->m, "*101#", 1000, ans, 8), 0);
	assert_string_equal(ans, "Reply f");
	assert_int_equal(modem_ussd(f->m, "*101#; rm", 1000, ans, sizeof(ans)), GW_ERR_INVAL);
}

static void test_incoming_call(void **state)
{
	struct fx *f = *state;
	struct modem_event ev[4];
	char path[128];
	size_t n = 99;
	FILE *fp;

	assert_int_equal(modem_poll_events(f->m, ev, 4, &n), 0);
	assert_int_equal(n, 0);
	snprintf(path, sizeof(path), "%s/incoming-call", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(modem_poll_events(f->m, ev, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, MODEM_EVENT_CALL);
	assert_string_equal(ev[0].number, "+800123456");
	assert_false(file_exists(f, "incoming-call"));
	assert_int_equal(modem_hangup(f->m), 0);
	assert_int_equal(modem_poll_events(f->m, ev, 4, &n), 0);
	assert_int_equal(n, 0);
}

static void test_reconnect_and_not_connected(void **state)
{
	struct fx *f = *state;
	struct modem_part *p = NULL;
	struct modem_sent sent;
	struct modem_status st;
	struct modem_event ev;
	char ans[32];
	size_t n;

	modem_close(f->m);
	assert_int_equal(modem_read_pending(f->m, &p, &n), GW_ERR_MODEM_GONE);
	assert_int_equal(modem_send(f->m, "+84901234567", "x", &sent), GW_ERR_MODEM_GONE);
	assert_int_equal(modem_status(f->m, &st), GW_ERR_MODEM_GONE);
	assert_int_equal(modem_ussd(f->m, "*101#", 10, ans, sizeof(ans)), GW_ERR_MODEM_GONE);
	assert_int_equal(modem_poll_events(f->m, &ev, 1, &n), GW_ERR_MODEM_GONE);
	assert_int_equal(modem_hangup(f->m), GW_ERR_MODEM_GONE);
	/* Reopen: callbacks are installed again or the dummy would crash here. */
	assert_int_equal(modem_open(f->m), 0);
	assert_int_equal(modem_open(f->m), 0); /* already open: no-op */
	assert_int_equal(modem_send(f->m, "+84901234567", "again", &sent), 0);
	assert_int_equal(modem_ussd(f->m, "*100#", 1000, ans, sizeof(ans)), 0);
	assert_string_equal(ans, "Reply for *100#");
}

static void test_open_missing_device(void **state)
{
	struct modem *m = make_modem("/nonexistent/gw-phone", "", 0);

	(void)state;
	assert_int_equal(modem_open(m), GW_ERR_MODEM_GONE);
	assert_int_equal(modem_open(m), GW_ERR_MODEM_GONE); /* and again, no crash */
	modem_destroy(m);
}

static void test_create_invalid(void **state)
{
	struct modem_config cfg = { "dummy", "none", "", "", 0 };
	struct modem *m = NULL;

	(void)state;
	assert_int_equal(modem_gammu_create(&m, &cfg), GW_ERR_INVAL);
	assert_null(m);
	assert_int_equal(modem_gammu_create(&m, NULL), GW_ERR_INVAL);
}

static void test_pin(void **state)
{
	struct fx *f = *state;
	struct modem *m;

	/* PIN needed, none configured. */
	force_pin = 1;
	m = make_modem(f->dir, "", 0);
	assert_int_equal(modem_open(m), GW_ERR_SECURITY);
	assert_int_equal(pin_entries, 0);
	modem_destroy(m);
	/* Wrong PIN: tried once, never again (3 tries would lock the SIM). */
	force_pin = 1;
	pin_wrong = 1;
	m = make_modem(f->dir, "0000", 0);
	assert_int_equal(modem_open(m), GW_ERR_SECURITY);
	assert_int_equal(modem_open(m), GW_ERR_SECURITY);
	assert_int_equal(pin_entries, 1);
	modem_destroy(m);
	/* Right PIN. */
	force_pin = 1;
	pin_wrong = 0;
	pin_entries = 0;
	m = make_modem(f->dir, "1234", 0);
	assert_int_equal(modem_open(m), 0);
	assert_int_equal(pin_entries, 1);
	assert_string_equal(pin_seen, "1234");
	modem_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_gsm7_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_gsm7_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_vietnamese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refs_differ, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_resume_after_refused_part, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_async_confirmation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ussd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incoming_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_and_not_connected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin, setup, teardown),
		cmocka_unit_test(test_open_missing_device),
		cmocka_unit_test(test_create_invalid),
	};

	/* The transport must not depend on the locale: run under plain C. */
	setlocale(LC_ALL, "C");
	log_setup("test", LOG_LVL_ERROR, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
