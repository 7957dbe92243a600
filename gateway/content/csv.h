/* csv.h - comma-separated values as spreadsheets write and read them (RFC 4180).
 *
 * Administrators edit content in LibreOffice Calc or Excel, so the writer
 * produces what both open correctly: a UTF-8 byte order mark (without it
 * Excel guesses a legacy code page and garbles Vietnamese), every field in
 * double quotes with quotes doubled, CRLF between rows, line breaks kept
 * inside quoted fields. A field a spreadsheet would run as a formula
 * (OWASP's CSV injection: it starts with = + - @, a tab or a CR, possibly
 * after single quotes) is written inert with one more single quote in front
 * ("'=1+1", "'+84912..."), and the reader strips exactly that one quote
 * again, so our own export imports unchanged.
 *
 * The reader is strict, because a silently mis-split row would put text in
 * the wrong field of a program: a quote inside an unquoted field, text after
 * a closing quote, an unterminated quote, invalid UTF-8, NUL bytes or a
 * UTF-16 file are errors that name the line. It accepts a leading BOM, LF,
 * CRLF or CR line ends, and ';' as the separator (what a spreadsheet set to a
 * Vietnamese locale writes) when csv_reader_sniff finds it in the first row.
 * Blank lines are skipped.
 *
 *   struct csv_reader rd;
 *   struct csv_row row = CSV_ROW_INIT;
 *   if ((r = csv_reader_init(&rd, data, len, err, sizeof(err))) < 0) goto out;
 *   csv_reader_sniff(&rd);
 *   while ((r = csv_read_row(&rd, &row, err, sizeof(err))) == 1) ... row.fields[i] ...
 *   csv_row_release(&row);
 */
#ifndef GW_CSV_H
#define GW_CSV_H

#include <stddef.h>

#include "common/buf.h"

#define CSV_FIELD_MAX (256u * 1024u) /* bytes in one field */
#define CSV_FIELDS_MAX 256           /* fields in one row */

struct csv_reader {
	const char *p;   /* next byte to read */
	const char *end;
	char delim;      /* ',' unless sniffed otherwise */
	long line;       /* physical line of p, 1-based */
	long row_line;   /* line where the row last returned starts */
	long sheet_row;  /* its row number in a spreadsheet (blank lines count) */
};

struct csv_row {
	char **fields;   /* NUL-terminated UTF-8 strings, owned by the row */
	size_t n;
};

#define CSV_ROW_INIT { NULL, 0 }

/* Start reading data[0..len) (not copied: it must outlive the reader).
 * Skips a UTF-8 BOM; refuses UTF-16/UTF-32 files with a message. */
int csv_reader_init(struct csv_reader *rd, const char *data, size_t len, char *err, size_t errsz);

/* Use ';' when the first row has more ';' than ',' outside quotes. */
void csv_reader_sniff(struct csv_reader *rd);

/* Read the next row into row (its previous fields are freed). Returns 1 for
 * a row, 0 at the end, or GW_ERR_INVAL / GW_ERR_CORRUPT (bad encoding) /
 * GW_ERR_TOOBIG / GW_ERR_NOMEM with "line N: problem" in err. */
int csv_read_row(struct csv_reader *rd, struct csv_row *row, char *err, size_t errsz);

void csv_row_release(struct csv_row *row);

/* Append the UTF-8 byte order mark. */
int csv_write_bom(struct buf *out);
/* Append one row: n fields (NULL = empty), each quoted, ending in CRLF. */
int csv_write_row(struct buf *out, const char *const *fields, size_t n);

#endif
