#include "handlers/features/appointments_officer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "handlers/core/request.h"
#include "handlers/features/appointments_text.h"
#include "handlers/features/calendar.h"
#include "handlers/features/officers.h"
#include "handlers/features/scope.h"

#define OFFICER_TEXT_MAX 2048

/* A macro, not a function: the compiler still checks both format strings. */
#define tr(c, vi, en) ((c)->english ? (en) : (vi))

struct ctx {
	const struct handler_req *rq;
	struct handler_result *res;
	struct db *db;
	const struct gw_settings *cfg;
	time_t now;
	int english;
	const char *outcome;
	int64_t id;          /* the appointment the command is about, 0 = none */
};

static void ctx_init(struct ctx *c, const struct handler_req *rq, struct handler_result *res)
{
	memset(c, 0, sizeof(*c));
	c->rq = rq;
	c->res = res;
	c->db = rq->env->db;
	c->cfg = rq->env->cfg;
	c->now = rq->msg->at;
	c->english = request_english(rq);
}

static int reply(const struct ctx *c, const char *text)
{
	return request_reply_paged(c->rq, c->res, text, NULL, 1);
}

static void set_facts(const struct ctx *c, const char *action, const struct datetime_vi *when)
{
	json_decref(c->res->extra);
	c->res->extra = appointments_facts(action, when, c->outcome, c->id);
}

/* 1 when the words after the number say no. */
static int says_no(const char *rest)
{
	static const char *const no[] = { "khong", "tu choi", "huy", "no", "decline" };
	int found = 0;

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]) && !found; i++) {
		size_t n = strlen(no[i]);

		found = strncmp(rest, no[i], n) == 0 && (rest[n] == '\0' || rest[n] == ' ');
	}
	return found;
}

/* "12", "#12": the appointment number at the start of s; *rest after it. */
static int read_id(const char *s, int64_t *id, const char **rest)
{
	char *end = NULL;
	long long v = 0;
	int r = GW_ERR_INVAL;

	while (*s == ' ' || *s == '#')
		s++;
	if (isdigit((unsigned char)*s))
		v = strtoll(s, &end, 10);
	if (v <= 0 || (*end && *end != ' '))
		goto out;
	while (*end == ' ')
		end++;
	*id = v;
	*rest = end;
	r = 0;
out:
	return r;
}

/* Another commune's appointment: refused, told, audited, nothing shown
 * of it (not even the household's number). *go = 1 when it is the
 * officer's to act on. */
static int in_scope(struct ctx *c, const struct officer *o, const struct appointment *a, int *go)
{
	struct scope_account acct;
	char target[32];
	struct buf t;
	int r;

	*go = 0;
	buf_init(&t, OFFICER_TEXT_MAX);
	if ((r = scope_account_of(o, &acct)) < 0)
		goto out;
	r = scope_appointment(c->db, &acct, a->id);
	if (r == 0) {
		*go = 1;
		goto out;
	}
	if (r != GW_ERR_AUTH)
		goto out;
	c->outcome = "out_of_scope";
	snprintf(target, sizeof(target), "appointment #%lld", (long long)a->id);
	if ((r = scope_audit_refusal(c->db, c->now, o->phone, c->rq->route.command, target, &acct)) < 0 ||
	    (r = buf_addf(&t, tr(c, "Hen #%lld khong thuoc xa ban.", "Appointment #%lld is not in your commune."),
			  (long long)a->id)) < 0)
		goto out;
	r = reply(c, t.data);
out:
	buf_release(&t);
	return r;
}

/* Check the PIN and the number; on any refusal the reply is queued and
 * *go is 0. */
static int officer_start(struct ctx *c, const char *usage_vi, const char *usage_en,
			 struct officer *o, struct appointment *a, const char **rest, int *go)
{
	const char *after;
	int64_t id = 0;
	struct buf t;
	int r;

