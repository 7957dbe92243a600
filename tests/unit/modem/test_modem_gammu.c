/* test_modem_gammu.c - the libgammu transport against the real dummy driver.
 *
 * Each test gets a fresh phone folder (mkdtemp) and writes inbound
 * messages as smsbackup files, the format the dummy driver reads. This is
 * a white-box test: it includes <gammu.h> and interposes a few GSM_*
 * functions (the executable's definitions win over libGammu's; the real
 * ones are reached with dlsym(RTLD_NEXT)) to see the parts handed to
 * GSM_SendSMS and to simulate what the dummy cannot: +CMS refusals, late
 * send confirmations, a SIM asking for a PIN.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/modem/interpose.h"
#include "tests/unit/tmpdir.h"

#include <dlfcn.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "modem/modem.h"

/* ---- interposers ---- */

enum send_mode { SEND_REAL, SEND_CMS, SEND_ASYNC, SEND_GONE };

#define CAP_MAX 60
static GSM_SMSMessage cap[CAP_MAX];
static int ncap;
static enum send_mode send_mode;
static int send_cms;
static int cms_at_part; /* SEND_CMS: refuse only the n-th GSM_SendSMS (1-based), 0: all */
static int send_calls;
static int async_pending;
static int readdevice_calls;
static SendSMSStatusCallback status_cb;
static void *status_user;
static int force_pin, pin_wrong, pin_entries;
static char pin_seen[16];

void GSM_SetSendSMSStatusCallback(GSM_StateMachine *s, SendSMSStatusCallback cb, void *user)
{
	void (*f)(GSM_StateMachine *, SendSMSStatusCallback, void *) =
		real("GSM_SetSendSMSStatusCallback");

	status_cb = cb;
	status_user = user;
	f(s, cb, user);
}

GSM_Error GSM_SendSMS(GSM_StateMachine *s, GSM_SMSMessage *sms)
{
	GSM_Error (*f)(GSM_StateMachine *, GSM_SMSMessage *) = real("GSM_SendSMS");

	if (send_mode == SEND_GONE)
		return ERR_DEVICEWRITEERROR;
	send_calls++;
	if (send_mode == SEND_CMS && cms_at_part && send_calls != cms_at_part)
		return f(s, sms);
	if (ncap < CAP_MAX)
		cap[ncap++] = *sms;
	if (send_mode == SEND_CMS) {
		status_cb(s, send_cms, -1, status_user); /* as the AT driver does */
		return ERR_NONE;
	}
	if (send_mode == SEND_ASYNC) {
		async_pending = 1; /* confirmed by a later GSM_ReadDevice */
		return ERR_NONE;
	}
	return f(s, sms);
}

int GSM_ReadDevice(GSM_StateMachine *s, gboolean wait)
{
	int (*f)(GSM_StateMachine *, gboolean) = real("GSM_ReadDevice");

	readdevice_calls++;
	if (async_pending) {
		async_pending = 0;
		status_cb(s, 0, 7, status_user);
	}
	return f(s, wait);
}

GSM_Error GSM_GetSecurityStatus(GSM_StateMachine *s, GSM_SecurityCodeType *st)
{
	GSM_Error (*f)(GSM_StateMachine *, GSM_SecurityCodeType *) = real("GSM_GetSecurityStatus");

	if (force_pin) {
		*st = SEC_Pin;
		return ERR_NONE;
	}
	return f(s, st);
}

GSM_Error GSM_EnterSecurityCode(GSM_StateMachine *s, GSM_SecurityCode *c)
{
	GSM_Error (*f)(GSM_StateMachine *, GSM_SecurityCode *) = real("GSM_EnterSecurityCode");

	pin_entries++;
	snprintf(pin_seen, sizeof(pin_seen), "%s", c->Code);
	if (pin_wrong)
		return ERR_SECURITYERROR;
	force_pin = 0;
	return f(s, c);
}

/* ---- helpers ---- */

