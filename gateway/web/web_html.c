#include "gateway/web/web_html.h"

#include <stdarg.h>
#include <string.h>

#include "common/gw_err.h"

int web_html_esc(struct buf *b, const char *s)
{
	int r = 0;

	for (const char *p = s ? s : ""; *p && r == 0; p++) {
		size_t plain = strcspn(p, "&<>\"'");

		if (plain) {
			r = buf_add(b, p, plain);
			p += plain - 1;
			continue;
		}
		switch (*p) {
		case '&': r = buf_adds(b, "&amp;"); break;
		case '<': r = buf_adds(b, "&lt;"); break;
		case '>': r = buf_adds(b, "&gt;"); break;
		case '"': r = buf_adds(b, "&quot;"); break;
		default: r = buf_adds(b, "&#39;"); break;
		}
	}
	return r;
}

int web_url_enc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && r == 0; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			r = buf_addch(b, (char)*p);
		} else if ((r = buf_addch(b, '%')) == 0 && (r = buf_addch(b, hex[*p >> 4])) == 0) {
			r = buf_addch(b, hex[*p & 15]);
		}
	}
	return r;
}

/* One %.*s: the mode decides what becomes of s. */
static int add_mode(struct buf *b, int mode, const char *s)
{
	int r = GW_ERR_INVAL; /* a real precision, or a mode we do not know: our bug */

	if (mode == WEB_RAW)
		r = buf_adds(b, s ? s : "");
	else if (mode == WEB_URL)
		r = web_url_enc(b, s);
	return r;
}

int web_h(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r = 0;

	va_start(ap, fmt);
	while (*fmt && r == 0) {
		size_t plain = strcspn(fmt, "%"), len = 2;

		if (plain) {
			r = buf_add(b, fmt, plain);
			fmt += plain;
			continue;
		}
		if (fmt[1] == 's') {
			r = web_html_esc(b, va_arg(ap, const char *));
		} else if (fmt[1] == 'd') {
			r = buf_addf(b, "%d", va_arg(ap, int));
		} else if (fmt[1] == '%') {
			r = buf_addch(b, '%');
		} else if (strncmp(fmt + 1, "lld", 3) == 0) {
			r = buf_addf(b, "%lld", va_arg(ap, long long));
			len = 4;
		} else if (strncmp(fmt + 1, ".*s", 3) == 0) {
			int mode = va_arg(ap, int);

			r = add_mode(b, mode, va_arg(ap, const char *));
			len = 4;
		} else {
			r = GW_ERR_INVAL; /* a wrong format is our bug: fail loudly */
		}
		fmt += len;
	}
	va_end(ap);
	return r;
}

const char *web_t(const struct web_req *rq, const char *vi, const char *en)
{
	return rq && rq->en ? en : vi;
}

static const struct {
	const char *key, *href, *vi, *en;
} nav_items[] = {
	{ "dash", "/", "Tổng quan", "Dashboard" },
	{ "programs", "/programs", "Chính sách", "Programs" },
	{ "jobs", "/jobs", "Việc làm", "Jobs" },
	{ "appts", "/appointments", "Lịch hẹn", "Appointments" },
	{ "inbox", "/inbox", "Tin đến", "Inbox" },
	{ "contacts", "/contacts", "Người dân", "Contacts" },
};

