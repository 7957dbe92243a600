/* ussd_form.h - the fields of an operator's USSD callback request.
 *
 * The body is application/x-www-form-urlencoded ("a=1&b=x+y%2A"): '&'
 * separates pairs, '=' the name from the value, '+' is a space and %XX a
 * byte. Known fields: sessionId, serviceCode, phoneNumber, text (every
 * input of the session joined by '*', empty on the first screen) and
 * secret (the shared secret, when the aggregator sends it in the body).
 * Other fields are ignored.
 *
 * Refused (GW_ERR_INVAL): a bad %-escape, a NUL byte (%00) or invalid
 * UTF-8 in a known field, a known field given twice. A known field longer
 * than its array is GW_ERR_TOOBIG. A pure function: no I/O, no globals,
 * safe on any bytes; *out is written only on success.
 */
#ifndef GW_USSD_FORM_H
#define GW_USSD_FORM_H

#include <stddef.h>

#define USSD_FORM_SESSION_MAX 128
#define USSD_FORM_CODE_MAX 64
#define USSD_FORM_PHONE_MAX 32
#define USSD_FORM_TEXT_MAX 1024
#define USSD_FORM_SECRET_MAX 256

enum ussd_form_field {
	USSD_FORM_SESSION = 1 << 0,
	USSD_FORM_SERVICE = 1 << 1,
	USSD_FORM_PHONE = 1 << 2,
	USSD_FORM_TEXT = 1 << 3,
	USSD_FORM_SECRET = 1 << 4,
};

/* What a request must carry. */
#define USSD_FORM_REQUIRED (USSD_FORM_SESSION | USSD_FORM_SERVICE | USSD_FORM_PHONE | USSD_FORM_TEXT)

struct ussd_form {
	unsigned present;                          /* enum ussd_form_field bits */
	char session_id[USSD_FORM_SESSION_MAX + 1];
	char service_code[USSD_FORM_CODE_MAX + 1];
	char phone[USSD_FORM_PHONE_MAX + 1];
	char text[USSD_FORM_TEXT_MAX + 1];
	char secret[USSD_FORM_SECRET_MAX + 1];
};

/* Parse body[0..len). */
int ussd_form_parse(const char *body, size_t len, struct ussd_form *out);

/* The name of the first required field missing ("sessionId", ...), or
 * NULL when all are there. */
const char *ussd_form_missing(const struct ussd_form *f);

#endif
