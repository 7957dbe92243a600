#include "handlers/features/policy.h"

#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/reply.h"
#include "handlers/core/request.h"
#include "handlers/understand/progsearch.h"

#define POLICY_QUERY_MAX 2048
#define POLICY_TEXT_MAX (16 * 1024)
/* Codes a bare "CS" lists; beyond that a topic is found by a word of it. */
#define POLICY_TOPICS_MAX 200

int policy_find(struct db *db, const char *norm_query, struct policy_match *out)
{
	struct progsearch_hit hit;
	struct policy_match m;
	int r = GW_ERR_TOOBIG;

	if (strlen(norm_query) > POLICY_QUERY_MAX)
		goto out;
	if ((r = progsearch_find(db, norm_query, NULL, &hit)) < 0)
		goto out;
	memset(&m, 0, sizeof(m));
	memcpy(m.code, hit.code, sizeof(m.code));
	memcpy(m.also, hit.also, sizeof(m.also));
	m.named = hit.named;
	*out = m;
out:
	return r;
}

int policy_body(struct db *db, const char *code, const char *lang, const char *also,
		struct buf *out)
{
	int en = strcmp(lang, "en") == 0;
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = db_row(db, "SELECT title_vi, summary_vi, title_en, summary_en, how_to_apply_vi,"
			    " office FROM programs WHERE code = ?", DB_ARGS(DB_TEXT(code)), &st)) < 0)
		goto out;
	/* What it is first; how to apply and where in later sections, which
	 * the composer starts on a new page when they do not fit. */
	if (en && *db_col_text(st, 2))
		r = buf_addf(out, "%s (CS %s): %s", db_col_text(st, 2), code, db_col_text(st, 3));
	else
		r = buf_addf(out, "%s (CS %s): %s", db_col_text(st, 0), code, db_col_text(st, 1));
	if (r == 0 && also && *also)
		r = buf_addf(out, en ? " See also: CS %s." : " Xem thêm: CS %s.", also);
	if (r == 0 && *db_col_text(st, 4))
		r = buf_addf(out, en ? "%cHow to apply (in Vietnamese): %s" : "%cCách làm: %s",
			     REPLY_SECTION, db_col_text(st, 4));
	if (r == 0 && *db_col_text(st, 5))
		r = buf_addf(out, en ? "%cWhere: %s." : "%cLiên hệ: %s.", REPLY_SECTION,
			     db_col_text(st, 5));
	sqlite3_reset(st);
out:
	return r;
}

int policy_topics(struct db *db, const char *lang, struct buf *out)
{
	sqlite3_stmt *st;
	int r, listed = 0, more = 0, en = strcmp(lang, "en") == 0;

	if ((r = buf_adds(out, en ? "Topics, send CS + code:" : "Chu de, nhan CS + ma:")) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT code FROM programs ORDER BY id", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		if (listed == POLICY_TOPICS_MAX) {
			more++;
			continue;
		}
		if ((r = buf_addf(out, "%s%s", listed ? ", " : " ", db_col_text(st, 0))) < 0) {
			sqlite3_reset(st);
			goto out;
		}
		listed++;
	}
	/* A knowledge base too large to list: the rest is found by asking. */
	if (r >= 0 && more)
		r = buf_addf(out, en ? " and %d more: send CS + a word of the topic."
				     : " va %d chu de khac: nhan CS + tu khoa.", more);
out:
	return r < 0 ? r : 0;
}

/* "bhyt 2" -> page 2 of "bhyt": a trailing small number is a page. */
static int split_page(const char *args, struct buf *query, int *page)
{
	size_t n = strlen(args), i = n;
	long p = 0;

	while (i > 0 && args[i - 1] >= '0' && args[i - 1] <= '9')
		i--;
	*page = 1;
	if (i < n && (i == 0 || args[i - 1] == ' ') && n - i <= 2) {
		for (size_t k = i; k < n; k++)
			p = p * 10 + (args[k] - '0');
		if (p >= 1) {
			*page = (int)p;
			n = i ? i - 1 : 0;
		}
	}
	return buf_add(query, args, n);
}

int policy_handle(const struct handler_req *rq, struct handler_result *res)
{
	struct policy_match m;
	struct buf query, body, more;
	int page = 1, r;

	buf_init(&query, POLICY_TEXT_MAX);
	buf_init(&body, POLICY_TEXT_MAX);
	buf_init(&more, 128);
	request_set_intent(res, "policy", NULL);
	/* "CS BHYT 2" is page 2; in a free-text question a final number is text. */
	if (*rq->route.command)
		r = split_page(rq->args, &query, &page);
	else
		r = buf_adds(&query, rq->args);
	if (r < 0)
		goto out;
	buf_rtrim(&query);
	if (!query.len) {
		if ((r = policy_topics(rq->env->db, rq->contact.lang, &body)) == 0)
			r = request_reply_paged(rq, res, body.data, "CS", page);
		goto out;
	}
	if (!*rq->route.command && *rq->route.program) { /* classified: the router searched */
		memset(&m, 0, sizeof(m));
		memcpy(m.code, rq->route.program, sizeof(m.code));
		memcpy(m.also, rq->route.also, sizeof(m.also));
		m.named = 1;
		r = 0;
	} else {
		r = policy_find(rq->env->db, query.data, &m);
	}
	if (r == GW_ERR_NOTFOUND || r == GW_ERR_TOOBIG) {
		r = request_reply_paged(rq, res, request_text(rq,
			"Khong tim thay chu de. Nhan CS de xem danh sach chu de.",
			"No program found. Send CS for the list of topics."), NULL, 1);
		goto out;
	}
	if (r < 0)
		goto out;
	request_set_intent(res, "policy", m.code);
	if ((r = policy_body(rq->env->db, m.code, rq->contact.lang, m.also, &body)) < 0)
		goto out;
	if ((r = buf_addf(&more, "CS %s", m.code)) < 0)
		goto out;
	r = request_reply_paged(rq, res, body.data, more.data, page);
out:
	buf_release(&query);
	buf_release(&body);
	buf_release(&more);
	return r;
}
