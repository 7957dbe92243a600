/* web_pages.h - the pages of the web console, one file per area.
 *
 * Every page is a web_page_fn (web_request.h): web_server.c has already
 * checked the session, the CSRF token of a POST and the role the route
 * needs; the page checks the commune of what it touches (handlers/features/
 * scope.h, answered by web_scope.h).
 * Forms post back and redirect (303) to a page that shows the outcome
 * (?ok=KEY, web_html.h), so a reload never sends a form twice. Every
 * change is one transaction with its audit row (actor "web:<phone>").
 *
 *   web_pages_login.c     /login, /logout, /lang
 *   web_pages_dash.c      /  modems, queues, today, 30-day chart, top
 *                         programs, open referrals, today's appointments
 *   web_pages_modems.c    the dashboard's modems: each one's state, routing,
 *                         operators, limits, sent today
 *   web_pages_programs.c  /programs list and search, editor, live preview
 *   web_pages_history.c   /programs/CODE/history: versions, diff, revert
 *   web_pages_jobs.c      /jobs list, post, edit, close; referrals' status
 *   web_pages_broadcast.c /jobs/ID/broadcast preview and send; /broadcasts
 *   web_pages_appts.c     /appointments calendar by day and slot; confirm,
 *                         move, decline, cancel (the household is told)
 *   web_pages_calendar.c  /calendar office hours, slots, capacity, days
 *   web_pages_inbox.c     /inbox recent messages with intent and reply;
 *                         answer one by hand (queued in the outbox)
 *   web_pages_contacts.c  /contacts subscriptions and opt-outs (an opt-out
 *                         is never undone from here)
 */
#ifndef GW_WEB_PAGES_H
#define GW_WEB_PAGES_H

#include <stddef.h>

#include "gateway/web/web_request.h"
#include "gateway/web/web_server.h"

/* web_pages.c: every page with its method, path and access, for
 * web_server_start(). */
extern const struct web_route web_pages_routes[];
extern const size_t web_pages_nroutes;

/* web_pages_login.c */
int web_page_login(struct web_req *rq, struct web_resp *rs);
int web_page_login_post(struct web_req *rq, struct web_resp *rs);
int web_page_logout(struct web_req *rq, struct web_resp *rs);
int web_page_lang(struct web_req *rq, struct web_resp *rs);

/* web_pages_dash.c */
int web_page_dashboard(struct web_req *rq, struct web_resp *rs);

/* web_pages_modems.c: the card listing every modem (day_start: office
 * midnight, for "sent today"). */
int web_modems_card(struct web_req *rq, struct buf *b, time_t day_start);

/* web_pages_programs.c */
int web_page_programs(struct web_req *rq, struct web_resp *rs);
int web_page_program(struct web_req *rq, struct web_resp *rs);
int web_page_program_new(struct web_req *rq, struct web_resp *rs);
int web_page_program_save(struct web_req *rq, struct web_resp *rs);
/* A program field's name as the editor labels it ("summary_vi" ->
 * "Tóm tắt (tiếng Việt)"). */
const char *web_program_field_label(const struct web_req *rq, const char *name);
int web_page_program_preview(struct web_req *rq, struct web_resp *rs);

/* web_pages_history.c */
int web_page_program_history(struct web_req *rq, struct web_resp *rs);
int web_page_program_revert(struct web_req *rq, struct web_resp *rs);

/* web_pages_jobs.c */
int web_page_jobs(struct web_req *rq, struct web_resp *rs);
int web_page_job(struct web_req *rq, struct web_resp *rs);
int web_page_job_save(struct web_req *rq, struct web_resp *rs);
int web_page_job_close(struct web_req *rq, struct web_resp *rs);
int web_page_referral_status(struct web_req *rq, struct web_resp *rs);

/* web_pages_broadcast.c */
int web_page_broadcast_preview(struct web_req *rq, struct web_resp *rs);
int web_page_broadcast_send(struct web_req *rq, struct web_resp *rs);
int web_page_broadcasts(struct web_req *rq, struct web_resp *rs);

/* web_pages_appts.c */
int web_page_appointments(struct web_req *rq, struct web_resp *rs);
int web_page_appointment_action(struct web_req *rq, struct web_resp *rs);

/* web_pages_calendar.c */
int web_page_calendar(struct web_req *rq, struct web_resp *rs);
int web_page_calendar_save(struct web_req *rq, struct web_resp *rs);

/* web_pages_inbox.c */
int web_page_inbox(struct web_req *rq, struct web_resp *rs);
int web_page_inbox_message(struct web_req *rq, struct web_resp *rs);
int web_page_inbox_answer(struct web_req *rq, struct web_resp *rs);
/* POST /preview/answer: the reply box's live count (characters, SMS,
 * encoding, cost) and its "bỏ dấu" button, as web_answer_count. */
int web_page_answer_preview(struct web_req *rq, struct web_resp *rs);
/* The count of an answer being typed, measured as the sender will send
 * it (reply_measure), with the unaccented text one click away. */
int web_answer_count(struct web_req *rq, const char *text, struct buf *b);

/* web_pages_contacts.c */
int web_page_contacts(struct web_req *rq, struct web_resp *rs);
int web_page_contact(struct web_req *rq, struct web_resp *rs);
int web_page_contact_save(struct web_req *rq, struct web_resp *rs);
/* The form that sets a household's commune (raw `current`, "" = not
 * known), the commune its messages name chosen: nothing when the account
 * may not place it (scope_may_set_commune). back "inbox": return there. */
int web_contact_commune_form(struct web_req *rq, struct buf *b, const char *phone, const char *current,
			     const char *back);

#endif
