/* content_io.h - content files: JSON and CSV to records (content.h) and back.
 *
 * JSON is the shape of data/programs.json: {"programs": [ {...}, ... ]}.
 * CSV is for spreadsheets (csv.h): a header row of field names, then one
 * row per program or job. Cells become record fields by column type, and
 * anything that does not convert stays text so that content_validate -
 * the one validation for every way in - names the row and the field:
 *
 *   text      as written ("" for an optional field is the same as absent)
 *   date      YYYY-MM-DD, empty = none
 *   number    whole number, empty = none
 *   yes/no    yes/no, true/false, 1/0, có/không, x; empty = the default
 *   list      keywords separated by ';' ("bhyt; bảo hiểm y tế")
 *
 * Columns may come in any order and header names ignore case; unknown or
 * repeated columns are errors, missing optional columns are empty fields
 * (a row replaces the whole program, as a JSON record does). Rows whose
 * cells are all empty are skipped. Row numbers in messages are the ones a
 * spreadsheet shows (the header is row 1).
 */
#ifndef GW_CONTENT_IO_H
#define GW_CONTENT_IO_H

#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"
#include "gateway/content/content.h"

enum content_format { CONTENT_FORMAT_AUTO, CONTENT_FORMAT_JSON, CONTENT_FORMAT_CSV };

struct content_file {
	json_t *records;
	long *numbers;             /* CSV: spreadsheet row of record i; NULL for JSON */
	enum content_format format;
};

/* "json" | "csv" -> format; GW_ERR_INVAL otherwise. */
int content_io_format(const char *name, enum content_format *out);

/* The format of a file name (".csv", ".json"), else CONTENT_FORMAT_AUTO. */
enum content_format content_io_format_of(const char *path);

/* Read path as fmt (AUTO: by extension, else JSON when the first character
 * after a BOM and blanks is '[' or '{', else CSV). */
int content_io_load(const char *path, enum content_kind kind, enum content_format fmt,
		    struct content_file *out, char *err, size_t errsz);
void content_io_release(struct content_file *f);

/* Set the message labels of opts for a loaded file ("record"/"row"). */
void content_io_label(const struct content_file *f, struct content_opts *opts);

/* CSV text -> records (source names the file in err). */
int content_io_from_csv(const char *data, size_t len, enum content_kind kind, const char *source,
			struct content_file *out, char *err, size_t errsz);

/* Set one field of rec from its text, converted by the field's column type
 * (the same conversion as a CSV cell). GW_ERR_NOTFOUND: no such field. */
int content_io_set_field(enum content_kind kind, json_t *rec, const char *name, const char *text);
/* The text of one field of a canonical record, as a CSV cell shows it. */
int content_io_field_text(enum content_kind kind, json_t *rec, const char *name, struct buf *out);

/* Records (canonical, as content_export gives them) -> file text. CSV gets
 * a BOM, a header and every field quoted; JSON is indented UTF-8. */
int content_io_write(enum content_kind kind, json_t *records, enum content_format fmt,
		     struct buf *out, struct progress *progress);

#endif
