/* web_words.c - see web_words.h. */
#include "gateway/web/web_words.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "gateway/web/web_html.h"
#include "handlers/features/attention.h"
#include "handlers/features/calendar.h"
#include "handlers/features/referrals.h"

#define NBSP "\xc2\xa0"

/* vi and en of one stored value. */
struct word {
	const char *value, *vi, *en;
};

/* The label of value in table (n rows), else the fallback pair. */
static const char *lookup(const struct web_req *rq, const struct word *table, size_t n,
			  const char *value, const char *vi, const char *en)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(value ? value : "", table[i].value) == 0)
			return web_t(rq, table[i].vi, table[i].en);
	return web_t(rq, vi, en);
}

#define LOOKUP(rq, table, value, vi, en) \
	lookup(rq, table, sizeof(table) / sizeof(table[0]), value, vi, en)

static void fmt_date(const struct web_req *rq, int64_t dayno, struct buf *b)
{
	int y, m, d;

	calendar_date(dayno, &y, &m, &d);
	if (buf_addf(b, "%s" NBSP "%02d/%02d/%04d", calendar_weekday_short(calendar_weekday(dayno), rq->en),
		     d, m, y) < 0)
		buf_reset(b);
}

static void fmt_minute(const struct web_req *rq, int minute, struct buf *b)
{
	if (buf_addf(b, rq->en ? "%02d:%02d" : "%dh%02d", minute / 60, minute % 60) < 0)
		buf_reset(b);
}

static void to_out(struct buf *b, char *out, size_t outsz)
{
	if (gw_strlcpy(out, b->data, outsz) < 0)
		gw_strlcpy(out, "?", outsz);
	buf_release(b);
}

void web_fmt_time(const struct web_req *rq, int64_t t, char *out, size_t outsz)
{
	int64_t dayno;
	int minute;
	struct buf b;

	if (t <= 0) {
		gw_strlcpy(out, "-", outsz);
		return;
	}
	buf_init(&b, WEB_TIME_LEN);
	calendar_local_day((time_t)t, rq->cfg->office.utc_offset_min, &dayno, &minute);
	fmt_date(rq, dayno, &b);
	if (buf_adds(&b, NBSP) == 0)
		fmt_minute(rq, minute, &b);
	to_out(&b, out, outsz);
}

void web_fmt_soon(const struct web_req *rq, int64_t t, char *out, size_t outsz)
{
	int64_t day, today;
	int minute, now_minute;
	struct buf b;

	calendar_local_day((time_t)t, rq->cfg->office.utc_offset_min, &day, &minute);
	calendar_local_day(rq->now, rq->cfg->office.utc_offset_min, &today, &now_minute);
	if (t <= 0 || day < today || day > today + 1) {
		web_fmt_time(rq, t, out, outsz);
		return;
	}
	buf_init(&b, WEB_TIME_LEN);
	if (buf_adds(&b, day == today ? web_t(rq, "hôm nay" NBSP, "today" NBSP)
				      : web_t(rq, "ngày mai" NBSP, "tomorrow" NBSP)) == 0)
		fmt_minute(rq, minute, &b);
	to_out(&b, out, outsz);
}

void web_fmt_day(const struct web_req *rq, int64_t t, char *out, size_t outsz)
{
	int64_t dayno;
	int minute;

	calendar_local_day((time_t)t, rq->cfg->office.utc_offset_min, &dayno, &minute);
	web_fmt_dayno(rq, dayno, out, outsz);
}

void web_fmt_dayno(const struct web_req *rq, int64_t dayno, char *out, size_t outsz)
{
	struct buf b;

	buf_init(&b, WEB_TIME_LEN);
	fmt_date(rq, dayno, &b);
	to_out(&b, out, outsz);
}

void web_fmt_daystr(const struct web_req *rq, const char *ymd, char *out, size_t outsz)
{
	int64_t dayno;

	if (!ymd || !*ymd)
		gw_strlcpy(out, "-", outsz);
	else if (calendar_parse_day(ymd, &dayno) == 0)
		web_fmt_dayno(rq, dayno, out, outsz);
	else
		gw_strlcpy(out, ymd, outsz);
}

void web_fmt_minute(const struct web_req *rq, int minute, char *out, size_t outsz)
{
	struct buf b;

	buf_init(&b, WEB_TIME_LEN);
	fmt_minute(rq, minute, &b);
	to_out(&b, out, outsz);
}

void web_fmt_hhmm(const struct web_req *rq, const char *hhmm, char *out, size_t outsz)
{
	int minute;

	if (hhmm && calendar_parse_hhmm(hhmm, &minute) == 0)
		web_fmt_minute(rq, minute, out, outsz);
	else
		gw_strlcpy(out, hhmm ? hhmm : "", outsz);
}

