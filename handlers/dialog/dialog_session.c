#include "handlers/dialog/dialog_session.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/log.h"

#define DIALOG_SESSION_STATE_MAX (32 * 1024) /* a stored state larger than this is dropped */

static const char *channel_name(int ussd)
{
	return ussd ? "ussd" : "sms";
}

int dialog_session_load(struct db *db, const char *phone, int ussd, time_t now, json_t **state,
			int *expired)
{
	sqlite3_stmt *st;
	json_t *s = NULL;
	int r, old = 0;

	if ((r = db_prepare(db, "SELECT state, expires_at FROM sessions WHERE phone = ? AND channel = ?",
			    &st)) < 0)
		goto out;
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, channel_name(ussd));
	if ((r = db_step(st)) < 0)
		goto out;
	if (r == DB_ROW) {
		const char *text = db_col_text(st, 0);

		old = sqlite3_column_int64(st, 1) <= (sqlite3_int64)now;
		if (strlen(text) <= DIALOG_SESSION_STATE_MAX)
			s = json_loads(text, 0, NULL);
		if (s && !json_is_array(json_object_get(s, "stack"))) {
			json_decref(s);
			s = NULL;
		}
		if (!s)
			log_warn("dialog: unreadable %s session state dropped", channel_name(ussd));
		sqlite3_reset(st);
	}
	*state = s;
	*expired = old;
	r = 0;
out:
	return r;
}

int dialog_session_drop(struct db *db, const char *phone, int ussd)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "DELETE FROM sessions WHERE phone = ? AND channel = ?", &st)) < 0)
		goto out;
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, channel_name(ussd));
	r = db_step(st);
out:
	return r < 0 ? r : 0;
}

int dialog_session_save(struct db *db, const char *phone, int ussd, json_t *state, time_t now,
			int timeout_s)
{
	sqlite3_stmt *st;
	char *text = NULL;
	int r = GW_ERR_NOMEM;

	if (!(text = json_dumps(state, JSON_COMPACT)))
		goto out;
	if (strlen(text) > DIALOG_SESSION_STATE_MAX) {
		r = GW_ERR_TOOBIG;
		goto out;
	}
	if ((r = db_prepare(db, "DELETE FROM sessions WHERE expires_at <= ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if ((r = db_step(st)) < 0)
		goto out;
	if ((r = db_prepare(db, "INSERT INTO sessions (phone, channel, state, updated_at, expires_at)"
				" VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone, channel) DO UPDATE SET"
				" state = excluded.state, updated_at = excluded.updated_at,"
				" expires_at = excluded.expires_at", &st)) < 0)
		goto out;
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, channel_name(ussd));
	db_bind_text(st, 3, text);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now + timeout_s);
	r = db_step(st);
out:
	free(text);
	return r < 0 ? r : 0;
}
