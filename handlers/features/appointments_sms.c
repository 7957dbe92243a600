#include "handlers/features/appointments_sms.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/request.h"
#include "handlers/features/appointments_offer.h"
#include "handlers/features/appointments_text.h"

#define SMS_TEXT_MAX 4096
#define LIST_MAX 5
#define TAIL_TOPIC_MAX 30 /* a longer topic is not worth repeating in a template */
#define LETTERS "abcdefghijklmnopqrstuvwxyz"

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
static int wished_slot(struct ctx *c, const struct appointments_ask *a, int *minute, int *start,
		       enum appointments_verdict *v)
{
	int64_t dayno = ask_dayno(a);
	int slot, r;

	if (a->when.has_time) {
		*minute = a->when.hour * 60 + a->when.minute;
		r = appointments_check_slot(c->db, c->cfg, c->now, dayno, *minute, &slot, v);
		*start = slot;
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
	*start = *minute;
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

/* Book req (a slot start) and tell the household and the officer; a slot
 * taken since is refused with the nearest free ones. */
static int book(struct ctx *c, const struct appointments_new *req, int part, const char *tail)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	struct appointment appt;
	int64_t id = 0;
	int r;

	if ((r = appointments_book(c->db, c->cfg, c->now, req, &id, &v)) < 0)
		goto out;
	if (v != APPOINTMENTS_OK) {
		r = refuse(c, NULL, v, req->dayno, req->minute, part, "HEN", tail);
		goto out;
	}
	c->id = id;
	c->outcome = "booked";
	if ((r = appointments_get(c->db, id, &appt)) < 0 ||
	    (r = appointments_queue_notice(c->db, c->cfg, &appt, APPOINTMENTS_NOTICE_BOOKED,
					   c->english ? "en" : "vi", 0, c->res)) < 0)
		goto out;
	r = appointments_queue_notice(c->db, c->cfg, &appt, APPOINTMENTS_NOTICE_OFFICER_NEW, NULL, 0,
				      c->res);
out:
	return r;
}

/* The time asked (minute on dayno) is no slot: offer the nearest free one
 * and keep it for the household's CO (appointments_offer.h). */
static int offer(struct ctx *c, struct appointments_offer *o, int64_t dayno, int minute,
		 const char *tail)
{
	struct appointments_slot s;
	struct buf t, when;
	size_t n = 0;
	int r;

	buf_init(&t, SMS_TEXT_MAX);
	buf_init(&when, 128);
	if ((r = appointments_nearest(c->db, c->cfg, c->now, dayno, minute, 0, &s, 1, &n)) < 0)
		goto out;
	if (n == 0) { /* nothing free anywhere: say so */
		r = refuse(c, NULL, APPOINTMENTS_FULL, dayno, minute, 0, o->move ? "DOI HEN" : "HEN",
			   tail);
		goto out;
	}
	o->slot = s;
	if ((r = appointments_slot_text(&s, c->english, &when)) < 0 ||
	    (o->lunar && (r = appointments_lunar_text(s.dayno, &when)) < 0) ||
	    (r = appointments_offer_save(c->db, c->rq->msg->phone, o, c->now)) < 0)
		goto out;
	if (o->move)
		r = buf_addf(&t, tr(c, "%dh%02d khong co, %s duoc khong? Tra loi CO de doi lich #%lld,"
				    " KHONG de giu lich cu.",
				    "%dh%02d is not a free time; would %s do? Reply CO (yes) to move"
				    " #%lld there, KHONG (no) to keep it."), minute / 60, minute % 60,
			     when.data, (long long)o->appointment_id);
	else
		r = buf_addf(&t, tr(c, "%dh%02d khong co, %s duoc khong? Tra loi CO de dat hen, KHONG de"
				    " bo qua.", "%dh%02d is not a free time; would %s do? Reply CO"
				    " (yes) to book it, KHONG (no) to leave it."), minute / 60,
			     minute % 60, when.data);
	if (r == 0)
		r = reply(c, t.data);
	c->outcome = "offered";
out:
	buf_release(&t);
	buf_release(&when);
	return r;
}

static int do_book(struct ctx *c, const struct appointments_ask *a)
{
	struct appointments_new req;
	struct appointments_offer o;
	enum appointments_verdict v = APPOINTMENTS_OK;
	struct buf t, tail;
	int64_t dayno;
	int minute = 0, start = 0, r;

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
	if ((r = wished_slot(c, a, &minute, &start, &v)) < 0)
		goto out;
	if (v == APPOINTMENTS_OK && start != minute) { /* 10h45 is no slot: offer one */
		memset(&o, 0, sizeof(o));
		gw_strlcpy(o.program_code, c->rq->route.program, sizeof(o.program_code));
		gw_strlcpy(o.topic, a->topic, sizeof(o.topic));
		o.lunar = a->when.lunar;
		r = offer(c, &o, dayno, minute, tail.data);
		goto out;
	}
	if (v == APPOINTMENTS_OK) {
		memset(&req, 0, sizeof(req));
		req.phone = c->rq->msg->phone;
		req.program_code = c->rq->route.program;
		req.topic = a->topic;
		req.dayno = dayno;
		req.minute = minute;
		req.lunar = a->when.lunar;
		r = book(c, &req, a->when.part_of_day, tail.data);
		goto out;
	}
	r = refuse(c, NULL, v, dayno, minute, a->when.part_of_day, "HEN", tail.data);
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
	    (r = appointments_when_of(a, c->english, out)) < 0 ||
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
	    (r = appointments_when_of(&appt, c->english, &t)) < 0 ||
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

/* A time without a day ("luc 3 gio chieu", "10h45") is its next
 * occurrence within office hours: today while it is still ahead, else the
 * next open day that has it. When no day has it (19:00) it is the next
 * such clock time, which the booking then refuses as off hours. */
static int day_of_time(struct ctx *c, struct datetime_vi *when)
{
	int minute = when->hour * 60 + when->minute, r;
	struct calendar_settings cs;
	struct calendar_day d;
	int64_t day = c->today + (minute < c->now_min);

	if ((r = calendar_settings_get(c->db, &cs)) < 0)
		goto out;
	for (int64_t k = c->today; k <= c->today + cs.horizon_days; k++) {
		if ((r = calendar_day_get(c->db, k, &d)) < 0)
			goto out;
		if (!calendar_is_open(&d) || calendar_slot_of(&d, cs.slot_minutes, minute) < 0 ||
		    (k == c->today && minute < c->now_min + APPOINTMENTS_LEAD_MIN))
			continue;
		day = k;
		break;
	}
	calendar_date(day, &when->year, &when->month, &when->day);
	when->weekday = calendar_weekday(day);
	when->has_date = 1;
out:
	return r;
}

/* Move appointment id to (dayno, minute), a slot start, and tell the
 * household and the officer; lunar: the new day was given as a lunar one. */
static int move_to(struct ctx *c, int64_t id, int64_t dayno, int minute, int lunar, int part)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	struct appointment appt;
	struct buf t;
	int r;

	buf_init(&t, SMS_TEXT_MAX);
	c->id = id;
	if ((r = appointments_move(c->db, c->cfg, c->now, id, dayno, minute, 0, &v)) < 0)
		goto out;
	if (v != APPOINTMENTS_OK) {
		r = refuse(c, NULL, v, dayno, minute, part, "DOI HEN", "");
		goto out;
	}
	c->outcome = "moved";
	if ((r = appointments_set_lunar(c->db, id, lunar)) < 0 ||
	    (r = appointments_get(c->db, id, &appt)) < 0 ||
	    (r = buf_addf(&t, tr(c, "Da doi lich hen #%lld sang ", "Appointment #%lld moved to "),
			  (long long)appt.id)) < 0 ||
	    (r = appointments_when_of(&appt, c->english, &t)) < 0 ||
	    (r = buf_adds(&t, tr(c, ". Can bo se xac nhan.", ". An officer will confirm."))) < 0 ||
	    (r = reply(c, t.data)) < 0)
		goto out;
	r = appointments_queue_notice(c->db, c->cfg, &appt, APPOINTMENTS_NOTICE_OFFICER_MOVED, NULL, 0,
				      c->res);
out:
	buf_release(&t);
	return r;
}

/* do_move; a time alone (understood as its appointment's day, or with
 * none as its next occurrence) is written back into a->when for the facts. */
static int do_move(struct ctx *c, struct appointments_ask *a)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	struct appointments_ask wish = *a;
	struct appointments_offer o;
	struct appointment appt;
	struct buf t;
	int64_t dayno;
	size_t n = 0;
	int minute, start = 0, r;