int web_fmt_periods(const struct web_req *rq, const char *spec, struct buf *out)
{
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	char a[WEB_TIME_LEN], z[WEB_TIME_LEN];
	size_t n = 0;
	int r;

	if (calendar_parse_periods(spec, p, CALENDAR_MAX_PERIODS, &n) < 0)
		return buf_adds(out, spec);
	for (size_t i = 0; i < n; i++) {
		web_fmt_minute(rq, p[i].opens, a, sizeof(a));
		web_fmt_minute(rq, p[i].closes, z, sizeof(z));
		if ((r = buf_addf(out, "%s%s–%s", i ? ", " : "", a, z)) < 0)
			return r;
	}
	return 0;
}

int web_fmt_amount(const struct web_req *rq, long long v, struct buf *out)
{
	char digits[32];
	int n, r = 0;

	if (v < 0 && (r = buf_addch(out, '-')) < 0)
		return r;
	n = snprintf(digits, sizeof(digits), "%llu", v < 0 ? 0ULL - (unsigned long long)v
							  : (unsigned long long)v);
	for (int i = 0; i < n && r == 0; i++) {
		if (i && (n - i) % 3 == 0)
			r = buf_addch(out, rq->en ? ',' : '.');
		if (r == 0)
			r = buf_addch(out, digits[i]);
	}
	return r;
}

static const struct word intents[] = {
	{ "policy", "Hỏi chính sách", "Program question" },
	{ "eligibility", "Tự kiểm tra", "Self-check" },
	{ "job_list", "Tìm việc", "Job search" },
	{ "job_apply", "Ứng tuyển", "Job application" },
	{ "job_subscribe", "Đăng ký tin việc", "Job alerts" },
	{ "appointment", "Lịch hẹn", "Appointment" },
	{ "menu", "Danh mục", "Menu" },
	{ "help", "Xin hướng dẫn", "Asked for help" },
	{ "stop", "Ngừng nhận tin", "Stop" },
	{ "start", "Nhận tin lại", "Start again" },
	{ "preference", "Cài đặt", "Preference" },
	{ "unknown", "Không hiểu", "Not understood" },
	{ "noise", "Chào hỏi, tin lạc", "Chatter" },
	{ "officer_job_post", "Cán bộ đăng việc", "Officer posts a job" },
	{ "officer_job_close", "Cán bộ đóng việc", "Officer closes a job" },
	{ "officer_broadcast", "Cán bộ gửi thông báo", "Officer broadcast" },
	{ "officer_confirm", "Cán bộ xác nhận hẹn", "Officer confirms" },
	{ "officer_move", "Cán bộ dời hẹn", "Officer moves" },
	{ "", "Chưa xử lý", "Not handled" },
};

const char *web_intent_label(const struct web_req *rq, const char *intent)
{
	return LOOKUP(rq, intents, intent, "Khác", "Other");
}

static const struct word referral_states[] = {
	{ "new", "mới", "new" },
	{ "contacted", "đã liên hệ", "contacted" },
	{ "hired", "đã nhận việc", "hired" },
	{ "rejected", "không đạt", "rejected" },
	{ "withdrawn", "rút lui", "withdrawn" },
};

const char *web_referral_label(const struct web_req *rq, const char *status)
{
	return LOOKUP(rq, referral_states, status, "khác", "other");
}

static const struct word inbox_states[] = {
	{ "new", "chưa xử lý", "not handled yet" },
	{ "handled", "đã trả lời tự động", "answered automatically" },
	{ "skipped", "không trả lời", "not answered" },
	{ "failed", "lỗi khi xử lý", "handling failed" },
};

const char *web_inbox_status_label(const struct web_req *rq, const char *status)
{
	return LOOKUP(rq, inbox_states, status, "khác", "other");
}

static const struct word inbox_errors[] = {
	{ "", "", "" },
	{ "service sender", "số dịch vụ của nhà mạng, không được trả lời",
	  "an operator's service number, never answered" },
	{ "rate limited", "gửi quá nhiều tin trong một giờ", "too many messages in an hour" },
};

const char *web_inbox_error_label(const struct web_req *rq, const char *error)
{
	return LOOKUP(rq, inbox_errors, error, "lỗi của máy chủ (xem nhật ký)", "a server error (see the log)");
}

