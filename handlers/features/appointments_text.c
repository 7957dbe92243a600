#include "handlers/features/appointments_text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "handlers/core/handler_result.h"
#include "handlers/core/reply.h"
#include "handlers/features/officers.h"
#include "handlers/vi/lunar_vi.h"

#define APPT_TEXT_MAX 4096
#define APPT_DOCS_MAX 110 /* what-to-bring is cut here: the SMS has more to say */
#define APPT_TOPIC_SHOWN 40

/* A macro, not a function: the compiler still checks both format strings. */
#define tr(english, vi, en) ((english) ? (en) : (vi))

int appointments_when(const char *day, const char *slot, int english, struct buf *out)
{
	int64_t dayno;
	int y, m, d, minute, r = GW_ERR_INVAL;

	if (calendar_parse_day(day, &dayno) < 0 || calendar_parse_hhmm(slot, &minute) < 0)
		goto out;
	calendar_date(dayno, &y, &m, &d);
	r = buf_addf(out, "%s %d/%d %dh%02d", calendar_weekday_short(calendar_weekday(dayno), english),
		     d, m, minute / 60, minute % 60);
out:
	return r;
}

int appointments_lunar_text(int64_t dayno, struct buf *out)
{
	struct lunar_vi_solar sol;
	struct lunar_vi_date l;
	int r;

	calendar_date(dayno, &sol.year, &sol.month, &sol.day);
	if ((r = lunar_vi_from_solar(&sol, &l)) < 0 || (r = buf_adds(out, " (")) < 0 ||
	    (r = lunar_vi_format(out, &l)) < 0)
		goto out;
	r = buf_addch(out, ')');
out:
	return r;
}

int appointments_when_of(const struct appointment *a, int english, struct buf *out)
{
	int64_t dayno;
	int r;

	if ((r = appointments_when(a->day, a->slot, english, out)) < 0 || !a->lunar)
		goto out;
	if ((r = calendar_parse_day(a->day, &dayno)) == 0)
		r = appointments_lunar_text(dayno, out);
out:
	return r;
}

int appointments_slot_text(const struct appointments_slot *s, int english, struct buf *out)
{
	char day[CALENDAR_DAY_LEN], slot[CALENDAR_HHMM_LEN];

	calendar_day_str(s->dayno, day);
	calendar_hhmm(s->minute, slot);
	return appointments_when(day, slot, english, out);
}

/* Where a list of papers ends in a how-to-apply sentence. */
static size_t docs_end(const char *s)
{
	static const char *const stops[] = { " den ", " khi ", " tai ", " toi ", " de ", " cho ",
					     " (" };
	size_t end = strcspn(s, ".;)(");

	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		const char *p = strstr(s, stops[i]);

		if (p && (size_t)(p - s) < end)
			end = (size_t)(p - s);
	}
	return end;
}

/* The papers named after "mang " (or "kem ") in text (unaccented), into out. */
static int docs_from_howto(const char *text, struct buf *out)
{
	static const char *const cues[] = { "mang ", "kem " };
	struct buf low;
	int r;

	buf_init(&low, APPT_TEXT_MAX);
	if ((r = buf_adds(&low, text)) < 0)
		goto out;
	for (size_t i = 0; i < low.len; i++)
		low.data[i] = (char)tolower((unsigned char)low.data[i]);
	for (size_t c = 0; c < sizeof(cues) / sizeof(cues[0]) && out->len == 0; c++) {
		for (const char *p = strstr(low.data, cues[c]); p; p = strstr(p + 1, cues[c])) {
			size_t at = (size_t)(p - low.data) + strlen(cues[c]), end;

			/* a word of its own, and not "mang thai" (pregnant) */
			if ((p > low.data && isalpha((unsigned char)p[-1])) ||
			    strncmp(low.data + at, "thai", 4) == 0)
				continue;
			end = docs_end(low.data + at);
			while (end > 0 && (text[at + end - 1] == ' ' || text[at + end - 1] == ','))
				end--;
			if (end > 0 && (r = buf_add(out, text + at, end)) < 0)
				goto out;
			break;
		}
	}
	r = 0;
out:
	buf_release(&low);
	return r;
}

static int has_id_card(const char *s)
{
	int found = 0;

	for (; *s && !found; s++)
		found = strncasecmp(s, "cccd", 4) == 0;
	return found;
}