	buf_init(&t, SMS_TEXT_MAX);
	if ((r = pick_live(c, a, &appt, &n)) < 0)
		goto out;
	if (n == 0) { /* nothing to move: say so, whatever day was named */
		if (!a->when.has_date && a->when.has_time && !a->date_error &&
		    (r = day_of_time(c, &a->when)) < 0)
			goto out;
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
		wish.when.lunar = appt.lunar;
		a->when = wish.when;
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
	if ((r = wished_slot(c, &wish, &minute, &start, &v)) < 0)
		goto out;
	if (v == APPOINTMENTS_OK && start != minute) { /* no slot at that time: offer one */
		memset(&o, 0, sizeof(o));
		o.move = 1;
		o.appointment_id = appt.id;
		o.lunar = wish.when.has_date && wish.when.lunar;
		r = offer(c, &o, dayno, minute, "");
		goto out;
	}
	r = move_to(c, appt.id, dayno, minute, wish.when.lunar, wish.when.part_of_day);
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
	if (a.action == APPOINTMENTS_BOOK && !a.date_error && !a.next_week && !a.when.has_date &&
	    a.when.has_time && (r = day_of_time(&c, &a.when)) < 0)
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

int appointments_offer_reply(const struct handler_req *rq, struct handler_result *res, int *taken)
{
	enum appointments_answer ans = appointments_offer_answer(rq->norm);
	struct appointments_offer o;
	struct appointments_new req;
	struct buf t;
	struct ctx c;
	int r;

	buf_init(&t, SMS_TEXT_MAX);
	*taken = 0;
	if (ans == APPOINTMENTS_ANSWER_OTHER) { /* an offer waits for the very next message only */
		r = appointments_offer_drop(rq->env->db, rq->msg->phone);
		goto out;
	}
	if ((r = appointments_offer_take(rq->env->db, rq->msg->phone, rq->msg->at, &o)) < 0) {
		if (r == GW_ERR_NOTFOUND) /* "co" to nothing: the usual routing */
			r = 0;
		goto out;
	}
	*taken = 1;
	ctx_init(&c, rq, res);
	request_set_intent(res, "appointment", *o.program_code ? o.program_code : NULL);
	if (ans == APPOINTMENTS_ANSWER_NO) {
		if ((r = appointments_slot_text(&o.slot, c.english, &t)) == 0 &&
		    (r = buf_adds(&t, tr(&c, ": da bo qua. Chon gio khac: HEN <ngay> <gio> <viec>",
					 ": left. Another time: HEN <date> <time> <topic>"))) == 0)
			r = reply(&c, t.data);
		c.outcome = "declined";
	} else if (o.move) {
		r = move_to(&c, o.appointment_id, o.slot.dayno, o.slot.minute, o.lunar, 0);
	} else {
		memset(&req, 0, sizeof(req));
		req.phone = rq->msg->phone;
		req.program_code = o.program_code;
		req.topic = o.topic;
		req.dayno = o.slot.dayno;
		req.minute = o.slot.minute;
		req.lunar = o.lunar;
		r = book(&c, &req, 0, "");
	}
	if (r == 0) {
		json_decref(res->extra);
		res->extra = appointments_facts(o.move ? "move" : "book", NULL, c.outcome, c.id);
	}
out:
	buf_release(&t);
	return r;
}
