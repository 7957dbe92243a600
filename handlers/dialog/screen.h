/* screen.h - one numbered screen of a menu or dialog, in plain GSM-7.
 *
 * A USSD screen holds 182 GSM-7 characters; phones show nothing else, so
 * every screen is plain ASCII: diacritics removed, typographic signs made
 * ASCII, GSM-7 extension characters ([ ] { } | ^ ~ \, which cost two)
 * replaced, anything else non-ASCII dropped, white space collapsed. Then a
 * character is a byte and the length is exact.
 *
 * A screen is: an optional hint ("Chon sai."), a title, a body text, the
 * numbered options (1..8, then "9. Tiep" for more) and a footer
 * ("0:Quay lai 00:Menu"), one per line. screen_render() cuts the body (at
 * a word, ending "..") and then the title to fit the limit; options and
 * footer are never cut, so callers add options only while screen_fits().
 *
 *   struct screen s;
 *   screen_init(&s, SCREEN_USSD_MAX);
 *   screen_title(&s, "Viec lam");
 *   for (...) { screen_option(&s, label); if (!screen_fits(&s)) { screen_drop_option(&s); break; } }
 *   r = screen_render(&s, &out);
 *   screen_release(&s);
 */
#ifndef GW_SCREEN_H
#define GW_SCREEN_H

#include <stddef.h>

#include "common/buf.h"

#define SCREEN_USSD_MAX 182
#define SCREEN_SMS_MAX 160      /* one GSM-7 SMS part */
#define SCREEN_MAX_OPTIONS 8    /* 9 is "more", 0 is "back" */
#define SCREEN_LABEL_MAX 40     /* longer option labels are cut at a word */

struct screen {
	size_t limit;
	struct buf hint, title, body, foot;
	char opt[SCREEN_MAX_OPTIONS][SCREEN_LABEL_MAX + 1];
	int nopts;
	char more[SCREEN_LABEL_MAX + 1]; /* "" = no "9." line */
};

void screen_init(struct screen *s, size_t limit);
void screen_release(struct screen *s);

/* The parts, as UTF-8 (made plain here). Each replaces what was set. */
int screen_hint(struct screen *s, const char *text);
int screen_title(struct screen *s, const char *text);
int screen_body(struct screen *s, const char *text);
int screen_footer(struct screen *s, const char *text);
/* Add an option; it gets the next number (1..8). GW_ERR_TOOBIG past 8. */
int screen_option(struct screen *s, const char *label);
void screen_drop_option(struct screen *s);
/* The "9." line, e.g. "Tiep" (NULL or "" removes it). */
int screen_more(struct screen *s, const char *label);

/* 1 when hint, title (whole, or its first SCREEN_LABEL_MAX characters),
 * options and footer fit the limit with at least the first word of the
 * body (when there is one). */
int screen_fits(const struct screen *s);

/* Compose into out (appended). GW_ERR_TOOBIG when even without body and
 * title the options do not fit. */
int screen_render(const struct screen *s, struct buf *out);

/* Append the plain form of utf8, cut at a word to at most max characters
 * (ending ".." when cut; max 0 = no cut). */
int screen_plain(const char *utf8, size_t max, struct buf *out);

#endif
