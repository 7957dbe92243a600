/* Programs: the list with search and the "needs checking" flag, the editor
 * with its live SMS preview, saving through the import path.
 *
 * Every account reads programs; only administrators save (web_server.c's
 * route table). A save names the version it was edited from: when someone
 * else saved meanwhile it is refused (409) with the editor kept, never
 * overwriting their change silently. */
#include <string.h>

#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_programs.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_preview.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"
#include "handlers/vi/textfold.h"

#define SEARCH_MAX 200
#define LIST_LIMIT 500

enum field_kind { F_LINE, F_TEXT, F_DATE, F_NEEDS };

static const struct field {
	const char *name;
	enum field_kind kind;
	const char *vi, *en;
	const char *hint_vi, *hint_en;
} fields[] = {
	{ "code", F_LINE, "Mã", "Code", "Chữ in hoa, số, dấu gạch: BHYT, VAY-NGHEO",
	  "Capitals, digits, dashes: BHYT, VAY-NGHEO" },
	{ "category", F_LINE, "Nhóm", "Category", "", "" },
	{ "title_vi", F_LINE, "Tên (tiếng Việt)", "Title (Vietnamese)", "", "" },
	{ "title_en", F_LINE, "Tên (tiếng Anh)", "Title (English)", "", "" },
	{ "summary_vi", F_TEXT, "Tóm tắt (tiếng Việt)", "Summary (Vietnamese)",
	  "Phần đầu tin trả lời", "The start of the SMS answer" },
	{ "summary_en", F_TEXT, "Tóm tắt (tiếng Anh)", "Summary (English)", "", "" },
	{ "details_vi", F_TEXT, "Chi tiết", "Details", "", "" },
	{ "eligibility_vi", F_TEXT, "Đối tượng", "Eligibility", "", "" },
	{ "how_to_apply_vi", F_TEXT, "Cách làm", "How to apply", "Trang sau của tin trả lời",
	  "The next page of the answer" },
	{ "documents_vi", F_TEXT, "Giấy tờ cần mang", "What to bring", "", "" },
	{ "office", F_LINE, "Nơi liên hệ", "Office", "", "" },
	{ "legal_basis", F_TEXT, "Căn cứ pháp lý", "Legal basis", "", "" },
	{ "keywords", F_LINE, "Từ khóa", "Keywords", "Cách nhau bằng dấu chấm phẩy: bhyt; bảo hiểm y tế",
	  "Separated by semicolons: bhyt; health insurance" },
	{ "effective_from", F_DATE, "Hiệu lực từ", "Effective from", "", "" },
	{ "effective_until", F_DATE, "Hiệu lực đến", "Effective until", "", "" },
	{ "needs_check", F_NEEDS, "Cần kiểm tra", "Needs checking", "", "" },
	{ "caveat", F_TEXT, "Điều cần kiểm tra", "What to check", "", "" },
};

const char *web_program_field_label(const struct web_req *rq, const char *name)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].name, name) == 0)
			return web_t(rq, fields[i].vi, fields[i].en);
	return web_t(rq, "Khác", "Other");
}

/* The code in /programs/CODE[/...]. */
static int path_code(const struct web_req *rq, char *code, size_t codesz)
{
	return web_path_segment(rq->path, "/programs/", code, codesz, NULL);
}

