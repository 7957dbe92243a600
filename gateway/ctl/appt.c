/* gatewayctl appt: list, confirm, decline, cancel and move appointments.
 *
 * Every change is one transaction with one audit row (actor "cli:<user>")
 * and the household's SMS notice queued in the same transaction (the
 * running daemon sends it). Moves obey the same rules as SMS bookings
 * (open day, slot, capacity); a refused move prints the reason and the
 * nearest free slots. Times are office time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "gateway/outbox.h"
#include "handlers/core/contacts.h"
#include "handlers/features/appointments.h"
#include "handlers/features/appointments_text.h"
#include "handlers/features/calendar.h"
#include "handlers/features/officers.h"
#include "handlers/handler.h"

#define CTL_APPT_TEXT_MAX 4096
#define CTL_APPT_PHONE_LEN 32

static const char appt_usage[] =
	"usage: gatewayctl appt list [--from DATE] [--to DATE] [--phone PHONE] [--all]\n"
	"       gatewayctl appt confirm ID [--officer PHONE]\n"
	"       gatewayctl appt decline ID\n"
	"       gatewayctl appt cancel ID\n"
	"       gatewayctl appt move ID YYYY-MM-DD HH:MM\n"
	"  DATE is YYYY-MM-DD (office time); list shows requested and confirmed ones\n"
	"  from today unless --all; every change is told to the household by SMS.\n";

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

/* --from and --to: a day into a CALENDAR_DAY_LEN string. */
static int opt_day(const struct ctl *c, const char *arg, void *day)
{
	int64_t d;
	int r = calendar_parse_day(arg, &d);

	if (r == 0)
		calendar_day_str(d, day);
	return r;
}

static int opt_phone(const struct ctl *c, const char *arg, void *phone)
{
	return contacts_normalize_phone(arg, phone, CTL_APPT_PHONE_LEN);
}

static int appt_list(struct ctl *c, struct db *db, int argc, char **argv)
{
	char from[CALENDAR_DAY_LEN] = "", to[CALENDAR_DAY_LEN] = "9999-12-31", phone[CTL_APPT_PHONE_LEN] = "";
	int all = 0, n = 0, r, rc = 1;
	const struct ctl_opt opts[] = {
		CTL_CALL(0, "from", from, opt_day), CTL_CALL(0, "to", to, opt_day),
		CTL_CALL(0, "phone", phone, opt_phone), CTL_FLAG(0, "all", &all), CTL_END,
	};
	sqlite3_stmt *st;

	if (ctl_options(c, argc, argv, opts) < 0)
		return ctl_usage(appt_usage);
	if (!*from && all) /* --all: the history too */
		memcpy(from, "0000-00-00", sizeof(from));
	if (!*from) {
		int64_t today;
		int minute;

		calendar_local_day(gw_now(c->cfg.office.utc_offset_min), c->cfg.office.utc_offset_min,
				   &today, &minute);
		calendar_day_str(today, from);
	}
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
	struct appointment a;
	struct officer o;
	int64_t officer_id = 0;
	int r, rc = 1;

	if (strcmp(status, "declined") == 0)
		kind = APPOINTMENTS_NOTICE_DECLINED;
	else if (strcmp(status, "cancelled") == 0)
		kind = APPOINTMENTS_NOTICE_CANCELLED;
	if (officer_phone) {
		if (ctl_officer(db, officer_phone, &o) < 0) {
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
	if (ctl_commit(db, r, r == GW_ERR_NOTFOUND ? "no such appointment" : "appt") < 0)
		goto out;
	printf("appointment #%lld %s; the household is told by SMS\n", (long long)id, status);
	/* an answer never hands an appointment to another commune's officer (scope.h) */
	if (officer_id && appointments_get(db, id, &a) == 0 && a.officer_id != officer_id)
		printf("it stays with its officer: %s is not an officer of the same commune\n", o.phone);
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
		ctl_usage(appt_usage);
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
	if (ctl_commit(db, r, r == GW_ERR_NOTFOUND ? "no such appointment" : "appt move") < 0)
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
	const char *sub = argc > 1 ? argv[1] : "", *officer = NULL;
	const struct ctl_opt opts[] = { CTL_STRING(0, "officer", &officer), CTL_END };
	struct db *db = NULL;
	int64_t id = 0;
	int first = 0, rc = 2;

	if (strcmp(sub, "list") != 0 && strcmp(sub, "confirm") != 0 && strcmp(sub, "decline") != 0 &&
	    strcmp(sub, "cancel") != 0 && strcmp(sub, "move") != 0)
		goto usage;
	if (strcmp(sub, "list") != 0) {
		/* argv + 1: past the subcommand */
		if ((first = ctl_options(c, argc - 1, argv + 1, opts)) < 0 ||
		    (officer && strcmp(sub, "confirm") != 0))
			goto usage;
		first++;
		if (first >= argc || parse_id(argv[first], &id) < 0 ||
		    argc - first != (strcmp(sub, "move") == 0 ? 3 : 1))
			goto usage;
	}
	rc = 1;
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (strcmp(sub, "list") == 0)
		rc = appt_list(c, db, argc - 1, argv + 1);
	else if (strcmp(sub, "move") == 0)
		rc = appt_move(c, db, id, argv[first + 1], argv[first + 2]);
	else
		rc = appt_status(c, db, id, strcmp(sub, "confirm") == 0 ? "confirmed"
					 : strcmp(sub, "decline") == 0 ? "declined" : "cancelled",
				 officer);
	goto out;
usage:
	rc = ctl_usage(appt_usage);
out:
	db_close(db);
	return rc;
}
