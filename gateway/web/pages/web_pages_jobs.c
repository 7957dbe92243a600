/* Job offers: the list (the account's commune), posting, editing, closing,
 * and who applied with the status of each referral.
 *
 * An offer is a record of the import shape (content.h) built from the form
 * fields (the CSV columns, content_io.h), validated by content_validate and
 * written by content_jobs_save in one transaction with its audit row, so
 * the console accepts exactly what an import accepts. An offer posted here
 * gets the code JOB-WEB-<number> and the posting officer as its officer
 * (the one told about applicants). */
#include <stdlib.h>
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/content_jobs.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_input.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_words.h"
#include "handlers/features/broadcast.h"
#include "handlers/features/jobs.h"
#include "handlers/features/referrals.h"

#define SEARCH_MAX 200
#define LIST_LIMIT 300
#define FIELD_TEXT_MAX (64 * 1024)
#define BROADCASTS_SHOWN 10

static const struct jfield {
	const char *name;
	int textarea;
	const char *vi, *en;
} jfields[] = {
	{ "title", 0, "Tên việc", "Title" },
	{ "title_en", 0, "Tên việc (tiếng Anh)", "Title (English)" },
	{ "employer", 0, "Đơn vị tuyển", "Employer" },
	{ "industrial_zone", 0, "Khu công nghiệp", "Industrial zone" },
	{ "commune", 0, "Xã", "Commune" },
	{ "district", 0, "Huyện", "District" },
	{ "province", 0, "Tỉnh", "Province" },
	{ "type", 0, "Loại việc (may, cong nhan, bao ve, lai xe, kho, thoi vu, ban thoi gian, xkld)",
	  "Type (may, cong nhan, bao ve, lai xe, kho, thoi vu, ban thoi gian, xkld)" },
	{ "wage_min", 0, "Lương thấp nhất (đồng, ví dụ 5.000.000 hoặc 5tr)", "Wage from (dong, e.g. 5,000,000 or 5tr)" },
	{ "wage_max", 0, "Lương cao nhất (đồng)", "Wage to (dong)" },
	{ "wage_text", 0, "Lương (chữ)", "Wage (text)" },
	{ "requirements", 1, "Yêu cầu", "Requirements" },
	{ "benefits", 1, "Quyền lợi", "Benefits" },
	{ "age_min", 0, "Tuổi từ", "Age from" },
	{ "age_max", 0, "Tuổi đến", "Age to" },
	{ "gender", 0, "Giới (nam/nữ, trống = cả hai)", "Gender (empty = either)" },
	{ "headcount", 0, "Số người cần", "Headcount" },
	{ "shift", 0, "Ca làm", "Shift" },
	{ "contact", 0, "Liên hệ", "Contact" },
	{ "deadline", 0, "Hạn nộp (ví dụ 31/12/2026)", "Deadline (e.g. 31/12/2026)" },
	{ "keywords", 0, "Từ khóa (cách nhau bằng ;)", "Keywords (separated by ;)" },
};

static const char *const referral_states[] = { "new", "contacted", "hired", "rejected", "withdrawn", NULL };

/* Post and broadcasts buttons, and the search form. */
static int jobs_filter(struct web_req *rq, struct buf *b, const char *q, const char *status)
{
	int r;

	if ((r = web_h(b, "<p class=\"actions\"><a class=\"btn\" href=\"/jobs/new\" id=\"post-job\">%s</a>"
			  "<a class=\"btn second\" href=\"/broadcasts\">%s</a></p>"
			  "<form method=\"get\" action=\"/jobs\" class=\"row\"><input type=\"search\" name=\"q\""
			  " value=\"%s\" aria-label=\"%s\" placeholder=\"%s\"><select name=\"status\" aria-label=\"%s\">",
		       web_t(rq, "Đăng tin việc làm", "Post a job offer"),
		       web_t(rq, "Tin quảng bá đã gửi", "Broadcasts"), q, web_t(rq, "Tìm", "Search"),
		       web_t(rq, "Tìm theo tên, mã, nơi làm", "Search title, code, place"),
		       web_t(rq, "Trạng thái", "Status"))) < 0 ||
	    (r = web_option(b, "", web_t(rq, "Tất cả", "All"), status)) < 0 ||
	    (r = web_option(b, "open", web_t(rq, "Đang tuyển", "Open"), status)) < 0 ||
	    (r = web_option(b, "closed", web_t(rq, "Đã đóng", "Closed"), status)) < 0)
		return r;
	return web_h(b, "</select><button type=\"submit\">%s</button></form>", web_t(rq, "Tìm", "Search"));
}

