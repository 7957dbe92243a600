/* web_session.h - web console logins: session cookies and CSRF tokens.
 *
 * A session is a random 256-bit token in the cookie gw_session (HttpOnly,
 * SameSite=Strict, Path=/, Max-Age = web.session_minutes). The database
 * (web_sessions) keeps only a hash of it (BLAKE2b), so a copy of the
 * database or a backup opens no session. A login always creates a new
 * token and deletes the one the browser had (rotation: a token planted
 * before login is useless after it). Sessions end at their expiry (an
 * absolute lifetime counted from the login), at logout, when the officer's
 * password changes, and when the officer is removed (ON DELETE CASCADE).
 *
 * Each session has its own CSRF token, written into every form and checked
 * on every POST (web_server.c). Before login the login form's token is the
 * double-submit cookie gw_pre.
 */
#ifndef GW_WEB_SESSION_H
#define GW_WEB_SESSION_H

#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "gateway/web/web_request.h"

#define WEB_SESSION_COOKIE "gw_session"
#define WEB_PRE_COOKIE "gw_pre"
#define WEB_LANG_COOKIE "gw_lang"

/* A new random token: 64 lower-case hex characters. */
int web_token_new(char out[WEB_TOKEN_HEX + 1]);
/* Equal tokens, compared in constant time; NULL or a wrong length is 0. */
int web_token_equal(const char *a, const char *b);
/* 1 when s looks like a token (64 hex characters). */
int web_token_valid(const char *s);

/* Start a session for officer_id; writes the new cookie token and CSRF
 * token. Expired sessions of everyone are swept at the same time. */
int web_session_create(struct db *db, int64_t officer_id, const char *address, time_t now,
		       int minutes, char token[WEB_TOKEN_HEX + 1], char csrf[WEB_TOKEN_HEX + 1]);

/* The officer and CSRF token of a live session; GW_ERR_NOTFOUND when the
 * token is unknown or expired. */
int web_session_lookup(struct db *db, const char *token, time_t now, int64_t *officer_id,
		       char csrf[WEB_TOKEN_HEX + 1]);

/* End the session of token (nothing when there is none). */
int web_session_delete(struct db *db, const char *token);
/* End every session of an officer (password changed). */
int web_session_delete_officer(struct db *db, int64_t officer_id);

/* Set-Cookie value for name=value with our attributes; max_age 0 deletes. */
int web_cookie(struct buf *out, const char *name, const char *value, long max_age,
	       int http_only);

#endif
