/* fuzz_income.c - libFuzzer target for handlers/income_vi.
 *
 * The input is the message, NUL-terminated as the gateway hands it over.
 * Beyond not crashing, every result is checked against the header's
 * contract and the process aborts on a breach. See README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/income_vi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct income_vi r, untouched;
	const char *why = NULL;
	long long mpp;
	char *text;
	int rc;

	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&r, 0x5a, sizeof r);
	untouched = r;
	rc = income_vi_parse(text, &r, &why);
	if (rc < 0) {
		check(why != NULL && memcmp(&r, &untouched, sizeof r) == 0);
		check(rc == GW_ERR_INVAL || rc == GW_ERR_TOOBIG || rc == GW_ERR_NOMEM);
	} else {
		check(rc == 0 && strlen(text) <= INCOME_VI_MAX_TEXT);
		check(r.amount_count >= r.has_income && r.amount_count >= 0);
		if (r.has_income)
			check(r.vnd >= 0 && r.vnd <= INCOME_VI_MAX_VND);
		else
			check(r.vnd == 0 && !r.per_person && !r.per_year && !r.per_day);
		check(!(r.per_year && r.per_day));
		if (r.has_household_size)
			check(r.household_size >= 1 && r.household_size <= 30);
		else
			check(r.household_size == 0);
		mpp = income_vi_monthly_per_person(&r);
		check(mpp >= -1 && mpp <= r.vnd);
		check(mpp == -1 || r.has_income);
	}
	free(text);
	return 0;
}