/* The account's offers that match, open ones first, with their referrals. */
static int jobs_table(struct web_req *rq, struct buf *b, const char *q, const char *status)
{
	sqlite3_stmt *st;
	int n = 0, r;

	if ((r = db_prepare(rq->db, "SELECT j.id, j.code, j.title, j.commune, j.district, j.status,"
				    " coalesce(j.deadline, ''),"
				    " (SELECT count(*) FROM referrals r WHERE r.job_id = j.id),"
				    " (SELECT count(*) FROM referrals r WHERE r.job_id = j.id AND r.status = 'new')"
				    " FROM jobs j WHERE " SCOPE_JOB("j")
				    " AND (?4 = '' OR j.title LIKE '%' || ?4 || '%' OR j.code LIKE '%' || ?4 || '%'"
				    "  OR j.folded LIKE '%' || ?4 || '%' OR j.commune LIKE '%' || ?4 || '%')"
				    " AND (?5 = '' OR j.status = ?5)"
				    " ORDER BY j.status = 'open' DESC, j.id DESC LIMIT ?6", &st)) < 0)
		return r;
	scope_bind(st, &rq->acct);
	db_bind_text(st, 4, q);
	db_bind_text(st, 5, status);
	sqlite3_bind_int(st, 6, LIST_LIMIT);
	if ((r = web_table_begin(rq, b, "jobs", "#", "#", "Việc", "Offer", "Nơi", "Place", "Hạn", "Deadline",
				 "Trạng thái", "Status", "Ứng tuyển (mới)", "Applied (new)", NULL)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		int open = strcmp(db_col_text(st, 5), "open") == 0;
		char deadline[WEB_TIME_LEN];

		web_fmt_daystr(rq, db_col_text(st, 6), deadline, sizeof(deadline));

		if ((r = web_h(b, "<tr><td>%lld</td><td><a href=\"/jobs/%lld\">%s</a> <span class=\"muted\">%s</span></td>"
				  "<td>%s%.*s%s</td><td class=\"when\">%s</td><td><span class=\"tag %.*s\">%s</span></td>"
				  "<td>%d (%d)</td></tr>",
			       (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 0),
			       db_col_text(st, 2), db_col_text(st, 1), db_col_text(st, 3),
			       WEB_RAW, *db_col_text(st, 3) && *db_col_text(st, 4) ? ", " : "", db_col_text(st, 4),
			       deadline, WEB_RAW, open ? "ok" : "",
			       open ? web_t(rq, "đang tuyển", "open") : web_t(rq, "đã đóng", "closed"),
			       sqlite3_column_int(st, 7), sqlite3_column_int(st, 8))) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	r = web_h(b, WEB_TABLE_END "<p class=\"muted\">%d %s</p>", n, web_t(rq, "tin việc làm", "offers"));
out:
	sqlite3_reset(st);
	return r;
}

int web_page_jobs(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_form_str(&rq->query, "q"), *status = web_form_str(&rq->query, "status");
	int r;

	if (strlen(q) > SEARCH_MAX)
		q = "";
	if (strcmp(status, "open") != 0 && strcmp(status, "closed") != 0)
		status = "";
	if ((r = web_page_begin(rq, rs, web_t(rq, "Việc làm", "Jobs"), "jobs")) < 0 ||
	    (r = jobs_filter(rq, &rs->body, q, status)) < 0 || (r = jobs_table(rq, &rs->body, q, status)) < 0)
		return r;
	return web_page_end(rq, rs);
}

/* The form's values: from the posted form, or from a stored record. */
static const char *value_of(const struct web_form *posted, json_t *rec, const char *name,
			    struct buf *tmp)
{
	if (posted)
		return web_form_str(posted, name);
	buf_reset(tmp);
	if (!rec || content_io_field_text(CONTENT_JOBS, rec, name, tmp) < 0)
		return "";
	return tmp->data;
}

static int job_form(struct web_req *rq, struct buf *b, int64_t id, const struct web_form *posted,
		    json_t *rec, const char *bad_field)
{
	struct buf tmp;
	int r;

	buf_init(&tmp, FIELD_TEXT_MAX);
	if (id)
		r = web_h(b, "<form method=\"post\" action=\"/jobs/%lld\" class=\"stack card\" id=\"job-form\">",
			  (long long)id);
	else
		r = web_h(b, "<form method=\"post\" action=\"/jobs/new\" class=\"stack card\" id=\"job-form\">");
	if (r < 0 || (r = web_csrf_field(rq, b)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(jfields) / sizeof(jfields[0]); i++) {
		const struct jfield *f = &jfields[i];
		const char *v = value_of(posted, rec, f->name, &tmp);
		int bad = bad_field && strcmp(bad_field, f->name) == 0;

		if ((r = web_h(b, "<div%.*s><label for=\"j-%.*s\">%s</label>",
			       WEB_RAW, bad ? " class=\"bad\"" : "", WEB_RAW, f->name,
			       web_t(rq, f->vi, f->en))) < 0)
			goto out;
		if (f->textarea)
			r = web_h(b, "<textarea id=\"j-%.*s\" name=\"%.*s\" rows=\"3\">%s</textarea></div>",
				  WEB_RAW, f->name, WEB_RAW, f->name, v);
		else
			r = web_h(b, "<input type=\"text\" id=\"j-%.*s\" name=\"%.*s\" value=\"%s\"%.*s></div>",
				  WEB_RAW, f->name, WEB_RAW, f->name, v,
				  WEB_RAW, strcmp(f->name, "title") == 0 ? " required" : "");
		if (r < 0)
			goto out;
	}
	r = web_h(b, "<p><button type=\"submit\" id=\"save-job\">%s</button></p></form>",
		  id ? web_t(rq, "Lưu thay đổi", "Save changes") : web_t(rq, "Đăng tin", "Post the offer"));
out:
	buf_release(&tmp);
	return r;
}

static int referrals_table(struct web_req *rq, struct buf *b, int64_t job_id)
{
	sqlite3_stmt *st;
	char when[24], local[32];
	int n = 0, r;

	if ((r = db_prepare(rq->db, "SELECT id, phone, status, created_at, officer_notified FROM referrals"
				    " WHERE job_id = ? ORDER BY created_at DESC", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, job_id);
	if ((r = web_h(b, "<h2>%s</h2>", web_t(rq, "Người ứng tuyển", "Who applied"))) < 0 ||
	    (r = web_table_begin(rq, b, "referrals", "Số điện thoại", "Phone", "Ngày", "When",
				 "Trạng thái", "Status", NULL)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		const char *cur = db_col_text(st, 2);

		web_fmt_time(rq, sqlite3_column_int64(st, 3), when, sizeof(when));
		referrals_local_phone(db_col_text(st, 1), local, sizeof(local));
		if ((r = web_h(b, "<tr><td><a href=\"/contacts/%.*s\">%s</a></td><td>%s</td><td>"
				  "<form method=\"post\" action=\"/referrals/%lld\" class=\"row\">",
			       WEB_URL, db_col_text(st, 1) + (*db_col_text(st, 1) == '+'), local, when,
			       (long long)sqlite3_column_int64(st, 0))) < 0 ||
		    (r = web_csrf_field(rq, b)) < 0 ||
		    (r = web_h(b, "<select name=\"status\" aria-label=\"%s\">",
			       web_t(rq, "Trạng thái", "Status"))) < 0)
			goto out;
		for (int k = 0; referral_states[k]; k++)
			if ((r = web_option(b, referral_states[k], web_referral_label(rq, referral_states[k]), cur)) < 0)
				goto out;
		if ((r = web_h(b, "</select><button type=\"submit\" class=\"second\">%s</button></form></td></tr>",
			       web_t(rq, "Lưu", "Save"))) < 0)
			goto out;
		n++;
	}
	if (r < 0)
		goto out;
	if (!n && (r = web_h(b, "<tr><td colspan=\"3\" class=\"muted\">%s</td></tr>",
			     web_t(rq, "Chưa có ai ứng tuyển.", "Nobody has applied yet."))) < 0)
		goto out;
	r = buf_adds(b, WEB_TABLE_END);
out:
	sqlite3_reset(st);
	return r;
}

/* This offer's broadcasts with their progress. The ids are read first:
 * broadcast_progress prepares statements of its own. */
static int job_broadcasts(struct web_req *rq, struct buf *b, int64_t job_id)
{
	int64_t ids[BROADCASTS_SHOWN];
	sqlite3_stmt *st;
	struct buf line;
	size_t n = 0;
	int r;

	buf_init(&line, 512);
	if ((r = db_prepare(rq->db, "SELECT id FROM broadcasts WHERE job_id = ? ORDER BY id DESC LIMIT ?",
			    &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int(st, 2, BROADCASTS_SHOWN);
	while ((r = db_step(st)) == DB_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	if (r < 0 || !n)
		goto out;
	if ((r = web_h(b, "<h2>%s</h2><ul class=\"plain\" id=\"job-broadcasts\">",
		       web_t(rq, "Đã gửi quảng bá", "Broadcasts of this offer"))) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct broadcast_progress p;

		buf_reset(&line);
		if ((r = broadcast_progress(rq->db, rq->cfg, ids[i], rq->now, &p)) < 0 ||
		    (r = broadcast_progress_text(rq->cfg, &p, rq->en, &line)) < 0 ||
		    (r = web_h(b, "<li>#%lld: %s</li>", (long long)ids[i], line.data)) < 0)
			goto out;
	}
	r = buf_adds(b, "</ul>");
out:
	buf_release(&line);
	return r;
}

/* An offer's state and, while it is open, its broadcast and close buttons. */
static int job_status(struct web_req *rq, struct buf *b, const struct job *j)
{
	int r;

	if ((r = web_h(b, "<p><span class=\"tag %.*s\">%s</span> <span class=\"muted\">%s</span></p>"
			  "<p class=\"actions\">",
		       WEB_RAW, j->open ? "ok" : "",
		       j->open ? web_t(rq, "đang tuyển", "open") : web_t(rq, "đã đóng", "closed"), j->code)) < 0)
		return r;
	if (j->open &&
	    ((r = web_h(b, "<a class=\"btn\" href=\"/jobs/%lld/broadcast\" id=\"broadcast\">%s</a>"
			   "<form method=\"post\" action=\"/jobs/%lld/close\" class=\"inline\">",
			(long long)j->id, web_t(rq, "Gửi quảng bá", "Broadcast"), (long long)j->id)) < 0 ||
	     (r = web_csrf_field(rq, b)) < 0 ||
	     (r = web_h(b, "<button type=\"submit\" class=\"danger\" data-confirm=\"%s\">%s</button></form>",
			web_t(rq, "Đóng tin này? Tin quảng bá chưa gửi sẽ bị hủy.",
			      "Close this offer? Broadcast messages not sent yet are cancelled."),
			web_t(rq, "Đóng tin", "Close the offer"))) < 0))
		return r;
	return buf_adds(b, "</p>");
}

/* An offer (id) or a new one (0): its state, who applied, its broadcasts,
 * then the form; posted, error and bad_field when a save was refused. */
static int job_page(struct web_req *rq, struct web_resp *rs, int64_t id, const struct web_form *posted,
		    const char *error, const char *bad_field)
{
	struct buf *b = &rs->body, title;
	json_t *rec = NULL;
	struct job *j = calloc(1, sizeof(*j));
	int r = GW_ERR_NOMEM;

	buf_init(&title, 512);
	if (!j)
		goto out;
	if (id) {
		if ((r = jobs_get(rq->db, id, j)) < 0 || (r = content_jobs_get(rq->db, j->code, &rec)) < 0 ||
		    (r = web_h(&title, "%lld. %s", (long long)id, j->title)) < 0)
			goto out;
	} else if ((r = buf_adds(&title, web_t(rq, "Đăng tin việc làm", "Post a job offer"))) < 0) {
		goto out;
	}
	if ((r = web_page_begin(rq, rs, title.data, "jobs")) < 0 ||
	    (error && (r = web_notice(b, "err", error)) < 0))
		goto out;
	if (id && ((r = job_status(rq, b, j)) < 0 || (r = referrals_table(rq, b, id)) < 0 ||
		   (r = job_broadcasts(rq, b, id)) < 0 ||
		   (r = web_h(b, "<h2>%s</h2>", web_t(rq, "Sửa tin", "Edit the offer"))) < 0))
		goto out;
	if ((r = job_form(rq, b, id, posted, rec, bad_field)) < 0)
		goto out;
	r = web_page_end(rq, rs);
out:
	free(j);
	json_decref(rec);
	buf_release(&title);
	return r;
}

/* The id in /jobs/ID[/...]: 0 for "new"; GW_ERR_NOTFOUND otherwise. */
static int path_job(const struct web_req *rq, int64_t *id)
{
	char seg[24];

	if (web_path_segment(rq->path, "/jobs/", seg, sizeof(seg), NULL) < 0)
		return GW_ERR_NOTFOUND;
	if (strcmp(seg, "new") == 0) {
		*id = 0;
		return 0;
	}
	return web_parse_id(seg, id) < 0 ? GW_ERR_NOTFOUND : 0;
}

/* The job of the path if the account may touch it (else the page is
 * written and *done set). */
static int job_in_scope(struct web_req *rq, struct web_resp *rs, int64_t *id, int *done)
{
	int v;

	*done = 1;
	if (path_job(rq, id) < 0)
		return web_error(rq, rs, 404, "Không có tin này.", "No such offer.");
	if (*id == 0) {
		*done = 0;
		return 0;
	}
	v = scope_job(rq->db, &rq->acct, *id);
	if (v != 0)
		return web_scope_refused(rq, rs, v);
	*done = 0;
	return 0;
}

int web_page_job(struct web_req *rq, struct web_resp *rs)
{
	int64_t id = 0;
	int done = 0, r;

	if ((r = job_in_scope(rq, rs, &id, &done)) < 0 || done)
		return r;
	return job_page(rq, rs, id, NULL, NULL, NULL);
}

/* The record of the posted form; keeps what the form does not show
 * (status, sample) from the stored one. */
static int record_of(const struct web_form *form, const char *code, json_t *stored, json_t **out)
{
	json_t *rec = json_object();
	int r = GW_ERR_NOMEM;

	if (!rec || json_object_set_new(rec, "id", json_string(code)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(jfields) / sizeof(jfields[0]); i++)
		if ((r = content_io_set_field(CONTENT_JOBS, rec, jfields[i].name,
					      web_form_str(form, jfields[i].name))) < 0)
			goto out;
	if (stored) {
		json_t *v;

		if ((v = json_object_get(stored, "status")) && json_object_set(rec, "status", v) < 0)
			goto out;
		if ((v = json_object_get(stored, "sample")) && json_object_set(rec, "sample", v) < 0)
			goto out;
	}
	*out = rec;
	rec = NULL;
	r = 0;
out:
	json_decref(rec);
	return r;
}

/* How each field is typed, and what to say when it cannot be read. */
enum kind { K_TEXT, K_AMOUNT, K_COUNT, K_DATE };

static const struct {
	const char *name;
	enum kind kind;
	const char *vi, *en;
} readers[] = {
	{ "wage_min", K_AMOUNT, "Lương phải là số, ví dụ 5.000.000 hoặc 5tr.",
	  "The wage must be a number, e.g. 5,000,000 or 5tr." },
	{ "wage_max", K_AMOUNT, "Lương phải là số, ví dụ 5.000.000 hoặc 5tr.",
	  "The wage must be a number, e.g. 5,000,000 or 5tr." },
	{ "age_min", K_COUNT, "Tuổi phải là số, ví dụ 18.", "The age must be a number, e.g. 18." },
	{ "age_max", K_COUNT, "Tuổi phải là số, ví dụ 45.", "The age must be a number, e.g. 45." },
	{ "headcount", K_COUNT, "Số người cần phải là số, ví dụ 20.", "The headcount must be a number, e.g. 20." },
	{ "deadline", K_DATE, "Hạn nộp phải là một ngày từ hôm nay, ví dụ 31/12/2026.",
	  "The deadline must be a day from today on, e.g. 31/12/2026." },
	{ "title", K_TEXT, "Hãy ghi tên việc.", "Give the offer a title." },
};

/* The plain message for a field the validator refused. */
static const char *field_message(const struct web_req *rq, const char *field)
{
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (strcmp(readers[i].name, field) == 0)
			return web_t(rq, readers[i].vi, readers[i].en);
	return NULL;
}

/* The form with numbers and dates as the import path wants them
 * (web_input.h); *bad names the first field that cannot be read, or a
 * range whose lowest is above its highest. */
static int read_form(struct web_req *rq, struct web_form *out, const char **bad, const char **msg)
{
	long long v[4] = { -1, -1, -1, -1 };
	int r = 0;

	*bad = NULL;
	for (size_t i = 0; i < sizeof(jfields) / sizeof(jfields[0]) && r == 0; i++) {
		const char *name = jfields[i].name, *typed = web_form_str(&rq->form, name);
		char val[32];
		long long n = 0;
		int got = GW_ERR_NOTFOUND, k;

		for (k = 0; k < (int)(sizeof(readers) / sizeof(readers[0])); k++)
			if (strcmp(readers[k].name, name) == 0)
				break;
		if (k < (int)(sizeof(readers) / sizeof(readers[0])) && readers[k].kind != K_TEXT) {
			if (readers[k].kind == K_AMOUNT)
				got = web_input_amount(typed, &n);
			else if (readers[k].kind == K_COUNT)
				got = web_input_count(typed, &n);
			else
				got = web_input_date(typed, rq->now, rq->cfg->office.utc_offset_min, val, sizeof(val));
			if (got == GW_ERR_INVAL && !*bad) {
				*bad = name;
				*msg = web_t(rq, readers[k].vi, readers[k].en);
			}
			if (got == 0 && readers[k].kind != K_DATE)
				snprintf(val, sizeof(val), "%lld", n);
			if (got == 0 && k < 4)
				v[k] = n;
		}
		r = web_form_add(out, name, got == 0 ? val : typed);
	}
	if (r == 0 && !*bad && v[0] >= 0 && v[1] >= 0 && v[0] > v[1]) {
		*bad = "wage_max";
		*msg = web_t(rq, "Lương cao nhất phải từ lương thấp nhất trở lên.",
			     "The highest wage must not be below the lowest.");
	}
	if (r == 0 && !*bad && v[2] >= 0 && v[3] >= 0 && v[2] > v[3]) {
		*bad = "age_max";
		*msg = web_t(rq, "Tuổi đến phải từ tuổi từ trở lên.", "The oldest age must not be below the youngest.");
	}
	return r;
}

/* The code of the offer being saved: its own (and *stored, its stored
 * record), or for a new one a code nobody else hands out, checked again
 * inside the transaction (code_free). */
static int job_code(struct web_req *rq, int64_t id, char *code, size_t codesz, json_t **stored)
{
	struct buf gen;
	struct job j;
	int64_t next = 0;
	int r;

	buf_init(&gen, 64);
	if (id) {
		if ((r = jobs_get(rq->db, id, &j)) == 0 && (r = gw_strlcpy(code, j.code, codesz)) == 0)
			r = content_jobs_get(rq->db, code, stored);
	} else if ((r = db_query_int64(rq->db, "SELECT coalesce(max(id), 0) + 1 FROM jobs", &next)) == 0 &&
		   (r = jobs_free_code(rq->db, "WEB", &next, &gen)) == 0) {
		r = gw_strlcpy(code, gen.data, codesz);
	}
	buf_release(&gen);
	return r;
}

/* The form again as she typed it, the field marked, the complaint in
 * plain words (the validator's own text only for a field without one). */
static int refuse_form(struct web_req *rq, struct web_resp *rs, int64_t id, const char *err,
		       const char *bad_field)
{
	const char *p = strstr(err, "): "), *plain;
	char field[32] = "";
	struct buf msg;
	int r;

	buf_init(&msg, 1024);
	if (bad_field) {
		gw_strlcpy(field, bad_field, sizeof(field));
	} else if (p && strcspn(p + 3, ":") < sizeof(field)) {
		memcpy(field, p + 3, strcspn(p + 3, ":"));
		field[strcspn(p + 3, ":")] = '\0';
	}
	plain = bad_field ? err : field_message(rq, field);
	if (!plain) {
		for (size_t i = 0; i < sizeof(jfields) / sizeof(jfields[0]); i++)
			if (strcmp(jfields[i].name, field) == 0 &&
			    (r = buf_addf(&msg, rq->en ? "Check the field \"%s\"." : "Ô \"%s\" chưa đúng, hãy sửa lại.",
					  web_t(rq, jfields[i].vi, jfields[i].en))) < 0)
				goto out;
		plain = msg.len ? msg.data : web_t(rq, "Tin chưa lưu được, hãy kiểm tra các ô.",
						   "The offer was not saved; check the fields.");
	}
	if ((r = job_page(rq, rs, id, &rq->form, plain, field)) == 0)
		rs->status = 400;
out:
	buf_release(&msg);
	return r;
}

/* In the transaction, before a new offer is saved: GW_ERR_BUSY when
 * someone else took its code meanwhile (try again). */
static int code_free(struct web_req *rq, const char *code)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(rq->db, "SELECT count(*) FROM jobs WHERE code = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, code);
	if ((r = db_step(st)) == DB_ROW)
		r = sqlite3_column_int(st, 0) ? GW_ERR_BUSY : 0;
	else if (r >= 0)
		r = GW_ERR_BUSY;
	sqlite3_reset(st);
	return r;
}

/* After a new offer is saved: the posting officer becomes its officer
 * (the one told about applicants); *id gets its number. */
static int claim_new(struct web_req *rq, const char *code, int64_t *id)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(rq->db, "UPDATE jobs SET officer_id = ? WHERE code = ?", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, rq->acct.id);
	db_bind_text(st, 2, code);
	if ((r = db_step(st)) < 0 || (r = db_prepare(rq->db, "SELECT id FROM jobs WHERE code = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, code);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_DB;
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* An officer posts and edits offers in their own commune only
 * (scope_job_commune): anything else is the form again with the commune
 * marked, 403, audited. */
static int commune_in_scope(struct web_req *rq, struct web_resp *rs, int64_t id, const char *code,
			    int *done)
{
	struct buf err;
	char actor[64];
	int r;

	*done = 0;
	if (scope_job_commune(&rq->acct, web_form_str(&rq->form, "commune")) == 0)
		return 0;
	*done = 1;
	buf_init(&err, 512);
	web_actor(rq, actor, sizeof(actor));
	if ((r = scope_audit_refusal(rq->db, time(NULL), actor, "job save", code, &rq->acct)) < 0 ||
	    (r = buf_addf(&err, "%s %s.", web_t(rq, "Tin việc của bạn phải ở xã của bạn:",
						  "Your offers must be in your commune:"),
			  *rq->acct.commune ? rq->acct.commune : "-")) < 0 ||
	    (r = refuse_form(rq, rs, id, err.data, "commune")) < 0)
		goto out;
	rs->status = 403;
out:
	buf_release(&err);
	return r;
}

int web_page_job_save(struct web_req *rq, struct web_resp *rs)
{
	char err[1024], actor[64], code[40];
	struct content_opts o;
	enum content_outcome oc = CONTENT_UNCHANGED;
	json_t *rec = NULL, *stored = NULL, *records = json_array();
	const char *bad = NULL, *why = NULL;
	struct web_form typed;
	struct buf where;
	int64_t id = 0;
	int done = 0, r;

	web_form_init(&typed);
	buf_init(&where, WEB_URL_MAX);
	err[0] = '\0';
	if ((r = job_in_scope(rq, rs, &id, &done)) < 0 || done)
		goto out;
	if ((r = read_form(rq, &typed, &bad, &why)) < 0)
		goto out;
	if (bad) {
		r = refuse_form(rq, rs, id, why, bad);
		goto out;
	}
	r = GW_ERR_NOMEM;
	if (!records || (r = job_code(rq, id, code, sizeof(code), &stored)) < 0 ||
	    (r = record_of(&typed, code, stored, &rec)) < 0)
		goto out;
	if (json_array_append(records, rec) < 0) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	web_actor(rq, actor, sizeof(actor));
	content_opts_init(&o, actor, "form");
	if (content_validate(CONTENT_JOBS, records, &o, err, sizeof(err)) < 0) {
		r = refuse_form(rq, rs, id, err, NULL);
		goto out;
	}
	if ((r = commune_in_scope(rq, rs, id, code, &done)) < 0 || done)
		goto out;
	if ((r = db_begin(rq->db)) < 0 || (!id && (r = code_free(rq, code)) < 0) ||
	    (r = content_jobs_save(rq->db, rec, (int64_t)rq->now, 0, &oc)) < 0)
		goto out;
	if (!id) {
		if ((r = claim_new(rq, code, &id)) < 0)
			goto out;
	} else if ((r = scope_job(rq->db, &rq->acct, id)) != 0) {
		/* an officer may not move an offer out of their own commune */
		db_rollback(rq->db);
		r = r == GW_ERR_AUTH ? web_scope_refused(rq, rs, r) : r;
		goto out;
	}
	if ((r = audit_write(rq->db, time(NULL), actor, stored ? "job edit" : "job add", code,
			     oc == CONTENT_UNCHANGED ? "unchanged" : "from the web console")) < 0 ||
	    (r = db_commit(rq->db)) < 0)
		goto out;
	if ((r = web_h(&where, "/jobs/%lld?ok=%.*s", (long long)id,
		       WEB_RAW, !stored ? "posted" : oc == CONTENT_UNCHANGED ? "nochange" : "saved")) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	db_rollback(rq->db);
	json_decref(rec);
	json_decref(stored);
	json_decref(records);
	web_form_release(&typed);
	buf_release(&where);
	return r;
}

int web_page_job_close(struct web_req *rq, struct web_resp *rs)
{
	char actor[64];
	struct buf where;
	int64_t id = 0;
	int done = 0, cancelled = 0, r;

	buf_init(&where, WEB_URL_MAX);
	if ((r = job_in_scope(rq, rs, &id, &done)) < 0 || done)
		goto out;
	web_actor(rq, actor, sizeof(actor));
	if ((r = db_begin(rq->db)) < 0)
		goto out;
	r = jobs_close(rq->db, id, actor, rq->now, &cancelled);
	if (r == GW_ERR_EXISTS) { /* closed already: nothing to do */
		db_rollback(rq->db);
		r = 0;
	} else if (r < 0 || (r = db_commit(rq->db)) < 0) {
		goto out;
	}
	if ((r = web_h(&where, "/jobs/%lld?ok=closed", (long long)id)) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	db_rollback(rq->db);
	buf_release(&where);
	return r;
}

int web_page_referral_status(struct web_req *rq, struct web_resp *rs)
{
	const char *status = web_form_str(&rq->form, "status");
	char seg[24], actor[64];
	struct buf where, detail;
	sqlite3_stmt *st;
	int64_t id = 0, job = 0;
	int ok = 0, v, r;

	buf_init(&where, WEB_URL_MAX);
	buf_init(&detail, 256);
	for (int k = 0; referral_states[k]; k++)
		ok |= strcmp(status, referral_states[k]) == 0;
	if (web_path_segment(rq->path, "/referrals/", seg, sizeof(seg), NULL) < 0 ||
	    web_parse_id(seg, &id) < 0 || !ok) {
		r = web_error(rq, rs, 400, "Trạng thái không hợp lệ.", "Not a valid status.");
		goto out;
	}
	if ((r = db_prepare(rq->db, "SELECT job_id FROM referrals WHERE id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) == DB_ROW)
		job = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	if ((v = job ? scope_job(rq->db, &rq->acct, job) : GW_ERR_NOTFOUND) != 0) {
		r = web_scope_refused(rq, rs, v);
		goto out;
	}
	web_actor(rq, actor, sizeof(actor));
	if ((r = db_begin(rq->db)) < 0 ||
	    (r = db_prepare(rq->db, "UPDATE referrals SET status = ? WHERE id = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, id);
	if ((r = db_step(st)) < 0 || (r = buf_addf(&detail, "referral %lld: %s", (long long)id, status)) < 0 ||
	    (r = audit_write(rq->db, time(NULL), actor, "referral status", "", detail.data)) < 0 ||
	    (r = db_commit(rq->db)) < 0)
		goto out;
	if ((r = web_h(&where, "/jobs/%lld?ok=status", (long long)job)) < 0)
		goto out;
	r = web_redirect(rs, where.data);
out:
	db_rollback(rq->db);
	buf_release(&where);
	buf_release(&detail);
	return r;
}