static const struct word outbox_states[] = {
	{ "queued", "chờ gửi", "waiting" },
	{ "sending", "đang gửi", "sending" },
	{ "sent", "đã gửi", "sent" },
	{ "failed", "gửi lỗi", "failed" },
	{ "sent_unknown", "có thể đã gửi", "maybe sent" },
	{ "cancelled", "đã hủy", "cancelled" },
};

const char *web_outbox_status_label(const struct web_req *rq, const char *status)
{
	return LOOKUP(rq, outbox_states, status, "khác", "other");
}

static const struct word outbox_kinds[] = {
	{ "reply", "trả lời", "reply" },
	{ "notify", "thông báo", "notice" },
	{ "reminder", "nhắc lịch hẹn", "reminder" },
	{ "broadcast", "tin quảng bá", "broadcast" },
	{ "warning", "nhắc nhở", "warning" },
};

const char *web_outbox_kind_label(const struct web_req *rq, const char *kind)
{
	return LOOKUP(rq, outbox_kinds, kind, "tin nhắn", "message");
}

static const struct word appt_states[] = {
	{ "requested", "chờ xác nhận", "requested" },
	{ "confirmed", "đã xác nhận", "confirmed" },
	{ "declined", "từ chối", "declined" },
	{ "cancelled", "đã hủy", "cancelled" },
	{ "done", "xong", "done" },
};

const char *web_appt_status_label(const struct web_req *rq, const char *status)
{
	return LOOKUP(rq, appt_states, status, "khác", "other");
}

static const struct word day_kinds[] = {
	{ "holiday", "Nghỉ lễ", "Holiday" },
	{ "closed", "Đóng cửa", "Closed" },
	{ "special", "Ngày đặc biệt (vẫn mở)", "Special (open)" },
};

const char *web_day_kind_label(const struct web_req *rq, const char *kind)
{
	return LOOKUP(rq, day_kinds, kind, "Khác", "Other");
}

static const struct word langs[] = {
	{ "vi", "tiếng Việt", "Vietnamese" },
	{ "en", "tiếng Anh", "English" },
};

const char *web_lang_label(const struct web_req *rq, const char *lang)
{
	return LOOKUP(rq, langs, lang, "tiếng Việt", "Vietnamese");
}

static const struct word sim_states[] = {
	{ "ready", "sẵn sàng", "ready" },
	{ "pin", "chờ nhập mã PIN", "waiting for its PIN" },
	{ "puk", "bị khóa, cần mã PUK", "locked, needs its PUK" },
	{ "code", "chờ mã mở khóa", "waiting for a code" },
	{ "nosim", "không có SIM", "no SIM" },
	{ "", "chưa rõ", "not known yet" },
};

const char *web_sim_label(const struct web_req *rq, const char *security)
{
	return LOOKUP(rq, sim_states, security, "chưa rõ", "not known");
}

const char *web_attention_label(const struct web_req *rq, int reason)
{
	switch (reason) {
	case ATTENTION_HEALTH:
		return web_t(rq, "Có thể cấp cứu, sức khỏe", "Maybe a health emergency");
	case ATTENTION_FAILED:
		return web_t(rq, "Máy chủ lỗi, chỉ gửi lời xin lỗi", "Handling failed: only an apology went");
	case ATTENTION_HELP_TEXT:
		return web_t(rq, "Chỉ nhận được hướng dẫn chung", "Got only the help text");
	default:
		return "";
	}
}

const char *web_encoding_label(const struct web_req *rq, int ucs2)
{
	return ucs2 ? web_t(rq, "có dấu (70 ký tự một tin)", "accented (70 characters a part)")
		    : web_t(rq, "không dấu (160 ký tự một tin)", "unaccented (160 characters a part)");
}

int web_actor_label(const struct web_req *rq, const char *actor, struct buf *out)
{
	const char *phone = actor ? actor : "";
	char local[32];
	sqlite3_stmt *st;
	int r;

	if (strncmp(phone, "cli:", 4) == 0 || strcmp(phone, "cli") == 0)
		return buf_adds(out, web_t(rq, "Quản trị (trên máy chủ)", "Administrator (on the box)"));
	if (strncmp(phone, "web:", 4) == 0)
		phone += 4;
	if (*phone != '+')
		return buf_adds(out, *phone ? web_t(rq, "Nhập từ tệp", "Imported from a file") : "-");
	r = db_row(rq->db, "SELECT name FROM officers WHERE phone = ?", DB_ARGS(DB_TEXT(phone)), &st);
	if (r == 0) {
		r = buf_adds(out, db_col_text(st, 0));
		sqlite3_reset(st);
		return r;
	}
	if (r != GW_ERR_NOTFOUND)
		return r;
	referrals_local_phone(phone, local, sizeof(local));
	return buf_adds(out, local);
}
