#include "handlers/features/officers.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/lockout.h"
#include "common/log.h"
#include "common/pwhash.h"
#include "handlers/core/handler_result.h"
#include "handlers/core/reply.h"
#include "handlers/core/request.h"
#include "handlers/features/jobs_filter.h"

/* A PIN is short by design (typed on a feature phone); Argon2id plus the
 * growing lock-out after a few failures is what makes guessing it
 * impractical: at 5 tries a lock, a 6-digit PIN takes years. PINs from
 * before the 6-digit rule (4 or 5 digits) keep working. */
#define OFFICERS_PIN_MIN 4
#define OFFICERS_PIN_MAX 8

static int digits(const char *pin, size_t min)
{
	size_t n = strlen(pin);

	if (n < min || n > OFFICERS_PIN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return 0;
	return 1;
}

int officers_pin_valid(const char *pin)
{
	return digits(pin, OFFICERS_PIN_MIN);
}

int officers_new_pin_valid(const char *pin)
{
	return digits(pin, OFFICERS_NEW_PIN_MIN);
}

int officers_hash_pin(const char *pin, enum officers_hash_cost cost, char *out, size_t outsz)
{
	if (!officers_pin_valid(pin))
		return GW_ERR_INVAL;
	return pwhash_make(pin, strlen(pin), cost == OFFICERS_HASH_MIN ? PWHASH_MIN : PWHASH_INTERACTIVE,
			   out, outsz);
}

int officers_add(struct db *db, const char *phone, const char *name, const char *role,
		 const char *commune, const char *pin, enum officers_hash_cost cost,
		 const char *actor, time_t now)
{
	char hash[OFFICERS_HASH_MAX];
	struct officer existing;
	struct buf detail;
	int r = GW_ERR_INVAL;

	hash[0] = '\0';
	buf_init(&detail, 512);
	if ((strcmp(role, "officer") != 0 && strcmp(role, "admin") != 0) || !*name)
		goto out;
	/* asked first, so a taken number costs no PIN hash */
	if ((r = officers_find(db, phone, &existing)) != GW_ERR_NOTFOUND) {
		r = r < 0 ? r : GW_ERR_EXISTS;
		goto out;
	}
	r = GW_ERR_INVAL;
	if (!officers_new_pin_valid(pin) || (r = officers_hash_pin(pin, cost, hash, sizeof(hash))) < 0)
		goto out;
	if ((r = db_run(db, "INSERT INTO officers (phone, name, role, commune, pin_hash, pin_short,"
			    " created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
			DB_ARGS(DB_TEXT(phone), DB_TEXT(name), DB_TEXT(role),
				DB_TEXT(commune ? commune : ""), DB_TEXT(hash), DB_INT(now)))) < 0)
		goto out;
	if ((r = buf_adds(&detail, role)) < 0 || (r = buf_adds(&detail, " ")) < 0 ||
	    (r = buf_adds(&detail, name)) < 0)
		goto out;
	r = audit_write(db, now, actor, "officer_add", phone, detail.data);
out:
	sodium_memzero(hash, sizeof(hash));
	buf_release(&detail);
	return r;
}

static int set_attempts(struct db *db, const struct officer *o)
{
	return db_run(db, "UPDATE officers SET failed_attempts = ?, locked_until = ?, pin_locks = ?"
			  " WHERE id = ?", DB_ARGS(DB_INT(o->failed_attempts), DB_INT(o->locked_until),
						   DB_INT(o->pin_locks), DB_INT(o->id)));
}

int officers_set_pin(struct db *db, const char *phone, const char *pin, enum officers_hash_cost cost,
		     const char *actor, time_t now)
{
	char hash[OFFICERS_HASH_MAX];
	struct officer o;
	int r = GW_ERR_INVAL;

	hash[0] = '\0';
	if (!officers_new_pin_valid(pin))
		goto out;
	if ((r = officers_find(db, phone, &o)) < 0 || (r = officers_hash_pin(pin, cost, hash, sizeof(hash))) < 0)
		goto out;
	if ((r = db_run(db, "UPDATE officers SET pin_hash = ?, pin_short = 0, failed_attempts = 0,"
			    " locked_until = 0, pin_locks = 0 WHERE id = ?",
			DB_ARGS(DB_TEXT(hash), DB_INT(o.id)))) < 0)
		goto out;
	r = audit_write(db, now, actor, "officer_pin", phone, "new SMS PIN set; SMS lock lifted");
out:
	sodium_memzero(hash, sizeof(hash));
	return r;
}

int officers_unlock(struct db *db, const char *phone, const char *actor, time_t now, int *web)
{
	struct officer o;
	struct buf prefix, detail;
	int n = 0, m = 0, r;

	buf_init(&prefix, 128);
	buf_init(&detail, 128);
	if ((r = officers_find(db, phone, &o)) < 0)
		goto out;
	o.failed_attempts = 0;
	o.locked_until = 0;
	o.pin_locks = 0;
	/* the web keys (web_auth.h): the account, and the account from each address */
	if ((r = set_attempts(db, &o)) < 0 || (r = buf_addf(&prefix, OFFICERS_WEB_KEY_ACCOUNT "%s", phone)) < 0 ||
	    (r = lockout_clear(db, prefix.data)) < 0)
		goto out;
	n = db_changes(db);
	buf_reset(&prefix);
	if ((r = buf_addf(&prefix, OFFICERS_WEB_KEY_PAIR "%s|", phone)) < 0 ||
	    (r = lockout_clear_prefix(db, prefix.data, &m)) < 0 ||
	    (r = buf_addf(&detail, "SMS PIN lock lifted; %d web login counter(s) cleared", n + m)) < 0 ||
	    (r = audit_write(db, now, actor, "officer_unlock", phone, detail.data)) < 0)
		goto out;
	*web = n + m;
out:
	buf_release(&prefix);
	buf_release(&detail);
	return r;
}

int officers_alert_admins(struct db *db, const char *text, time_t now, struct handler_result *res)
{
	sqlite3_stmt *st;
	int64_t sent = 0;
	int r;

	if ((r = db_row(db, "SELECT count(*) FROM audit WHERE action = 'lockout_alert' AND at > ?",
			DB_ARGS(DB_INT((int64_t)now - 3600)), &st)) < 0)
		return r;
	sent = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (sent >= OFFICERS_ALERTS_PER_HOUR)
		return audit_write(db, now, "gatewayd", "lockout_alert_held", "", text);
	if ((r = db_rows(db, "SELECT phone FROM officers WHERE role = 'admin' AND phone <> '' ORDER BY id",
			 NULL, &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW && res->nout < HANDLER_MAX_OUT)
		if ((r = handler_result_add(res, db_col_text(st, 0), text, "warning", HANDLER_PRIO_NOTIFY)) < 0)
			break;
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return audit_write(db, now, "gatewayd", "lockout_alert", "", text);
}

int officers_remove(struct db *db, const char *phone, const char *actor, time_t now)
{
	struct officer o;
	int r;

	if ((r = officers_find(db, phone, &o)) < 0 ||
	    /* jobs.officer_id has no ON DELETE action: detach the history first */
	    (r = db_run(db, "UPDATE jobs SET officer_id = NULL WHERE officer_id = ?",
			DB_ARGS(DB_INT(o.id)))) < 0 ||
	    (r = db_run(db, "DELETE FROM officers WHERE id = ?", DB_ARGS(DB_INT(o.id)))) < 0)
		goto out;
	r = audit_write(db, now, actor, "officer_remove", phone, o.name);
out:
	return r;
}

static int read_officer(sqlite3_stmt *st, struct officer *out)
{
	struct officer o;

	memset(&o, 0, sizeof(o));
	o.id = sqlite3_column_int64(st, 0);
	if (gw_strlcpy(o.phone, db_col_text(st, 1), sizeof(o.phone)) < 0 ||
	    gw_strlcpy(o.name, db_col_text(st, 2), sizeof(o.name)) < 0 ||
	    gw_strlcpy(o.role, db_col_text(st, 3), sizeof(o.role)) < 0 ||
	    gw_strlcpy(o.commune, db_col_text(st, 4), sizeof(o.commune)) < 0)
		return GW_ERR_TOOBIG;
	o.failed_attempts = sqlite3_column_int(st, 5);
	o.locked_until = sqlite3_column_int64(st, 6);
	o.pin_locks = sqlite3_column_int(st, 7);
	*out = o;
	return 0;
}

#define OFFICER_COLS "id, phone, name, role, commune, failed_attempts, locked_until, pin_locks"

int officers_find(struct db *db, const char *phone, struct officer *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT " OFFICER_COLS " FROM officers WHERE phone = ?",
			DB_ARGS(DB_TEXT(phone)), &st)) < 0)
		return r;
	r = read_officer(st, out);
	sqlite3_reset(st);
	return r;
}

