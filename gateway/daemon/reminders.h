/* reminders.h - the day-before reminder of appointments.
 *
 * reminders_run() is what the daemon's reminder timer calls (every minute,
 * and once in `gatewayd --once`) with the current time (gw_now(), so tests
 * move the clock with GW_FAKE_NOW). From appointments.reminder_hour (office
 * time) until broadcast.quiet_start (or midnight when quiet_start is not
 * later), every live appointment (requested or confirmed) of the next
 * office day whose reminder is not yet sent gets one reminder SMS (outbox
 * kind "reminder", after replies and notices): the time, the place, what to
 * bring and how to cancel (appointments_text.h).
 *
 * Exactly once: queueing the message and setting appointments.reminded
 * happen in one transaction, so a crash or a second run sends nothing
 * twice; moving an appointment re-arms it (appointments_move). Cancelled
 * and declined appointments are never reminded, nor phones that opted out
 * (STOP). Outside the window nothing is done: a reminder missed because
 * the daemon was down all evening is not sent on the day itself.
 */
#ifndef GW_REMINDERS_H
#define GW_REMINDERS_H

#include <time.h>

#include "common/db.h"
#include "config/settings.h"

/* Queue the reminders due at now; *queued gets how many. Opens and
 * commits its own transaction. */
int reminders_run(struct db *db, const struct gw_settings *cfg, time_t now, int *queued);

/* 1 when now (office time) is inside the reminder window. */
int reminders_window(const struct gw_settings *cfg, time_t now);

#endif
