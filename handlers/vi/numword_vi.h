/* numword_vi.h - Vietnamese numbers written in words, for dates and times.
 *
 * Households write "hai gio ruoi chieu", "mung muoi thang gieng", "11 gio
 * kem muoi lam": the number words of folded text (textfold_ascii, no
 * diacritics) read as numbers 0..99:
 *   units   khong 0, mot 1, hai 2, ba 3, bon 4, nam 5, sau 6, bay 7, tam 8,
 *           chin 9 ("tu" 4, "lam" 5 and "mot" 1 only after a ten:
 *           "hai muoi tu" 24, "muoi lam" 15, "hai muoi mot" 21)
 *   tens    muoi 10, "muoi hai" 12, "hai muoi" 20, "ba muoi mot" 31, and
 *           the ten left unsaid before mot/tu/lam: "hai tu" 24, "ba mot" 31
 *
 * Most of these words are also ordinary words (ba = father, nam = year,
 * sau = after, bay gio = now, mot = one or mốt = the day after tomorrow),
 * so numword_vi_fold() turns a phrase into a number only where a date or
 * time reader would expect one:
 *   - before gio, h, g, phut ("hai gio", "muoi phut"), except "bay gio" and
 *     "sau gio" (now; after the hour) unless a clock follows them ("bay gio
 *     sang", "sau gio ruoi") or "luc"/"vao" comes before;
 *   - before tieng when a part of the day or "nua" follows, or "luc" comes
 *     before ("ba tieng chieu", "hai tieng nua"): else it is a duration;
 *   - after ngay, mung, mong, kem, luc, and after "gio" for the minutes
 *     ("hai gio muoi lam"); never "ngay mot" alone (ngày mốt);
 *   - before thang ("muoi lam thang chap"): the day of a month.
 * The word after "thang" is left alone: month names ("thang gieng",
 * "thang mot", "thang sau" = next month) are the date reader's to read.
 * Pure: no I/O, no allocation, no globals.
 */
#ifndef GW_NUMWORD_VI_H
#define GW_NUMWORD_VI_H

#include <stddef.h>

#include "handlers/vi/vitok.h"

/* The number the words of t[i..] spell: 1 with *val and *len (tokens
 * used), or 0 when no number starts at t[i]. Digits are not words: "3"
 * is 0 here. */
int numword_vi_read(const char *s, const struct vitok *t, size_t n, size_t i, int *val,
		    size_t *len);

/* Rewrite t[0..n) in place: each number phrase in a date or time place
 * (above) becomes one VITOK_NUM token spanning its words (val, ndig set,
 * glued as its first word). Returns the new count (<= n). */
size_t numword_vi_fold(const char *s, struct vitok *t, size_t n);

#endif
