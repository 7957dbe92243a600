/* The dashboard: is the box working, what is waiting, which content from
 * the hub it answers with, what people ask.
 *
 * Modem (web_pages_modems.c) and queue figures and the chart are
 * gateway-wide statistics (no phone numbers); the lists of referrals and
 * appointments are filtered to the account's commune like everywhere else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "gateway/hub/hub_state.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_svg.h"
#include "handlers/features/calendar.h"
#include "handlers/features/referrals.h"

#define CHART_DAYS 30
#define TOP_PROGRAMS 8
#define LIST_MAX 10

/* The hub's content here: which version, the last pull (hub_state.h). */
static int content_card(struct web_req *rq, struct buf *b)
{
	char published[24], applied[24], pulled[24], version[24];
	struct hub_state s;
	int r;

	if ((r = hub_state_get(rq->db, &s)) < 0)
		return r;
	web_fmt_time(rq, s.published_at, published, sizeof(published));
	web_fmt_time(rq, s.applied_at, applied, sizeof(applied));
	web_fmt_time(rq, s.pulled_at, pulled, sizeof(pulled));
	snprintf(version, sizeof(version), "%lld", (long long)s.version);
	r = web_h(b, "<section class=\"card\" id=\"content\"><h2>%s</h2><ul class=\"plain\">"
		     "<li>%s: %s</li><li>%s: %s <span class=\"muted\">(%s %s, %s %s)</span></li>"
		     "<li>%s: %s</li>",
		  web_t(rq, "Nội dung từ tỉnh", "Content from the hub"),
		  web_t(rq, "Máy chủ", "Hub"), *rq->cfg->sync.url ? rq->cfg->sync.url
				: web_t(rq, "không có (sync.url trống)", "none (sync.url is empty)"),
		  web_t(rq, "Phiên bản", "Version"), s.version ? version : "-",
		  web_t(rq, "phát hành", "published"), published, web_t(rq, "áp dụng", "applied"), applied,
		  web_t(rq, "Lần lấy cuối", "Last pull"), pulled);
	if (r == 0 && s.pulled_at)
		r = s.pull_ok ? web_h(b, "<li><span class=\"tag ok\">%s</span></li>", web_t(rq, "Thành công", "OK"))
			      : web_h(b, "<li><span class=\"tag err\">%s</span> %s</li>",
				      web_t(rq, "Thất bại", "Failed"), s.pull_error);
	return r < 0 ? r : buf_adds(b, "</ul></section>");
}

