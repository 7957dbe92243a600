/* syllable.h - the shape of a Vietnamese syllable, on folded text.
 *
 * Every Vietnamese word is one syllable: onset + rhyme ("ngh" + "ieng"),
 * from small closed sets. That makes a cheap, dictionary-free test of
 * whether a run of letters "is Vietnamese", which the normaliser uses to
 * decide when a word is a Telex or VNI leftover ("hooj" -> "ho", "ho65" ->
 * "ho") and how to split run-together words ("binhxuyen" -> "binh xuyen"),
 * and the router uses to keep fuzzy command matching off real words.
 *
 * Everything here works on lower-case ASCII (the output of textfold) and
 * is pure: no globals, no allocation, safe on any bytes.
 */
#ifndef GW_SYLLABLE_H
#define GW_SYLLABLE_H

#include <stddef.h>

#define SYLLABLE_MAX 8     /* longest syllable, "nghieng" = 7 letters */
#define SYLLABLE_WORD_MAX 64 /* longer words are never decoded or split */

/* 1 when w[0..n) is a well-formed unmarked syllable ("nghieng", "quy",
 * "gi", "hoc"), else 0. */
int syllable_valid(const char *w, size_t n);

/* How a leftover was recognised (flags for *how). */
enum syllable_signal {
	SYLLABLE_WEAK = 1,   /* only a tone key / a single trailing digit: "cos", "lop7" */
	SYLLABLE_STRONG = 2, /* letters only an input method produces: "dd", "aa", "w", "ho65", "ngh2eo" */
};

/* Decode one Telex leftover: w[0..n) with its tone key (s f r x j) and
 * shape keys (aa ee oo aw ow uw w dd) removed, when the result is a valid
 * syllable and the tone is allowed with its final consonant (only sac or
 * nang before c/ch/p/t). "dduowcj" -> "duoc", "ngheof" -> "ngheo".
 * Writes the plain letters NUL-terminated to out (outsz >= SYLLABLE_MAX + 1
 * is enough) and the signal to *how. GW_ERR_NOTFOUND when w is not a
 * leftover (nothing to remove, or the result is not Vietnamese). */
int syllable_decode_telex(const char *w, size_t n, char *out, size_t outsz, int *how);

/* The same for VNI leftovers: digits 1-5 (tones) and 6-9 (shapes) after
 * the letters they mark, anywhere after the first vowel ("ho65", "ngh2eo").
 * A word starting with a digit, or whose digits are not all 1-9, is never
 * a leftover ("2tr5", "0912345678", "t2"). */
int syllable_decode_vni(const char *w, size_t n, char *out, size_t outsz, int *how);

/* Split a run of letters that is not one syllable into the fewest valid
 * syllables, preferring each later syllable to start with a consonant:
 * "binhxuyen" -> "binh xuyen", "huyhen" -> "huy hen". Writes the words
 * separated by single spaces to out. GW_ERR_NOTFOUND when w is itself a
 * syllable, is not all letters, or cannot be split that way ("csbhyt");
 * GW_ERR_TOOBIG when out is too small. */
int syllable_split(const char *w, size_t n, char *out, size_t outsz);

#endif
