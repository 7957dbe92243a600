#include "handler.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/gw_err.h"
#include "../common/log.h"
#include "appointments_officer.h"
#include "appointments_sms.h"
#include "contacts.h"
#include "dialog.h"
#include "request.h"
#include "normalize.h"
#include "officers.h"
#include "broadcast.h"
#include "commands.h"
#include "jobs_sms.h"
#include "policy.h"
#include "referrals.h"
#include "reply.h"
#include "router.h"
#include "selfcheck.h"

#define HANDLER_TEXT_MAX (16 * 1024)

void handler_result_init(struct handler_result *res)
{
	memset(res, 0, sizeof(*res));
}

void handler_result_release(struct handler_result *res)
{
	for (size_t i = 0; i < res->nout; i++) {
		free(res->out[i].phone);
		free(res->out[i].text);
	}
	json_decref(res->extra);
	memset(res, 0, sizeof(*res));
}

int handler_result_add(struct handler_result *res, const char *phone, const char *text,
		       const char *kind, int priority)
{
	struct handler_out *o;

	if (res->nout == HANDLER_MAX_OUT)
		return GW_ERR_TOOBIG;
	o = &res->out[res->nout];
	o->phone = strdup(phone);
	o->text = strdup(text);
	if (!o->phone || !o->text) {
		free(o->phone);
		free(o->text);
		return GW_ERR_NOMEM;
	}
	o->kind = kind;
	o->priority = priority;
	res->nout++;
	return 0;
}

int handler_reply(struct handler_result *res, const struct handler_msg *msg, const char *text)
{
	return handler_result_add(res, msg->phone, text, "reply", HANDLER_PRIO_REPLY);
}

void request_set_intent(struct handler_result *res, const char *intent, const char *ref)
{
	gw_strlcpy(res->intent, intent, sizeof(res->intent));
	if (ref)
		gw_strlcpy(res->ref, ref, sizeof(res->ref));
}

int request_english(const struct handler_req *rq)
{
	return strcmp(rq->contact.lang, "en") == 0;
}

const char *request_text(const struct handler_req *rq, const char *vi, const char *en)
{
	return request_english(rq) ? en : vi;
}

static void reply_opts_for(const struct handler_req *rq, struct reply_opts *o, const char *more_cmd)
{
	memset(o, 0, sizeof(*o));
	o->max_parts = rq->env->cfg->sms.max_parts;
	o->unaccented = rq->contact.unaccented;
	o->diacritics = rq->env->cfg->sms.reply_diacritics;
	o->more_cmd = more_cmd;
	o->more_word = request_english(rq) ? "More" : "Tiep";
}

int request_reply_paged(const struct handler_req *rq, struct handler_result *res,
			const char *body, const char *more_cmd, int page)
{
	struct reply_opts o;
	struct buf out;
	int pages = 0, r;

	buf_init(&out, HANDLER_TEXT_MAX);
	reply_opts_for(rq, &o, more_cmd);
	r = reply_page(body, &o, page, &out, &pages);
	if (r == GW_ERR_NOTFOUND && page > 1) /* asked past the end: give the last page */
		r = reply_page(body, &o, pages > 0 ? pages : 1, &out, &pages);
	if (r == 0)
		r = handler_reply(res, rq->msg, out.data);
	buf_release(&out);
	return r;
}

/* Intent -> function. Feature modules add their line here. */
static const struct {
	const char *intent;
	handler_fn fn;
} dispatch[] = {
	{ "policy", policy_handle },
	{ "help", commands_help },
	{ "stop", commands_stop },
	{ "start", commands_start },
	{ "preference", commands_preference },
	{ "job_list", jobs_sms_list },
	{ "job_apply", referrals_handle_apply },
	{ "job_subscribe", jobs_sms_subscribe },
	{ "appointment", appointments_handle },
	{ "eligibility", selfcheck_handle },
	{ "menu", dialog_handle_menu },
	{ "officer_job_post", jobs_sms_post },
	{ "officer_job_close", jobs_sms_close },
	{ "officer_broadcast", broadcast_handle },
	{ "officer_confirm", appointments_officer_confirm },
	{ "officer_move", appointments_officer_move },
};

int handler_process(const struct handler_env *env, const struct handler_msg *msg,
		    struct handler_result *res)
{
	struct handler_req rq;
	struct buf norm;
	handler_fn fn = commands_unknown;
	int taken = 0, r;

	memset(&rq, 0, sizeof(rq));
	buf_init(&norm, 4 * NORMALIZE_INPUT_MAX);
	rq.env = env;
	rq.msg = msg;
	if ((r = contacts_touch(env->db, msg->phone, msg->at, &rq.contact)) < 0)
		goto out;
	if ((r = normalize_text(&norm, msg->text, strlen(msg->text))) < 0)
		goto out;
	rq.norm = norm.data;
	if (normalize_is_english(rq.norm)) /* answer in the language asked, this once */
		memcpy(rq.contact.lang, "en", 3);
	if ((r = router_route(env->db, rq.norm, &rq.route)) < 0)
		goto out;
	rq.args = rq.norm + rq.route.args_off;
	/* Officer commands mask their PIN when authorised; anything else from
	 * an officer's number is checked for one, before it is stored for good. */
	if (!rq.route.officer_only && (r = officers_forget_stray_pin(env->db, msg)) < 0)
		goto out;
	/* An open SMS menu or self-check takes its answers ("1", "0", "00",
	 * an income, "khong") and MENU opens one, before the table below:
	 * dialog.h says exactly which messages it takes. */
	if ((r = dialog_intercept(&rq, res, &taken)) < 0 || taken)
		goto out;
	/* officer commands carry a PIN: never log their text */
	log_debug("route: '%s' -> command '%s' intent %s",
		  rq.route.officer_only ? "(officer command)" : rq.norm, rq.route.command,
		  rq.route.intent);
	for (size_t i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++)
		if (strcmp(dispatch[i].intent, rq.route.intent) == 0)
			fn = dispatch[i].fn;
	r = fn(&rq, res);
out:
	buf_release(&norm);
	return r;
}
