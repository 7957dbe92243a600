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

/* paths_set_root(): "" is the running system */
static char root_dir[PATH_MAX];

int paths_set_root(const char *root)
{
	size_t n = root ? strlen(root) : 0;
	int r = GW_ERR_TOOBIG;

	while (n > 0 && root[n - 1] == '/')
		n--;
	if (n >= sizeof(root_dir))
		goto out;
	if (n > 0)
		memcpy(root_dir, root, n);
	root_dir[n] = '\0';
	r = 0;
out:
	return r;
}

int paths_under_root(const char *path, char *out, size_t outsz)
{
	char tmp[PATH_MAX];
	int n = snprintf(tmp, sizeof(tmp), "%s%s", path[0] == '/' ? root_dir : "", path);
	int r = GW_ERR_TOOBIG;

	if (n < 0 || (size_t)n >= sizeof(tmp) || (size_t)n >= outsz)
		goto out;
	memcpy(out, tmp, (size_t)n + 1);
	r = 0;
out:
	return r;
}

/* The source tree root when the running binary lives in <root>/bin or
 * <root>/build/test/bin, else "". Never under paths_set_root(): the
 * installation there is meant, whichever binary runs. */
static int source_root(char *out, size_t outsz)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n;

	if (root_dir[0])
		return GW_ERR_NOTFOUND;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
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
	return snprintf(out, outsz, "%s%s/gateway/gateway.conf", root_dir, GW_SYSCONFDIR) < (int)outsz ?
		0 : GW_ERR_TOOBIG;
}

int paths_data_file(const char *name, char *out, size_t outsz)
{
	char root[PATH_MAX];

	if (source_root(root, sizeof(root)) == 0)
		return snprintf(out, outsz, "%s/data/%s", root, name) < (int)outsz ? 0 : GW_ERR_TOOBIG;
	return snprintf(out, outsz, "%s%s/%s", root_dir, GW_DATADIR, name) < (int)outsz ? 0 : GW_ERR_TOOBIG;
}

int paths_program(const char *name, char *out, size_t outsz)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	int len;

	if (n <= 0)
		return GW_ERR_NOTFOUND;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return GW_ERR_NOTFOUND;
	*slash = '\0';
	len = snprintf(out, outsz, "%s/%s", exe, name);
	if (len < 0 || (size_t)len >= outsz)
		return GW_ERR_TOOBIG;
	return access(out, X_OK) == 0 ? 0 : GW_ERR_NOTFOUND;
}
