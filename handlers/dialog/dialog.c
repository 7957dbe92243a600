#include "handlers/dialog/dialog.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "handlers/core/commands.h"
#include "handlers/core/contacts.h"
#include "handlers/core/request.h"
#include "handlers/dialog/dialog_session.h"
#include "handlers/dialog/menu.h"
#include "handlers/dialog/selfcheck.h"

#define DIALOG_INPUT_MAX 480         /* one answer: longer ones are cut */
#define DIALOG_USSD_STEPS_MAX 32     /* new inputs applied in one USSD request */

/* ---- the engine ---- */

/* Every kind of frame a conversation may hold (dialog_frame.h). */
static const struct dialog_kind *const kinds[DIALOG_KINDS] = {
	[DIALOG_MENU] = &menu_kind,
	[DIALOG_SELFCHECK] = &selfcheck_kind,
};

static int fresh_main(struct dialog *d)
{
	json_decref(d->state);
	d->state = json_pack("{s:[]}", "stack");
	return d->state ? dialog_open(d, DIALOG_MENU, "main") : GW_ERR_NOMEM;
}

/* One answer on the top screen: 00, 0, or the screen's own. */
static int dialog_step(struct dialog *d, const char *input)
{
	json_t *top = dialog_top(d);
	const struct dialog_kind *kind = dialog_kind_of(d, top);
	int taken = 0, done = 0, r = 0;

	d->hint = NULL;
	if (!top || strcmp(input, "00") == 0) {
		r = fresh_main(d);
		goto out;
	}
	if (strcmp(input, "0") == 0) {
		if (kind->back && (r = kind->back(d, top, &done)) < 0)
			goto out;
		if (done)
			goto out;
		dialog_pop(d);
		if (!dialog_top(d))
			r = dialog_finish(d, d->ussd ? dialog_t(d, "Cam on ban da dung dich vu.",
								"Thank you for calling.")
					     : dialog_t(d, "Cam on ban. Nhan MENU de mo lai danh muc.",
							"Thank you. Send MENU to open the menu again."));
		goto out;
	}
	r = kind->input(d, top, input, &taken);
	if (r == 0 && !taken && !d->hint)
		d->hint = dialog_t(d, "Chon sai.", "Invalid choice.");
out:
	return r;
}

static int dialog_render(struct dialog *d, struct buf *out)
{
	json_t *top = dialog_top(d);
	struct screen s;
	int r;

	if ((r = dialog_screen(d, &s)) < 0)
		goto out;
	if (!top) {
		r = GW_ERR_NOTFOUND;
		goto out;
	}
	r = dialog_kind_of(d, top)->render(d, top, &s);
	if (r == 0 && d->hint)
		r = screen_hint(&s, d->hint);
	if (r < 0)
		goto out;
	/* Options of over-long data are dropped rather than the screen lost. */
	while ((r = screen_render(&s, out)) == GW_ERR_TOOBIG && s.nopts > 0)
		screen_drop_option(&s);
out:
	screen_release(&s);
	return r;
}

/* The answer to one message or request: the screen (or closing text)
 * and the stored or dropped session. */
static int dialog_answer(struct dialog *d, struct buf *screen)
{
	const struct handler_msg *msg = d->rq->msg;
	const struct gw_settings *cfg = d->rq->env->cfg;
	struct buf text;
	int r;

	buf_init(&text, DIALOG_FINAL_MAX);
	if (d->end) {
		if (!d->ran_command && (r = dialog_session_drop(d->rq->env->db, msg->phone, d->ussd)) < 0)
			goto out;
		r = buf_add(&text, d->final.data, d->final.len);
		if (r == 0 && !text.len && d->ussd)
			r = buf_adds(&text, dialog_t(d, "Cam on ban.", "Thank you."));
	} else {
		if ((r = dialog_render(d, &text)) < 0 ||
		    (r = dialog_session_save(d->rq->env->db, msg->phone, d->ussd, d->state, msg->at,
				      d->ussd ? cfg->dialog.ussd_timeout_s : cfg->dialog.sms_timeout_s)) < 0)
			goto out;
	}
	if (r < 0 || !text.len)
		goto out;
	r = d->ussd ? buf_add(screen, text.data, text.len) : handler_reply(d->res, msg, text.data);
out:
	buf_release(&text);
	return r;
}

