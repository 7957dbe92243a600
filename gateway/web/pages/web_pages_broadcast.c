/* Broadcasting an offer to its subscribers, and the progress of every
 * broadcast: who gets it, how many SMS, what it costs (sms.part_price)
 * and when it will have gone (broadcast_eta.h), in plain words; no "Gửi"
 * when nobody would get it; the list reloads itself (a meta refresh,
 * no script) while a broadcast is still going out.
 *
 * The preview is the real queueing (broadcast_queue_job, handlers/
 * broadcast.h) run inside a transaction that is rolled back: the number of
 * recipients, the message, who has already had today's cap and the
 * estimated finish are exactly what sending would give, by the same code.
 * It holds the write lock as long as queueing does (about a second for
 * 100,000 subscribers), so it runs only when asked for, never on a list.
 * An officer's broadcast reaches only their commune's households and names
 * no other area (403, audited): the same rule as by SMS (scope.h). */
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"
#include "handlers/core/reply.h"
#include "handlers/features/broadcast.h"
#include "handlers/features/jobs.h"
#include "handlers/features/jobs_filter.h"

#define AREA_MAX 64
#define LIST_LIMIT 50
#define REFRESH_SECONDS 15

struct dry_run {
	int recipients;
	int capped;          /* recipients already at broadcast.daily_cap today */
	struct broadcast_progress p;
};

/* Queue and roll back. GW_ERR_INVAL: closed offer or unknown type. */
static int dry_run(struct web_req *rq, int64_t job, const char *area, const char *type,
		   struct dry_run *out)
{
	time_t day = broadcast_day_start(rq->cfg, rq->now);
	sqlite3_stmt *st;
	int64_t id = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = db_begin(rq->db)) < 0)
		goto out;
	if ((r = broadcast_queue_job(rq->db, rq->cfg, job, area, type, &rq->acct, rq->acct.phone, rq->now,
				     &id, &out->recipients)) < 0 ||
	    (r = broadcast_progress(rq->db, rq->cfg, id, rq->now, &out->p)) < 0)
		goto out;
	if (rq->cfg->broadcast.daily_cap > 0) {
		if ((r = db_prepare(rq->db, "SELECT count(*) FROM outbox o WHERE o.broadcast_id = ?1 AND"
					    " (SELECT count(*) FROM outbox x WHERE x.phone = o.phone"
					    "  AND x.kind = 'broadcast' AND x.status IN ('sent', 'sending')"
					    "  AND x.sent_at >= ?2) >= ?3", &st)) < 0)
			goto out;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)day);
		sqlite3_bind_int(st, 3, rq->cfg->broadcast.daily_cap);
		if ((r = db_step(st)) == DB_ROW)
			out->capped = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	db_rollback(rq->db);
	return r;
}

static int job_of_path(struct web_req *rq, struct web_resp *rs, struct job *j, int *done)
{
	char seg[24];
	int64_t id = 0;
	int v;

	*done = 1;
	if (web_path_segment(rq->path, "/jobs/", seg, sizeof(seg), NULL) < 0 || web_parse_id(seg, &id) < 0)
		return web_error(rq, rs, 404, "Không có tin này.", "No such offer.");
	if ((v = scope_job(rq->db, &rq->acct, id)) != 0)
		return web_scope_refused(rq, rs, v);
	*done = 0;
	return jobs_get(rq->db, id, j);
}

