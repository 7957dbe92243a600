/* lockout.c - see lockout.h. */
#include "common/lockout.h"

#include <string.h>

#include "common/gw_err.h"

int lockout_period(const struct lockout_rule *rule, int locks)
{
	long long s = rule->lock_s;

	for (int i = 0; i < locks && s < rule->lock_max_s; i++)
		s *= 2;
	return s > rule->lock_max_s ? rule->lock_max_s : (int)s;
}

int lockout_wait(struct db *db, const char *key, time_t now, int *wait_s)
{
	sqlite3_stmt *st;
	int64_t until;
	int r;

	r = db_row(db, "SELECT locked_until FROM lockouts WHERE key = ?", DB_ARGS(DB_TEXT(key)), &st);
	if (r == GW_ERR_NOTFOUND) {
		*wait_s = 0;
		return 0;
	}
	if (r < 0)
		return r;
	until = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*wait_s = until > (int64_t)now ? (int)(until - (int64_t)now) : 0;
	return 0;
}

int lockout_fail(struct db *db, const char *key, const struct lockout_rule *rule, time_t now,
		 int *locked_s)
{
	int64_t fails = 0, start = now, until = 0, locks = 0;
	sqlite3_stmt *st;
	int fresh, r;

	*locked_s = 0;
	r = db_row(db, "SELECT fails, window_start, locked_until, locks FROM lockouts WHERE key = ?",
		   DB_ARGS(DB_TEXT(key)), &st);
	if (r < 0 && r != GW_ERR_NOTFOUND)
		return r;
	fresh = r == GW_ERR_NOTFOUND;
	if (!fresh) {
		fails = sqlite3_column_int64(st, 0);
		start = sqlite3_column_int64(st, 1);
		until = sqlite3_column_int64(st, 2);
		locks = sqlite3_column_int64(st, 3);
		sqlite3_reset(st);
	}
	if ((int64_t)now - start >= rule->window_s) { /* the window has passed */
		fails = 0;
		start = now;
	}
	if (locks && until + rule->lock_max_s < (int64_t)now) /* a long quiet: start over */
		locks = 0;
	if (++fails >= rule->max_fails) {
		*locked_s = lockout_period(rule, locks > 64 ? 64 : (int)locks);
		until = (int64_t)now + *locked_s;
		locks++;
		fails = 0;
		start = now;
	}
	if ((r = db_run(db, "INSERT INTO lockouts (key, fails, window_start, locked_until, locks,"
			    " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO UPDATE SET"
			    " fails = ?2, window_start = ?3, locked_until = ?4, locks = ?5, updated_at = ?6",
			DB_ARGS(DB_TEXT(key), DB_INT(fails), DB_INT(start), DB_INT(until), DB_INT(locks),
				DB_INT(now)))) < 0)
		return r;
	/* the table grows only here: forget what nobody has tried for long */
	if (fresh)
		r = db_run(db, "DELETE FROM lockouts WHERE updated_at < ? AND locked_until < ?",
			   DB_ARGS(DB_INT((int64_t)now - LOCKOUT_KEEP_S), DB_INT(now)));
	return r;
}

int lockout_clear(struct db *db, const char *key)
{
	return db_run(db, "DELETE FROM lockouts WHERE key = ?", DB_ARGS(DB_TEXT(key)));
}

int lockout_clear_prefix(struct db *db, const char *prefix, int *n)
{
	int r;

	/* substr, not LIKE: a prefix with '%' or '_' means itself */
	if ((r = db_run(db, "DELETE FROM lockouts WHERE substr(key, 1, length(?1)) = ?1",
			DB_ARGS(DB_TEXT(prefix)))) == 0)
		*n = db_changes(db);
	return r;
}
