/* The inbox: recent messages from the account's households, what the
 * gateway understood (intent, program or job) and what it answered; and
 * an answer typed by an officer, queued as a reply in the normal outbox
 * (the daemon sends it at the modem's pace, behind nothing but other
 * replies). Texts blanked by the privacy purge stay blank. */
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/outbox.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"
#include "handlers/core/reply.h"
#include "handlers/features/attention.h"
#include "handlers/features/referrals.h"
#include "handlers/handler.h"

#define LIST_LIMIT 200
#define UNKNOWN_LIMIT 50
#define ANSWER_MAX 1600

/* The intents the filter offers, in the order an officer thinks of them. */
static const char *const filter_intents[] = {
	"policy", "eligibility", "job_list", "job_apply", "appointment", "help", "unknown", "noise",
	"stop", NULL,
};

static int filter_form(struct web_req *rq, struct buf *b, const char *q, const char *intent, int wait,
		       int unknown)
{
	int r;

	if ((r = web_h(b, "<form method=\"get\" action=\"/inbox\" class=\"row\" id=\"inbox-filter\">"
			  "<input type=\"search\" name=\"q\" value=\"%s\" aria-label=\"%s\" placeholder=\"%s\">"
			  "<select name=\"intent\" aria-label=\"%s\"><option value=\"\">%s</option>",
		       q, web_t(rq, "Tìm", "Search"), web_t(rq, "Số điện thoại hoặc chữ", "Phone or words"),
		       web_t(rq, "Loại tin", "Kind of message"), web_t(rq, "Mọi loại tin", "Every kind"))) < 0)
		return r;
	for (size_t i = 0; filter_intents[i]; i++)
		if ((r = web_option(b, filter_intents[i], web_intent_label(rq, filter_intents[i]), intent)) < 0)
			return r;
	return web_h(b, "</select><label><input type=\"checkbox\" name=\"wait\" value=\"1\"%.*s> %s</label>"
			"<label><input type=\"checkbox\" name=\"unknown\" value=\"1\"%.*s> %s</label>"
			"<button type=\"submit\">%s</button></form>",
		     WEB_RAW, wait ? " checked" : "", web_t(rq, "Chờ cán bộ", "Waiting for an officer"),
		     WEB_RAW, unknown ? " checked" : "", web_t(rq, "Hộ chưa rõ xã", "Commune not known"),
		     web_t(rq, "Lọc", "Filter"));
}

/* Households whose commune is not known yet, each with the commune its
 * messages name and one click to set it. */
