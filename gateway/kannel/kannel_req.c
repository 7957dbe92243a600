/* kannel_req.c - see kannel_req.h. */
#include "gateway/kannel/kannel_req.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "handlers/core/contacts.h"
#include "handlers/vi/textfold.h"

void kannel_mo_init(struct kannel_mo *m)
{
	memset(m, 0, sizeof(*m));
	buf_init(&m->text, KANNEL_TEXT_MAX);
}

void kannel_mo_release(struct kannel_mo *m)
{
	buf_release(&m->text);
}

/* A copy of f into dst when it fits and is printable ASCII without spaces
 * (what an address or an id is); "" when absent. */
static int copy_token(char *dst, size_t dstsz, const struct kannel_field *f)
{
	if (!f->v) {
		dst[0] = '\0';
		return 0;
	}
	if (f->n >= dstsz)
		return GW_ERR_TOOBIG;
	for (size_t i = 0; i < f->n; i++)
		if ((unsigned char)f->v[i] <= ' ' || (unsigned char)f->v[i] >= 0x7f)
			return GW_ERR_INVAL;
	memcpy(dst, f->v, f->n);
	dst[f->n] = '\0';
	return 0;
}

/* A short decimal field (coding, type, outbox id); GW_ERR_INVAL if it is
 * not one. */
static int field_int(const struct kannel_field *f, long long min, long long max, long long *out)
{
	char tmp[24], *end;
	long long v;

	if (!f->v || f->n == 0 || f->n >= sizeof(tmp))
		return GW_ERR_INVAL;
	memcpy(tmp, f->v, f->n);
	tmp[f->n] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end || v < min || v > max)
		return GW_ERR_INVAL;
	*out = v;
	return 0;
}

static int add_utf8(struct buf *out, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_add(out, b, n);
}

/* A control character no person types (tab and line breaks they do). */
static int is_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f;
}

/* UTF-16BE with surrogate pairs; no NUL and no lone surrogate; with
 * strict, no control character either (guessing at 8-bit data). */
static int from_utf16be(struct buf *out, const unsigned char *p, size_t n, int strict)
{
	size_t start = out->len;
	int r = 0;

	if (n % 2) {
		r = GW_ERR_INVAL;
		goto out;
	}
	for (size_t i = 0; i < n && r == 0; i += 2) {
		uint32_t cp = (uint32_t)p[i] << 8 | p[i + 1];

		if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < n) {
			uint32_t lo = (uint32_t)p[i + 2] << 8 | p[i + 3];

			if (lo < 0xDC00 || lo >= 0xE000) {
				r = GW_ERR_INVAL;
				break;
			}
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		} else if (cp >= 0xD800 && cp < 0xE000) {
			r = GW_ERR_INVAL;
			break;
		}
		r = cp == 0 || (strict && is_control(cp)) ? GW_ERR_INVAL : add_utf8(out, cp);
	}
out:
	if (r < 0)
		buf_truncate(out, start);
	return r;
}

static int from_latin1(struct buf *out, const unsigned char *p, size_t n)
{
	size_t start = out->len;
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = p[i] == 0 ? GW_ERR_INVAL : add_utf8(out, p[i]);
	if (r < 0)
		buf_truncate(out, start);
	return r;
}

/* Valid UTF-8 without control characters: text, not data. */
static int looks_like_text(const char *text, size_t n)
{
	if (!textfold_utf8_valid(text, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (is_control((unsigned char)text[i]))
			return 0;
	return 1;
}

static int is_charset(const char *charset, const char *const *names)
{
	for (; *names; names++)
		if (!strcasecmp(charset, *names))
			return 1;
	return 0;
}

int kannel_text_utf8(struct buf *out, const char *text, size_t n, const char *charset,
		     int coding)
{
	static const char *const utf8[] = { "UTF-8", "UTF8", "", NULL };
	static const char *const utf16[] = { "UTF-16BE", "UTF-16", "UCS-2", "UCS-2BE", "UTF16BE",
					     NULL };
	static const char *const latin1[] = { "ISO-8859-1", "LATIN1", "ISO8859-1", NULL };
	const unsigned char *p = (const unsigned char *)text;
	int r;

	if (is_charset(charset, utf16) || (!*charset && coding == 2))
		return from_utf16be(out, p, n, 0);
	if (is_charset(charset, latin1))
		return from_latin1(out, p, n);
	if (is_charset(charset, utf8))
		return textfold_utf8_valid(text, n) ? buf_add(out, text, n) : GW_ERR_INVAL;
	/* 8-bit data or a charset we do not know: text when it reads as UTF-8,
	 * or as UTF-16BE (a UCS-2 message joined from UDH parts arrives so
	 * through the fake SMSC), else data no person wrote */
	if (looks_like_text(text, n))
		return buf_add(out, text, n);
	r = from_utf16be(out, p, n, 1);
	return r == GW_ERR_TOOBIG ? r : (r < 0 ? GW_ERR_INVAL : 0);
}

int kannel_parse_time(const char *s, size_t n, time_t *out)
{
	char tmp[32], *end;
	struct tm tm;
	long long v;
	int r = GW_ERR_INVAL;

	if (!s || n == 0 || n >= sizeof(tmp))
		goto out;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(tmp, "%Y-%m-%d %H:%M:%S", &tm)) && !*end) {
		*out = timegm(&tm);
		r = 0;
		goto out;
	}
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (!errno && !*end && v > 0) {
		*out = (time_t)v;
		r = 0;
	}
out:
	return r;
}

