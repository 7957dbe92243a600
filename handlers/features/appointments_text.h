/* appointments_text.h - every message about an appointment.
 *
 * Confirmations, the office's changes, the reminder, notices to officers,
 * and the answer to a wish that cannot be met (the reason, the nearest
 * free slots and the command that takes the first one). All unaccented:
 * our own words have no diacritics and programme texts, place and names
 * are stripped of theirs, so every message travels as GSM-7 (the cheapest
 * encoding); a whole message is cut to sms.max_parts. Household messages
 * are Vietnamese or English as the contact chose; officers read
 * Vietnamese.
 *
 * Dates and times are written as households write them back:
 * "T2 15/12 7h30" (English: "Mon 15/12 7h30"), with the lunar day after
 * them when the household gave a lunar date: "T4 23/12 7h30 (ram thang 11
 * AL)".
 */
#ifndef GW_APPOINTMENTS_TEXT_H
#define GW_APPOINTMENTS_TEXT_H

#include <jansson.h>

#include "handlers/features/appointments.h"
#include "handlers/vi/datetime_vi.h"

enum appointments_notice {
	APPOINTMENTS_NOTICE_BOOKED,     /* to the household: received, what to bring */
	APPOINTMENTS_NOTICE_CONFIRMED,  /* to the household: an officer confirmed */
	APPOINTMENTS_NOTICE_MOVED,      /* to the household: the office moved it */
	APPOINTMENTS_NOTICE_DECLINED,   /* to the household: an officer declined */
	APPOINTMENTS_NOTICE_CANCELLED,  /* to the household: the office cancelled */
	APPOINTMENTS_NOTICE_REMINDER,   /* to the household: tomorrow */
	APPOINTMENTS_NOTICE_OFFICER_NEW,      /* to the officer: a new request */
	APPOINTMENTS_NOTICE_OFFICER_MOVED,    /* to the officer: the household moved it */
	APPOINTMENTS_NOTICE_OFFICER_CANCELLED,/* to the officer: the household cancelled */
};

/* "T2 15/12 7h30" (or "Mon 15/12 7h30") for a day and slot as stored. */
int appointments_when(const char *day, const char *slot, int english, struct buf *out);
/* appointments_when, and for an appointment asked for by a lunar date
 * its lunar day too: "T4 23/12 13h30 (ram thang 11 AL)". */
int appointments_when_of(const struct appointment *a, int english, struct buf *out);
/* " (ram thang 11 AL)": the lunar day of dayno, for a reply that names it. */
int appointments_lunar_text(int64_t dayno, struct buf *out);
/* The same for a slot. */
int appointments_slot_text(const struct appointments_slot *s, int english, struct buf *out);

/* What to bring for a programme, unaccented: its documents_vi, else what
 * its how_to_apply_vi says to bring ("Mang CCCD, ..."), always with the
 * ID card (CCCD); "CCCD" alone for no or an unknown programme. */
int appointments_documents(struct db *db, const char *code, struct buf *out);

/* The whole message of kind about a, in lang ("vi"/"en"), fitted to
 * sms.max_parts. */
int appointments_notice_text(struct db *db, const struct gw_settings *cfg,
			     const struct appointment *a, enum appointments_notice kind,
			     const char *lang, struct buf *out);

struct handler_result;

/* Add the notice to res. Household notices go to a->phone: as the reply
 * to its own message when reply_lang is set (kind "reply", in that
 * language), else in the contact's language (kind "reminder" for a
 * reminder, else "notify"). Officer notices go to a->officer_id's phone,
 * and to nobody when the appointment has no officer or that officer is
 * the one who acted (acting_officer). */
int appointments_queue_notice(struct db *db, const struct gw_settings *cfg,
			      const struct appointment *a, enum appointments_notice kind,
			      const char *reply_lang, int64_t acting_officer,
			      struct handler_result *res);

/* "booked" (APPOINTMENTS_OK), "full", "closed", "off_hours", "past",
 * "too_far", "same_day", "too_many", "not_live". */
const char *appointments_verdict_name(enum appointments_verdict v);

/* Why a date or time datetime_vi refused (its reason why) cannot be used:
 * "Ngay khong co that (vd 31/2)", ... */
int appointments_date_error(const char *why, int english, struct buf *out);

/* The answer to a wish that cannot be met: the reason (why, a
 * datetime_vi reason, when the date or time could not be used; else the
 * verdict for dayno), then — unless the remedy is another command (same
 * day, too many) — the free slots nearest to (dayno, minute, part) and
 * "<cmd> <first slot><tail>" to take the first. */
int appointments_refusal(struct db *db, const struct gw_settings *cfg, time_t now,
			 const char *why, enum appointments_verdict v, int64_t dayno, int minute,
			 int part, const char *cmd, const char *tail, int english, struct buf *out);

/* ". Gio con trong: T5 11/12 7h30; ... Nhan: <cmd> 11/12 7h30<tail>"
 * (nothing free: where to go instead; cmd NULL: no "Nhan: ..."). */
int appointments_suggestions(struct db *db, const struct gw_settings *cfg, time_t now,
			     int64_t dayno, int minute, int part, const char *cmd,
			     const char *tail, int english, struct buf *out);

/* For `gatewayctl simulate --json`: {"action", "date" ("YYYY-MM-DD" or
 * null), "time" ("HH:MM" or null), "outcome", "appointment" (id or
 * null)}; when may be NULL. NULL when out of memory. */
json_t *appointments_facts(const char *action, const struct datetime_vi *when,
			   const char *outcome, int64_t id);

#endif
