#include "gateway/content/content_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "gateway/content/csv.h"
#include "gateway/content/progress.h"

/* COL_OPT: text where an empty cell means "none" (dates, status) */
enum col_type { COL_TEXT, COL_OPT, COL_INT, COL_BOOL, COL_LIST, COL_LOC };

struct column {
	const char *name;
	enum col_type type;
	const char *key; /* COL_LOC: the member of "location" */
	int required;
};

#define COL(n, t) { n, t, NULL, 0 }

static const struct column program_columns[] = {
	{ "code", COL_TEXT, NULL, 1 }, COL("category", COL_TEXT),
	{ "title_vi", COL_TEXT, NULL, 1 }, COL("title_en", COL_TEXT),
	{ "summary_vi", COL_TEXT, NULL, 1 }, COL("summary_en", COL_TEXT),
	COL("details_vi", COL_TEXT), COL("eligibility_vi", COL_TEXT),
	COL("how_to_apply_vi", COL_TEXT), COL("documents_vi", COL_TEXT), COL("office", COL_TEXT),
	COL("legal_basis", COL_TEXT), COL("keywords", COL_LIST), COL("effective_from", COL_OPT),
	COL("effective_until", COL_OPT), COL("needs_check", COL_BOOL), COL("caveat", COL_TEXT),
	{ NULL, COL_TEXT, NULL, 0 },
};

static const struct column job_columns[] = {
	{ "id", COL_TEXT, NULL, 1 }, { "title", COL_TEXT, NULL, 1 }, COL("title_en", COL_TEXT),
	COL("employer", COL_TEXT), COL("industrial_zone", COL_TEXT),
	{ "province", COL_LOC, "province_now", 0 }, { "district", COL_LOC, "district_old", 0 },
	{ "commune", COL_LOC, "commune_old", 0 }, COL("type", COL_TEXT), COL("wage_min", COL_INT),
	COL("wage_max", COL_INT), COL("wage_text", COL_TEXT), COL("requirements", COL_TEXT),
	COL("benefits", COL_TEXT), COL("age_min", COL_INT), COL("age_max", COL_INT),
	COL("gender", COL_TEXT), COL("headcount", COL_INT), COL("shift", COL_TEXT),
	COL("contact", COL_TEXT), COL("deadline", COL_OPT), COL("keywords", COL_LIST),
	COL("sample", COL_BOOL), COL("status", COL_OPT),
	{ NULL, COL_TEXT, NULL, 0 },
};

static const struct column *columns_of(enum content_kind kind)
{
	return kind == CONTENT_PROGRAMS ? program_columns : job_columns;
}

int content_io_format(const char *name, enum content_format *out)
{
	int r = GW_ERR_INVAL;

	if (strcmp(name, "json") == 0) {
		*out = CONTENT_FORMAT_JSON;
		r = 0;
	} else if (strcmp(name, "csv") == 0) {
		*out = CONTENT_FORMAT_CSV;
		r = 0;
	}
	return r;
}

enum content_format content_io_format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && strcasecmp(dot, ".csv") == 0)
		return CONTENT_FORMAT_CSV;
	if (dot && strcasecmp(dot, ".json") == 0)
		return CONTENT_FORMAT_JSON;
	return CONTENT_FORMAT_AUTO;
}

void content_io_release(struct content_file *f)
{
	json_decref(f->records);
	free(f->numbers);
	f->records = NULL;
	f->numbers = NULL;
}

void content_io_label(const struct content_file *f, struct content_opts *opts)
{
	opts->unit = f->format == CONTENT_FORMAT_CSV ? "row" : "record";
	opts->first = f->format == CONTENT_FORMAT_CSV ? 2 : 1;
	opts->numbers = f->numbers;
}

/* yes/no as administrators type it; -1 when it is neither. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "y", "true", "1", "x", "có", "co", "Có", "CÓ", NULL };
	static const char *const no[] = { "no", "n", "false", "0", "không", "khong", "Không", "KHÔNG",
					  NULL };

	for (int i = 0; yes[i]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/* "a; b;c" -> ["a", "b", "c"], blanks around items dropped. */
static json_t *split_list(const char *s)
{
	json_t *a = json_array();

	while (a && *s) {
		const char *e = strchr(s, ';'), *end = e ? e : s + strlen(s), *b = s;

		while (b < end && (*b == ' ' || *b == '\t'))
			b++;
		while (end > b && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > b)
			json_array_append_new(a, json_stringn(b, (size_t)(end - b)));
		s = e ? e + 1 : s + strlen(s);
	}
	return a;
}

static json_t *cell_value(const struct column *c, const char *s)
{
	json_t *v = NULL;
	long long n;
	char *end;
	int b;

	switch (c->type) {
	case COL_OPT:
		v = *s ? json_string(s) : NULL;
		break;
	case COL_INT:
		if (!*s)
			break;
		errno = 0;
		n = strtoll(s, &end, 10);
		/* not a number: leave it as text for validation to name */
		v = (*end || errno) ? json_string(s) : json_integer(n);
		break;
	case COL_BOOL:
		b = *s ? parse_bool(s) : -2;
		v = b == -2 ? NULL : b < 0 ? json_string(s) : json_boolean(b);
		break;
	case COL_LIST:
		v = split_list(s);
		break;
	case COL_TEXT:
	case COL_LOC:
		v = json_string(s);
		break;
	}
	return v;
}

