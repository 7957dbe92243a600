/* dialog_session.h - a conversation's state in the sessions table.
 *
 * One row per phone and channel ("sms", "ussd") holding the frame stack as
 * JSON (dialog.h), so a conversation survives a daemon restart. A state
 * that cannot be read, or is larger than 32 KiB, counts as no state.
 */
#ifndef GW_DIALOG_SESSION_H
#define GW_DIALOG_SESSION_H

#include <jansson.h>
#include <time.h>

#include "common/db.h"

/* The stored conversation: *state NULL when there is none or it cannot be
 * read; *expired = 1 when its time has passed (the state is still given,
 * so USSD can tell its own session from a new one). */
int dialog_session_load(struct db *db, const char *phone, int ussd, time_t now, json_t **state,
			int *expired);

int dialog_session_drop(struct db *db, const char *phone, int ussd);

/* Store the state until now + timeout_s; expired sessions of everyone go
 * at the same time, so answers about a household's income do not linger. */
int dialog_session_save(struct db *db, const char *phone, int ussd, json_t *state, time_t now,
			int timeout_s);

#endif
