/* A program's history: every kept version, what changed between two of
 * them field by field (word diff), and revert, which saves an old version
 * as a new one through the import path (so nothing is ever lost: the
 * version replaced is kept too). */
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/content_programs.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_diff.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_preview.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"

#define VERSIONS_MAX 200
#define FIELD_TEXT_MAX (256 * 1024)

struct version_row {
	int version;
	int current;
	int64_t when;
	char who[64];
	char title[160];
};

/* Current version first, then every kept one, newest first. */
static int load_versions(struct db *db, const char *code, struct version_row *out, size_t max,
			 size_t *n)
{
	sqlite3_stmt *st;
	size_t k = 0;
	int r;

	if ((r = db_prepare(db, "SELECT version, 1, updated_at, updated_by, title_vi FROM programs"
				" WHERE code = ?1 UNION ALL SELECT version, 0, changed_at, changed_by,"
				" json_extract(data, '$.title_vi') FROM program_history WHERE code = ?1"
				" ORDER BY 1 DESC", &st)) < 0)
		return r;
	db_bind_text(st, 1, code);
	while ((r = db_step(st)) == DB_ROW && k < max) {
		struct version_row *v = &out[k++];

		v->version = sqlite3_column_int(st, 0);
		v->current = sqlite3_column_int(st, 1);
		v->when = sqlite3_column_int64(st, 2);
		if (gw_strlcpy(v->who, db_col_text(st, 3), sizeof(v->who)) < 0)
			gw_strlcpy(v->who, "?", sizeof(v->who));
		if (gw_strlcpy(v->title, db_col_text(st, 4), sizeof(v->title)) < 0)
			gw_strlcpy(v->title, "…", sizeof(v->title));
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	*n = k;
	return 0;
}

static int diff_table(struct web_req *rq, struct buf *b, const char *code, int va, int vb)
{
	json_t *a = NULL, *c = NULL;
	struct buf ta, tb;
	int changed = 0, r;

	buf_init(&ta, FIELD_TEXT_MAX);
	buf_init(&tb, FIELD_TEXT_MAX);
	if ((r = content_programs_version(rq->db, code, va, &a)) < 0 ||
	    (r = content_programs_version(rq->db, code, vb, &c)) < 0)
		goto out;
	if ((r = web_h(b, "<h2>%s %d → %d</h2><div class=\"tbl diff\"><table id=\"diff\"><thead><tr>"
			  "<th>%s</th><th>%s</th></tr></thead><tbody>",
		       web_t(rq, "Thay đổi từ phiên bản", "Changes from version"), va, vb,
		       web_t(rq, "Trường", "Field"), web_t(rq, "Thay đổi", "Change"))) < 0)
		goto out;
	for (size_t i = 0; web_preview_fields[i]; i++) {
		buf_reset(&ta);
		buf_reset(&tb);
		if ((r = content_io_field_text(CONTENT_PROGRAMS, a, web_preview_fields[i], &ta)) < 0 ||
		    (r = content_io_field_text(CONTENT_PROGRAMS, c, web_preview_fields[i], &tb)) < 0)
			goto out;
		if (strcmp(ta.data, tb.data) == 0)
			continue;
		changed++;
		if ((r = web_h(b, "<tr><th>%s</th><td>", web_program_field_label(rq, web_preview_fields[i]))) < 0 ||
		    (r = web_diff_words(ta.data, tb.data, b)) < 0 || (r = buf_adds(b, "</td></tr>")) < 0)
			goto out;
	}
	if (!changed && (r = web_h(b, "<tr><td colspan=\"2\" class=\"muted\">%s</td></tr>",
				   web_t(rq, "Giống nhau.", "Identical."))) < 0)
		goto out;
	r = buf_adds(b, WEB_TABLE_END);
out:
	json_decref(a);
	json_decref(c);
	buf_release(&ta);
	buf_release(&tb);
	return r;
}

int web_page_program_history(struct web_req *rq, struct web_resp *rs)
{
	struct version_row *v = calloc(VERSIONS_MAX, sizeof(*v));
	struct buf *b = &rs->body, title, who;
	long long va = 0, vb = 0;
	char code[40], when[24];
	size_t n = 0;
	int r = GW_ERR_NOMEM;

	buf_init(&title, 256);
	buf_init(&who, 256);
	if (!v)
		goto out;
	if (web_path_segment(rq->path, "/programs/", code, sizeof(code), NULL) < 0 ||
	    (r = load_versions(rq->db, code, v, VERSIONS_MAX, &n)) < 0 || n == 0) {
		r = r < 0 ? r : web_error(rq, rs, 404, "Không có chính sách này.", "No such program.");
		goto out;
	}
	/* default: the newest change */
	vb = v[0].version;
	va = n > 1 ? v[1].version : v[0].version;
	if (web_form_get(&rq->query, "a") && web_form_int(&rq->query, "a", 1, 1000000000, &va) < 0)
		va = n > 1 ? v[1].version : v[0].version;
	if (web_form_get(&rq->query, "b") && web_form_int(&rq->query, "b", 1, 1000000000, &vb) < 0)
		vb = v[0].version;
	if ((r = web_h(&title, "%s %s", code, web_t(rq, "· lịch sử", "· history"))) < 0 ||
	    (r = web_page_begin(rq, rs, title.data, "programs")) < 0)
		goto out;
	if ((r = web_h(b, "<p class=\"actions\"><a class=\"btn second\" href=\"/programs/%.*s\">%s</a></p>",
		       WEB_URL, code, web_t(rq, "Mở trình sửa", "Open the editor"))) < 0 ||
	    (r = web_table_begin(rq, b, "versions", "Phiên bản", "Version", "Tên", "Title", "Khi nào", "When",
				 "Ai", "Who", "", "", NULL)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&who);
		if ((r = web_actor_label(rq, v[i].who, &who)) < 0)
			goto out;
		web_fmt_time(rq, v[i].when, when, sizeof(when));
		if ((r = web_h(b, "<tr><td>%d %.*s</td><td>%s</td><td>%s <span class=\"muted\">%s</span></td>"
				  "<td><b class=\"who\">%s</b></td><td>",
			       v[i].version,
			       WEB_RAW, v[i].current ? web_t(rq, "<span class=\"tag ok\">hiện tại</span>",
						    "<span class=\"tag ok\">current</span>")
					    : "",
			       v[i].title,
			       v[i].current ? web_t(rq, "lưu", "saved") : web_t(rq, "bị thay", "replaced"),
			       when, who.data)) < 0)
			goto out;
		if (i + 1 < n && (r = web_h(b, "<a href=\"/programs/%.*s/history?a=%d&amp;b=%d\">%s</a> ",
					    WEB_URL, code, v[i + 1].version, v[i].version,
					    web_t(rq, "xem thay đổi", "see changes"))) < 0)
			goto out;
		if (!v[i].current && rq->acct.admin) {
			if ((r = web_h(b, "<form method=\"post\" action=\"/programs/%.*s/revert\" class=\"inline\">",
				       WEB_URL, code)) < 0 ||
			    (r = web_csrf_field(rq, b)) < 0 ||
			    (r = web_h(b, "<input type=\"hidden\" name=\"version\" value=\"%d\">"
					  "<button type=\"submit\" class=\"second\" data-confirm=\"%s\">%s</button></form>",
				       v[i].version,
				       web_t(rq, "Khôi phục phiên bản này?", "Restore this version?"),
				       web_t(rq, "Khôi phục", "Revert"))) < 0)
				goto out;
		}
		if ((r = buf_adds(b, "</td></tr>")) < 0)
			goto out;
	}
	if ((r = buf_adds(b, WEB_TABLE_END)) < 0)
		goto out;
	if (va != vb) {
		r = diff_table(rq, b, code, (int)va, (int)vb);
		if (r == GW_ERR_NOTFOUND)
			r = web_notice(b, "err", web_t(rq, "Không có phiên bản đó.", "No such version."));
		if (r < 0)
			goto out;
	}
	r = web_page_end(rq, rs);
out:
	free(v);
	buf_release(&title);
	buf_release(&who);
	return r;
}

int web_page_program_revert(struct web_req *rq, struct web_resp *rs)
{
	char code[40], err[1024], actor[64], source[48];
	struct content_report rep;
	struct content_opts o;
	json_t *rec = NULL, *records = NULL;
	long long version = 0;
	struct buf where;
	int r;

	content_report_init(&rep);
	buf_init(&where, WEB_URL_MAX);
	err[0] = '\0';
	if (web_path_segment(rq->path, "/programs/", code, sizeof(code), NULL) < 0 ||
	    web_form_int(&rq->form, "version", 1, 1000000000, &version) < 0) {
		r = web_error(rq, rs, 400, "Thiếu phiên bản.", "Which version?");
		goto out;
	}
	r = content_programs_version(rq->db, code, (int)version, &rec);
	if (r == GW_ERR_NOTFOUND) {
		r = web_error(rq, rs, 404, "Không có phiên bản đó.", "No such version.");
		goto out;
	}
	if (r < 0 || !(records = json_array()) || json_array_append(records, rec) < 0) {
		r = r < 0 ? r : GW_ERR_NOMEM;
		goto out;
	}
	web_actor(rq, actor, sizeof(actor));
	if ((r = web_h(&where, "version %lld", (long long)version)) < 0 ||
	    (r = gw_strlcpy(source, where.data, sizeof(source))) < 0)
		goto out;
	buf_reset(&where);
	content_opts_init(&o, actor, source);
	o.action = "program revert";
	o.target = code;
	if ((r = content_apply(rq->db, CONTENT_PROGRAMS, records, &o, &rep, err, sizeof(err))) < 0) {
		r = *err ? web_error(rq, rs, 409, err, err) : r;
		goto out;
	}
	if ((r = web_h(&where, "/programs/%.*s?ok=%.*s", WEB_URL, code,
		       WEB_RAW, rep.n.added + rep.n.changed ? "reverted" : "nochange")) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	json_decref(rec);
	json_decref(records);
	content_report_release(&rep);
	buf_release(&where);
	return r;
}
