#include "gateway/web/web_auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/gw_err.h"
#include "common/lockout.h"
#include "gateway/outbox.h"
#include "gateway/web/web_session.h"
#include "handlers/core/contacts.h"
#include "handlers/core/reply.h"
#include "handlers/features/officers.h"
#include "handlers/vi/textfold.h"

#define LIMIT_KEY_MAX 160

struct web_auth {
	enum pwhash_cost cost;
	char dummy[PWHASH_MAX]; /* checked for unknown numbers; "" until first needed */
};

/* What is counted (common/lockout.h keys; officers_unlock clears the first
 * two of an account): the number from one address, the number from
 * anywhere, the address. */
enum { KEY_PAIR, KEY_ACCOUNT, KEY_ADDR, KEYS };

static const struct lockout_rule rules[KEYS] = {
	[KEY_PAIR] = { WEB_LOGIN_MAX_FAILS, WEB_LOGIN_WINDOW_S, WEB_LOGIN_LOCK_S, WEB_LOGIN_LOCK_MAX_S },
	[KEY_ACCOUNT] = { WEB_LOGIN_MAX_FAILS_ACCOUNT, WEB_LOGIN_WINDOW_S, WEB_LOGIN_LOCK_S,
			  WEB_LOGIN_LOCK_MAX_S },
	[KEY_ADDR] = { WEB_LOGIN_MAX_FAILS_ADDR, WEB_LOGIN_WINDOW_S, WEB_LOGIN_LOCK_S, WEB_LOGIN_LOCK_MAX_S },
};

static const char *const key_what[KEYS] = { "number from this address", "number", "address" };

int web_auth_create(struct web_auth **out, enum pwhash_cost cost)
{
	struct web_auth *a = calloc(1, sizeof(*a));
	int r = GW_ERR_NOMEM;

	if (!a)
		goto out;
	r = GW_ERR_IO;
	if (sodium_init() < 0)
		goto out;
	a->cost = cost;
	*out = a;
	a = NULL;
	r = 0;
out:
	free(a);
	return r;
}

void web_auth_destroy(struct web_auth *a)
{
	free(a);
}