int web_page_begin(struct web_req *rq, struct web_resp *rs, const char *title, const char *nav)
{
	struct buf *b = &rs->body;
	struct buf back, refresh;
	int r;

	buf_init(&back, WEB_URL_MAX * 3);
	buf_init(&refresh, 80);
	/* a progress page reloads itself: no script needed (the CSP allows
	 * no inline script anyway) */
	if (rs->refresh > 0 &&
	    (r = buf_addf(&refresh, "<meta http-equiv=\"refresh\" content=\"%d\">", rs->refresh)) < 0)
		goto out;
	/* the language switch comes back to this page (GET only: a form's
	 * answer page has nothing to come back to) */
	if ((r = web_url_enc(&back, rq->post ? "/" : rq->path)) < 0)
		goto out;
	if ((r = web_h(b, "<!DOCTYPE html>\n<html lang=\"%.*s\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">%.*s"
		       "<title>%s · %s</title>"
		       "<link rel=\"stylesheet\" href=\"/static/app.css\">"
		       "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">"
		       "<script src=\"/static/app.js\" defer></script></head><body>\n"
		       "<header class=\"top\"><a class=\"brand\" href=\"/\">%s</a>",
		       WEB_RAW, rq->en ? "en" : "vi", WEB_RAW, refresh.data, title, web_t(rq, "Cổng SMS", "SMS gateway"),
		       web_t(rq, "Cổng SMS", "SMS gateway"))) < 0)
		goto out;
	if (rq->logged_in) {
		if ((r = buf_adds(b, "<nav>")) < 0)
			goto out;
		for (size_t i = 0; i < sizeof(nav_items) / sizeof(nav_items[0]); i++)
			if ((r = web_h(b, "<a href=\"%.*s\"%.*s>%s</a>", WEB_RAW, nav_items[i].href,
				       WEB_RAW, nav && strcmp(nav, nav_items[i].key) == 0 ? " class=\"on\"" : "",
				       web_t(rq, nav_items[i].vi, nav_items[i].en))) < 0)
				goto out;
		if ((r = buf_adds(b, "</nav>")) < 0)
			goto out;
	}
	if ((r = web_h(b, "<div class=\"who\"><a class=\"lang\" href=\"/lang?to=%.*s&amp;next=%.*s\">%s</a>",
		       WEB_RAW, rq->en ? "vi" : "en", WEB_RAW, back.data,
		       rq->en ? "Tiếng Việt" : "English")) < 0)
		goto out;
	if (rq->logged_in &&
	    ((r = web_h(b, "<span class=\"acct\">%s (%s%s%s)</span>"
			   "<form method=\"post\" action=\"/logout\" class=\"inline\">",
			rq->acct.name, rq->acct.admin ? web_t(rq, "quản trị", "admin")
						      : web_t(rq, "cán bộ", "officer"),
			*rq->acct.commune ? ", " : "", rq->acct.commune)) < 0 ||
	     (r = web_csrf_field(rq, b)) < 0 ||
	     (r = web_h(b, "<button type=\"submit\" class=\"link\" id=\"logout\">%s</button></form>",
			web_t(rq, "Đăng xuất", "Log out"))) < 0))
		goto out;
	r = web_h(b, "</div></header>\n<main>\n<h1>%s</h1>\n", title);
	if (r == 0)
		r = web_flash(rq, b);
out:
	buf_release(&refresh);
	buf_release(&back);
	return r;
}

int web_page_end(struct web_req *rq, struct web_resp *rs)
{
	return web_h(&rs->body, "</main>\n<footer>%s %s</footer>\n</body></html>\n",
		     web_t(rq, "Cổng SMS thông tin chính sách · phiên bản",
			   "Policy information SMS gateway · version"),
		     GW_VERSION);
}

int web_csrf_field(const struct web_req *rq, struct buf *b)
{
	return web_h(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf);
}

int web_notice(struct buf *b, const char *kind, const char *text)
{
	return web_h(b, "<p class=\"notice %s\" role=\"%.*s\">%s</p>\n", kind,
		     WEB_RAW, strcmp(kind, "err") == 0 ? "alert" : "status", text);
}

int web_error(struct web_req *rq, struct web_resp *rs, unsigned status, const char *vi,
	      const char *en)
{
	int r;

	buf_reset(&rs->body);
	rs->status = status;
	rs->location[0] = '\0';
	if ((r = web_page_begin(rq, rs, web_t(rq, "Không thực hiện được", "Not possible"), "")) < 0)
		return r;
	if ((r = web_notice(&rs->body, "err", web_t(rq, vi, en))) < 0)
		return r;
	if ((r = web_h(&rs->body, "<p><a href=\"/\">%s</a></p>",
		       web_t(rq, "Về trang tổng quan", "Back to the dashboard"))) < 0)
		return r;
	return web_page_end(rq, rs);
}

