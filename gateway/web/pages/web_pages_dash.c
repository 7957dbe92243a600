/* The dashboard: what waits for this officer first (appointment
 * requests, applicants, messages whose answer was not enough, households
 * whose commune is not known yet), then today's figures for the
 * households she sees, what people ask, and last the modem's details and
 * which content from the hub the box answers with.
 *
 * Every count and list is filtered by the account's scope (scope.h); the
 * modems card (web_pages_modems.c), the queues and the chart are
 * gateway-wide (no numbers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "gateway/hub/hub_state.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"
#include "gateway/web/web_svg.h"
#include "handlers/features/attention.h"
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

/* The n counts of a one-row statement (then reset). */
static int counts_of(sqlite3_stmt *st, int64_t *out, int n)
{
	int r = db_step(st);

	if (r == DB_ROW)
		for (int i = 0; i < n; i++)
			out[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	return r == DB_ROW ? 0 : r < 0 ? r : GW_ERR_DB;
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
	if ((r = counts_of(st, q, 6)) < 0)
		return r;
	return web_h(b, "<section class=\"card\" id=\"queues\"><h2>%s</h2><ul class=\"plain\">"
			"<li>%s: <b>%lld</b></li><li>%s: <b>%lld</b> <a href=\"/broadcasts\">%s</a></li>"
			"<li>%s: <b>%lld</b></li><li>%s: <b>%lld</b></li><li>%s: <b>%lld</b></li>"
			"<li>%s: <b>%lld</b></li></ul></section>",
		     web_t(rq, "Hàng đợi của cả máy", "The whole box's queues"),
		     web_t(rq, "Trả lời, thông báo chờ gửi", "Replies and notices waiting"),
		     (long long)q[0], web_t(rq, "Tin quảng bá chờ gửi", "Broadcast messages waiting"),
		     (long long)q[1], web_t(rq, "tiến độ", "progress"),
		     web_t(rq, "Tin đến chưa xử lý", "Inbound not handled yet"), (long long)q[2],
		     web_t(rq, "Tin đến hôm nay", "Messages in today"), (long long)q[3],
		     web_t(rq, "Tin đã gửi hôm nay", "Messages sent today"), (long long)q[4],
		     web_t(rq, "Gửi lỗi hôm nay", "Failed today"), (long long)q[5]);
}

/* What waits for this officer, as counts that link to the lists. */
static int waiting_card(struct web_req *rq, struct buf *b, const char *today, time_t day_start)
{
	int64_t w[7] = { 0 };
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(rq->db, "SELECT"
				    " (SELECT count(*) FROM appointments a WHERE a.status = 'requested'"
				    "   AND a.day >= ?4 AND " SCOPE_APPT("a") "),"
				    " (SELECT count(*) FROM referrals r JOIN jobs j ON j.id = r.job_id"
				    "   WHERE r.status = 'new' AND " SCOPE_JOB("j") "),"
				    " (SELECT count(*) FROM inbox i WHERE i.attended_at IS NULL AND i.stored_at >= ?5"
				    "   AND gw_attention(i.text, i.intent, i.status) > 0 AND " SCOPE_PHONE("i.sender") "),"
				    " (SELECT count(DISTINCT i.sender) FROM inbox i WHERE " SCOPE_UNKNOWN("i.sender")
				    "   AND " SCOPE_PHONE("i.sender") "),"
				    " (SELECT count(*) FROM inbox i WHERE i.stored_at >= ?6 AND " SCOPE_PHONE("i.sender") "),"
				    " (SELECT count(*) FROM outbox o WHERE o.status = 'sent' AND o.sent_at >= ?6"
				    "   AND " SCOPE_PHONE("o.phone") "),"
				    " (SELECT count(*) FROM appointments a WHERE a.day = ?4"
				    "   AND a.status IN ('requested', 'confirmed') AND " SCOPE_APPT("a") ")", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, today);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)(rq->now - ATTENTION_DAYS * 86400LL));
	sqlite3_bind_int64(st, 6, (sqlite3_int64)day_start);
	if ((r = counts_of(st, w, 7)) < 0)
		return r;
	return web_h(b, "<section class=\"card waiting\" id=\"waiting\"><h2>%s</h2><ul class=\"plain\">"
			"<li><a href=\"/appointments\"><b id=\"w-appts\">%lld</b> %s</a></li>"
			"<li><a href=\"/jobs\"><b id=\"w-referrals\">%lld</b> %s</a></li>"
			"<li><a href=\"/inbox?wait=1\"><b id=\"w-messages\">%lld</b> %s</a></li>"
			"<li><a href=\"/inbox?unknown=1\"><b id=\"w-unknown\">%lld</b> %s</a></li></ul></section>"
			"<section class=\"card\" id=\"today\"><h2>%s</h2>"
			"<p><span class=\"big\" id=\"t-in\">%lld</span> %s</p>"
			"<p><span class=\"big\" id=\"t-out\">%lld</span> %s</p>"
			"<p><span class=\"big\" id=\"t-appts\">%lld</span> %s</p></section>",
		     web_t(rq, "Việc đang chờ bạn", "Waiting for you"), (long long)w[0],
		     web_t(rq, "yêu cầu lịch hẹn chờ xác nhận", "appointment requests to confirm"),
		     (long long)w[1], web_t(rq, "người ứng tuyển mới", "new applicants"), (long long)w[2],
		     web_t(rq, "tin cần cán bộ trả lời (sức khỏe, câu hỏi chưa được trả lời đúng)",
			   "messages that need an officer (health, questions not answered well)"),
		     (long long)w[3], web_t(rq, "hộ chưa rõ xã", "households whose commune is not known"),
		     web_t(rq, "Hôm nay, các hộ bạn phụ trách", "Today, your households"), (long long)w[4],
		     web_t(rq, "tin đến", "messages in"), (long long)w[5], web_t(rq, "tin đã gửi", "messages sent"),
		     (long long)w[6], web_t(rq, "lịch hẹn", "appointments"));
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
	r = web_list_end(rq, b, r, n, "</ul></section>");
