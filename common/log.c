#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "common/gw_err.h"

static struct {
	int level;
	int use_syslog;
	int mask;
	const char *ident;
	int utc;        /* stamp in UTC (said), else office time with its offset */
	int offset_min; /* office time = UTC + offset_min */
} logger = { LOG_LVL_INFO, 0, 0, "gateway", 1, 0 };

static const char *const level_names[] = { "error", "warning", "notice", "info", "debug" };

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	return GW_ERR_INVAL;
}

void log_setup(const char *ident, int level, int use_syslog, int mask_numbers)
{
	if (logger.use_syslog)
		closelog();
	logger.ident = ident;
	logger.level = level;
	logger.use_syslog = use_syslog;
	logger.mask = mask_numbers;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_set_clock(int utc_offset_min, int utc)
{
	logger.offset_min = utc_offset_min;
	logger.utc = utc;
}

void log_stamp(time_t t, char *out, size_t outsz)
{
	int off = logger.utc ? 0 : logger.offset_min, a = off < 0 ? -off : off;
	time_t local = t + (time_t)off * 60;
	char day[24];
	struct tm tm;

	gmtime_r(&local, &tm);
	if (strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		day[0] = '\0';
	if (logger.utc)
		snprintf(out, outsz, "%s UTC", day);
	else
		snprintf(out, outsz, "%s %c%02d:%02d", day, off < 0 ? '-' : '+', a / 60, a % 60);
}

int log_enabled(int level)
{
	return level <= logger.level;
}

void log_msg(int level, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };
	char line[1024];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (logger.use_syslog) {
		syslog(prio[level], "%s", line);
	} else {
		char stamp[48];

		log_stamp(time(NULL), stamp, sizeof(stamp));
		fprintf(stderr, "%s %s[%s] %s\n", stamp, logger.ident, level_names[level], line);
	}
}

const char *log_phone(const char *phone)
{
	/* per thread: the USSD and web servers log from their own threads */
	static _Thread_local char slots[4][40];
	static _Thread_local unsigned next;
	char *out = slots[next++ % 4];
	size_t n = phone ? strlen(phone) : 0;

	if (!phone)
		return "(none)";
	if (!logger.mask || n <= 6) {
		snprintf(out, sizeof(slots[0]), "%s", phone);
		return out;
	}
	if (n >= sizeof(slots[0]))
		n = sizeof(slots[0]) - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (i < 4 || i >= n - 3) ? phone[i] : '*';
	out[n] = '\0';
	return out;
}