static int unknown_households(struct web_req *rq, struct buf *b)
{
	sqlite3_stmt *st;
	char when[WEB_TIME_LEN], local[32];
	int r, n = 0;

	if ((r = db_prepare(rq->db, "SELECT i.sender, max(i.stored_at), (SELECT text FROM inbox x"
				    "  WHERE x.sender = i.sender ORDER BY x.id DESC LIMIT 1), count(*)"
				    " FROM inbox i WHERE " SCOPE_UNKNOWN("i.sender") " AND " SCOPE_PHONE("i.sender")
				    " GROUP BY i.sender ORDER BY 2 DESC LIMIT ?4", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	sqlite3_bind_int(st, 4, UNKNOWN_LIMIT);
	if ((r = web_h(b, "<section class=\"card\" id=\"unknown\"><h2>%s</h2><p class=\"muted\">%s</p>"
			  "<ul class=\"plain\">",
		       web_t(rq, "Hộ chưa rõ xã", "Households whose commune is not known yet"),
		       web_t(rq, "Mọi cán bộ đều thấy các hộ này. Chọn xã của hộ (gợi ý theo tin nhắn), rồi bấm Đặt xã.",
			     "Every officer sees these. Choose the household's commune (suggested from its"
			     " messages), then Set commune."))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		web_fmt_time(rq, sqlite3_column_int64(st, 1), when, sizeof(when));
		referrals_local_phone(db_col_text(st, 0), local, sizeof(local));
		if ((r = web_h(b, "<li><a href=\"/contacts/%.*s\">%s</a> <span class=\"muted\">%s · %d %s</span>"
				  "<div class=\"sms\">%s</div>",
			       WEB_URL, db_col_text(st, 0) + (*db_col_text(st, 0) == '+'), local, when,
			       sqlite3_column_int(st, 3), web_t(rq, "tin", "messages"), db_col_text(st, 2))) < 0 ||
		    (r = web_contact_commune_form(rq, b, db_col_text(st, 0), "", "inbox")) < 0 ||
		    (r = buf_adds(b, "</li>")) < 0)
			goto out;
		n++;
	}
	r = web_list_end(rq, b, r, n, "</ul></section>");
out:
	sqlite3_reset(st);
	return r;
}

/* What the network's delivery report said of an answer (outbox.dlr). */
static const char *dlr_label(const struct web_req *rq, const char *dlr)
{
	if (strcmp(dlr, "delivered") == 0)
		return web_t(rq, "đã đến máy", "delivered");
	if (strcmp(dlr, "failed") == 0)
		return web_t(rq, "không đến được", "not delivered");
	if (strcmp(dlr, "buffered") == 0)
		return web_t(rq, "đang chờ máy bật", "pending");
	if (strcmp(dlr, "submitted") == 0)
		return web_t(rq, "chờ báo nhận", "awaiting report");
	return "";
}

int web_page_inbox(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_form_str(&rq->query, "q"), *intent = web_form_str(&rq->query, "intent");
	int wait = strcmp(web_form_str(&rq->query, "wait"), "1") == 0;
	int unknown = strcmp(web_form_str(&rq->query, "unknown"), "1") == 0;
	struct buf *b = &rs->body;
	sqlite3_stmt *st = NULL;
	char when[WEB_TIME_LEN], local[32];
	int n = 0, r;

	if (strlen(q) > 64)
		q = "";
	if (strlen(intent) > 32)
		intent = "";
	if ((r = web_page_begin(rq, rs, web_t(rq, "Tin đến", "Inbox"), "inbox")) < 0 ||
	    (r = filter_form(rq, b, q, intent, wait, unknown)) < 0 ||
	    (unknown && (r = unknown_households(rq, b)) < 0))
		goto out;
	/* the reply is what the household got: officer alerts about the same
	 * message go to other phones and are listed apart on its page.
	 * Search folds accents and case: "tan lap" finds "Tân Lập". */
	if ((r = db_prepare(rq->db, "SELECT i.id, i.sender, i.stored_at, i.text, i.intent, i.ref_code, i.status,"
				    " coalesce((SELECT o.text FROM outbox o WHERE o.inbox_id = i.id AND o.phone = i.sender"
				    "  ORDER BY o.id LIMIT 1), ''),"
				    " coalesce((SELECT o.status FROM outbox o WHERE o.inbox_id = i.id AND o.phone = i.sender"
				    "  ORDER BY o.id LIMIT 1), ''),"
				    " CASE WHEN i.attended_at IS NULL AND i.stored_at >= ?8"
				    "  THEN gw_attention(i.text, i.intent, i.status) ELSE 0 END,"
				    " " SCOPE_UNKNOWN("i.sender") ","
				    " coalesce((SELECT o.dlr FROM outbox o WHERE o.inbox_id = i.id AND o.phone = i.sender"
				    "  ORDER BY o.id LIMIT 1), '')"
				    " FROM inbox i WHERE " SCOPE_PHONE("i.sender")
				    " AND (?4 = '' OR i.sender LIKE '%' || ?4 || '%'"
				    "  OR instr(gw_place_key(i.text), gw_place_key(?4)) > 0)"
				    " AND (?5 = '' OR i.intent = ?5)"
				    " AND (?7 = 0 OR " SCOPE_UNKNOWN("i.sender") ")"
				    " AND (?9 = 0 OR (i.attended_at IS NULL AND i.stored_at >= ?8"
				    "  AND gw_attention(i.text, i.intent, i.status) > 0))"
				    " ORDER BY i.id DESC LIMIT ?6", &st)) < 0)
		goto out;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, q);
	db_bind_text(st, 5, intent);
	sqlite3_bind_int(st, 6, LIST_LIMIT);
	sqlite3_bind_int(st, 7, unknown);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)(rq->now - ATTENTION_DAYS * 86400LL));
	sqlite3_bind_int(st, 9, wait);
	if ((r = web_table_begin(rq, b, "inbox", "Khi nào", "When", "Số", "From", "Tin", "Message",
				 "Hiểu là", "Understood as", "Đã trả lời", "Answered with", NULL)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		int why = sqlite3_column_int(st, 9);

		web_fmt_time(rq, sqlite3_column_int64(st, 2), when, sizeof(when));
		referrals_local_phone(db_col_text(st, 1), local, sizeof(local));
		if ((r = web_h(b, "<tr%.*s><td data-h=\"%s\"><a href=\"/inbox/%lld\" class=\"when\">%s</a></td>"
				  "<td data-h=\"%s\"><a href=\"/contacts/%.*s\">%s</a>%.*s%s%.*s</td>"
				  "<td data-h=\"%s\">%s%.*s%s%.*s</td><td data-h=\"%s\">%s <span class=\"muted\">%s</span></td>"
				  "<td data-h=\"%s\" class=\"answer\">%s <span class=\"tag\">%s</span>%.*s%s%.*s</td></tr>",
			       WEB_RAW, why ? " class=\"waits\"" : "",
			       web_t(rq, "Khi nào", "When"), (long long)sqlite3_column_int64(st, 0), when,
			       web_t(rq, "Số", "From"),
			       WEB_URL, db_col_text(st, 1) + (*db_col_text(st, 1) == '+'), local,
			       WEB_RAW, sqlite3_column_int(st, 10) ? " <span class=\"tag warn\">" : "",
			       sqlite3_column_int(st, 10) ? web_t(rq, "chưa rõ xã", "commune not known") : "",
			       WEB_RAW, sqlite3_column_int(st, 10) ? "</span>" : "",
			       web_t(rq, "Tin", "Message"), db_col_text(st, 3),
			       WEB_RAW, why ? " <span class=\"tag err\">" : "", why ? web_attention_label(rq, why) : "",
			       WEB_RAW, why ? "</span>" : "",
			       web_t(rq, "Hiểu là", "Understood as"), web_intent_label(rq, db_col_text(st, 4)),
			       db_col_text(st, 5), web_t(rq, "Đã trả lời", "Answered with"), db_col_text(st, 7),
			       *db_col_text(st, 8) ? web_outbox_status_label(rq, db_col_text(st, 8)) : "",
			       WEB_RAW, *db_col_text(st, 11) ? " <span class=\"tag dlr\">" : "",
			       dlr_label(rq, db_col_text(st, 11)),
			       WEB_RAW, *db_col_text(st, 11) ? "</span>" : "")) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	if (!n && (r = web_h(b, "<tr><td colspan=\"5\" class=\"muted\">%s</td></tr>",
			     web_t(rq, "Không có tin.", "No messages."))) < 0)
		goto out;
	if ((r = buf_adds(b, WEB_TABLE_END)) < 0)
		goto out;
	r = web_page_end(rq, rs);
out:
	if (st)
		sqlite3_reset(st);
	return r;
}

/* Characters as people count them: UTF-8 code points. */
static int count_chars(const char *t)
{
	int n = 0;

	for (; *t; t++)
		n += ((unsigned char)*t & 0xC0) != 0x80;
	return n;
}

int web_answer_count(struct web_req *rq, const char *text, struct buf *b)
{
	struct buf plain, cost;
	int parts = 0, ucs2 = 0, pparts = 0, pucs2 = 0, r, m;

	buf_init(&plain, ANSWER_MAX * 2);
	buf_init(&cost, 64);
	m = reply_measure(text, &parts, &ucs2);
	if (m < 0 && m != GW_ERR_TOOBIG) {
		r = m;
		goto out;
	}
	if ((r = web_fmt_amount(rq, (long long)parts * rq->cfg->sms.part_price, &cost)) < 0 ||
	    (r = web_h(b, "<p id=\"answer-count\" class=\"count%.*s\"><b>%d</b> %s · <b>%d</b> SMS · %s · %s %s</p>",
		       WEB_RAW, m == GW_ERR_TOOBIG || parts > rq->cfg->sms.max_parts ? " over" : "",
		       count_chars(text), web_t(rq, "ký tự", "characters"), parts, web_encoding_label(rq, ucs2),
		       cost.data, web_t(rq, "đồng", "dong"))) < 0)
		goto out;
	if (!ucs2)
		goto out;
	/* the same text without accents, one click away */
	if ((r = reply_unaccent(text, &plain)) < 0)
		goto out;
	m = reply_measure(plain.data, &pparts, &pucs2);
	if (m < 0 && m != GW_ERR_TOOBIG) {
		r = m;
		goto out;
	}
	r = web_h(b, "<p><button type=\"submit\" name=\"action\" value=\"fold\" class=\"second\" id=\"fold-btn\""
		     " data-fold=\"%s\" data-for=\"answer\">%s</button> <span class=\"muted\">%s %d SMS</span></p>",
		  plain.data, web_t(rq, "Bỏ dấu", "Remove accents"), web_t(rq, "thành", "becomes"), pparts);
out:
	buf_release(&plain);
	buf_release(&cost);
	return r;
}

int web_page_answer_preview(struct web_req *rq, struct web_resp *rs)
{
	const char *text = web_form_str(&rq->form, "text");

	if (strlen(text) > ANSWER_MAX * 4)
		return web_error(rq, rs, 413, "Tin quá dài.", "Too long.");
	return web_answer_count(rq, text, &rs->body);
}

static const char *channel_label(const struct web_req *rq, const char *channel)
{
	if (strcmp(channel, "call") == 0)
		return web_t(rq, "cuộc gọi nhỡ", "missed call");
	if (strcmp(channel, "ussd") == 0)
		return "USSD";
	return "SMS";
}

/* What went out about the message: to the household (household = 1) or
 * to officers (their alerts, listed apart). */
static int sent_list(struct web_req *rq, struct buf *b, int64_t id, const char *sender, int household)
{
	struct buf who;
	sqlite3_stmt *st;
	char when[WEB_TIME_LEN], dlr_when[WEB_TIME_LEN];
	int r, n = 0;

	buf_init(&who, 256);
	if (!household) {
		/* no alerts, no heading */
		if ((r = db_row(rq->db, "SELECT count(*) FROM outbox WHERE inbox_id = ? AND phone <> ?",
				DB_ARGS(DB_INT(id), DB_TEXT(sender)), &st)) < 0)
			goto out;
		n = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (!n)
			goto out;
		n = 0;
	}
	if ((r = db_prepare(rq->db, "SELECT text, kind, status, parts, encoding, created_at, sent_at, phone,"
				    " dlr, dlr_at FROM outbox WHERE inbox_id = ?1 AND (phone = ?2) = ?3 ORDER BY id", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, sender);
	sqlite3_bind_int(st, 3, household);
	if ((r = web_h(b, "<section id=\"%.*s\"><h2>%s</h2>", WEB_RAW, household ? "replies" : "alerts",
		       household ? web_t(rq, "Hộ này đã nhận", "What the household got")
				 : web_t(rq, "Báo cho cán bộ", "Alerts to officers"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		web_fmt_time(rq, sqlite3_column_int64(st, 6) ? sqlite3_column_int64(st, 6)
							      : sqlite3_column_int64(st, 5), when, sizeof(when));
		web_fmt_time(rq, sqlite3_column_int64(st, 9), dlr_when, sizeof(dlr_when));
		buf_reset(&who);
		if (!household && (r = web_actor_label(rq, db_col_text(st, 7), &who)) < 0)
			break;
		if ((r = web_h(b, "<div class=\"sms %.*s\">%s<span class=\"meta\"><b class=\"who\">%s</b>%.*s%s · %s · %s · %d SMS %s%.*s%s%.*s%s</span></div>",
			       WEB_RAW, household ? "reply" : "alert", db_col_text(st, 0), who.data,
			       WEB_RAW, household ? "" : " · ",
			       web_outbox_kind_label(rq, db_col_text(st, 1)),
			       web_outbox_status_label(rq, db_col_text(st, 2)), when, sqlite3_column_int(st, 3),
			       *db_col_text(st, 4) ? web_encoding_label(rq, strcmp(db_col_text(st, 4), "ucs2") == 0)
						   : "",
			       WEB_RAW, *db_col_text(st, 8) ? " · " : "", dlr_label(rq, db_col_text(st, 8)),
			       WEB_RAW, sqlite3_column_type(st, 9) != SQLITE_NULL ? " " : "",
			       sqlite3_column_type(st, 9) != SQLITE_NULL ? dlr_when : "")) < 0)
			break;
		n++;
	}
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	if (!n && household &&
	    (r = web_h(b, "<p class=\"muted\">%s</p>", web_t(rq, "Chưa có.", "None yet."))) < 0)
		goto out;
	r = buf_adds(b, "</section>");
out:
	buf_release(&who);
	return r;
}

static int message_page(struct web_req *rq, struct web_resp *rs, int64_t id, const char *text,
			const char *error)
{
	struct buf *b = &rs->body, title, sender;
	sqlite3_stmt *st;
	char when[WEB_TIME_LEN], local[32];
	int r, why = 0;

	buf_init(&title, 128);
	buf_init(&sender, 64);
	if ((r = db_prepare(rq->db, "SELECT sender, stored_at, text, intent, ref_code, status, error, channel,"
				    " parts, CASE WHEN attended_at IS NULL THEN gw_attention(text, intent, status)"
				    " ELSE 0 END FROM inbox WHERE id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : web_error(rq, rs, 404, "Không có tin này.", "No such message.");
		goto out;
	}
	web_fmt_time(rq, sqlite3_column_int64(st, 1), when, sizeof(when));
	referrals_local_phone(db_col_text(st, 0), local, sizeof(local));
	why = sqlite3_column_int(st, 9);
	if ((r = buf_adds(&sender, db_col_text(st, 0))) < 0 ||
	    (r = web_h(&title, "%s #%lld", web_t(rq, "Tin", "Message"), (long long)id)) < 0 ||
	    (r = web_page_begin(rq, rs, title.data, "inbox")) < 0)
		goto out_reset;
	if (error && (r = web_notice(b, "err", error)) < 0)
		goto out_reset;
	r = web_h(b, "<section class=\"card\"><p><a href=\"/contacts/%.*s\">%s</a> · %s · %s · %d SMS</p>"
		     "<div class=\"sms\" id=\"msg-text\">%s</div><p>%s: <b>%s</b> %s · %s: %s%.*s%s</p>",
		  WEB_URL, db_col_text(st, 0) + (*db_col_text(st, 0) == '+'), local, when,
		  channel_label(rq, db_col_text(st, 7)), sqlite3_column_int(st, 8), db_col_text(st, 2),
		  web_t(rq, "Hiểu là", "Understood as"), web_intent_label(rq, db_col_text(st, 3)),
		  db_col_text(st, 4), web_t(rq, "Trạng thái", "Status"),
		  web_inbox_status_label(rq, db_col_text(st, 5)), WEB_RAW, *db_col_text(st, 6) ? " · " : "",
		  web_inbox_error_label(rq, db_col_text(st, 6)));
	if (r == 0 && why)
		r = web_h(b, "<p class=\"notice warn\" id=\"waits\">%s: <b>%s</b></p>",
			  web_t(rq, "Tin này chờ cán bộ", "This message waits for an officer"),
			  web_attention_label(rq, why));
	if (r == 0)
		r = buf_adds(b, "</section>");
out_reset:
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	if ((r = sent_list(rq, b, id, sender.data, 1)) < 0)
		goto out;
	/* the answer box, its live count right under it */
	if ((r = web_h(b, "<form method=\"post\" action=\"/inbox/%lld\" class=\"stack card\" id=\"answer-form\""
			  " data-preview=\"/preview/answer\">", (long long)id)) < 0 ||
	    (r = web_csrf_field(rq, b)) < 0 ||
	    (r = web_h(b, "<label for=\"answer\">%s <span class=\"hint\">%s</span></label>"
			  "<textarea id=\"answer\" name=\"text\" rows=\"4\" maxlength=\"%d\">%s</textarea>"
			  "<div id=\"preview\" aria-live=\"polite\">",
		       web_t(rq, "Trả lời bằng tay", "Answer by hand"),
		       web_t(rq, "Không dấu thì rẻ hơn (160 ký tự một SMS, có dấu 70).",
			     "Without accents is cheaper (160 characters an SMS, 70 with accents)."),
		       ANSWER_MAX, text ? text : "")) < 0 ||
	    (r = web_answer_count(rq, text ? text : "", b)) < 0 ||
	    (r = web_h(b, "</div><p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"send\">%s</button>",
		       web_t(rq, "Gửi", "Send"))) < 0)
		goto out;
	if (why && (r = web_h(b, "<button type=\"submit\" name=\"action\" value=\"attended\" class=\"second\">%s</button>",
			      web_t(rq, "Không cần trả lời thêm", "Needs no further answer"))) < 0)
		goto out;
	if ((r = buf_adds(b, "</p></form>")) < 0 || (r = sent_list(rq, b, id, sender.data, 0)) < 0)
		goto out;
	r = web_page_end(rq, rs);
out:
	buf_release(&title);
	buf_release(&sender);
	return r;
}

static int path_id(struct web_req *rq, struct web_resp *rs, int64_t *id, int *done)
{
	char seg[24];
	int v;

	*done = 1;
	if (web_path_segment(rq->path, "/inbox/", seg, sizeof(seg), NULL) < 0 || web_parse_id(seg, id) < 0)
		return web_error(rq, rs, 404, "Không tìm thấy.", "Not found.");
	if ((v = scope_inbox(rq->db, &rq->acct, *id)) != 0)
		return web_scope_refused_household(rq, rs, v);
	*done = 0;
	return 0;
}

int web_page_inbox_message(struct web_req *rq, struct web_resp *rs)
{
	int64_t id = 0;
	int done = 0, r;

	if ((r = path_id(rq, rs, &id, &done)) < 0 || done)
		return r;
	return message_page(rq, rs, id, NULL, NULL);
}

/* The officer saw to message id: it leaves the "waiting" lists. */
static int mark_attended(struct web_req *rq, int64_t id)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(rq->db, "UPDATE inbox SET attended_by = nullif(?1, 0), attended_at = ?2"
				    " WHERE id = ?3 AND attended_at IS NULL", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, rq->acct.id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)rq->now);
	sqlite3_bind_int64(st, 3, id);
	r = db_step(st);
	sqlite3_reset(st);
	return r < 0 ? r : 0;
}

int web_page_inbox_answer(struct web_req *rq, struct web_resp *rs)
{
	const char *text = web_form_str(&rq->form, "text"), *action = web_form_str(&rq->form, "action");
	struct handler_result res;
	struct buf where, sender, detail, why;
	sqlite3_stmt *st;
	char actor[64];
	int64_t id = 0;
	int done = 0, parts = 0, ucs2 = 0, r;

	handler_result_init(&res);
	buf_init(&where, WEB_URL_MAX);
	buf_init(&sender, 64);
	buf_init(&detail, 256);
	buf_init(&why, ANSWER_MAX * 2);
	if ((r = path_id(rq, rs, &id, &done)) < 0 || done)
		goto out;
	web_actor(rq, actor, sizeof(actor));
	if (strcmp(action, "fold") == 0) {
		/* without script: the same page, the text without accents */
		if (strlen(text) > ANSWER_MAX * 4)
			text = "";
		if ((r = reply_unaccent(text, &why)) < 0)
			goto out;
		r = message_page(rq, rs, id, why.data, NULL);
		goto out;
	}
	if (strcmp(action, "attended") == 0) {
		if ((r = db_begin(rq->db)) < 0 || (r = mark_attended(rq, id)) < 0 ||
		    (r = buf_addf(&detail, "inbox #%lld: needs no answer", (long long)id)) < 0 ||
		    (r = audit_write(rq->db, time(NULL), actor, "inbox attended", "", detail.data)) < 0 ||
		    (r = db_commit(rq->db)) < 0 || (r = web_h(&where, "/inbox/%lld?ok=attended", (long long)id)) < 0)
			goto out;
		r = web_redirect(rs, where.data);
		goto out;
	}
	while (*text == ' ' || *text == '\n' || *text == '\r')
		text++;
	if ((r = reply_measure(text, &parts, &ucs2)) < 0 && r != GW_ERR_TOOBIG)
		goto out;
	if (!*text || strlen(text) > ANSWER_MAX || r == GW_ERR_TOOBIG || parts > rq->cfg->sms.max_parts) {
		if ((r = buf_addf(&why, rq->en ? "The answer must be 1 to %d SMS (this one: %d)."
					       : "Tin trả lời phải từ 1 đến %d SMS (tin này: %d).",
				  rq->cfg->sms.max_parts, parts)) < 0 ||
		    (r = message_page(rq, rs, id, text, why.data)) < 0)
			goto out;
		rs->status = 400;
		goto out;
	}
	if ((r = db_prepare(rq->db, "SELECT sender FROM inbox WHERE id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) == DB_ROW)
		r = buf_adds(&sender, db_col_text(st, 0));
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	if ((r = db_begin(rq->db)) < 0 ||
	    (r = handler_result_add(&res, sender.data, text, "reply", HANDLER_PRIO_REPLY)) < 0 ||
	    (r = outbox_queue(rq->db, &res, id, rq->now)) < 0 || (r = mark_attended(rq, id)) < 0 ||
	    (r = buf_addf(&detail, "inbox #%lld: %d SMS", (long long)id, parts)) < 0 ||
	    (r = audit_write(rq->db, time(NULL), actor, "inbox answer", sender.data, detail.data)) < 0 ||
	    (r = db_commit(rq->db)) < 0)
		goto out;
	if ((r = web_h(&where, "/inbox/%lld?ok=answered", (long long)id)) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	db_rollback(rq->db);
	handler_result_release(&res);
	buf_release(&where);
	buf_release(&sender);
	buf_release(&detail);
	buf_release(&why);
	return r;
}
