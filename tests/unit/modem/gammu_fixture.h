/* gammu_fixture.h - what the libgammu transport's tests share: the
 * interposed GSM_* functions (the executable's definitions win over
 * libGammu's; the real ones are reached with dlsym(RTLD_NEXT)), a fresh
 * dummy phone folder per test and smsbackup files written into it.
 * Include once per test program (it defines the interposers).
 */
#ifndef GW_TEST_GAMMU_FIXTURE_H
#define GW_TEST_GAMMU_FIXTURE_H

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
static inline void hex_ucs2(const char *utf8, char *out, size_t outsz)
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
static inline size_t cp_offset(const char *s, size_t n)
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

static inline void write_file(const struct fx *f, int folder, int loc, const struct sect *s, int n)
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

static inline void write_one(const struct fx *f, int folder, int loc, const char *sender,
		      const char *udh, const char *text, size_t len)
{
	struct sect s = { sender, udh, text, len, NULL };

	write_file(f, folder, loc, &s, 1);
}

static inline int file_exists(const struct fx *f, const char *rel)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return stat(path, &st) == 0;
}

static inline struct modem *make_modem(const char *dir, const char *pin, int delay)
{
	struct modem_config cfg = { "dummy", "none", dir, pin, delay };
	struct modem *m = NULL;

	assert_int_equal(modem_gammu_create(&m, &cfg), 0);
	return m;
}

static inline int setup(void **state)
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

static inline int teardown(void **state)
{
	struct fx *f = *state;

	modem_destroy(f->m);
	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

static inline size_t read_all(struct fx *f, struct modem_part **p)
{
	size_t n = 99;

	assert_int_equal(modem_read_pending(f->m, p, &n), 0);
	return n;
}

static inline time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return timegm(&tm);
}

/* ---- reading ---- */

#endif
