/* lockout.h - failed attempts counted in the database, with locks that
 * grow each time.
 *
 * A key names what is counted ("web:acct:+8491...", "web:addr:10.0.0.7").
 * rule.max_fails failures of a key within rule.window_s lock it for
 * rule.lock_s seconds; each further lock in a row doubles the period, up to
 * rule.lock_max_s. A key that has gone a whole lock_max_s since its last
 * lock ended starts again from lock_s. The counters are rows of the
 * lockouts table (docs/SCHEMA.md), so neither a restart nor a flood of
 * other keys resets them (there is no table to evict from); rows untouched
 * for LOCKOUT_KEEP_S that are not locked are deleted as new ones come.
 *
 * lockout_fail and lockout_clear write: run them in a transaction (the
 * caller's, with its audit rows).
 */
#ifndef GW_LOCKOUT_H
#define GW_LOCKOUT_H

#include <time.h>

#include "common/db.h"

#define LOCKOUT_KEEP_S (7 * 86400)

struct lockout_rule {
	int max_fails;  /* failures within window_s that lock */
	int window_s;
	int lock_s;     /* the first lock */
	int lock_max_s; /* the longest */
};

/* The period of the lock after `locks` earlier ones in a row:
 * lock_s * 2^locks, at most lock_max_s. */
int lockout_period(const struct lockout_rule *rule, int locks);

/* *wait_s = seconds until key may try again, 0 when it may now. */
int lockout_wait(struct db *db, const char *key, time_t now, int *wait_s) GW_WARN_UNUSED;

/* Count one failure of key. *locked_s = the period of the lock this
 * failure started, 0 when it started none. */
int lockout_fail(struct db *db, const char *key, const struct lockout_rule *rule, time_t now,
		 int *locked_s) GW_WARN_UNUSED;

/* Forget key: its failures, its lock and how many there were. */
int lockout_clear(struct db *db, const char *key) GW_WARN_UNUSED;

/* Forget every key that starts with prefix ("web:acct:+8491..." and the
 * pairs of that account): an administrator's unlock. *n gets how many. */
int lockout_clear_prefix(struct db *db, const char *prefix, int *n) GW_WARN_UNUSED;

#endif
