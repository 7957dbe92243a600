/* fuzz_ussd.c - libFuzzer target for gateway/ussd_form (the USSD
 * callback's form parser: bytes from the network).
 *
 * The input is the request body as MHD hands it over (any bytes, not
 * NUL-terminated). Beyond not crashing, the result is checked against the
 * header's contract and the process aborts on a breach: *out untouched on
 * failure; on success every known field present is NUL-terminated within
 * its array, valid UTF-8 without NUL, absent fields are empty, and
 * ussd_form_missing() agrees with the present bits. See README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "gateway/ussd/ussd_form.h"
#include "handlers/vi/textfold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void field_ok(const char *s, size_t max, int present)
{
	size_t n = strnlen(s, max + 1);

	check(n <= max);
	check(textfold_utf8_valid(s, n));
	if (!present)
		check(n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ussd_form f, untouched;
	const char *missing;
	char *body;
	int rc;

	/* a copy of exactly size bytes: ASan sees any read past the end */
	if (!(body = malloc(size ? size : 1)))
		return 0;
	memcpy(body, data, size);
	memset(&f, 0x5a, sizeof f);
	untouched = f;
	rc = ussd_form_parse(body, size, &f);
	if (rc < 0) {
		check(rc == GW_ERR_INVAL || rc == GW_ERR_TOOBIG);
		check(memcmp(&f, &untouched, sizeof f) == 0);
	} else {
		check(rc == 0);
		check((f.present & ~0x1fu) == 0);
		field_ok(f.session_id, USSD_FORM_SESSION_MAX, f.present & USSD_FORM_SESSION);
		field_ok(f.service_code, USSD_FORM_CODE_MAX, f.present & USSD_FORM_SERVICE);
		field_ok(f.phone, USSD_FORM_PHONE_MAX, f.present & USSD_FORM_PHONE);
		field_ok(f.text, USSD_FORM_TEXT_MAX, f.present & USSD_FORM_TEXT);
		field_ok(f.secret, USSD_FORM_SECRET_MAX, f.present & USSD_FORM_SECRET);
		missing = ussd_form_missing(&f);
		check((missing == NULL) == ((f.present & USSD_FORM_REQUIRED) == USSD_FORM_REQUIRED));
	}
	free(body);
	return 0;
}
