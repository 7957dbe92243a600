/* gatewayctl backup FILE: a consistent copy of the live database (SQLite's
 * online backup), safe while the daemon runs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"

int ctl_cmd_backup(struct ctl *c, int argc, char **argv)
{
	int force = 0, first, r, rc = 1;
	const struct ctl_opt opts[] = { CTL_FLAG('f', "force", &force), CTL_END };
	char tmp[PATH_MAX];
	struct db *db = NULL;
	struct stat sb;
	const char *dest;

	tmp[0] = '\0';
	if ((first = ctl_options(c, argc, argv, opts)) != argc - 1)
		return ctl_usage("usage: gatewayctl backup [--force] FILE\n");
	dest = argv[first];
	if (!force && stat(dest, &sb) == 0) {
		fprintf(stderr, "gatewayctl: %s exists (--force replaces it)\n", dest);
		goto out;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", dest, (long)getpid()) >= (int)sizeof(tmp)) {
		tmp[0] = '\0';
		goto out;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	unlink(tmp);
	/* into a temporary name, renamed when complete: FILE is never half a copy */
	if ((r = db_backup(db, tmp)) < 0 || rename(tmp, dest) != 0) {
		fprintf(stderr, "gatewayctl: backup to %s failed: %s\n", dest,
			r < 0 ? gw_strerror(r) : strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	audit_write(db, time(NULL), c->actor, "backup", dest, "");
	if (stat(dest, &sb) == 0)
		printf("%s: %lld bytes, a consistent copy of %s\n", dest, (long long)sb.st_size,
		       c->cfg.database.path);
	rc = 0;
out:
	if (*tmp)
		unlink(tmp);
	db_close(db);
	return rc;
}
