/* policy.h - finding the program a household asks about, and its answer.
 *
 * policy_find() tries, in order: the program code itself ("bhyt",
 * "vay ngheo", "vayngheo" -> VAY-NGHEO), the longest program keyword found
 * as a phrase in the question, then the FTS5 index over folded titles,
 * keywords, summaries and details (bm25, weighted towards code and
 * keywords). The runner-up is returned too, so an answer can name it.
 */
#ifndef GW_POLICY_H
#define GW_POLICY_H

#include "../common/buf.h"
#include "../common/db.h"

#define POLICY_CODE_MAX 33

struct policy_match {
	char code[POLICY_CODE_MAX];
	char also[POLICY_CODE_MAX]; /* another program the text names, "" if none */
};

/* GW_ERR_NOTFOUND when nothing matches. */
int policy_find(struct db *db, const char *norm_query, struct policy_match *out);

/* The whole answer text for code, in lang ("vi"/"en"), before paging. */
int policy_body(struct db *db, const char *code, const char *lang, struct buf *out);

/* The list of topics with their codes, for a bare "CS". */
int policy_topics(struct db *db, const char *lang, struct buf *out);

struct handler_req;
struct handler_result;

/* The CS command and free-text policy questions: "CS" alone lists the
 * topics; "CS BHYT 2" is page 2 of the BHYT answer. */
int policy_handle(const struct handler_req *rq, struct handler_result *res);

#endif
