/* web_input.h - numbers and dates in a console form as people type them.
 *
 * An officer writes a wage "5.000.000", "5tr", "5 triệu" or "5000000" and
 * a deadline "31/12/2026", "31/12" or "2026-12-31"; the stored form is
 * the plain one (5000000, 2026-12-31) the import path validates. Reading
 * is done by the same parsers that read households' SMS
 * (handlers/vi/income_vi.h, datetime_vi.h); what cannot be read is left
 * as typed, so the validator refuses it and the form says how to write
 * it.
 */
#ifndef GW_WEB_INPUT_H
#define GW_WEB_INPUT_H

#include <stddef.h>
#include <time.h>

#include "common/buf.h"

/* An amount in dong from text: 0 and *vnd, or GW_ERR_INVAL. "" is
 * GW_ERR_NOTFOUND (nothing typed). */
int web_input_amount(const char *text, long long *vnd);

/* A whole number (age, headcount) from text, with "." or spaces between
 * thousands: 0 and *n, GW_ERR_INVAL, GW_ERR_NOTFOUND for "". */
int web_input_count(const char *text, long long *n);

/* A date from text, as "YYYY-MM-DD" in out (11 bytes): a day without a
 * year is the next such day from now (office time, utc_offset_min).
 * GW_ERR_INVAL when it is not one date; GW_ERR_NOTFOUND for "". */
int web_input_date(const char *text, time_t now, int utc_offset_min, char *out, size_t outsz);

#endif