int web_auth_password_ok(const char *pw)
{
	size_t n = pw ? strlen(pw) : 0;

	if (n < WEB_PASSWORD_MIN || n > WEB_PASSWORD_MAX || !textfold_utf8_valid(pw, n))
		return 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int web_auth_set_password(struct db *db, const char *phone, const char *pw,
			  enum pwhash_cost cost, const char *actor)
{
	char hash[PWHASH_MAX];
	sqlite3_stmt *st;
	int64_t id;
	int r = GW_ERR_INVAL;

	hash[0] = '\0';
	if (!web_auth_password_ok(pw))
		goto out;
	if ((r = pwhash_make(pw, strlen(pw), cost, hash, sizeof(hash))) < 0 || (r = db_begin(db)) < 0)
		goto out;
	if ((r = db_prepare(db, "SELECT id FROM officers WHERE phone = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, phone);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((r = db_prepare(db, "UPDATE officers SET web_hash = ? WHERE id = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, id);
	if ((r = db_step(st)) < 0 || (r = web_session_delete_officer(db, id)) < 0 ||
	    (r = audit_write(db, time(NULL), actor, "officer_passwd", phone, "web password set; sessions ended")) < 0)
		goto out;
	r = db_commit(db);
out:
	db_rollback(db);
	sodium_memzero(hash, sizeof(hash));
	return r;
}

/* The officer's id and hash; GW_ERR_NOTFOUND without a password. */
static int find_account(struct db *db, const char *phone, int64_t *id, char *hash, size_t hashsz)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT id, web_hash FROM officers WHERE phone = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_NOTFOUND;
	*id = sqlite3_column_int64(st, 0);
	r = gw_strlcpy(hash, db_col_text(st, 1), hashsz);
	sqlite3_reset(st);
	if (r == 0 && !*hash)
		r = GW_ERR_NOTFOUND;
	return r;
}

static void audit_login(struct db *db, const char *phone, const char *address, const char *action,
			const char *why)
{
	struct buf actor, detail;

	buf_init(&actor, 128);
	buf_init(&detail, 256);
	if (buf_addf(&actor, "web:%s", phone) == 0 &&
	    buf_addf(&detail, "from %s%s%s", address, why ? ": " : "", why ? why : "") == 0)
		audit_write(db, time(NULL), actor.data, action, phone, detail.data);
	buf_release(&actor);
	buf_release(&detail);
}

static int make_keys(const char *phone, const char *address, char keys[KEYS][LIMIT_KEY_MAX])
{
	struct buf b;
	int r = 0;

	buf_init(&b, LIMIT_KEY_MAX - 1);
	for (int k = 0; k < KEYS && r == 0; k++) {
		buf_reset(&b);
		if (k == KEY_PAIR)
			r = buf_addf(&b, OFFICERS_WEB_KEY_PAIR "%s|%s", phone, address);
		else if (k == KEY_ACCOUNT)
			r = buf_addf(&b, OFFICERS_WEB_KEY_ACCOUNT "%s", phone);
		else
			r = buf_addf(&b, "web:addr:%s", address);
		if (r == 0)
			r = gw_strlcpy(keys[k], b.data, LIMIT_KEY_MAX);
	}
	buf_release(&b);
	return r;
}

/* Seconds until the longest lock of the keys ends, 0 when none holds. */
static int longest_wait(struct db *db, char keys[KEYS][LIMIT_KEY_MAX], time_t now, int *wait)
{
	int r = 0;

	*wait = 0;
	for (int k = 0; k < KEYS && r == 0; k++) {
		int w = 0;

		if ((r = lockout_wait(db, keys[k], now, &w)) == 0 && w > *wait)
			*wait = w;
	}
	return r;
}

/* A wrong login: count it on every key, and for each lock it starts, an
 * audit row and an alert to the administrators (queued in the outbox). One
 * transaction. */
static int count_failure(struct db *db, char keys[KEYS][LIMIT_KEY_MAX], const char *phone,
			 const char *address, const char *why, time_t now)
{
	struct handler_result res;
	struct buf text, plain;
	int locked[KEYS], r;

	handler_result_init(&res);
	buf_init(&text, 512);
	buf_init(&plain, 512);
	if ((r = db_begin(db)) < 0)
		goto out;
	audit_login(db, phone, address, "web_login_fail", why);
	for (int k = 0; k < KEYS; k++) {
		if ((r = lockout_fail(db, keys[k], &rules[k], now, &locked[k])) < 0)
			goto out;
		if (!locked[k])
			continue;
		buf_reset(&text);
		if ((r = buf_addf(&text, "%s locked for %d min", key_what[k], locked[k] / 60)) < 0)
			goto out;
		audit_login(db, phone, address, "web_login_locked", text.data);
		buf_reset(&text);
		buf_reset(&plain);
		if ((r = buf_addf(&text, "Canh bao: dang nhap web bi khoa %d phut (%s): so %s, dia chi %s, sau"
				  " %d lan sai. Mo khoa: gatewayctl officer unlock %s", locked[k] / 60,
				  k == KEY_ADDR ? "dia chi" : k == KEY_PAIR ? "so tu dia chi nay" : "so",
				  phone, address, rules[k].max_fails, phone)) < 0 ||
		    (r = reply_unaccent(text.data, &plain)) < 0 ||
		    (r = officers_alert_admins(db, plain.data, now, &res)) < 0)
			goto out;
	}
	if ((r = outbox_queue(db, &res, 0, now)) < 0)
		goto out;
	r = db_commit(db);
out:
	db_rollback(db);
	handler_result_release(&res);
	buf_release(&text);
	buf_release(&plain);
	return r;
}

int web_auth_login(struct web_auth *a, struct db *db, const char *phone_in, const char *pw,
		   const char *address, time_t now, int64_t *officer_id, int *retry_after)
{
	char phone[32], hash[PWHASH_MAX], keys[KEYS][LIMIT_KEY_MAX];
	int64_t id = 0;
	int wait = 0, known, r;

	hash[0] = '\0';
	if (contacts_normalize_phone(phone_in ? phone_in : "", phone, sizeof(phone)) < 0)
		gw_strlcpy(phone, "?", sizeof(phone));
	if ((r = make_keys(phone, address, keys)) < 0 || (r = longest_wait(db, keys, now, &wait)) < 0)
		goto out;
	if (wait) {
		audit_login(db, phone, address, "web_login_limited", "locked after wrong logins");
		*retry_after = wait;
		r = GW_ERR_BUSY;
		goto out;
	}
	r = find_account(db, phone, &id, hash, sizeof(hash));
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	known = r == 0;
	if (!known) {
		/* the same work as a real check, against a hash of nothing */
		if (!a->dummy[0] && (r = pwhash_make("-", 1, a->cost, a->dummy, sizeof(a->dummy))) < 0)
			goto out;
		gw_strlcpy(hash, a->dummy, sizeof(hash));
	}
	if (!pwhash_check(hash, pw ? pw : "", pw ? strlen(pw) : 0) || !known) {
		if ((r = count_failure(db, keys, phone, address, known ? "wrong password"
					: "no such account or no web password", now)) == 0)
			r = GW_ERR_AUTH;
		goto out;
	}
	/* their own address is theirs again; the account's count stands, so a
	 * guesser elsewhere is not helped by the officer logging in */
	if ((r = lockout_clear(db, keys[KEY_PAIR])) < 0)
		goto out;
	audit_login(db, phone, address, "web_login", NULL);
	*officer_id = id;
	r = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	return r;
}