int officers_get(struct db *db, int64_t id, struct officer *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT " OFFICER_COLS " FROM officers WHERE id = ?", DB_ARGS(DB_INT(id)),
			&st)) < 0)
		return r;
	r = read_officer(st, out);
	sqlite3_reset(st);
	return r;
}

/* *here = 1 when o's commune is among places ("|tan lap|song lo|"); key is
 * scratch. */
static int officer_of(const struct officer *o, const char *places, struct buf *key, int *here)
{
	int r = 0;

	*here = 0;
	buf_reset(key);
	if (*o->commune && places && (r = buf_addch(key, '|')) == 0 &&
	    (r = jobs_filter_place_key(o->commune, key)) == 0 && (r = buf_addch(key, '|')) == 0)
		*here = key->len > 2 && strstr(places, key->data) != NULL;
	return r;
}

int officers_responsible(struct db *db, int64_t job_officer_id, const char *places,
			 struct officer *out)
{
	struct officer best, o;
	struct buf key;
	sqlite3_stmt *st;
	int best_rank = 0, here = 0, r;

	buf_init(&key, 512);
	memset(&best, 0, sizeof(best));
	/* the poster, while the offer lies in their commune (an offer placed
	 * elsewhere must not hand its applicants' numbers to them) */
	if (job_officer_id > 0 && (r = officers_get(db, job_officer_id, &o)) != GW_ERR_NOTFOUND) {
		if (r < 0 || (r = officer_of(&o, places, &key, &here)) < 0)
			goto out;
		if (here || strcmp(o.role, "admin") == 0) {
			*out = o;
			goto out;
		}
	}
	/* Officers are few: compare their communes folded, as the places are.
	 * Rank: an officer of the commune, an admin of it, any admin. */
	if ((r = db_prepare(db, "SELECT " OFFICER_COLS " FROM officers ORDER BY id", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		int admin, rank;

		if ((r = read_officer(st, &o)) < 0)
			break;
		if ((r = officer_of(&o, places, &key, &here)) < 0)
			break;
		admin = strcmp(o.role, "admin") == 0;
		rank = here ? (admin ? 2 : 3) : admin ? 1 : 0;
		if (rank > best_rank) {
			best = o;
			best_rank = rank;
		}
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	if (r < 0)
		goto out;
	r = GW_ERR_NOTFOUND;
	if (best_rank) {
		*out = best;
		r = 0;
	}
out:
	buf_release(&key);
	return r;
}

/* Wrong attempts from an unregistered number within the lock-out window. */
static int unknown_failures(struct db *db, const char *phone, time_t since, int *count)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT count(*) FROM audit WHERE actor = ? AND action = 'officer_auth_fail'"
			    " AND at > ?", DB_ARGS(DB_TEXT(phone), DB_INT(since)), &st)) < 0)
		return r;
	*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int pin_hash_of(struct db *db, int64_t id, char *out, size_t outsz)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT pin_hash FROM officers WHERE id = ?", DB_ARGS(DB_INT(id)), &st)) < 0)
		return r;
	r = gw_strlcpy(out, db_col_text(st, 0), outsz);
	sqlite3_reset(st);
	return r;
}

