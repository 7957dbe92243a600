#include "handlers/features/appointments.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "handlers/features/scope.h"

#define LIVE "('requested','confirmed')"

/* ---- reading ---- */

#define APPT_COLS "id, phone, coalesce(officer_id, 0), program_code, topic, day, slot, status," \
	" reminded, created_at, updated_at, lunar"

static int read_row(sqlite3_stmt *st, struct appointment *out)
{
	struct appointment a;
	int r = GW_ERR_TOOBIG;

	memset(&a, 0, sizeof(a));
	a.id = sqlite3_column_int64(st, 0);
	a.officer_id = sqlite3_column_int64(st, 2);
	a.reminded = sqlite3_column_int(st, 8);
	a.created_at = sqlite3_column_int64(st, 9);
	a.updated_at = sqlite3_column_int64(st, 10);
	a.lunar = sqlite3_column_int(st, 11);
	if (gw_strlcpy(a.phone, db_col_text(st, 1), sizeof(a.phone)) < 0 ||
	    gw_strlcpy(a.program_code, db_col_text(st, 3), sizeof(a.program_code)) < 0 ||
	    gw_strlcpy(a.day, db_col_text(st, 5), sizeof(a.day)) < 0 ||
	    gw_strlcpy(a.slot, db_col_text(st, 6), sizeof(a.slot)) < 0 ||
	    gw_strlcpy(a.status, db_col_text(st, 7), sizeof(a.status)) < 0)
		goto out;
	/* a topic is free text: keep what fits */
	if (gw_strlcpy(a.topic, db_col_text(st, 4), sizeof(a.topic)) < 0)
		memcpy(a.topic, db_col_text(st, 4), sizeof(a.topic) - 1);
	*out = a;
	r = 0;
out:
	return r;
}

int appointments_get(struct db *db, int64_t id, struct appointment *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT " APPT_COLS " FROM appointments WHERE id = ?", DB_ARGS(DB_INT(id)),
			&st)) < 0)
		goto out;
	r = read_row(st, out);
	sqlite3_reset(st);
out:
	return r;
}

int appointments_live(struct db *db, const char *phone, int64_t from, struct appointment *out,
		      size_t max, size_t *n)
{
	char day[CALENDAR_DAY_LEN];
	sqlite3_stmt *st;
	size_t k = 0;
	int r;

	calendar_day_str(from, day);
	if ((r = db_rows(db, "SELECT " APPT_COLS " FROM appointments WHERE phone = ? AND day >= ?"
			     " AND status IN " LIVE " ORDER BY day, slot, id",
			 DB_ARGS(DB_TEXT(phone), DB_TEXT(day)), &st)) < 0)
		goto out;
	while (k < max && (r = db_step(st)) == DB_ROW) {
		if ((r = read_row(st, &out[k])) < 0)
			break;
		k++;
	}
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	*n = k;
	r = 0;
out:
	return r;
}

/* ---- checking and writing ---- */

int appointments_check_slot(struct db *db, const struct gw_settings *cfg, time_t now,
			    int64_t dayno, int minute, int *slot, enum appointments_verdict *out)
{
	struct calendar_settings cs;
	struct calendar_day d;
	enum appointments_verdict v;
	int64_t today;
	int now_min, start = -1, r;

	if ((r = calendar_settings_get(db, &cs)) < 0 || (r = calendar_day_get(db, dayno, &d)) < 0)
		goto out;
	calendar_local_day(now, cfg->office.utc_offset_min, &today, &now_min);
	if (calendar_is_open(&d))
		start = calendar_slot_of(&d, cs.slot_minutes, minute);
	if (dayno < today)
		v = APPOINTMENTS_PAST;
	else if (dayno > today + cs.horizon_days)
		v = APPOINTMENTS_TOO_FAR;
	else if (!calendar_is_open(&d))
		v = APPOINTMENTS_CLOSED;
	else if (start < 0)
		v = APPOINTMENTS_OFF_HOURS;
	else if (dayno == today && start < now_min + APPOINTMENTS_LEAD_MIN)
		v = APPOINTMENTS_PAST;
	else
		v = APPOINTMENTS_OK;
	*slot = start;
	*out = v;
	r = 0;
out:
	return r;
}

