#include "handlers/features/appointments_sms.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/request.h"
#include "handlers/features/appointments_text.h"

#define SMS_TEXT_MAX 4096
#define LIST_MAX 5
#define TAIL_TOPIC_MAX 30 /* a longer topic is not worth repeating in a template */
#define LETTERS "abcdefghijklmnopqrstuvwxyz"

/* ---- reading the message ---- */

/* Where phrase occurs in text as whole words, or NULL. */
static const char *find_phrase(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	const char *p;

	for (p = strstr(text, phrase); p; p = strstr(p + 1, phrase))
		if ((p == text || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			break;
	return p;
}

static int has_phrase(const char *text, const char *phrase)
{
	return find_phrase(text, phrase) != NULL;
}

static int has_any(const char *text, const char *const *phrases)
{
	for (; *phrases; phrases++)
		if (has_phrase(text, *phrases))
			return 1;
	return 0;
}

static const char *const cancel_cues[] = { "huy hen", "huy lich", "huy lich hen", "bo hen",
					   "cancel", NULL };
static const char *const move_cues[] = { "doi hen", "doi lich", "doi sang", "doi ngay", "doi gio",
					 "doi lai", "chuyen lich", "chuyen hen", "chuyen sang",
					 "lui lich", "hoan hen", "hoan lich", "reschedule", "move",
					 NULL };
/* asking about an appointment already made, not for a new one ("xac nhan"
 * alone is no cue: "giay xac nhan" is a paper to bring) */
static const char *const list_cues[] = { "xac nhan hen", "xac nhan lich", "lich hen cua",
					 "lich cua toi", "lich cua em", "xem lich", "kiem tra lich",
					 "xem hen", "chua thay", "chua co ai", "dat lich roi",
					 "dat hen roi", "da dat lich", "da dat hen", "my appointment",
					 "my appointments", NULL };

static enum appointments_action action_of(const char *command, const char *args)
{
	static const char *const show_words[] = { "xem", "ds", "list", "danh sach", NULL };
	enum appointments_action a = APPOINTMENTS_BOOK;

	if (strcmp(command, "HUY HEN") == 0)
		a = APPOINTMENTS_CANCEL;
	else if (strcmp(command, "DOI HEN") == 0)
		a = APPOINTMENTS_MOVE;
	else if (*command) /* HEN and its aliases: alone (or "xem") it lists */
		a = *args == '\0' || (strlen(args) < 12 && has_any(args, show_words))
			? APPOINTMENTS_LIST : APPOINTMENTS_BOOK;
	else if (has_any(args, cancel_cues))
		a = APPOINTMENTS_CANCEL;
	else if (has_any(args, move_cues))
		a = APPOINTMENTS_MOVE;
	else if (has_any(args, list_cues))
		a = APPOINTMENTS_LIST;
	return a;
}

/* 1 when p (inside text) follows a number, directly or after one space. */
static int after_number(const char *text, const char *p)
{
	if (p > text && p[-1] == ' ')
		p--;
	return p > text && isdigit((unsigned char)p[-1]);
}

/* English day and time words as the Vietnamese the date reader knows.
 * None of them is a Vietnamese word, so they are read in any message
 * (short English texts do not always read as English), except "am" before
 * "lich": "15/7 am lich" is a lunar date. */
static int english_to_vi(const char *text, struct buf *out)
{
	static const struct {
		const char *en, *vi;
	} map[] = {
		{ "monday", "thu 2" }, { "tuesday", "thu 3" }, { "wednesday", "thu 4" },
		{ "thursday", "thu 5" }, { "friday", "thu 6" }, { "saturday", "thu 7" },
		{ "sunday", "chu nhat" }, { "tomorrow", "mai" }, { "today", "hom nay" },
		{ "morning", "sang" }, { "afternoon", "chieu" }, { "evening", "toi" },
		{ "am", "gio sang" }, { "pm", "gio chieu" }, { "next week", "tuan sau" },
	};
	const char *p = text;
	int r = 0;

	while (*p && r == 0) {
		size_t i, n = 0, digits = 0;

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			int clock = strcmp(map[i].en, "am") == 0 || strcmp(map[i].en, "pm") == 0;

			n = strlen(map[i].en);
			if (strncmp(p, map[i].en, n) != 0 || !strchr(" ?,.", p[n]) ||
			    (clock && strncmp(p + n, " lich", 5) == 0))
				continue;
			/* "am"/"pm" only after a number ("9am", "9 am"): "I am" is no time */
			if (clock ? after_number(text, p) : (p == text || p[-1] == ' '))
				break;
		}
		if (i < sizeof(map) / sizeof(map[0])) {
			/* "9am": the number stays, a space goes in between */
			if (p > text && isdigit((unsigned char)p[-1]))
				r = buf_addch(out, ' ');
			if (r == 0)
				r = buf_adds(out, map[i].vi);
			p += n;
			continue;
		}
		while (isdigit((unsigned char)p[digits]))
			digits++;
		if (digits) {
			r = buf_add(out, p, digits);
			p += digits;
			continue;
		}
		r = buf_addch(out, *p++);
	}
	return r;
}

/* Copy text without [from, to) into topic, spaces and stray punctuation
 * trimmed, cut to fit. */
static void keep_topic(const char *text, size_t from, size_t to, char *topic, size_t sz)
{
	size_t n = 0, len = strlen(text);

	for (size_t i = 0; i < len && n + 1 < sz; i++) {
		char c = text[i];

		if (i >= from && i < to)
			continue;
		if (c == ' ' && (n == 0 || topic[n - 1] == ' '))
			continue;
		topic[n++] = c;
	}
	while (n > 0 && strchr(" ,.?!-", topic[n - 1]))
		n--;
	topic[n] = '\0';
}

int appointments_understand(const char *command, const char *args,
			    const struct datetime_vi_now *now, struct appointments_ask *out)
{
	struct appointments_ask a;
	struct buf text;
	const char *why = NULL, *week = NULL;
	size_t from, to;
	int r;

	memset(&a, 0, sizeof(a));
	buf_init(&text, DATETIME_VI_MAX_TEXT);
	a.action = action_of(command, args);
	if ((r = english_to_vi(args, &text)) < 0)
		goto out;
	r = datetime_vi_parse(text.data, now, &a.when, &why);
	if (r == GW_ERR_INVAL) {
		a.date_error = why;
		memset(&a.when, 0, sizeof(a.when));
	} else if (r < 0) {
		goto out;
	}
	from = a.when.span_start;
	to = a.when.span_end;
	if (!a.when.has_date && (week = find_phrase(text.data, "tuan sau")) == NULL)
		week = find_phrase(text.data, "tuan toi");
	if (!a.when.has_date && week) { /* a week, not a day: look from its Monday */
		a.next_week = 1;
		from = (size_t)(week - text.data);
		to = from + strlen("tuan sau");
	}
	keep_topic(text.data, from, to, a.topic, sizeof(a.topic));
	*out = a;
	r = 0;
out:
	buf_release(&text);
	return r;
}

const char *appointments_action_name(enum appointments_action a)
{
	static const char *const names[] = { "book", "move", "cancel", "list" };

	return (unsigned)a < 4 ? names[a] : "book";
}

/* ---- answering ---- */

struct ctx {
	const struct handler_req *rq;
	struct handler_result *res;
	struct db *db;
	const struct gw_settings *cfg;
	time_t now;
	int english;
	int64_t today;
	int now_min;
	const char *outcome;
	int64_t id;          /* the appointment the answer is about, 0 = none */
};

/* A macro, not a function: the compiler still checks both format strings. */
#define tr(c, vi, en) ((c)->english ? (en) : (vi))

static int reply(const struct ctx *c, const char *text)
{
	return request_reply_paged(c->rq, c->res, text, NULL, 1);
}

/* Reply "<reason><suggestions>" for a wish that cannot be met. */
static int refuse(struct ctx *c, const char *why, enum appointments_verdict v, int64_t dayno,
		  int minute, int part, const char *cmd, const char *tail)
{
	struct buf t;
	int r;

	buf_init(&t, SMS_TEXT_MAX);
	r = appointments_refusal(c->db, c->cfg, c->now, why, v, dayno, minute, part, cmd, tail,
				 c->english, &t);
	if (r == 0)
		r = reply(c, t.data);
	c->outcome = why ? "invalid_date" : appointments_verdict_name(v);
	buf_release(&t);
	return r;
}

/* ". Gio con trong: ..." for the household. */
static int add_suggestions(const struct ctx *c, int64_t dayno, int minute, int part,
			   const char *cmd, const char *tail, struct buf *out)
{
	return appointments_suggestions(c->db, c->cfg, c->now, dayno, minute, part, cmd, tail,
					c->english, out);
}

/* Where to look from when the text gave no (usable) day. */
static void target_without_date(const struct ctx *c, const struct appointments_ask *a,
				int64_t *dayno, int *minute)
{
	*dayno = c->today;
	*minute = c->now_min;
	if (a->next_week) { /* the Monday of the next week */
		*dayno = c->today + (8 - calendar_weekday(c->today)) % 7;
		if (*dayno == c->today)
			*dayno += 7;
		*minute = 0;
	} else if (a->when.has_time) {
		*minute = a->when.hour * 60 + a->when.minute;
		if (*minute < c->now_min)
			(*dayno)++;
	} else if (a->when.part_of_day == DATETIME_VI_PART_AFTERNOON) {
		*minute = 13 * 60;
	}
}

static int64_t ask_dayno(const struct appointments_ask *a)
{
	return calendar_dayno(a->when.year, a->when.month, a->when.day);
}

/* The slot asked for: the written time, or the first free one that day
 * (within the part of day). *v is OK or the reason it cannot be had. */
static int wished_slot(struct ctx *c, const struct appointments_ask *a, int *minute,
		       enum appointments_verdict *v)
{
	int64_t dayno = ask_dayno(a);
	int slot, r;

	if (a->when.has_time) {
		*minute = a->when.hour * 60 + a->when.minute;
		r = appointments_check_slot(c->db, c->cfg, c->now, dayno, *minute, &slot, v);
		goto out;
	}
	*minute = a->when.part_of_day == DATETIME_VI_PART_AFTERNOON ? 13 * 60 : 0;
	if ((r = appointments_check_slot(c->db, c->cfg, c->now, dayno, *minute, &slot, v)) < 0)
		goto out;
	/* the day itself is fine if only the (made-up) minute is not a slot */
	if (*v != APPOINTMENTS_OFF_HOURS && *v != APPOINTMENTS_PAST && *v != APPOINTMENTS_OK)
		goto out;
	r = appointments_first_free(c->db, c->cfg, c->now, dayno, a->when.part_of_day, minute);
	if (r == GW_ERR_NOTFOUND) { /* nothing left that day (in that part of it) */
		*v = dayno == c->today ? APPOINTMENTS_PAST : APPOINTMENTS_FULL;
		r = 0;
	} else if (r == 0) {
		*v = APPOINTMENTS_OK;
	}
out:
	return r;
}

/* What a suggested "HEN <date> <time>" should end with: the programme
 * code when the text named one, a short topic as written, else a hint. */
static int book_tail(const struct ctx *c, const struct appointments_ask *a, struct buf *out)
{
	int r;

	if (*c->rq->route.program)
		r = buf_addf(out, " %s", c->rq->route.program);
	else if (strlen(a->topic) <= TAIL_TOPIC_MAX && strpbrk(a->topic, LETTERS)) /* not "2" */
		r = buf_addf(out, " %s", a->topic);
	else
		r = buf_adds(out, tr(c, " <viec>", " <topic>"));
	return r;
}

static int do_book(struct ctx *c, const struct appointments_ask *a)
{
	struct appointments_new req;
	enum appointments_verdict v = APPOINTMENTS_OK;
	struct appointment appt;
	struct buf t, tail;
	int64_t dayno, id = 0;
	int minute = 0, r;

	buf_init(&t, SMS_TEXT_MAX);
	buf_init(&tail, SMS_TEXT_MAX);
	if ((r = book_tail(c, a, &tail)) < 0)
		goto out;
	if (a->date_error || !a->when.has_date) {
		target_without_date(c, a, &dayno, &minute);
		if (a->date_error) {
			r = refuse(c, a->date_error, v, dayno, minute, a->when.part_of_day, "HEN", tail.data);
			goto out;
		}
		if ((r = buf_adds(&t, tr(c, "Dat hen: HEN <ngay> <gio> <viec>",
					 "To book: HEN <date> <time> <topic>"))) < 0 ||
		    (r = add_suggestions(c, dayno, minute, a->when.part_of_day, "HEN", tail.data,
					 &t)) < 0)
			goto out;
		r = reply(c, t.data);
		c->outcome = "suggested";
		goto out;
	}
	dayno = ask_dayno(a);
	if ((r = wished_slot(c, a, &minute, &v)) < 0)
		goto out;
	if (v == APPOINTMENTS_OK) {
		memset(&req, 0, sizeof(req));
		req.phone = c->rq->msg->phone;
		req.program_code = c->rq->route.program;
		req.topic = a->topic;
		req.dayno = dayno;
		req.minute = minute;
		if ((r = appointments_book(c->db, c->cfg, c->now, &req, &id, &v)) < 0)
			goto out;
	}
	if (v != APPOINTMENTS_OK) {
		r = refuse(c, NULL, v, dayno, minute, a->when.part_of_day, "HEN", tail.data);
		goto out;
	}
	c->id = id;
	c->outcome = "booked";
	if ((r = appointments_get(c->db, id, &appt)) < 0 ||
	    (r = appointments_queue_notice(c->db, c->cfg, &appt, APPOINTMENTS_NOTICE_BOOKED,
					   c->english ? "en" : "vi", 0,
					   c->res)) < 0)
		goto out;
	r = appointments_queue_notice(c->db, c->cfg, &appt, APPOINTMENTS_NOTICE_OFFICER_NEW, NULL, 0,
				      c->res);
out:
	buf_release(&t);
	buf_release(&tail);
	return r;
}

/* "#12 T2 15/12 7h30 VAY-NGHEO (cho xac nhan)" */
static int list_line(const struct ctx *c, const struct appointment *a, struct buf *out)
{
	int confirmed = strcmp(a->status, "confirmed") == 0;
	int r;

	if ((r = buf_addf(out, "#%lld ", (long long)a->id)) < 0 ||
	    (r = appointments_when(a->day, a->slot, c->english, out)) < 0 ||
	    (*a->program_code && (r = buf_addf(out, " %s", a->program_code)) < 0))
		goto out;
	r = buf_addf(out, " (%s)", confirmed ? tr(c, "da xac nhan", "confirmed")
					     : tr(c, "cho xac nhan", "awaiting confirmation"));
out:
	return r;
}

static int do_list(struct ctx *c, const struct appointments_ask *a)
{
	struct appointment l[LIST_MAX];
	struct buf t;
	size_t n = 0, shown = 0;
	int r;

	buf_init(&t, SMS_TEXT_MAX);
	if ((r = appointments_live(c->db, c->rq->msg->phone, c->today, l, LIST_MAX, &n)) < 0)
		goto out;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (a->when.has_date) {
			char day[CALENDAR_DAY_LEN];

			calendar_day_str(ask_dayno(a), day);
			if (strcmp(day, l[i].day) != 0)
				continue;
		}
		r = buf_adds(&t, shown++ ? "; " : tr(c, "Lich hen cua ban: ", "Your appointments: "));
		if (r == 0)
			r = list_line(c, &l[i], &t);
		if (shown == 1)
			c->id = l[i].id;
	}
	if (r < 0)
		goto out;
	if (shown)
		r = buf_adds(&t, tr(c, ". Doi: DOI HEN <ngay> <gio>. Huy: HUY HEN <ngay>",
				    ". Move: DOI HEN <date> <time>. Cancel: HUY HEN <date>"));
	else if (a->when.has_date)
		r = buf_adds(&t, tr(c, "Ban khong co lich hen ngay nay. Xem tat ca: HEN",
				    "You have no appointment that day. All of them: HEN"));
	else
		r = buf_adds(&t, tr(c, "Ban chua co lich hen. Dat hen: HEN <ngay> <gio> <viec>, vd HEN"
				       " 15/12 8h vay von",
				    "You have no appointment. Book: HEN <date> <time> <topic>, e.g. HEN"
				    " 15/12 8h loan"));
	if (r == 0)
		r = reply(c, t.data);
	c->outcome = shown ? "listed" : "none";
out:
	buf_release(&t);
	return r;
}

