/* fuzz_lunar_vi.c - libFuzzer target for handlers/vi/lunar_vi.
 *
 * Eleven bytes choose a solar date, a time zone, a lunar date and a
 * buffer cap, each reaching a little past its valid range so refusals
 * are exercised too. Every call's result is checked against the header's
 * contract (round trips, fields in range, out-parameters untouched on
 * failure) and the process aborts on a breach. See README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/lunar_vi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_LEN 11

static void check(int ok)
{
	if (!ok)
		abort();
}

static int solar_eq(const struct lunar_vi_solar *a, const struct lunar_vi_solar *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day;
}

static int lunar_eq(const struct lunar_vi_date *a, const struct lunar_vi_date *b)
{
	return a->day == b->day && a->month == b->month && a->year == b->year &&
	       a->leap == b->leap;
}

static long solar_key(const struct lunar_vi_solar *s)
{
	return (long)s->year * 10000 + s->month * 100 + s->day;
}

static void fuzz_from_solar(int tz, const struct lunar_vi_solar *s)
{
	struct lunar_vi_date l, poison;
	struct lunar_vi_solar back;
	int rc;

	memset(&l, 0x5a, sizeof l);
	poison = l;
	rc = lunar_vi_from_solar_tz(tz, s, &l);
	if (rc < 0) {
		check(rc == GW_ERR_INVAL && lunar_eq(&l, &poison));
		return;
	}
	check(rc == 0 && tz >= LUNAR_VI_TZ_MIN && tz <= LUNAR_VI_TZ_MAX);
	check(l.day >= 1 && l.day <= 30 && l.month >= 1 && l.month <= 12);
	check((l.leap == 0 || l.leap == 1) && (l.year == s->year || l.year == s->year - 1));
	check(lunar_vi_to_solar_tz(tz, &l, &back) == 0 && solar_eq(&back, s));
}

static void fuzz_to_solar(int tz, const struct lunar_vi_date *l)
{
	struct lunar_vi_solar s, poison;
	struct lunar_vi_date back;
	int rc, days;

	memset(&s, 0x5a, sizeof s);
	poison = s;
	rc = lunar_vi_to_solar_tz(tz, l, &s);
	if (rc < 0) {
		check(rc == GW_ERR_INVAL && solar_eq(&s, &poison));
		return;
	}
	check(rc == 0 && s.year >= LUNAR_VI_MIN_YEAR && s.year <= LUNAR_VI_MAX_YEAR);
	check(lunar_vi_from_solar_tz(tz, &s, &back) == 0 && lunar_eq(&back, l));
	if (tz == LUNAR_VI_TZ)
		check(lunar_vi_month_days(l->year, l->month, l->leap, &days) == 0 &&
		      l->day <= days);
}

static void fuzz_months(const struct lunar_vi_date *l)
{
	int days = -1, m = -1, rc;

	rc = lunar_vi_month_days(l->year, l->month, l->leap, &days);
	check(rc == 0 ? days == 29 || days == 30 : rc == GW_ERR_INVAL && days == -1);
	rc = lunar_vi_leap_month(l->year, &m);
	if (rc < 0) {
		check(rc == GW_ERR_INVAL && m == -1);
		return;
	}
	check(m >= 0 && m <= 12);
	if (m != 0)
		check(lunar_vi_month_days(l->year, m, 1, &days) == 0);
	if (l->leap == 1 && l->month >= 1 && l->month <= 12)
		check((lunar_vi_month_days(l->year, l->month, 1, &days) == 0) == (m == l->month));
}

static void fuzz_next(const struct lunar_vi_solar *today, const struct lunar_vi_date *l)
{
	struct lunar_vi_solar s, poison;
	struct lunar_vi_date got;
	int rc;

	memset(&s, 0x5a, sizeof s);
	poison = s;
	rc = lunar_vi_next(today, l->day, l->month, l->leap, &s);
	if (rc < 0) {
		check((rc == GW_ERR_INVAL || rc == GW_ERR_NOTFOUND) && solar_eq(&s, &poison));
		return;
	}
	check(rc == 0 && solar_key(&s) >= solar_key(today));
	check(lunar_vi_from_solar(&s, &got) == 0 && got.day == l->day &&
	      got.month == l->month && got.leap == l->leap);
}

static void fuzz_format(const struct lunar_vi_date *l, size_t cap)
{
	struct buf b;
	int rc;

	buf_init(&b, cap); /* cap >= 1: 0 would mean the default cap */
	check(buf_adds(&b, "x") == 0);
	rc = lunar_vi_format(&b, l);
	if (rc < 0) {
		check((rc == GW_ERR_INVAL || rc == GW_ERR_TOOBIG) && b.len == 1);
	} else {
		check(rc == 0 && b.len <= cap && b.len >= 8);
		check(memcmp(b.data + b.len - 3, " AL", 3) == 0);
		for (size_t i = 0; i < b.len; i++)
			check(b.data[i] >= ' ' && b.data[i] <= '~');
	}
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lunar_vi_solar s;
	struct lunar_vi_date l;
	int tz;

	if (size < INPUT_LEN)
		return 0;
	s.year = 1895 + (data[0] << 8 | data[1]) % 212; /* 1895..2106 */
	s.month = (signed char)data[2] % 15;
	s.day = (signed char)data[3] % 34;
	tz = (signed char)data[4] % 16;
	l.year = 1895 + (data[5] << 8 | data[6]) % 212;
	l.month = (signed char)data[7] % 15;
	l.day = (signed char)data[8] % 33;
	l.leap = (signed char)data[9] % 3;
	fuzz_from_solar(tz, &s);
	fuzz_to_solar(tz, &l);
	fuzz_months(&l);
	fuzz_next(&s, &l);
	fuzz_format(&l, 1 + (size_t)(data[10] % 40));
	return 0;
}
