/* policy.h - answering what a household asks about a programme.
 *
 * policy_find() picks the programme (see progsearch.h: codes, keywords and
 * cues as phrases, FTS5 as the fallback) and the runner-up the question
 * also names. policy_body() writes the answer: accented Vietnamese (or
 * English for English readers), title and summary first, then how to apply
 * and where, as REPLY_SECTION-separated sections so the composer pages
 * them sensibly.
 */
#ifndef GW_POLICY_H
#define GW_POLICY_H

#include "common/buf.h"
#include "common/db.h"

#define POLICY_CODE_MAX 33

struct policy_match {
	char code[POLICY_CODE_MAX];
	char also[POLICY_CODE_MAX]; /* another program the text names, "" if none */
	int named;                  /* found by code/keyword, not only by FTS rank */
};

/* GW_ERR_NOTFOUND when nothing matches. */
int policy_find(struct db *db, const char *norm_query, struct policy_match *out);

/* The whole answer text for code, in lang ("vi"/"en"), before paging; also
 * (may be NULL or "") is named as "Xem thêm: CS <also>". */
int policy_body(struct db *db, const char *code, const char *lang, const char *also,
		struct buf *out);

/* The list of topics with their codes, for a bare "CS": the first 200,
 * then how many more there are and how to find them. */
int policy_topics(struct db *db, const char *lang, struct buf *out);

struct handler_req;
struct handler_result;

/* The CS command and free-text policy questions: "CS" alone lists the
 * topics ("CS 2": their page 2); "CS BHYT 2" is page 2 of the BHYT answer;
 * a free-text question is the query as a whole. */
int policy_handle(const struct handler_req *rq, struct handler_result *res);

#endif
