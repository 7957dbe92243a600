/* gatewayctl calendar: the office calendar (opening hours a weekday,
 * slots, capacity, how far ahead households may book, holidays, closed
 * and special days). Every change is one transaction with one audit row
 * (actor "cli:<user>"); closing a day that has bookings says which. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "handlers/core/contacts.h"
#include "handlers/features/calendar.h"
#include "handlers/features/officers.h"

#define CTL_CALENDAR_SHOW_DAYS 7

static const char calendar_usage[] =
	"usage: gatewayctl calendar show [--from DATE] [--days N]\n"
	"       gatewayctl calendar hours WEEKDAY 07:30-11:30,13:30-17:00|closed\n"
	"       gatewayctl calendar holiday|closed add DATE [NOTE]\n"
	"       gatewayctl calendar special add DATE NOTE [--hours 07:30-11:30]\n"
	"       gatewayctl calendar holiday|closed|special remove DATE\n"
	"       gatewayctl calendar set slot|capacity|horizon|place|officer VALUE\n"
	"  WEEKDAY: mon..sun, t2..t7, cn or 0 (Sunday)..6; slot in minutes,\n"
	"  capacity households a slot, horizon days ahead, officer PHONE or none.\n";

static int show_settings(struct db *db)
{
	struct calendar_settings cs;
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	struct officer o;
	struct buf line;
	size_t n = 0;
	int r;

	buf_init(&line, 512);
	if ((r = calendar_settings_get(db, &cs)) < 0)
		goto out;
	printf("Slots: %d minutes, %d household%s each; bookable %d days ahead\n", cs.slot_minutes,
	       cs.capacity, cs.capacity == 1 ? "" : "s", cs.horizon_days);
	printf("Place: %s\n", cs.place);
	if (cs.officer_id > 0 && officers_get(db, cs.officer_id, &o) == 0)
		printf("Duty officer: %s (%s)\n", o.name, o.phone);
	else
		printf("Duty officer: none chosen (the first registered officer)\n");
	printf("Office hours:\n");
	for (int wd = 1; wd <= 7; wd++) { /* Monday first, as the office's week */
		buf_reset(&line);
		if ((r = calendar_hours_get(db, wd % 7, p, CALENDAR_MAX_PERIODS, &n)) < 0 ||
		    (r = calendar_format_periods(p, n, &line)) < 0)
			goto out;
		printf("  %s  %s\n", calendar_weekday_short(wd % 7, 1), line.data);
	}
out:
	buf_release(&line);
	return r;
}

static int show_marks(struct db *db, const char *from)
{
	sqlite3_stmt *st;
	int n = 0, r;

	if ((r = db_prepare(db, "SELECT day, kind, note, coalesce(opens, ''), coalesce(closes, '')"
				" FROM calendar_days WHERE day >= ? ORDER BY day", &st)) < 0)
		goto out;
	db_bind_text(st, 1, from);
	printf("Marked days:\n");
	while ((r = db_step(st)) == DB_ROW) {
		int own = *db_col_text(st, 3) != '\0';

		printf("  %s  %-8s %s", db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2));
		if (own)
			printf(" (hours %s-%s)", db_col_text(st, 3), db_col_text(st, 4));
		printf("\n");
		n++;
	}
	if (r < 0)
		goto out;
	if (n == 0)
		printf("  none\n");
	r = 0;
out:
	return r;
}