/* After the right PIN: the counters start again; a PIN shorter than new
 * ones may be is remembered for `gatewayctl officer list`. */
static int pin_ok(struct db *db, struct officer *o, const char *pin)
{
	int short_pin = !officers_new_pin_valid(pin), r = 0;

	if (o->failed_attempts || o->locked_until || o->pin_locks) {
		o->failed_attempts = 0;
		o->locked_until = 0;
		o->pin_locks = 0;
		r = set_attempts(db, o);
	}
	if (r == 0)
		r = db_run(db, "UPDATE officers SET pin_short = ?1 WHERE id = ?2 AND pin_short IS NOT ?1",
			   DB_ARGS(DB_INT(short_pin), DB_INT(o->id)));
	return r;
}

static int pin_matches(const char *hash, const char *pin)
{
	return officers_pin_valid(pin) && pwhash_check(hash, pin, strlen(pin));
}

int officers_check(struct db *db, const struct gw_settings *cfg, const char *phone,
		   const char *pin, const char *command, time_t now, struct officers_check *out)
{
	struct officers_check c;
	char hash[OFFICERS_HASH_MAX], detail[96];
	time_t window = (time_t)cfg->officers.lockout_minutes * 60;
	const struct lockout_rule rule = { cfg->officers.max_pin_failures, 0,
					   cfg->officers.lockout_minutes * 60,
					   cfg->officers.lockout_max_minutes * 60 };
	int max = cfg->officers.max_pin_failures, count = 0, r;

	memset(&c, 0, sizeof(c));
	hash[0] = '\0';
	r = officers_find(db, phone, &c.officer);
	if (r == GW_ERR_NOTFOUND) {
		if ((r = unknown_failures(db, phone, now - window, &count)) < 0)
			goto out;
		c.verdict = count + 1 >= max ? OFFICERS_LOCKED : OFFICERS_UNKNOWN;
		c.locked_until = now + window;
		snprintf(detail, sizeof(detail), "%s: unregistered number", command);
		r = audit_write(db, now, phone, "officer_auth_fail", phone, detail);
		goto out;
	}
	if (r < 0)
		goto out;
	if (c.officer.locked_until > now) {
		c.verdict = OFFICERS_LOCKED;
		c.locked_until = (time_t)c.officer.locked_until;
		snprintf(detail, sizeof(detail), "%s: number locked", command);
		r = audit_write(db, now, phone, "officer_auth_fail", phone, detail);
		goto out;
	}
	if ((r = pin_hash_of(db, c.officer.id, hash, sizeof(hash))) < 0)
		goto out;
	if (pin_matches(hash, pin)) {
		c.verdict = OFFICERS_OK;
		r = pin_ok(db, &c.officer, pin);
		goto out;
	}
	c.officer.failed_attempts++;
	snprintf(detail, sizeof(detail), "%s: wrong PIN (%d of %d)", command,
		 c.officer.failed_attempts, max);
	if ((r = audit_write(db, now, phone, "officer_auth_fail", phone, detail)) < 0)
		goto out;
	if (c.officer.failed_attempts >= max) {
		/* each lock in a row twice as long; a quiet day starts over */
		if (c.officer.pin_locks && c.officer.locked_until + rule.lock_max_s < (int64_t)now)
			c.officer.pin_locks = 0;
		c.lock_minutes = lockout_period(&rule, c.officer.pin_locks > 64 ? 64 : c.officer.pin_locks) / 60;
		c.verdict = OFFICERS_LOCKED;
		c.locked_now = 1;
		c.locked_until = now + (time_t)c.lock_minutes * 60;
		c.officer.failed_attempts = 0;
		c.officer.locked_until = (int64_t)c.locked_until;
		c.officer.pin_locks++;
		if ((r = set_attempts(db, &c.officer)) < 0)
			goto out;
		snprintf(detail, sizeof(detail), "%d wrong PINs: locked for %d min (lock %d in a row)", max,
			 c.lock_minutes, c.officer.pin_locks);
		log_notice("officer %s locked for %d min after %d wrong PINs", log_phone(phone),
			   c.lock_minutes, max);
		r = audit_write(db, now, phone, "officer_locked", phone, detail);
		goto out;
	}
	c.verdict = OFFICERS_BAD_PIN;
	c.tries_left = max - c.officer.failed_attempts;
	r = set_attempts(db, &c.officer);
out:
	sodium_memzero(hash, sizeof(hash));
	if (r == 0)
		*out = c;
	return r;
}

