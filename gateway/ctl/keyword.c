/* gatewayctl keyword: the aliases of the command words (keyword add CS
 * 'bao hiem'), one transaction and one audit row a change. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "handlers/understand/lexicon.h"

static int keyword_list(struct db *db)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT a.command, c.intent, a.alias, a.lang FROM command_aliases a"
				" JOIN commands c ON c.name = a.command ORDER BY a.command, a.alias", &st)) < 0)
		return 1;
	printf("%-10s %-18s %-4s %s\n", "COMMAND", "INTENT", "LANG", "ALIAS");
	while ((r = db_step(st)) == DB_ROW)
		printf("%-10s %-18s %-4s %s\n", db_col_text(st, 0), db_col_text(st, 1),
		       db_col_text(st, 3), db_col_text(st, 2));
	return r < 0 ? 1 : 0;
}

int ctl_cmd_keyword(struct ctl *c, int argc, char **argv)
{
	struct db *db = NULL;
	char err[256], detail[300];
	int r, rc = 1;

	if (argc < 2 || (strcmp(argv[1], "list") != 0 &&
			 !(strcmp(argv[1], "add") == 0 && (argc == 4 || argc == 5)) &&
			 !(strcmp(argv[1], "remove") == 0 && argc == 3)))
		return ctl_usage("usage: gatewayctl keyword list\n"
				 "       gatewayctl keyword add COMMAND ALIAS [vi|en]\n"
				 "       gatewayctl keyword remove ALIAS\n");
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (strcmp(argv[1], "list") == 0) {
		rc = keyword_list(db);
		goto out;
	}
	if ((r = db_begin(db)) < 0)
		goto out;
	err[0] = '\0';
	if (strcmp(argv[1], "add") == 0)
		r = lexicon_add_alias(db, argv[2], argv[3], argc == 5 ? argv[4] : "vi", err, sizeof(err));
	else
		r = lexicon_remove_alias(db, argv[2]);
	snprintf(detail, sizeof(detail), "%s %s", argv[1], argv[2]);
	if (r == 0)
		r = audit_write(db, time(NULL), c->actor, "keyword", argc >= 4 ? argv[3] : argv[2], detail);
	if (r < 0 || (r = db_commit(db)) < 0) {
		db_rollback(db);
		fprintf(stderr, "gatewayctl: keyword %s refused: %s\n", argv[1],
			*err ? err : gw_strerror(r));
		goto out;
	}
	printf("ok\n");
	rc = 0;
out:
	db_close(db);
	return rc;
}
