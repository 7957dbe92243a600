/* reply.h - fitting answers into what an SMS budget allows.
 *
 * Every character costs money: a reply is at most max_parts SMS parts
 * (GSM-7: 160, or 153 a part when split; UCS-2: 70, or 67 a part). A longer
 * answer is cut into pages at word boundaries (never inside a word or a
 * multi-byte character; a single word longer than a page is cut at a
 * character boundary); every page but the last ends with how to get the
 * next one, e.g. " >Tiep: CS BHYT 2". Part counts come from the modem
 * layer's encoder (modem_text_parts), so they are exactly what is sent.
 *
 * A body may hold sections separated by '\f' (REPLY_SECTION): a section
 * that does not fit in what is left of a page starts the next page, so
 * "what it is" and "how to apply" are not split mid-way when they need not
 * be; a body that fits one page is sent whole.
 *
 * Accents: with diacritics "always" the body goes as written (UCS-2 when
 * it has any); "never" or a contact who chose KHONG DAU gets it without
 * diacritics (and with typographic dashes, quotes and signs made ASCII, so
 * it stays GSM-7); "auto" sends the accented text unless the unaccented one
 * needs fewer pages, and, without paging, unless the accented one would be
 * cut: the choice never drops what the other form would have sent.
 */
#ifndef GW_REPLY_H
#define GW_REPLY_H

#include "common/buf.h"

#define REPLY_SECTION '\f'

struct reply_opts {
	int max_parts;        /* sms.max_parts (< 1 is taken as 1) */
	int unaccented;       /* contact prefers no diacritics */
	const char *diacritics; /* sms.reply_diacritics: "auto", "always", "never"; NULL = auto */
	const char *more_cmd; /* e.g. "CS BHYT": pages say "<more_word>: <more_cmd> <n>"; NULL = no paging */
	const char *more_word;/* "Tiep" / "More"; NULL = "Tiep" */
};

/* Page `page` (1-based) of body into out. *pages gets the page count.
 * GW_ERR_NOTFOUND when page > *pages (out then holds nothing, *pages is
 * still set). Without more_cmd there is one page, cut with ".." if needed. */
int reply_page(const char *body, const struct reply_opts *opts, int page, struct buf *out,
	       int *pages);

/* Called for each page in order (1-based), with its text as sent; a
 * negative return stops and is returned. */
typedef int (*reply_page_fn)(void *cls, int page, const char *text);

/* Every page of body in one pass (what reply_page gives one at a time),
 * the accents chosen as reply_page chooses them: fn for pages 1..max_pages
 * (max_pages <= 0: all of them). *pages gets their number, or max_pages + 1
 * when there are more (the rest is not paged). The work of a page does not
 * grow with the length of body: a page is looked for within what
 * max_parts parts can ever hold. fn may be NULL (just count). */
int reply_pages(const char *body, const struct reply_opts *opts, int max_pages, reply_page_fn fn,
		void *cls, int *pages);

/* The unaccented form of text: diacritics removed, case kept, typographic
 * characters GSM-7 lacks made ASCII ("2022–2025" -> "2022-2025", "≤" -> "<="). */
int reply_unaccent(const char *text, struct buf *out);

/* Parts text takes, as the encoder counts them; computed without the
 * encoder when the count is certain (see reply.c), by it otherwise. */
int reply_parts(const char *text, int *parts);

/* Parts and encoding of text exactly as it would be sent. */
int reply_measure(const char *text, int *parts, int *ucs2);

/* The size of a text in the units the budget counts, so that lines can be
 * added up (reply_size_add) and their sum asked whether it fits
 * (reply_size_fits) without encoding every candidate text. */
struct reply_size {
	size_t chars;   /* characters */
	size_t units;   /* UTF-16 units (UCS-2) */
	size_t septets; /* GSM-7 septets, escapes counted twice (meaningful when gsm7) */
	int gsm7;       /* every character is in the GSM-7 alphabet */
	int valid;      /* valid UTF-8 */
};

/* Sizes this large are left to the encoder (it refuses past 5000 septets). */
#define REPLY_SIZE_CERTAIN_MAX 4000

void reply_size_of(const char *text, struct reply_size *out);

/* sum += more: the size of the two texts joined. */
void reply_size_add(struct reply_size *sum, const struct reply_size *more);

/* 1 when a text of size s takes at most max_parts parts, 0 when it takes
 * more, -1 when the size alone cannot tell (near a part boundary, invalid
 * UTF-8, very long): then measure the text itself (reply_measure). Never
 * disagrees with reply_measure when it answers. */
int reply_size_fits(const struct reply_size *s, int max_parts);

#endif
