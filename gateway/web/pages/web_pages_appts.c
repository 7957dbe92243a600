/* Appointments: a day at a time, slot by slot, with the days around it.
 *
 * Confirm, decline, cancel and move use handlers/features/appointments.h, the same
 * rules as SMS and gatewayctl (open days, slots, capacity, one live
 * appointment a day per household); the household's notice is queued in
 * the outbox in the same transaction as the change and its audit row, and
 * the daemon sends it. A slot's fill counts every live appointment (the
 * capacity is the office's), the list shows the account's commune. */
#include <stdlib.h>
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/outbox.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"
#include "handlers/features/appointments.h"
#include "handlers/features/appointments_text.h"
#include "handlers/features/calendar.h"
#include "handlers/features/referrals.h"
#include "handlers/handler.h"

#define STRIP_BEFORE 2
#define STRIP_AFTER 11
#define DAY_ROWS_MAX 400

struct appt_row {
	int64_t id;
	char phone[32];
	char slot[CALENDAR_HHMM_LEN];
	char status[12];
	char topic[APPOINTMENTS_TOPIC_MAX];
	char code[APPOINTMENTS_CODE_MAX];
	char officer[64];
	int minute;
};

static const char *status_label(const struct web_req *rq, const char *s)
{
	if (strcmp(s, "requested") == 0)
		return web_t(rq, "chờ xác nhận", "requested");
	if (strcmp(s, "confirmed") == 0)
		return web_t(rq, "đã xác nhận", "confirmed");
	if (strcmp(s, "declined") == 0)
		return web_t(rq, "từ chối", "declined");
	if (strcmp(s, "cancelled") == 0)
		return web_t(rq, "đã hủy", "cancelled");
	return web_t(rq, "xong", "done");
}

/* The strip of days around dayno: date, weekday, live appointments
 * (the account's), closed days dimmed. */
