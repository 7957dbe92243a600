/* libFuzzer target: gateway/content/csv.c and the CSV -> record conversion of
 * gateway/content/content_io.c, then the one validation (content_validate), on
 * arbitrary bytes. Whatever the input, the reader must return a row, the
 * end or an error naming a line, never read out of bounds or leak; and
 * what the writer writes must read back as the same fields.
 * Run: make fuzz (FUZZ_SECONDS=N), seeds in corpus/fuzz_csv/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every row read must survive a write and a second read unchanged. */
static void round_trip(const struct csv_row *row)
{
	struct csv_row again = CSV_ROW_INIT;
	struct csv_reader rd;
	struct buf out;
	char err[256];

	buf_init(&out, 4u * CSV_FIELD_MAX);
	if (csv_write_row(&out, (const char *const *)row->fields, row->n) == 0 &&
	    csv_reader_init(&rd, out.data, out.len, err, sizeof(err)) == 0) {
		if (csv_read_row(&rd, &again, err, sizeof(err)) != 1 || again.n != row->n)
			abort();
		for (size_t i = 0; i < row->n; i++)
			if (strcmp(again.fields[i], row->fields[i]) != 0)
				abort();
	}
	csv_row_release(&again);
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_row row = CSV_ROW_INIT;
	struct content_file f;
	struct content_opts o;
	struct csv_reader rd;
	char err[512];
	int r, rows = 0;

	if (csv_reader_init(&rd, (const char *)data, size, err, sizeof(err)) == 0) {
		csv_reader_sniff(&rd);
		while ((r = csv_read_row(&rd, &row, err, sizeof(err))) == 1 && rows++ < 1000)
			if (rd.delim == ',')
				round_trip(&row);
		csv_row_release(&row);
	}
	for (int k = 0; k < 2; k++) {
		enum content_kind kind = k ? CONTENT_JOBS : CONTENT_PROGRAMS;

		memset(&f, 0, sizeof(f));
		if (content_io_from_csv((const char *)data, size, kind, "fuzz.csv", &f, err,
					sizeof(err)) == 0) {
			content_opts_init(&o, "fuzz", "fuzz.csv");
			content_io_label(&f, &o);
			content_validate(kind, f.records, &o, err, sizeof(err));
			content_io_release(&f);
		}
	}
	return 0;
}
