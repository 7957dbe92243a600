/* datetime_vi_words.h - the words the date and time reader weighs.
 *
 * Which words around a number make it a quantity, an address or an
 * ordinal rather than a day or an hour, which make "sang", "chieu", "mai"
 * and "mot" ordinary words, and which may stand between a date and the
 * weekday that names it. Kept apart from the matchers
 * (datetime_vi_scan.c) that read them, as NULL-terminated lists of
 * folded words.
 */
#ifndef GW_DATETIME_VI_WORDS_H
#define GW_DATETIME_VI_WORDS_H

extern const char *const datetime_vi_words_part[];
extern const char *const datetime_vi_words_unit[];
extern const char *const datetime_vi_words_address[];
extern const char *const datetime_vi_words_ordinal[];
extern const char *const datetime_vi_words_name_before_mai[];
extern const char *const datetime_vi_words_mot_before[];
extern const char *const datetime_vi_words_count[];
extern const char *const datetime_vi_words_duration[];
extern const char *const datetime_vi_words_sang_after[];
extern const char *const datetime_vi_words_sang_before[];
extern const char *const datetime_vi_words_chieu_after[];
extern const char *const datetime_vi_words_chieu_before[];
extern const char *const datetime_vi_words_gap[];

#endif
