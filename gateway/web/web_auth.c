#include "gateway/web/web_auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/web/web_session.h"
#include "handlers/core/contacts.h"
#include "handlers/vi/textfold.h"

#define LIMIT_SLOTS 256
#define LIMIT_KEY_MAX 80

struct limit_slot {
	char key[LIMIT_KEY_MAX]; /* "p:+8490..." or "a:127.0.0.1"; "" = free */
	time_t first;            /* start of the window */
	int fails;
};

struct web_auth {
	enum pwhash_cost cost;
	char dummy[PWHASH_MAX]; /* checked for unknown numbers; "" until first needed */
	struct limit_slot slots[LIMIT_SLOTS];
};

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

/* The slot of key, or a free/stale one taken for it (the oldest when all
 * are in use); NULL only when create is 0 and there is none. */
static struct limit_slot *slot_for(struct web_auth *a, const char *key, time_t now, int create)
{
	struct limit_slot *oldest = &a->slots[0];

	for (size_t i = 0; i < LIMIT_SLOTS; i++) {
		struct limit_slot *s = &a->slots[i];

		if (*s->key && now - s->first >= WEB_LOGIN_WINDOW_S)
			s->key[0] = '\0'; /* the window has passed: forget */
		if (*s->key && strcmp(s->key, key) == 0)
			return s;
		if (!*s->key || (*oldest->key && s->first < oldest->first))
			oldest = s;
	}
	if (!create)
		return NULL;
	if (gw_strlcpy(oldest->key, key, sizeof(oldest->key)) < 0)
		oldest->key[0] = '\0';
	oldest->first = now;
	oldest->fails = 0;
	return oldest;
}

static int limit_key(char *out, size_t outsz, char kind, const char *what)
{
	struct buf b;
	int r;

	buf_init(&b, outsz - 1);
	if ((r = buf_addf(&b, "%c:%s", kind, what)) == 0)
		r = gw_strlcpy(out, b.data, outsz);
	buf_release(&b);
	return r;
}

/* Seconds until key may try again, 0 when it may now. */
static int limited(struct web_auth *a, const char *key, int max, time_t now)
{
	struct limit_slot *s = slot_for(a, key, now, 0);

	if (!s || s->fails < max)
		return 0;
	return (int)(s->first + WEB_LOGIN_WINDOW_S - now) > 0 ? (int)(s->first + WEB_LOGIN_WINDOW_S - now)
							       : 1;
}

static void count_failure(struct web_auth *a, const char *key, time_t now)
{
	struct limit_slot *s = slot_for(a, key, now, 1);

	if (s && *s->key)
		s->fails++;
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

int web_auth_login(struct web_auth *a, struct db *db, const char *phone_in, const char *pw,
		   const char *address, time_t now, int64_t *officer_id, int *retry_after)
{
	char phone[32], hash[PWHASH_MAX], pkey[LIMIT_KEY_MAX], akey[LIMIT_KEY_MAX];
	int64_t id = 0;
	int wait, known, r;

	hash[0] = '\0';
	if (contacts_normalize_phone(phone_in ? phone_in : "", phone, sizeof(phone)) < 0)
		gw_strlcpy(phone, "?", sizeof(phone));
	if ((r = limit_key(pkey, sizeof(pkey), 'p', phone)) < 0 ||
	    (r = limit_key(akey, sizeof(akey), 'a', address)) < 0)
		goto out;
	wait = limited(a, pkey, WEB_LOGIN_MAX_FAILS, now);
	if (!wait)
		wait = limited(a, akey, WEB_LOGIN_MAX_FAILS_ADDR, now);
	if (wait) {
		audit_login(db, phone, address, "web_login_limited", "too many wrong logins");
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
		count_failure(a, pkey, now);
		count_failure(a, akey, now);
		audit_login(db, phone, address, "web_login_fail",
			    known ? "wrong password" : "no such account or no web password");
		r = GW_ERR_AUTH;
		goto out;
	}
	{
		struct limit_slot *s = slot_for(a, pkey, now, 0);

		if (s)
			s->key[0] = '\0';
	}
	audit_login(db, phone, address, "web_login", NULL);
	*officer_id = id;
	r = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	return r;
}
