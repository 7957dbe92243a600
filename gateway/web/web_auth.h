/* web_auth.h - who may log in to the web console, and how often they may try.
 *
 * Accounts are the registered officers and administrators (officers.h);
 * `gatewayctl officer passwd PHONE` sets the web password, stored in
 * officers.web_hash as an Argon2id string from libsodium's crypto_pwhash
 * (interactive limits: about 64 MiB and 0.1 s a check; the cost is inside
 * the string, so verifying needs no parameter). An officer without a
 * password cannot log in. Setting a password ends every open session of
 * that officer.
 *
 * Rate limits, per phone number and per client address: after
 * WEB_LOGIN_MAX_FAILS wrong logins for a number (WEB_LOGIN_MAX_FAILS_ADDR
 * from an address) within WEB_LOGIN_WINDOW_S, further attempts are refused
 * without checking the password until the window has passed (HTTP 429 with
 * Retry-After). The counters live in memory (struct web_auth, owned by the
 * web thread): a restart forgets them, which costs an attacker a restart
 * of the daemon, not a shortcut. An unknown number costs the same hash
 * check as a known one, so timing does not tell which numbers exist.
 * Every login and every refusal is in the audit log.
 */
#ifndef GW_WEB_AUTH_H
#define GW_WEB_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/db.h"
#include "common/pwhash.h"

#define WEB_PASSWORD_MIN 8
#define WEB_PASSWORD_MAX 128
#define WEB_LOGIN_MAX_FAILS 5
#define WEB_LOGIN_MAX_FAILS_ADDR 20
#define WEB_LOGIN_WINDOW_S (15 * 60)


struct web_auth;

int web_auth_create(struct web_auth **out, enum pwhash_cost cost);
void web_auth_destroy(struct web_auth *a);

/* 1 when pw is WEB_PASSWORD_MIN..WEB_PASSWORD_MAX bytes of valid UTF-8
 * without control characters. */
int web_auth_password_ok(const char *pw);

/* Set the web password of the officer with this (normalised) phone, end
 * their sessions, audit it as actor: one transaction of its own, the slow
 * hash computed before it, so the write lock is held for milliseconds.
 * GW_ERR_NOTFOUND: not registered; GW_ERR_INVAL: the password is not
 * acceptable. */
int web_auth_set_password(struct db *db, const char *phone, const char *pw,
			  enum pwhash_cost cost, const char *actor);

/* Check a login. phone is as typed (normalised here), address the
 * client's. 0 with *officer_id on success; GW_ERR_AUTH for a wrong number
 * or password; GW_ERR_BUSY when rate-limited (*retry_after seconds). */
int web_auth_login(struct web_auth *a, struct db *db, const char *phone, const char *pw,
		   const char *address, time_t now, int64_t *officer_id, int *retry_after);

#endif
