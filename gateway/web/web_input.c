/* web_input.c - see web_input.h. */
#include "gateway/web/web_input.h"

#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/datetime_vi.h"
#include "handlers/vi/income_vi.h"

#define INPUT_MAX 64

static int blank(const char *t)
{
	return t[strspn(t, " \t")] == '\0';
}

/* Digits with optional "." "," or space groups of three: 1.200 -> 1200. */
static int plain_number(const char *t, long long *out)
{
	long long v = 0;
	int digits = 0, group = -1;

	t += strspn(t, " \t");
	for (; *t && *t != ' ' && *t != '\t'; t++) {
		if (*t >= '0' && *t <= '9') {
			if (v > 100000000000LL)
				return GW_ERR_INVAL;
			v = v * 10 + (*t - '0');
			digits++;
			if (group >= 0)
				group++;
			continue;
		}
		if ((*t != '.' && *t != ',') || !digits || (group >= 0 && group != 3))
			return GW_ERR_INVAL;
		group = 0;
	}
	if (!digits || (group >= 0 && group != 3) || !blank(t))
		return GW_ERR_INVAL;
	*out = v;
	return 0;
}

int web_input_count(const char *text, long long *n)
{
	if (blank(text))
		return GW_ERR_NOTFOUND;
	if (strlen(text) > INPUT_MAX)
		return GW_ERR_INVAL;
	return plain_number(text, n);
}

int web_input_amount(const char *text, long long *vnd)
{
	struct income_vi in;
	long long v = 0;

	if (blank(text))
		return GW_ERR_NOTFOUND;
	if (strlen(text) > INPUT_MAX)
		return GW_ERR_INVAL;
	if (plain_number(text, &v) == 0) {
		*vnd = v;
		return 0;
	}
	/* "5tr", "5 triệu", "4tr5", "800k", "5.000.000 đồng" */
	if (income_vi_parse(text, &in, NULL) < 0 || !in.has_income || in.amount_count != 1)
		return GW_ERR_INVAL;
	*vnd = in.vnd;
	return 0;
}

int web_input_date(const char *text, time_t now, int utc_offset_min, char *out, size_t outsz)
{
	struct datetime_vi_now dn;
	struct datetime_vi d;
	struct tm tm;
	time_t local = now + (time_t)utc_offset_min * 60;
	int y, m, day;
	char tail;

	if (blank(text))
		return GW_ERR_NOTFOUND;
	if (strlen(text) > INPUT_MAX || outsz < 11)
		return GW_ERR_INVAL;
	/* the stored form as it is */
	if (sscanf(text, " %4d-%2d-%2d %c", &y, &m, &day, &tail) == 3) {
		if (!datetime_vi_valid_date(y, m, day))
			return GW_ERR_INVAL;
		snprintf(out, outsz, "%04d-%02d-%02d", y, m, day);
		return 0;
	}
	gmtime_r(&local, &tm);
	dn.year = tm.tm_year + 1900;
	dn.month = tm.tm_mon + 1;
	dn.day = tm.tm_mday;
	dn.hour = tm.tm_hour;
	dn.minute = tm.tm_min;
	/* "31/12/2026", "31/12", "ngày 31 tháng 12" */
	if (datetime_vi_parse(text, &dn, &d, NULL) < 0 || !d.has_date || d.has_time || d.lunar)
		return GW_ERR_INVAL;
	snprintf(out, outsz, "%04d-%02d-%02d", d.year, d.month, d.day);
	return 0;
}
