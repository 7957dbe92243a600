#include "dialog.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/gw_err.h"
#include "../common/log.h"
#include "commands.h"
#include "contacts.h"
#include "menu.h"
#include "request.h"
#include "selfcheck.h"

#define DIALOG_STATE_MAX (32 * 1024) /* a stored state larger than this is dropped */
#define DIALOG_INPUT_MAX 480         /* one answer: longer ones are cut */
#define DIALOG_USSD_STEPS_MAX 32     /* new inputs applied in one USSD request */
#define DIALOG_STACK_MAX 24          /* deeper stacks forget their oldest pages */
#define DIALOG_FINAL_MAX 2048

/* ---- the sessions table ---- */

static const char *channel_name(int ussd)
{
	return ussd ? "ussd" : "sms";
}

/* The stored conversation: *state NULL when there is none or it cannot be
 * read; *expired = 1 when its time has passed (the state is still given,
 * so USSD can tell its own session from a new one). */
static int session_load(struct db *db, const char *phone, int ussd, time_t now, json_t **state,
			int *expired)
{
	sqlite3_stmt *st;
	json_t *s = NULL;
	int r, old = 0;

	if ((r = db_prepare(db, "SELECT state, expires_at FROM sessions WHERE phone = ? AND channel = ?",
			    &st)) < 0)
		goto out;
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, channel_name(ussd));
	if ((r = db_step(st)) < 0)
		goto out;
	if (r == DB_ROW) {
		const char *text = db_col_text(st, 0);

		old = sqlite3_column_int64(st, 1) <= (sqlite3_int64)now;
		if (strlen(text) <= DIALOG_STATE_MAX)
			s = json_loads(text, 0, NULL);
		if (s && !json_is_array(json_object_get(s, "stack"))) {
			json_decref(s);
			s = NULL;
		}
		if (!s)
			log_warn("dialog: unreadable %s session state dropped", channel_name(ussd));
		sqlite3_reset(st);
	}
	*state = s;
	*expired = old;
	r = 0;
out:
	return r;
}

static int session_drop(struct db *db, const char *phone, int ussd)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "DELETE FROM sessions WHERE phone = ? AND channel = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, channel_name(ussd));
	r = db_step(st);
out:
	return r < 0 ? r : 0;
}

/* Store the state; expired sessions of everyone go at the same time, so
 * answers about a household's income do not linger. */
static int session_save(struct db *db, const char *phone, int ussd, json_t *state, time_t now,
			int timeout_s)
{
	sqlite3_stmt *st;
	char *text = NULL;
	int r = GW_ERR_NOMEM;

	if (!(text = json_dumps(state, JSON_COMPACT)))
		goto out;
	if (strlen(text) > DIALOG_STATE_MAX) {
		r = GW_ERR_TOOBIG;
		goto out;
	}
	if ((r = db_prepare(db, "DELETE FROM sessions WHERE expires_at <= ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if ((r = db_step(st)) < 0)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO sessions (phone, channel, state, updated_at, expires_at)"
				" VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone, channel) DO UPDATE SET"
				" state = excluded.state, updated_at = excluded.updated_at,"
				" expires_at = excluded.expires_at", &st)) < 0)
		goto out;
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, channel_name(ussd));
	db_bind_text(st, 3, text);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now + timeout_s);
	r = db_step(st);
out:
	free(text);
	return r < 0 ? r : 0;
}

/* ---- helpers for the frame modules ---- */

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
	if ((r = session_drop(d->rq->env->db, m.phone, d->ussd)) < 0)
		goto out;
	d->end = 1;
	d->ran_command = 1;
	buf_reset(&d->final);
	if ((r = handler_process(d->rq->env, &m, d->res)) < 0 || !d->ussd)
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

/* ---- the engine ---- */

void dialog_office_day(const struct gw_settings *cfg, time_t t, char *out)
{
	time_t local = t + (time_t)cfg->office.utc_offset_min * 60;
	struct tm tm;

	gmtime_r(&local, &tm);
	if (strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "1970-01-01", 11);
}

static void dialog_init(struct dialog *d, const struct handler_req *rq, struct handler_result *res,
			int ussd)
{
	memset(d, 0, sizeof(*d));
	d->rq = rq;
	d->res = res;
	d->ussd = ussd;
	buf_init(&d->final, DIALOG_FINAL_MAX);
	dialog_office_day(rq->env->cfg, rq->msg->at, d->today);
}

static void dialog_release(struct dialog *d)
{
	json_decref(d->state);
	buf_release(&d->final);
}