/* Header cells -> column index per cell (-1 for a blank trailing cell). */
static int map_header(const struct csv_row *h, enum content_kind kind, const char *source,
		      int *map, char *err, size_t errsz)
{
	const struct column *cols = columns_of(kind);
	int seen[64] = { 0 }, r = GW_ERR_INVAL;

	for (size_t i = 0; i < h->n; i++) {
		char name[64];
		size_t k = 0;
		const char *s = h->fields[i];
		size_t n = strlen(s);

		while (*s == ' ')
			s++, n--;
		while (n && s[n - 1] == ' ')
			n--;
		map[i] = -1;
		if (n == 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n < 63 ? n : 63), s);
		while (cols[k].name && strcasecmp(cols[k].name, name) != 0)
			k++;
		if (!cols[k].name) {
			snprintf(err, errsz, "%s: row 1: unknown column '%s'", source, name);
			goto out;
		}
		if (seen[k]++) {
			snprintf(err, errsz, "%s: row 1: column '%s' appears twice", source, name);
			goto out;
		}
		map[i] = (int)k;
	}
	for (size_t k = 0; cols[k].name; k++) {
		if (cols[k].required && !seen[k]) {
			snprintf(err, errsz, "%s: row 1: the header has no '%s' column", source,
				 cols[k].name);
			goto out;
		}
	}
	r = 0;
out:
	return r;
}

static int row_record(const struct csv_row *row, const int *map, size_t ncols,
		      enum content_kind kind, json_t **out)
{
	const struct column *cols = columns_of(kind);
	json_t *rec = json_object(), *loc = NULL;
	int r = GW_ERR_NOMEM;

	if (!rec)
		goto out;
	for (size_t i = 0; i < row->n && i < ncols; i++) {
		const struct column *c;
		json_t *v;

		if (map[i] < 0)
			continue;
		c = &cols[map[i]];
		if (c->type == COL_LOC) {
			if (!loc && (!(loc = json_object()) ||
				     json_object_set(rec, "location", loc) < 0))
				goto out;
			json_object_set_new(loc, c->key, json_string(row->fields[i]));
			continue;
		}
		if ((v = cell_value(c, row->fields[i])))
			json_object_set_new(rec, c->name, v);
	}
	*out = rec;
	rec = NULL;
	r = 0;
out:
	json_decref(rec);
	json_decref(loc);
	return r;
}

static int row_blank(const struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (row->fields[i][0])
			return 0;
	return 1;
}

int content_io_from_csv(const char *data, size_t len, enum content_kind kind, const char *source,
			struct content_file *out, char *err, size_t errsz)
{
	struct csv_row row = CSV_ROW_INIT;
	struct csv_reader rd;
	char why[256];
	json_t *records = json_array(), *rec;
	long *numbers = NULL;
	size_t nalloc = 0, ncols = 0;
	int map[CSV_FIELDS_MAX], r = GW_ERR_NOMEM;

