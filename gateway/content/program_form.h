/* program_form.h - one program as a readable text form, for $EDITOR.
 *
 * Like a git commit message: '#' lines at the top explain, short fields are
 * "name: value" lines, long texts follow a "== name ==" heading until the
 * next heading (blank lines around a text are dropped; inside it everything,
 * '#' included, is kept). Cells convert exactly as in CSV (content_io.h):
 * keywords separated by ';', needs_check yes/no (empty: yes when there is a
 * caveat), dates YYYY-MM-DD or empty.
 *
 *   # Program BHYT, version 3 ...
 *   code: BHYT
 *   keywords: bhyt; bảo hiểm y tế
 *   needs_check: yes
 *
 *   == title_vi ==
 *   Thẻ bảo hiểm y tế cho hộ nghèo
 *
 * Parsing checks only the form (unknown or repeated fields, stray text);
 * the record is then validated like any import (content_validate).
 */
#ifndef GW_PROGRAM_FORM_H
#define GW_PROGRAM_FORM_H

#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"

/* Append the form of a canonical program record. note is the first line of
 * the explaining comment ("Program BHYT, version 3"); NULL: no comment. */
int program_form_write(json_t *rec, const char *note, struct buf *out);

/* Parse a form into a record. Errors name the line ("line 7: unknown field
 * 'sumary_vi'"). An empty form (nothing but comments and blanks) is
 * GW_ERR_EMPTY: the user cancelled. */
int program_form_parse(const char *text, size_t len, json_t **rec, char *err, size_t errsz);

#endif
