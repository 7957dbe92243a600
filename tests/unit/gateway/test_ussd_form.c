/* test_ussd_form.c - the USSD callback's form parser (gateway/ussd/ussd_form.h):
 * decoding, the fields it knows, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/gw_err.h"
#include "gateway/ussd/ussd_form.h"

static int parse(const char *body, struct ussd_form *f)
{
	return ussd_form_parse(body, strlen(body), f);
}

static void typical_requests(void **state)
{
	struct ussd_form f;

	assert_int_equal(parse("sessionId=ATUid_1&serviceCode=%2A384%2A123%23&phoneNumber=%2B84912345678"
			       "&text=", &f), 0);
	assert_string_equal(f.session_id, "ATUid_1");
	assert_string_equal(f.service_code, "*384*123#");
	assert_string_equal(f.phone, "+84912345678");
	assert_string_equal(f.text, "");
	assert_null(ussd_form_missing(&f));
	assert_int_equal(parse("text=1*2*6tr&phoneNumber=0912345678&sessionId=x&serviceCode=*1%23"
			       "&network=viettel&secret=a+b", &f), 0);
	assert_string_equal(f.text, "1*2*6tr");
	assert_string_equal(f.secret, "a b");
	assert_true(f.present & USSD_FORM_SECRET);
	/* UTF-8 through escapes */
	assert_int_equal(parse("sessionId=1&serviceCode=1&phoneNumber=1&text=Nh%E1%BA%ADn", &f), 0);
	assert_string_equal(f.text, "Nh\xe1\xba\xadn");
	/* a field without '=' is present and empty */
	assert_int_equal(parse("sessionId=1&serviceCode=1&phoneNumber=1&text", &f), 0);
	assert_true(f.present & USSD_FORM_TEXT);
	assert_string_equal(f.text, "");
	/* empty pairs are skipped */
	assert_int_equal(parse("&&sessionId=1&&", &f), 0);
	assert_string_equal(f.session_id, "1");
}

static void missing_fields(void **state)
{
	struct ussd_form f;

	assert_int_equal(parse("", &f), 0);
	assert_string_equal(ussd_form_missing(&f), "sessionId");
	assert_int_equal(parse("sessionId=1&serviceCode=2&text=", &f), 0);
	assert_string_equal(ussd_form_missing(&f), "phoneNumber");
	assert_int_equal(parse("sessionId=1&serviceCode=2&phoneNumber=3", &f), 0);
	assert_string_equal(ussd_form_missing(&f), "text");
	/* names are exact: a percent-escaped or differently cased name is another field */
	assert_int_equal(parse("sessionid=1&session%49d=1&serviceCode=2&phoneNumber=3&text=", &f), 0);
	assert_string_equal(ussd_form_missing(&f), "sessionId");
}

static void refused(void **state)
{
	struct ussd_form f, before;

	memset(&f, 0x5a, sizeof(f));
	before = f;
	assert_int_equal(parse("text=%", &f), GW_ERR_INVAL);
	assert_int_equal(parse("text=%4", &f), GW_ERR_INVAL);
	assert_int_equal(parse("text=%zz", &f), GW_ERR_INVAL);
	assert_int_equal(parse("text=a%00b", &f), GW_ERR_INVAL);
	assert_int_equal(parse("text=%ff%fe", &f), GW_ERR_INVAL);          /* not UTF-8 */
	assert_int_equal(parse("text=1&text=2", &f), GW_ERR_INVAL);        /* twice */
	assert_int_equal(ussd_form_parse("text=a\0b", 8, &f), GW_ERR_INVAL); /* raw NUL */
	assert_memory_equal(&f, &before, sizeof(f));                       /* untouched */
	{
		char big[USSD_FORM_TEXT_MAX + 16];

		memcpy(big, "text=", 5);
		memset(big + 5, '1', USSD_FORM_TEXT_MAX + 1);
		big[5 + USSD_FORM_TEXT_MAX + 1] = '\0';
		assert_int_equal(parse(big, &f), GW_ERR_TOOBIG);
		big[5 + USSD_FORM_TEXT_MAX] = '\0';
		assert_int_equal(parse(big, &f), 0);
		assert_int_equal(strlen(f.text), USSD_FORM_TEXT_MAX);
	}
	/* unknown fields may hold anything */
	assert_int_equal(parse("junk=%ff%00&sessionId=1", &f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typical_requests),
		cmocka_unit_test(missing_fields),
		cmocka_unit_test(refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
