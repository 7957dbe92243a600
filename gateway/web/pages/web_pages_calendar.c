/* The office calendar: opening hours a weekday, slot length, capacity,
 * how far ahead households may book, and dated holidays, closed and
 * special days. Everyone reads it; administrators change it (one office
 * for the whole gateway). Each change is one transaction with its audit
 * row, through handlers/features/calendar.h (which validates it). */
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "handlers/features/calendar.h"

#define DAYS_SHOWN 60
#define NOTE_MAX 120

/* A form's submit button; none on a read-only page. */
static int save_button(const struct web_req *rq, struct buf *b, int ro)
{
	return ro ? 0 : web_h(b, "<p><button type=\"submit\">%s</button></p>", web_t(rq, "Lưu", "Save"));
}

/* A form of the calendar, up to its hidden `what` (the kind of change). */
static int form_begin(const struct web_req *rq, struct buf *b, const char *class, const char *title,
		      const char *what)
{
	int r;

	if ((r = web_h(b, "<form method=\"post\" action=\"/calendar\" class=\"%.*s\">", WEB_RAW, class)) < 0 ||
	    (title && (r = web_h(b, "<h2>%s</h2>", title)) < 0) || (r = web_csrf_field(rq, b)) < 0)
		return r;
	return web_h(b, "<input type=\"hidden\" name=\"what\" value=\"%.*s\">", WEB_RAW, what);
}

/* Slot length, capacity, how far ahead, where households are received. */
static int slots_card(struct web_req *rq, struct buf *b, int ro)
{
	const char *readonly = ro ? " readonly" : "";
	struct calendar_settings cs;
	int r;

	if ((r = calendar_settings_get(rq->db, &cs)) < 0 ||
	    (r = form_begin(rq, b, "stack card", web_t(rq, "Lượt hẹn", "Slots"), "settings")) < 0)
		return r;
	if ((r = web_h(b, "<label for=\"c-slot\">%s</label><input type=\"number\" id=\"c-slot\" name=\"slot\""
			  " min=\"5\" max=\"240\" value=\"%d\"%.*s>"
			  "<label for=\"c-cap\">%s</label><input type=\"number\" id=\"c-cap\" name=\"capacity\""
			  " min=\"1\" max=\"100\" value=\"%d\"%.*s>"
			  "<label for=\"c-hor\">%s</label><input type=\"number\" id=\"c-hor\" name=\"horizon\""
			  " min=\"1\" max=\"366\" value=\"%d\"%.*s>"
			  "<label for=\"c-place\">%s</label><input type=\"text\" id=\"c-place\" name=\"place\""
			  " value=\"%s\"%.*s>",
		       web_t(rq, "Phút một lượt", "Minutes a slot"), cs.slot_minutes, WEB_RAW, readonly,
		       web_t(rq, "Số hộ một lượt", "Households a slot"), cs.capacity, WEB_RAW, readonly,
		       web_t(rq, "Đặt trước tối đa (ngày)", "Bookable days ahead"), cs.horizon_days,
		       WEB_RAW, readonly, web_t(rq, "Nơi tiếp dân", "Where households are received"), cs.place,
		       WEB_RAW, readonly)) < 0 ||
	    (r = save_button(rq, b, ro)) < 0)
		return r;
	return buf_adds(b, "</form>");
}

/* Opening hours a weekday, Monday first as the office's week. */
static int hours_card(struct web_req *rq, struct buf *b, int ro)
{
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	struct buf spec;
	int r;

	buf_init(&spec, 256);
	if ((r = form_begin(rq, b, "stack card", web_t(rq, "Giờ mở cửa", "Opening hours"), "hours")) < 0 ||
	    (r = web_h(b, "<p class=\"muted\">%s</p>",
		       web_t(rq, "Ví dụ 07:30-11:30,13:30-17:00; trống = nghỉ.",
			     "For example 07:30-11:30,13:30-17:00; empty = closed."))) < 0)
		goto out;
	for (int i = 1; i <= 7; i++) {
		int wd = i % 7;
		size_t np = 0;

		buf_reset(&spec);
		if ((r = calendar_hours_get(rq->db, wd, p, CALENDAR_MAX_PERIODS, &np)) < 0)
			goto out;
		for (size_t k = 0; k < np && r == 0; k++) {
			char a[CALENDAR_HHMM_LEN], z[CALENDAR_HHMM_LEN];

			calendar_hhmm(p[k].opens, a);
			calendar_hhmm(p[k].closes, z);
			r = buf_addf(&spec, "%s%s-%s", k ? "," : "", a, z);
		}
		if (r < 0 || (r = web_h(b, "<label for=\"h-%d\">%.*s</label>"
					   "<input type=\"text\" id=\"h-%d\" name=\"h%d\" value=\"%s\"%.*s>",
					wd, WEB_RAW, calendar_weekday_short(wd, rq->en), wd, wd, spec.data,
					WEB_RAW, ro ? " readonly" : "")) < 0)
			goto out;
	}
	if ((r = save_button(rq, b, ro)) == 0)
		r = buf_adds(b, "</form>");
out:
	buf_release(&spec);
	return r;
}