const char *officers_after_pin(const char *text, const char *pin)
{
	size_t n = strlen(pin);

	for (const char *p = text; *p;) {
		size_t run = 0;

		while (p[run] >= '0' && p[run] <= '9')
			run++;
		if (run == n && n && strncmp(p, pin, n) == 0)
			return p + run;
		p += run ? run : 1;
	}
	return NULL;
}

void officers_pin_of(const char *args, char *out, size_t outsz)
{
	size_t n = strcspn(args, " ");

	if (n >= outsz)
		n = 0;
	memcpy(out, args, n);
	out[n] = '\0';
}

int officers_mask_pin(const char *text, const char *pin, struct buf *out)
{
	size_t n = strlen(pin), i = 0;
	int done = 0, r = 0;

	while (text[i] && r == 0) {
		size_t run = 0;

		while (text[i + run] >= '0' && text[i + run] <= '9')
			run++;
		if (!run) {
			r = buf_addch(out, text[i]);
			i++;
			continue;
		}
		if (!done && n && run == n && strncmp(text + i, pin, n) == 0) {
			r = buf_adds(out, "****");
			done = 1;
		} else {
			r = buf_add(out, text + i, run);
		}
		i += run;
	}
	return r;
}

/* The stored inbound message (and its first part) without the PIN. The
 * handler does not know the inbox id: the row is the one being handled,
 * found by sender, arrival time and text (simulate has none: no-op). */