out:
	sqlite3_reset(st);
	return r;
}

/* Appointment requests that wait for confirmation (from today on) and
 * today's confirmed ones, in the account's scope. */
static int appointments_card(struct web_req *rq, struct buf *b, const char *today)
{
	sqlite3_stmt *st;
	char local[32], day[WEB_TIME_LEN], slot[WEB_TIME_LEN];
	int r, n = 0;

	if ((r = db_prepare(rq->db, "SELECT a.id, a.slot, a.status, a.phone, a.topic, a.program_code, a.day"
				    " FROM appointments a WHERE ((a.day >= ?4 AND a.status = 'requested')"
				    "  OR (a.day = ?4 AND a.status = 'confirmed')) AND " SCOPE_APPT("a")
				    " ORDER BY a.day, a.slot, a.id LIMIT ?5", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, today);
	sqlite3_bind_int(st, 5, LIST_MAX);
	if ((r = web_h(b, "<section class=\"card\" id=\"appointments\"><h2>%s</h2><ul class=\"plain\">",
		       web_t(rq, "Lịch hẹn chờ xác nhận và hôm nay", "Appointments to confirm, and today's"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		referrals_local_phone(db_col_text(st, 3), local, sizeof(local));
		web_fmt_daystr(rq, db_col_text(st, 6), day, sizeof(day));
		web_fmt_hhmm(rq, db_col_text(st, 1), slot, sizeof(slot));
		if ((r = web_h(b, "<li><span class=\"when\">%s %s</span> %s <span class=\"tag %.*s\">%s</span> %s %s</li>",
			       day, slot, local,
			       WEB_RAW, strcmp(db_col_text(st, 2), "confirmed") == 0 ? "ok" : "warn",
			       web_appt_status_label(rq, db_col_text(st, 2)), db_col_text(st, 5),
			       db_col_text(st, 4))) < 0)
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

/* Messages that wait for an officer, newest first. */
static int waiting_messages(struct web_req *rq, struct buf *b)
{
	sqlite3_stmt *st;
	char local[32], when[WEB_TIME_LEN];
	int r, n = 0;

	if ((r = db_prepare(rq->db, "SELECT i.id, i.sender, i.stored_at, i.text, gw_attention(i.text, i.intent, i.status)"
				    " FROM inbox i WHERE i.attended_at IS NULL AND i.stored_at >= ?4"
				    " AND gw_attention(i.text, i.intent, i.status) > 0 AND " SCOPE_PHONE("i.sender")
				    " ORDER BY 5 DESC, i.id DESC LIMIT ?5", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)(rq->now - ATTENTION_DAYS * 86400LL));
	sqlite3_bind_int(st, 5, LIST_MAX);
	if ((r = web_h(b, "<section class=\"card\" id=\"waiting-messages\"><h2>%s</h2><ul class=\"plain\">",
		       web_t(rq, "Tin cần cán bộ trả lời", "Messages that need an officer"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		referrals_local_phone(db_col_text(st, 1), local, sizeof(local));
		web_fmt_time(rq, sqlite3_column_int64(st, 2), when, sizeof(when));
		if ((r = web_h(b, "<li><a href=\"/inbox/%lld\">%s</a> <span class=\"tag err\">%s</span>"
				  " <span class=\"muted when\">%s</span><br>%s</li>",
			       (long long)sqlite3_column_int64(st, 0), local,
			       web_attention_label(rq, sqlite3_column_int(st, 4)), when, db_col_text(st, 3))) < 0)
			goto out;
		n++;
	}
	r = web_list_end(rq, b, r, n, "</ul></section>");
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
	/* her work first, the box's machinery last */
	if ((r = buf_adds(b, "<div class=\"grid\">")) < 0 ||
	    (r = waiting_card(rq, b, today, day_start)) < 0 || (r = appointments_card(rq, b, today)) < 0 ||
	    (r = waiting_messages(rq, b)) < 0 || (r = open_referrals(rq, b)) < 0 ||
	    (r = buf_adds(b, "</div>")) < 0 || (r = chart_card(rq, b, dayno)) < 0 ||
	    (r = buf_adds(b, "<div class=\"grid\">")) < 0 ||
	    (r = top_programs(rq, b, (int64_t)day_start - (CHART_DAYS - 1) * 86400LL)) < 0 ||
	    (r = web_modems_card(rq, b, day_start)) < 0 || (r = queue_card(rq, b, day_start)) < 0 ||
	    (r = content_card(rq, b)) < 0 || (r = buf_adds(b, "</div>")) < 0)
		return r;
	return web_page_end(rq, rs);
}
