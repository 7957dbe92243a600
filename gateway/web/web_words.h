/* web_words.h - how the console says what the database stores: dates and
 * times in one format, amounts, statuses, kinds, intents and who did
 * something, in plain words of the visitor's language.
 *
 * One format on every page, in office time:
 *   date   "T4 16/12/2026"          English "Wed 16/12/2026"
 *   time   "10h11"                  English "10:11"
 *   both   "T4 16/12/2026 10h11"    English "Wed 16/12/2026 10:11"
 * joined by no-break spaces, so a date never wraps across lines. Nothing
 * internal reaches the page: a status "sent" is "đã gửi", an intent
 * "job_apply" is "Ứng tuyển", an actor "web:+84912000003" is the
 * officer's name. A value these functions do not know is shown as a
 * neutral word ("khác"), never as itself: a new status added elsewhere
 * cannot leak English into the Vietnamese console.
 */
#ifndef GW_WEB_WORDS_H
#define GW_WEB_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "gateway/web/web_request.h"

#define WEB_TIME_LEN 40 /* any of the formats above, with its NUL */

/* Date and time of a UTC time; "-" for 0. */
void web_fmt_time(const struct web_req *rq, int64_t t, char *out, size_t outsz);
/* A time near now as people say it: "hôm nay 10h15", "ngày mai 7h00";
 * further away as web_fmt_time. */
void web_fmt_soon(const struct web_req *rq, int64_t t, char *out, size_t outsz);
/* The date of a UTC time. */
void web_fmt_day(const struct web_req *rq, int64_t t, char *out, size_t outsz);
/* The date of a day number (handlers/features/calendar.h). */
void web_fmt_dayno(const struct web_req *rq, int64_t dayno, char *out, size_t outsz);
/* The date of a stored "YYYY-MM-DD"; "-" for "" and the text itself when
 * it is not a date. */
void web_fmt_daystr(const struct web_req *rq, const char *ymd, char *out, size_t outsz);
/* A time of day from minutes after midnight. */
void web_fmt_minute(const struct web_req *rq, int minute, char *out, size_t outsz);
/* A time of day from a stored "HH:MM" (the text itself when it is not one). */
void web_fmt_hhmm(const struct web_req *rq, const char *hhmm, char *out, size_t outsz);
/* Opening periods "07:30-11:30,13:30-17:00" as "7h30–11h30, 13h30–17h00". */
int web_fmt_periods(const struct web_req *rq, const char *spec, struct buf *out);
/* An amount grouped as people write it: 5000000 -> "5.000.000" (English
 * "5,000,000"). */
int web_fmt_amount(const struct web_req *rq, long long v, struct buf *out);

/* Plain words for stored values. */
const char *web_intent_label(const struct web_req *rq, const char *intent);
const char *web_referral_label(const struct web_req *rq, const char *status);
const char *web_inbox_status_label(const struct web_req *rq, const char *status);
/* why a message was skipped or failed (inbox.error), never the raw text */
const char *web_inbox_error_label(const struct web_req *rq, const char *error);
const char *web_outbox_status_label(const struct web_req *rq, const char *status);
const char *web_outbox_kind_label(const struct web_req *rq, const char *kind);
const char *web_appt_status_label(const struct web_req *rq, const char *status);
const char *web_day_kind_label(const struct web_req *rq, const char *kind);
const char *web_lang_label(const struct web_req *rq, const char *lang);
const char *web_sim_label(const struct web_req *rq, const char *security);
/* Why a message waits for an officer (attention.h's reasons); "" for none. */
const char *web_attention_label(const struct web_req *rq, int reason);
/* "có dấu" / "không dấu" for an SMS encoding (ucs2 or not). */
const char *web_encoding_label(const struct web_req *rq, int ucs2);

/* Who did something (audit actor, updated_by, created_by): an officer's
 * name for "web:<phone>" or their phone, "the box's administrator" for
 * "cli:...", a household's local number for a phone nobody registered. */
int web_actor_label(const struct web_req *rq, const char *actor, struct buf *out);

#endif
