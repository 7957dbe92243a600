/* gatewayctl export: programs or jobs as a JSON or CSV file (or stdout),
 * in the shape import reads back. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/progress.h"
#include "gateway/ctl/ctl.h"

#define EXPORT_MAX ((size_t)512 * 1024 * 1024)

/* Write data to path through a temporary file and rename, so a reader (or
 * a spreadsheet) never sees half a file. */
static int write_file_atomic(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int r = GW_ERR_TOOBIG;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		goto out;
	r = GW_ERR_IO;
	if (!(f = fopen(tmp, "wb")))
		goto out;
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		f = NULL;
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		f = NULL;
		unlink(tmp);
		goto out;
	}
	f = NULL;
	r = 0;
out:
	return r;
}

int ctl_cmd_export(struct ctl *c, int argc, char **argv)
{
	enum content_format fmt = CONTENT_FORMAT_AUTO;
	const char *output = NULL;
	const struct ctl_opt opts[] = {
		CTL_CALL('f', "format", &fmt, ctl_opt_format), CTL_STRING('o', "output", &output),
		CTL_END,
	};
	enum content_kind kind;
	struct progress prog;
	struct db *db = NULL;
	json_t *records = NULL;
	char label[64];
	struct buf out;
	int first, r, rc = 1;

	buf_init(&out, EXPORT_MAX);
	if ((first = ctl_options(c, argc, argv, opts)) < 0 || first != argc - 1 ||
	    ctl_content_kind(argv[first], &kind) < 0)
		return ctl_usage("usage: gatewayctl export programs|jobs [--format json|csv] [-o FILE]\n");
	if (fmt == CONTENT_FORMAT_AUTO)
		fmt = output ? content_io_format_of(output) : CONTENT_FORMAT_JSON;
	if (fmt == CONTENT_FORMAT_AUTO)
		fmt = CONTENT_FORMAT_JSON;
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if ((r = content_export(db, kind, &records)) < 0) {
		fprintf(stderr, "gatewayctl: export failed: %s\n", gw_strerror(r));
		goto out;
	}
	snprintf(label, sizeof(label), "exporting %s", argv[first]);
	progress_begin(&prog, label, (long)json_array_size(records));
	r = content_io_write(kind, records, fmt, &out, &prog);
	progress_end(&prog);
	if (r < 0) {
		fprintf(stderr, "gatewayctl: export failed: %s\n", gw_strerror(r));
		goto out;
	}
	if (output) {
		if ((r = write_file_atomic(output, out.data, out.len)) < 0) {
			fprintf(stderr, "gatewayctl: cannot write %s: %s\n", output, strerror(errno));
			goto out;
		}
		fprintf(stderr, "%s: %zu %s written\n", output, json_array_size(records),
			argv[first]);
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		fprintf(stderr, "gatewayctl: writing the export failed\n");
		goto out;
	}
	rc = 0;
out:
	json_decref(records);
	buf_release(&out);
	db_close(db);
	return rc;
}
