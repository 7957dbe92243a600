/* web_scope.c - see web_scope.h. */
#include "gateway/web/web_scope.h"

#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/web/web_html.h"

/* Write the refusal down; a failure to do so is logged, not shown. */
static void audit(struct web_req *rq)
{
	char actor[64];

	web_actor(rq, actor, sizeof(actor));
	if (scope_audit_refusal(rq->db, time(NULL), actor, rq->method, rq->path, &rq->acct) < 0)
		log_warn("web: a scope refusal could not be audited");
}

int web_scope_refused(struct web_req *rq, struct web_resp *rs, int verdict)
{
	if (verdict == GW_ERR_AUTH) {
		audit(rq);
		return web_error(rq, rs, 403, "Việc này thuộc xã khác: bạn không được xem hay thay đổi.",
				 "This belongs to another commune: you may not see or change it.");
	}
	if (verdict == GW_ERR_NOTFOUND)
		return web_error(rq, rs, 404, "Không tìm thấy.", "Not found.");
	return verdict;
}

int web_scope_refused_household(struct web_req *rq, struct web_resp *rs, int verdict)
{
	if (verdict != GW_ERR_AUTH && verdict != GW_ERR_NOTFOUND)
		return verdict;
	if (verdict == GW_ERR_AUTH)
		audit(rq);
	return web_error(rq, rs, 404, "Không tìm thấy.", "Not found.");
}

void web_actor(const struct web_req *rq, char *out, size_t outsz)
{
	struct buf b;

	buf_init(&b, outsz - 1);
	if (buf_addf(&b, "web:%s", rq->acct.phone) < 0 || gw_strlcpy(out, b.data, outsz) < 0)
		gw_strlcpy(out, "web:?", outsz);
	buf_release(&b);
}