static int show_days(struct db *db, int64_t from, int days)
{
	static const char *const kinds[] = { "open", "special", "holiday", "closed", "no hours" };
	int starts[CALENDAR_MAX_SLOTS];
	struct calendar_settings cs;
	struct calendar_day d;
	sqlite3_stmt *st;
	int64_t booked;
	size_t ns;
	int r;

	if ((r = calendar_settings_get(db, &cs)) < 0)
		goto out;
	printf("Days:\n");
	for (int64_t day = from; day < from + days; day++) {
		if ((r = calendar_day_get(db, day, &d)) < 0)
			goto out;
		ns = calendar_slots(&d, cs.slot_minutes, starts, CALENDAR_MAX_SLOTS);
		if ((r = db_prepare(db, "SELECT count(*) FROM appointments WHERE day = ?"
					" AND status IN ('requested','confirmed')", &st)) < 0)
			goto out;
		db_bind_text(st, 1, d.day);
		if ((r = db_step(st)) != DB_ROW) {
			r = r < 0 ? r : GW_ERR_DB;
			goto out;
		}
		booked = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		printf("  %s %s  %-8s %lld/%zu booked%s%s\n", d.day, calendar_weekday_short(d.weekday, 1),
		       kinds[d.kind], (long long)booked, ns * (size_t)cs.capacity, *d.note ? "  " : "",
		       d.note);
	}
	r = 0;
out:
	return r;
}

static int opt_day(const struct ctl *c, const char *arg, void *dayno)
{
	return calendar_parse_day(arg, dayno);
}

static int calendar_show(struct ctl *c, struct db *db, int argc, char **argv)
{
	char day[CALENDAR_DAY_LEN];
	int64_t from;
	long days = CTL_CALENDAR_SHOW_DAYS;
	int minute, rc = 1;
	const struct ctl_opt opts[] = {
		CTL_CALL(0, "from", &from, opt_day), CTL_LONG(0, "days", &days, 1, 366), CTL_END,
	};

	calendar_local_day(gw_now(c->cfg.office.utc_offset_min), c->cfg.office.utc_offset_min,
			   &from, &minute);
	if (ctl_options(c, argc, argv, opts) < 0)
		return ctl_usage(calendar_usage);
	calendar_day_str(from, day);
	if (show_settings(db) < 0 || show_marks(db, day) < 0 || show_days(db, from, (int)days) < 0)
		goto out;
	rc = 0;
out:
	return rc;
}

/* Live appointments on a day just closed: the office must move or cancel them. */
static int warn_booked(struct db *db, const char *day)
{
	sqlite3_stmt *st;
	int n = 0, r;

	if ((r = db_prepare(db, "SELECT id FROM appointments WHERE day = ?"
				" AND status IN ('requested','confirmed') ORDER BY slot, id", &st)) < 0)
		goto out;
	db_bind_text(st, 1, day);
	while ((r = db_step(st)) == DB_ROW)
		fprintf(stderr, "%s#%lld", n++ ? ", " : "warning: still booked that day: ",
			(long long)sqlite3_column_int64(st, 0));
	if (n)
		fprintf(stderr, "\n  move or cancel them: gatewayctl appt move|cancel ID\n");
out:
	return r < 0 ? r : 0;
}

static int calendar_mark(struct ctl *c, struct db *db, int argc, char **argv)
{
	const char *kind = argv[0], *hours = NULL, *note = "";
	const struct ctl_opt opts[] = { CTL_STRING(0, "hours", &hours), CTL_END };
	int64_t dayno;
	char day[CALENDAR_DAY_LEN];
	int i, add, r, rc = 2;

	if ((i = ctl_options(c, argc, argv, opts)) < 0 || (hours && strcmp(kind, "special") != 0))
		goto out;
	if (argc - i < 2 || calendar_parse_day(argv[i + 1], &dayno) < 0)
		goto out;
	add = strcmp(argv[i], "add") == 0;
	if ((!add && strcmp(argv[i], "remove") != 0) || argc - i > 3 ||
	    (!add && argc - i != 2) || (add && strcmp(kind, "special") == 0 && argc - i != 3))
		goto out;
	if (argc - i == 3)
		note = argv[i + 2];
	calendar_day_str(dayno, day);
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = add ? calendar_mark_day(db, day, kind, note, hours) : calendar_unmark_day(db, day);
	if (r == 0)
		r = audit_write(db, time(NULL), c->actor, add ? "calendar_mark" : "calendar_unmark", day,
				add ? kind : "");
	if (ctl_commit(db, r, r == GW_ERR_NOTFOUND ? "that day is not marked"
				: r == GW_ERR_INVAL ? "bad hours (07:30-11:30)" : "calendar") < 0)
		goto out;
	printf("%s %s%s%s%s\n", day, add ? "marked " : "unmarked", add ? kind : "",
	       *note ? ": " : "", note);
	if (add && strcmp(kind, "special") != 0 && warn_booked(db, day) < 0)
		goto out;
	rc = 0;
out:
	if (rc == 2)
		ctl_usage(calendar_usage);
	return rc;
}