/* Who gets it, what it costs, when it will have gone, in plain words. */
static int preview_figures(struct web_req *rq, struct buf *b, const struct dry_run *d, int parts)
{
	const struct broadcast_eta *e = &d->p.est;
	char start[WEB_TIME_LEN], finish[WEB_TIME_LEN], qs[WEB_TIME_LEN], qe[WEB_TIME_LEN];
	long long total = (long long)d->recipients * parts;
	struct buf cost, rate;
	int r;

	buf_init(&cost, 64);
	buf_init(&rate, 32);
	web_fmt_soon(rq, e->start, start, sizeof(start));
	/* the finish with every limit, the SIMs' own too (broadcast_progress) */
	web_fmt_soon(rq, d->p.eta, finish, sizeof(finish));
	web_fmt_hhmm(rq, rq->cfg->broadcast.quiet_start, qs, sizeof(qs));
	web_fmt_hhmm(rq, rq->cfg->broadcast.quiet_end, qe, sizeof(qe));
	if ((r = web_fmt_amount(rq, total * rq->cfg->sms.part_price, &cost)) < 0 ||
	    (r = buf_addf(&rate, d->p.per_min < 10 ? "%.1f" : "%.0f", d->p.per_min)) < 0)
		goto out;
	if ((r = web_h(b, "<section class=\"card\" id=\"bc-preview\"><h2>%s</h2><ul class=\"plain\">"
			  "<li>%s: <b id=\"bc-recipients\">%d</b> %s</li>"
			  "<li>%s: <b id=\"bc-parts\">%lld</b> SMS (%d SMS × %d %s)</li>"
			  "<li>%s: <b id=\"bc-cost\">%s %s</b> <span class=\"muted\">(%d %s %s)</span></li>",
		       web_t(rq, "Nếu gửi bây giờ", "If sent now"), web_t(rq, "Người nhận", "Recipients"),
		       d->recipients, web_t(rq, "hộ (đã đăng ký, chưa ngừng nhận, chưa nhận tin này)",
					    "households (subscribed, not opted out, not sent this offer before)"),
		       web_t(rq, "Tổng số tin", "SMS in all"), total, parts, d->recipients,
		       web_t(rq, "người", "people"), web_t(rq, "Chi phí", "Cost"), cost.data,
		       web_t(rq, "đồng", "dong"), rq->cfg->sms.part_price, web_t(rq, "đồng", "dong"),
		       web_t(rq, "một SMS", "an SMS"))) < 0)
		goto out;
	if (d->recipients &&
	    (r = web_h(b, "<li>%s <b id=\"bc-start\">%s</b>, %s <b id=\"bc-finish\">%s</b>"
			  " <span class=\"muted\">(%s %s %s)</span></li>",
		       web_t(rq, "Bắt đầu gửi", "Sending starts"), start,
		       web_t(rq, "gửi xong khoảng", "done about"), finish,
		       web_t(rq, "khoảng", "about"), rate.data,
		       d->p.measured ? web_t(rq, "tin một phút", "a minute")
				     : web_t(rq, "tin một phút, ước tính", "a minute, estimated"))) < 0)
		goto out;
	if (d->recipients && (r = web_h(b, "<li class=\"muted\">%s %s–%s%.*s</li>",
					web_t(rq, "Không gửi ban đêm, từ", "Nothing goes at night, from"), qs, qe,
					WEB_RAW, e->quiet ? web_t(rq, ": việc gửi phải chờ qua giờ này.",
								  ": sending waits through them.")
							  : ".")) < 0)
		goto out;
	if (d->recipients && d->capped > 0 &&
	    (r = web_h(b, "<li>%d %s %d %s %d %s</li>", d->capped,
		       web_t(rq, "người đã nhận đủ", "people already had"), rq->cfg->broadcast.daily_cap,
		       web_t(rq, "tin quảng bá hôm nay nên sẽ nhận vào ngày mai; còn", "broadcasts today and get theirs tomorrow;"),
		       d->recipients - d->capped, web_t(rq, "người nhận trong hôm nay.", "get it today."))) < 0)
		goto out;
	if (d->recipients && d->p.needs_link &&
	    (r = web_h(b, "<li class=\"notice warn\">%s</li>",
		       web_t(rq, "Quá số tin giống nhau các SIM được gửi trong một ngày: sẽ gửi trong nhiều ngày.",
			     "More than the SIMs may send of one text in a day: it takes several days."))) < 0)
		goto out;
	if (d->recipients && e->sim_limited &&
	    (r = web_h(b, "<li>%s</li>", web_t(rq, "Nhà mạng giới hạn số tin giống nhau mỗi SIM gửi, nên gửi chậm hơn.",
					       "The operator limits identical messages a SIM sends, so it goes slower."))) < 0)
		goto out;
	r = buf_adds(b, "</ul>");
out:
	buf_release(&cost);
	buf_release(&rate);
	return r;
}

