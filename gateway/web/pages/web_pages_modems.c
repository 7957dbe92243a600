/* The dashboard's modems: for each configured one, what its worker last
 * recorded (modem_status): connected, network, signal, SIM, credit,
 * whether routing sends through it (and why not), the operators it sends
 * to first, the limits in force, and what it sent today. */
#include <string.h>

#include "common/gw_err.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_words.h"

/* Why routing passes the modem over (gateway/daemon/route.h), or "". */
static const char *out_of_routing(const struct web_req *rq, sqlite3_stmt *st)
{
	const char *hold = db_col_text(st, 12);

	if (!sqlite3_column_int(st, 0))
		return web_t(rq, "mất kết nối", "not connected");
	if (sqlite3_column_int64(st, 14) < rq->now)
		return web_t(rq, "đang kẹt trong một lệnh", "stuck in one modem call");
	if (strcmp(hold, "no credit") == 0)
		return web_t(rq, "hết tiền", "no credit");
	if (*hold && sqlite3_column_int64(st, 13) > rq->now)
		return web_t(rq, "bị nhà mạng chặn", "barred by the network");
	return "";
}

static int limits_item(struct web_req *rq, struct buf *b, sqlite3_stmt *st)
{
	int l5 = sqlite3_column_int(st, 15), lh = sqlite3_column_int(st, 16),
	    ld = sqlite3_column_int(st, 17), pd = sqlite3_column_int(st, 18);

	return web_h(b, "<li>%s: %d / 5 %s, %d / %s, %d / 24 h; %s %d / %s "
			"<span class=\"muted\">(0 = %s)</span></li>",
		     web_t(rq, "Giới hạn cùng nội dung", "Same-text limits"), l5,
		     web_t(rq, "phút", "min"), lh, web_t(rq, "giờ", "hour"), ld,
		     web_t(rq, "mọi tin", "any text"), pd, web_t(rq, "ngày", "day"),
		     web_t(rq, "không giới hạn", "no limit"));
}

static int one_modem(struct web_req *rq, struct buf *b, sqlite3_stmt *st, int64_t sent_today)
{
	const char *why = out_of_routing(rq, st);
	char contact[WEB_TIME_LEN], checked[WEB_TIME_LEN], errat[WEB_TIME_LEN];
	int r, nosignal = sqlite3_column_type(st, 1) == SQLITE_NULL;

	web_fmt_time(rq, sqlite3_column_int64(st, 7), contact, sizeof(contact));
	web_fmt_time(rq, sqlite3_column_int64(st, 6), checked, sizeof(checked));
	web_fmt_time(rq, sqlite3_column_int64(st, 9), errat, sizeof(errat));
	r = web_h(b, "<h3>%s <span class=\"tag %.*s\">%s</span></h3><ul class=\"plain\">"
		     "<li>%s: %s</li><li>%s: %.*s%s%.*s</li><li>%s: %s</li>"
		     "<li>%s: %s <span class=\"muted\">(%s)</span></li>",
		  db_col_text(st, 19), WEB_RAW, *why ? "err" : "ok",
		  *why ? why : web_t(rq, "Đang gửi", "Sending"),
		  web_t(rq, "Mạng", "Network"), *db_col_text(st, 3) ? db_col_text(st, 3) : "-",
		  web_t(rq, "Sóng", "Signal"), WEB_RAW, nosignal ? "-" : "",
		  nosignal ? "" : db_col_text(st, 1), WEB_RAW, nosignal ? "" : "%",
		  web_t(rq, "SIM", "SIM"), web_sim_label(rq, db_col_text(st, 4)),
		  web_t(rq, "Tài khoản SIM", "SIM credit"),
		  *db_col_text(st, 5) ? db_col_text(st, 5) : "-", checked);
	if (r == 0)
		r = web_h(b, "<li>%s: %s</li>", web_t(rq, "Ưu tiên gửi tới mạng", "Sends first to"),
			  *db_col_text(st, 11) ? db_col_text(st, 11) : web_t(rq, "mọi mạng", "any operator"));
	if (r == 0)
		r = limits_item(rq, b, st);
	if (r == 0)
		r = web_h(b, "<li>%s: <b>%lld</b></li><li>%s: %s</li><li>%s: %lld</li>",
			  web_t(rq, "Đã gửi hôm nay", "Sent today"), (long long)sent_today,
			  web_t(rq, "Liên lạc cuối", "Last contact"), contact,
			  web_t(rq, "Số phần tin đã gửi", "SMS parts sent"),
			  (long long)sqlite3_column_int64(st, 10));
	if (r == 0 && *db_col_text(st, 8))
		r = web_h(b, "<li>%s <span class=\"muted\">(%s)</span></li>",
			  web_t(rq, "Modem từng báo lỗi (xem nhật ký)", "The modem reported an error (see the log)"),
			  errat);
	return r < 0 ? r : buf_adds(b, "</ul>");
}

int web_modems_card(struct web_req *rq, struct buf *b, time_t day_start)
{
	sqlite3_stmt *st;
	int64_t sent[SETTINGS_MODEMS_MAX] = { 0 };
	int r, i = 0;

	/* the counts first: one statement at a time on this connection */
	for (int k = 0; k < rq->cfg->nmodems; k++)
		if ((r = db_row(rq->db, "SELECT count(*) FROM outbox WHERE modem = ?"
					" AND status = 'sent' AND claimed_at >= ?",
				DB_ARGS(DB_TEXT(rq->cfg->modems[k].name), DB_INT(day_start)), &st)) == 0) {
			sent[k] = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
	if ((r = web_h(b, "<section class=\"card\" id=\"modem\"><h2>%s</h2>",
		       web_t(rq, "Modem", "Modems"))) < 0)
		return r;
	for (int k = 0; k < rq->cfg->nmodems && r >= 0; k++) {
		if ((r = db_row(rq->db, "SELECT connected, signal_percent, battery_percent, network,"
					" security, balance, balance_checked_at, last_contact, last_error,"
					" last_error_at, sent_parts, operators, hold, hold_until,"
					" alive_until, same_text_per_5min, same_text_per_hour,"
					" same_text_per_day, per_day, name FROM modem_status WHERE name = ?",
				DB_ARGS(DB_TEXT(rq->cfg->modems[k].name)), &st)) == GW_ERR_NOTFOUND) {
			r = 0;
			continue;
		}
		if (r == 0) {
			r = one_modem(rq, b, st, sent[k]);
			sqlite3_reset(st);
			i++;
		}
	}
	if (r == 0 && !i)
		r = web_h(b, "<p class=\"muted\">%s</p>",
			  web_t(rq, "Chưa có modem nào chạy.", "No modem has run yet."));
	return r < 0 ? r : buf_adds(b, "</section>");
}