/* The sender: a phone number in our one form (+84...), or as given when it
 * is a name (an operator's service). */
static int take_sender(struct kannel_mo *m, const struct kannel_field *f, const char **why)
{
	char raw[MODEM_PHONE_MAX];

	if (!f->v || f->n == 0) {
		*why = "missing from";
		return GW_ERR_INVAL;
	}
	if (copy_token(raw, sizeof(raw), f) < 0) {
		*why = "bad from";
		return GW_ERR_INVAL;
	}
	if (contacts_normalize_phone(raw, m->from, sizeof(m->from)) < 0)
		memcpy(m->from, raw, sizeof(m->from));
	return 0;
}

int kannel_mo_decode(const struct kannel_mo_raw *raw, struct kannel_mo *m, const char **why)
{
	char charset[32] = "";
	long long coding = -1;
	int r;

	if ((r = take_sender(m, &raw->from, why)) < 0)
		goto out;
	if (copy_token(m->to, sizeof(m->to), &raw->to) < 0)
		m->to[0] = '\0'; /* only for the record */
	if (copy_token(m->smsc, sizeof(m->smsc), &raw->smsc) < 0)
		m->smsc[0] = '\0';
	if ((r = copy_token(m->id, sizeof(m->id), &raw->id)) < 0) {
		*why = "bad id";
		goto out;
	}
	if (raw->coding.v && field_int(&raw->coding, 0, 2, &coding) < 0)
		coding = -1;
	if (copy_token(charset, sizeof(charset), &raw->charset) < 0)
		charset[0] = '\0';
	if (kannel_parse_time(raw->time.v, raw->time.n, &m->sent_at) < 0)
		m->sent_at = 0;
	buf_reset(&m->text);
	r = raw->text.v ? kannel_text_utf8(&m->text, raw->text.v, raw->text.n, charset, (int)coding)
			: 0;
	if (r == GW_ERR_TOOBIG) {
		*why = "text too long";
		goto out;
	}
	m->malformed = r < 0;
	r = 0;
out:
	return r;
}

enum outbox_dlr kannel_dlr_state(int type)
{
	switch (type) {
	case 1: return OUTBOX_DLR_DELIVERED;
	case 2: return OUTBOX_DLR_FAILED;
	case 4: return OUTBOX_DLR_BUFFERED;
	case 8: return OUTBOX_DLR_SUBMITTED;
	case 16: return OUTBOX_DLR_FAILED;
	}
	return 0;
}

int kannel_dlr_decode(const struct kannel_dlr_raw *raw, struct kannel_dlr *d, const char **why)
{
	long long id = 0, type = 0;
	size_t n;
	int r = GW_ERR_INVAL;

	memset(d, 0, sizeof(*d));
	if (field_int(&raw->outbox, 1, INT64_MAX, &id) < 0) {
		*why = "missing or bad outbox";
		goto out;
	}
	if (field_int(&raw->type, 1, 16, &type) < 0 || !kannel_dlr_state((int)type)) {
		*why = "missing or bad type";
		goto out;
	}
	d->outbox_id = id;
	d->type = (int)type;
	d->state = kannel_dlr_state(d->type);
	if (kannel_parse_time(raw->time.v, raw->time.n, &d->at) < 0)
		d->at = 0;
	n = raw->reply.v ? raw->reply.n : 0;
	if (n >= sizeof(d->reply)) { /* cut, but not inside a UTF-8 character */
		n = sizeof(d->reply) - 1;
		while (n > 0 && ((unsigned char)raw->reply.v[n] & 0xC0) == 0x80)
			n--;
	}
	/* the SMSC's words, printable only (it is shown in the console) */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw->reply.v[i];

		d->reply[i] = c < ' ' || c == 0x7f ? ' ' : (char)c;
	}
	d->reply[n] = '\0';
	r = 0;
out:
	return r;
}
