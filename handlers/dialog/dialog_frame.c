#include "handlers/dialog/dialog_frame.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/request.h"
#include "handlers/dialog/dialog_session.h"

#define DIALOG_STACK_MAX 24          /* deeper stacks forget their oldest pages */

json_t *dialog_top(const struct dialog *d)
{
	json_t *stack = json_object_get(d->state, "stack");
	size_t n = json_array_size(stack);

	return n ? json_array_get(stack, n - 1) : NULL;
}

int dialog_push(struct dialog *d, json_t *frame)
{
	json_t *stack = json_object_get(d->state, "stack");
	int r = GW_ERR_NOMEM;

	if (!frame || !stack)
		goto out;
	/* Paging far down a list: forget the oldest pages, keep the root. */
	if (json_array_size(stack) >= DIALOG_STACK_MAX)
		json_array_remove(stack, 1);
	r = json_array_append(stack, frame) == 0 ? 0 : GW_ERR_NOMEM;
out:
	json_decref(frame);
	return r;
}

void dialog_pop(struct dialog *d)
{
	json_t *stack = json_object_get(d->state, "stack");
	size_t n = json_array_size(stack);

	if (n)
		json_array_remove(stack, n - 1);
}

const char *dialog_t(const struct dialog *d, const char *vi, const char *en)
{
	return request_english(d->rq) && en && *en ? en : vi;
}

size_t dialog_limit(const struct dialog *d, int text)
{
	int parts = d->rq->env->cfg->sms.max_parts;

	if (d->ussd)
		return SCREEN_USSD_MAX;
	if (!text || parts <= 1)
		return SCREEN_SMS_MAX;
	return (size_t)parts * 153; /* GSM-7 parts of a concatenated message */
}

int dialog_finish(struct dialog *d, const char *text)
{
	int r = 0;

	d->end = 1;
	buf_reset(&d->final);
	if (text)
		r = screen_plain(text, dialog_limit(d, 1), &d->final);
	return r;
}

int dialog_sms(struct dialog *d, const char *body, const char *more_cmd)
{
	return request_reply_paged(d->rq, d->res, body, more_cmd, 1);
}

/* Forget the outbound messages added from index from on. */
static void result_truncate(struct handler_result *res, size_t from)
{
	while (res->nout > from) {
		res->nout--;
		free(res->out[res->nout].phone);
		free(res->out[res->nout].text);
		memset(&res->out[res->nout], 0, sizeof(res->out[res->nout]));
	}
}

int dialog_run_command(struct dialog *d, const char *cmd)
{
	struct handler_msg m = *d->rq->msg;
	size_t before = d->res->nout;
	struct buf plain;
	int r;

	buf_init(&plain, DIALOG_FINAL_MAX);
	m.text = cmd;
	/* The stored conversation goes first, so the command is routed as a
	 * fresh message and not taken back by this conversation's SMS hook;
	 * whatever session the command opens is then left alone. */
	if ((r = dialog_session_drop(d->rq->env->db, m.phone, d->ussd)) < 0)
		goto out;
	d->end = 1;
	d->ran_command = 1;
	buf_reset(&d->final);
	if (!d->ops) { /* a conversation opened without input runs no command */
		r = GW_ERR_INVAL;
		goto out;
	}
	if ((r = d->ops->run_command(d->rq->env, &m, d->res)) < 0 || !d->ussd)
		goto out;
	/* USSD: show the answer when it fits the screen, else send it. */
	if (d->res->nout > before &&
	    (r = screen_plain(d->res->out[before].text, 0, &plain)) == 0 &&
	    plain.len <= SCREEN_USSD_MAX && d->res->nout == before + 1) {
		result_truncate(d->res, before);
		r = buf_add(&d->final, plain.data, plain.len);
	} else if (r == 0) {
		r = buf_adds(&d->final, dialog_t(d, "Ket qua da gui qua SMS. Cam on ban!",
						 "The answer was sent by SMS. Thank you!"));
	}
out:
	buf_release(&plain);
	return r;
}

int dialog_screen(struct dialog *d, struct screen *s)
{
	json_t *stack = json_object_get(d->state, "stack");
	const char *root_key = json_string_value(json_object_get(json_array_get(stack, 0), "key"));
	int at_main = root_key && strcmp(root_key, "main") == 0;

	const char *foot = json_array_size(stack) > 1 ? dialog_t(d, "0:Quay lai 00:Menu", "0:Back 00:Menu")
			   : at_main ? dialog_t(d, "0:Thoat", "0:Exit")
			   : dialog_t(d, "0:Thoat 00:Menu", "0:Exit 00:Menu");

	screen_init(s, dialog_limit(d, 0));
	return screen_footer(s, foot);
}

void dialog_office_day(const struct gw_settings *cfg, time_t t, char *out)
{
	time_t local = t + (time_t)cfg->office.utc_offset_min * 60;
	struct tm tm;

	gmtime_r(&local, &tm);
	if (strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "1970-01-01", 11);
}

void dialog_init(struct dialog *d, const struct dialog_ops *ops,
		 const struct dialog_kind *const *kinds, const struct handler_req *rq,
		 struct handler_result *res, int ussd)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->kinds = kinds;
	d->rq = rq;
	d->res = res;
	d->ussd = ussd;
	buf_init(&d->final, DIALOG_FINAL_MAX);
	dialog_office_day(rq->env->cfg, rq->msg->at, d->today);
}

void dialog_release(struct dialog *d)
{
	json_decref(d->state);
	buf_release(&d->final);
}

int dialog_open(struct dialog *d, enum dialog_kind_id kind, const char *key)
{
	return d->kinds[kind]->open(d, key);
}

const struct dialog_kind *dialog_kind_of(const struct dialog *d, const json_t *frame)
{
	/* Menu frames are named after their data's node kinds, so the menu is
	 * asked last and takes whatever no other kind claims. */
	for (int k = DIALOG_KINDS - 1; k > DIALOG_MENU; k--)
		if (d->kinds[k]->owns(frame))
			return d->kinds[k];
	return d->kinds[DIALOG_MENU];
}
