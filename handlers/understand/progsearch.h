/* progsearch.h - which programme a question is about.
 *
 * Households name programmes by code ("bhyt", "vay ngheo"), by one of the
 * programme's keywords ("the bhyt", "lai xuat"), or only by describing it.
 * progsearch_find() scores every programme on the normalised question:
 *
 *   - each programme code, keyword (programs.json, normalised like the
 *     question) and programme cue (lexicon.json "cues" rows whose intent is
 *     "program:CODE", or "<scope>:CODE" for the given scope, e.g.
 *     "eligibility:CHUAN-NGHEO") is looked for as a phrase; a keyword of
 *     two or more words also counts, at PROGSEARCH_GAPPED strength, with
 *     up to PROGSEARCH_GAP_MAX other words inside it ("bao hiem y te cho ho
 *     can ngheo" holds "bao hiem y te can ngheo");
 *   - every question word a programme's phrases cover earns the best value
 *     among them: weight x strength x (1 + (words - 1) / 2), so words of a
 *     long phrase are worth more than loose words; loose matches lose 0.1
 *     strength for each extra word inside; a code typed as the whole query
 *     weighs PROGSEARCH_CODE_WEIGHT, an acronym code (bhyt) inside a
 *     question PROGSEARCH_ACRONYM_WEIGHT, a code of ordinary words ("ho
 *     ngheo") 1; a one-word keyword that is no Vietnamese syllable
 *     ("nhcsxh", "70%") counts double; each phrase counts at its first
 *     occurrence only; a cue "@always" adds its weight outright;
 *   - with a scope, "<scope>:@focus" cues ("co duoc") mark where the real
 *     question starts: the words after the first one weigh the cue's
 *     weight ("nha toi ... bo toi huong tro cap, co duoc ho tro tien dien
 *     khong" is about electricity, not the allowance);
 *   - the programme's score is the sum over the words it covers; when
 *     the best named programmes are within the bonus of each other, the
 *     three of them FTS5 ranks best on the question's content words
 *     (bm25, code and keywords weighted; terms in half the programmes or
 *     more, which bm25 does not weigh, left out) get a small bonus; a
 *     question no phrase names is answered by the FTS5 ranking of all
 *     programmes alone.
 *
 * Every programme a phrase names is scored, however many there are: the
 * phrases are cached per connection, each distinct one once, and looked
 * up by their first and last words (progphrase.h).
 *
 * The runner-up is reported as "also" when the question names it too:
 * it covers words the winner does not and scores PROGSEARCH_ALSO_MIN.
 */
#ifndef GW_PROGSEARCH_H
#define GW_PROGSEARCH_H

#include "common/buf.h"
#include "common/db.h"
#include "handlers/understand/progphrase.h"

#define PROGSEARCH_CODE_MAX 33
#define PROGSEARCH_GAP_MAX PROGPHRASE_GAP_MAX
#define PROGSEARCH_GAPPED 0.6
#define PROGSEARCH_CODE_WEIGHT 5.0    /* the question is the code itself */
#define PROGSEARCH_ACRONYM_WEIGHT 2.0 /* an acronym code inside a question */
#define PROGSEARCH_NAMED_MIN 1.5 /* a two-word phrase, a code or an acronym */
#define PROGSEARCH_ALSO_MIN 3.5
#define PROGSEARCH_STRONG 10.0 /* names it beyond doubt: long phrases or several */

struct progsearch_hit {
	char code[PROGSEARCH_CODE_MAX];
	char also[PROGSEARCH_CODE_MAX]; /* "" when the question names no second one */
	double score;
	double covered; /* the part of score earned by phrases */
	int named; /* the winner was named (score >= PROGSEARCH_NAMED_MIN), not just ranked by FTS */
};

/* Best programme for norm; scope selects extra cues (NULL: "program:" only).
 * GW_ERR_NOTFOUND when nothing matches at all. */
int progsearch_find(struct db *db, const char *norm, const char *scope, struct progsearch_hit *out);

/* progsearch_find for callers that only use a programme the question
 * names (hit.named): GW_ERR_NOTFOUND when none is named, without ranking
 * the whole knowledge base with FTS5 first (with thousands of programmes
 * that ranking is most of a search). */
int progsearch_named(struct db *db, const char *norm, const char *scope, struct progsearch_hit *out);

/* Append the top programmes with their scores, for tracing a wrong answer:
 * "VAY-NGHEO 10.50 (phrases 10.00, fts 0.50, always 0.00)". */
int progsearch_explain(struct db *db, const char *norm, const char *scope, struct buf *out);

#endif
