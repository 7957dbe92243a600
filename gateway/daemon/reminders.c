#include "gateway/daemon/reminders.h"

#include <string.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/outbox.h"
#include "handlers/features/appointments_text.h"
#include "handlers/features/calendar.h"
#include "handlers/handler.h"

/* At most this many a run: the next run (a minute later) takes the rest,
 * and the write lock is never held long. */
#define REMINDERS_BATCH 64

int reminders_window(const struct gw_settings *cfg, time_t now)
{
	int64_t today;
	int minute, start = cfg->appointments.reminder_hour * 60;
	int end = settings_time_minutes(cfg->broadcast.quiet_start);

	calendar_local_day(now, cfg->office.utc_offset_min, &today, &minute);
	if (end <= start) /* quiet hours begin before the reminder hour: until midnight */
		end = 24 * 60;
	return minute >= start && minute < end;
}

/* Ids of tomorrow's live, unreminded appointments of phones that did not opt out. */
static int due(struct db *db, int64_t tomorrow, int64_t *ids, size_t max, size_t *n)
{
	char day[CALENDAR_DAY_LEN];
	sqlite3_stmt *st;
	size_t k = 0;
	int r;

	calendar_day_str(tomorrow, day);
	if ((r = db_rows(db, "SELECT id FROM appointments WHERE day = ? AND reminded = 0"
			     " AND status IN ('requested','confirmed')"
			     " AND phone NOT IN (SELECT phone FROM contacts WHERE opted_out = 1)"
			     " ORDER BY slot, id LIMIT ?", DB_ARGS(DB_TEXT(day), DB_INT(max)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW)
		ids[k++] = sqlite3_column_int64(st, 0);
	if (r < 0)
		goto out;
	*n = k;
	r = 0;
out:
	return r;
}

/* Queue one reminder and mark it sent, in the open transaction. */
static int remind(struct db *db, const struct gw_settings *cfg, int64_t id, time_t now)
{
	struct handler_result res;
	struct appointment a;
	int r;

	handler_result_init(&res);
	if ((r = appointments_get(db, id, &a)) < 0 ||
	    (r = appointments_queue_notice(db, cfg, &a, APPOINTMENTS_NOTICE_REMINDER, NULL, 0,
					   &res)) < 0 ||
	    (r = outbox_queue(db, &res, 0, now)) < 0)
		goto out;
	r = db_run(db, "UPDATE appointments SET reminded = 1 WHERE id = ? AND reminded = 0",
		   DB_ARGS(DB_INT(id)));
out:
	handler_result_release(&res);
	return r;
}

int reminders_run(struct db *db, const struct gw_settings *cfg, time_t now, int *queued)
{
	int64_t ids[REMINDERS_BATCH], today;
	size_t n = 0;
	int minute, r = 0;

	if (!reminders_window(cfg, now)) {
		*queued = 0;
		goto out;
	}
	calendar_local_day(now, cfg->office.utc_offset_min, &today, &minute);
	if ((r = db_begin(db)) < 0)
		goto out;
	if ((r = due(db, today + 1, ids, REMINDERS_BATCH, &n)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if ((r = remind(db, cfg, ids[i], now)) < 0)
			goto fail;
	if ((r = db_commit(db)) < 0)
		goto fail;
	if (n)
		log_info("reminders: %zu queued for tomorrow's appointments", n);
	*queued = (int)n;
	goto out;
fail:
	db_rollback(db);
	log_warn("reminders: %s", gw_strerror(r));
out:
	return r;
}
