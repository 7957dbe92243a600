#include "common/crashpoint.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static pid_t also_kill;

void crashpoint_also_kill(pid_t pid)
{
	also_kill = pid;
}

void crashpoint(const char *name)
{
	const char *want = getenv("GW_CRASHPOINT");
	static long passes; /* per process: how often the named point was reached */
	const char *skip;

	if (!want || strcmp(want, name) != 0)
		return;
	skip = getenv("GW_CRASHPOINT_SKIP");
	if (skip && passes++ < strtol(skip, NULL, 10))
		return;
	if (also_kill > 1)
		kill(also_kill, SIGKILL);
	raise(SIGKILL);
}
