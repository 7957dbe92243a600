#include "handlers/handler.h"

#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "handlers/core/commands.h"
#include "handlers/core/contacts.h"
#include "handlers/core/request.h"
#include "handlers/dialog/dialog.h"
#include "handlers/features/appointments_officer.h"
#include "handlers/features/attention.h"
#include "handlers/features/appointments_sms.h"
#include "handlers/features/broadcast.h"
#include "handlers/features/jobs_sms.h"
#include "handlers/features/officers.h"
#include "handlers/features/policy.h"
#include "handlers/features/referrals.h"
#include "handlers/features/scope.h"
#include "handlers/understand/router.h"
#include "handlers/vi/normalize.h"

/* Intent -> function. Feature modules add their line here. */
static const struct {
	const char *intent;
	handler_fn fn;
} dispatch[] = {
	{ "policy", policy_handle },
	{ "help", commands_help },
	{ "noise", commands_noise },
	{ "unknown", commands_unknown },
	{ "stop", commands_stop },
	{ "start", commands_start },
	{ "preference", commands_preference },
	{ "job_list", jobs_sms_list },
	{ "job_apply", referrals_handle_apply },
	{ "job_subscribe", jobs_sms_subscribe },
	{ "appointment", appointments_handle },
	{ "eligibility", dialog_handle_selfcheck },
	{ "menu", dialog_handle_menu },
	{ "officer_job_post", jobs_sms_post },
	{ "officer_job_close", jobs_sms_close },
	{ "officer_broadcast", broadcast_handle },
	{ "officer_confirm", appointments_officer_confirm },
	{ "officer_move", appointments_officer_move },
};

int handler_store_open(struct db **out, const char *path, int busy_timeout_ms)
{
	struct db *db = NULL;
	int r;

	if ((r = store_open(&db, path, busy_timeout_ms)) < 0 || (r = scope_register(db)) < 0 ||
	    (r = attention_register(db)) < 0)
		goto out;
	*out = db;
	db = NULL;
out:
	db_close(db);
	return r;
}

/* A conversation runs a command (a menu's "Ung tuyen", a prompt's HEN) as
 * if the phone had sent it: the whole path below, given to the dialog
 * engine as its ops so that it never calls up into this file. */
static const struct dialog_ops dialog_ops = { .run_command = handler_process };

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
	/* A slot offered instead of the time asked waits for this message:
	 * "CO" takes it; anything else drops the offer and goes on. */
	if ((r = appointments_offer_reply(&rq, res, &taken)) < 0 || taken)
		goto out;
	/* An open SMS menu or self-check takes its answers ("1", "0", "00",
	 * an income, "khong") and MENU opens one, before the table below:
	 * dialog.h says exactly which messages it takes. */
	if ((r = dialog_intercept(&dialog_ops, &rq, res, &taken)) < 0 || taken)
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

int handler_ussd(const struct handler_env *env, const struct handler_msg *msg, const char *sid,
		 struct buf *screen, int *end, struct handler_result *res)
{
	return dialog_ussd(&dialog_ops, env, msg, sid, screen, end, res);
}
