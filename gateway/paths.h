/* paths.h - where the default configuration and shipped data are.
 *
 * Run from a source tree (bin/gatewayd next to config/gateway.conf), the
 * programs use the embedded default config/gateway.conf and data/; once
 * installed, /etc/gateway/gateway.conf and PREFIX/share/gateway/.
 * Under a root set with paths_set_root() (gatewayctl --root, used by the
 * Debian package's maintainer scripts with $DPKG_ROOT), the installed
 * places inside that root, never the source tree.
 */
#ifndef GW_PATHS_H
#define GW_PATHS_H

#include <stddef.h>

/* Work on the installation under root; NULL, "" or "/": the running
 * system. GW_ERR_TOOBIG when root is too long. */
int paths_set_root(const char *root);
/* path inside the root when it is absolute, unchanged when relative. */
int paths_under_root(const char *path, char *out, size_t outsz);
/* The configuration file to use when -c is not given. */
int paths_default_config(char *out, size_t outsz);
/* A shipped data file (e.g. "lexicon.json"). */
int paths_data_file(const char *name, char *out, size_t outsz);
/* The program `name` installed beside the running one (gatewayd runs
 * gatewayctl from its own folder, wherever both were installed);
 * GW_ERR_NOTFOUND when it is not there. */
int paths_program(const char *name, char *out, size_t outsz);

#endif
