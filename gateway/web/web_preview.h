/* web_preview.h - a program being edited in the web console: from the
 * form to a record, and the SMS answer a household would get for it.
 *
 * The form's fields are the CSV columns of a program (content_io.h), set
 * with content_io_set_field(), so a value means in the form exactly what
 * it means in a spreadsheet (keywords "a; b", needs_check yes/no/empty).
 * Saving goes through content_apply() like every other way in.
 *
 * The preview is the real answer, not an imitation: the record is
 * validated (content_validate), written into a private in-memory database
 * (rolled back at once, so nothing reaches the live one and no lock is
 * taken there), and answered with policy_body() and reply_page() exactly
 * as the SMS handler does for "CS <code>": every page, its text, parts,
 * encoding, for an accented reply and for an unaccented one (a household
 * that chose KHONG DAU, or sms.reply_diacritics = never).
 *
 * The work of a preview is bounded, because the console serves one request
 * at a time (issue 16: a 40 KB field took 38 s of CPU, paged again for
 * every page): the answer is paged once (reply_pages), at most
 * WEB_PREVIEW_PAGES_COUNT_MAX pages are counted and WEB_PREVIEW_PAGES_MAX
 * shown, and an answer over WEB_PREVIEW_INPUT_MAX bytes is not previewed
 * (error says so; saving it is the validator's business).
 */
#ifndef GW_WEB_PREVIEW_H
#define GW_WEB_PREVIEW_H

#include <jansson.h>

#include "common/buf.h"
#include "common/db.h"
#include "config/settings.h"
#include "gateway/web/web_request.h"

#define WEB_PREVIEW_PAGES_MAX 12       /* pages shown */
#define WEB_PREVIEW_PAGES_COUNT_MAX 40 /* pages counted; more is "over 40" */
#define WEB_PREVIEW_INPUT_MAX (32 * 1024) /* bytes of answer previewed */

/* The form fields of a program, in the order the editor shows them. */
extern const char *const web_preview_fields[];

struct web_preview_page {
	char *text;   /* malloc'd */
	int parts;
	int ucs2;
};

struct web_preview_side {
	int pages;            /* pages of the whole answer, at most WEB_PREVIEW_PAGES_COUNT_MAX */
	int more;             /* and there are more than that */
	int shown;            /* pages filled in below (<= WEB_PREVIEW_PAGES_MAX) */
	int parts_total;      /* SMS parts of every page */
	struct web_preview_page page[WEB_PREVIEW_PAGES_MAX];
};

struct web_preview {
	char error[512];      /* validation message, "" when the record is valid */
	char field[32];       /* the field the message is about, "" if none */
	int default_unaccented; /* what a household gets under sms.reply_diacritics */
	struct web_preview_side accented, unaccented;
};

/* A record from the form's program fields (absent fields stay absent). */
int web_preview_record(const struct web_form *f, json_t **out);

/* The form values of a stored (canonical) record, field by field. */
int web_preview_form(json_t *rec, struct web_form *out);

void web_preview_init(struct web_preview *p);
void web_preview_release(struct web_preview *p);

/* Validate rec and compute its answer in lang ("vi"/"en") using scratch
 * (an in-memory database from store_open(":memory:")). An invalid record
 * is not an error: 0 with p->error set. */
int web_preview_program(struct db *scratch, const struct gw_settings *cfg, json_t *rec,
			const char *lang, struct web_preview *p);

#endif