int appointments_documents(struct db *db, const char *code, struct buf *out)
{
	struct buf plain, docs;
	sqlite3_stmt *st;
	int r;

	buf_init(&plain, APPT_TEXT_MAX);
	buf_init(&docs, APPT_TEXT_MAX);
	if (code && *code) {
		if ((r = db_row(db, "SELECT documents_vi, how_to_apply_vi FROM programs WHERE code = ?",
				DB_ARGS(DB_TEXT(code)), &st)) == 0) {
			int own = *db_col_text(st, 0) != '\0';

			r = reply_unaccent(db_col_text(st, own ? 0 : 1), &plain);
			sqlite3_reset(st);
			/* a list of its own is taken whole, "a; b" read as "a, b" */
			for (size_t i = 0; own && i < plain.len; i++)
				if (plain.data[i] == ';' || plain.data[i] == '\n')
					plain.data[i] = ',';
			if (r == 0)
				r = own ? buf_add(&docs, plain.data, strcspn(plain.data, "."))
					: docs_from_howto(plain.data, &docs);
		}
		if (r < 0 && r != GW_ERR_NOTFOUND)
			goto out;
	}
	buf_rtrim(&docs);
	/* nobody is served at the office without an ID card */
	if (!has_id_card(docs.data) &&
	    (r = buf_adds(out, docs.len ? "CCCD, " : "CCCD")) < 0)
		goto out;
	if (docs.len > APPT_DOCS_MAX) { /* cut at a word, never mid-way */
		size_t cut = APPT_DOCS_MAX;

		while (cut > 0 && docs.data[cut] != ' ')
			cut--;
		buf_truncate(&docs, cut);
		while (docs.len && (docs.data[docs.len - 1] == ',' || docs.data[docs.len - 1] == ' '))
			buf_truncate(&docs, docs.len - 1);
	}
	r = buf_add(out, docs.data, docs.len);
out:
	buf_release(&plain);
	buf_release(&docs);
	return r;
}

/* "0912345678" for "+84912345678": the form officers dial. */
static int local_phone(const char *phone, struct buf *out)
{
	return strncmp(phone, "+84", 3) == 0 ? buf_addf(out, "0%s", phone + 3) : buf_adds(out, phone);
}

struct notice_parts {
	struct buf when, docs, place, officer, topic, phone;
	char day_short[8];   /* "15/12": for HUY HEN 15/12 */
};

static void parts_release(struct notice_parts *p)
{
	buf_release(&p->when);
	buf_release(&p->docs);
	buf_release(&p->place);
	buf_release(&p->officer);
	buf_release(&p->topic);
	buf_release(&p->phone);
}

static int parts_fill(struct db *db, const struct appointment *a, int english,
		      struct notice_parts *p)
{
	struct calendar_settings cs;
	struct officer o;
	int64_t dayno;
	int y, m, d, r;

	if ((r = appointments_when_of(a, english, &p->when)) < 0 ||
	    (r = appointments_documents(db, a->program_code, &p->docs)) < 0 ||
	    (r = calendar_settings_get(db, &cs)) < 0 || (r = reply_unaccent(cs.place, &p->place)) < 0 ||
	    (r = reply_unaccent(a->topic, &p->topic)) < 0 || (r = local_phone(a->phone, &p->phone)) < 0)
		goto out;
	if (p->topic.len > APPT_TOPIC_SHOWN) { /* free text can be long: its start says enough */
		size_t cut = APPT_TOPIC_SHOWN;

		while (cut > 0 && p->topic.data[cut] != ' ')
			cut--;
		buf_truncate(&p->topic, cut);
		if ((r = buf_adds(&p->topic, "..")) < 0)
			goto out;
	}
	if (a->officer_id > 0 && (r = officers_get(db, a->officer_id, &o)) == 0)
		r = reply_unaccent(o.name, &p->officer);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	if (calendar_parse_day(a->day, &dayno) == 0) {
		calendar_date(dayno, &y, &m, &d);
		snprintf(p->day_short, sizeof(p->day_short), "%d/%d", d % 100, m % 100);
	}
	r = 0;
out:
	return r;
}

/* "VAY-NGHEO" or the topic's words, "" when neither. */
static const char *about(const struct appointment *a, const struct notice_parts *p)
{
	return *a->program_code ? a->program_code : p->topic.data;
}

