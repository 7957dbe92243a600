/* appointments_offer.c - see appointments_offer.h. */
#include "handlers/features/appointments_offer.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/features/calendar.h"
#include "handlers/vi/vitok.h"

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

static int word_of(const struct vitok *t, const char *s, const char *const *list)
{
	for (; *list; list++)
		if (vitok_is_word(t, s, *list))
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
						 "xa", NULL };
	int yeses = 0, noes = 0, other = 0;
	struct vitok *t = NULL;
	size_t n = 0;

	if (vitok_split(norm, strlen(norm), &t, &n) < 0)
		return APPOINTMENTS_ANSWER_OTHER;
	for (size_t i = 0; i < n; i++) {
		if (t[i].kind == VITOK_PUNCT) /* "co a!", "ok 👍" */
			continue;
		if (word_of(&t[i], norm, no))
			noes++;
		else if (word_of(&t[i], norm, yes))
			yeses++;
		else if (!word_of(&t[i], norm, particles))
			other++;
	}
	free(t);
	if (other || (!yeses && !noes))
		return APPOINTMENTS_ANSWER_OTHER;
	return noes ? APPOINTMENTS_ANSWER_NO : APPOINTMENTS_ANSWER_YES;
}
