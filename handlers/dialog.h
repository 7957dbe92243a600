/* dialog.h - conversations: numbered menus and multi-step dialogs.
 *
 * One engine serves USSD (gateway/ussd_http.c), numbered SMS menus and
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

#include <jansson.h>
#include <time.h>

#include "../common/buf.h"
#include "handler.h"
#include "screen.h"

struct handler_req;

/* SMS hook: handler_process() calls it after routing, before its dispatch
 * table. *taken = 1 when the conversation answered the message. */
int dialog_intercept(const struct handler_req *rq, struct handler_result *res, int *taken);

/* MENU: open the main menu by SMS. */
int dialog_handle_menu(const struct handler_req *rq, struct handler_result *res);

/* One USSD request: msg->text is the operator's `text` field, sid its
 * sessionId. screen gets the text to show (without "CON "/"END ");
 * *end = 1 when the session closes with it. SMS to send (long content,
 * command replies) are added to res for the caller to queue. Runs inside
 * the caller's transaction. */
int dialog_ussd(const struct handler_env *env, const struct handler_msg *msg, const char *sid,
		struct buf *screen, int *end, struct handler_result *res);

/* The office's date of t ("YYYY-MM-DD", out: 11 bytes). */
void dialog_office_day(const struct gw_settings *cfg, time_t t, char *out);

/* ---- for the frame modules (menu.c, selfcheck.c) ---- */

struct dialog {
	const struct handler_req *rq; /* env, message, contact */
	struct handler_result *res;   /* replies / SMS to queue */
	int ussd;                     /* USSD screens, else SMS */
	json_t *state;                /* the session (see above) */
	char today[11];               /* office date of the message, YYYY-MM-DD */
	int end;                      /* the conversation closes with this answer */
	int ran_command;              /* dialog_run_command() dropped the session */
	struct buf final;             /* the closing text, when end */
	const char *hint;             /* static: the last input was not taken */
};

/* The frame on top; NULL when the stack is empty. */
json_t *dialog_top(const struct dialog *d);
/* Push a frame (the reference is taken, also on failure). */
int dialog_push(struct dialog *d, json_t *frame);
void dialog_pop(struct dialog *d);
/* "vi" or "en" text for the contact. */
const char *dialog_t(const struct dialog *d, const char *vi, const char *en);
/* Characters a screen may hold: USSD 182; SMS lists one part, texts the
 * sms.max_parts budget. */
size_t dialog_limit(const struct dialog *d, int text);
/* Start the screen of the top frame: its limit and footer ("0:Quay lai
 * 00:Menu"), the same whether drawn or read back for a choice. Release
 * with screen_release() also on failure. */
int dialog_screen(struct dialog *d, struct screen *s);
/* Close the conversation with text (NULL: the replies already added). */
int dialog_finish(struct dialog *d, const char *text);
/* Send body by SMS (USSD) or as a reply (SMS), cut to sms.max_parts,
 * with "<more_cmd> 2" for the rest when more_cmd is given. */
int dialog_sms(struct dialog *d, const char *body, const char *more_cmd);
/* Run cmd as if the phone had sent it by SMS (UT 6, HEN 15/12 9h) and
 * close the conversation with its answer. */
int dialog_run_command(struct dialog *d, const char *cmd);
/* Open the self-check (selfcheck.h) as a new conversation: used by KT. */
int dialog_start(const struct handler_req *rq, struct handler_result *res, json_t *frame,
		 json_t *sc);

#endif
