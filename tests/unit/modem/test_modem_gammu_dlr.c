/* test_modem_gammu_dlr.c - delivery reports in the libgammu transport,
 * against the real dummy driver.
 *
 * What the dummy can do is used as is: a send asks for a report (TP-SRR,
 * seen in the message handed to GSM_SendSMS) and gets the dummy's message
 * reference, 255; a status report kept with the inbox (an smsbackup file
 * with PDU = Status_Report, as modems without a report memory keep them)
 * is read, held for read_reports and deleted by delete_report. What it
 * cannot do is driven through libgammu's own callback, as its AT driver
 * calls it: a +CDS report and a +CDSI indication; and a modem that takes a
 * part and vanishes before confirming it. The AT paths end to end (reading
 * +CDSI slots, sweeping the report memory) run on the modem simulator in
 * tests/integration/test_dlr.py.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/modem/interpose.h"
#include "tests/unit/tmpdir.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <gammu.h>

#include "common/gw_err.h"
#include "modem/modem.h"

/* ---- interposers ---- */

#define CAP_MAX 8
static GSM_SMSMessage cap[CAP_MAX];
static int ncap;
static int vanish_after_send; /* the next part is taken, then the device is gone */
static int vanished;
static IncomingSMSCallback sms_cb;
static void *sms_user;

void GSM_SetIncomingSMSCallback(GSM_StateMachine *s, IncomingSMSCallback cb, void *user)
{
	void (*f)(GSM_StateMachine *, IncomingSMSCallback, void *) =
		real("GSM_SetIncomingSMSCallback");

	sms_cb = cb;
	sms_user = user;
	f(s, cb, user);
}

GSM_Error GSM_SendSMS(GSM_StateMachine *s, GSM_SMSMessage *sms)
{
	GSM_Error (*f)(GSM_StateMachine *, GSM_SMSMessage *) = real("GSM_SendSMS");

	if (ncap < CAP_MAX)
		cap[ncap++] = *sms;
	if (vanish_after_send) {
		vanished = 1; /* written to the modem; no +CMGS ever comes */
		return ERR_NONE;
	}
	return f(s, sms);
}

int GSM_ReadDevice(GSM_StateMachine *s, gboolean wait)
{
	int (*f)(GSM_StateMachine *, gboolean) = real("GSM_ReadDevice");

	return vanished ? -1 : f(s, wait);
}

/* ---- helpers ---- */

struct fx {
	char dir[64];
	struct modem *m;
};

static const char LONG_TEXT[] =
	"Ho ngheo duoc ho tro the bao hiem y te mien phi, hoc phi cho con, vay von uu dai va"
	" tien dien hang thang. Mang so ho ngheo va can cuoc den UBND xa de lam thu tuc, can"
	" bo se huong dan them. Hoi them: CS BHYT, CS HOC-PHI, CS VAY-NGHEO.";

static void hex_ascii_ucs2(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *s; s++) {
		assert_true(o + 5 < outsz);
		o += (size_t)snprintf(out + o, outsz - o, "%04X", (unsigned char)*s);
	}
	out[o] = '\0';
}