/* Trimmed copy of text, cut to DIALOG_INPUT_MAX bytes. */
static int trimmed(const char *text, size_t len, struct buf *out)
{
	while (len && (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')) {
		text++;
		len--;
	}
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n' ||
		       text[len - 1] == '\r'))
		len--;
	return buf_add(out, text, len > DIALOG_INPUT_MAX ? DIALOG_INPUT_MAX : len);
}

static int all_digits(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 3 && s[n] == '\0';
}

/* A command word (not free text) starts the message. */
static int is_command(const struct handler_req *rq)
{
	return rq->route.how == ROUTER_EXACT || rq->route.how == ROUTER_GLUED ||
	       rq->route.how == ROUTER_FUZZY;
}

static int sms_menu(const struct handler_req *rq, struct handler_result *res)
{
	struct dialog d;
	int r;

	dialog_init(&d, NULL, kinds, rq, res, 0);
	request_set_intent(res, *rq->route.intent && strcmp(rq->route.intent, "unknown") != 0
					? rq->route.intent : "menu", NULL);
	if ((r = fresh_main(&d)) == 0)
		r = dialog_answer(&d, NULL);
	else if (r == GW_ERR_NOTFOUND) /* no menu data loaded (gatewayctl init): the help */
		r = commands_help(rq, res);
	dialog_release(&d);
	return r;
}

int dialog_handle_menu(const struct handler_req *rq, struct handler_result *res)
{
	return sms_menu(rq, res);
}

int dialog_intercept(const struct dialog_ops *ops, const struct handler_req *rq,
		     struct handler_result *res, int *taken)
{
	const struct handler_msg *msg = rq->msg;
	const struct dialog_kind *kind;
	struct buf input;
	struct dialog d;
	int expired = 0, took = 0, r = 0;

	buf_init(&input, DIALOG_INPUT_MAX + 1);
	dialog_init(&d, ops, kinds, rq, res, 0);
	if (msg->channel != HANDLER_CHANNEL_SMS)
		goto out;
	if (strcmp(rq->route.command, "MENU") == 0) {
		took = 1;
		r = sms_menu(rq, res);
		goto out;
	}
	if ((r = trimmed(msg->text, strlen(msg->text), &input)) < 0 ||
	    (r = dialog_session_load(rq->env->db, msg->phone, 0, msg->at, &d.state, &expired)) < 0)
		goto out;
	if (!d.state || expired) {
		/* "0" as a first message opens the menu; other digits after a
		 * conversation timed out say how to start again. */
		if (!strcmp(input.data, "0") || !strcmp(input.data, "00")) {
			took = 1;
			r = sms_menu(rq, res);
		} else if (expired && all_digits(input.data)) {
			took = 1;
			request_set_intent(res, "menu", NULL);
			if ((r = dialog_session_drop(rq->env->db, msg->phone, 0)) == 0)
				r = handler_reply(res, msg, dialog_t(&d,
					"Phien hoi dap da het han. Nhan MENU de mo danh muc, KT de tu kiem tra.",
					"That conversation has expired. Send MENU for the menu."));
		}
		goto out;
	}
	kind = dialog_kind_of(&d, dialog_top(&d));
	if (!all_digits(input.data) && (is_command(rq) || !kind->wants(&d, dialog_top(&d), rq->norm)))
		goto out;
	took = 1;
	request_set_intent(res, kind == kinds[DIALOG_SELFCHECK] ? "eligibility" : "menu", NULL);
	if ((r = dialog_step(&d, input.data)) == 0)
		r = dialog_answer(&d, NULL);
out:
	if (r == 0)
		*taken = took;
	dialog_release(&d);
	buf_release(&input);
	return r;
}