/* Live appointments the phone holds from today on. */
static int live_count(struct db *db, const char *phone, int64_t today, int64_t *count)
{
	char day[CALENDAR_DAY_LEN];
	sqlite3_stmt *st;
	int r;

	calendar_day_str(today, day);
	if ((r = db_row(db, "SELECT count(*) FROM appointments WHERE phone = ? AND day >= ?"
			    " AND status IN " LIVE, DB_ARGS(DB_TEXT(phone), DB_TEXT(day)), &st)) < 0)
		goto out;
	*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

/* The officer new requests go to; 0 when nobody is registered. */
static int duty_officer(struct db *db, int64_t *id)
{
	return db_query_int64(db, "SELECT coalesce("
		"(SELECT officer_id FROM calendar_settings WHERE id = 1"
		"  AND officer_id IN (SELECT id FROM officers)),"
		"(SELECT id FROM officers WHERE role = 'officer' ORDER BY id LIMIT 1),"
		"(SELECT id FROM officers WHERE role = 'admin' ORDER BY id LIMIT 1), 0)", id);
}

/* After a write that changed nothing: APPOINTMENTS_SAME_DAY when the phone
 * holds another live appointment that day (not `except`), else FULL. The
 * partial UNIQUE index appointments_one_a_day is the last guard; the
 * statements test it themselves so that it never has to fire. */
static int same_day(struct db *db, const char *phone, const char *day, int64_t except,
		    enum appointments_verdict *v)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT count(*) FROM appointments WHERE phone = ? AND day = ?"
			    " AND status IN " LIVE " AND id <> ?",
			DB_ARGS(DB_TEXT(phone), DB_TEXT(day), DB_INT(except)), &st)) < 0)
		goto out;
	*v = sqlite3_column_int64(st, 0) > 0 ? APPOINTMENTS_SAME_DAY : APPOINTMENTS_FULL;
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

int appointments_book(struct db *db, const struct gw_settings *cfg, time_t now,
		      const struct appointments_new *req, int64_t *id,
		      enum appointments_verdict *out)
{
	char day[CALENDAR_DAY_LEN], slot[CALENDAR_HHMM_LEN];
	enum appointments_verdict v;
	int64_t today, live = 0, officer = 0;
	int now_min, start, r;

	if ((r = appointments_check_slot(db, cfg, now, req->dayno, req->minute, &start, &v)) < 0)
		goto out;
	if (v != APPOINTMENTS_OK)
		goto verdict;
	calendar_local_day(now, cfg->office.utc_offset_min, &today, &now_min);
	if ((r = live_count(db, req->phone, today, &live)) < 0 || (r = duty_officer(db, &officer)) < 0)
		goto out;
	if (live >= APPOINTMENTS_MAX_LIVE) {
		v = APPOINTMENTS_TOO_MANY;
		goto verdict;
	}
	calendar_day_str(req->dayno, day);
	calendar_hhmm(start, slot);
	/* Check and write in one statement: the capacity test and the insert
	 * cannot be separated by another writer. */
	if ((r = db_run(db, "INSERT INTO appointments (phone, officer_id, program_code, topic,"
			    " day, slot, status, reminded, created_at, updated_at, lunar)"
			    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'requested', 0, ?7, ?7, ?8"
			    " WHERE (SELECT count(*) FROM appointments WHERE day = ?5 AND slot = ?6"
			    "   AND status IN " LIVE ")"
			    "  < (SELECT capacity FROM calendar_settings WHERE id = 1)"
			    " AND NOT EXISTS (SELECT 1 FROM appointments WHERE phone = ?1 AND day = ?5"
			    "   AND status IN " LIVE ")",
			DB_ARGS(DB_TEXT(req->phone), officer > 0 ? DB_INT(officer) : DB_NULL,
				DB_TEXT(req->program_code ? req->program_code : ""),
				DB_TEXT(req->topic ? req->topic : ""), DB_TEXT(day), DB_TEXT(slot),
				DB_INT(now), DB_INT(req->lunar != 0)))) < 0)
		goto out;
	if (db_changes(db) == 0) { /* which condition held it back */
		if ((r = same_day(db, req->phone, day, 0, &v)) < 0)
			goto out;
		goto verdict;
	}
	*id = db_last_id(db);
verdict:
	*out = v;
	r = 0;
out:
	return r;
}

static int is_live(const char *status)
{
	return strcmp(status, "requested") == 0 || strcmp(status, "confirmed") == 0;
}

