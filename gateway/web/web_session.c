#include "gateway/web/web_session.h"

#include <sodium.h>
#include <string.h>

#include "common/gw_err.h"

#define TOKEN_BYTES 32

int web_token_new(char out[WEB_TOKEN_HEX + 1])
{
	unsigned char raw[TOKEN_BYTES];
	int r = GW_ERR_IO;

	if (sodium_init() < 0)
		goto out;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, WEB_TOKEN_HEX + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	r = 0;
out:
	return r;
}

int web_token_valid(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == WEB_TOKEN_HEX;
}

int web_token_equal(const char *a, const char *b)
{
	return web_token_valid(a) && web_token_valid(b) && sodium_memcmp(a, b, WEB_TOKEN_HEX) == 0;
}

/* What is stored: the BLAKE2b hash of the token, as hex. */
static void token_hash(const char *token, char out[WEB_TOKEN_HEX + 1])
{
	unsigned char h[TOKEN_BYTES];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, WEB_TOKEN_HEX + 1, h, sizeof(h));
}

int web_session_create(struct db *db, int64_t officer_id, const char *address, time_t now,
		       int minutes, char token[WEB_TOKEN_HEX + 1], char csrf[WEB_TOKEN_HEX + 1])
{
	char tok[WEB_TOKEN_HEX + 1], hash[WEB_TOKEN_HEX + 1], cs[WEB_TOKEN_HEX + 1];
	sqlite3_stmt *st;
	int r;

	if ((r = web_token_new(tok)) < 0 || (r = web_token_new(cs)) < 0)
		goto out;
	token_hash(tok, hash);
	if ((r = db_prepare(db, "DELETE FROM web_sessions WHERE expires_at <= ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if ((r = db_step(st)) < 0)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO web_sessions (token_hash, officer_id, csrf, address,"
				" created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)", &st)) < 0)
		goto out;
	db_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, officer_id);
	db_bind_text(st, 3, cs);
	db_bind_text(st, 4, address ? address : "");
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now + (sqlite3_int64)minutes * 60);
	if ((r = db_step(st)) < 0)
		goto out;
	memcpy(token, tok, sizeof(tok));
	memcpy(csrf, cs, sizeof(cs));
	r = 0;
out:
	sodium_memzero(tok, sizeof(tok));
	return r;
}

int web_session_lookup(struct db *db, const char *token, time_t now, int64_t *officer_id,
		       char csrf[WEB_TOKEN_HEX + 1])
{
	char hash[WEB_TOKEN_HEX + 1];
	sqlite3_stmt *st;
	int r = GW_ERR_NOTFOUND;

	if (!web_token_valid(token))
		goto out;
	token_hash(token, hash);
	if ((r = db_prepare(db, "SELECT officer_id, csrf FROM web_sessions"
				" WHERE token_hash = ? AND expires_at > ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	if ((r = gw_strlcpy(csrf, db_col_text(st, 1), WEB_TOKEN_HEX + 1)) < 0) {
		sqlite3_reset(st);
		goto out;
	}
	*officer_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

int web_session_delete(struct db *db, const char *token)
{
	char hash[WEB_TOKEN_HEX + 1];
	sqlite3_stmt *st;
	int r = 0;

	if (!web_token_valid(token))
		goto out;
	token_hash(token, hash);
	if ((r = db_prepare(db, "DELETE FROM web_sessions WHERE token_hash = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, hash);
	r = db_step(st);
	r = r < 0 ? r : 0;
out:
	return r;
}

int web_session_delete_officer(struct db *db, int64_t officer_id)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "DELETE FROM web_sessions WHERE officer_id = ?", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, officer_id);
	r = db_step(st);
	return r < 0 ? r : 0;
}

int web_cookie(struct buf *out, const char *name, const char *value, long max_age,
	       int http_only)
{
	/* No Secure attribute: the console is plain HTTP on loopback or the
	 * office LAN, where a Secure cookie would never be sent back. */
	return buf_addf(out, "%s=%s; Path=/; Max-Age=%ld; SameSite=Strict%s", name, value, max_age,
			http_only ? "; HttpOnly" : "");
}
