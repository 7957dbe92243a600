#include "handlers/core/commands.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/core/contacts.h"
#include "handlers/core/reply.h"

#define COMMANDS_TEXT_MAX 4096

/* Page `page` of the commands' help lines, one part a page. */
static int help_page(const struct handler_req *rq, struct handler_result *res, int page)
{
	static const char section[] = { REPLY_SECTION, '\0' };
	sqlite3_stmt *st;
	struct buf body;
	int r;

	buf_init(&body, COMMANDS_TEXT_MAX);
	if ((r = db_prepare(rq->env->db, "SELECT help_vi, help_en FROM commands WHERE officer_only = 0"
				" AND intent IN ('policy','eligibility','job_list','job_apply',"
				" 'appointment','stop','help') ORDER BY rowid", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		const char *line = db_col_text(st, request_english(rq) ? 1 : 0);

		/* each line its own section (REPLY_SECTION): a page never cuts one */
		if (*line && (r = buf_addf(&body, "%s%s%s", body.len ? "." : "",
					   body.len ? section : "", line)) < 0) {
			sqlite3_reset(st);
			goto out;
		}
	}
	if (r < 0)
		goto out;
	if (!body.len && (r = buf_adds(&body, "CS <chu de>; VIEC; HEN; HUY")) < 0)
		goto out;
	r = request_reply_pages(rq, res, body.data, "HD", page, COMMANDS_HELP_PARTS);
out:
	buf_release(&body);
	return r;
}

int commands_help(const struct handler_req *rq, struct handler_result *res)
{
	long page = strtol(rq->args, NULL, 10);

	request_set_intent(res, "help", NULL);
	return help_page(rq, res, page >= 1 && page <= 99 ? (int)page : 1);
}

static int stop_start(const struct handler_req *rq, struct handler_result *res, int stop)
{
	int r;

	request_set_intent(res, stop ? "stop" : "start", NULL);
	if ((r = contacts_set_opt_out(rq->env->db, rq->msg->phone, stop, rq->msg->at)) < 0)
		return r;
	if (stop)
		return handler_reply(res, rq->msg, request_english(rq)
			? "You will get no more messages from us. Send START to resume."
			: "Ban da ngung nhan tin. Nhan BAT DAU de nhan lai.");
	return handler_reply(res, rq->msg, request_english(rq)
		? "You will receive our messages again. Send STOP to stop."
		: "Ban se nhan lai tin. Nhan HUY de ngung.");
}

int commands_stop(const struct handler_req *rq, struct handler_result *res)
{
	return stop_start(rq, res, 1);
}

int commands_start(const struct handler_req *rq, struct handler_result *res)
{
	return stop_start(rq, res, 0);
}

int commands_preference(const struct handler_req *rq, struct handler_result *res)
{
	const char *cmd = rq->route.command;
	int r;

	request_set_intent(res, "preference", NULL);
	if (strcmp(cmd, "KHONG DAU") == 0 || strcmp(cmd, "CO DAU") == 0) {
		int plain = strcmp(cmd, "KHONG DAU") == 0;

		if ((r = contacts_set_unaccented(rq->env->db, rq->msg->phone, plain)) < 0)
			return r;
		return handler_reply(res, rq->msg, plain ? "Da chuyen sang tin khong dau."
							  : "Đã chuyển sang tin có dấu.");
	}
	if ((r = contacts_set_lang(rq->env->db, rq->msg->phone,
				   strcmp(cmd, "ENGLISH") == 0 ? "en" : "vi")) < 0)
		return r;
	return handler_reply(res, rq->msg, strcmp(cmd, "ENGLISH") == 0
		? "Replies will be in English. Send TIENG VIET to switch back."
		: "Tu nay tra loi bang tieng Viet.");
}

int commands_unknown(const struct handler_req *rq, struct handler_result *res)
{
	request_set_intent(res, "unknown", NULL);
	return help_page(rq, res, 1);
}

int commands_noise(const struct handler_req *rq, struct handler_result *res)
{
	request_set_intent(res, "noise", NULL);
	return help_page(rq, res, 1);
}

/* Intents whose feature is not built yet: say so plainly, and where to go. */
int commands_not_yet(const struct handler_req *rq, struct handler_result *res)
{
	request_set_intent(res, rq->route.intent, *rq->route.program ? rq->route.program : NULL);
	return handler_reply(res, rq->msg, request_text(rq,
		"Chuc nang nay chua mo tren tong dai. Vui long lien he UBND xa. Nhan HD de xem huong dan.",
		"This service is not open yet. Please contact the commune office. Send HELP for help."));
}