static int mask_stored(struct db *db, const struct handler_msg *msg, const char *pin)
{
	struct buf masked, part;
	sqlite3_stmt *st;
	int64_t id = 0, part_id = 0;
	int r;

	buf_init(&masked, 64 * 1024);
	buf_init(&part, 64 * 1024);
	if ((r = officers_mask_pin(msg->text, pin, &masked)) < 0)
		goto out;
	if ((r = db_row(db, "SELECT id FROM inbox WHERE sender = ? AND stored_at = ? AND text = ?"
			    " AND status = 'new' ORDER BY id DESC LIMIT 1",
			DB_ARGS(DB_TEXT(msg->phone), DB_INT(msg->at), DB_TEXT(msg->text)), &st)) < 0) {
		r = r == GW_ERR_NOTFOUND ? 0 : r;
		goto out;
	}
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((r = db_run(db, "UPDATE inbox SET text = ? WHERE id = ?",
			DB_ARGS(DB_TEXT(masked.data), DB_INT(id)))) < 0)
		goto out;
	if ((r = db_row(db, "SELECT id, text FROM inbox_parts WHERE inbox_id = ? ORDER BY seq LIMIT 1",
			DB_ARGS(DB_INT(id)), &st)) < 0) {
		r = r == GW_ERR_NOTFOUND ? 0 : r;
		goto out;
	}
	part_id = sqlite3_column_int64(st, 0);
	r = officers_mask_pin(db_col_text(st, 1), pin, &part);
	sqlite3_reset(st);
	if (r < 0)
		goto out;
	r = db_run(db, "UPDATE inbox_parts SET text = ? WHERE id = ?",
		   DB_ARGS(DB_TEXT(part.data), DB_INT(part_id)));
out:
	buf_release(&masked);
	buf_release(&part);
	return r;
}