static int day_strip(struct web_req *rq, struct buf *b, int64_t dayno)
{
	int64_t from = dayno - STRIP_BEFORE, to = dayno + STRIP_AFTER;
	int counts[STRIP_BEFORE + STRIP_AFTER + 1] = { 0 };
	char a[CALENDAR_DAY_LEN], z[CALENDAR_DAY_LEN];
	sqlite3_stmt *st;
	int64_t d;
	int r;

	calendar_day_str(from, a);
	calendar_day_str(to, z);
	if ((r = db_prepare(rq->db, "SELECT a.day, count(*) FROM appointments a WHERE a.day BETWEEN ?4 AND ?5"
				    " AND a.status IN ('requested', 'confirmed') AND " SCOPE_APPT("a")
				    " GROUP BY a.day", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, a);
	db_bind_text(st, 5, z);
	while ((r = db_step(st)) == DB_ROW)
		if (calendar_parse_day(db_col_text(st, 0), &d) == 0 && d >= from && d <= to)
			counts[d - from] = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	if (r < 0 || (r = buf_adds(b, "<div class=\"days\" role=\"navigation\">")) < 0)
		return r;
	for (d = from; d <= to; d++) {
		struct calendar_day cd;
		char day[CALENDAR_DAY_LEN];
		int y, m, dd;

		if ((r = calendar_day_get(rq->db, d, &cd)) < 0)
			return r;
		calendar_day_str(d, day);
		calendar_date(d, &y, &m, &dd);
		if ((r = web_h(b, "<a href=\"/appointments?day=%.*s\" class=\"%.*s%.*s\">%.*s %d/%d",
			       WEB_RAW, day, WEB_RAW, d == dayno ? "on" : "",
			       WEB_RAW, calendar_is_open(&cd) ? "" : " closed",
			       WEB_RAW, calendar_weekday_short(cd.weekday, rq->en), dd, m)) < 0)
			return r;
		r = counts[d - from] ? web_h(b, "<small>%d</small></a>", counts[d - from])
				     : buf_adds(b, "<small>·</small></a>");
		if (r < 0)
			return r;
	}
	return buf_adds(b, "</div>");
}

static int load_day(struct web_req *rq, const char *day, struct appt_row *rows, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	size_t k = 0;
	int r;

	if ((r = db_prepare(rq->db, "SELECT a.id, a.phone, a.slot, a.status, a.topic, a.program_code,"
				    " coalesce(o.name, '') FROM appointments a LEFT JOIN officers o"
				    " ON o.id = a.officer_id WHERE a.day = ?4 AND " SCOPE_APPT("a")
				    " ORDER BY a.slot, a.id", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, day);
	while ((r = db_step(st)) == DB_ROW && k < max) {
		struct appt_row *a = &rows[k];

		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(st, 0);
		if (gw_strlcpy(a->phone, db_col_text(st, 1), sizeof(a->phone)) < 0 ||
		    gw_strlcpy(a->slot, db_col_text(st, 2), sizeof(a->slot)) < 0 ||
		    gw_strlcpy(a->status, db_col_text(st, 3), sizeof(a->status)) < 0)
			continue;
		gw_strlcpy(a->topic, db_col_text(st, 4), sizeof(a->topic));
		gw_strlcpy(a->code, db_col_text(st, 5), sizeof(a->code));
		gw_strlcpy(a->officer, db_col_text(st, 6), sizeof(a->officer));
		if (calendar_parse_hhmm(a->slot, &a->minute) < 0)
			a->minute = -1;
		k++;
	}
	sqlite3_reset(st);
	*n = k;
	return r < 0 ? r : 0;
}

static int is_live(const char *status)
{
	return strcmp(status, "requested") == 0 || strcmp(status, "confirmed") == 0;
}

/* A live appointment's buttons: confirm and decline, or cancel; and move. */
static int appt_actions(struct web_req *rq, struct buf *b, const struct appt_row *a, const char *day)
{
	int r;

	if ((r = web_h(b, "<div class=\"actions\"><form method=\"post\" action=\"/appointments/%lld\""
			  " class=\"inline\">", (long long)a->id)) < 0 ||
	    (r = web_csrf_field(rq, b)) < 0)
		return r;
	if (strcmp(a->status, "requested") == 0)
		r = web_h(b, "<button type=\"submit\" name=\"action\" value=\"confirm\" class=\"confirm\">%s</button> "
			     "<button type=\"submit\" name=\"action\" value=\"decline\" class=\"second\""
			     " data-confirm=\"%s\">%s</button>",
			  web_t(rq, "Xác nhận", "Confirm"),
			  web_t(rq, "Từ chối lịch hẹn này?", "Decline this appointment?"),
			  web_t(rq, "Từ chối", "Decline"));
	else
		r = web_h(b, "<button type=\"submit\" name=\"action\" value=\"cancel\" class=\"second\""
			     " data-confirm=\"%s\">%s</button>",
			  web_t(rq, "Hủy lịch hẹn này?", "Cancel this appointment?"),
			  web_t(rq, "Hủy", "Cancel"));
	if (r < 0 || (r = buf_adds(b, "</form>")) < 0)
		return r;
	if ((r = web_h(b, "<form method=\"post\" action=\"/appointments/%lld\" class=\"row\">",
		       (long long)a->id)) < 0 ||
	    (r = web_csrf_field(rq, b)) < 0)
		return r;
	return web_h(b, "<input type=\"hidden\" name=\"action\" value=\"move\">"
			"<input type=\"date\" name=\"day\" value=\"%s\" aria-label=\"%s\">"
			"<input type=\"time\" name=\"time\" value=\"%s\" step=\"300\" aria-label=\"%s\">"
			"<button type=\"submit\" class=\"second\">%s</button></form></div>",
		     day, web_t(rq, "Ngày", "Day"), a->slot, web_t(rq, "Giờ", "Time"),
		     web_t(rq, "Dời", "Move"));
}

static int appt_item(struct web_req *rq, struct buf *b, const struct appt_row *a, const char *day)
{
	const char *tag = strcmp(a->status, "confirmed") == 0 ? "ok"
			  : strcmp(a->status, "requested") == 0 ? "warn" : "";
	char local[32];
	int r;

	referrals_local_phone(a->phone, local, sizeof(local));
	if ((r = web_h(b, "<li id=\"appt-%lld\"><b>#%lld</b> <a href=\"/contacts/%.*s\">%s</a> "
			  "<span class=\"tag %.*s\">%s</span> %s %s <span class=\"muted\">%s</span>",
		       (long long)a->id, (long long)a->id, WEB_URL, a->phone + (a->phone[0] == '+'), local,
		       WEB_RAW, tag, status_label(rq, a->status), a->code, a->topic, a->officer)) < 0 ||
	    (is_live(a->status) && (r = appt_actions(rq, b, a, day)) < 0))
		return r;
	return buf_adds(b, "</li>");
}

/* One day as the page shows it. */
struct day_view {
	int64_t dayno;
	char day[CALENDAR_DAY_LEN];
	struct calendar_settings cs;
	struct calendar_day cd;
	struct appt_row rows[DAY_ROWS_MAX]; /* the account's, by slot */
	size_t n;
	int starts[CALENDAR_MAX_SLOTS];     /* the day's slots, minutes */
	int fill[CALENDAR_MAX_SLOTS];       /* live appointments in each */
	size_t nslots;
};

static int load_view(struct web_req *rq, int64_t dayno, struct day_view *v)
{
	sqlite3_stmt *st;
	int r;

	v->dayno = dayno;
	calendar_day_str(dayno, v->day);
	if ((r = calendar_settings_get(rq->db, &v->cs)) < 0 || (r = calendar_day_get(rq->db, dayno, &v->cd)) < 0 ||
	    (r = load_day(rq, v->day, v->rows, DAY_ROWS_MAX, &v->n)) < 0)
		return r;
	v->nslots = calendar_slots(&v->cd, v->cs.slot_minutes, v->starts, CALENDAR_MAX_SLOTS);
	/* every live appointment fills its slot, whoever's commune it is */
	if ((r = db_prepare(rq->db, "SELECT slot, count(*) FROM appointments WHERE day = ?"
				    " AND status IN ('requested', 'confirmed') GROUP BY slot", &st)) < 0)
		return r;
	db_bind_text(st, 1, v->day);
	while ((r = db_step(st)) == DB_ROW) {
		int m;

		if (calendar_parse_hhmm(db_col_text(st, 0), &m) < 0)
			continue;
		for (size_t i = 0; i < v->nslots; i++)
			if (v->starts[i] == m)
				v->fill[i] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return r < 0 ? r : 0;
}

/* Which day: the date field, the strip of days around it, the day's hours. */
static int day_header(struct web_req *rq, struct buf *b, const struct day_view *v)
{
	char title[WEB_TIME_LEN];
	struct buf periods;
	int r = 0;

	buf_init(&periods, 256);
	for (size_t i = 0; i < v->cd.nperiods && r == 0; i++) {
		char a[WEB_TIME_LEN], z[WEB_TIME_LEN];

		web_fmt_minute(rq, v->cd.periods[i].opens, a, sizeof(a));
		web_fmt_minute(rq, v->cd.periods[i].closes, z, sizeof(z));
		r = buf_addf(&periods, "%s%s–%s", i ? ", " : "", a, z);
	}
	if (r < 0)
		goto out;
	web_fmt_dayno(rq, v->dayno, title, sizeof(title));
	if ((r = web_h(b, "<form method=\"get\" action=\"/appointments\" class=\"row\"><input type=\"date\""
			  " name=\"day\" value=\"%s\" aria-label=\"%s\"><button type=\"submit\" class=\"second\">%s</button>"
			  "<a class=\"btn second\" href=\"/calendar\">%s</a></form>",
		       v->day, web_t(rq, "Ngày", "Day"), web_t(rq, "Xem", "Show"),
		       web_t(rq, "Giờ làm việc, ngày nghỉ", "Office hours and holidays"))) < 0 ||
	    (r = day_strip(rq, b, v->dayno)) < 0)
		goto out;
	r = web_h(b, "<h2 id=\"day-title\">%s</h2><p class=\"muted\">%s %s · %d %s · %d %s%.*s%s</p>",
		  title,
		  calendar_is_open(&v->cd) ? web_t(rq, "Mở cửa", "Open") : web_t(rq, "Đóng cửa", "Closed"),
		  periods.data, v->cs.slot_minutes, web_t(rq, "phút một lượt", "minutes a slot"),
		  v->cs.capacity, web_t(rq, "hộ một lượt", "households a slot"),
		  WEB_RAW, *v->cd.note ? " · " : "", v->cd.note);
out:
	buf_release(&periods);
	return r;
}

/* The day's slots with their live appointments; *shown: how many. */
static int slots_table(struct web_req *rq, struct buf *b, const struct day_view *v, size_t *shown)
{
	char hhmm[WEB_TIME_LEN];
	int r;

	if ((r = web_table_begin(rq, b, "slots", "Giờ", "Time", "Đã đặt", "Booked", "Lịch hẹn",
				 "Appointments", NULL)) < 0)
		return r;
	for (size_t i = 0; i < v->nslots; i++) {
		web_fmt_minute(rq, v->starts[i], hhmm, sizeof(hhmm));
		if ((r = web_h(b, "<tr><th>%s</th><td>%d/%d</td><td><ul class=\"plain\">", hhmm,
			       v->fill[i], v->cs.capacity)) < 0)
			return r;
		for (size_t k = 0; k < v->n; k++) {
			if (!is_live(v->rows[k].status) || v->rows[k].minute != v->starts[i])
				continue;
			if ((r = appt_item(rq, b, &v->rows[k], v->day)) < 0)
				return r;
			(*shown)++;
		}
		if ((r = buf_adds(b, "</ul></td></tr>")) < 0)
			return r;
	}
	return buf_adds(b, WEB_TABLE_END);
}

/* The rest: outside the day's slots (hours changed since), or no longer live. */
static int others_list(struct web_req *rq, struct buf *b, const struct day_view *v)
{
	int r;

	if ((r = web_h(b, "<h2>%s</h2><ul class=\"plain\" id=\"other-appts\">",
		       web_t(rq, "Khác trong ngày", "Others that day"))) < 0)
		return r;
	for (size_t k = 0; k < v->n; k++) {
		int in_slot = 0;

		for (size_t i = 0; i < v->nslots; i++)
			in_slot |= v->rows[k].minute == v->starts[i];
		if (in_slot && is_live(v->rows[k].status))
			continue;
		if ((r = web_h(b, "<li>%s ", v->rows[k].slot)) < 0 ||
		    (r = appt_item(rq, b, &v->rows[k], v->day)) < 0)
			return r;
	}
	return buf_adds(b, "</ul>");
}

static int day_page(struct web_req *rq, struct web_resp *rs, int64_t dayno, const char *error)
{
	struct day_view *v = calloc(1, sizeof(*v));
	struct buf *b = &rs->body;
	size_t shown = 0;
	int r = GW_ERR_NOMEM;

	if (!v || (r = load_view(rq, dayno, v)) < 0 ||
	    (r = web_page_begin(rq, rs, web_t(rq, "Lịch hẹn", "Appointments"), "appts")) < 0 ||
	    (error && (r = web_notice(b, "err", error)) < 0) || (r = day_header(rq, b, v)) < 0 ||
	    (r = slots_table(rq, b, v, &shown)) < 0 || (shown < v->n && (r = others_list(rq, b, v)) < 0))
		goto out;
	r = web_page_end(rq, rs);
out:
	free(v);
	return r;
}

static int64_t asked_day(struct web_req *rq)
{
	const char *s = web_arg(rq, "day");
	int64_t dayno;
	int minute;

	if (s && calendar_parse_day(s, &dayno) == 0)
		return dayno;
	calendar_local_day(rq->now, rq->cfg->office.utc_offset_min, &dayno, &minute);
	return dayno;
}

int web_page_appointments(struct web_req *rq, struct web_resp *rs)
{
	return day_page(rq, rs, asked_day(rq), NULL);
}

/* Queue the household's notice and the audit row, in the open transaction. */
static int tell(struct web_req *rq, int64_t id, enum appointments_notice kind, const char *action)
{
	struct handler_result res;
	struct appointment a;
	char actor[64];
	struct buf target, detail;
	int r;

	handler_result_init(&res);
	buf_init(&target, 64);
	buf_init(&detail, 256);
	web_actor(rq, actor, sizeof(actor));
	if ((r = appointments_get(rq->db, id, &a)) < 0 ||
	    (r = appointments_queue_notice(rq->db, rq->cfg, &a, kind, NULL, rq->acct.id, &res)) < 0 ||
	    (r = outbox_queue(rq->db, &res, 0, rq->now)) < 0 ||
	    (r = buf_addf(&target, "appointment #%lld", (long long)id)) < 0 ||
	    (r = buf_addf(&detail, "%s %s %s %s", a.day, a.slot, a.status, a.phone)) < 0)
		goto out;
	r = audit_write(rq->db, time(NULL), actor, action, target.data, detail.data);
out:
	handler_result_release(&res);
	buf_release(&target);
	buf_release(&detail);
	return r;
}

/* The buttons: the status each sets (NULL: a move), the household's
 * notice, the audit action and the ?ok= key of the answer. */
static const struct appt_action {
	const char *name, *status;
	enum appointments_notice notice;
	const char *audit, *flash;
} appt_actions_known[] = {
	{ "confirm", "confirmed", APPOINTMENTS_NOTICE_CONFIRMED, "appointment_confirm", "confirmed" },
	{ "decline", "declined", APPOINTMENTS_NOTICE_DECLINED, "appointment_decline", "declined" },
	{ "cancel", "cancelled", APPOINTMENTS_NOTICE_CANCELLED, "appointment_cancel", "cancelled" },
	{ "move", NULL, APPOINTMENTS_NOTICE_MOVED, "appointment_move", "moved" },
};

/* Apply act to appointment id in the open transaction; *v: the rules' verdict
 * (the household is told and the change audited only when it is OK). */
static int apply_action(struct web_req *rq, const struct appt_action *act, int64_t id, int64_t dayno,
			int minute, enum appointments_verdict *v)
{
	int r = act->status ? appointments_set_status(rq->db, id, act->status, rq->acct.id, rq->now, v)
			    : appointments_move(rq->db, rq->cfg, rq->now, id, dayno, minute, 1, v);

	if (r == 0 && *v == APPOINTMENTS_OK)
		r = tell(rq, id, act->notice, act->audit);
	return r;
}

/* The day again with why the rules refused the change (409). */
static int refused(struct web_req *rq, struct web_resp *rs, enum appointments_verdict v, int64_t dayno,
		   int minute)
{
	struct buf why;
	int r;

	buf_init(&why, 4096);
	if (v == APPOINTMENTS_NOT_LIVE)
		r = buf_adds(&why, web_t(rq, "Lịch hẹn này đã hủy, bị từ chối hoặc đã xong.",
					 "This appointment is cancelled, declined or done."));
	else
		r = appointments_refusal(rq->db, rq->cfg, rq->now, NULL, v, dayno, minute, 0, NULL, "",
					 rq->en, &why);
	if (r == 0 && (r = day_page(rq, rs, dayno, why.data)) == 0)
		rs->status = 409;
	buf_release(&why);
	return r;
}

int web_page_appointment_action(struct web_req *rq, struct web_resp *rs)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	const char *name = web_form_str(&rq->form, "action");
	const struct appt_action *act = NULL;
	struct appointment a;
	struct buf where;
	char seg[24], back[CALENDAR_DAY_LEN];
	int64_t id = 0, dayno = 0;
	int minute = 0, scope, r;

	buf_init(&where, WEB_URL_MAX);
	for (size_t i = 0; i < sizeof(appt_actions_known) / sizeof(appt_actions_known[0]); i++)
		if (strcmp(name, appt_actions_known[i].name) == 0)
			act = &appt_actions_known[i];
	if (web_path_segment(rq->path, "/appointments/", seg, sizeof(seg), NULL) < 0 ||
	    web_parse_id(seg, &id) < 0) {
		r = web_error(rq, rs, 404, "Không có lịch hẹn này.", "No such appointment.");
		goto out;
	}
	if ((scope = scope_appointment(rq->db, &rq->acct, id)) != 0) {
		r = web_scope_refused(rq, rs, scope);
		goto out;
	}
	if ((r = appointments_get(rq->db, id, &a)) < 0 || (r = calendar_parse_day(a.day, &dayno)) < 0)
		goto out;
	if (act && !act->status &&
	    (calendar_parse_day(web_form_str(&rq->form, "day"), &dayno) < 0 ||
	     calendar_parse_hhmm(web_form_str(&rq->form, "time"), &minute) < 0)) {
		r = day_page(rq, rs, dayno, web_t(rq, "Ngày hoặc giờ không hợp lệ.", "Not a valid day or time."));
		if (r == 0)
			rs->status = 400;
		goto out;
	}
	if ((r = db_begin(rq->db)) < 0)
		goto out;
	if (!act) {
		db_rollback(rq->db);
		r = web_error(rq, rs, 400, "Không rõ việc cần làm.", "Unknown action.");
		goto out;
	}
	if ((r = apply_action(rq, act, id, dayno, minute, &v)) < 0)
		goto out;
	if (v != APPOINTMENTS_OK) {
		db_rollback(rq->db);
		r = refused(rq, rs, v, dayno, minute);
		goto out;
	}
	if ((r = db_commit(rq->db)) < 0)
		goto out;
	calendar_day_str(dayno, back);
	if ((r = web_h(&where, "/appointments?day=%.*s&ok=%.*s", WEB_RAW, back, WEB_RAW, act->flash)) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	db_rollback(rq->db);
	buf_release(&where);
	return r;
}
