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
 * Limits (common/lockout.h, counted in the database, so that neither a
 * restart nor a flood of other numbers resets them): WEB_LOGIN_MAX_FAILS
 * wrong logins for a number from one address within WEB_LOGIN_WINDOW_S
 * lock that number from that address; WEB_LOGIN_MAX_FAILS_ACCOUNT for a
 * number from any addresses lock the number; WEB_LOGIN_MAX_FAILS_ADDR from
 * an address (any numbers) lock the address. A lock lasts
 * WEB_LOGIN_LOCK_S, each further lock of the same key twice as long up to
 * WEB_LOGIN_LOCK_MAX_S; meanwhile attempts are refused without checking
 * the password (HTTP 429 with Retry-After). A guesser from one address
 * thus locks the officer out only from that address; an officer's own
 * login clears their counter from their address. Every lock is told to
 * the administrators by SMS (officers_alert_admins: a few an hour at
 * most), queued in the outbox; `gatewayctl officer unlock` lifts an
 * account's. Behind a reverse proxy the address is the last one of
 * X-Forwarded-For, believed only from web.trusted_proxy (web_server.c):
 * otherwise every login would count against the proxy's one address.
 * An unknown number costs the same hash check and counts the same as a
 * known one, so neither timing nor the locks tell which numbers exist.
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
#define WEB_LOGIN_MAX_FAILS_ACCOUNT 25
#define WEB_LOGIN_MAX_FAILS_ADDR 20
#define WEB_LOGIN_WINDOW_S (15 * 60)
#define WEB_LOGIN_LOCK_S (15 * 60)
#define WEB_LOGIN_LOCK_MAX_S (24 * 3600)


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
 * or password; GW_ERR_BUSY when locked (*retry_after seconds). Writes its
 * counters, audit rows and alerts in a transaction of its own, after the
 * slow hash. */
int web_auth_login(struct web_auth *a, struct db *db, const char *phone, const char *pw,
		   const char *address, time_t now, int64_t *officer_id, int *retry_after);

#endif