int web_page_broadcast_preview(struct web_req *rq, struct web_resp *rs)
{
	const char *area = web_form_str(&rq->query, "area"), *type = web_form_str(&rq->query, "type");
	struct buf *b = &rs->body, text, title;
	struct dry_run d;
	struct job j;
	int done = 0, parts = 0, ucs2 = 0, r;

	buf_init(&text, 4096);
	buf_init(&title, 512);
	if ((r = job_of_path(rq, rs, &j, &done)) < 0 || done)
		goto out;
	if (strlen(area) > AREA_MAX || strlen(type) > AREA_MAX) {
		r = web_error(rq, rs, 400, "Nơi hoặc loại việc quá dài.", "Area or type too long.");
		goto out;
	}
	if ((r = web_h(&title, "%s: %s", web_t(rq, "Gửi quảng bá", "Broadcast"), j.title)) < 0 ||
	    (r = web_page_begin(rq, rs, title.data, "jobs")) < 0 || (r = jobs_broadcast_text(&j, &text)) < 0 ||
	    (r = reply_measure(text.data, &parts, &ucs2)) < 0)
		goto out;
	if ((r = web_h(b, "<p><a href=\"/jobs/%lld\">← %s</a></p><h2>%s</h2><div class=\"sms\" id=\"bc-text\">%s"
			  "<span class=\"meta\">%d SMS · %.*s</span></div>"
			  "<form method=\"get\" action=\"/jobs/%lld/broadcast\" class=\"row\">"
			  "<label>%s<input type=\"text\" name=\"area\" value=\"%s\" placeholder=\"%s\"></label>"
			  "<label>%s<input type=\"text\" name=\"type\" value=\"%s\" placeholder=\"may, kho, xkld\"></label>"
			  "<button type=\"submit\" class=\"second\">%s</button></form>",
		       (long long)j.id, web_t(rq, "Về tin việc", "Back to the offer"),
		       web_t(rq, "Tin nhắn người đăng ký nhận", "The message subscribers get"),
		       text.data, parts, WEB_RAW, web_encoding_label(rq, ucs2), (long long)j.id,
		       web_t(rq, "Chỉ nơi", "Only area"), area,
		       web_t(rq, "trống = nơi của tin", "empty = the offer's places"),
		       web_t(rq, "Chỉ loại việc", "Only type"), type,
		       web_t(rq, "Tính lại", "Recount"))) < 0)
		goto out;
	r = dry_run(rq, j.id, area, type, &d);
	if (r == GW_ERR_AUTH) { /* an area outside the commune */
		r = web_scope_refused(rq, rs, r);
		goto out;
	}
	if (r == GW_ERR_INVAL) {
		r = web_notice(b, "err", web_t(rq, "Tin đã đóng hoặc quá hạn, hoặc loại việc không có.",
					       "The offer is closed or past its deadline, or the type is unknown."));
		if (r == 0)
			r = web_page_end(rq, rs);
		goto out;
	}
	if (r < 0)
		goto out;
	if ((r = preview_figures(rq, b, &d, parts)) < 0)
		goto out;
	if (!d.recipients) {
		/* nothing to send: no button to send it */
		r = web_h(b, "<p class=\"notice warn\" id=\"bc-nobody\">%s</p></section>",
			  web_t(rq, "Không có ai để gửi: chưa ai đăng ký nhận loại tin này ở nơi này, hoặc họ đã nhận"
				    " tin này rồi. Hãy thử nơi khác hoặc bỏ trống loại việc.",
				    "Nobody to send to: nobody subscribed to this here, or they all had it already."
				    " Try another area, or leave the type empty."));
		if (r < 0)
			goto out;
	} else if ((r = web_h(b, "<form method=\"post\" action=\"/jobs/%lld/broadcast\">",
			      (long long)j.id)) < 0 ||
		   (r = web_csrf_field(rq, b)) < 0 ||
		   (r = web_h(b, "<input type=\"hidden\" name=\"area\" value=\"%s\"><input type=\"hidden\""
				 " name=\"type\" value=\"%s\"><button type=\"submit\" id=\"bc-send\" data-confirm=\"%s\">"
				 "%s</button></form></section>",
			      area, type, web_t(rq, "Gửi cho tất cả người nhận?", "Send to every recipient?"),
			      web_t(rq, "Gửi", "Send"))) < 0) {
		goto out;
	}
	r = web_page_end(rq, rs);
out:
	buf_release(&text);
	buf_release(&title);
	return r;
}

