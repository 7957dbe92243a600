#include "handlers/core/handler_result.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"

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