int officers_forget_stray_pin(struct db *db, const struct handler_msg *msg)
{
	struct officer o;
	char hash[OFFICERS_HASH_MAX], pin[OFFICERS_PIN_MAX + 1];
	const char *t = msg->text;
	int tries = 0, r;

	hash[0] = '\0';
	r = officers_find(db, msg->phone, &o);
	if (r == GW_ERR_NOTFOUND) { /* a household: nothing to forget */
		r = 0;
		goto out;
	}
	if (r < 0 || (r = pin_hash_of(db, o.id, hash, sizeof(hash))) < 0)
		goto out;
	while (*t && tries < OFFICERS_STRAY_TRIES) {
		size_t run = 0;

		while (t[run] >= '0' && t[run] <= '9')
			run++;
		if (run >= OFFICERS_PIN_MIN && run <= OFFICERS_PIN_MAX) {
			memcpy(pin, t, run);
			pin[run] = '\0';
			tries++;
			if (pin_matches(hash, pin)) {
				r = mask_stored(db, msg, pin);
				break;
			}
		}
		t += run ? run : 1;
	}
out:
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(pin, sizeof(pin));
	return r;
}

static void office_hhmm(const struct gw_settings *cfg, time_t t, char *out, size_t outsz)
{
	time_t local = t + (time_t)cfg->office.utc_offset_min * 60;
	struct tm tm;

	gmtime_r(&local, &tm);
	snprintf(out, outsz, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

int officers_authorize(const struct handler_req *rq, struct handler_result *res,
		       struct officer *out, const char **rest)
{
	const char *p = rq->args;
	struct officers_check c;
	struct buf reply;
	char pin[16], hhmm[8];
	size_t n = 0;
	int r;

	buf_init(&reply, 512);
	officers_pin_of(p, pin, sizeof(pin));
	n = strcspn(p, " ");
	if ((r = mask_stored(rq->env->db, rq->msg, pin)) < 0)
		goto out;
	if ((r = officers_check(rq->env->db, rq->env->cfg, rq->msg->phone, pin, rq->route.command,
				rq->msg->at, &c)) < 0)
		goto out;
	switch (c.verdict) {
	case OFFICERS_OK:
		break;
	case OFFICERS_UNKNOWN:
		r = request_english(rq)
			? buf_addf(&reply, "Refused: this number is not a registered officer;"
				   " %s is not allowed.", rq->route.command)
			: buf_addf(&reply, "Tu choi: so nay chua dang ky can bo nen khong dung"
				   " duoc lenh %s. Lien he quan tri.", rq->route.command);
		break;
	case OFFICERS_BAD_PIN:
		r = request_english(rq)
			? buf_addf(&reply, "Wrong PIN. %d more tries before this number is locked.",
				   c.tries_left)
			: buf_addf(&reply, "Sai PIN. Con %d lan thu truoc khi so bi khoa.",
				   c.tries_left);
		break;
	case OFFICERS_LOCKED:
		office_hhmm(rq->env->cfg, c.locked_until, hhmm, sizeof(hhmm));
		r = request_english(rq)
			? buf_addf(&reply, "This number is locked after wrong PINs. Try again"
				   " after %s.", hhmm)
			: buf_addf(&reply, "So nay tam khoa do nhap sai PIN nhieu lan. Thu lai"
				   " sau %s.", hhmm);
		break;
	}
	if (r < 0)
		goto out;
	if (c.locked_now) {
		struct buf alert, plain;

		buf_init(&alert, 512);
		buf_init(&plain, 512);
		r = buf_addf(&alert, "Canh bao: so can bo %s (%s) bi khoa lenh SMS %d phut sau %d lan sai"
			     " PIN. Mo khoa: gatewayctl officer unlock %s", c.officer.phone, c.officer.name,
			     c.lock_minutes, rq->env->cfg->officers.max_pin_failures, c.officer.phone);
		if (r == 0 && (r = reply_unaccent(alert.data, &plain)) == 0)
			r = officers_alert_admins(rq->env->db, plain.data, rq->msg->at, res);
		buf_release(&alert);
		buf_release(&plain);
		if (r < 0)
			goto out;
	}
	if (c.verdict != OFFICERS_OK) {
		if ((r = handler_reply(res, rq->msg, reply.data)) == 0)
			r = GW_ERR_AUTH;
		goto out;
	}
	p += n;
	while (*p == ' ')
		p++;
	*out = c.officer;
	*rest = p;
	r = 0;
out:
	sodium_memzero(pin, sizeof(pin));
	buf_release(&reply);
	return r;
}