static int text_vi(const struct appointment *a, enum appointments_notice kind,
		   const struct notice_parts *p, struct buf *t)
{
	const char *officer = p->officer.len ? p->officer.data : "can bo phu trach";
	const char *ab = about(a, p);
	int r = GW_ERR_INVAL;

	switch (kind) {
	case APPOINTMENTS_NOTICE_BOOKED:
		r = buf_addf(t, "Da nhan lich hen #%lld: %s tai %s, gap %s%s%s%s. Mang: %s. Can bo se"
			     " xac nhan. Huy: HUY HEN %s", (long long)a->id, p->when.data, p->place.data,
			     officer, *ab ? " (" : "", ab, *ab ? ")" : "", p->docs.data, p->day_short);
		break;
	case APPOINTMENTS_NOTICE_CONFIRMED:
		r = buf_addf(t, "Lich hen #%lld %s tai %s da duoc xac nhan.%s%s%s Mang: %s.",
			     (long long)a->id, p->when.data, p->place.data, p->officer.len ? " Can bo: " : "",
			     p->officer.data, p->officer.len ? "." : "", p->docs.data);
		break;
	case APPOINTMENTS_NOTICE_MOVED:
		r = buf_addf(t, "Lich hen #%lld da doi sang %s tai %s. Khong den duoc: nhan DOI HEN"
			     " <ngay> <gio> hoac HUY HEN %s", (long long)a->id, p->when.data,
			     p->place.data, p->day_short);
		break;
	case APPOINTMENTS_NOTICE_DECLINED:
		r = buf_addf(t, "Lich hen #%lld %s chua duoc nhan. Vui long chon ngay khac: HEN <ngay>"
			     " <gio> <viec>, hoac lien he %s.", (long long)a->id, p->when.data,
			     p->place.data);
		break;
	case APPOINTMENTS_NOTICE_CANCELLED:
		r = buf_addf(t, "Lich hen #%lld %s da bi huy. Dat lai: HEN <ngay> <gio> <viec>.",
			     (long long)a->id, p->when.data);
		break;
	case APPOINTMENTS_NOTICE_REMINDER:
		r = buf_addf(t, "Nhac lich: ngay mai %s ban co hen tai %s%s%s%s. Mang: %s. Khong den"
			     " duoc: HUY HEN %s", p->when.data, p->place.data, *ab ? " (" : "", ab,
			     *ab ? ")" : "", p->docs.data, p->day_short);
		break;
	case APPOINTMENTS_NOTICE_OFFICER_NEW:
		r = buf_addf(t, "Hen moi #%lld: %s, %s%s%s. Nhan: XN <pin> %lld; tu choi: XN <pin> %lld"
			     " KHONG; doi: DOI <pin> %lld <ngay> <gio>", (long long)a->id, p->phone.data,
			     p->when.data, *ab ? ", " : "", ab, (long long)a->id, (long long)a->id,
			     (long long)a->id);
		break;
	case APPOINTMENTS_NOTICE_OFFICER_MOVED:
		r = buf_addf(t, "Hen #%lld (%s) doi sang %s. Nhan: XN <pin> %lld", (long long)a->id,
			     p->phone.data, p->when.data, (long long)a->id);
		break;
	case APPOINTMENTS_NOTICE_OFFICER_CANCELLED:
		r = buf_addf(t, "Hen #%lld (%s) %s da bi ho dan huy.", (long long)a->id, p->phone.data,
			     p->when.data);
		break;
	}
	return r;
}

