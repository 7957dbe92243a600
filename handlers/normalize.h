/* normalize.h - canonical form of what households type.
 *
 * normalize_text() folds to lower-case ASCII (textfold), separates
 * punctuation from words and collapses white space, so routing and search
 * see one spelling: "  CS,BHYT!! " -> "cs , bhyt ! !". A pure function: no
 * I/O, no globals, safe on any bytes.
 */
#ifndef GW_NORMALIZE_H
#define GW_NORMALIZE_H

#include <stddef.h>

#include "../common/buf.h"

#define NORMALIZE_INPUT_MAX 4096 /* longer input is cut (10-part SMS is ~1530 chars) */

int normalize_text(struct buf *out, const char *text, size_t len);

#endif
