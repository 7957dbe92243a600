/* vitok.h - tokens of folded Vietnamese text, for the free-text parsers.
 *
 * The input is what textfold_ascii() gives: lower-case ASCII, with bytes
 * >= 0x80 only where folding kept a character (emoji, CJK). It is cut into
 * letter runs (VITOK_WORD, a-z), digit runs (VITOK_NUM, 0-9) and
 * punctuation (VITOK_PUNCT: one ASCII byte, or one whole run of bytes
 * >= 0x80); whitespace separates tokens and is not one. Each token knows
 * whether whitespace came before it, so "8h30" (8, h, 30 glued) differs
 * from "8 h 30", "2tr5" is one glued run and "3/12" a glued run with '/'.
 * Used by datetime_vi_scan, datetime_vi and income_vi. Pure functions: no I/O, no globals,
 * safe on any bytes (NUL included, it is punctuation).
 */
#ifndef GW_VITOK_H
#define GW_VITOK_H

#include <stddef.h>

#include "common/buf.h"

enum vitok_kind { VITOK_WORD, VITOK_NUM, VITOK_PUNCT };

struct vitok {
	size_t start, end; /* bytes [start, end) of the text */
	int kind;          /* enum vitok_kind */
	int glued;         /* no whitespace between this token and the previous */
	int ndig;          /* VITOK_NUM: digits; else 0 */
	long val;          /* VITOK_NUM: value, -1 when more than 9 digits; else -1 */
};

/* Cut s[0..len) into tokens written to t[0..], returning how many there
 * are; with t == NULL only count them (t must have room for that count). */
size_t vitok_lex(const char *s, size_t len, struct vitok *t);

/* Cut s[0..len) into a new array: *out (free() it; NULL when there are no
 * tokens) and its length *n. 0, or GW_ERR_NOMEM with *out and *n untouched. */
int vitok_split(const char *s, size_t len, struct vitok **out, size_t *n);

/* A message's tokens: fold text (at most max bytes before its NUL, else
 * GW_ERR_TOOBIG) with textfold_ascii() into folded, then vitok_split()
 * that. 0; GW_ERR_TOOBIG (too long, before or after folding),
 * GW_ERR_NOMEM or another textfold error, with *out and *n untouched
 * (folded is the caller's to release either way). */
int vitok_fold_split(const char *text, size_t max, struct buf *folded, struct vitok **out,
		     size_t *n);

/* 1 when t, a token of s, is the word w (all of it), else 0. */
int vitok_is_word(const struct vitok *t, const char *s, const char *w);

/* 1 when t, a token of s, is a single punctuation byte found in set by
 * strchr() (so a NUL byte is in every set), else 0. */
int vitok_is_punct_in(const struct vitok *t, const char *s, const char *set);

#endif
