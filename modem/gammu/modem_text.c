/* modem_text.c - UTF-8 <-> UTF-16BE for libgammu, GSM-7 check, part count.
 *
 * See modem_text.h for why libgammu's own converters are not used.
 */
#include "modem/gammu/modem_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "modem/modem.h"

/* libgammu's GSM-7 encoder gives up after this many septets
 * (FindDefaultAlphabetLen(..., 5000) in GSM_EncodeMultiPartSMS) and drops
 * the rest silently. */
#define GSM7_SEPTETS_MAX 5000

/* Decode one UTF-8 character at *p (not at the terminating NUL) and
 * advance. Strict: rejects overlong forms, surrogates and > U+10FFFF. */
static int utf8_next(const unsigned char **p, uint32_t *cp)
{
	const unsigned char *s = *p;
	uint32_t c = s[0], min;
	int r = GW_ERR_INVAL, len, i;

	if (c < 0x80) {
		len = 1;
		min = 0;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2;
		min = 0x80;
		c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		min = 0x800;
		c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		min = 0x10000;
		c &= 0x07;
	} else {
		goto out;
	}
	for (i = 1; i < len; i++) {
		/* A NUL here fails this test too, so we never read past it. */
		if ((s[i] & 0xC0) != 0x80)
			goto out;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto out;
	*cp = c;
	*p = s + len;
	r = 0;
out:
	return r;
}

static int utf8_put(struct buf *b, uint32_t c)
{
	char t[4];
	size_t n;

	if (c < 0x80) {
		t[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		t[0] = (char)(0xC0 | (c >> 6));
		t[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		t[0] = (char)(0xE0 | (c >> 12));
		t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | (c >> 18));
		t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	return buf_add(b, t, n);
}

int modem_text_to_ucs2(const char *utf8, size_t max_units, unsigned char **out, size_t *units)
{
	const unsigned char *p = (const unsigned char *)utf8;
	unsigned char *u = NULL;
	size_t n = 0, i = 0;
	uint32_t c;
	int r = GW_ERR_INVAL;

	/* First pass validates and counts, so the buffer is sized exactly. */
	while (*p) {
		if (utf8_next(&p, &c) < 0)
			goto out;
		n += c >= 0x10000 ? 2 : 1;
	}
	if (n > max_units) {
		r = GW_ERR_TOOBIG;
		goto out;
	}
	u = malloc(2 * n + 2);
	if (!u) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	p = (const unsigned char *)utf8;
	while (*p) {
		(void)utf8_next(&p, &c);
		if (c >= 0x10000) {
			uint32_t v = c - 0x10000;
			uint32_t hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);

			u[i++] = (unsigned char)(hi >> 8);
			u[i++] = (unsigned char)(hi & 0xFF);
			u[i++] = (unsigned char)(lo >> 8);
			u[i++] = (unsigned char)(lo & 0xFF);
		} else {
			u[i++] = (unsigned char)(c >> 8);
			u[i++] = (unsigned char)(c & 0xFF);
		}
	}
	u[i++] = 0;
	u[i] = 0;
	*out = u;
	u = NULL; /* transferred */
	*units = n;
	r = 0;
out:
	free(u);
	return r;
}

int modem_text_to_ucs2_field(const char *utf8, unsigned char *dst, size_t dstsz)
{
	unsigned char *u = NULL;
	size_t n = 0;
	int r;

	if ((r = modem_text_to_ucs2(utf8, dstsz / 2, &u, &n)) < 0)
		goto out;
	r = GW_ERR_TOOBIG;
	if (2 * n + 2 > dstsz)
		goto out;
	memcpy(dst, u, 2 * n + 2);
	r = 0;
out:
	free(u);
	return r;
}

int modem_text_from_ucs2(const unsigned char *ucs2, size_t units, struct buf *out)
{
	size_t i;
	int r = 0;

	for (i = 0; i < units && r == 0; i++) {
		uint32_t c = ((uint32_t)ucs2[2 * i] << 8) | ucs2[2 * i + 1];

		if (c == 0)
			break;
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units) {
			uint32_t lo = ((uint32_t)ucs2[2 * i + 2] << 8) | ucs2[2 * i + 3];

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
		}
		if (c >= 0xD800 && c <= 0xDFFF)
			c = 0xFFFD;
		r = utf8_put(out, c);
	}
	return r;
}

int modem_text_copy_trunc(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);
	int cut = 0;

	if (dstsz == 0)
		return n > 0;
	if (n >= dstsz) {
		n = dstsz - 1;
		/* Back off continuation bytes so no character is split. */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
		cut = 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return cut;
}

/* GSM 03.38 default alphabet: 1 = basic table (one septet), 2 = extension
 * table (escape + septet), 0 = not representable. Matches libgammu's
 * GSM_DefaultAlphabetUnicode / ...CharsExtension tables, except that we do
 * not treat U+00B9 as GSM: libgammu puts it at 0x1B, which is the escape. */
static int gsm7_cost(uint32_t c)
{
	static const uint16_t basic[] = {
		0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7,
		0x00D8, 0x00F8, 0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B,
		0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, 0x00C6, 0x00E6,
		0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6, 0x00D1, 0x00DC,
		0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
	};
	size_t i;

	if (c == '\n' || c == '\r')
		return 1;
	if (c == '\f' || c == '^' || c == '{' || c == '}' || c == '\\' || c == '[' ||
	    c == '~' || c == ']' || c == '|' || c == 0x20AC)
		return 2;
	if (c >= 0x20 && c < 0x7F)
		return c == '`' ? 0 : 1; /* every other printable ASCII is basic */
	for (i = 0; i < sizeof(basic) / sizeof(basic[0]); i++)
		if (basic[i] == c)
			return 1;
	return 0;
}

/* Septets needed as GSM-7, or -1 if some character is not GSM-7 or the
 * UTF-8 is invalid. */
static long gsm7_septets(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	long n = 0;
	uint32_t c;
	int k;

	while (*p) {
		if (utf8_next(&p, &c) < 0 || (k = gsm7_cost(c)) == 0)
			return -1;
		n += k;
	}
	return n;
}

int modem_text_is_gsm7(const char *text)
{
	return text && gsm7_septets(text) >= 0;
}

int modem_text_encode(const char *utf8, GSM_MultiSMSMessage *sms, int *ucs2)
{
	GSM_MultiPartSMSInfo info;
	unsigned char *u = NULL;
	size_t units = 0;
	long septets = gsm7_septets(utf8);
	GSM_Error e;
	int r;

	if ((r = modem_text_to_ucs2(utf8, MODEM_TEXT_UNITS_MAX, &u, &units)) < 0)
		goto out;
	r = GW_ERR_TOOBIG;
	if (septets > GSM7_SEPTETS_MAX)
		goto out;
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.UnicodeCoding = septets < 0;
	info.Entries[0].ID = SMS_ConcatenatedTextLong;
	info.Entries[0].Buffer = u;
	memset(sms, 0, sizeof(*sms));
	e = GSM_EncodeMultiPartSMS(NULL, &info, sms);
	/* Never GSM_FreeMultiPartSMSInfo(): it would free our buffer too. */
	info.Entries[0].Buffer = NULL;
	if (e != ERR_NONE) {
		log_warn("modem: cannot encode text: %s", GSM_ErrorName(e));
		r = e == ERR_MOREMEMORY ? GW_ERR_NOMEM : GW_ERR_INVAL;
		goto out;
	}
	/* Reaching the part limit means libgammu may have cut the text. */
	if (sms->Number < 1 || sms->Number >= GSM_MAX_MULTI_SMS)
		goto out;
	*ucs2 = septets < 0;
	r = 0;
out:
	free(u);
	return r;
}

int modem_text_parts(const char *text, int *parts, int *ucs2)
{
	GSM_MultiSMSMessage *sms = NULL;
	int r = GW_ERR_INVAL, u = 0;

	if (!text)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(sms = malloc(sizeof(*sms))))
		goto out;
	if ((r = modem_text_encode(text, sms, &u)) < 0)
		goto out;
	*parts = sms->Number;
	*ucs2 = u;
	r = 0;
out:
	free(sms);
	return r;
}