static int calendar_hours(struct ctl *c, struct db *db, const char *weekday, const char *spec)
{
	int wd, r, rc = 2;

	if (calendar_parse_weekday(weekday, &wd) < 0) {
		ctl_usage(calendar_usage);
		goto out;
	}
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = calendar_hours_set(db, wd, spec);
	if (r == 0)
		r = audit_write(db, time(NULL), c->actor, "calendar_hours", calendar_weekday_short(wd, 1), spec);
	if (ctl_commit(db, r, r == GW_ERR_INVAL ? "bad hours (07:30-11:30,13:30-17:00 or closed)"
					    : "calendar hours") < 0)
		goto out;
	printf("%s: %s\n", calendar_weekday_short(wd, 1), spec);
	rc = 0;
out:
	return rc;
}

static int calendar_set(struct ctl *c, struct db *db, const char *key, const char *value)
{
	struct calendar_settings cs;
	struct officer o;
	char phone[32], *end;
	long v = strtol(value, &end, 10);
	int number = *value && !*end, r, rc = 2;

	if ((r = calendar_settings_get(db, &cs)) < 0) {
		rc = 1;
		goto out;
	}
	if (strcmp(key, "slot") == 0 && number)
		cs.slot_minutes = (int)v;
	else if (strcmp(key, "capacity") == 0 && number)
		cs.capacity = (int)v;
	else if (strcmp(key, "horizon") == 0 && number)
		cs.horizon_days = (int)v;
	else if (strcmp(key, "place") == 0 && gw_strlcpy(cs.place, value, sizeof(cs.place)) == 0)
		;
	else if (strcmp(key, "officer") == 0 && strcmp(value, "none") == 0)
		cs.officer_id = 0;
	else if (strcmp(key, "officer") == 0 &&
		 contacts_normalize_phone(value, phone, sizeof(phone)) == 0 &&
		 officers_find(db, phone, &o) == 0)
		cs.officer_id = o.id;
	else
		goto usage;
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = calendar_settings_set(db, &cs);
	if (r == 0)
		r = audit_write(db, time(NULL), c->actor, "calendar_set", key, value);
	if (ctl_commit(db, r, r == GW_ERR_INVAL ? "value out of range (slot 5-240, capacity 1-100,"
				" horizon 1-366)" : "calendar set") < 0)
		goto out;
	printf("%s = %s\n", key, value);
	rc = 0;
	goto out;
usage:
	fprintf(stderr, "gatewayctl: calendar set %s: bad value '%s'\n", key, value);
	ctl_usage(calendar_usage);
out:
	return rc;
}

int ctl_cmd_calendar(struct ctl *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct db *db = NULL;
	int rc = 2;

	if (strcmp(sub, "show") != 0 && !(strcmp(sub, "hours") == 0 && argc == 4) &&
	    !(strcmp(sub, "set") == 0 && argc == 4) && strcmp(sub, "holiday") != 0 &&
	    strcmp(sub, "closed") != 0 && strcmp(sub, "special") != 0) {
		ctl_usage(calendar_usage);
		goto out;
	}
	rc = 1;
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (strcmp(sub, "show") == 0)
		rc = calendar_show(c, db, argc - 1, argv + 1);
	else if (strcmp(sub, "hours") == 0)
		rc = calendar_hours(c, db, argv[2], argv[3]);
	else if (strcmp(sub, "set") == 0)
		rc = calendar_set(c, db, argv[2], argv[3]);
	else
		rc = calendar_mark(c, db, argc - 1, argv + 1);
out:
	db_close(db);
	return rc;
}
