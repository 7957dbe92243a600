/* crashpoint.h - named points where crash tests kill the process.
 *
 * The durability tests run gatewayd with GW_CRASHPOINT=<name> and expect it
 * to die with SIGKILL exactly there, then restart it and check that nothing
 * was lost and nothing answered twice. Without the variable this is one
 * getenv() per call on paths that are bounded by the modem's speed.
 * GW_CRASHPOINT_SKIP=N lets the first N passes through the point survive.
 */
#ifndef GW_CRASHPOINT_H
#define GW_CRASHPOINT_H

#include <sys/types.h>

void crashpoint(const char *name);

/* Kill pid too when a crash point fires in this process: a modem worker
 * takes its main process down with it, so "the daemon died here" stays
 * true for the tests. */
void crashpoint_also_kill(pid_t pid);

#endif
