/* officers.h - registered officers, their PINs, and who may do what.
 *
 * Officers and administrators are registered by `gatewayctl officer add`;
 * an officer's SMS command carries a PIN ("VIECMOI <pin> ..."). Only an
 * Argon2id hash of the PIN is stored (libsodium crypto_pwhash_str); the PIN
 * is never logged, never written to the audit table, and is masked in the
 * stored inbound message once the command has been handled (and in any
 * other message from an officer's number that carries it).
 *
 * Refusals are audited (action "officer_auth_fail"): an unregistered
 * number, a wrong PIN, a locked number. officers.max_pin_failures wrong
 * PINs in a row lock the number for officers.lockout_minutes, each further
 * lock in a row twice as long up to officers.lockout_max_minutes (audited
 * as "officer_locked", and told to the administrators by SMS); the right
 * PIN, a quiet day or `gatewayctl officer unlock` starts the count again.
 * An unregistered number that keeps trying gets the locked answer too,
 * counted from the audit table. New PINs have 6 to 8 digits; older 4- and
 * 5-digit ones keep working (officers.pin_short remembers them for
 * `gatewayctl officer list`).
 */
#ifndef GW_OFFICERS_H
#define GW_OFFICERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/pwhash.h"
#include "config/settings.h"

#define OFFICERS_PHONE_MAX 32
#define OFFICERS_NAME_MAX 128
#define OFFICERS_HASH_MAX PWHASH_MAX

struct officer {
	int64_t id;
	char phone[OFFICERS_PHONE_MAX];
	char name[OFFICERS_NAME_MAX];
	char role[8];                   /* "officer" or "admin" */
	char commune[OFFICERS_NAME_MAX];
	int failed_attempts;
	int64_t locked_until;           /* UTC seconds; 0 = not locked */
	int pin_locks;                  /* locks in a row: the next is 2^pin_locks as long */
};

/* How expensive the PIN hash is (common/pwhash.h): production uses the
 * interactive limits, tests pass OFFICERS_HASH_MIN. */
enum officers_hash_cost { OFFICERS_HASH_INTERACTIVE = 0, OFFICERS_HASH_MIN = 1 };

#define OFFICERS_NEW_PIN_MIN 6

/* 1 when pin is 4 to 8 digits: a PIN that may be checked. */
int officers_pin_valid(const char *pin);

/* 1 when pin is OFFICERS_NEW_PIN_MIN to 8 digits: a PIN that may be set. */
int officers_new_pin_valid(const char *pin);

/* Hash pin into out (size >= OFFICERS_HASH_MAX). */
int officers_hash_pin(const char *pin, enum officers_hash_cost cost, char *out, size_t outsz);

/* Register an officer (phone already normalised). GW_ERR_EXISTS when the
 * phone is registered, GW_ERR_INVAL for a bad role or a PIN that is not a
 * new PIN (officers_new_pin_valid). Audited as actor. Runs in the caller's
 * transaction if one is open. */
int officers_add(struct db *db, const char *phone, const char *name, const char *role,
		 const char *commune, const char *pin, enum officers_hash_cost cost,
		 const char *actor, time_t now);

/* Give a registered officer a new PIN (officers_new_pin_valid, else
 * GW_ERR_INVAL) and lift their SMS lock. GW_ERR_NOTFOUND if not
 * registered. Audited as actor, in the caller's transaction. */
int officers_set_pin(struct db *db, const char *phone, const char *pin, enum officers_hash_cost cost,
		     const char *actor, time_t now);

/* The web console's login counters of an account (lockout.h keys, written
 * by gateway/web/web_auth.c): the account from anywhere, and from one
 * address (PAIR <phone> "|" <address>). */
#define OFFICERS_WEB_KEY_ACCOUNT "web:acct:"
#define OFFICERS_WEB_KEY_PAIR "web:pair:"

/* Lift every lock of phone's account: the SMS PIN's and the web console's
 * (common/lockout.h keys of the account, from any address). *web gets how
 * many web counters went. GW_ERR_NOTFOUND if not registered. Audited. */
