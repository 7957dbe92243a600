/* normalize.h - canonical form of what households type.
 *
 * normalize_text() turns any inbound text into one spelling that routing,
 * intent cues and search all share:
 *
 *   - Unicode: diacritics folded to lower-case ASCII with utf8proc (đ -> d),
 *     other letters (CJK, emoji) kept in NFC; Unicode spaces, controls and
 *     format characters are separators.
 *   - Words are runs of letters and digits; punctuation and symbols (emoji
 *     included) stand alone; spaces collapse: "  CS,BHYT!! " -> "cs , bhyt ! !".
 *     Inside numbers . , / : stay ("1.5", "15/12", "14:30"), and % sticks
 *     to its number ("30%"), so money, dates and percentages stay one word.
 *   - Input-method leftovers: a word that is a Telex ("hooj" -> "ho",
 *     "dduowcj" -> "duoc") or VNI ("ho65" -> "ho", "ngh2eo" -> "ngheo")
 *     leftover is decoded when the result is a valid syllable and the
 *     message shows the habit: at least one word with keys only an input
 *     method leaves (dd, aa, ee, oo, w, a digit inside a word, two digits),
 *     or for Telex two or more tone-key words. A lone "cos" or "lop7" or
 *     "thu2" is left alone, and so is any word in the small English list.
 *   - Run-together words that split cleanly into valid syllables are split
 *     ("binhxuyen" -> "binh xuyen"); codes that are no syllables stay
 *     ("bhyt", "xkld", "csbhyt", "2tr5", "0912345678").
 *   - SMS abbreviations from a small table: ko/k/kh/khg/hok -> khong,
 *     dc -> duoc, j/ji -> gi, ntn -> nhu the nao, bn -> bao nhieu, vs -> voi,
 *     e -> em, cty -> cong ty, hs -> hoc sinh, sv -> sinh vien, ... with
 *     context where a letter is ambiguous: k, t, r after a number are units
 *     ("50 k"), tr after a number is trieu ("6 tr"), v/z are vay only at the
 *     end of a clause ("the nao v ?"). "a" (the polite particle) and "ad"
 *     (how households address the operator, "ad oi") are kept as words.
 *   - Runs of three or more equal letters collapse ("nhieuuuu" -> "nhieu").
 *   - A message that reads as English (two or more words of the English
 *     list, more than half of its words) is only folded and tokenised.
 *
 * A pure function: no I/O, no globals, safe on any bytes (invalid UTF-8 is
 * dropped, input past NORMALIZE_INPUT_MAX is cut).
 */
#ifndef GW_NORMALIZE_H
#define GW_NORMALIZE_H

#include <stddef.h>

#include "common/buf.h"

#define NORMALIZE_INPUT_MAX 4096 /* longer input is cut (10-part SMS is ~1530 chars) */
/* Output is at most this many times the input (abbreviations expand). */
#define NORMALIZE_GROWTH 4

/* Append the canonical form of text[0..len) to out. GW_ERR_TOOBIG when out
 * cannot hold it (out then holds a prefix). */
int normalize_text(struct buf *out, const char *text, size_t len);

/* 1 when normalised text reads as English (see above), else 0. */
int normalize_is_english(const char *norm);

#endif
