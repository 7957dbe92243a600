/* gatewayctl import and export: programs and jobs as JSON or CSV files. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/progress.h"
#include "gateway/ctl/ctl.h"

#define EXPORT_MAX ((size_t)512 * 1024 * 1024)

static int parse_kind(const char *s, enum content_kind *kind)
{
	int r = GW_ERR_INVAL;

	if (strcmp(s, "programs") == 0) {
		*kind = CONTENT_PROGRAMS;
		r = 0;
	} else if (strcmp(s, "jobs") == 0) {
		*kind = CONTENT_JOBS;
		r = 0;
	}
	return r;
}

/* The codes of one kind of change: all of them for --dry-run (that is what
 * it is for); after a real import a long list is cut short. */
static void print_codes(const char *label, json_t *codes, int all)
{
	size_t n = json_array_size(codes), shown = n > 40 && !all ? 30 : n;

	if (!n)
		return;
	printf("  %-8s", label);
	for (size_t i = 0; i < shown; i++)
		printf(" %s", json_string_value(json_array_get(codes, i)));
	if (shown < n)
		printf(" ... and %zu more", n - shown);
	printf("\n");
}

static const char import_usage[] =
	"usage: gatewayctl import programs|jobs FILE [--format json|csv] [--dry-run] [--sync]\n"
	"  --dry-run  check everything and show what would change; change nothing\n"
	"  --sync     the file is the whole list: remove programs (close jobs) not in it\n";

int ctl_cmd_import(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "sync", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	enum content_format fmt = CONTENT_FORMAT_AUTO;
	struct content_file file = { NULL, NULL, CONTENT_FORMAT_AUTO };
	struct content_report rep;
	struct content_opts opts;
	enum content_kind kind;
	struct progress prog;
	struct db *db = NULL;
	const char *path, *base;
	char err[1024], label[128];
	int ch, dry_run = 0, sync = 0, r, rc = 1;

	content_report_init(&rep);
	while ((ch = getopt_long(argc, argv, "f:ns", longopts, NULL)) != -1) {
		if (ch == 'f' && content_io_format(optarg, &fmt) == 0)
			continue;
		if (ch == 'n' || ch == 's') {
			*(ch == 'n' ? &dry_run : &sync) = 1;
			continue;
		}
		fputs(import_usage, stderr);
		return 2;
	}
	if (optind != argc - 2 || parse_kind(argv[optind], &kind) < 0) {
		fputs(import_usage, stderr);
		return 2;
	}
	path = argv[optind + 1];
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	err[0] = '\0';
	if ((r = content_io_load(path, kind, fmt, &file, err, sizeof(err))) < 0) {
		fprintf(stderr, "gatewayctl: import refused, nothing changed: %s\n",
			*err ? err : gw_strerror(r));
		goto out;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	content_opts_init(&opts, c->actor, base);
	content_io_label(&file, &opts);
	opts.dry_run = dry_run;
	opts.sync = sync;
	opts.progress = &prog;
	snprintf(label, sizeof(label), "%s %s", dry_run ? "checking" : "importing", base);
	progress_begin(&prog, label, (long)json_array_size(file.records));
	r = content_apply(db, kind, file.records, &opts, &rep, err, sizeof(err));
	progress_end(&prog);
	if (r < 0) {
		fprintf(stderr, "gatewayctl: import refused, nothing changed: %s\n",
			*err ? err : gw_strerror(r));
		goto out;
	}
	if (dry_run)
		printf("dry run, nothing changed; the import would do:\n");
	printf("%s: %d added, %d changed, %d unchanged", argv[optind], rep.n.added, rep.n.changed,
	       rep.n.unchanged);
	if (sync)
		printf(", %d %s", rep.n.removed, kind == CONTENT_PROGRAMS ? "removed" : "closed");
	printf("\n");
	print_codes("added:", rep.added, dry_run);
	print_codes("changed:", rep.changed, dry_run);
	print_codes(kind == CONTENT_PROGRAMS ? "removed:" : "closed:", rep.removed, dry_run);
	rc = 0;
out:
	content_report_release(&rep);
	content_io_release(&file);
	db_close(db);
	return rc;
}

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
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: gatewayctl export programs|jobs [--format json|csv]"
				    " [-o FILE]\n";
	enum content_format fmt = CONTENT_FORMAT_AUTO;
	enum content_kind kind;
	struct progress prog;
	struct db *db = NULL;
	json_t *records = NULL;
	const char *output = NULL;
	char label[64];
	struct buf out;
	int ch, r, rc = 1;

	buf_init(&out, EXPORT_MAX);
	while ((ch = getopt_long(argc, argv, "f:o:", longopts, NULL)) != -1) {
		if (ch == 'f' && content_io_format(optarg, &fmt) == 0)
			continue;
		if (ch == 'o') {
			output = optarg;
			continue;
		}
		fputs(usage, stderr);
		return 2;
	}
	if (optind != argc - 1 || parse_kind(argv[optind], &kind) < 0) {
		fputs(usage, stderr);
		return 2;
	}
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
	snprintf(label, sizeof(label), "exporting %s", argv[optind]);
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
			argv[optind]);
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