int web_page_broadcast_send(struct web_req *rq, struct web_resp *rs)
{
	const char *area = web_form_str(&rq->form, "area"), *type = web_form_str(&rq->form, "type");
	char actor[64];
	struct buf target, detail;
	struct job j;
	int64_t id = 0;
	int done = 0, n = 0, r;

	buf_init(&target, 64);
	buf_init(&detail, 256);
	if ((r = job_of_path(rq, rs, &j, &done)) < 0 || done)
		goto out;
	if (strlen(area) > AREA_MAX || strlen(type) > AREA_MAX) {
		r = web_error(rq, rs, 400, "Nơi hoặc loại việc quá dài.", "Area or type too long.");
		goto out;
	}
	web_actor(rq, actor, sizeof(actor));
	if ((r = db_begin(rq->db)) < 0)
		goto out;
	r = broadcast_queue_job(rq->db, rq->cfg, j.id, area, type, &rq->acct, rq->acct.phone, rq->now, &id,
				&n);
	if (r == GW_ERR_AUTH) { /* an area outside the commune */
		db_rollback(rq->db);
		r = web_scope_refused(rq, rs, r);
		goto out;
	}
	if (r == GW_ERR_INVAL) {
		db_rollback(rq->db);
		r = web_error(rq, rs, 409, "Tin đã đóng hoặc quá hạn, hoặc loại việc không có.",
			      "The offer is closed or past its deadline, or the type is unknown.");
		goto out;
	}
	if (r < 0 || (r = buf_addf(&target, "broadcast %lld", (long long)id)) < 0 ||
	    (r = buf_addf(&detail, "job %s: %d recipients", j.code, n)) < 0 ||
	    (r = audit_write(rq->db, time(NULL), actor, "broadcast", target.data, detail.data)) < 0 ||
	    (r = db_commit(rq->db)) < 0)
		goto out;
	r = web_redirect(rs, "/broadcasts?ok=queued");
out:
	db_rollback(rq->db);
	buf_release(&target);
	buf_release(&detail);
	return r;
}

/* Progress in plain words: "Đã gửi 15 trên 34 người · còn 19 · xong
 * khoảng hôm nay 10h15". */
static int progress_words(struct web_req *rq, const struct broadcast_progress *p, struct buf *out)
{
	char eta[WEB_TIME_LEN];
	int r;

	if ((r = web_h(out, "%s <b>%d</b> %s %d %s", web_t(rq, "Đã gửi", "Sent"), p->sent,
		       web_t(rq, "trên", "of"), p->recipients, web_t(rq, "người", "people"))) < 0)
		return r;
	if (p->failed && (r = web_h(out, " · <span class=\"tag err\">%d %s</span>", p->failed,
				    web_t(rq, "gửi lỗi", "failed"))) < 0)
		return r;
	if (p->cancelled && (r = web_h(out, " · %d %s", p->cancelled,
				       web_t(rq, "không gửi nữa (ngừng nhận hoặc tin đã đóng)",
					     "not sent (opted out, or the offer closed)"))) < 0)
		return r;
	if (!p->queued)
		return web_h(out, " · <span class=\"tag ok\">%s</span>", web_t(rq, "đã xong", "done"));
	web_fmt_soon(rq, p->eta, eta, sizeof(eta));
	if ((r = web_h(out, " · %s %d · %s <b>%s</b>", web_t(rq, "còn", "left"), p->queued,
		       web_t(rq, "xong khoảng", "done about"), eta)) < 0)
		return r;
	if (p->deferred &&
	    (r = web_h(out, " · %d %s", p->deferred, web_t(rq, "người nhận vào ngày mai (đã đủ tin hôm nay)",
							   "get it tomorrow (had enough today)"))) < 0)
		return r;
	return 0;
}

