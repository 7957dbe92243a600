/* web_diff.h - what changed in a text, word by word, as HTML.
 *
 * Used by the program history: two versions of a field are split into
 * words and the spaces between them, the longest common subsequence is
 * kept, and the rest is shown as <del>removed</del> and <ins>added</ins>.
 * Everything is HTML-escaped. Texts longer than WEB_DIFF_TOKENS_MAX words
 * are shown whole, old deleted and new inserted, rather than spending
 * memory on a table nobody reads.
 */
#ifndef GW_WEB_DIFF_H
#define GW_WEB_DIFF_H

#include "common/buf.h"

#define WEB_DIFF_TOKENS_MAX 1500

/* The word diff of a -> b as HTML into out. */
int web_diff_words(const char *a, const char *b, struct buf *out);

#endif
