#include "gateway/paths.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/gw_err.h"

#ifndef GW_SYSCONFDIR
#define GW_SYSCONFDIR "/etc"
#endif
#ifndef GW_DATADIR
#define GW_DATADIR "/usr/local/share/gateway"
#endif

/* The source tree root when the running binary lives in <root>/bin or
 * <root>/build/test/bin, else "" */
static int source_root(char *out, size_t outsz)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return GW_ERR_NOTFOUND;
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/config/gateway.conf", exe);
		if (access(probe, R_OK) == 0 && snprintf(out, outsz, "%s", exe) < (int)outsz)
			return 0;
	}
	return GW_ERR_NOTFOUND;
}

int paths_default_config(char *out, size_t outsz)
{
	char root[PATH_MAX];

	if (source_root(root, sizeof(root)) == 0)
		return snprintf(out, outsz, "%s/config/gateway.conf", root) < (int)outsz ? 0 : GW_ERR_TOOBIG;
	return snprintf(out, outsz, "%s/gateway/gateway.conf", GW_SYSCONFDIR) < (int)outsz ? 0 : GW_ERR_TOOBIG;
}

int paths_data_file(const char *name, char *out, size_t outsz)
{
	char root[PATH_MAX];

	if (source_root(root, sizeof(root)) == 0)
		return snprintf(out, outsz, "%s/data/%s", root, name) < (int)outsz ? 0 : GW_ERR_TOOBIG;
	return snprintf(out, outsz, "%s/%s", GW_DATADIR, name) < (int)outsz ? 0 : GW_ERR_TOOBIG;
}
