#include "common/crashpoint.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

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
	raise(SIGKILL);
}
