#include "router.h"

#include <string.h>

#include "../common/buf.h"
#include "../common/gw_err.h"

#define ROUTER_MAX_ALIAS_WORDS 3

/* Byte offset just after the n-th word of s, or 0 when s has fewer words. */
static size_t after_words(const char *s, int n)
{
	size_t i = 0;

	for (int w = 0; w < n; w++) {
		while (s[i] == ' ')
			i++;
		if (!s[i])
			return 0;
		while (s[i] && s[i] != ' ')
			i++;
	}
	return i;
}

int router_route(struct db *db, const char *norm, struct route *out)
{
	struct route rt;
	sqlite3_stmt *st;
	int r;

	memset(&rt, 0, sizeof(rt));
	for (int words = ROUTER_MAX_ALIAS_WORDS; words >= 1; words--) {
		size_t end = after_words(norm, words);

		if (!end)
			continue;
		if ((r = db_prepare(db, "SELECT c.name, c.intent, c.officer_only FROM command_aliases a"
					" JOIN commands c ON c.name = a.command WHERE a.alias = ?", &st)) < 0)
			return r;
		sqlite3_bind_text(st, 1, norm, (int)end, SQLITE_TRANSIENT);
		if ((r = db_step(st)) < 0)
			return r;
		if (r == DB_ROW) {
			gw_strlcpy(rt.command, db_col_text(st, 0), sizeof(rt.command));
			gw_strlcpy(rt.intent, db_col_text(st, 1), sizeof(rt.intent));
			rt.officer_only = sqlite3_column_int(st, 2);
			sqlite3_reset(st);
			while (norm[end] == ' ')
				end++;
			rt.args_off = end;
			*out = rt;
			return 0;
		}
	}
	memcpy(rt.intent, "unknown", 8);
	rt.args_off = 0;
	*out = rt;
	return 0;
}
