#include "handlers/core/request.h"

#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/core/reply.h"

#define REQUEST_TEXT_MAX (16 * 1024)

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
	return request_reply_pages(rq, res, body, more_cmd, page, rq->env->cfg->sms.max_parts);
}

int request_reply_pages(const struct handler_req *rq, struct handler_result *res,
			const char *body, const char *more_cmd, int page, int max_parts)
{
	struct reply_opts o;
	struct buf out;
	int pages = 0, r;

	buf_init(&out, REQUEST_TEXT_MAX);
	reply_opts_for(rq, &o, more_cmd);
	if (max_parts < o.max_parts)
		o.max_parts = max_parts;
	r = reply_page(body, &o, page, &out, &pages);
	if (r == GW_ERR_NOTFOUND && page > 1) /* asked past the end: give the last page */
		r = reply_page(body, &o, pages > 0 ? pages : 1, &out, &pages);
	if (r == 0)
		r = handler_reply(res, rq->msg, out.data);
	buf_release(&out);
	return r;
}
