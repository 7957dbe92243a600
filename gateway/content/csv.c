#include "gateway/content/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/textfold.h"

int csv_reader_init(struct csv_reader *rd, const char *data, size_t len, char *err, size_t errsz)
{
	const unsigned char *u = (const unsigned char *)data;
	int r = GW_ERR_CORRUPT;

	memset(rd, 0, sizeof(*rd));
	rd->p = data;
	rd->end = data + len;
	rd->delim = ',';
	rd->line = 1;
	/* "Unicode text" from a spreadsheet is UTF-16: say so rather than
	 * reporting garbage on line 1. */
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		snprintf(err, errsz, "line 1: the file is UTF-16 (or UTF-32); save it as \"CSV UTF-8\"");
		goto out;
	}
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		rd->p += 3;
	r = 0;
out:
	return r;
}

void csv_reader_sniff(struct csv_reader *rd)
{
	int quoted = 0;
	long commas = 0, semis = 0;

	for (const char *p = rd->p; p < rd->end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '\n' || *p == '\r'))
			break;
		else if (!quoted && *p == ',')
			commas++;
		else if (!quoted && *p == ';')
			semis++;
	}
	rd->delim = semis > commas ? ';' : ',';
}

/* 1 when a spreadsheet could take s as a formula: it starts with = + - @,
 * a tab or a CR, after any number of single quotes (so that what the
 * writer adds and the reader strips is always exactly one quote). */
static int formula_like(const char *s)
{
	while (*s == '\'')
		s++;
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

void csv_row_release(struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		free(row->fields[i]);
	free(row->fields);
	row->fields = NULL;
	row->n = 0;
}

/* Consume one line end (CRLF, LF or CR) at rd->p, if there is one. */
static int eat_eol(struct csv_reader *rd)
{
	if (rd->p < rd->end && *rd->p == '\r') {
		rd->p++;
		if (rd->p < rd->end && *rd->p == '\n')
			rd->p++;
		rd->line++;
		return 1;
	}
	if (rd->p < rd->end && *rd->p == '\n') {
		rd->p++;
		rd->line++;
		return 1;
	}
	return 0;
}

static int at_field_end(const struct csv_reader *rd)
{
	return rd->p >= rd->end || *rd->p == rd->delim || *rd->p == '\n' || *rd->p == '\r';
}

/* One field at rd->p into f; stops before the separator or line end. */
static int read_field(struct csv_reader *rd, struct buf *f, char *err, size_t errsz)
{
	long opened = rd->line;
	int r = GW_ERR_INVAL;

	if (rd->p < rd->end && *rd->p == '"') {
		rd->p++;
		for (;;) {
			const char *q;

			if (rd->p >= rd->end) {
				snprintf(err, errsz, "line %ld: quoted field opened here is never closed",
					 opened);
				r = GW_ERR_INVAL;
				goto out;
			}
			if (*rd->p == '"') {
				if (rd->p + 1 < rd->end && rd->p[1] == '"') {
					if ((r = buf_addch(f, '"')) < 0)
						goto toobig;
					rd->p += 2;
					continue;
				}
				rd->p++;
				break;
			}
			/* copy a run of ordinary bytes at once, counting lines */
			for (q = rd->p; q < rd->end && *q != '"'; q++)
				if (*q == '\n' || (*q == '\r' && (q + 1 >= rd->end || q[1] != '\n')))
					rd->line++;
			if ((r = buf_add(f, rd->p, (size_t)(q - rd->p))) < 0)
				goto toobig;
			rd->p = q;
		}
		if (!at_field_end(rd)) {
			snprintf(err, errsz, "line %ld: text after the closing quote of a field "
				 "(a quote inside a field must be doubled: \"\")", rd->line);
			r = GW_ERR_INVAL;
			goto out;
		}
	} else {
		const char *s = rd->p;

		while (!at_field_end(rd)) {
			if (*rd->p == '"') {
				snprintf(err, errsz, "line %ld: a quote inside a field that does not "
					 "start with a quote", rd->line);
				r = GW_ERR_INVAL;
				goto out;
			}
			rd->p++;
		}
		if ((r = buf_add(f, s, (size_t)(rd->p - s))) < 0)
			goto toobig;
	}
	if (!textfold_utf8_valid(f->data, f->len)) {
		snprintf(err, errsz, "line %ld: not valid UTF-8 text (save the file as \"CSV UTF-8\")",
			 opened);
		r = GW_ERR_CORRUPT;
		goto out;
	}
	r = 0;
	goto out;
toobig:
	snprintf(err, errsz, "line %ld: field longer than %u bytes", opened, CSV_FIELD_MAX);
out:
	return r;
}

int csv_read_row(struct csv_reader *rd, struct csv_row *row, char *err, size_t errsz)
{
	struct csv_row fresh = CSV_ROW_INIT;
	size_t alloc = 0;
	struct buf f;
	int r = 0;

	buf_init(&f, CSV_FIELD_MAX);
	csv_row_release(row);
	while (eat_eol(rd)) /* blank lines are not rows, but a spreadsheet counts them */
		rd->sheet_row++;
	if (rd->p >= rd->end)
		goto out;
	rd->row_line = rd->line;
	for (;;) {
		if (fresh.n == CSV_FIELDS_MAX) {
			snprintf(err, errsz, "line %ld: more than %d fields", rd->line, CSV_FIELDS_MAX);
			r = GW_ERR_TOOBIG;
			goto out;
		}
		if (fresh.n == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			char **nf = realloc(fresh.fields, na * sizeof(*nf));

			if (!nf) {
				r = GW_ERR_NOMEM;
				goto out;
			}
			fresh.fields = nf;
			alloc = na;
		}
		buf_reset(&f);
		if ((r = read_field(rd, &f, err, errsz)) < 0)
			goto out;
		if (f.len && f.data[0] == '\'' && formula_like(f.data)) { /* what the writer added */
			memmove(f.data, f.data + 1, f.len); /* with the NUL */
			buf_truncate(&f, f.len - 1);
		}
		if (!(fresh.fields[fresh.n] = buf_detach(&f, NULL))) {
			r = GW_ERR_NOMEM;
			goto out;
		}
		fresh.n++;
		if (rd->p < rd->end && *rd->p == rd->delim) {
			rd->p++;
			continue;
		}
		eat_eol(rd);
		break;
	}
	rd->sheet_row++;
	*row = fresh;
	fresh.fields = NULL;
	fresh.n = 0;
	r = 1;
out:
	csv_row_release(&fresh);
	buf_release(&f);
	return r;
}

int csv_write_bom(struct buf *out)
{
	return buf_add(out, "\xEF\xBB\xBF", 3);
}

int csv_write_row(struct buf *out, const char *const *fields, size_t n)
{
	size_t start = out->len;
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		const char *s = fields[i] ? fields[i] : "";

		if (i && (r = buf_addch(out, ',')) < 0)
			break;
		if ((r = buf_addch(out, '"')) < 0 || (formula_like(s) && (r = buf_addch(out, '\'')) < 0))
			break;
		for (const char *q; *s && r == 0; s = q) {
			q = strchr(s, '"');
			if (!q) {
				r = buf_adds(out, s);
				break;
			}
			q++; /* through the quote, then double it */
			if ((r = buf_add(out, s, (size_t)(q - s))) == 0)
				r = buf_addch(out, '"');
		}
		if (r == 0)
			r = buf_addch(out, '"');
	}
	if (r == 0)
		r = buf_add(out, "\r\n", 2);
	if (r < 0)
		buf_truncate(out, start);
	return r;
}
