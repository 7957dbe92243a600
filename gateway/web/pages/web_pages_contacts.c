/* Contacts: the households' numbers, their job subscriptions and their
 * opt-outs.
 *
 * An opt-out (HUY/STOP) is the household's decision and the law's: the
 * console can record one for a household that asked in person or by
 * phone, and remove subscriptions, but it can NEVER undo an opt-out - only
 * the household can, by texting BAT DAU/START. There is no form for it,
 * and a forged request is refused (403) and audited. A contact's commune
 * decides which officers see it: an administrator sets any; an officer
 * places a household whose commune is not known yet in one the box
 * serves, suggested from what it wrote (scope_may_set_commune,
 * commune_hint.h). */
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"
#include "handlers/core/contacts.h"
#include "handlers/features/commune_hint.h"
#include "handlers/features/referrals.h"

#define LIST_LIMIT 300
#define COMMUNE_MAX 120

int web_page_contacts(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_form_str(&rq->query, "q");
	int optout = strcmp(web_form_str(&rq->query, "optout"), "1") == 0, n = 0, r;
	struct buf *b = &rs->body;
	sqlite3_stmt *st = NULL;
	char seen[24], local[32];

	if (strlen(q) > 64)
		q = "";
	if ((r = web_page_begin(rq, rs, web_t(rq, "Người dân", "Contacts"), "contacts")) < 0)
		goto out;
	if ((r = web_h(b, "<form method=\"get\" action=\"/contacts\" class=\"row\"><input type=\"search\" name=\"q\""
			  " value=\"%s\" aria-label=\"%s\" placeholder=\"%s\"><label><input type=\"checkbox\" name=\"optout\""
			  " value=\"1\"%.*s> %s</label><button type=\"submit\">%s</button></form>",
		       q, web_t(rq, "Tìm", "Search"),
		       web_t(rq, "Số điện thoại hoặc xã", "Phone or commune"),
		       WEB_RAW, optout ? " checked" : "",
		       web_t(rq, "chỉ số đã ngừng nhận", "opted out only"),
		       web_t(rq, "Tìm", "Search"))) < 0)
		goto out;
	if ((r = db_prepare(rq->db, "SELECT c.phone, c.lang, c.unaccented, c.opted_out, c.commune, c.last_seen,"
				    " (SELECT count(*) FROM subscriptions s WHERE s.phone = c.phone)"
				    " FROM contacts c WHERE " SCOPE_PHONE("c.phone")
				    " AND (?4 = '' OR c.phone LIKE '%' || ?4 || '%' OR c.commune LIKE '%' || ?4 || '%')"
				    " AND (?5 = 0 OR c.opted_out) ORDER BY c.last_seen DESC LIMIT ?6", &st)) < 0)
		goto out;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, q[0] == '0' ? q + 1 : q); /* "0912..." is stored as "+84912..." */
	sqlite3_bind_int(st, 5, optout);
	sqlite3_bind_int(st, 6, LIST_LIMIT);
	if ((r = web_table_begin(rq, b, "contacts", "Số", "Phone", "Xã", "Commune", "Tin quảng bá",
				 "Broadcasts", "Đăng ký", "Subscriptions", "Lần cuối", "Last seen", NULL)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		web_fmt_time(rq, sqlite3_column_int64(st, 5), seen, sizeof(seen));
		referrals_local_phone(db_col_text(st, 0), local, sizeof(local));
		if ((r = web_h(b, "<tr><td><a href=\"/contacts/%.*s\">%s</a> <span class=\"muted\">%s%.*s</span></td>"
				  "<td>%s</td><td>%.*s</td><td>%d</td><td>%s</td></tr>",
			       WEB_URL, db_col_text(st, 0) + (*db_col_text(st, 0) == '+'), local, db_col_text(st, 1),
			       WEB_RAW, sqlite3_column_int(st, 2) ? web_t(rq, ", không dấu", ", unaccented") : "",
			       db_col_text(st, 4),
			       WEB_RAW, sqlite3_column_int(st, 3) ? web_t(rq, "<span class=\"tag err\">đã ngừng nhận</span>",
								 "<span class=\"tag err\">opted out</span>")
							 : web_t(rq, "<span class=\"tag ok\">nhận</span>",
								 "<span class=\"tag ok\">receives</span>"),
			       sqlite3_column_int(st, 6), seen)) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	if (!n && (r = web_h(b, "<tr><td colspan=\"5\" class=\"muted\">%s</td></tr>",
			     web_t(rq, "Không có.", "None."))) < 0)
		goto out;
	if ((r = buf_adds(b, WEB_TABLE_END)) < 0)
		goto out;
	r = web_page_end(rq, rs);
out:
	if (st)
		sqlite3_reset(st);
	return r;
}

/* The phone of /contacts/NUMBER (any form contacts_normalize_phone takes,
 * "+" optional) if the account may see it; else the page is written. */
static int contact_of_path(struct web_req *rq, struct web_resp *rs, char *phone, size_t phonesz,
			   int *done)
{
	char seg[40];
	int v;

	*done = 1;
	if (web_path_segment(rq->path, "/contacts/", seg, sizeof(seg), NULL) < 0 ||
	    contacts_normalize_phone(seg, phone, phonesz) < 0)
		return web_error(rq, rs, 404, "Không tìm thấy.", "Not found.");
	if ((v = scope_phone(rq->db, &rq->acct, phone)) != 0)
		return web_scope_refused_household(rq, rs, v);
	*done = 0;
	return 0;
}

static int subscriptions(struct web_req *rq, struct buf *b, const char *phone, const char *seg)
{
	sqlite3_stmt *st;
	char when[24];
	int n = 0, r;

	if ((r = db_prepare(rq->db, "SELECT id, area, job_type, created_at FROM subscriptions WHERE phone = ?"
				    " ORDER BY id", &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	if ((r = web_h(b, "<h2>%s</h2><ul class=\"plain\" id=\"subscriptions\">",
		       web_t(rq, "Đăng ký nhận tin việc làm", "Job subscriptions"))) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		web_fmt_time(rq, sqlite3_column_int64(st, 3), when, sizeof(when));
		if ((r = web_h(b, "<li>%s: %s · %s: %s <span class=\"muted\">%s</span> "
				  "<form method=\"post\" action=\"/contacts/%.*s\" class=\"inline\">",
			       web_t(rq, "Nơi", "Area"), *db_col_text(st, 1) ? db_col_text(st, 1) : "*",
			       web_t(rq, "Loại", "Type"),
			       *db_col_text(st, 2) ? db_col_text(st, 2) : "*", when,
			       WEB_URL, seg)) < 0 ||
		    (r = web_csrf_field(rq, b)) < 0 ||
		    (r = web_h(b, "<input type=\"hidden\" name=\"action\" value=\"unsubscribe\">"
				  "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
				  "<button type=\"submit\" class=\"second\">%s</button></form></li>",
			       (long long)sqlite3_column_int64(st, 0), web_t(rq, "Xóa", "Remove"))) < 0)
			goto out;
		n++;
	}
	r = web_list_end(rq, b, r, n, "</ul>");
out:
	sqlite3_reset(st);
	return r;
}

int web_contact_commune_form(struct web_req *rq, struct buf *b, const char *phone, const char *current,
			     const char *back)
{
	struct commune_hint c[COMMUNE_HINT_MAX];
	size_t n = 0;
	int hint = -1, r;

	/* an officer places a household nobody has placed; an administrator
	 * moves any */
	if (!rq->acct.admin && *current)
		return 0;
	if ((r = commune_hint_candidates(rq->db, rq->cfg->office.communes, c, COMMUNE_HINT_MAX, &n)) < 0 ||
	    (r = commune_hint_phone(rq->db, phone, c, n, &hint)) < 0)
		return r;
	if (!n && !rq->acct.admin)
		return 0;
	if ((r = web_h(b, "<form method=\"post\" action=\"/contacts/%.*s\" class=\"row commune\">",
		       WEB_URL, phone + (*phone == '+'))) < 0 ||
	    (r = web_csrf_field(rq, b)) < 0 ||
	    (r = web_h(b, "<input type=\"hidden\" name=\"action\" value=\"commune\">"
			  "<input type=\"hidden\" name=\"back\" value=\"%s\">", back)) < 0)
		return r;
	if (hint >= 0 && (r = web_h(b, "<span class=\"hint-commune\">%s <b>%s</b></span>",
				    web_t(rq, "Tin nhắn nhắc đến xã", "Its messages name"), c[hint].name)) < 0)
		return r;
	if (n) {
		if ((r = web_h(b, "<select name=\"commune\" aria-label=\"%s\">",
			       web_t(rq, "Xã của hộ này", "This household's commune"))) < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if ((r = web_h(b, "<option value=\"%s\"%.*s>%s</option>", c[i].name, WEB_RAW,
				       (int)i == hint ? " selected" : "", c[i].name)) < 0)
				return r;
		r = buf_adds(b, "</select>");
	} else {
		r = web_h(b, "<input type=\"text\" name=\"commune\" maxlength=\"%d\" aria-label=\"%s\">",
			  COMMUNE_MAX, web_t(rq, "Xã của hộ này", "This household's commune"));
	}
	if (r < 0)
		return r;
	return web_h(b, "<button type=\"submit\" class=\"second\">%s</button></form>",
		     web_t(rq, "Đặt xã", "Set commune"));
}

int web_page_contact(struct web_req *rq, struct web_resp *rs)
{
	char phone[40], local[32], when[24], seen[24], current[COMMUNE_MAX + 8] = "";
	const char *seg;
	struct buf *b = &rs->body;
	sqlite3_stmt *st;
	int done = 0, known = 0, opted = 0, r;

	if ((r = contact_of_path(rq, rs, phone, sizeof(phone), &done)) < 0 || done)
		return r;
	seg = phone + (phone[0] == '+');
	referrals_local_phone(phone, local, sizeof(local));
	if ((r = web_page_begin(rq, rs, local, "contacts")) < 0)
		return r;
	if ((r = db_prepare(rq->db, "SELECT lang, unaccented, opted_out, coalesce(opted_out_at, 0), commune,"
				    " created_at, last_seen FROM contacts WHERE phone = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	if ((r = db_step(st)) == DB_ROW) {
		known = 1;
		opted = sqlite3_column_int(st, 2);
		gw_strlcpy(current, db_col_text(st, 4), sizeof(current));
		web_fmt_time(rq, sqlite3_column_int64(st, 3), when, sizeof(when));
		web_fmt_time(rq, sqlite3_column_int64(st, 6), seen, sizeof(seen));
		r = web_h(b, "<section class=\"card\" id=\"contact\"><p>%s · %s: %s%.*s · %s: %s · %s: %s</p>",
			  phone, web_t(rq, "Ngôn ngữ", "Language"), web_lang_label(rq, db_col_text(st, 0)),
			  WEB_RAW, sqlite3_column_int(st, 1) ? web_t(rq, ", không dấu", ", unaccented") : "",
			  web_t(rq, "Xã", "Commune"),
			  *db_col_text(st, 4) ? db_col_text(st, 4) : web_t(rq, "chưa rõ", "not known yet"),
			  web_t(rq, "Lần cuối", "Last seen"), seen);
		if (r == 0 && opted)
			r = web_h(b, "<p class=\"notice err\" id=\"opted-out\">%s %s. %s</p>",
				  web_t(rq, "Đã ngừng nhận tin quảng bá từ", "Opted out of broadcasts since"), when,
				  web_t(rq, "Chỉ người dân mới bỏ được bằng cách nhắn BAT DAU; không thể bỏ từ đây.",
					"Only the household can undo this, by texting START; it cannot be undone here."));
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	if (!known && (r = web_h(b, "<section class=\"card\"><p>%s</p>", phone)) < 0)
		return r;
	if (known && !opted &&
	    ((r = web_h(b, "<form method=\"post\" action=\"/contacts/%.*s\">", WEB_URL, seg)) < 0 ||
	     (r = web_csrf_field(rq, b)) < 0 ||
	     (r = web_h(b, "<input type=\"hidden\" name=\"action\" value=\"optout\"><button type=\"submit\""
			   " class=\"danger\" data-confirm=\"%s\">%s</button></form>",
			web_t(rq, "Ngừng gửi tin quảng bá cho số này? Chỉ người dân mới bật lại được.",
			      "Stop broadcasts to this number? Only the household can turn them back on."),
			web_t(rq, "Ngừng gửi tin quảng bá (người dân yêu cầu)", "Stop broadcasts (household asked)"))) < 0))
		return r;
	if ((r = web_contact_commune_form(rq, b, phone, known ? current : "", "")) < 0)
		return r;
	if ((r = web_h(b, "<p><a href=\"/inbox?q=%.*s\">%s</a></p></section>", WEB_URL, seg,
		       web_t(rq, "Tin nhắn của số này", "Messages from this number"))) < 0 ||
	    (r = subscriptions(rq, b, phone, seg)) < 0)
		return r;
	return web_page_end(rq, rs);
}

/* The contact's commune (raw) into out, "" when none or no contact. */
static int contact_commune(struct db *db, const char *phone, struct buf *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT commune FROM contacts WHERE phone = ?", DB_ARGS(DB_TEXT(phone)), &st)) < 0)
		return r == GW_ERR_NOTFOUND ? 0 : r;
	r = buf_adds(out, db_col_text(st, 0));
	sqlite3_reset(st);
	return r;
}

int web_page_contact_save(struct web_req *rq, struct web_resp *rs)
{
	const char *action = web_form_str(&rq->form, "action");
	char phone[40], actor[64];
	struct buf where, detail;
	sqlite3_stmt *st;
	int done = 0, back_inbox = 0, r;
	long long id = 0;

	buf_init(&where, WEB_URL_MAX);
	buf_init(&detail, 256);
	if ((r = contact_of_path(rq, rs, phone, sizeof(phone), &done)) < 0 || done)
		goto out;
	web_actor(rq, actor, sizeof(actor));
	if ((r = db_begin(rq->db)) < 0)
		goto out;
	if (strcmp(action, "optout") == 0) {
		if ((r = contacts_set_opt_out(rq->db, phone, 1, rq->now)) < 0 ||
		    (r = audit_write(rq->db, time(NULL), actor, "contact opt-out", phone, "recorded from the web console")) < 0)
			goto out;
		action = "optedout";
	} else if (strcmp(action, "unsubscribe") == 0 &&
		   web_form_int(&rq->form, "id", 1, INT64_MAX, &id) == 0) {
		if ((r = db_prepare(rq->db, "DELETE FROM subscriptions WHERE id = ? AND phone = ?", &st)) < 0)
			goto out;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
		db_bind_text(st, 2, phone);
		if ((r = db_step(st)) < 0 || (r = buf_addf(&detail, "subscription %lld removed", id)) < 0 ||
		    (r = audit_write(rq->db, time(NULL), actor, "contact unsubscribe", phone, detail.data)) < 0)
			goto out;
		action = "unsubscribed";
	} else if (strcmp(action, "commune") == 0 &&
		   strlen(web_form_str(&rq->form, "commune")) <= COMMUNE_MAX) {
		const char *to = web_form_str(&rq->form, "commune");
		int v;

		if ((r = contact_commune(rq->db, phone, &detail)) < 0)
			goto out;
		if ((v = scope_may_set_commune(rq->db, &rq->acct, detail.data, to, rq->cfg->office.communes)) != 0) {
			db_rollback(rq->db);
			r = web_error(rq, rs, v == GW_ERR_INVAL ? 400 : 403,
				      v == GW_ERR_INVAL ? "Hãy chọn một xã." : "Chỉ đặt được xã cho hộ chưa rõ xã, và chỉ là xã mà máy này phục vụ.",
				      v == GW_ERR_INVAL ? "Choose a commune." : "You may only place a household whose commune is not known, in a commune this box serves.");
			goto out;
		}
		if ((r = db_prepare(rq->db, "INSERT INTO contacts (phone, commune, created_at, last_seen)"
					    " VALUES (?1, ?2, ?3, ?3) ON CONFLICT(phone) DO UPDATE SET commune = ?2",
				    &st)) < 0)
			goto out;
		db_bind_text(st, 1, phone);
		db_bind_text(st, 2, to);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)rq->now);
		buf_reset(&detail);
		if ((r = db_step(st)) < 0 || (r = buf_addf(&detail, "commune: %s", to)) < 0 ||
		    (r = audit_write(rq->db, time(NULL), actor, "contact commune", phone, detail.data)) < 0)
			goto out;
		action = "placed";
		if (strcmp(web_form_str(&rq->form, "back"), "inbox") == 0)
			back_inbox = 1;
	} else {
		/* "optin" and anything else: an opt-out is never undone here */
		db_rollback(rq->db);
		if (strcmp(action, "optin") == 0 &&
		    (r = audit_write(rq->db, time(NULL), actor, "contact opt-in refused", phone, "web console")) < 0)
			goto out;
		r = web_error(rq, rs, 403, "Không được làm việc này. Chỉ người dân mới bỏ được việc ngừng nhận tin.",
			      "Not allowed. Only the household can undo an opt-out.");
		goto out;
	}
	if (back_inbox) {
		if ((r = db_commit(rq->db)) < 0 || (r = web_h(&where, "/inbox?unknown=1&ok=%.*s", WEB_RAW, action)) < 0)
			goto out;
	} else if ((r = db_commit(rq->db)) < 0 || (r = web_h(&where, "/contacts/%.*s?ok=%.*s",
						      WEB_URL, phone + (phone[0] == '+'),
						      WEB_RAW, action)) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	db_rollback(rq->db);
	buf_release(&where);
	buf_release(&detail);
	return r;
}
