/* tmpdir.h - the unit tests' throw-away folders: removed without a shell. */
#ifndef GW_TEST_TMPDIR_H
#define GW_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>

static int tmpdir_unlink_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove dir and everything below it (symbolic links are not followed);
 * 0 on success. */
static inline int tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_unlink_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
