#include "gateway/ussd/ussd_form.h"

#include <stddef.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/textfold.h"

static const struct {
	const char *name;
	unsigned bit;
	size_t off, max;
} fields[] = {
	{ "sessionId", USSD_FORM_SESSION, offsetof(struct ussd_form, session_id), USSD_FORM_SESSION_MAX },
	{ "serviceCode", USSD_FORM_SERVICE, offsetof(struct ussd_form, service_code), USSD_FORM_CODE_MAX },
	{ "phoneNumber", USSD_FORM_PHONE, offsetof(struct ussd_form, phone), USSD_FORM_PHONE_MAX },
	{ "text", USSD_FORM_TEXT, offsetof(struct ussd_form, text), USSD_FORM_TEXT_MAX },
	{ "secret", USSD_FORM_SECRET, offsetof(struct ussd_form, secret), USSD_FORM_SECRET_MAX },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into dst (room for max bytes and a NUL); *len gets the
 * decoded length. */
static int decode(const char *s, size_t n, char *dst, size_t max, size_t *len)
{
	size_t k = 0;
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		int c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
				r = GW_ERR_INVAL;
				break;
			}
			c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			i += 2;
		}
		if (c == 0)
			r = GW_ERR_INVAL;
		else if (k == max)
			r = GW_ERR_TOOBIG;
		else
			dst[k++] = (char)c;
	}
	if (r == 0) {
		dst[k] = '\0';
		*len = k;
	}
	return r;
}

/* 1 when name[0..n) equals the %-decoded field name want. Names are
 * plain ASCII, so an escaped name is simply not one of ours. */
static int name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(name, want, n) == 0;
}

int ussd_form_parse(const char *body, size_t len, struct ussd_form *out)
{
	struct ussd_form f;
	size_t pos = 0;
	int r = 0;

	memset(&f, 0, sizeof(f));
	if (!body && len) {
		r = GW_ERR_INVAL;
		goto out;
	}
	while (pos < len && r == 0) {
		const char *pair = body + pos, *amp = memchr(pair, '&', len - pos), *eq;
		size_t plen = amp ? (size_t)(amp - pair) : len - pos, nlen, vlen = 0;

		pos += plen + 1;
		if (!plen)
			continue;
		eq = memchr(pair, '=', plen);
		nlen = eq ? (size_t)(eq - pair) : plen;
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			char *dst = (char *)&f + fields[i].off;

			if (!name_is(pair, nlen, fields[i].name))
				continue;
			if (f.present & fields[i].bit) {
				r = GW_ERR_INVAL; /* twice: which one would the sender mean? */
				break;
			}
			if (eq && (r = decode(eq + 1, plen - nlen - 1, dst, fields[i].max, &vlen)) < 0)
				break;
			if (!textfold_utf8_valid(dst, vlen)) {
				r = GW_ERR_INVAL;
				break;
			}
			f.present |= fields[i].bit;
		}
	}
	if (r == 0)
		*out = f;
out:
	return r;
}

const char *ussd_form_missing(const struct ussd_form *f)
{
	const char *name = NULL;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !name; i++)
		if ((USSD_FORM_REQUIRED & fields[i].bit) && !(f->present & fields[i].bit))
			name = fields[i].name;
	return name;
}