/* The appointment a DOI HEN / HUY HEN is about: that day's when a date is
 * given, else the soonest; *n is how many were candidates. */
static int pick_live(struct ctx *c, const struct appointments_ask *a, struct appointment *out,
		     size_t *n)
{
	struct appointment l[LIST_MAX];
	char day[CALENDAR_DAY_LEN];
	size_t k = 0, found = 0;
	int r;

	if ((r = appointments_live(c->db, c->rq->msg->phone, c->today, l, LIST_MAX, &k)) < 0)
		goto out;
	if (a->action == APPOINTMENTS_CANCEL && a->when.has_date) { /* that day's */
		calendar_day_str(ask_dayno(a), day);
		for (size_t i = 0; i < k; i++)
			if (strcmp(l[i].day, day) == 0 && found++ == 0)
				*out = l[i];
		*n = found;
		goto out;
	}
	if (k)
		*out = l[0];
	*n = k;
out:
	return r;
}

static int do_cancel(struct ctx *c, const struct appointments_ask *a)
{
	enum appointments_verdict v;
	struct appointment appt;
	struct buf t;
	size_t n = 0;
	int r;

	buf_init(&t, SMS_TEXT_MAX);
	if (a->date_error) { /* which day was meant is unknown: say so, and how to ask */
		if ((r = appointments_date_error(a->date_error, c->english, &t)) == 0 &&
		    (r = buf_adds(&t, tr(c, ". Huy: HUY HEN <ngay>. Xem lich: HEN",
					 ". Cancel: HUY HEN <date>. Your appointments: HEN"))) == 0)
			r = reply(c, t.data);
		c->outcome = "invalid_date";
		goto out;
	}
	if ((r = pick_live(c, a, &appt, &n)) < 0)
		goto out;
	if (n != 1) { /* none, or several and no date: show them */
		r = do_list(c, a);
		goto out;
	}
	if ((r = appointments_set_status(c->db, appt.id, "cancelled", 0, c->now, &v)) < 0)
		goto out;
	c->id = appt.id;
	c->outcome = "cancelled";
	if ((r = buf_addf(&t, tr(c, "Da huy lich hen #%lld ", "Cancelled appointment #%lld "),
			  (long long)appt.id)) < 0 ||
	    (r = appointments_when(appt.day, appt.slot, c->english, &t)) < 0 ||
	    (r = buf_adds(&t, tr(c, ". Dat lai: HEN <ngay> <gio> <viec>",
				 ". Book again: HEN <date> <time> <topic>"))) < 0 ||
	    (r = reply(c, t.data)) < 0)
		goto out;
	r = appointments_queue_notice(c->db, c->cfg, &appt, APPOINTMENTS_NOTICE_OFFICER_CANCELLED, NULL,
				      0, c->res);
out:
	buf_release(&t);
	return r;
}

