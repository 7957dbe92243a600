/* reply.h - fitting answers into what an SMS budget allows.
 *
 * Every character costs money: a reply is at most max_parts SMS parts
 * (GSM-7: 160, or 153 a part when split; UCS-2: 70, or 67 a part). A longer
 * answer is cut into pages at word boundaries (never inside a word or a
 * multi-byte character); every page but the last ends with how to get the
 * next one, e.g. " >CS BHYT 2". Part counts come from the modem layer's
 * encoder, so they are exactly what will be sent.
 */
#ifndef GW_REPLY_H
#define GW_REPLY_H

#include "../common/buf.h"

struct reply_opts {
	int max_parts;        /* sms.max_parts */
	int unaccented;       /* contact prefers no diacritics */
	const char *diacritics; /* sms.reply_diacritics: "auto", "always", "never" */
	const char *more_cmd; /* e.g. "CS BHYT": pages say "<more_cmd> <n>"; NULL = no paging */
	const char *more_word;/* "Tiep" / "More"; NULL = "Tiep" */
};

/* Page `page` (1-based) of body into out. *pages gets the page count.
 * GW_ERR_NOTFOUND when page > *pages (out then holds nothing). */
int reply_page(const char *body, const struct reply_opts *opts, int page, struct buf *out,
	       int *pages);

/* Parts and encoding of text exactly as it would be sent. */
int reply_measure(const char *text, int *parts, int *ucs2);

#endif
