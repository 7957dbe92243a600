/* gatewayctl appt, calendar: appointments and the office calendar.
 *
 * Every change is one transaction with one audit row (actor "cli:<user>")
 * and, when a household's appointment changes, its SMS notice queued in
 * the same transaction (the running daemon sends it). Moves obey the same
 * rules as SMS bookings (open day, slot, capacity); a refused move prints
 * the reason and the nearest free slots. Times are office time. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/ctl/ctl.h"
#include "gateway/outbox.h"
#include "handlers/core/contacts.h"
#include "handlers/features/appointments.h"
#include "handlers/features/appointments_text.h"
#include "handlers/features/calendar.h"
#include "handlers/features/officers.h"
#include "handlers/handler.h"

#define CTL_APPT_TEXT_MAX 4096
#define CTL_APPT_SHOW_DAYS 7

static int appt_usage(void)
{
	fprintf(stderr,
		"usage: gatewayctl appt list [--from DATE] [--to DATE] [--phone PHONE] [--all]\n"
		"       gatewayctl appt confirm ID [--officer PHONE]\n"
		"       gatewayctl appt decline ID\n"
		"       gatewayctl appt cancel ID\n"
		"       gatewayctl appt move ID YYYY-MM-DD HH:MM\n"
		"  DATE is YYYY-MM-DD (office time); list shows requested and confirmed ones\n"
		"  from today unless --all; every change is told to the household by SMS.\n");
	return 2;
}

static int calendar_usage(void)
{
	fprintf(stderr,
		"usage: gatewayctl calendar show [--from DATE] [--days N]\n"
		"       gatewayctl calendar hours WEEKDAY 07:30-11:30,13:30-17:00|closed\n"
		"       gatewayctl calendar holiday|closed add DATE [NOTE]\n"
		"       gatewayctl calendar special add DATE NOTE [--hours 07:30-11:30]\n"
		"       gatewayctl calendar holiday|closed|special remove DATE\n"
		"       gatewayctl calendar set slot|capacity|horizon|place|officer VALUE\n"
		"  WEEKDAY: mon..sun, t2..t7, cn or 0 (Sunday)..6; slot in minutes,\n"
		"  capacity households a slot, horizon days ahead, officer PHONE or none.\n");
	return 2;
}

/* Commit r's changes, or roll back and say what failed. */
static int finish(struct db *db, int r, const char *what)
{
	if (r == 0 && (r = db_commit(db)) == 0)
		goto out;
	db_rollback(db);
	fprintf(stderr, "gatewayctl: %s: %s\n", what, gw_strerror(r));
out:
	return r;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	int r = GW_ERR_INVAL;

	if (*s == '#')
		v = strtoll(s + 1, &end, 10);
	if (*end == '\0' && v > 0) {
		*id = v;
		r = 0;
	}
	return r;
}

/* ---- appt ---- */

static int appt_list(struct ctl *c, struct db *db, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "phone", required_argument, NULL, 'p' }, { "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	char from[CALENDAR_DAY_LEN], to[CALENDAR_DAY_LEN] = "9999-12-31", phone[32] = "";
	int64_t today, d;
	sqlite3_stmt *st;
	int ch, all = 0, from_given = 0, minute, n = 0, r, rc = 2;

	calendar_local_day(gw_now(c->cfg.office.utc_offset_min), c->cfg.office.utc_offset_min,
			   &today, &minute);
	calendar_day_str(today, from);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (calendar_parse_day(optarg, &d) < 0)
				goto out;
			calendar_day_str(d, from);
			from_given = 1;
			break;
		case 't':
			if (calendar_parse_day(optarg, &d) < 0)
				goto out;
			calendar_day_str(d, to);
			break;
		case 'p':
			if (contacts_normalize_phone(optarg, phone, sizeof(phone)) < 0)
				goto out;
			break;
		case 'a': all = 1; break;
		default: goto out;
		}
	}
	rc = 1;
	if (all && !from_given) /* --all: the history too */
		memcpy(from, "0000-00-00", sizeof(from));
	if ((r = db_prepare(db, "SELECT a.id, a.day, a.slot, a.status, a.phone, a.program_code,"
				" coalesce(o.name, ''), a.reminded, a.topic FROM appointments a"
				" LEFT JOIN officers o ON o.id = a.officer_id"
				" WHERE a.day >= ?1 AND a.day <= ?2 AND (?3 = '' OR a.phone = ?3)"
				" AND (?4 OR a.status IN ('requested','confirmed'))"
				" ORDER BY a.day, a.slot, a.id", &st)) < 0)
		goto out;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	db_bind_text(st, 3, phone);
	sqlite3_bind_int(st, 4, all);
	printf("%-5s %-10s %-5s %-10s %-13s %-12s %-18s %-3s %s\n", "ID", "DAY", "SLOT", "STATUS",
	       "PHONE", "PROGRAM", "OFFICER", "REM", "TOPIC");
	while ((r = db_step(st)) == DB_ROW) {
		printf("%-5lld %-10s %-5s %-10s %-13s %-12s %-18.18s %-3s %.40s\n",
		       (long long)sqlite3_column_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		       db_col_text(st, 3), db_col_text(st, 4), *db_col_text(st, 5) ? db_col_text(st, 5) : "-",
		       *db_col_text(st, 6) ? db_col_text(st, 6) : "-", sqlite3_column_int(st, 7) ? "yes" : "no",
		       db_col_text(st, 8));
		n++;
	}
	if (r < 0)
		goto out;
	printf("%d appointment%s\n", n, n == 1 ? "" : "s");
	rc = 0;