int appointments_move(struct db *db, const struct gw_settings *cfg, time_t now, int64_t id,
		      int64_t dayno, int minute, int by_officer, enum appointments_verdict *out)
{
	char day[CALENDAR_DAY_LEN], slot[CALENDAR_HHMM_LEN];
	enum appointments_verdict v;
	struct appointment a;
	int start, r;

	if ((r = appointments_get(db, id, &a)) < 0)
		goto out;
	if (!is_live(a.status)) {
		v = APPOINTMENTS_NOT_LIVE;
		goto verdict;
	}
	if ((r = appointments_check_slot(db, cfg, now, dayno, minute, &start, &v)) < 0)
		goto out;
	if (v != APPOINTMENTS_OK)
		goto verdict;
	calendar_day_str(dayno, day);
	calendar_hhmm(start, slot);
	/* As in booking: capacity (not counting itself) checked by the write */
	if ((r = db_run(db, "UPDATE appointments SET day = ?2, slot = ?3, status = ?4,"
			    " reminded = 0, updated_at = ?5"
			    " WHERE id = ?1 AND status IN " LIVE
			    " AND (SELECT count(*) FROM appointments WHERE day = ?2 AND slot = ?3"
			    "   AND status IN " LIVE " AND id <> ?1)"
			    "  < (SELECT capacity FROM calendar_settings WHERE id = 1)"
			    " AND NOT EXISTS (SELECT 1 FROM appointments WHERE phone = ?6 AND day = ?2"
			    "   AND status IN " LIVE " AND id <> ?1)",
			DB_ARGS(DB_INT(id), DB_TEXT(day), DB_TEXT(slot),
				DB_TEXT(by_officer ? "confirmed" : "requested"), DB_INT(now),
				DB_TEXT(a.phone)))) < 0)
		goto out;
	v = APPOINTMENTS_OK;
	if (db_changes(db) == 0 && (r = same_day(db, a.phone, day, id, &v)) < 0)
		goto out;
verdict:
	*out = v;
	r = 0;
out:
	return r;
}

int appointments_set_lunar(struct db *db, int64_t id, int lunar)
{
	return db_run(db, "UPDATE appointments SET lunar = ? WHERE id = ?",
		      DB_ARGS(DB_INT(lunar != 0), DB_INT(id)));
}

int appointments_set_status(struct db *db, int64_t id, const char *status, int64_t officer_id,
			    time_t now, enum appointments_verdict *out)
{
	struct appointment a;
	int take = 0, r;

	if ((r = appointments_get(db, id, &a)) < 0)
		goto out;
	if (!is_live(a.status)) {
		*out = APPOINTMENTS_NOT_LIVE;
		r = 0;
		goto out;
	}
	/* who answers is audited; who holds it changes only within a commune */
	if (officer_id > 0 && (r = scope_may_reassign(db, a.officer_id, officer_id, &take)) < 0)
		goto out;
	if (!take)
		officer_id = 0;
	if ((r = db_run(db, "UPDATE appointments SET status = ?2,"
			    " officer_id = coalesce(?3, officer_id), updated_at = ?4 WHERE id = ?1",
			DB_ARGS(DB_INT(id), DB_TEXT(status),
				officer_id > 0 ? DB_INT(officer_id) : DB_NULL, DB_INT(now)))) < 0)
		goto out;
	*out = APPOINTMENTS_OK;
	r = 0;
out:
	return r;
}

/* ---- nearest free slots ---- */

struct candidate {
	struct appointments_slot s;
	int64_t dist;
};

static int64_t distance(int64_t dayno, int minute, int64_t tday, int tmin)
{
	int64_t d = (dayno - tday) * 1440 + (minute - tmin);

	return d < 0 ? -d : d;
}

/* Keep best[] (n of max) sorted by distance; insert c if it is better. */
static void keep_best(struct candidate *best, size_t max, size_t *n, const struct candidate *c)
{
	size_t i = *n;

	if (*n == max) {
		if (c->dist >= best[max - 1].dist)
			return;
		i = max - 1;
	} else {
		(*n)++;
	}
	while (i > 0 && best[i - 1].dist > c->dist) {
		best[i] = best[i - 1];
		i--;
	}
	best[i] = *c;
}

static int part_allows(int part, int minute)
{
	if (part == DATETIME_VI_PART_MORNING)
		return minute < 12 * 60;
	if (part == DATETIME_VI_PART_NOON || part == DATETIME_VI_PART_AFTERNOON)
		return minute >= 12 * 60;
	return 1; /* evening: the office is closed then, any time is the answer */
}

