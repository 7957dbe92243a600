#include "gateway/content/program_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "gateway/content/content_io.h"

#define FORM_TEXT_MAX (256 * 1024)

static const char *const line_fields[] = {
	"code", "category", "keywords", "needs_check", "effective_from", "effective_until", NULL,
};

static const char *const text_fields[] = {
	"title_vi", "title_en", "summary_vi", "summary_en", "details_vi", "eligibility_vi",
	"how_to_apply_vi", "documents_vi", "office", "legal_basis", "caveat", NULL,
};

static int index_of(const char *const *list, const char *s, size_t n)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncmp(list[i], s, n) == 0)
			return i;
	return -1;
}

int program_form_write(json_t *rec, const char *note, struct buf *out)
{
	struct buf cell;
	int r;

	buf_init(&cell, FORM_TEXT_MAX);
	if (note && (r = buf_addf(out,
		"# %s\n"
		"# Save and quit to apply; the program is checked first, like an import.\n"
		"# Leave the file unchanged, or delete everything, to cancel.\n"
		"#\n"
		"# One-line fields are \"name: value\": keywords separated by ';',\n"
		"# needs_check yes/no (empty: yes when there is a caveat), dates\n"
		"# YYYY-MM-DD or empty. Longer texts follow their \"== name ==\" heading.\n"
		"# Lines starting with '#' are ignored above the first heading only.\n", note)) < 0)
		goto out;
	for (int i = 0; line_fields[i]; i++) {
		if ((r = content_io_field_text(CONTENT_PROGRAMS, rec, line_fields[i], &cell)) < 0 ||
		    (r = buf_addf(out, "%s: %s\n", line_fields[i], cell.data)) < 0)
			goto out;
	}
	for (int i = 0; text_fields[i]; i++) {
		if ((r = content_io_field_text(CONTENT_PROGRAMS, rec, text_fields[i], &cell)) < 0 ||
		    (r = buf_addf(out, "\n== %s ==\n%s%s", text_fields[i], cell.data,
				  cell.len ? "\n" : "")) < 0)
			goto out;
	}
out:
	buf_release(&cell);
	return r;
}

/* "== name ==" with a known text field: its index, else -1. */
static int heading(const char *line, size_t n)
{
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\r'))
		n--;
	if (n < 7 || strncmp(line, "== ", 3) != 0 || strncmp(line + n - 3, " ==", 3) != 0)
		return -1;
	return index_of(text_fields, line + 3, n - 6);
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* The collected text of a section, blank lines around it dropped. */
static int set_text(json_t *rec, const char *name, const char *s, size_t n)
{
	char *copy;
	int r;

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	copy = strndup(s, n);
	r = copy ? content_io_set_field(CONTENT_PROGRAMS, rec, name, copy) : GW_ERR_NOMEM;
	free(copy);
	return r;
}

static int parse_line_field(json_t *rec, const char *line, size_t n, long lineno, int *seen,
			    char *err, size_t errsz)
{
	const char *colon = memchr(line, ':', n), *v;
	char *value = NULL;
	size_t vn;
	int k, r = GW_ERR_INVAL;

	if (!colon) {
		snprintf(err, errsz, "line %ld: expected \"name: value\" or a \"== name ==\" heading",
			 lineno);
		goto out;
	}
	if ((k = index_of(line_fields, line, (size_t)(colon - line))) < 0) {
		snprintf(err, errsz, "line %ld: unknown field '%.*s'", lineno,
			 (int)(colon - line > 40 ? 40 : colon - line), line);
		goto out;
	}
	if (seen[k]++) {
		snprintf(err, errsz, "line %ld: '%s' given twice", lineno, line_fields[k]);
		goto out;
	}
	v = colon + 1;
	vn = n - (size_t)(v - line);
	while (vn && (*v == ' ' || *v == '\t')) {
		v++;
		vn--;
	}
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\r'))
		vn--;
	if (!(value = strndup(v, vn))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	r = content_io_set_field(CONTENT_PROGRAMS, rec, line_fields[k], value);
out:
	free(value);
	return r;
}

int program_form_parse(const char *text, size_t len, json_t **out, char *err, size_t errsz)
{
	json_t *rec = json_object();
	const char *p = text, *end = text + len, *sec_start = NULL;
	int line_seen[8] = { 0 }, text_seen[16] = { 0 }, section = -1, any = 0;
	long lineno = 0;
	int r = GW_ERR_NOMEM;

	if (!rec)
		goto out;
	if (memchr(text, '\0', len)) {
		snprintf(err, errsz, "the form contains a NUL byte");
		r = GW_ERR_INVAL;
		goto out;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int h = heading(p, n);

		lineno++;
		if (h >= 0) {
			if (section >= 0 &&
			    (r = set_text(rec, text_fields[section], sec_start, (size_t)(p - sec_start))) < 0)
				goto out;
			if (text_seen[h]++) {
				snprintf(err, errsz, "line %ld: '%s' given twice", lineno, text_fields[h]);
				r = GW_ERR_INVAL;
				goto out;
			}
			section = h;
			sec_start = nl ? nl + 1 : end;
			any = 1;
		} else if (section < 0 && (is_blank(p, n) || *p == '#')) {
			/* comments and blank lines of the header area */
		} else if (section < 0) {
			if ((r = parse_line_field(rec, p, n, lineno, line_seen, err, errsz)) < 0)
				goto out;
			any = 1;
		}
		p = nl ? nl + 1 : end;
	}
	if (section >= 0 && (r = set_text(rec, text_fields[section], sec_start,
					   (size_t)(end - sec_start))) < 0)
		goto out;
	if (!any) {
		snprintf(err, errsz, "the form is empty");
		r = GW_ERR_EMPTY;
		goto out;
	}
	*out = rec;
	rec = NULL;
	r = 0;
out:
	json_decref(rec);
	return r;
}
