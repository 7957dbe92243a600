#include "gateway/daemon/route.h"

#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"

/* The windows of the same-text limits, in seconds. */
#define ROUTE_5MIN 300
#define ROUTE_HOUR 3600
#define ROUTE_DAY 86400

int route_view_load(struct db *db, const char *self, time_t now, time_t alive_now,
		    time_t day_start, struct route_view *v)
{
	sqlite3_stmt *st;
	int r;

	memset(v, 0, sizeof(*v));
	v->self = -1;
	v->now = now;
	v->day_start = day_start;
	if ((r = operators_load(db, &v->ops)) < 0 ||
	    (r = db_rows(db, "SELECT name, operators, same_text_per_5min, same_text_per_hour,"
			     " same_text_per_day, per_day FROM modem_status"
			     " WHERE enabled = 1 AND connected = 1 AND alive_until >= ?1"
			     " AND (hold = '' OR (hold = 'barred' AND hold_until <= ?1))"
			     " ORDER BY name", DB_ARGS(DB_INT(alive_now)), &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW && v->n < SETTINGS_MODEMS_MAX) {
		struct route_modem *m = &v->m[v->n];

		if (gw_strlcpy(m->name, db_col_text(st, 0), sizeof(m->name)) < 0 ||
		    gw_strlcpy(m->operators, db_col_text(st, 1), sizeof(m->operators)) < 0)
			continue;
		m->same_5min = sqlite3_column_int(st, 2);
		m->same_hour = sqlite3_column_int(st, 3);
		m->same_day = sqlite3_column_int(st, 4);
		m->per_day = sqlite3_column_int(st, 5);
		if (strcmp(m->name, self) == 0)
			v->self = v->n;
		v->n++;
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	return r < 0 ? r : 0;
}

/* The window [now - span, now] holds count >= limit claims, the oldest at
 * oldest: it frees a place at oldest + span. */
static void window(int limit, int count, time_t oldest, int span, time_t *free_at)
{
	time_t t = oldest + span + 1;

	if (limit > 0 && count >= limit && t > *free_at)
		*free_at = t;
}

int route_limits(struct db *db, const struct route_modem *m, int64_t hash, time_t now,
		 time_t day_start, time_t *free_at)
{
	sqlite3_stmt *st;
	time_t t = 0;
	int r;

	if (m->same_5min > 0 || m->same_hour > 0 || m->same_day > 0) {
		if ((r = db_row(db, "SELECT count(*) FILTER (WHERE claimed_at > ?3 - 300),"
				    " min(claimed_at) FILTER (WHERE claimed_at > ?3 - 300),"
				    " count(*) FILTER (WHERE claimed_at > ?3 - 3600),"
				    " min(claimed_at) FILTER (WHERE claimed_at > ?3 - 3600),"
				    " count(*), min(claimed_at) FROM outbox"
				    " WHERE modem = ?1 AND text_hash = ?2 AND claimed_at > ?3 - 86400"
				    " AND status IN ('sending', 'sent', 'sent_unknown')",
				DB_ARGS(DB_TEXT(m->name), DB_INT(hash), DB_INT(now)), &st)) < 0)
			return r;
		window(m->same_5min, sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1), ROUTE_5MIN, &t);
		window(m->same_hour, sqlite3_column_int(st, 2), sqlite3_column_int64(st, 3), ROUTE_HOUR, &t);
		window(m->same_day, sqlite3_column_int(st, 4), sqlite3_column_int64(st, 5), ROUTE_DAY, &t);
		sqlite3_reset(st);
	}
	if (m->per_day > 0) {
		if ((r = db_row(db, "SELECT count(*) FROM outbox WHERE modem = ? AND claimed_at >= ?"
				    " AND status IN ('sending', 'sent', 'sent_unknown')",
				DB_ARGS(DB_TEXT(m->name), DB_INT(day_start)), &st)) < 0)
			return r;
		if (sqlite3_column_int(st, 0) >= m->per_day && day_start + ROUTE_DAY > t)
			t = day_start + ROUTE_DAY;
		sqlite3_reset(st);
	}
	*free_at = t;
	return 0;
}

/* Modem i's limits for the text of hash, remembered for this pass. */
static int free_at(struct db *db, struct route_view *v, int i, int64_t hash, time_t *out)
{
	int k, r;

	for (k = 0; k < v->nmemo; k++)
		if (v->memo[k].hash == hash)
			break;
	if (k == v->nmemo) {
		k = v->nmemo < ROUTE_MEMO ? v->nmemo++ : v->next_memo++ % ROUTE_MEMO;
		v->memo[k].hash = hash;
		v->memo[k].known = 0;
	}
	if (!(v->memo[k].known & (1u << i))) {
		if ((r = route_limits(db, &v->m[i], hash, v->now, v->day_start,
				      &v->memo[k].free_at[i])) < 0)
			return r;
		v->memo[k].known |= 1u << i;
	}
	*out = v->memo[k].free_at[i];
	return 0;
}

/* Over every limit, but it must not wait: the operator's modem if one may
 * send, else any (the first to claim it). */
static enum route_decision by_preference(const struct route_view *v, const char *op)
{
	int pref = 0;

	for (int i = 0; i < v->n && *op; i++)
		if (settings_operator_listed(v->m[i].operators, op)) {
			if (i == v->self)
				return ROUTE_MINE;
			pref = 1;
		}
	return pref ? ROUTE_OTHER : ROUTE_MINE;
}

int route_decide(struct db *db, struct route_view *v, const char *phone, int64_t hash,
		 int may_wait, enum route_decision *decision, time_t *until)
{
	const char *op = operators_find(&v->ops, phone);
	time_t t, first = 0;
	int pass, r;

	if (v->self < 0)
		return GW_ERR_INVAL;
	/* pass 0: the modems of the recipient's operator; pass 1: any modem */
	for (pass = 0; pass < 2; pass++) {
		int allowed = 0, self_allowed = 0;

		for (int i = 0; i < v->n; i++) {
			if (pass == 0 && (!*op || !settings_operator_listed(v->m[i].operators, op)))
				continue;
			if ((r = free_at(db, v, i, hash, &t)) < 0)
				return r;
			if (t == 0) {
				allowed = 1;
				self_allowed |= i == v->self;
			} else if (!first || t < first) {
				first = t;
			}
		}
		if (allowed) {
			*decision = self_allowed ? ROUTE_MINE : ROUTE_OTHER;
			return 0;
		}
	}
	if (!may_wait) {
		*decision = by_preference(v, op);
		return 0;
	}
	*decision = ROUTE_WAIT;
	*until = first;
	return 0;
}
