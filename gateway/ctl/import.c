/* gatewayctl import: programs or jobs from a JSON or CSV file, all or
 * nothing (content.h), with a dry run and a sync mode. */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_io.h"
#include "gateway/content/progress.h"
#include "gateway/ctl/ctl.h"

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
	enum content_format fmt = CONTENT_FORMAT_AUTO;
	int dry_run = 0, sync = 0, first, r, rc = 1;
	const struct ctl_opt opts[] = {
		CTL_CALL('f', "format", &fmt, ctl_opt_format), CTL_FLAG('n', "dry-run", &dry_run),
		CTL_FLAG('s', "sync", &sync), CTL_END,
	};
	struct content_file file = { NULL, NULL, CONTENT_FORMAT_AUTO };
	struct content_report rep;
	struct content_opts opts_apply;
	enum content_kind kind;
	struct progress prog;
	struct db *db = NULL;
	const char *path, *base;
	char err[1024], label[128];

	content_report_init(&rep);
	if ((first = ctl_options(c, argc, argv, opts)) < 0 || first != argc - 2 ||
	    ctl_content_kind(argv[first], &kind) < 0)
		return ctl_usage(import_usage);
	path = argv[first + 1];
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	err[0] = '\0';
	if ((r = content_io_load(path, kind, fmt, &file, err, sizeof(err))) < 0) {
		fprintf(stderr, "gatewayctl: import refused, nothing changed: %s\n",
			*err ? err : gw_strerror(r));
		goto out;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	content_opts_init(&opts_apply, c->actor, base);
	content_io_label(&file, &opts_apply);
	opts_apply.dry_run = dry_run;
	opts_apply.sync = sync;
	opts_apply.progress = &prog;
	snprintf(label, sizeof(label), "%s %s", dry_run ? "checking" : "importing", base);
	progress_begin(&prog, label, (long)json_array_size(file.records));
	r = content_apply(db, kind, file.records, &opts_apply, &rep, err, sizeof(err));
	progress_end(&prog);
	if (r < 0) {
		fprintf(stderr, "gatewayctl: import refused, nothing changed: %s\n",
			*err ? err : gw_strerror(r));
		goto out;
	}
	if (dry_run)
		printf("dry run, nothing changed; the import would do:\n");
	printf("%s: %d added, %d changed, %d unchanged", argv[first], rep.n.added, rep.n.changed,
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