static int text_en(const struct appointment *a, enum appointments_notice kind,
		   const struct notice_parts *p, struct buf *t)
{
	const char *officer = p->officer.len ? p->officer.data : "the officer in charge";
	const char *ab = about(a, p);
	int r = GW_ERR_INVAL;

	switch (kind) {
	case APPOINTMENTS_NOTICE_BOOKED:
		r = buf_addf(t, "Appointment #%lld received: %s at %s with %s%s%s%s. Bring: %s. An officer"
			     " will confirm. Cancel: HUY HEN %s", (long long)a->id, p->when.data,
			     p->place.data, officer, *ab ? " (" : "", ab, *ab ? ")" : "", p->docs.data,
			     p->day_short);
		break;
	case APPOINTMENTS_NOTICE_CONFIRMED:
		r = buf_addf(t, "Appointment #%lld %s at %s is confirmed.%s%s%s Bring: %s.",
			     (long long)a->id, p->when.data, p->place.data, p->officer.len ? " Officer: " : "",
			     p->officer.data, p->officer.len ? "." : "", p->docs.data);
		break;
	case APPOINTMENTS_NOTICE_MOVED:
		r = buf_addf(t, "Appointment #%lld moved to %s at %s. Cannot come: DOI HEN <date> <time>"
			     " or HUY HEN %s", (long long)a->id, p->when.data, p->place.data,
			     p->day_short);
		break;
	case APPOINTMENTS_NOTICE_DECLINED:
		r = buf_addf(t, "Appointment #%lld %s could not be accepted. Please pick another day:"
			     " HEN <date> <time> <topic>, or contact %s.", (long long)a->id,
			     p->when.data, p->place.data);
		break;
	case APPOINTMENTS_NOTICE_CANCELLED:
		r = buf_addf(t, "Appointment #%lld %s was cancelled by the office. Book again: HEN"
			     " <date> <time> <topic>.", (long long)a->id, p->when.data);
		break;
	case APPOINTMENTS_NOTICE_REMINDER:
		r = buf_addf(t, "Reminder: tomorrow %s you have an appointment at %s%s%s%s. Bring: %s."
			     " Cannot come: HUY HEN %s", p->when.data, p->place.data, *ab ? " (" : "",
			     ab, *ab ? ")" : "", p->docs.data, p->day_short);
		break;
	default: /* officers read the Vietnamese notices */
		r = text_vi(a, kind, p, t);
		break;
	}
	return r;
}

int appointments_notice_text(struct db *db, const struct gw_settings *cfg,
			     const struct appointment *a, enum appointments_notice kind,
			     const char *lang, struct buf *out)
{
	int english = lang && strcmp(lang, "en") == 0;
	struct notice_parts p;
	struct reply_opts o;
	struct buf t;
	int pages = 0, r;

	memset(&p, 0, sizeof(p));
	buf_init(&p.when, 64);
	buf_init(&p.docs, APPT_TEXT_MAX);
	buf_init(&p.place, APPT_TEXT_MAX);
	buf_init(&p.officer, APPT_TEXT_MAX);
	buf_init(&p.topic, APPT_TEXT_MAX);
	buf_init(&p.phone, 64);
	buf_init(&t, APPT_TEXT_MAX);
	if ((r = parts_fill(db, a, english, &p)) < 0)
		goto out;
	if ((r = english ? text_en(a, kind, &p, &t) : text_vi(a, kind, &p, &t)) < 0)
		goto out;
	memset(&o, 0, sizeof(o));
	o.max_parts = cfg->sms.max_parts;
	o.unaccented = 1;
	r = reply_page(t.data, &o, 1, out, &pages);
out:
	parts_release(&p);
	buf_release(&t);
	return r;
}

/* The contact's language; "vi" for a phone that never wrote. */
static int contact_lang(struct db *db, const char *phone, char *lang, size_t sz)
{
	sqlite3_stmt *st;
	int r;

	gw_strlcpy(lang, "vi", sz);
	if ((r = db_row(db, "SELECT lang FROM contacts WHERE phone = ?", DB_ARGS(DB_TEXT(phone)),
			&st)) == 0) {
		if (gw_strlcpy(lang, db_col_text(st, 0), sz) < 0)
			gw_strlcpy(lang, "vi", sz);
		sqlite3_reset(st);
	}
	return r < 0 && r != GW_ERR_NOTFOUND ? r : 0;
}

static int for_officer(enum appointments_notice kind)
{
	return kind == APPOINTMENTS_NOTICE_OFFICER_NEW || kind == APPOINTMENTS_NOTICE_OFFICER_MOVED ||
	       kind == APPOINTMENTS_NOTICE_OFFICER_CANCELLED;
}

int appointments_queue_notice(struct db *db, const struct gw_settings *cfg,
			      const struct appointment *a, enum appointments_notice kind,
			      const char *reply_lang, int64_t acting_officer,
			      struct handler_result *res)
{
	char lang[4];
	struct officer o;
	struct buf text;
	const char *to = a->phone, *out_kind = "notify";
	int prio = HANDLER_PRIO_NOTIFY, r;

