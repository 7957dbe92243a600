/* dialog.h - conversations: numbered menus and multi-step dialogs.
 *
 * One engine serves USSD (gateway/ussd/ussd_http.c), numbered SMS menus and
 * `gatewayctl simulate`. A conversation is a stack of screens ("frames")
 * kept per phone and channel in the sessions table, so it survives a
 * daemon restart:
 *
 *   sessions.state = {"sid": "<USSD sessionId>", "n": <USSD inputs taken>,
 *                     "stack": [{"t": "menu", "key": "main"},
 *                               {"t": "cats", "key": "programs", "o": 0},
 *                               {"t": "prog", "code": "BHYT"}],
 *                     "sc": {...self-check answers, selfcheck.h...}}
 *
 * expires_at is refreshed on every answer (dialog.sms_timeout,
 * dialog.ussd_timeout). Every screen is plain GSM-7 and numbered
 * (screen.h); on it `0` goes back (at the first screen: leaves), `00` goes
 * to the main menu, and anything the screen does not take repeats it with
 * a short hint. The frames are drawn from data (menu.h: menu_nodes,
 * program categories, programs, jobs, appointments; selfcheck.h).
 *
 * SMS: MENU (or `0`/`00` as a first message) opens the main menu; while a
 * conversation is open, replies that are digits (1, 0, 00), or that the
 * current screen asks for (an income, yes/no words, a date to book), go to
 * it before normal routing; any other message is routed as usual and the
 * conversation stays open. Expired conversations answer digits with how
 * to start again.
 *
 * USSD: the operator sends every input of the session joined by '*'
 * ("" first, then "1", then "1*2"); the inputs not taken yet are applied
 * in order, so a retried request is not applied twice. Long content is
 * offered as "Gui chi tiet qua SMS" and queued as an SMS reply.
 */
#ifndef GW_DIALOG_H
#define GW_DIALOG_H

#include "common/buf.h"
#include "handlers/core/request.h"
#include "handlers/dialog/dialog_frame.h"

/* SMS hook: handlers/handler.c calls it after routing, before its
 * dispatch table. *taken = 1 when the conversation answered the message. */
int dialog_intercept(const struct dialog_ops *ops, const struct handler_req *rq,
		     struct handler_result *res, int *taken);

/* MENU: open the main menu by SMS. */
int dialog_handle_menu(const struct handler_req *rq, struct handler_result *res);

/* The eligibility intent (KT, "nha toi ... co duoc ho ngheo khong"): a
 * question about one named program without household facts gets that
 * program's "who qualifies"; anything else starts the self-check
 * (selfcheck.h) as a new conversation. */
int dialog_handle_selfcheck(const struct handler_req *rq, struct handler_result *res);

/* One USSD request: msg->text is the operator's `text` field, sid its
 * sessionId. screen gets the text to show (without "CON "/"END ");
 * *end = 1 when the session closes with it. SMS to send (long content,
 * command replies) are added to res for the caller to queue. Runs inside
 * the caller's transaction. */
int dialog_ussd(const struct dialog_ops *ops, const struct handler_env *env,
		const struct handler_msg *msg, const char *sid, struct buf *screen, int *end,
		struct handler_result *res);

#endif
