/* log.h - levelled logging to stderr or syslog.
 *
 * One process-wide logger: configured once at start-up (log_setup,
 * log_set_clock) and again on SIGHUP. Phone numbers passed through log_phone() are masked when
 * log.mask_numbers is set, so personal data stays out of logs.
 */
#ifndef GW_LOG_H
#define GW_LOG_H

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARNING,
	LOG_LVL_NOTICE,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

#include <stddef.h>
#include <time.h>

/* Parse "error".."debug"; returns the level or GW_ERR_INVAL. */
int log_level_parse(const char *name);
void log_setup(const char *ident, int level, int use_syslog, int mask_numbers);

/* The one clock of the log lines on stderr: office time, the offset
 * written in every line ("2026-12-07 09:00:00 +07:00"), the same clock
 * gatewayctl shows; or with utc (gatewayd/gatewayctl --utc) UTC, said in
 * every line ("2026-12-07 02:00:00 UTC"). Until it is set (tests, early
 * start-up) lines are in UTC, said so. Lines sent to syslog carry the
 * journal's own stamp. */
void log_set_clock(int utc_offset_min, int utc);

/* The stamp of t as log lines write it, into out. */
void log_stamp(time_t t, char *out, size_t outsz);
int log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A printable form of a phone number: "+8490****567" when masking is on.
 * Returns a pointer into one of a few rotating thread-local slots, so it
 * can be used several times in one log call, from any thread. */
const char *log_phone(const char *phone);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
