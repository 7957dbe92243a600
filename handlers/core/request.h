/* request.h - what a command handler gets: one routed inbound message.
 *
 * handlers/handler.c builds a request (contact looked up, text normalised and
 * routed) and calls the function registered for its intent in its
 * dispatch table. Feature modules (policy answers, jobs, appointments,
 * self-check, officer commands) implement one such function each and use
 * the helpers below to answer within the SMS budget.
 */
#ifndef GW_REQUEST_H
#define GW_REQUEST_H

#include "handlers/core/contacts.h"
#include "handlers/core/handler_result.h"
#include "handlers/understand/router.h"

struct handler_req {
	const struct handler_env *env;
	const struct handler_msg *msg;
	struct contact contact;
	const char *norm;  /* whole normalised text */
	const char *args;  /* normalised text after the command word(s) */
	struct route route;
};

typedef int (*handler_fn)(const struct handler_req *rq, struct handler_result *res);

/* 1 when the contact reads English. */
int request_english(const struct handler_req *rq);

/* Reply with body cut to the SMS budget: page `page` of it, each page but
 * the last ending with "<more_cmd> <n+1>" (NULL more_cmd: one page, cut). */
int request_reply_paged(const struct handler_req *rq, struct handler_result *res,
			const char *body, const char *more_cmd, int page);
/* The same with pages of at most max_parts parts (the help's one part). */
int request_reply_pages(const struct handler_req *rq, struct handler_result *res,
			const char *body, const char *more_cmd, int page, int max_parts);

/* Pick the Vietnamese or English text for the contact. */
const char *request_text(const struct handler_req *rq, const char *vi, const char *en);

/* Set the result's intent and (optionally) its ref. */
void request_set_intent(struct handler_result *res, const char *intent, const char *ref);

#endif