static int queue_card(struct web_req *rq, struct buf *b, time_t day_start)
{
	int64_t q[6] = { 0 };
	sqlite3_stmt *st;
	int r;

	/* one pass: waiting by kind, failed and handled today, new inbound */
	if ((r = db_prepare(rq->db, "SELECT"
				    " (SELECT count(*) FROM outbox WHERE status IN ('queued','sending')"
				    "   AND kind <> 'broadcast'),"
				    " (SELECT count(*) FROM outbox WHERE status IN ('queued','sending')"
				    "   AND kind = 'broadcast'),"
				    " (SELECT count(*) FROM inbox WHERE status = 'new'),"
				    " (SELECT count(*) FROM inbox WHERE stored_at >= ?1),"
				    " (SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?1),"
				    " (SELECT count(*) FROM outbox WHERE status IN ('failed','sent_unknown')"
				    "   AND created_at >= ?1)", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)day_start);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_DB;
	for (int i = 0; i < 6; i++)
		q[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	return web_h(b, "<section class=\"card\" id=\"queues\"><h2>%s</h2><ul class=\"plain\">"
			"<li>%s: <b>%lld</b></li><li>%s: <b>%lld</b> <a href=\"/broadcasts\">%s</a></li>"
			"<li>%s: <b>%lld</b></li></ul></section>"
			"<section class=\"card\" id=\"today\"><h2>%s</h2>"
			"<p><span class=\"big\">%lld</span> %s</p><p><span class=\"big\">%lld</span> %s</p>"
			"<p class=\"muted\">%s: %lld</p></section>",
		     web_t(rq, "Hàng đợi", "Queues"),
		     web_t(rq, "Trả lời, thông báo chờ gửi", "Replies and notices waiting"),
		     (long long)q[0], web_t(rq, "Tin quảng bá chờ gửi", "Broadcast messages waiting"),
		     (long long)q[1], web_t(rq, "tiến độ", "progress"),
		     web_t(rq, "Tin đến chưa xử lý", "Inbound not handled yet"), (long long)q[2],
		     web_t(rq, "Hôm nay", "Today"), (long long)q[3],
		     web_t(rq, "tin đến", "messages in"), (long long)q[4],
		     web_t(rq, "tin đã gửi", "messages sent"), web_t(rq, "Gửi lỗi", "Failed"),
		     (long long)q[5]);
}

/* Messages a day by intent over the last CHART_DAYS office days: the
 * seven commonest intents, the rest as "other". */
static int chart_card(struct web_req *rq, struct buf *b, int64_t today)
{
	struct web_chart *c = calloc(1, sizeof(*c));
	int64_t off = (int64_t)rq->cfg->office.utc_offset_min * 60, first = today - CHART_DAYS + 1;
	sqlite3_stmt *st;
	int r = GW_ERR_NOMEM;

	if (!c)
		goto out;
	c->first_day = first;
	c->days = CHART_DAYS;
	if ((r = db_prepare(rq->db, "WITH m AS (SELECT (stored_at + ?1) / 86400 AS d, intent FROM inbox"
				    "  WHERE stored_at >= ?2),"
				    " top AS (SELECT intent, count(*) AS n FROM m GROUP BY intent"
				    "  ORDER BY n DESC, intent LIMIT 7)"
				    " SELECT m.d, coalesce(t.intent, '~') AS k, count(*), coalesce(t.n, -1) AS tn"
				    " FROM m LEFT JOIN top t ON t.intent = m.intent"
				    " GROUP BY m.d, k ORDER BY tn DESC, k, m.d", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, off);
	sqlite3_bind_int64(st, 2, first * 86400 - off);
	while ((r = db_step(st)) == DB_ROW) {
		int64_t d = sqlite3_column_int64(st, 0) - first;
		const char *k = db_col_text(st, 1);
		int s;

		if (d < 0 || d >= CHART_DAYS)
			continue;
		for (s = 0; s < c->nseries && strcmp(c->names[s], k) != 0; s++)
			;
		if (s == c->nseries) {
			if (s == WEB_CHART_SERIES_MAX)
				continue;
			gw_strlcpy(c->names[s], k, sizeof(c->names[s]));
			c->nseries++;
		}
		c->counts[s][d] += sqlite3_column_int(st, 2);
	}
	if (r < 0)
		goto out;
	/* names as people read them, once the rows are in */
	for (int s = 0; s < c->nseries; s++) {
		const char *label = strcmp(c->names[s], "~") == 0 ? web_t(rq, "Khác", "Other")
								  : web_intent_label(rq, c->names[s]);

		if (gw_strlcpy(c->names[s], label, sizeof(c->names[s])) < 0)
			c->names[s][0] = '\0';
	}
	if ((r = web_h(b, "<section class=\"card chart\" id=\"chart\"><h2>%s</h2>",
		       web_t(rq, "Tin đến mỗi ngày theo loại (30 ngày)",
			     "Messages per day by intent (30 days)"))) < 0 ||
	    (r = web_svg_chart(c, web_t(rq, "Biểu đồ tin đến", "Chart of inbound messages"), b)) < 0 ||
	    (r = web_svg_legend(c, b)) < 0)
		goto out;
	r = buf_adds(b, "</section>");
out:
	free(c);
	return r;
}

static int top_programs(struct web_req *rq, struct buf *b, int64_t since)
{
	sqlite3_stmt *st;
	int r, n = 0, max = 0;

	if ((r = db_prepare(rq->db, "SELECT i.ref_code, count(*), coalesce(p.title_vi, ''),"
				    " coalesce(nullif(p.title_en, ''), p.title_vi, ''), coalesce(p.needs_check, 0)"
				    " FROM inbox i LEFT JOIN programs p ON p.code = i.ref_code"
				    " WHERE i.intent IN ('policy', 'eligibility') AND i.ref_code <> ''"
				    " AND i.stored_at >= ? GROUP BY i.ref_code ORDER BY 2 DESC, 1 LIMIT ?",
			    &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int(st, 2, TOP_PROGRAMS);
	if ((r = web_h(b, "<section class=\"card\" id=\"top-programs\"><h2>%s</h2><ul class=\"plain\">",
		       web_t(rq, "Chính sách được hỏi nhiều nhất (30 ngày)",
			     "Programs asked about most (30 days)"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		int count = sqlite3_column_int(st, 1);

		if (max == 0)
			max = count;
		if ((r = web_h(b, "<li><a href=\"/programs/%.*s\">%s</a> %s%.*s <b>%d</b><br>"
				  "<meter min=\"0\" max=\"%d\" value=\"%d\"></meter></li>",
			       WEB_URL, db_col_text(st, 0), db_col_text(st, 0),
			       db_col_text(st, rq->en ? 3 : 2),
			       WEB_RAW, sqlite3_column_int(st, 4) ? " <span class=\"tag warn\">!</span>" : "",
			       count, max, count)) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	if (!n && (r = web_h(b, "<li class=\"muted\">%s</li>", web_t(rq, "Chưa có.", "None yet."))) < 0)
		goto out;
	r = buf_adds(b, "</ul></section>");
out:
	sqlite3_reset(st);
	return r;
}

static int open_referrals(struct web_req *rq, struct buf *b)
{
	sqlite3_stmt *st;
	char when[24], local[32];
	int r, n = 0;

	if ((r = db_prepare(rq->db, "SELECT r.id, r.phone, r.status, r.created_at, j.id, j.title"
				    " FROM referrals r JOIN jobs j ON j.id = r.job_id"
				    " WHERE r.status IN ('new', 'contacted') AND " SCOPE_JOB("j")
				    " ORDER BY r.created_at DESC LIMIT ?4", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	sqlite3_bind_int(st, 4, LIST_MAX);
	if ((r = web_h(b, "<section class=\"card\" id=\"referrals\"><h2>%s</h2><ul class=\"plain\">",
		       web_t(rq, "Người ứng tuyển đang chờ", "Open referrals"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		web_fmt_time(rq, sqlite3_column_int64(st, 3), when, sizeof(when));
		referrals_local_phone(db_col_text(st, 1), local, sizeof(local));
		if ((r = web_h(b, "<li>%s <span class=\"tag\">%s</span> → <a href=\"/jobs/%lld\">%s</a>"
				  " <span class=\"muted\">%s</span></li>",
			       local, web_referral_label(rq, db_col_text(st, 2)),
			       (long long)sqlite3_column_int64(st, 4), db_col_text(st, 5), when)) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	if (!n && (r = web_h(b, "<li class=\"muted\">%s</li>", web_t(rq, "Không có.", "None."))) < 0)
		goto out;
	r = buf_adds(b, "</ul></section>");
out:
	sqlite3_reset(st);
	return r;
}

static int todays_appointments(struct web_req *rq, struct buf *b, const char *today)
{
	sqlite3_stmt *st;
	char local[32];
	int r, n = 0;

	if ((r = db_prepare(rq->db, "SELECT a.id, a.slot, a.status, a.phone, a.topic, a.program_code"
				    " FROM appointments a WHERE a.day = ?4"
				    " AND a.status IN ('requested', 'confirmed') AND " SCOPE_APPT("a")
				    " ORDER BY a.slot, a.id", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, today);
	if ((r = web_h(b, "<section class=\"card\" id=\"appointments\"><h2>%s</h2><ul class=\"plain\">",
		       web_t(rq, "Lịch hẹn hôm nay", "Today's appointments"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		referrals_local_phone(db_col_text(st, 3), local, sizeof(local));
		if ((r = web_h(b, "<li><b>%s</b> %s <span class=\"tag %.*s\">%s</span> %s %s</li>",
			       db_col_text(st, 1), local,
			       WEB_RAW, strcmp(db_col_text(st, 2), "confirmed") == 0 ? "ok" : "warn",
			       db_col_text(st, 2), db_col_text(st, 5), db_col_text(st, 4))) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	if (!n && (r = web_h(b, "<li class=\"muted\">%s</li>", web_t(rq, "Không có.", "None."))) < 0)
		goto out;
	r = web_h(b, "</ul><p><a href=\"/appointments\">%s</a></p></section>",
		  web_t(rq, "Xem lịch", "Open the calendar"));
out:
	sqlite3_reset(st);
	return r;
}

int web_page_dashboard(struct web_req *rq, struct web_resp *rs)
{
	struct buf *b = &rs->body;
	char today[CALENDAR_DAY_LEN];
	int64_t dayno, checks = 0;
	time_t day_start;
	int minute, r;

	calendar_local_day(rq->now, rq->cfg->office.utc_offset_min, &dayno, &minute);
	calendar_day_str(dayno, today);
	day_start = (time_t)(dayno * 86400 - (int64_t)rq->cfg->office.utc_offset_min * 60);
	if ((r = db_query_int64(rq->db, "SELECT count(*) FROM programs WHERE needs_check", &checks)) < 0)
		return r;
	if ((r = web_page_begin(rq, rs, web_t(rq, "Tổng quan", "Dashboard"), "dash")) < 0)
		return r;
	if (checks && (r = web_h(b, "<p class=\"notice warn\"><a href=\"/programs?check=1\">%lld %s</a></p>",
				 (long long)checks, web_t(rq, "chính sách cần kiểm tra lại nội dung",
					       "programs need their facts checked"))) < 0)
		return r;
	if ((r = buf_adds(b, "<div class=\"grid\">")) < 0 || (r = web_modems_card(rq, b, day_start)) < 0 ||
	    (r = queue_card(rq, b, day_start)) < 0 || (r = content_card(rq, b)) < 0 ||
	    (r = buf_adds(b, "</div>")) < 0 ||
	    (r = chart_card(rq, b, dayno)) < 0 || (r = buf_adds(b, "<div class=\"grid\">")) < 0 ||
	    (r = top_programs(rq, b, (int64_t)day_start - (CHART_DAYS - 1) * 86400LL)) < 0 ||
	    (r = open_referrals(rq, b)) < 0 || (r = todays_appointments(rq, b, today)) < 0 ||
	    (r = buf_adds(b, "</div>")) < 0)
		return r;
	return web_page_end(rq, rs);
}
