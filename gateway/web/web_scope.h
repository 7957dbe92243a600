/* web_scope.h - the web console's side of the scope rule (handlers/
 * features/scope.h): which page answers a refusal, and the audit actor.
 *
 * Every page checks what it touches with scope.h's verdicts (or filters
 * its list with the SCOPE_* fragments bound to rq->acct) and answers a
 * verdict that is not 0 here: another commune's job or appointment is a
 * 403 that says so; a household (contact page, inbox message) outside the
 * scope is the same 404, word for word, as a number nobody has heard of,
 * so the console does not tell whether a number ever wrote. Refusals are
 * audited as "scope_refused" with the account and the path.
 */
#ifndef GW_WEB_SCOPE_H
#define GW_WEB_SCOPE_H

#include <stddef.h>

#include "gateway/web/web_request.h"

/* The page for a verdict that is not 0: 403 (GW_ERR_AUTH) or 404
 * (GW_ERR_NOTFOUND); another error is returned as it is (a 500). */
int web_scope_refused(struct web_req *rq, struct web_resp *rs, int verdict);

/* The same for a household: 404 for GW_ERR_AUTH and GW_ERR_NOTFOUND alike. */
int web_scope_refused_household(struct web_req *rq, struct web_resp *rs, int verdict);

/* The audit actor of the account, "web:<phone>" (out: 48 bytes or more). */
void web_actor(const struct web_req *rq, char *out, size_t outsz);

#endif
