/* clock.h - "now" for the daemon's timers, with a test clock.
 *
 * gw_now() is time(NULL), unless the environment variable GW_FAKE_NOW is
 * set (tests only): Unix seconds, or "YYYY-MM-DD HH:MM" in office time
 * (UTC + utc_offset_min minutes). The same variable and formats as the
 * sender's test clock (gateway/daemon/sender.h), so one setting moves both:
 *   GW_FAKE_NOW='2030-01-01 17:05' gatewayd --once -c CONF
 * sends the reminders due at that moment without waiting for it. A value
 * in neither format is ignored with a warning.
 */
#ifndef GW_CLOCK_H
#define GW_CLOCK_H

#include <time.h>

#include "common/gw_err.h"

time_t gw_now(int utc_offset_min);

/* Sleep ms milliseconds, the whole of them across signals (callers bound
 * their own total wait). */
void gw_sleep_ms(int ms);

/* "YYYY-MM-DD HH:MM" in office time (UTC + utc_offset_min minutes) as a
 * time_t in *out; GW_ERR_INVAL for anything else. */
int gw_parse_local(const char *s, int utc_offset_min, time_t *out) GW_WARN_UNUSED;

#endif