	if (!records)
		goto out;
	if ((r = csv_reader_init(&rd, data, len, why, sizeof(why))) < 0)
		goto bad;
	csv_reader_sniff(&rd);
	if ((r = csv_read_row(&rd, &row, why, sizeof(why))) < 0)
		goto bad;
	if (r == 0) {
		snprintf(err, errsz, "%s: empty file: expected a header row of column names", source);
		r = GW_ERR_INVAL;
		goto out;
	}
	if ((r = map_header(&row, kind, source, map, err, errsz)) < 0)
		goto out;
	ncols = row.n;
	while ((r = csv_read_row(&rd, &row, why, sizeof(why))) == 1) {
		if (row_blank(&row))
			continue;
		for (size_t i = ncols; i < row.n; i++) {
			if (row.fields[i][0]) {
				snprintf(err, errsz, "%s: row %ld: more cells than the header has "
					 "columns (%zu)", source, rd.sheet_row, ncols);
				r = GW_ERR_INVAL;
				goto out;
			}
		}
		if (json_array_size(records) == nalloc) {
			size_t na = nalloc ? nalloc * 2 : 64;
			long *nn = realloc(numbers, na * sizeof(*nn));

			if (!nn) {
				r = GW_ERR_NOMEM;
				goto out;
			}
			numbers = nn;
			nalloc = na;
		}
		if ((r = row_record(&row, map, ncols, kind, &rec)) < 0)
			goto out;
		numbers[json_array_size(records)] = rd.sheet_row;
		json_array_append_new(records, rec);
	}
	if (r < 0)
		goto bad;
	out->records = records;
	out->numbers = numbers;
	out->format = CONTENT_FORMAT_CSV;
	records = NULL;
	numbers = NULL;
	r = 0;
	goto out;
bad:
	snprintf(err, errsz, "%s: row %ld, %s", source, rd.sheet_row + 1, why);
out:
	csv_row_release(&row);
	json_decref(records);
	free(numbers);
	return r;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static enum content_format sniff(const char *data, size_t len)
{
	size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	return i < len && (data[i] == '[' || data[i] == '{') ? CONTENT_FORMAT_JSON
							     : CONTENT_FORMAT_CSV;
}

int content_io_load(const char *path, enum content_kind kind, enum content_format fmt,
		    struct content_file *out, char *err, size_t errsz)
{
	char *data = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (fmt == CONTENT_FORMAT_AUTO)
		fmt = content_io_format_of(path);
	if (fmt != CONTENT_FORMAT_JSON) {
		if ((r = content_read_file(path, &data, &len, err, errsz)) < 0)
			goto out;
		if (fmt == CONTENT_FORMAT_AUTO)
			fmt = sniff(data, len);
	}
	if (fmt == CONTENT_FORMAT_JSON) {
		r = content_load_json(path, kind, &out->records, err, errsz);
		out->format = CONTENT_FORMAT_JSON;
	} else {
		r = content_io_from_csv(data, len, kind, basename_of(path), out, err, errsz);
	}
out:
	free(data);
	return r;
}

/* One cell of a canonical record as text. */
static int cell_text(const struct column *c, json_t *rec, struct buf *out)
{
	json_t *v = c->type == COL_LOC ? json_object_get(json_object_get(rec, "location"), c->key)
				       : json_object_get(rec, c->name);
	json_t *item;
	size_t i;
	int r = 0;

	buf_reset(out);
	if (json_is_string(v))
		r = buf_adds(out, json_string_value(v));
	else if (json_is_integer(v))
		r = buf_addf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		r = buf_adds(out, json_is_true(v) ? "yes" : "no");
	else if (json_is_array(v))
		json_array_foreach(v, i, item)
			if ((r = buf_addf(out, "%s%s", i ? "; " : "", json_string_value(item))) < 0)
				break;
	return r;
}

static const struct column *find_column(enum content_kind kind, const char *name)
{
	const struct column *c = columns_of(kind);

	while (c->name && strcmp(c->name, name) != 0)
		c++;
	return c->name ? c : NULL;
}

int content_io_set_field(enum content_kind kind, json_t *rec, const char *name, const char *text)
{
	const struct column *c = find_column(kind, name);
	json_t *loc, *v;
	int r = GW_ERR_NOTFOUND;

	if (!c)
		goto out;
	r = GW_ERR_NOMEM;
	if (c->type == COL_LOC) {
		if (!(loc = json_object_get(rec, "location"))) {
			if (!(loc = json_object()) || json_object_set_new(rec, "location", loc) < 0)
				goto out;
		}
		r = json_object_set_new(loc, c->key, json_string(text)) < 0 ? GW_ERR_NOMEM : 0;
		goto out;
	}
	v = cell_value(c, text);
	if (!v) { /* empty: none */
		json_object_del(rec, name);
		r = 0;
		goto out;
	}
	r = json_object_set_new(rec, name, v) < 0 ? GW_ERR_NOMEM : 0;
out:
	return r;
}

int content_io_field_text(enum content_kind kind, json_t *rec, const char *name, struct buf *out)
{
	const struct column *c = find_column(kind, name);

	return c ? cell_text(c, rec, out) : GW_ERR_NOTFOUND;
}

static int write_csv(enum content_kind kind, json_t *records, struct buf *out,
		     struct progress *progress)
{
	const struct column *cols = columns_of(kind);
	const char *fields[64];
	struct buf cells[64];
	json_t *rec;
	size_t n = 0, i;
	int r;

	while (cols[n].name)
		n++;
	for (size_t k = 0; k < n; k++) {
		buf_init(&cells[k], 256 * 1024);
		fields[k] = cols[k].name;
	}
	if ((r = csv_write_bom(out)) < 0 || (r = csv_write_row(out, fields, n)) < 0)
		goto out;
	json_array_foreach(records, i, rec) {
		for (size_t k = 0; k < n; k++) {
			if ((r = cell_text(&cols[k], rec, &cells[k])) < 0)
				goto out;
			fields[k] = cells[k].data;
		}
		if ((r = csv_write_row(out, fields, n)) < 0)
			goto out;
		if (progress)
			progress_update(progress, (long)i + 1);
	}
out:
	for (size_t k = 0; k < n; k++)
		buf_release(&cells[k]);
	return r;
}

int content_io_write(enum content_kind kind, json_t *records, enum content_format fmt,
		     struct buf *out, struct progress *progress)
{
	json_t *root = NULL;
	char *s = NULL;
	int r = GW_ERR_NOMEM;

	if (fmt == CONTENT_FORMAT_CSV) {
		r = write_csv(kind, records, out, progress);
		goto out;
	}
	if (!(root = json_object()) ||
	    json_object_set(root, content_kind_name(kind), records) < 0 ||
	    !(s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
		goto out;
	if ((r = buf_adds(out, s)) == 0)
		r = buf_addch(out, '\n');
out:
	free(s);
	json_decref(root);
	return r;
}