int web_page_broadcasts(struct web_req *rq, struct web_resp *rs)
{
	struct {
		int64_t id, job, at;
		char text[200];
	} rows[LIST_LIMIT];
	struct broadcast_progress prog[LIST_LIMIT];
	struct buf *b = &rs->body, line;
	sqlite3_stmt *st;
	char when[WEB_TIME_LEN];
	size_t n = 0;
	int going = 0, r;

	buf_init(&line, 512);
	/* rows first: broadcast_progress prepares statements of its own */
	if ((r = db_prepare(rq->db, "SELECT b.id, coalesce(b.job_id, 0), b.created_at, b.text FROM broadcasts b"
				    " WHERE " SCOPE_BROADCAST("b") " ORDER BY b.id DESC LIMIT ?4", &st)) < 0)
		goto out;
	scope_bind(st, &rq->acct);
	sqlite3_bind_int(st, 4, LIST_LIMIT);
	while ((r = db_step(st)) == DB_ROW && n < LIST_LIMIT) {
		rows[n].id = sqlite3_column_int64(st, 0);
		rows[n].job = sqlite3_column_int64(st, 1);
		rows[n].at = sqlite3_column_int64(st, 2);
		if (gw_strlcpy(rows[n].text, db_col_text(st, 3), sizeof(rows[n].text)) < 0)
			gw_strlcpy(rows[n].text, "…", sizeof(rows[n].text));
		n++;
	}
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n && r >= 0; i++)
		if ((r = broadcast_progress(rq->db, rq->cfg, rows[i].id, rq->now, &prog[i])) == 0 && prog[i].queued)
			going++;
	if (r < 0)
		goto out;
	/* while something is still going out, the page follows it by itself */
	rs->refresh = going ? REFRESH_SECONDS : 0;
	if ((r = web_page_begin(rq, rs, web_t(rq, "Tin quảng bá", "Broadcasts"), "jobs")) < 0 ||
	    (going && (r = web_h(b, "<p class=\"muted\" id=\"bc-refresh\">%s</p>",
				 web_t(rq, "Trang tự cập nhật mỗi 15 giây.", "This page updates itself every 15 seconds."))) < 0) ||
	    (r = web_table_begin(rq, b, "broadcasts", "#", "#", "Khi nào", "When", "Tin", "Message",
				 "Tiến độ", "Progress", NULL)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct broadcast_progress p = prog[i];

		buf_reset(&line);
		web_fmt_time(rq, rows[i].at, when, sizeof(when));
		if ((r = progress_words(rq, &p, &line)) < 0)
			goto out;
		if ((r = web_h(b, "<tr><td>%lld</td><td>%s</td><td>%s%.*s", (long long)rows[i].id, when,
			       rows[i].text, WEB_RAW, rows[i].job ? " " : "")) < 0 ||
		    (rows[i].job && (r = web_h(b, "<a href=\"/jobs/%lld\">%s %lld</a>",
					       (long long)rows[i].job, web_t(rq, "việc", "job"),
					       (long long)rows[i].job)) < 0) ||
		    (r = web_h(b, "</td><td class=\"progress\">%.*s<br><meter min=\"0\" max=\"%d\" value=\"%d\"></meter></td></tr>",
			       WEB_RAW,
			       line.data, p.recipients > 0 ? p.recipients : 1,
			       p.sent + p.failed + p.cancelled)) < 0)
			goto out;
	}
	if (!n && (r = web_h(b, "<tr><td colspan=\"4\" class=\"muted\">%s</td></tr>",
			     web_t(rq, "Chưa có tin quảng bá.", "No broadcasts yet."))) < 0)
		goto out;
	if ((r = buf_adds(b, WEB_TABLE_END)) < 0)
		goto out;
	r = web_page_end(rq, rs);
out:
	buf_release(&line);
	return r;
}