	*go = 0;
	buf_init(&t, OFFICER_TEXT_MAX);
	r = officers_authorize(c->rq, c->res, o, &after);
	if (r == GW_ERR_AUTH) { /* refused and answered; the audit row must commit */
		c->outcome = "refused";
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	if (read_id(after, &id, rest) < 0) {
		r = reply(c, tr(c, usage_vi, usage_en));
		c->outcome = "usage";
		goto out;
	}
	if ((r = appointments_get(c->db, id, a)) == GW_ERR_NOTFOUND) {
		if ((r = buf_addf(&t, tr(c, "Khong co lich hen #%lld.", "No appointment #%lld."),
				  (long long)id)) == 0)
			r = reply(c, t.data);
		c->outcome = "not_found";
		goto out;
	}
	if (r < 0)
		goto out;
	c->id = id;
	if ((r = in_scope(c, o, a, go)) < 0 || !*go)
		goto out;
	*go = 1;
out:
	buf_release(&t);
	return r;
}

static int officer_audit(const struct ctx *c, const struct officer *o, const char *action,
			 const struct appointment *a)
{
	char target[32], detail[64];

	snprintf(target, sizeof(target), "appointment #%lld", (long long)a->id);
	snprintf(detail, sizeof(detail), "%s %s %s", a->day, a->slot, a->status);
	return audit_write(c->db, c->now, o->phone, action, target, detail);
}

int appointments_officer_confirm(const struct handler_req *rq, struct handler_result *res)
{
	enum appointments_verdict v;
	struct appointment a;
	struct officer o;
	struct ctx c;
	struct buf t;
	const char *rest = "";
	int go = 0, decline, r;

	ctx_init(&c, rq, res);
	buf_init(&t, OFFICER_TEXT_MAX);
	request_set_intent(res, "officer_confirm", NULL);
	if ((r = officer_start(&c, "Cu phap: XN <pin> <so hen> (tu choi: XN <pin> <so hen> KHONG)",
			       "Usage: XN <pin> <id> (decline: XN <pin> <id> KHONG)", &o, &a, &rest,
			       &go)) < 0 || !go)
		goto done;
	decline = says_no(rest);
	if (!decline && strcmp(a.status, "confirmed") == 0) {
		v = APPOINTMENTS_OK; /* said twice: nothing new to tell the household */
		c.outcome = "confirmed";
		r = buf_addf(&t, tr(&c, "Hen #%lld da xac nhan truoc do.", "#%lld was already confirmed."),
			     (long long)a.id);
		if (r == 0)
			r = reply(&c, t.data);
		goto done;
	}
	if ((r = appointments_set_status(c.db, a.id, decline ? "declined" : "confirmed", o.id, c.now,
					 &v)) < 0)
		goto done;
	if (v != APPOINTMENTS_OK) {
		c.outcome = "not_live";
		r = buf_addf(&t, tr(&c, "Hen #%lld da %s, khong thay doi duoc.",
				    "#%lld is %s and cannot be changed."), (long long)a.id, a.status);
		if (r == 0)
			r = reply(&c, t.data);
		goto done;
	}
	c.outcome = decline ? "declined" : "confirmed";
	if ((r = appointments_get(c.db, a.id, &a)) < 0 ||
	    (r = officer_audit(&c, &o, decline ? "appointment_decline" : "appointment_confirm", &a)) < 0 ||
	    (r = buf_addf(&t, decline ? tr(&c, "Da tu choi hen #%lld ", "Declined #%lld ")
				      : tr(&c, "Da xac nhan hen #%lld ", "Confirmed #%lld "),
			  (long long)a.id)) < 0 ||
	    (r = appointments_when(a.day, a.slot, c.english, &t)) < 0 ||
	    (r = buf_addf(&t, " (%s). %s", a.phone, tr(&c, "Da bao ho dan.", "The household is told."))) < 0 ||
	    (r = reply(&c, t.data)) < 0)
		goto done;
	r = appointments_queue_notice(c.db, c.cfg, &a, decline ? APPOINTMENTS_NOTICE_DECLINED
							       : APPOINTMENTS_NOTICE_CONFIRMED, NULL, o.id, res);
done:
	if (r == 0)
		set_facts(&c, c.outcome && strcmp(c.outcome, "declined") == 0 ? "decline" : "confirm",
			  NULL);
	buf_release(&t);
	return r;
}

int appointments_officer_move(const struct handler_req *rq, struct handler_result *res)
{
	enum appointments_verdict v = APPOINTMENTS_OK;
	struct datetime_vi_now now;
	struct datetime_vi when;
	struct appointment a;
	struct officer o;
	struct ctx c;
	struct buf t, cmd;
	const char *rest = "", *why = NULL;
	int go = 0, minute, slot, now_min, r;
	int64_t dayno, now_day;

	ctx_init(&c, rq, res);
	buf_init(&t, OFFICER_TEXT_MAX);
	buf_init(&cmd, 64);
	memset(&when, 0, sizeof(when));
	request_set_intent(res, "officer_move", NULL);
	if ((r = officer_start(&c, "Cu phap: DOI <pin> <so hen> <ngay> <gio>, vd DOI 1234 12 17/12 9h",
			       "Usage: DOI <pin> <id> <date> <time>, e.g. DOI 1234 12 17/12 9h", &o, &a,
			       &rest, &go)) < 0 || !go)
		goto done;
	calendar_local(c.now, c.cfg->office.utc_offset_min, &now);
	calendar_local_day(c.now, c.cfg->office.utc_offset_min, &now_day, &now_min);
	r = datetime_vi_parse(rest, &now, &when, &why);
	if (r < 0 && r != GW_ERR_INVAL)
		goto done;
	if ((r = buf_addf(&cmd, "DOI <pin> %lld", (long long)a.id)) < 0)
		goto done;
	if (why || !when.has_date || !when.has_time) {
		/* a date that cannot be used: why, and what is free from today */
		memset(&when, 0, sizeof(when));
		if (why)
			r = appointments_refusal(c.db, c.cfg, c.now, why, v, now_day, now_min, 0,
						 cmd.data, "", c.english, &t);
		else
			r = buf_addf(&t, tr(&c, "Cu phap: DOI <pin> %lld <ngay> <gio>, vd DOI <pin> %lld"
					    " 17/12 9h", "Usage: DOI <pin> %lld <date> <time>, e.g. DOI"
					    " <pin> %lld 17/12 9h"), (long long)a.id, (long long)a.id);
		if (r == 0)
			r = reply(&c, t.data);
		c.outcome = why ? "invalid_date" : "usage";
		goto done;
	}
	dayno = calendar_dayno(when.year, when.month, when.day);
	minute = when.hour * 60 + when.minute;
	if ((r = appointments_check_slot(c.db, c.cfg, c.now, dayno, minute, &slot, &v)) < 0)
		goto done;
	if (v == APPOINTMENTS_OK &&
	    (r = appointments_move(c.db, c.cfg, c.now, a.id, dayno, minute, 1, &v)) < 0)
		goto done;
	if (v != APPOINTMENTS_OK) {
		r = appointments_refusal(c.db, c.cfg, c.now, NULL, v, dayno, minute, 0, cmd.data, "",
					 c.english, &t);
		if (r == 0)
			r = reply(&c, t.data);
		c.outcome = appointments_verdict_name(v);
		goto done;
	}
	c.outcome = "moved";
	if ((r = appointments_get(c.db, a.id, &a)) < 0 ||
	    (r = officer_audit(&c, &o, "appointment_move", &a)) < 0 ||
	    (r = buf_addf(&t, tr(&c, "Da doi hen #%lld sang ", "Moved #%lld to "), (long long)a.id)) < 0 ||
	    (r = appointments_when(a.day, a.slot, c.english, &t)) < 0 ||
	    (r = buf_addf(&t, " (%s). %s", a.phone, tr(&c, "Da bao ho dan.", "The household is told."))) < 0 ||
	    (r = reply(&c, t.data)) < 0)
		goto done;
	r = appointments_queue_notice(c.db, c.cfg, &a, APPOINTMENTS_NOTICE_MOVED, NULL, o.id, res);
done:
	if (r == 0)
		set_facts(&c, "move", &when);
	buf_release(&t);
	buf_release(&cmd);
	return r;
}
