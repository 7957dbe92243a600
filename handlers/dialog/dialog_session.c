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

	if ((r = db_row(db, "SELECT state, expires_at FROM sessions WHERE phone = ? AND channel = ?",
			DB_ARGS(DB_TEXT(phone), DB_TEXT(channel_name(ussd))), &st)) < 0 &&
	    r != GW_ERR_NOTFOUND)
		goto out;
	if (r == 0) {
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
	return db_run(db, "DELETE FROM sessions WHERE phone = ? AND channel = ?",
		      DB_ARGS(DB_TEXT(phone), DB_TEXT(channel_name(ussd))));
}

int dialog_session_save(struct db *db, const char *phone, int ussd, json_t *state, time_t now,
			int timeout_s)
{
	char *text = NULL;
	int r = GW_ERR_NOMEM;

	if (!(text = json_dumps(state, JSON_COMPACT)))
		goto out;
	if (strlen(text) > DIALOG_SESSION_STATE_MAX) {
		r = GW_ERR_TOOBIG;
		goto out;
	}
	if ((r = db_run(db, "DELETE FROM sessions WHERE expires_at <= ?", DB_ARGS(DB_INT(now)))) < 0)
		goto out;
	r = db_run(db, "INSERT INTO sessions (phone, channel, state, updated_at, expires_at)"
		       " VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone, channel) DO UPDATE SET"
		       " state = excluded.state, updated_at = excluded.updated_at,"
		       " expires_at = excluded.expires_at",
		   DB_ARGS(DB_TEXT(phone), DB_TEXT(channel_name(ussd)), DB_TEXT(text), DB_INT(now),
			   DB_INT((int64_t)now + timeout_s)));
out:
	free(text);
	return r;
}
