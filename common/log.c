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
} logger = { LOG_LVL_INFO, 0, 0, "gateway" };

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
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
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