static int is_selfcheck(const json_t *frame)
{
	const char *t = json_string_value(json_object_get(frame, "t"));

	return t && strcmp(t, "kt") == 0;
}

static int fresh_main(struct dialog *d)
{
	json_decref(d->state);
	d->state = json_pack("{s:[]}", "stack");
	return d->state ? menu_open(d, "main") : GW_ERR_NOMEM;
}

/* One answer on the top screen: 00, 0, or the screen's own. */
static int dialog_step(struct dialog *d, const char *input)
{
	json_t *top = dialog_top(d);
	int taken = 0, done = 0, r = 0;

	d->hint = NULL;
	if (!top || strcmp(input, "00") == 0) {
		r = fresh_main(d);
		goto out;
	}
	if (strcmp(input, "0") == 0) {
		if (is_selfcheck(top) && (r = selfcheck_back(d, top, &done)) < 0)
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
	r = is_selfcheck(top) ? selfcheck_input(d, top, input, &taken)
			      : menu_input(d, top, input, &taken);
	if (r == 0 && !taken && !d->hint)
		d->hint = dialog_t(d, "Chon sai.", "Invalid choice.");
out:
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
	r = is_selfcheck(top) ? selfcheck_render(d, top, &s) : menu_render(d, top, &s);
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
		if (!d->ran_command && (r = session_drop(d->rq->env->db, msg->phone, d->ussd)) < 0)
			goto out;
		r = buf_add(&text, d->final.data, d->final.len);
		if (r == 0 && !text.len && d->ussd)
			r = buf_adds(&text, dialog_t(d, "Cam on ban.", "Thank you."));
	} else {
		if ((r = dialog_render(d, &text)) < 0 ||
		    (r = session_save(d->rq->env->db, msg->phone, d->ussd, d->state, msg->at,
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

	dialog_init(&d, rq, res, 0);
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

int dialog_intercept(const struct handler_req *rq, struct handler_result *res, int *taken)
{
	const struct handler_msg *msg = rq->msg;
	struct buf input;
	struct dialog d;
	int expired = 0, took = 0, r = 0;

	buf_init(&input, DIALOG_INPUT_MAX + 1);
	dialog_init(&d, rq, res, 0);
	if (msg->channel != HANDLER_CHANNEL_SMS)
		goto out;
	if (strcmp(rq->route.command, "MENU") == 0) {
		took = 1;
		r = sms_menu(rq, res);
		goto out;
	}
	if ((r = trimmed(msg->text, strlen(msg->text), &input)) < 0 ||
	    (r = session_load(rq->env->db, msg->phone, 0, msg->at, &d.state, &expired)) < 0)
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
			if ((r = session_drop(rq->env->db, msg->phone, 0)) == 0)
				r = handler_reply(res, msg, dialog_t(&d,
					"Phien hoi dap da het han. Nhan MENU de mo danh muc, KT de tu kiem tra.",
					"That conversation has expired. Send MENU for the menu."));
		}
		goto out;
	}
	if (!all_digits(input.data) &&
	    (is_command(rq) || !(is_selfcheck(dialog_top(&d)) ? selfcheck_wants(&d, dialog_top(&d), rq->norm)
							       : menu_wants_text(dialog_top(&d)))))
		goto out;
	took = 1;
	request_set_intent(res, is_selfcheck(dialog_top(&d)) ? "eligibility" : "menu", NULL);
	if ((r = dialog_step(&d, input.data)) == 0)
		r = dialog_answer(&d, NULL);
out:
	if (r == 0)
		*taken = took;
	dialog_release(&d);
	buf_release(&input);
	return r;
}

int dialog_start(const struct handler_req *rq, struct handler_result *res, json_t *frame,
		 json_t *sc)
{
	struct dialog d;
	int r = GW_ERR_NOMEM;

	/* KT arrives by SMS; a KT run from a USSD prompt also answers by SMS. */
	dialog_init(&d, rq, res, 0);
	if (!(d.state = json_pack("{s:[]}", "stack")) || (sc && json_object_set(d.state, "sc", sc) < 0))
		goto out;
	if ((r = dialog_push(&d, json_incref(frame))) == 0)
		r = dialog_answer(&d, NULL);
out:
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

int dialog_ussd(const struct handler_env *env, const struct handler_msg *msg, const char *sid,
		struct buf *screen, int *end, struct handler_result *res)
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
	dialog_init(&d, &rq, res, 1);
	request_set_intent(res, "menu", NULL);
	if ((r = contacts_touch(env->db, msg->phone, msg->at, &rq.contact)) < 0 ||
	    (r = session_load(env->db, msg->phone, 1, msg->at, &d.state, &expired)) < 0)
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
