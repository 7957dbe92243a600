/* paths.h - where the default configuration and shipped data are.
 *
 * Run from a source tree (bin/gatewayd next to config/gateway.conf), the
 * programs use the embedded default config/gateway.conf and data/; once
 * installed, /etc/gateway/gateway.conf and PREFIX/share/gateway/.
 */
#ifndef GW_PATHS_H
#define GW_PATHS_H

#include <stddef.h>

/* The configuration file to use when -c is not given. */
int paths_default_config(char *out, size_t outsz);
/* A shipped data file (e.g. "lexicon.json"). */
int paths_data_file(const char *name, char *out, size_t outsz);

#endif
