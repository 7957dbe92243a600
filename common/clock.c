#include "common/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/log.h"

int gw_parse_local(const char *s, int utc_offset_min, time_t *out)
{
	struct tm tm;
	int y, mo, d, h, mi;
	char extra;

	if (sscanf(s, "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &extra) != 5 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
		return GW_ERR_INVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	*out = timegm(&tm) - (time_t)utc_offset_min * 60;
	return 0;
}

time_t gw_now(int utc_offset_min)
{
	const char *fake = getenv("GW_FAKE_NOW");
	time_t now = time(NULL);
	char *end = NULL;
	long long v;

	if (!fake || !*fake)
		goto out;
	v = strtoll(fake, &end, 10);
	if (end && !*end && v > 0) {
		now = (time_t)v;
		goto out;
	}
	if (gw_parse_local(fake, utc_offset_min, &now) < 0)
		log_warn("GW_FAKE_NOW='%s' is neither Unix seconds nor 'YYYY-MM-DD HH:MM': ignored", fake);
out:
	return now;
}

void gw_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