struct fx {
	char dir[64];
	struct modem *m;
};

static const char VI1[] = "Tôi muốn hỏi về bảo hiểm y tế cho hộ nghèo ở xã Tân Lập, "
			  "thủ tục thế nào ạ?";
static const char VI2[] = "Xin chào! Chương trình hỗ trợ học phí cho con em hộ cận nghèo "
			  "năm nay có những điều kiện gì, cần nộp giấy tờ nào và nộp ở đâu ạ? "
			  "Cảm ơn nhiều.";

/* UTF-8 -> UCS-2 hex written independently of the code under test. */
static void hex_ucs2(const char *utf8, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t o = 0;

	while (*p) {
		unsigned c;

		if (*p < 0x80) {
			c = *p++;
		} else if (*p < 0xE0) {
			c = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
			p += 2;
		} else if (*p < 0xF0) {
			c = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
			p += 3;
		} else {
			c = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
			    (p[3] & 0x3Fu);
			p += 4;
			c -= 0x10000;
			assert_true(o + 9 < outsz);
			o += (size_t)snprintf(out + o, outsz - o, "%04X", 0xD800 | (c >> 10));
			c = 0xDC00 | (c & 0x3FF);
		}
		assert_true(o + 5 < outsz);
		o += (size_t)snprintf(out + o, outsz - o, "%04X", c);
	}
	out[o] = '\0';
}

/* Byte offset of the n-th character of a UTF-8 string. */
static size_t cp_offset(const char *s, size_t n)
{
	size_t i = 0;

	while (s[i] && n > 0) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return i;
}

struct sect {
	const char *sender; /* NULL: no Number key (malformed) */
	const char *udh;    /* hex or NULL */
	const char *text;   /* UTF-8 */
	size_t textlen;     /* bytes of text to use, 0 = all */
	const char *coding; /* NULL = Unicode_No_Compression */
};

static void write_file(const struct fx *f, int folder, int loc, const struct sect *s, int n)
{
	char path[128], hex[2048], num[256], tmp[1024];
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "%s/sms/%d/%d", f->dir, folder, loc);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (i = 0; i < n; i++) {
		size_t len = s[i].textlen ? s[i].textlen : strlen(s[i].text);

		assert_true(len < sizeof(tmp));
		memcpy(tmp, s[i].text, len);
		tmp[len] = '\0';
		hex_ucs2(tmp, hex, sizeof(hex));
		fprintf(fp, "[SMSBackup%03d]\nSMSC = \"+84980200030\"\nPDU = Deliver\n", i);
		fprintf(fp, "DateTime = 20240101T120000\nState = UnRead\n");
		if (s[i].sender) {
			hex_ucs2(s[i].sender, num, sizeof(num));
			fprintf(fp, "Number = \"%s\"\nNumberUnicode = %s\n", s[i].sender, num);
		}
		if (s[i].udh)
			fprintf(fp, "UDH = %s\n", s[i].udh);
		fprintf(fp, "Text00 = %s\nCoding = %s\nClass = -1\n\n", hex,
			s[i].coding ? s[i].coding : "Unicode_No_Compression");
	}
	fclose(fp);
}

static void write_one(const struct fx *f, int folder, int loc, const char *sender,
		      const char *udh, const char *text, size_t len)
{
	struct sect s = { sender, udh, text, len, NULL };

	write_file(f, folder, loc, &s, 1);
}

static int file_exists(const struct fx *f, const char *rel)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return stat(path, &st) == 0;
}

static struct modem *make_modem(const char *dir, const char *pin, int delay)
{
	struct modem_config cfg = { "dummy", "none", dir, pin, delay };
	struct modem *m = NULL;

