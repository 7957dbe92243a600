/* gatewayctl init: create or migrate the database, then load the command
 * words (data/lexicon.json, every time: an upgrade brings new ones, the
 * administrator's own changes are kept, handlers/understand/lexicon.h),
 * the menus (data/dialogs.json) and the operators' number prefixes
 * (data/operators.json) once; --operators FILE loads the prefixes again
 * from FILE (a new prefix, a corrected one). */
#include <limits.h>
#include <stdio.h>

#include "common/store.h"
#include "gateway/ctl/ctl.h"
#include "gateway/operators.h"
#include "gateway/paths.h"
#include "handlers/dialog/dialog_data.h"
#include "handlers/features/jobs_board.h"
#include "handlers/understand/lexicon.h"

/* The prefixes from file, or from the shipped data when none are loaded. */
static int load_operators(struct db *db, const char *file)
{
	char path[PATH_MAX], err[512];
	int64_t n = 0;
	int count = 0;

	if (!file) {
		if (db_query_int64(db, "SELECT count(*) FROM operator_prefixes", &n) < 0)
			return 1;
		if (n > 0)
			return 0;
		if (paths_data_file("operators.json", path, sizeof(path)) < 0) {
			fprintf(stderr, "gatewayctl: cannot find data/operators.json\n");
			return 1;
		}
		file = path;
	}
	if (operators_import(db, file, &count, err, sizeof(err)) < 0) {
		fprintf(stderr, "gatewayctl: operators: %s\n", err);
		return 1;
	}
	printf("operator prefixes: %d loaded from %s\n", count, file);
	return 0;
}

int ctl_cmd_init(struct ctl *c, int argc, char **argv)
{
	char path[PATH_MAX], err[512];
	const char *lexicon = NULL, *operators = NULL;
	const struct ctl_opt opts[] = { CTL_STRING('l', "lexicon", &lexicon),
					CTL_STRING('o', "operators", &operators), CTL_END };
	struct lexicon_counts lc;
	struct db *db = NULL;
	int rc = 1;

	if (ctl_options(c, argc, argv, opts) < 0)
		return ctl_usage("usage: gatewayctl init [--lexicon FILE] [--operators FILE]\n");
	if (!lexicon) {
		if (paths_data_file("lexicon.json", path, sizeof(path)) < 0)
			return 1;
		lexicon = path;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (lexicon_load(db, lexicon, &lc, err, sizeof(err)) < 0) {
		fprintf(stderr, "gatewayctl: %s\n", err);
		goto out;
	}
	printf("lexicon: %lld aliases, %lld cues from %s", (long long)lc.aliases,
	       (long long)lc.cues, lexicon);
	if (lc.kept)
		printf("; %d alias(es) kept as the administrator set them", lc.kept);
	if (lc.dropped)
		printf("; %d shipped alias(es) no longer in the file dropped", lc.dropped);
	printf("\n");
	/* Menus and the poverty standard (data/dialogs.json), also only once. */
	if (dialog_data_loaded(db) == 0) {
		snprintf(err, sizeof(err), "cannot find data/dialogs.json");
		if (paths_data_file("dialogs.json", path, sizeof(path)) < 0 ||
		    dialog_data_import(db, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "gatewayctl: dialogs: %s\n", err);
			goto out;
		}
	}
	if (load_operators(db, operators) != 0)
		goto out;
	/* a database migrated to the job board derives its offers now */
	if (db_begin(db) < 0 || ctl_commit(db, jobs_board_refresh(db, NULL), "init: job board") < 0)
		goto out;
	printf("database %s ready (schema version %d)\n", c->cfg.database.path,
	       store_schema_version());
	rc = 0;
out:
	db_close(db);
	return rc;
}