/* A status report as a modem without a report memory keeps it. */
static void write_report(const struct fx *f, int loc, const char *to, int mr)
{
	char path[128], num[128], text[64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sms/1/%d", f->dir, loc);
	assert_non_null(fp = fopen(path, "w"));
	hex_ascii_ucs2(to, num, sizeof(num));
	hex_ascii_ucs2("Delivered", text, sizeof(text));
	fprintf(fp, "[SMSBackup000]\nSMSC = \"+84980200030\"\nPDU = Status_Report\n"
		"DateTime = 20240101T120000\nState = UnRead\nMessageReference = %d\n"
		"Number = \"%s\"\nNumberUnicode = %s\nText00 = %s\n"
		"Coding = Unicode_No_Compression\nClass = -1\n\n", mr, to, num, text);
	fclose(fp);
}

static void write_text(const struct fx *f, int loc, const char *from, const char *text)
{
	char path[128], num[128], hex[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sms/1/%d", f->dir, loc);
	assert_non_null(fp = fopen(path, "w"));
	hex_ascii_ucs2(from, num, sizeof(num));
	hex_ascii_ucs2(text, hex, sizeof(hex));
	fprintf(fp, "[SMSBackup000]\nSMSC = \"+84980200030\"\nPDU = Deliver\n"
		"DateTime = 20240101T120000\nState = UnRead\nNumber = \"%s\"\nNumberUnicode = %s\n"
		"Text00 = %s\nCoding = Unicode_No_Compression\nClass = -1\n\n", from, num, hex);
	fclose(fp);
}

static int file_exists(const struct fx *f, const char *rel)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return stat(path, &st) == 0;
}

static int setup(void **state)
{
	struct modem_config cfg = { "dummy", "none", NULL, "", 0 };
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/gwdlr.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	cfg.device = f->dir;
	assert_int_equal(modem_gammu_create(&f->m, &cfg), 0);
	assert_int_equal(modem_open(f->m), 0);
	ncap = 0;
	vanish_after_send = vanished = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	modem_destroy(f->m);
	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

static void check_report(const struct modem_report *r, const char *phone, int mr, int status,
			 enum modem_dlr state)
{
	assert_string_equal(r->phone, phone);
	assert_int_equal(r->mr, mr);
	assert_int_equal(r->status, status);
	assert_int_equal(r->state, state);
}

static size_t reports(struct fx *f, enum modem_report_scope scope, struct modem_report **out,
		      size_t *waiting)
{
	size_t n = 99;

	assert_int_equal(modem_read_reports(f->m, scope, out, &n, waiting), 0);
	return n;
}

/* ---- tests ---- */

static void test_send_asks_for_reports(void **state)
{
	struct fx *f = *state;
	struct modem_send_req req = { 7, 1, { 0, 0 } };
	struct modem_sent sent;
	int i;

	assert_int_equal(modem_send_with(f->m, "+84901234567", LONG_TEXT, &req, &sent), 0);
	assert_int_equal(sent.parts, 2);
	assert_int_equal(ncap, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(cap[i].PDU, SMS_Status_Report); /* libgammu's TP-SRR */
		assert_int_equal(sent.mr[i], 255);               /* the dummy's reference */
	}
	assert_int_equal(sent.mr[2], -1);
	assert_int_equal(sent.doubt, 0);
	/* switched off: a plain SUBMIT */
	ncap = 0;
	req.report = 0;
	assert_int_equal(modem_send_with(f->m, "+84901234567", "Chao ban", &req, &sent), 0);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap[0].PDU, SMS_Submit);
}

static void test_report_kept_with_the_inbox(void **state)
{
	struct fx *f = *state;
	struct modem_report *rep = NULL;
	struct modem_part *parts = NULL;
	size_t n = 0, waiting = 9;

	write_report(f, 1, "+84901234567", 42);
	write_text(f, 2, "+84907654321", "HD");
	assert_int_equal(modem_read_pending(f->m, &parts, &n), 0);
	/* the report is no inbound text, and not malformed either */
	assert_int_equal(n, 1);
	assert_string_equal(parts[0].sender, "+84907654321");
	assert_int_equal(parts[0].malformed, 0);
	free(parts);
	/* read again before it was deleted: held once */
	assert_int_equal(modem_read_pending(f->m, &parts, &n), 0);
	free(parts);
	assert_int_equal(reports(f, MODEM_REPORTS_HELD, &rep, &waiting), 1);
	assert_int_equal(waiting, 0);
	check_report(&rep[0], "+84901234567", 42, 0, MODEM_DLR_DELIVERED);
	assert_true(rep[0].submitted_at > 0);
	assert_true(rep[0].handle[0] != '\0');
	assert_true(file_exists(f, "sms/1/1"));
	assert_int_equal(modem_delete_report(f->m, &rep[0]), 0);
	assert_false(file_exists(f, "sms/1/1"));
	assert_true(file_exists(f, "sms/1/2"));
	/* handed over once */
	free(rep);
	assert_int_equal(reports(f, MODEM_REPORTS_HELD, &rep, &waiting), 0);
	assert_null(rep);
}

static void test_reports_from_the_callback(void **state)
{
	struct fx *f = *state;
	struct modem_report *rep = NULL;
	struct modem_event ev[4];
	GSM_SMSMessage sms;
	size_t n = 0, waiting = 0;

	assert_non_null(sms_cb);
	/* +CDS: the report itself */
	memset(&sms, 0, sizeof(sms));
	sms.PDU = SMS_Status_Report;
	sms.State = SMS_UnRead;
	sms.MessageReference = 200;
	sms.DeliveryStatus = 0x41;
	EncodeUnicode(sms.Number, "+84912345678", strlen("+84912345678"));
	sms.SMSCTime.Year = 2026;
	sms.SMSCTime.Month = 11;
	sms.SMSCTime.Day = 30;
	sms.SMSCTime.Hour = 15; /* 15:00 at +07:00 */
	sms.SMSCTime.Timezone = 7 * 3600;
	sms_cb(NULL, &sms, sms_user);
	/* +CDSI: only where it was stored, twice for the same slot */
	memset(&sms, 0, sizeof(sms));
	sms.PDU = SMS_Status_Report;
	sms.Memory = MEM_SR;
	sms.Location = 3;
	sms_cb(NULL, &sms, sms_user);
	sms_cb(NULL, &sms, sms_user);
	/* the loop is told a report came, once */
	assert_int_equal(modem_poll_events(f->m, ev, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, MODEM_EVENT_REPORT);
	assert_int_equal(reports(f, MODEM_REPORTS_HELD, &rep, &waiting), 1);
	assert_int_equal(waiting, 1);
	check_report(&rep[0], "+84912345678", 200, 0x41, MODEM_DLR_FAILED);
	assert_int_equal((long long)rep[0].done_at, 1796025600LL); /* 08:00 UTC */
	assert_string_equal(rep[0].handle, "");
	assert_int_equal(modem_delete_report(f->m, &rep[0]), 0); /* nothing stored */
	free(rep);
	/* a new text is still a new text */
	memset(&sms, 0, sizeof(sms));
	sms.Memory = MEM_SM;
	sms.Location = 1;
	sms_cb(NULL, &sms, sms_user);
	assert_int_equal(modem_poll_events(f->m, ev, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, MODEM_EVENT_SMS);
}

static void test_vanished_after_handing_over(void **state)
{
	struct fx *f = *state;
	struct modem_send_req req = { 9, 1, { 0, 0 } };
	struct modem_sent sent;

	vanish_after_send = 1;
	assert_int_equal(modem_send_with(f->m, "+84901234567", "Chao ban", &req, &sent),
			 GW_ERR_MODEM_GONE);
	assert_int_equal(sent.parts, 0);
	assert_int_equal(sent.total, 1);
	assert_int_equal(sent.doubt, 1); /* it may have gone out */
}

static void test_refused_before_handing_over(void **state)
{
	struct fx *f = *state;
	struct modem_send_req req = { 9, 1, { 0, 0 } };
	struct modem_sent sent;

	/* not a phone number: nothing reached the modem, nothing in doubt */
	assert_int_equal(modem_send_with(f->m, "12ab", "Chao ban", &req, &sent), GW_ERR_INVAL);
	assert_int_equal(ncap, 0);
}

static void test_report_state(void **state)
{
	(void)state;
	assert_int_equal(modem_report_state(0x00), MODEM_DLR_DELIVERED);
	assert_int_equal(modem_report_state(0x02), MODEM_DLR_DELIVERED);
	assert_int_equal(modem_report_state(0x20), MODEM_DLR_PENDING);
	assert_int_equal(modem_report_state(0x25), MODEM_DLR_PENDING);
	assert_int_equal(modem_report_state(0x41), MODEM_DLR_FAILED);
	assert_int_equal(modem_report_state(0x65), MODEM_DLR_FAILED);
	assert_int_equal(modem_report_state(0x90), MODEM_DLR_PENDING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_asks_for_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_kept_with_the_inbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_from_the_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanished_after_handing_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_before_handing_over, setup, teardown),
		cmocka_unit_test(test_report_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