	assert_int_equal(modem_gammu_create(&m, &cfg), 0);
	return m;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/gwmodem.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->m = make_modem(f->dir, "", 0);
	assert_int_equal(modem_open(f->m), 0);
	ncap = 0;
	send_mode = SEND_REAL;
	cms_at_part = 0;
	send_calls = 0;
	async_pending = 0;
	force_pin = pin_wrong = pin_entries = 0;
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

static size_t read_all(struct fx *f, struct modem_part **p)
{
	size_t n = 99;

	assert_int_equal(modem_read_pending(f->m, p, &n), 0);
	return n;
}

static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return timegm(&tm);
}

/* ---- reading ---- */

static void test_read_single_gsm7(void **state)
{
	struct fx *f = *state;
	struct sect s = { "+84901234567", NULL, "Hello @ gateway {1}", 0, "Default_No_Compression" };
	struct modem_part *p = NULL;

	write_file(f, 1, 1, &s, 1);
	assert_int_equal(read_all(f, &p), 1);
	assert_string_equal(p[0].sender, "+84901234567");
	assert_int_equal(p[0].sender_alnum, 0);
	assert_string_equal(p[0].text, "Hello @ gateway {1}");
	assert_int_equal(p[0].ref, 0);
	assert_int_equal(p[0].total, 1);
	assert_int_equal(p[0].seq, 1);
	assert_int_equal(p[0].malformed, 0);
	assert_int_equal(p[0].sent_at, utc(2024, 1, 1, 12, 0, 0));
	assert_true(p[0].handle[0] != '\0');
	free(p);
}

static void test_read_two_part_vietnamese(void **state)
{
	struct fx *f = *state;
	struct modem_part *p = NULL;
	size_t cut = cp_offset(VI1, 67);
	char joined[2 * MODEM_TEXT_MAX];

	write_one(f, 1, 1, "+84901234567", "050003420201", VI1, cut);
	write_one(f, 1, 2, "+84901234567", "050003420202", VI1 + cut, 0);
	assert_int_equal(read_all(f, &p), 2);
	assert_int_equal(p[0].ref, 0x42);
	assert_int_equal(p[0].total, 2);
	assert_int_equal(p[0].seq, 1);
	assert_int_equal(p[1].ref, 0x42);
	assert_int_equal(p[1].total, 2);
	assert_int_equal(p[1].seq, 2);
	assert_int_equal(p[0].malformed + p[1].malformed, 0);
	snprintf(joined, sizeof(joined), "%s%s", p[0].text, p[1].text);
	assert_memory_equal(joined, VI1, sizeof(VI1)); /* byte-exact, with the NUL */
	free(p);
}

static void test_read_interleaved_senders(void **state)
{
	struct fx *f = *state;
	struct modem_part *p = NULL;

	write_one(f, 1, 1, "+84901111111", "050003070201", "A1", 0);
	write_one(f, 1, 2, "+84902222222", "050003070201", "B1", 0);
	write_one(f, 1, 3, "+84901111111", "050003070202", "A2", 0);
	write_one(f, 1, 4, "+84902222222", "050003070202", "B2", 0);
	assert_int_equal(read_all(f, &p), 4);
	assert_string_equal(p[0].sender, "+84901111111");
	assert_string_equal(p[0].text, "A1");
	assert_string_equal(p[1].sender, "+84902222222");
	assert_string_equal(p[1].text, "B1");
	assert_string_equal(p[2].sender, "+84901111111");
	assert_string_equal(p[2].text, "A2");
	assert_int_equal(p[2].seq, 2);
	assert_string_equal(p[3].sender, "+84902222222");
	assert_string_equal(p[3].text, "B2");
	free(p);
}

static void test_read_udh16_alnum_folders(void **state)
{
	struct fx *f = *state;
	struct modem_part *p = NULL;

	write_one(f, 1, 1, "VIETTEL", NULL, "KM 50%", 0);
	write_one(f, 2, 1, "+84903333333", NULL, "outbox: not ours", 0);
	write_one(f, 3, 5, "+84904444444", "060804BEEF0302", "phone memory", 0);
	write_one(f, 1, 2, "+84905555555", "050003010201", "\xF0\x9F\x98\x80 ok", 0);
	assert_int_equal(read_all(f, &p), 3);
	assert_string_equal(p[0].sender, "VIETTEL");
	assert_int_equal(p[0].sender_alnum, 1);
	assert_string_equal(p[1].text, "\xF0\x9F\x98\x80 ok"); /* surrogate pair */
	assert_string_equal(p[2].sender, "+84904444444");
	assert_int_equal(p[2].ref, 0xBEEF);
	assert_int_equal(p[2].total, 3);
	assert_int_equal(p[2].seq, 2);
	free(p);
}