static int do_move(struct ctx *c, const struct appointments_ask *a)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	struct appointments_ask wish = *a;
	struct appointment appt;
	struct buf t;
	int64_t dayno;
	size_t n = 0;
	int minute, r;

	buf_init(&t, SMS_TEXT_MAX);
	if ((r = pick_live(c, a, &appt, &n)) < 0)
		goto out;
	if (n == 0) { /* nothing to move: say so, whatever day was named */
		wish.when.has_date = 0;
		r = do_list(c, &wish);
		goto out;
	}
	c->id = appt.id;
	/* a time alone moves it within its day */
	if (!wish.when.has_date && wish.when.has_time && !wish.date_error &&
	    calendar_parse_day(appt.day, &dayno) == 0) {
		calendar_date(dayno, &wish.when.year, &wish.when.month, &wish.when.day);
		wish.when.has_date = 1;
	}
	if (wish.date_error || !wish.when.has_date) {
		target_without_date(c, &wish, &dayno, &minute);
		if (wish.date_error) {
			r = refuse(c, wish.date_error, v, dayno, minute, 0, "DOI HEN", "");
			goto out;
		}
		if ((r = buf_addf(&t, tr(c, "Doi lich hen #%lld: DOI HEN <ngay> <gio>",
					 "To move #%lld: DOI HEN <date> <time>"), (long long)appt.id)) < 0 ||
		    (r = add_suggestions(c, dayno, minute, wish.when.part_of_day, "DOI HEN", "", &t)) < 0 ||
		    (r = reply(c, t.data)) < 0)
			goto out;
		c->outcome = "suggested";
		goto out;
	}
	dayno = ask_dayno(&wish);
	if ((r = wished_slot(c, &wish, &minute, &v)) < 0)
		goto out;
	if (v == APPOINTMENTS_OK &&
	    (r = appointments_move(c->db, c->cfg, c->now, appt.id, dayno, minute, 0, &v)) < 0)
		goto out;
	if (v != APPOINTMENTS_OK) {
		r = refuse(c, NULL, v, dayno, minute, wish.when.part_of_day, "DOI HEN", "");
		goto out;
	}
	c->outcome = "moved";
	if ((r = appointments_get(c->db, appt.id, &appt)) < 0 ||
	    (r = buf_addf(&t, tr(c, "Da doi lich hen #%lld sang ", "Appointment #%lld moved to "),
			  (long long)appt.id)) < 0 ||
	    (r = appointments_when(appt.day, appt.slot, c->english, &t)) < 0 ||
	    (r = buf_adds(&t, tr(c, ". Can bo se xac nhan.", ". An officer will confirm."))) < 0 ||
	    (r = reply(c, t.data)) < 0)
		goto out;
	r = appointments_queue_notice(c->db, c->cfg, &appt, APPOINTMENTS_NOTICE_OFFICER_MOVED, NULL, 0,
				      c->res);
