/* appointments_offer.c - see appointments_offer.h. */
#include "handlers/features/appointments_offer.h"

#include <string.h>

#include "common/gw_err.h"
#include "handlers/features/calendar.h"

#define WORD_MAX 16

int appointments_offer_save(struct db *db, const char *phone, const struct appointments_offer *o,
			    time_t now)
{
	char day[CALENDAR_DAY_LEN], slot[CALENDAR_HHMM_LEN];
	int r;

	calendar_day_str(o->slot.dayno, day);
	calendar_hhmm(o->slot.minute, slot);
	/* offers nobody answered keep a phone number: never past their day */
	if ((r = db_run(db, "DELETE FROM appointment_offers WHERE created_at < ?",
			DB_ARGS(DB_INT(now - APPOINTMENTS_OFFER_TTL)))) < 0)
		goto out;
	r = db_run(db, "INSERT OR REPLACE INTO appointment_offers (phone, action, appointment_id,"
		       " day, slot, program_code, topic, lunar, created_at)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		   DB_ARGS(DB_TEXT(phone), DB_TEXT(o->move ? "move" : "book"),
			   o->move ? DB_INT(o->appointment_id) : DB_NULL, DB_TEXT(day), DB_TEXT(slot),
			   DB_TEXT(o->program_code), DB_TEXT(o->topic), DB_INT(o->lunar != 0),
			   DB_INT(now)));
out:
	return r;
}

int appointments_offer_take(struct db *db, const char *phone, time_t now,
			    struct appointments_offer *out)
{
	struct appointments_offer o;
	sqlite3_stmt *st;
	int fresh, r;

	memset(&o, 0, sizeof(o));
	if ((r = db_row(db, "SELECT action, coalesce(appointment_id, 0), day, slot, program_code,"
			    " topic, lunar, created_at FROM appointment_offers WHERE phone = ?",
			DB_ARGS(DB_TEXT(phone)), &st)) < 0)
		goto out;
	o.move = strcmp(db_col_text(st, 0), "move") == 0;
	o.appointment_id = sqlite3_column_int64(st, 1);
	o.lunar = sqlite3_column_int(st, 6);
	fresh = sqlite3_column_int64(st, 7) >= (int64_t)now - APPOINTMENTS_OFFER_TTL;
	if (calendar_parse_day(db_col_text(st, 2), &o.slot.dayno) < 0 ||
	    calendar_parse_hhmm(db_col_text(st, 3), &o.slot.minute) < 0 ||
	    gw_strlcpy(o.program_code, db_col_text(st, 4), sizeof(o.program_code)) < 0 ||
	    gw_strlcpy(o.topic, db_col_text(st, 5), sizeof(o.topic)) < 0)
		fresh = 0; /* unreadable: as good as gone */
	sqlite3_reset(st);
	if ((r = appointments_offer_drop(db, phone)) < 0)
		goto out;
	if (!fresh) {
		r = GW_ERR_NOTFOUND;
		goto out;
	}
	*out = o;
out:
	return r;
}

int appointments_offer_drop(struct db *db, const char *phone)
{
	return db_run(db, "DELETE FROM appointment_offers WHERE phone = ?", DB_ARGS(DB_TEXT(phone)));
}

static int word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, w, n) == 0)
			return 1;
	return 0;
}

enum appointments_answer appointments_offer_answer(const char *norm)
{
	static const char *const yes[] = { "co", "ok", "oke", "okie", "okay", "duoc", "dong", "y",
					   "vang", "da", "u", "uh", "uhm", "um", "yes", "chot",
					   "nhat", "tri", "dat", "lay", "gio", "do", "luon", NULL };
	static const char *const no[] = { "khong", "thoi", "no", NULL };
	static const char *const particles[] = { "a", "nhe", "nha", "nhen", "em", "anh", "chi",
						 "ad", "oi", "vay", "roi", "di", "ha", "ban", "can", "bo",
						 "xa", "!", ".", "?", ",", NULL };
	int yeses = 0, noes = 0, other = 0;
	const char *p = norm;

	while (*p) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (!n)
			break;
		if (n > WORD_MAX)
			other++;
		else if (word_in(p, n, no))
			noes++;
		else if (word_in(p, n, yes))
			yeses++;
		else if (!word_in(p, n, particles))
			other++;
		p += n;
	}
	if (other || (!yeses && !noes))
		return APPOINTMENTS_ANSWER_OTHER;
	return noes ? APPOINTMENTS_ANSWER_NO : APPOINTMENTS_ANSWER_YES;
}
