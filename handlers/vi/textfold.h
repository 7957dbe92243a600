/* textfold.h - fold Vietnamese text to plain lower-case ASCII.
 *
 * "Bảo hiểm Y TẾ, Đất" -> "bao hiem y te, dat". Diacritics are removed with
 * utf8proc (decompose, strip marks, case-fold) and đ/Đ, which Unicode does
 * not decompose, become d. Invalid UTF-8 bytes are dropped, never copied.
 * Characters with no ASCII base (emoji, CJK) are kept as UTF-8.
 * Used to build the search index and by the normaliser.
 */
#ifndef GW_TEXTFOLD_H
#define GW_TEXTFOLD_H

#include <stddef.h>

#include "common/buf.h"

/* Append the folded form of text[0..len) to out. */
int textfold_ascii(struct buf *out, const char *text, size_t len);

/* Append text with its diacritics removed but its case kept
 * ("Bảo hiểm Đ" -> "Bao hiem D"): the unaccented form of a reply. */
int textfold_strip_marks(struct buf *out, const char *text, size_t len);

/* 1 when text is valid UTF-8 (and has no NUL before len), else 0. */
int textfold_utf8_valid(const char *text, size_t len);

/* 1 when text has a character that GSM-7 would not carry unaccented
 * (any byte >= 0x80), i.e. it needs diacritics or UCS-2. */
int textfold_has_non_ascii(const char *text);

#endif