out:
	buf_release(&t);
	return r;
}

static void ctx_init(struct ctx *c, const struct handler_req *rq, struct handler_result *res)
{
	memset(c, 0, sizeof(*c));
	c->rq = rq;
	c->res = res;
	c->db = rq->env->db;
	c->cfg = rq->env->cfg;
	c->now = rq->msg->at;
	c->english = request_english(rq);
	calendar_local_day(c->now, c->cfg->office.utc_offset_min, &c->today, &c->now_min);
}

int appointments_handle(const struct handler_req *rq, struct handler_result *res)
{
	struct datetime_vi_now now;
	struct appointments_ask a;
	struct ctx c;
	int r;

	ctx_init(&c, rq, res);
	request_set_intent(res, "appointment", *rq->route.program ? rq->route.program : NULL);
	calendar_local(c.now, c.cfg->office.utc_offset_min, &now);
	if ((r = appointments_understand(rq->route.command, rq->args, &now, &a)) < 0)
		goto out;
	switch (a.action) {
	case APPOINTMENTS_LIST: r = do_list(&c, &a); break;
	case APPOINTMENTS_CANCEL: r = do_cancel(&c, &a); break;
	case APPOINTMENTS_MOVE: r = do_move(&c, &a); break;
	default: r = do_book(&c, &a); break;
	}
	/* simulate --json: what was understood and what came of it */
	if (r == 0) {
		json_decref(res->extra);
		res->extra = appointments_facts(appointments_action_name(a.action), &a.when, c.outcome,
						c.id);
	}
out:
	return r;
}
