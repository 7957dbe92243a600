/* interpose.h - the real libGammu function behind one a test defines.
 *
 * The modem tests define some GSM_* functions themselves (the
 * executable's definitions win over libGammu's) to see or change what the
 * transport hands to libgammu; they reach libGammu's own with this.
 * Include after <cmocka.h>.
 */
#ifndef GW_TEST_INTERPOSE_H
#define GW_TEST_INTERPOSE_H

#include <dlfcn.h>

static void *real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	assert_non_null(f);
	return f;
}

#endif