/* Holidays, closed and special days from today on. */
static int days_table(struct web_req *rq, struct buf *b, int ro)
{
	char today[CALENDAR_DAY_LEN];
	sqlite3_stmt *st;
	int64_t dayno;
	int minute, n = 0, r;

	calendar_local_day(rq->now, rq->cfg->office.utc_offset_min, &dayno, &minute);
	calendar_day_str(dayno, today);
	if ((r = web_h(b, "<h2>%s</h2>",
		       web_t(rq, "Ngày nghỉ và ngày đặc biệt", "Holidays and special days"))) < 0 ||
	    (r = web_table_begin(rq, b, "days", "Ngày", "Day", "Loại", "Kind", "Ghi chú", "Note", "", "",
				 NULL)) < 0)
		return r;
	if ((r = db_prepare(rq->db, "SELECT day, kind, note, coalesce(opens || '-' || closes, '') FROM calendar_days"
				    " WHERE day >= ? ORDER BY day LIMIT ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, today);
	sqlite3_bind_int(st, 2, DAYS_SHOWN);
	while ((r = db_step(st)) == DB_ROW) {
		if ((r = web_h(b, "<tr><td>%s</td><td>%s</td><td>%s %s</td><td>", db_col_text(st, 0),
			       db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3))) < 0)
			break;
		if (!ro && ((r = form_begin(rq, b, "inline", NULL, "unmark")) < 0 ||
			    (r = web_h(b, "<input type=\"hidden\" name=\"day\" value=\"%s\">"
					  "<button type=\"submit\" class=\"second\">%s</button></form>",
				       db_col_text(st, 0), web_t(rq, "Bỏ", "Remove"))) < 0))
			break;
		if ((r = buf_adds(b, "</td></tr>")) < 0)
			break;
		n++;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	if (!n && (r = web_h(b, "<tr><td colspan=\"4\" class=\"muted\">%s</td></tr>",
			     web_t(rq, "Không có.", "None."))) < 0)
		return r;
	return buf_adds(b, WEB_TABLE_END);
}

static int add_day_card(struct web_req *rq, struct buf *b)
{
	int r;

	if ((r = form_begin(rq, b, "stack card", web_t(rq, "Thêm ngày", "Add a day"), "mark")) < 0 ||
	    (r = web_h(b, "<div class=\"row\"><label>%s<input type=\"date\" name=\"day\" required></label>"
			  "<label>%s<select name=\"kind\">",
		       web_t(rq, "Ngày", "Day"), web_t(rq, "Loại", "Kind"))) < 0 ||
	    (r = web_option(b, "holiday", web_t(rq, "Nghỉ lễ", "Holiday"), "")) < 0 ||
	    (r = web_option(b, "closed", web_t(rq, "Đóng cửa", "Closed"), "")) < 0 ||
	    (r = web_option(b, "special", web_t(rq, "Ngày đặc biệt (vẫn mở)", "Special (open)"), "")) < 0)
		return r;
	return web_h(b, "</select></label><label>%s<input type=\"text\" name=\"note\" maxlength=\"%d\"></label>"
			"<label>%s<input type=\"text\" name=\"hours\" placeholder=\"07:30-11:30\"></label>"
			"<button type=\"submit\">%s</button></div></form>",
		     web_t(rq, "Ghi chú", "Note"), NOTE_MAX, web_t(rq, "Giờ riêng", "Own hours"),
		     web_t(rq, "Thêm", "Add"));
}

int web_page_calendar(struct web_req *rq, struct web_resp *rs)
{
	struct buf *b = &rs->body;
	int ro = !rq->acct.admin, r;

	if ((r = web_page_begin(rq, rs, web_t(rq, "Giờ làm việc và ngày nghỉ", "Office hours and holidays"),
				"appts")) < 0)
		return r;
	if (ro && (r = web_notice(b, "ok", web_t(rq, "Chỉ quản trị viên được thay đổi lịch làm việc.",
						 "Only an administrator may change the office calendar."))) < 0)
		return r;
	if ((r = buf_adds(b, "<div class=\"grid\">")) < 0 || (r = slots_card(rq, b, ro)) < 0 ||
	    (r = hours_card(rq, b, ro)) < 0 || (r = buf_adds(b, "</div>")) < 0 ||
	    (r = days_table(rq, b, ro)) < 0 || (!ro && (r = add_day_card(rq, b)) < 0))
		return r;
	return web_page_end(rq, rs);
}

/* The savers of the calendar form, one per `what`: each changes the
 * calendar in the open transaction and describes the change in detail;
 * *bad when the form's values are refused (nothing written then). */
static int save_settings(struct web_req *rq, struct buf *detail, int *bad)
{
	struct calendar_settings cs;
	long long v = 0;
	int r;

	if ((r = calendar_settings_get(rq->db, &cs)) < 0)
		return r;
	*bad = web_form_int(&rq->form, "slot", 5, 240, &v) < 0;
	cs.slot_minutes = (int)v;
	*bad |= web_form_int(&rq->form, "capacity", 1, 100, &v) < 0;
	cs.capacity = (int)v;
	*bad |= web_form_int(&rq->form, "horizon", 1, 366, &v) < 0;
	cs.horizon_days = (int)v;
	*bad |= gw_strlcpy(cs.place, web_form_str(&rq->form, "place"), sizeof(cs.place)) < 0 || !*cs.place;
	if (!*bad && (r = calendar_settings_set(rq->db, &cs)) == GW_ERR_INVAL)
		*bad = 1;
	else if (r < 0)
		return r;
	if (*bad)
		return 0;
	return buf_addf(detail, "slot %d, capacity %d, horizon %d", cs.slot_minutes, cs.capacity,
			cs.horizon_days);
}

static int save_hours(struct web_req *rq, struct buf *detail, int *bad)
{
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	char key[4] = "h0";
	size_t np;
	int r = 0;

	/* all seven checked before any is written */
	for (int wd = 0; wd < 7 && !*bad; wd++) {
		key[1] = (char)('0' + wd);
		*bad = calendar_parse_periods(web_form_str(&rq->form, key), p, CALENDAR_MAX_PERIODS, &np) < 0;
	}
	for (int wd = 0; wd < 7 && !*bad && r == 0; wd++) {
		key[1] = (char)('0' + wd);
		if ((r = calendar_hours_set(rq->db, wd, web_form_str(&rq->form, key))) == 0)
			r = buf_addf(detail, "%s%d=%s", wd ? " " : "", wd, web_form_str(&rq->form, key));
	}
	return r;
}

static int save_mark(struct web_req *rq, struct buf *detail, int *bad)
{
	const char *day = web_form_str(&rq->form, "day"), *kind = web_form_str(&rq->form, "kind");
	const char *note = web_form_str(&rq->form, "note"), *hours = web_form_str(&rq->form, "hours");
	int64_t d;
	int r = 0;

	*bad = calendar_parse_day(day, &d) < 0 || strlen(note) > NOTE_MAX;
	if (!*bad && (r = calendar_mark_day(rq->db, day, kind, note, hours)) == GW_ERR_INVAL)
		*bad = 1;
	else if (r == 0 && !*bad)
		r = buf_addf(detail, "%s %s %s", day, kind, note);
	return r;
}

static int save_unmark(struct web_req *rq, struct buf *detail, int *bad)
{
	int r = calendar_unmark_day(rq->db, web_form_str(&rq->form, "day"));

	*bad = r == GW_ERR_NOTFOUND || r == GW_ERR_INVAL;
	if (*bad)
		r = 0;
	else if (r == 0)
		r = buf_addf(detail, "%s", web_form_str(&rq->form, "day"));
	return r;
}

static const struct {
	const char *what;
	int (*save)(struct web_req *rq, struct buf *detail, int *bad);
} savers[] = {
	{ "settings", save_settings },
	{ "hours", save_hours },
	{ "mark", save_mark },
	{ "unmark", save_unmark },
};

int web_page_calendar_save(struct web_req *rq, struct web_resp *rs)
{
	const char *what = web_form_str(&rq->form, "what");
	char actor[64];
	struct buf detail;
	int r, bad = 1;

	buf_init(&detail, 1024);
	web_actor(rq, actor, sizeof(actor));
	if ((r = db_begin(rq->db)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(savers) / sizeof(savers[0]); i++)
		if (strcmp(what, savers[i].what) == 0) {
			bad = 0;
			if ((r = savers[i].save(rq, &detail, &bad)) < 0)
				goto out;
		}
	if (bad) {
		db_rollback(rq->db);
		r = web_error(rq, rs, 400, "Giá trị không hợp lệ; không có gì được lưu.",
			      "Invalid values; nothing was saved.");
		goto out;
	}
	if ((r = audit_write(rq->db, time(NULL), actor, "calendar", what, detail.data)) < 0 ||
	    (r = db_commit(rq->db)) < 0)
		goto out;
	r = web_redirect(rs, "/calendar?ok=calendar");
out:
	db_rollback(rq->db);
	buf_release(&detail);
	return r;
}