	buf_init(&text, APPT_TEXT_MAX);
	gw_strlcpy(lang, "vi", sizeof(lang));
	if (for_officer(kind)) {
		if (a->officer_id <= 0 || a->officer_id == acting_officer) {
			r = 0;
			goto out;
		}
		if ((r = officers_get(db, a->officer_id, &o)) == GW_ERR_NOTFOUND) {
			r = 0; /* removed since: nobody to tell */
			goto out;
		}
		if (r < 0)
			goto out;
		to = o.phone;
	} else if (reply_lang) {
		gw_strlcpy(lang, reply_lang, sizeof(lang));
		out_kind = "reply";
		prio = HANDLER_PRIO_REPLY;
	} else if ((r = contact_lang(db, a->phone, lang, sizeof(lang))) < 0) {
		goto out;
	}
	if (kind == APPOINTMENTS_NOTICE_REMINDER) {
		out_kind = "reminder";
		prio = HANDLER_PRIO_REMINDER;
	}
	if ((r = appointments_notice_text(db, cfg, a, kind, lang, &text)) < 0)
		goto out;
	r = handler_result_add(res, to, text.data, out_kind, prio);
out:
	buf_release(&text);
	return r;
}

/* ---- wishes that cannot be met ---- */

const char *appointments_verdict_name(enum appointments_verdict v)
{
	static const char *const names[] = { "booked", "full", "closed", "off_hours", "past",
					     "too_far", "same_day", "too_many", "not_live" };

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "none";
}

/* Why a date or time the parser refused cannot be used. */
int appointments_date_error(const char *why, int english, struct buf *out)
{
	static const struct {
		const char *why, *vi, *en;
	} t[] = {
		{ "impossible date", "Ngay khong co that (vd 31/2)", "That date does not exist" },
		{ "impossible time", "Gio khong hop le", "That time is not valid" },
		{ "date in the past", "Ngay nay da qua", "That date has passed" },
		{ "time in the past", "Gio nay da qua", "That time has passed" },
		{ "weekday does not match date", "Thu va ngay khong khop nhau",
		  "The weekday does not match the date" },
		{ "conflicting dates", "Tin co 2 ngay khac nhau", "The message has two different dates" },
		{ "lunar calendar date", "Vui long ghi ngay duong lich", "Please give a solar date" },
	};
	const char *text = tr(english, "Chua doc duoc ngay gio", "Could not read the date");

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (why && strcmp(why, t[i].why) == 0)
			text = tr(english, t[i].vi, t[i].en);
	return buf_adds(out, text);
}

/* Why (dayno, minute) cannot be booked. */
static int verdict_text(struct db *db, enum appointments_verdict v, int64_t dayno, int english,
			struct buf *out)
{
	struct calendar_settings cs;
	struct calendar_day d;
	struct buf hours;
	int r;

	buf_init(&hours, 256);
	if ((r = calendar_day_get(db, dayno, &d)) < 0 || (r = calendar_settings_get(db, &cs)) < 0)
		goto out;
	switch (v) {
	case APPOINTMENTS_FULL:
		r = buf_adds(out, tr(english, "Gio nay da kin cho", "That time is fully booked"));
		break;
	case APPOINTMENTS_CLOSED:
		if (d.kind == CALENDAR_HOLIDAY || d.kind == CALENDAR_CLOSED)
			r = buf_addf(out, tr(english, "Ngay %d/%d UBND xa nghi%s%s",
					     "The office is closed on %d/%d%s%s"),
				     (int)strtol(d.day + 8, NULL, 10), (int)strtol(d.day + 5, NULL, 10),
				     *d.note ? ": " : "", d.note);
		else
			r = buf_addf(out, tr(english, "UBND xa khong lam viec %s", "The office is closed on %s"),
				     calendar_weekday_short(d.weekday, english));
		break;
	case APPOINTMENTS_OFF_HOURS:
		if ((r = calendar_format_periods(d.periods, d.nperiods, &hours)) == 0)
			r = buf_addf(out, tr(english, "Ngoai gio lam viec (%s)", "Outside office hours (%s)"),
				     hours.data);
		break;
	case APPOINTMENTS_PAST:
		r = buf_adds(out, tr(english, "Gio nay da qua hoac qua gan", "That time has passed or is too soon"));
		break;
	case APPOINTMENTS_TOO_FAR:
		r = buf_addf(out, tr(english, "Chi dat hen trong %d ngay toi", "Bookings go only %d days ahead"),
			     cs.horizon_days);
		break;
	case APPOINTMENTS_TOO_MANY:
		r = buf_addf(out, tr(english, "Ban da co %d lich hen sap toi. Huy bot: HUY HEN <ngay>",
				     "You already have %d upcoming appointments. Cancel one: HUY HEN <date>"),
			     APPOINTMENTS_MAX_LIVE);
		break;
	case APPOINTMENTS_SAME_DAY:
		r = buf_adds(out, tr(english, "Ban da co lich hen ngay nay. Doi gio: DOI HEN <ngay> <gio>",
				     "You already have an appointment that day. Move it: DOI HEN <date> <time>"));
		break;
	default:
		r = buf_adds(out, tr(english, "Lich hen nay khong con hieu luc", "That appointment is no longer open"));
		break;
	}
out:
	buf_release(&hours);
	return r;
}

