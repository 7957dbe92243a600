/* dialog_frame.h - what a kind of screen (menu.c, selfcheck.c) works with.
 *
 * A conversation (dialog.h) is a stack of frames, JSON objects whose "t"
 * names their kind. Each kind of frame is drawn and driven by its own
 * module through a struct dialog_kind; the engine (dialog.c) holds the
 * table of kinds and hands it to every conversation, so a kind opens
 * another kind's frame through dialog_open() without knowing its module.
 * What the engine needs from the dispatcher above it (running a command
 * as if the phone had sent it) comes the same way, as struct dialog_ops:
 * nothing here calls back up into handlers/handler.c.
 */
#ifndef GW_DIALOG_FRAME_H
#define GW_DIALOG_FRAME_H

#include <jansson.h>
#include <time.h>

#include "common/buf.h"
#include "handlers/core/request.h"
#include "handlers/dialog/screen.h"

#define DIALOG_FINAL_MAX 2048

struct dialog;

/* Given by the dispatcher (handlers/handler.c) to dialog_intercept() and
 * dialog_ussd():
 *   run_command  handle msg as if the phone had sent it by SMS, the
 *                dispatcher's whole path (UT 6, HEN 15/12 9h); its
 *                replies go into res. 0 or a negative GW_ERR_*. */
struct dialog_ops {
	int (*run_command)(const struct handler_env *env, const struct handler_msg *msg,
			   struct handler_result *res);
};

enum dialog_kind_id { DIALOG_MENU = 0, DIALOG_SELFCHECK = 1, DIALOG_KINDS };

/* A kind of frame. Every function returns 0 or a negative GW_ERR_*.
 *   owns    1 when frame (its "t") is of this kind
 *   open    push the kind's first frame (key: the menu node to show; the
 *           self-check takes NULL); GW_ERR_NOTFOUND when key has no data
 *   render  draw frame onto s: title, body, options (the engine adds the
 *           footer and the hint)
 *   input   take one answer (not "0"/"00", which the engine handles);
 *           *taken = 0 when the screen does not take it
 *   back    "0": undo within the frame, *done = 1; *done = 0 lets the
 *           engine pop the frame. NULL: always pop.
 *   wants   1 when an SMS that is not a command word answers frame (an
 *           income, yes/no, a prompt's text), so it goes to the
 *           conversation before normal routing */
struct dialog_kind {
	int (*owns)(const json_t *frame);
	int (*open)(struct dialog *d, const char *key);
	int (*render)(struct dialog *d, json_t *frame, struct screen *s);
	int (*input)(struct dialog *d, json_t *frame, const char *input, int *taken);
	int (*back)(struct dialog *d, json_t *frame, int *done);
	int (*wants)(struct dialog *d, json_t *frame, const char *norm);
};

struct dialog {
	const struct dialog_ops *ops;             /* NULL: no input, so no command */
	const struct dialog_kind *const *kinds;   /* DIALOG_KINDS of them */
	const struct handler_req *rq;             /* env, message, contact */
	struct handler_result *res;               /* replies / SMS to queue */
	int ussd;                                 /* USSD screens, else SMS */
	json_t *state;                            /* the session (dialog.h) */
	char today[11];                           /* office date of the message */
	int end;                                  /* the conversation closes */
	int ran_command;                          /* dialog_run_command() dropped the session */
	struct buf final;                         /* the closing text, when end */
	const char *hint;                         /* static: the last input was not taken */
};

void dialog_init(struct dialog *d, const struct dialog_ops *ops,
		 const struct dialog_kind *const *kinds, const struct handler_req *rq,
		 struct handler_result *res, int ussd);
void dialog_release(struct dialog *d);

/* The frame on top; NULL when the stack is empty. */
json_t *dialog_top(const struct dialog *d);
/* Push a frame (the reference is taken, also on failure). */
int dialog_push(struct dialog *d, json_t *frame);
void dialog_pop(struct dialog *d);
/* Push the first frame of another kind (see struct dialog_kind). */
int dialog_open(struct dialog *d, enum dialog_kind_id kind, const char *key);
/* The kind that draws frame (the menu's when none claims it). */
const struct dialog_kind *dialog_kind_of(const struct dialog *d, const json_t *frame);
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
/* Run cmd through d->ops as if the phone had sent it by SMS and close
 * the conversation with its answer. */
int dialog_run_command(struct dialog *d, const char *cmd);

/* The office's date of t ("YYYY-MM-DD", out: 11 bytes). */
void dialog_office_day(const struct gw_settings *cfg, time_t t, char *out);

#endif
