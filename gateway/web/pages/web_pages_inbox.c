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
#include "handlers/core/reply.h"
#include "handlers/features/referrals.h"
#include "handlers/handler.h"

#define LIST_LIMIT 200
#define ANSWER_MAX 1600

int web_page_inbox(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_form_str(&rq->query, "q"), *intent = web_form_str(&rq->query, "intent");
	struct buf *b = &rs->body;
	sqlite3_stmt *st = NULL;
	char when[24], local[32];
	int n = 0, r;

	if (strlen(q) > 64)
		q = "";
	if (strlen(intent) > 32)
		intent = "";
	if ((r = web_page_begin(rq, rs, web_t(rq, "Tin đến", "Inbox"), "inbox")) < 0)
		goto out;
	if ((r = web_h(b, "<form method=\"get\" action=\"/inbox\" class=\"row\"><input type=\"search\" name=\"q\""
			  " value=\"%s\" aria-label=\"%s\" placeholder=\"%s\"><input type=\"text\" name=\"intent\""
			  " value=\"%s\" aria-label=\"%s\" placeholder=\"%s\"><button type=\"submit\">%s</button></form>",
		       q, web_t(rq, "Tìm", "Search"),
		       web_t(rq, "Số điện thoại hoặc chữ", "Phone or words"), intent,
		       web_t(rq, "Loại", "Intent"),
		       web_t(rq, "loại: policy, job_apply…", "intent: policy, job_apply…"),
		       web_t(rq, "Lọc", "Filter"))) < 0)
		goto out;
	if ((r = db_prepare(rq->db, "SELECT i.id, i.sender, i.stored_at, i.text, i.intent, i.ref_code, i.status,"
				    " coalesce((SELECT o.text FROM outbox o WHERE o.inbox_id = i.id ORDER BY o.id LIMIT 1), ''),"
				    " coalesce((SELECT o.status FROM outbox o WHERE o.inbox_id = i.id ORDER BY o.id LIMIT 1), '')"
				    " FROM inbox i WHERE " SCOPE_PHONE("i.sender")
				    " AND (?4 = '' OR i.sender LIKE '%' || ?4 || '%' OR i.text LIKE '%' || ?4 || '%')"
				    " AND (?5 = '' OR i.intent = ?5)"
				    " ORDER BY i.id DESC LIMIT ?6", &st)) < 0)
		goto out;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, q);
	db_bind_text(st, 5, intent);
	sqlite3_bind_int(st, 6, LIST_LIMIT);
	if ((r = web_table_begin(rq, b, "inbox", "Khi nào", "When", "Số", "From", "Tin", "Message",
				 "Hiểu là", "Understood as", "Trả lời", "Reply", NULL)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		web_fmt_time(rq, sqlite3_column_int64(st, 2), when, sizeof(when));
		referrals_local_phone(db_col_text(st, 1), local, sizeof(local));
		if ((r = web_h(b, "<tr><td><a href=\"/inbox/%lld\">%s</a></td><td><a href=\"/contacts/%.*s\">%s</a></td>"
				  "<td>%s</td><td>%s <span class=\"muted\">%s</span></td><td>%s"
				  " <span class=\"tag\">%s</span></td></tr>",
			       (long long)sqlite3_column_int64(st, 0), when,
			       WEB_URL, db_col_text(st, 1) + (*db_col_text(st, 1) == '+'), local,
			       db_col_text(st, 3), web_intent_label(rq, db_col_text(st, 4)),
			       db_col_text(st, 5), db_col_text(st, 7), db_col_text(st, 8))) < 0)
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

static int message_page(struct web_req *rq, struct web_resp *rs, int64_t id, const char *text,
			const char *error)
{
	struct buf *b = &rs->body, title;
	sqlite3_stmt *st;
	char when[24], local[32];
	int r, n = 0;

	buf_init(&title, 128);
	if ((r = db_prepare(rq->db, "SELECT sender, stored_at, text, intent, ref_code, status, error, channel,"
				    " parts FROM inbox WHERE id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : web_error(rq, rs, 404, "Không có tin này.", "No such message.");
		goto out;
	}
	web_fmt_time(rq, sqlite3_column_int64(st, 1), when, sizeof(when));
	referrals_local_phone(db_col_text(st, 0), local, sizeof(local));
	if ((r = web_h(&title, "%s #%lld", web_t(rq, "Tin", "Message"), (long long)id)) < 0 ||
	    (r = web_page_begin(rq, rs, title.data, "inbox")) < 0)
		goto out_reset;
	if (error && (r = web_notice(b, "err", error)) < 0)
		goto out_reset;
	r = web_h(b, "<section class=\"card\"><p><a href=\"/contacts/%.*s\">%s</a> · %s · %s · %d SMS</p>"
		     "<div class=\"sms\" id=\"msg-text\">%s</div><p>%s: <b>%s</b> %s · %s: %s%.*s%s</p></section>",
		  WEB_URL, db_col_text(st, 0) + (*db_col_text(st, 0) == '+'), local, when,
		  db_col_text(st, 7), sqlite3_column_int(st, 8), db_col_text(st, 2),
		  web_t(rq, "Hiểu là", "Understood as"), web_intent_label(rq, db_col_text(st, 3)),
		  db_col_text(st, 4), web_t(rq, "Trạng thái", "Status"), db_col_text(st, 5),
		  WEB_RAW, *db_col_text(st, 6) ? " · " : "", db_col_text(st, 6));
out_reset:
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	if ((r = db_prepare(rq->db, "SELECT text, kind, status, parts, encoding, created_at, sent_at FROM outbox"
				    " WHERE inbox_id = ? ORDER BY id", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = web_h(b, "<h2>%s</h2>", web_t(rq, "Đã trả lời", "Replies"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		web_fmt_time(rq, sqlite3_column_int64(st, 6) ? sqlite3_column_int64(st, 6)
							      : sqlite3_column_int64(st, 5), when, sizeof(when));
		if ((r = web_h(b, "<div class=\"sms reply\">%s<span class=\"meta\">%s · %s · %s · %d SMS %s</span></div>",
			       db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), when,
			       sqlite3_column_int(st, 3), db_col_text(st, 4))) < 0)
			break;
		n++;
	}
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	if (!n && (r = web_h(b, "<p class=\"muted\">%s</p>", web_t(rq, "Chưa có.", "None yet."))) < 0)
		goto out;
	if ((r = web_h(b, "<form method=\"post\" action=\"/inbox/%lld\" class=\"stack card\" id=\"answer-form\">",
		       (long long)id)) < 0 ||
	    (r = web_csrf_field(rq, b)) < 0 ||
	    (r = web_h(b, "<label for=\"answer\">%s <span class=\"hint\">%s</span></label>"
			  "<textarea id=\"answer\" name=\"text\" rows=\"4\" maxlength=\"%d\" required>%s</textarea>"
			  "<p><button type=\"submit\">%s</button></p></form>",
		       web_t(rq, "Trả lời bằng tay", "Answer by hand"),
		       web_t(rq, "Không dấu thì rẻ hơn (160 ký tự một SMS, có dấu 70).",
			     "Without accents is cheaper (160 characters an SMS, 70 with accents)."),
		       ANSWER_MAX, text ? text : "", web_t(rq, "Gửi", "Send"))) < 0)
		goto out;
	r = web_page_end(rq, rs);
out:
	buf_release(&title);
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

int web_page_inbox_answer(struct web_req *rq, struct web_resp *rs)
{
	const char *text = web_form_str(&rq->form, "text");
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
	buf_init(&why, 512);
	if ((r = path_id(rq, rs, &id, &done)) < 0 || done)
		goto out;
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
	web_actor(rq, actor, sizeof(actor));
	if ((r = db_begin(rq->db)) < 0 ||
	    (r = handler_result_add(&res, sender.data, text, "reply", HANDLER_PRIO_REPLY)) < 0 ||
	    (r = outbox_queue(rq->db, &res, id, rq->now)) < 0 ||
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