static void test_read_malformed_and_delete(void **state)
{
	struct fx *f = *state;
	struct sect nonum = { NULL, NULL, "no sender", 0, NULL };
	struct sect bin = { "+84906666666", NULL, "AB", 0, "8bit" };
	struct sect emptynum = { "", NULL, "empty sender", 0, NULL };
	struct modem_part *p = NULL;
	char path[128];
	FILE *fp;
	size_t n, i;

	write_file(f, 1, 1, &nonum, 1);
	snprintf(path, sizeof(path), "%s/sms/1/2", f->dir);
	fp = fopen(path, "w"); /* empty file: ERR_FILENOTSUPPORTED */
	assert_non_null(fp);
	fclose(fp);
	write_file(f, 1, 3, &bin, 1);
	write_file(f, 1, 4, &emptynum, 1);
	write_one(f, 1, 5, "+84907777777", NULL, "good one", 0);
	n = read_all(f, &p); /* terminates: the cursor never goes back */
	assert_int_equal(n, 5);
	for (i = 0; i < 4; i++)
		assert_int_equal(p[i].malformed, 1);
	assert_int_equal(p[4].malformed, 0);
	assert_string_equal(p[4].text, "good one");
	assert_string_equal(p[2].sender, "+84906666666");
	for (i = 0; i < n; i++)
		assert_int_equal(modem_delete_part(f->m, &p[i]), 0);
	/* Deleting twice is fine: already gone. */
	assert_int_equal(modem_delete_part(f->m, &p[4]), 0);
	free(p);
	assert_int_equal(read_all(f, &p), 0);
	free(p);
	assert_false(file_exists(f, "sms/1/1"));
	assert_false(file_exists(f, "sms/1/2"));
}

static void test_read_multisection_deferred_delete(void **state)
{
	struct fx *f = *state;
	struct sect s[2] = {
		{ "+84908888888", "050003090201", "first", 0, NULL },
		{ "+84908888888", "050003090202", "second", 0, NULL },
	};
	struct modem_part *p = NULL;

	write_file(f, 1, 1, s, 2);
	assert_int_equal(read_all(f, &p), 2);
	assert_string_equal(p[0].text, "first");
	assert_string_equal(p[1].text, "second");
	assert_int_equal(p[1].seq, 2);
	/* The file holds both parts: it stays until both are confirmed. */
	assert_int_equal(modem_delete_part(f->m, &p[0]), 0);
	assert_true(file_exists(f, "sms/1/1"));
	assert_int_equal(modem_delete_part(f->m, &p[1]), 0);
	assert_false(file_exists(f, "sms/1/1"));
	free(p);
}

static void test_delete_bad_handle(void **state)
{
	struct fx *f = *state;
	struct modem_part p;

	memset(&p, 0, sizeof(p));
	snprintf(p.handle, sizeof(p.handle), "x:1:2");
	assert_int_equal(modem_delete_part(f->m, &p), GW_ERR_INVAL);
	snprintf(p.handle, sizeof(p.handle), "g:1:2:3:0");
	assert_int_equal(modem_delete_part(f->m, &p), GW_ERR_INVAL);
}

/* ---- sending ---- */

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
		cmocka_unit_test_setup_teardown(test_read_single_gsm7, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_two_part_vietnamese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_interleaved_senders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_udh16_alnum_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_malformed_and_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_multisection_deferred_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_bad_handle, setup, teardown),
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