static const struct {
	const char *key, *vi, *en;
} flashes[] = {
	{ "saved", "Đã lưu.", "Saved." },
	{ "nochange", "Không có gì thay đổi.", "Nothing changed." },
	{ "reverted", "Đã khôi phục phiên bản cũ (thành phiên bản mới).",
	  "The old version was restored (as a new version)." },
	{ "posted", "Đã đăng tin việc làm.", "The job offer is posted." },
	{ "closed", "Đã đóng tin; các tin nhắn quảng bá chưa gửi đã hủy.",
	  "The offer is closed; broadcast messages not yet sent are cancelled." },
	{ "queued", "Đã xếp hàng gửi; máy chủ sẽ gửi dần theo quy định giờ yên tĩnh và giới hạn mỗi ngày.",
	  "Queued; the daemon sends it at the modem's pace, respecting quiet hours and the daily cap." },
	{ "status", "Đã cập nhật trạng thái.", "Status updated." },
	{ "confirmed", "Đã xác nhận; người dân sẽ nhận tin nhắn.",
	  "Confirmed; the household is told by SMS." },
	{ "declined", "Đã từ chối; người dân sẽ nhận tin nhắn.",
	  "Declined; the household is told by SMS." },
	{ "cancelled", "Đã hủy; người dân sẽ nhận tin nhắn.",
	  "Cancelled; the household is told by SMS." },
	{ "moved", "Đã dời lịch và xác nhận; người dân sẽ nhận tin nhắn.",
	  "Moved and confirmed; the household is told by SMS." },
	{ "answered", "Đã xếp tin trả lời vào hàng gửi.", "The answer is queued for sending." },
	{ "optedout", "Đã ngừng gửi tin quảng bá cho số này.", "Broadcasts to this number are stopped." },
	{ "unsubscribed", "Đã xóa đăng ký.", "Subscription removed." },
	{ "calendar", "Đã lưu lịch làm việc.", "Office calendar saved." },
	{ "placed", "Đã đặt xã cho hộ này.", "The household's commune is set." },
	{ "attended", "Đã đánh dấu: không cần trả lời thêm.", "Marked as needing no further answer." },
};

int web_flash(const struct web_req *rq, struct buf *b)
{
	const char *key = web_form_get(&rq->query, "ok");

	if (!key || rq->post)
		return 0;
	for (size_t i = 0; i < sizeof(flashes) / sizeof(flashes[0]); i++)
		if (strcmp(key, flashes[i].key) == 0)
			return web_notice(b, "ok", web_t(rq, flashes[i].vi, flashes[i].en));
	return 0;
}

int web_list_end(const struct web_req *rq, struct buf *b, int r, int n, const char *close)
{
	if (r < 0)
		return r;
	if (!n && (r = web_h(b, "<li class=\"muted\">%s</li>", web_t(rq, "Không có.", "None."))) < 0)
		return r;
	return buf_adds(b, close);
}

int web_table_begin(const struct web_req *rq, struct buf *b, const char *id, ...)
{
	const char *vi, *en;
	va_list ap;
	int r;

	va_start(ap, id);
	r = web_h(b, "<div class=\"tbl\"><table id=\"%s\"><thead><tr>", id);
	while (r == 0 && (vi = va_arg(ap, const char *)) != NULL) {
		en = va_arg(ap, const char *);
		r = web_h(b, "<th>%s</th>", web_t(rq, vi, en));
	}
	va_end(ap);
	return r < 0 ? r : buf_adds(b, "</tr></thead><tbody>");
}

int web_option(struct buf *b, const char *value, const char *label, const char *current)
{
	return web_h(b, "<option value=\"%s\"%.*s>%s</option>", value,
		     WEB_RAW, current && strcmp(current, value) == 0 ? " selected" : "", label);
}