/* Live appointments per slot of one day. */
static int day_load(struct db *db, const char *day, const int *starts, size_t n, int *load)
{
	sqlite3_stmt *st;
	int r, m;

	memset(load, 0, n * sizeof(*load));
	if ((r = db_rows(db, "SELECT slot, count(*) FROM appointments WHERE day = ?"
			     " AND status IN " LIVE " GROUP BY slot", DB_ARGS(DB_TEXT(day)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		if (calendar_parse_hhmm(db_col_text(st, 0), &m) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (starts[i] == m)
				load[i] = sqlite3_column_int(st, 1);
	}
out:
	return r < 0 ? r : 0;
}

/* The (up to two) free slots of one day nearest to the target. */
static int day_candidates(struct db *db, const struct calendar_settings *cs, int64_t dayno,
			  int first_min, int64_t tday, int tmin, int part, struct candidate *best,
			  size_t max, size_t *n)
{
	int starts[CALENDAR_MAX_SLOTS], load[CALENDAR_MAX_SLOTS];
	struct candidate mine[2];
	struct calendar_day d;
	size_t ns, nmine = 0;
	int r;

	if ((r = calendar_day_get(db, dayno, &d)) < 0)
		goto out;
	ns = calendar_slots(&d, cs->slot_minutes, starts, CALENDAR_MAX_SLOTS);
	if (ns == 0 || (r = day_load(db, d.day, starts, ns, load)) < 0)
		goto out;
	for (size_t i = 0; i < ns; i++) {
		struct candidate c = { { dayno, starts[i] }, 0 };

		if (starts[i] < first_min || load[i] >= cs->capacity || !part_allows(part, starts[i]))
			continue;
		c.dist = distance(dayno, starts[i], tday, tmin);
		keep_best(mine, 2, &nmine, &c);
	}
	for (size_t i = 0; i < nmine; i++)
		keep_best(best, max, n, &mine[i]);
out:
	return r;
}

int appointments_nearest(struct db *db, const struct gw_settings *cfg, time_t now,
			 int64_t dayno, int minute, int part, struct appointments_slot *out,
			 size_t max, size_t *n)
{
	struct candidate best[APPOINTMENTS_SUGGEST * 2];
	struct calendar_settings cs;
	int64_t today;
	size_t k = 0;
	int now_min, r;

	if (max > sizeof(best) / sizeof(best[0]))
		max = sizeof(best) / sizeof(best[0]);
	if ((r = calendar_settings_get(db, &cs)) < 0)
		goto out;
	calendar_local_day(now, cfg->office.utc_offset_min, &today, &now_min);
	for (int pass = 0; pass < 2 && k == 0 && max > 0; pass++) {
		/* the second pass, only when the part of day has nothing, takes any */
		int want = pass ? 0 : part;

		for (int64_t d = today; d <= today + cs.horizon_days; d++) {
			/* days after the target only get farther: stop once full */
			if (k == max && d > dayno && (d - dayno - 1) * 1440 > best[max - 1].dist)
				break;
			if ((r = day_candidates(db, &cs, d, d == today ? now_min + APPOINTMENTS_LEAD_MIN : 0,
						dayno, minute, want, best, max, &k)) < 0)
				goto out;
		}
	}
	for (size_t i = 0; i < k; i++)
		out[i] = best[i].s;
	*n = k;
	r = 0;
out:
	return r;
}

int appointments_first_free(struct db *db, const struct gw_settings *cfg, time_t now,
			    int64_t dayno, int part, int *minute)
{
	int starts[CALENDAR_MAX_SLOTS], load[CALENDAR_MAX_SLOTS];
	struct calendar_settings cs;
	struct calendar_day d;
	int64_t today;
	int now_min, r;
	size_t ns;

	if ((r = calendar_settings_get(db, &cs)) < 0 || (r = calendar_day_get(db, dayno, &d)) < 0)
		goto out;
	calendar_local_day(now, cfg->office.utc_offset_min, &today, &now_min);
	ns = calendar_slots(&d, cs.slot_minutes, starts, CALENDAR_MAX_SLOTS);
	r = GW_ERR_NOTFOUND;
	if (dayno < today || dayno > today + cs.horizon_days || ns == 0)
		goto out;
	if ((r = day_load(db, d.day, starts, ns, load)) < 0)
		goto out;
	r = GW_ERR_NOTFOUND;
	for (size_t i = 0; i < ns; i++) {
		if (load[i] >= cs.capacity || !part_allows(part, starts[i]) ||
		    (dayno == today && starts[i] < now_min + APPOINTMENTS_LEAD_MIN))
			continue;
		*minute = starts[i];
		r = 0;
		break;
	}
out:
	return r;
}
