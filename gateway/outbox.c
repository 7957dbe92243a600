#include "gateway/outbox.h"

#include "common/gw_err.h"

int outbox_queue(struct db *db, const struct handler_result *res, int64_t inbox_id, time_t now)
{
	sqlite3_stmt *st;
	int r = 0;

	for (size_t i = 0; i < res->nout && r == 0; i++) {
		const struct handler_out *o = &res->out[i];

		if ((r = db_prepare(db, "INSERT INTO outbox (phone, text, kind, priority, inbox_id,"
					" created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?6, ?6)",
				    &st)) < 0)
			break;
		db_bind_text(st, 1, o->phone);
		db_bind_text(st, 2, o->text);
		db_bind_text(st, 3, o->kind);
		sqlite3_bind_int(st, 4, o->priority);
		if (inbox_id > 0)
			sqlite3_bind_int64(st, 5, inbox_id);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
		r = db_step(st);
	}
	return r < 0 ? r : 0;
}