/* ". Gio con trong: T5 11/12 7h30; ... Nhan: <cmd> 11/12 7h30" (nothing
 * free: where to go instead). */
int appointments_suggestions(struct db *db, const struct gw_settings *cfg, time_t now,
			     int64_t dayno, int minute, int part, const char *cmd,
			     const char *tail, int english, struct buf *out)
{
	struct appointments_slot s[APPOINTMENTS_SUGGEST];
	size_t n = 0;
	int y, m, d, r;

	if ((r = appointments_nearest(db, cfg, now, dayno, minute, part, s,
				      APPOINTMENTS_SUGGEST, &n)) < 0)
		goto out;
	if (n == 0) {
		r = buf_adds(out, tr(english, ". Hien khong con gio trong, vui long lien he UBND xa.",
				     ". No free time now; please contact the commune office."));
		goto out;
	}
	r = buf_adds(out, tr(english, ". Gio con trong: ", ". Free: "));
	for (size_t i = 0; i < n && r == 0; i++)
		if ((i == 0 || (r = buf_adds(out, "; ")) == 0))
			r = appointments_slot_text(&s[i], english, out);
	if (r < 0 || !cmd) /* no command to suggest (the CLI has its own syntax) */
		goto out;
	calendar_date(s[0].dayno, &y, &m, &d);
	r = buf_addf(out, tr(english, ". Nhan: %s %d/%d %dh%02d%s", ". Send: %s %d/%d %dh%02d%s"), cmd, d, m,
		     s[0].minute / 60, s[0].minute % 60, tail);
out:
	return r;
}

int appointments_refusal(struct db *db, const struct gw_settings *cfg, time_t now,
			 const char *why, enum appointments_verdict v, int64_t dayno, int minute,
			 int part, const char *cmd, const char *tail, int english, struct buf *out)
{
	int r;

	if (why)
		r = appointments_date_error(why, english, out);
	else
		r = verdict_text(db, v, dayno, english, out);
	/* same day or too many: the remedy is another command, not another slot */
	if (r == 0 && !why && (v == APPOINTMENTS_SAME_DAY || v == APPOINTMENTS_TOO_MANY))
		r = buf_addch(out, '.');
	else if (r == 0)
		r = appointments_suggestions(db, cfg, now, dayno, minute, part, cmd, tail, english, out);
	return r;
}

json_t *appointments_facts(const char *action, const struct datetime_vi *when,
			   const char *outcome, int64_t id)
{
	char day[CALENDAR_DAY_LEN], hhmm[CALENDAR_HHMM_LEN];
	json_t *o = json_object();

	if (!o)
		goto out;
	if (when && when->has_date)
		calendar_day_str(calendar_dayno(when->year, when->month, when->day), day);
	if (when && when->has_time)
		calendar_hhmm(when->hour * 60 + when->minute, hhmm);
	json_object_set_new(o, "action", json_string(action));
	json_object_set_new(o, "date", when && when->has_date ? json_string(day) : json_null());
	json_object_set_new(o, "time", when && when->has_time ? json_string(hhmm) : json_null());
	json_object_set_new(o, "outcome", json_string(outcome ? outcome : "none"));
	json_object_set_new(o, "appointment", id ? json_integer(id) : json_null());
out:
	return o;
}
