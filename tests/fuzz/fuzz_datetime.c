/* fuzz_datetime.c - libFuzzer target for handlers/datetime_vi.
 *
 * The first five bytes choose the arrival (so month ends, leap days and
 * every weekday get hit), the rest is the message, NUL-terminated as the
 * gateway hands it over. Beyond not crashing, every result is checked
 * against the header's contract and the process aborts on a breach, so
 * a wrong answer is a finding just like a crash. See README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/datetime_vi.h"
#include "handlers/vi/lunar_vi.h"
#include "handlers/vi/textfold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct datetime_vi_now now;
	struct datetime_vi r, untouched;
	struct buf folded;
	const char *why = NULL;
	char *text;
	int rc;

	if (size < 5)
		return 0;
	now.year = 2020 + data[0] % 16;
	now.month = 1 + data[1] % 12;
	now.day = 1 + data[2] % 31; /* sometimes impossible: must be refused */
	now.hour = data[3] % 24;
	now.minute = data[4] % 60;
	data += 5;
	size -= 5;
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&r, 0x5a, sizeof r);
	untouched = r;
	rc = datetime_vi_parse(text, &now, &r, &why);
	if (rc < 0) {
		check(why != NULL && memcmp(&r, &untouched, sizeof r) == 0);
		check(rc == GW_ERR_INVAL || rc == GW_ERR_TOOBIG || rc == GW_ERR_NOMEM);
		check(datetime_vi_valid_date(now.year, now.month, now.day) || rc == GW_ERR_INVAL);
	} else {
		check(rc == 0 && datetime_vi_valid_date(now.year, now.month, now.day));
		check(strlen(text) <= DATETIME_VI_MAX_TEXT);
		if (r.has_date) {
			check(datetime_vi_valid_date(r.year, r.month, r.day));
			check(r.weekday == datetime_vi_weekday(r.year, r.month, r.day));
			/* never before the arrival day */
			check(r.year > now.year || (r.year == now.year && (r.month > now.month ||
				(r.month == now.month && r.day >= now.day))));
		}
		if (r.lunar) { /* a lunar date is the solar day reported, both ways */
			struct lunar_vi_solar back;

			check(r.has_date && lunar_vi_to_solar(&r.lunar_date, &back) == 0);
			check(back.year == r.year && back.month == r.month && back.day == r.day);
		}
		if (r.has_time)
			check(r.hour >= 0 && r.hour <= 23 && r.minute >= 0 && r.minute <= 59);
		check(r.part_of_day >= DATETIME_VI_PART_NONE &&
		      r.part_of_day <= DATETIME_VI_PART_EVENING);
		buf_init(&folded, 0);
		if (textfold_ascii(&folded, text, strlen(text)) == 0)
			check(r.span_start <= r.span_end && r.span_end <= folded.len &&
			      ((r.has_date || r.has_time || r.part_of_day) ? r.span_end > r.span_start
								       : r.span_end == 0));
		buf_release(&folded);
	}
	free(text);
	return 0;
}