out:
	if (rc == 2)
		appt_usage();
	return rc;
}

/* Queue the household's notice and audit the change, in the open transaction. */
static int tell_and_audit(struct ctl *c, struct db *db, int64_t id, enum appointments_notice kind,
			  const char *action, time_t now)
{
	struct handler_result res;
	struct appointment a;
	char target[32], detail[64];
	int r;

	handler_result_init(&res);
	if ((r = appointments_get(db, id, &a)) < 0 ||
	    (r = appointments_queue_notice(db, &c->cfg, &a, kind, NULL, 0, &res)) < 0 ||
	    (r = outbox_queue(db, &res, 0, now)) < 0)
		goto out;
	snprintf(target, sizeof(target), "appointment #%lld", (long long)id);
	snprintf(detail, sizeof(detail), "%s %s %s %s", a.day, a.slot, a.status, a.phone);
	r = audit_write(db, time(NULL), c->actor, action, target, detail);
out:
	handler_result_release(&res);
	return r;
}

static const char *verdict_words(enum appointments_verdict v)
{
	return v == APPOINTMENTS_NOT_LIVE ? "it is no longer requested or confirmed"
					  : appointments_verdict_name(v);
}

static int appt_status(struct ctl *c, struct db *db, int64_t id, const char *status,
		       const char *officer_phone)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	enum appointments_notice kind = APPOINTMENTS_NOTICE_CONFIRMED;
	time_t now = gw_now(c->cfg.office.utc_offset_min);
	struct officer o;
	char phone[32];
	int64_t officer_id = 0;
	int r, rc = 1;

	if (strcmp(status, "declined") == 0)
		kind = APPOINTMENTS_NOTICE_DECLINED;
	else if (strcmp(status, "cancelled") == 0)
		kind = APPOINTMENTS_NOTICE_CANCELLED;
	if (officer_phone) {
		if (contacts_normalize_phone(officer_phone, phone, sizeof(phone)) < 0 ||
		    officers_find(db, phone, &o) < 0) {
			fprintf(stderr, "gatewayctl: '%s' is not a registered officer\n", officer_phone);
			rc = 2;
			goto out;
		}
		officer_id = o.id;
	}
	if ((r = db_begin(db)) < 0)
		goto out;
	r = appointments_set_status(db, id, status, officer_id, now, &v);
	if (r == 0 && v != APPOINTMENTS_OK) {
		db_rollback(db);
		fprintf(stderr, "gatewayctl: appointment #%lld not changed: %s\n", (long long)id,
			verdict_words(v));
		goto out;
	}
	if (r == 0)
		r = tell_and_audit(c, db, id, kind, strcmp(status, "confirmed") == 0 ? "appointment_confirm"
						: strcmp(status, "declined") == 0 ? "appointment_decline"
						: "appointment_cancel", now);
	if (finish(db, r, r == GW_ERR_NOTFOUND ? "no such appointment" : "appt") < 0)
		goto out;
	printf("appointment #%lld %s; the household is told by SMS\n", (long long)id, status);
	rc = 0;
out:
	return rc;
}

static int appt_move(struct ctl *c, struct db *db, int64_t id, const char *day, const char *hhmm)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	time_t now = gw_now(c->cfg.office.utc_offset_min);
	struct buf why;
	int64_t dayno;
	int minute, r, rc = 2;

	buf_init(&why, CTL_APPT_TEXT_MAX);
	if (calendar_parse_day(day, &dayno) < 0 || calendar_parse_hhmm(hhmm, &minute) < 0) {
		appt_usage();
		goto out;
	}
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = appointments_move(db, &c->cfg, now, id, dayno, minute, 1, &v);
	if (r == 0 && v != APPOINTMENTS_OK) {
		db_rollback(db);
		if (appointments_refusal(db, &c->cfg, now, NULL, v, dayno, minute, 0, NULL, "", 1,
					 &why) == 0)
			fprintf(stderr, "gatewayctl: appointment #%lld not moved: %s\n", (long long)id,
				v == APPOINTMENTS_NOT_LIVE ? verdict_words(v) : why.data);
		goto out;
	}
	if (r == 0)
		r = tell_and_audit(c, db, id, APPOINTMENTS_NOTICE_MOVED, "appointment_move", now);
	if (finish(db, r, r == GW_ERR_NOTFOUND ? "no such appointment" : "appt move") < 0)
		goto out;
	printf("appointment #%lld moved to %s %s and confirmed; the household is told by SMS\n",
	       (long long)id, day, hhmm);
	rc = 0;
out:
	buf_release(&why);
	return rc;
}