int web_page_programs(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_form_str(&rq->query, "q");
	int check = strcmp(web_form_str(&rq->query, "check"), "1") == 0, n = 0, r;
	struct buf *b = &rs->body, folded, fts, who;
	sqlite3_stmt *st = NULL;

	buf_init(&who, 256);
	buf_init(&folded, SEARCH_MAX * 4);
	buf_init(&fts, SEARCH_MAX * 4 + 8);
	if (strlen(q) > SEARCH_MAX)
		q = "";
	/* the folded words as one FTS5 phrase: quotes doubled, nothing else
	 * of the query syntax can get through */
	if ((r = textfold_ascii(&folded, q, strlen(q))) < 0)
		goto out;
	buf_rtrim(&folded);
	if (folded.len) {
		if ((r = buf_addch(&fts, '"')) < 0)
			goto out;
		for (size_t i = 0; i < folded.len && r == 0; i++)
			r = folded.data[i] == '"' ? buf_adds(&fts, "\"\"") : buf_addch(&fts, folded.data[i]);
		if (r < 0 || (r = buf_addch(&fts, '"')) < 0)
			goto out;
	}
	if ((r = web_page_begin(rq, rs, web_t(rq, "Chính sách", "Programs"), "programs")) < 0)
		goto out;
	if ((r = web_h(b, "<form method=\"get\" action=\"/programs\" class=\"row\">"
			  "<input type=\"search\" name=\"q\" value=\"%s\" placeholder=\"%s\" aria-label=\"%s\">"
			  "<label><input type=\"checkbox\" name=\"check\" value=\"1\"%.*s> %s</label>"
			  "<button type=\"submit\">%s</button>%.*s</form>",
		       q, web_t(rq, "Tìm theo mã, tên, từ khóa", "Search code, title, keywords"),
		       web_t(rq, "Tìm", "Search"), WEB_RAW, check ? " checked" : "",
		       web_t(rq, "chỉ cần kiểm tra", "needs checking only"), web_t(rq, "Tìm", "Search"),
		       WEB_RAW, rq->acct.admin ? "<a class=\"btn second\" href=\"/programs/new\">+</a>" : "")) < 0)
		goto out;
	if ((r = db_prepare(rq->db, "SELECT p.code, p.title_vi, coalesce(nullif(p.title_en, ''), p.title_vi),"
				    " p.version, p.updated_at, p.updated_by, p.needs_check,"
				    " (SELECT count(*) FROM inbox i WHERE i.ref_code = p.code AND i.stored_at >= ?6)"
				    " FROM programs p WHERE (?1 = '' OR p.code LIKE '%' || ?1 || '%'"
				    "  OR p.title_vi LIKE '%' || ?1 || '%' OR p.title_en LIKE '%' || ?1 || '%'"
				    "  OR (?2 <> '' AND p.id IN (SELECT rowid FROM programs_fts"
				    "   WHERE programs_fts MATCH ?2)))"
				    " AND (?3 = 0 OR p.needs_check) ORDER BY p.needs_check DESC, p.code LIMIT ?4",
			    &st)) < 0)
		goto out;
	db_bind_text(st, 1, q);
	db_bind_text(st, 2, fts.data);
	sqlite3_bind_int(st, 3, check);
	sqlite3_bind_int(st, 4, LIST_LIMIT);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)rq->now - 30 * 86400);
	if ((r = web_table_begin(rq, b, "programs", "Mã", "Code", "Tên", "Title", "Hỏi (30 ngày)",
				 "Asked (30 days)", "Phiên bản", "Version", "Cập nhật", "Updated", NULL)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		char when[WEB_TIME_LEN];

		buf_reset(&who);
		if ((r = web_actor_label(rq, db_col_text(st, 5), &who)) < 0)
			goto out;
		web_fmt_time(rq, sqlite3_column_int64(st, 4), when, sizeof(when));
		if ((r = web_h(b, "<tr><td><a href=\"/programs/%.*s\">%s</a></td><td>%s%.*s</td><td>%d</td>"
				  "<td>%d</td><td><b class=\"who\">%s</b> <span class=\"muted when\">%s</span></td></tr>",
			       WEB_URL, db_col_text(st, 0), db_col_text(st, 0), db_col_text(st, rq->en ? 2 : 1),
			       WEB_RAW, sqlite3_column_int(st, 6) ? web_t(rq, " <span class=\"tag warn\">cần kiểm tra</span>",
								 " <span class=\"tag warn\">needs checking</span>")
							 : "",
			       sqlite3_column_int(st, 7), sqlite3_column_int(st, 3), who.data, when)) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	if ((r = web_h(b, WEB_TABLE_END "<p class=\"muted\">%d %s</p>", n,
		       web_t(rq, "chính sách", "programs"))) < 0)
		goto out;
	r = web_page_end(rq, rs);
out:
	if (st)
		sqlite3_reset(st);
	buf_release(&who);
	buf_release(&folded);
	buf_release(&fts);
	return r;
}

static int preview_side(struct web_req *rq, struct buf *b, const struct web_preview_side *s,
			const char *id, const char *title, int is_default)
{
	int r;

	if ((r = web_h(b, "<div id=\"%.*s\"><h3>%s%.*s</h3><p class=\"muted\">%d%.*s %s · %s: <b class=\"parts\">%d</b>"
			  " SMS · %s: <b class=\"total\">%d%.*s</b> SMS</p>",
		       WEB_RAW, id, title, WEB_RAW, is_default ? web_t(rq, " <span class=\"tag ok\">mặc định</span>",
						     " <span class=\"tag ok\">default</span>") : "",
		       s->pages, WEB_RAW, s->more ? "+" : "", web_t(rq, "trang", "page(s)"),
		       web_t(rq, "trang 1", "page 1"), s->shown ? s->page[0].parts : 0,
		       web_t(rq, "cả bài", "whole answer"), s->parts_total, WEB_RAW, s->more ? "+" : "")) < 0)
		return r;
	for (int i = 0; i < s->shown; i++)
		if ((r = web_h(b, "<div class=\"sms\">%s<span class=\"meta\">%s %d/%d · %.*s · %d SMS · %d %s</span></div>",
			       s->page[i].text, web_t(rq, "Trang", "Page"), i + 1, s->pages,
			       WEB_RAW, s->page[i].ucs2 ? web_t(rq, "có dấu", "accented") : web_t(rq, "không dấu", "unaccented"), s->page[i].parts,
			       (int)strlen(s->page[i].text), web_t(rq, "byte", "bytes"))) < 0)
			return r;
	if (s->pages > s->shown &&
	    (r = web_h(b, "<p class=\"muted\">… %d%.*s %s</p>", s->pages - s->shown, WEB_RAW, s->more ? "+" : "",
		       web_t(rq, "trang nữa", "more pages"))) < 0)
		return r;
	return buf_adds(b, "</div>");
}

/* The preview box's content for the form's values. */
static int preview_html(struct web_req *rq, const struct web_form *form, struct buf *b)
{
	struct web_preview p;
	json_t *rec = NULL;
	int r;

	web_preview_init(&p);
	if ((r = web_preview_record(form, &rec)) < 0 ||
	    (r = web_preview_program(rq->scratch, rq->cfg, rec, rq->en ? "en" : "vi", &p)) < 0)
		goto out;
	if (*p.error) {
		r = web_notice(b, "err", p.error);
		goto out;
	}
	if ((r = web_h(b, "<p class=\"muted\">%s</p>",
		       web_t(rq, "Đúng như người dân nhận khi nhắn CS + mã. Mỗi SMS là một phần tin tính tiền.",
			     "Exactly what a household receives for CS + code. Each SMS part is charged."))) < 0 ||
	    (r = preview_side(rq, b, &p.accented, "preview-accented", web_t(rq, "Có dấu", "Accented"),
			      !p.default_unaccented)) < 0 ||
	    (r = preview_side(rq, b, &p.unaccented, "preview-plain", web_t(rq, "Không dấu", "Unaccented"),
			      p.default_unaccented)) < 0)
		goto out;
out:
	json_decref(rec);
	web_preview_release(&p);
	return r;
}

int web_page_program_preview(struct web_req *rq, struct web_resp *rs)
{
	return preview_html(rq, &rq->form, &rs->body);
}

/* The editor: values from form, error (and the field it names) shown. */
static int editor(struct web_req *rq, struct web_resp *rs, const char *code,
		  const struct web_form *form, int version, const char *error, const char *bad_field)
{
	struct buf *b = &rs->body;
	int ro = !rq->acct.admin, is_new = !code, r;
	const char *needs = web_form_str(form, "needs_check");

	if ((r = web_page_begin(rq, rs, is_new ? web_t(rq, "Chính sách mới", "New program") : code,
				"programs")) < 0)
		return r;
	if (!is_new && (r = web_h(b, "<p class=\"actions\"><a class=\"btn second\" href=\"/programs/%.*s/history\">%s</a>"
				     "<a class=\"btn second\" href=\"/programs\">%s</a></p>",
				  WEB_URL, code,
				  web_t(rq, "Lịch sử và khôi phục", "History and revert"),
				  web_t(rq, "Danh sách", "All programs"))) < 0)
		return r;
	if (error && (r = web_notice(b, "err", error)) < 0)
		return r;
	if (ro && (r = web_notice(b, "ok", web_t(rq, "Chỉ quản trị viên được sửa chính sách; bạn xem được bản xem trước.",
						 "Only an administrator may change programs; you can see the preview."))) < 0)
		return r;
	if ((r = web_h(b, "<div class=\"editor\"><form method=\"post\" action=\"%.*s%.*s\" class=\"stack card\""
			  " id=\"program-form\" data-preview=\"/preview/program\">",
		       WEB_RAW, is_new ? "/programs/new" : "/programs/",
		       WEB_URL, is_new ? "" : code)) < 0 ||
	    (r = web_csrf_field(rq, b)) < 0 ||
	    (r = web_h(b, "<input type=\"hidden\" name=\"version\" value=\"%d\">", version)) < 0)
		return r;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		const char *v = web_form_str(form, f->name);
		const char *hint = web_t(rq, f->hint_vi, f->hint_en);
		int bad = bad_field && strcmp(bad_field, f->name) == 0;

		if ((r = web_h(b, "<div%.*s><label for=\"f-%.*s\">%s%.*s%s%.*s</label>",
			       WEB_RAW, bad ? " class=\"bad\"" : "", WEB_RAW, f->name,
			       web_t(rq, f->vi, f->en), WEB_RAW, *hint ? " <span class=\"hint\">" : "",
			       hint, WEB_RAW, *hint ? "</span>" : "")) < 0)
			return r;
		if (f->kind == F_TEXT)
			r = web_h(b, "<textarea id=\"f-%.*s\" name=\"%.*s\" rows=\"%d\"%.*s>%s</textarea>",
				  WEB_RAW, f->name, WEB_RAW, f->name, strlen(v) > 300 ? 8 : 3,
				  WEB_RAW, ro ? " readonly" : "", v);
		else if (f->kind == F_NEEDS) {
			if ((r = web_h(b, "<select id=\"f-%.*s\" name=\"%.*s\"%.*s>", WEB_RAW, f->name,
				       WEB_RAW, f->name, WEB_RAW, ro ? " disabled" : "")) < 0 ||
			    (r = web_option(b, "", web_t(rq, "Tự động (có khi còn điều cần kiểm tra)",
							 "Automatic (yes while there is something to check)"),
					    needs)) < 0 ||
			    (r = web_option(b, "yes", web_t(rq, "Có", "Yes"), needs)) < 0 ||
			    (r = web_option(b, "no", web_t(rq, "Không", "No"), needs)) < 0)
				return r;
			r = buf_adds(b, "</select>");
		}
		else
			r = web_h(b, "<input type=\"%.*s\" id=\"f-%.*s\" name=\"%.*s\" value=\"%s\"%.*s>",
				  WEB_RAW, f->kind == F_DATE ? "date" : "text", WEB_RAW, f->name,
				  WEB_RAW, f->name, v,
				  WEB_RAW, ro || (!is_new && strcmp(f->name, "code") == 0) ? " readonly" : "");
		if (r < 0 || (r = buf_adds(b, "</div>")) < 0)
			return r;
	}
	if ((r = web_h(b, "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"preview\""
			  " class=\"second\" id=\"preview-btn\">%s</button>%.*s%s%.*s</p></form>",
		       web_t(rq, "Xem trước", "Preview"),
		       WEB_RAW, ro ? "" : "<button type=\"submit\" name=\"action\" value=\"save\" id=\"save\">",
		       ro ? "" : web_t(rq, "Lưu", "Save"), WEB_RAW, ro ? "" : "</button>")) < 0)
		return r;
	if ((r = web_h(b, "<aside class=\"side card\"><h2>%s</h2><div id=\"preview\" aria-live=\"polite\">",
		       web_t(rq, "Tin nhắn người dân nhận được", "The SMS a household receives"))) < 0 ||
	    (r = preview_html(rq, form, b)) < 0 || (r = buf_adds(b, "</div></aside></div>")) < 0)
		return r;
	return web_page_end(rq, rs);
}

int web_page_program(struct web_req *rq, struct web_resp *rs)
{
	char code[40];
	struct web_form form;
	json_t *rec = NULL;
	int version = 0, r;

	web_form_init(&form);
	if (path_code(rq, code, sizeof(code)) < 0) {
		r = web_error(rq, rs, 404, "Không có chính sách này.", "No such program.");
		goto out;
	}
	r = content_programs_get(rq->db, code, &rec, &version);
	if (r == GW_ERR_NOTFOUND) {
		r = web_error(rq, rs, 404, "Không có chính sách này.", "No such program.");
		goto out;
	}
	if (r < 0 || (r = web_preview_form(rec, &form)) < 0)
		goto out;
	r = editor(rq, rs, code, &form, version, NULL, NULL);
out:
	json_decref(rec);
	web_form_release(&form);
	return r;
}

int web_page_program_new(struct web_req *rq, struct web_resp *rs)
{
	struct web_form form;
	int r;

	web_form_init(&form);
	r = editor(rq, rs, NULL, &form, 0, NULL, NULL);
	web_form_release(&form);
	return r;
}

/* POST /programs/new and /programs/CODE: preview, or save through
 * content_apply (validation, history, audit) and go back to the editor. */
int web_page_program_save(struct web_req *rq, struct web_resp *rs)
{
	int is_new = strcmp(rq->path, "/programs/new") == 0, changed, r;
	char code[40], err[1024], actor[64], field[32];
	struct content_report rep;
	struct content_opts o;
	struct buf where;
	json_t *rec = NULL, *records = NULL;
	long long version = 0;
	const char *posted = web_form_str(&rq->form, "code");

	content_report_init(&rep);
	buf_init(&where, WEB_URL_MAX);
	err[0] = field[0] = '\0';
	if (!is_new && path_code(rq, code, sizeof(code)) < 0) {
		r = web_error(rq, rs, 404, "Không có chính sách này.", "No such program.");
		goto out;
	}
	if (web_form_int(&rq->form, "version", 0, 1000000000, &version) < 0) {
		r = web_error(rq, rs, 400, "Biểu mẫu thiếu phiên bản.", "The form lacks its version.");
		goto out;
	}
	if (strcmp(web_form_str(&rq->form, "action"), "preview") == 0) {
		r = editor(rq, rs, is_new ? NULL : code, &rq->form, (int)version, NULL, NULL);
		goto out;
	}
	if (!is_new && strcmp(posted, code) != 0) {
		r = editor(rq, rs, code, &rq->form, (int)version,
			   web_t(rq, "Không đổi được mã ở đây (thêm chính sách mới, rồi xóa cái cũ).",
				 "The code cannot change here (add a new program, then remove the old one)."),
			   "code");
		rs->status = 400;
		goto out;
	}
	if ((r = web_preview_record(&rq->form, &rec)) < 0 || !(records = json_array()) ||
	    json_array_append(records, rec) < 0) {
		r = r < 0 ? r : GW_ERR_NOMEM;
		goto out;
	}
	web_actor(rq, actor, sizeof(actor));
	content_opts_init(&o, actor, "form");
	o.action = is_new ? "program add" : "program edit";
	o.target = posted;
	o.expect_version = is_new ? -1 : (int)version;
	r = content_apply(rq->db, CONTENT_PROGRAMS, records, &o, &rep, err, sizeof(err));
	if (r < 0 && (*err || r == GW_ERR_INVAL)) {
		/* refused: the editor again, with what the person typed */
		unsigned status = r == GW_ERR_BUSY || r == GW_ERR_EXISTS || r == GW_ERR_NOTFOUND ? 409 : 400;
		const char *why = *err ? err : gw_strerror(r);
		const char *p = strstr(why, "): ");

		if (p && strcspn(p + 3, ":") < sizeof(field)) {
			memcpy(field, p + 3, strcspn(p + 3, ":"));
			field[strcspn(p + 3, ":")] = '\0';
		}
		if (r == GW_ERR_BUSY && strstr(why, "someone else"))
			why = web_t(rq, "Người khác vừa lưu chính sách này. Hãy mở lại trang để xem bản mới, rồi sửa lại.",
				    "Someone else saved this program meanwhile. Reopen it to see their version, then edit again.");
		if ((r = editor(rq, rs, is_new ? NULL : code, &rq->form, (int)version, why, field)) == 0)
			rs->status = status;
		goto out;
	}
	if (r < 0)
		goto out;
	changed = rep.n.added + rep.n.changed;
	if ((r = web_h(&where, "/programs/%.*s?ok=%.*s", WEB_URL, posted,
		       WEB_RAW, changed ? "saved" : "nochange")) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	json_decref(rec);
	json_decref(records);
	content_report_release(&rep);
	buf_release(&where);
	return r;
}