int officers_unlock(struct db *db, const char *phone, const char *actor, time_t now, int *web);

/* Remove a registration; the jobs it posted and the referrals it was told
 * about keep their history without it. GW_ERR_NOTFOUND if none. */
int officers_remove(struct db *db, const char *phone, const char *actor, time_t now);

int officers_find(struct db *db, const char *phone, struct officer *out);
int officers_get(struct db *db, int64_t id, struct officer *out);

/* The officer to tell about a job's applicants: the one who posted it
 * (while the offer lies in their commune, or they are an administrator:
 * scope.h), else one whose commune is among the job's places ("|tan
 * lap|song lo|", see jobs.h), else the first administrator.
 * GW_ERR_NOTFOUND if none. */
int officers_responsible(struct db *db, int64_t job_officer_id, const char *places,
			 struct officer *out);

enum officers_verdict {
	OFFICERS_OK = 0,
	OFFICERS_UNKNOWN,  /* not a registered number */
	OFFICERS_BAD_PIN,  /* wrong or missing PIN */
	OFFICERS_LOCKED,   /* too many wrong PINs: wait */
};

struct officers_check {
	enum officers_verdict verdict;
	int tries_left;        /* OFFICERS_BAD_PIN: before the lock */
	time_t locked_until;   /* OFFICERS_LOCKED */
	int locked_now;        /* OFFICERS_LOCKED: this failure started the lock */
	int lock_minutes;      /* ... of lock_minutes */
	struct officer officer;/* OFFICERS_OK */
};

/* Check phone and pin for command (for the audit row), record a failure
 * (counter, lock-out, audit) and reset the counter on success. Returns 0
 * with the verdict in out, or a negative error. */
int officers_check(struct db *db, const struct gw_settings *cfg, const char *phone,
		   const char *pin, const char *command, time_t now, struct officers_check *out);

struct handler_req;
struct handler_result;

/* At most this many lock-out alerts an hour (all kinds together), so a
 * flood of locks costs the administrators a few SMS, not a flood. */
#define OFFICERS_ALERTS_PER_HOUR 4

/* Tell every administrator with a phone about a lock-out (text, plain
 * unaccented Vietnamese): messages added to res (kind "warning"), audited
 * as "lockout_alert"; past OFFICERS_ALERTS_PER_HOUR in the last hour only
 * audited ("lockout_alert_held"). In the caller's transaction. */
int officers_alert_admins(struct db *db, const char *text, time_t now, struct handler_result *res);

/* For officer SMS commands: the PIN is the first word of rq->args. Masks
 * the PIN in the stored inbound message, checks it, and on refusal replies
 * with the reason and returns GW_ERR_AUTH (the caller returns 0 so the
 * audit row and the reply are committed). On success writes the officer
 * and where the text after the PIN starts in rq->args. */
int officers_authorize(const struct handler_req *rq, struct handler_result *res,
		       struct officer *out, const char **rest);

/* Where the text after the PIN starts in the original (unfolded) message:
 * just after the first run of digits equal to pin. NULL if none. */
const char *officers_after_pin(const char *text, const char *pin);

/* The PIN an officer command carries: the first word of the folded
 * arguments (out: at least 16 bytes; "" when it is too long). */
void officers_pin_of(const char *args, char *out, size_t outsz);

/* Replace the first run of digits equal to pin in text by "****". */
int officers_mask_pin(const char *text, const char *pin, struct buf *out);

/* A message from a registered officer that is not an officer command (a
 * typo in the command word, a question) may still carry the PIN: each run
 * of 4-8 digits in it (at most OFFICERS_STRAY_TRIES) is checked against
 * the PIN's hash and, when it is the PIN, masked in the stored message.
 * Not an authentication attempt: nothing is audited or counted. */
struct handler_msg;
#define OFFICERS_STRAY_TRIES 4
int officers_forget_stray_pin(struct db *db, const struct handler_msg *msg);

#endif