int dialog_handle_selfcheck(const struct handler_req *rq, struct handler_result *res)
{
	json_t *sc = NULL;
	struct dialog d;
	int r;

	/* KT arrives by SMS; a KT run from a USSD prompt also answers by SMS. */
	dialog_init(&d, NULL, kinds, rq, res, 0);
	if ((r = selfcheck_prepare(rq, res, &sc)) < 0 || !sc)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(d.state = json_pack("{s:[]}", "stack")) || json_object_set(d.state, "sc", sc) < 0)
		goto out;
	if ((r = dialog_push(&d, json_pack("{s:s}", "t", "kt"))) == 0)
		r = dialog_answer(&d, NULL);
out:
	json_decref(sc);
	dialog_release(&d);
	return r;
}

/* The n-th '*'-separated input of text (0-based) into out. */
static int nth_input(const char *text, size_t n, struct buf *out)
{
	const char *p = text, *star;

	for (size_t i = 0; i < n; i++)
		p = strchr(p, '*') + 1; /* the caller counted the stars */
	star = strchr(p, '*');
	return trimmed(p, star ? (size_t)(star - p) : strlen(p), out);
}

int dialog_ussd(const struct dialog_ops *ops, const struct handler_env *env,
		const struct handler_msg *msg, const char *sid, struct buf *screen, int *end,
		struct handler_result *res)
{
	struct handler_req rq;
	struct dialog d;
	struct buf input;
	size_t inputs = 0, done = 0;
	int expired = 0, r;

	memset(&rq, 0, sizeof(rq));
	rq.env = env;
	rq.msg = msg;
	rq.norm = rq.args = "";
	buf_init(&input, DIALOG_INPUT_MAX + 1);
	dialog_init(&d, ops, kinds, &rq, res, 1);
	request_set_intent(res, "menu", NULL);
	if ((r = contacts_touch(env->db, msg->phone, msg->at, &rq.contact)) < 0 ||
	    (r = dialog_session_load(env->db, msg->phone, 1, msg->at, &d.state, &expired)) < 0)
		goto out;
	if (d.state && !strcmp(json_string_value(json_object_get(d.state, "sid")) ?: "", sid)) {
		if (expired) {
			r = dialog_finish(&d, dialog_t(&d, "Phien da het han. Vui long quay so lai de bat dau.",
						       "The session has expired. Please dial again."));
			goto answer;
		}
		done = (size_t)json_integer_value(json_object_get(d.state, "n"));
	} else if ((r = fresh_main(&d)) == GW_ERR_NOTFOUND) {
		/* no menu data loaded (gatewayctl init) */
		r = dialog_finish(&d, dialog_t(&d, "Dich vu chua san sang. Vui long thu lai sau.",
					       "The service is not ready. Please try later."));
		goto answer;
	} else if (r < 0 || json_object_set_new(d.state, "sid", json_string(sid)) < 0) {
		r = r < 0 ? r : GW_ERR_NOMEM;
		goto out;
	}
	if (*msg->text) {
		inputs = 1;
		for (const char *p = msg->text; (p = strchr(p, '*')); p++)
			inputs++;
	}
	if (inputs > done + DIALOG_USSD_STEPS_MAX) {
		r = dialog_finish(&d, dialog_t(&d, "Yeu cau khong hop le.", "Invalid request."));
		goto answer;
	}
	for (size_t i = done; i < inputs && !d.end && r == 0; i++) {
		buf_reset(&input);
		if ((r = nth_input(msg->text, i, &input)) == 0)
			r = dialog_step(&d, input.data);
	}
	if (r < 0 || (!d.end && json_object_set_new(d.state, "n", json_integer((json_int_t)
						    (inputs > done ? inputs : done))) < 0)) {
		r = r < 0 ? r : GW_ERR_NOMEM;
		goto out;
	}
answer:
	if (r == 0 && (r = dialog_answer(&d, screen)) == 0)
		*end = d.end;
out:
	dialog_release(&d);
	buf_release(&input);
	return r;
}
