#include "gateway/web/web_preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/content_programs.h"
#include "handlers/core/reply.h"
#include "handlers/features/policy.h"

#define PREVIEW_TEXT_MAX (256 * 1024)

const char *const web_preview_fields[] = {
	"code", "category", "title_vi", "title_en", "summary_vi", "summary_en", "details_vi",
	"eligibility_vi", "how_to_apply_vi", "documents_vi", "office", "legal_basis", "keywords",
	"effective_from", "effective_until", "needs_check", "caveat", NULL,
};

int web_preview_record(const struct web_form *f, json_t **out)
{
	json_t *rec = json_object();
	int r = GW_ERR_NOMEM;

	if (!rec)
		goto out;
	for (size_t i = 0; web_preview_fields[i]; i++) {
		const char *v = web_form_get(f, web_preview_fields[i]);

		if (v && (r = content_io_set_field(CONTENT_PROGRAMS, rec, web_preview_fields[i], v)) < 0)
			goto out;
	}
	*out = rec;
	rec = NULL;
	r = 0;
out:
	json_decref(rec);
	return r;
}

int web_preview_form(json_t *rec, struct web_form *out)
{
	struct web_form f;
	struct buf v;
	int r = 0;

	web_form_init(&f);
	buf_init(&v, PREVIEW_TEXT_MAX);
	for (size_t i = 0; web_preview_fields[i] && r == 0; i++) {
		buf_reset(&v);
		if ((r = content_io_field_text(CONTENT_PROGRAMS, rec, web_preview_fields[i], &v)) == 0)
			r = web_form_add(&f, web_preview_fields[i], v.data);
	}
	if (r == 0) {
		*out = f;
		web_form_init(&f);
	}
	web_form_release(&f);
	buf_release(&v);
	return r;
}

void web_preview_init(struct web_preview *p)
{
	memset(p, 0, sizeof(*p));
}

static void side_release(struct web_preview_side *s)
{
	for (int i = 0; i < s->shown; i++)
		free(s->page[i].text);
	memset(s, 0, sizeof(*s));
}

void web_preview_release(struct web_preview *p)
{
	side_release(&p->accented);
	side_release(&p->unaccented);
}

static int keep_page(void *cls, int n, const char *text)
{
	struct web_preview_side *s = cls;
	int parts = 0, ucs2 = 0, r;

	if ((r = reply_measure(text, &parts, &ucs2)) < 0)
		return r;
	s->parts_total += parts;
	if (s->shown < WEB_PREVIEW_PAGES_MAX) {
		struct web_preview_page *pg = &s->page[s->shown];

		if (!(pg->text = strdup(text)))
			return GW_ERR_NOMEM;
		pg->parts = parts;
		pg->ucs2 = ucs2;
		s->shown++;
	}
	return 0;
}

/* Every page of body as the handler would send it, paged once, counted up
 * to WEB_PREVIEW_PAGES_COUNT_MAX. */
static int fill_side(const char *body, const struct reply_opts *o, struct web_preview_side *s)
{
	int pages = 0, r;

	if ((r = reply_pages(body, o, WEB_PREVIEW_PAGES_COUNT_MAX, keep_page, s, &pages)) < 0)
		return r;
	s->more = pages > WEB_PREVIEW_PAGES_COUNT_MAX;
	s->pages = s->more ? WEB_PREVIEW_PAGES_COUNT_MAX : pages;
	return 0;
}

/* "form: record 1 (BHYT): title_vi: missing" -> "title_vi" */
static void error_field(const char *err, char *field, size_t fieldsz)
{
	const char *p = strstr(err, "): ");
	size_t n;

	field[0] = '\0';
	if (!p)
		p = strstr(err, "record 1: ");
	if (!p)
		return;
	p = strchr(p, ':') + 2;
	n = strcspn(p, ":");
	if (n < fieldsz && p[n] == ':') {
		memcpy(field, p, n);
		field[n] = '\0';
	}
}

int web_preview_program(struct db *scratch, const struct gw_settings *cfg, json_t *rec,
			const char *lang, struct web_preview *p)
{
	struct content_opts o;
	struct reply_opts ro;
	enum content_outcome oc;
	json_t *records = json_array();
	struct buf body, more;
	const char *code;
	int r = GW_ERR_NOMEM;

	buf_init(&body, PREVIEW_TEXT_MAX);
	buf_init(&more, 64);
	if (!records || json_array_append(records, rec) < 0)
		goto out;
	content_opts_init(&o, "web", "form");
	if (content_validate(CONTENT_PROGRAMS, records, &o, p->error, sizeof(p->error)) < 0) {
		error_field(p->error, p->field, sizeof(p->field));
		r = 0;
		goto out;
	}
	p->error[0] = '\0';
	code = json_string_value(json_object_get(rec, "code"));
	if ((r = db_begin(scratch)) < 0)
		goto out;
	/* the scratch database holds nothing else: the answer cannot name
	 * another program by accident ("Xem thêm" needs a second match) */
	r = content_programs_save(scratch, rec, "web", (int64_t)time(NULL), 0, &oc);
	if (r == 0)
		r = policy_body(scratch, code, lang, NULL, &body);
	db_rollback(scratch);
	if (r < 0 || (r = buf_addf(&more, "CS %s", code)) < 0)
		goto out;
	if (body.len > WEB_PREVIEW_INPUT_MAX) {
		snprintf(p->error, sizeof(p->error), "form: the answer is %zu bytes, more than %d KB: too long"
			 " to preview or to read by SMS; shorten it", body.len, WEB_PREVIEW_INPUT_MAX / 1024);
		r = 0;
		goto out;
	}
	memset(&ro, 0, sizeof(ro));
	ro.max_parts = cfg->sms.max_parts;
	ro.more_cmd = more.data;
	ro.more_word = strcmp(lang, "en") == 0 ? "More" : "Tiep";
	ro.diacritics = "always";
	if ((r = fill_side(body.data, &ro, &p->accented)) < 0)
		goto out;
	ro.diacritics = cfg->sms.reply_diacritics;
	ro.unaccented = 1;
	if ((r = fill_side(body.data, &ro, &p->unaccented)) < 0)
		goto out;
	p->default_unaccented = strcmp(cfg->sms.reply_diacritics, "never") == 0 ||
				(strcmp(cfg->sms.reply_diacritics, "always") != 0 &&
				 p->unaccented.pages < p->accented.pages);
	r = 0;
out:
	json_decref(records);
	buf_release(&body);
	buf_release(&more);
	return r;
}