int ctl_cmd_appt(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "officer", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 },
	};
	const char *sub = argc > 1 ? argv[1] : "", *officer = NULL;
	struct db *db = NULL;
	int64_t id = 0;
	int ch, rc = 2;

	if (strcmp(sub, "list") != 0 && strcmp(sub, "confirm") != 0 && strcmp(sub, "decline") != 0 &&
	    strcmp(sub, "cancel") != 0 && strcmp(sub, "move") != 0)
		goto usage;
	if (strcmp(sub, "list") != 0) {
		while ((ch = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
			if (ch != 'o' || strcmp(sub, "confirm") != 0)
				goto usage;
			officer = optarg;
		}
		optind++; /* past the subcommand: argv + 1 was parsed */
		if (optind >= argc || parse_id(argv[optind], &id) < 0 ||
		    argc - optind != (strcmp(sub, "move") == 0 ? 3 : 1))
			goto usage;
	}
	rc = 1;
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (strcmp(sub, "list") == 0)
		rc = appt_list(c, db, argc - 1, argv + 1);
	else if (strcmp(sub, "move") == 0)
		rc = appt_move(c, db, id, argv[optind + 1], argv[optind + 2]);
	else
		rc = appt_status(c, db, id, strcmp(sub, "confirm") == 0 ? "confirmed"
					 : strcmp(sub, "decline") == 0 ? "declined" : "cancelled",
				 officer);
	goto out;
usage:
	appt_usage();
out:
	db_close(db);
	return rc;
}

/* ---- calendar ---- */

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

static int calendar_show(struct ctl *c, struct db *db, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' }, { "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char day[CALENDAR_DAY_LEN], *end;
	int64_t from;
	int ch, minute, days = CTL_APPT_SHOW_DAYS, rc = 2;

	calendar_local_day(gw_now(c->cfg.office.utc_offset_min), c->cfg.office.utc_offset_min,
			   &from, &minute);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'f' && calendar_parse_day(optarg, &from) == 0)
			continue;
		if (ch == 'd' && (days = (int)strtol(optarg, &end, 10)) > 0 && days <= 366 && !*end)
			continue;
		goto out;
	}
	rc = 1;
	calendar_day_str(from, day);
	if (show_settings(db) < 0 || show_marks(db, day) < 0 || show_days(db, from, days) < 0)
		goto out;
	rc = 0;
out:
	if (rc == 2)
		calendar_usage();
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
	static const struct option longopts[] = {
		{ "hours", required_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *kind = argv[0], *hours = NULL, *note = "";
	int64_t dayno;
	char day[CALENDAR_DAY_LEN];
	int ch, add, r, rc = 2;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'h' || strcmp(kind, "special") != 0)
			goto out;
		hours = optarg;
	}
	if (argc - optind < 2 || calendar_parse_day(argv[optind + 1], &dayno) < 0)
		goto out;
	add = strcmp(argv[optind], "add") == 0;
	if ((!add && strcmp(argv[optind], "remove") != 0) || argc - optind > 3 ||
	    (!add && argc - optind != 2) || (add && strcmp(kind, "special") == 0 && argc - optind != 3))
		goto out;
	if (argc - optind == 3)
		note = argv[optind + 2];
	calendar_day_str(dayno, day);
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = add ? calendar_mark_day(db, day, kind, note, hours) : calendar_unmark_day(db, day);
	if (r == 0)
		r = audit_write(db, time(NULL), c->actor, add ? "calendar_mark" : "calendar_unmark", day,
				add ? kind : "");
	if (finish(db, r, r == GW_ERR_NOTFOUND ? "that day is not marked"
				: r == GW_ERR_INVAL ? "bad hours (07:30-11:30)" : "calendar") < 0)
		goto out;
	printf("%s %s%s%s%s\n", day, add ? "marked " : "unmarked", add ? kind : "",
	       *note ? ": " : "", note);
	if (add && strcmp(kind, "special") != 0 && warn_booked(db, day) < 0)
		goto out;
	rc = 0;
out:
	if (rc == 2)
		calendar_usage();
	return rc;
}

static int calendar_hours(struct ctl *c, struct db *db, const char *weekday, const char *spec)
{
	int wd, r, rc = 2;

	if (calendar_parse_weekday(weekday, &wd) < 0) {
		calendar_usage();
		goto out;
	}
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = calendar_hours_set(db, wd, spec);
	if (r == 0)
		r = audit_write(db, time(NULL), c->actor, "calendar_hours", calendar_weekday_short(wd, 1), spec);
	if (finish(db, r, r == GW_ERR_INVAL ? "bad hours (07:30-11:30,13:30-17:00 or closed)"
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
	if (finish(db, r, r == GW_ERR_INVAL ? "value out of range (slot 5-240, capacity 1-100,"
				" horizon 1-366)" : "calendar set") < 0)
		goto out;
	printf("%s = %s\n", key, value);
	rc = 0;
	goto out;
usage:
	fprintf(stderr, "gatewayctl: calendar set %s: bad value '%s'\n", key, value);
	calendar_usage();
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
		calendar_usage();
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
