#include "common/audit.h"

int audit_write(struct db *db, time_t at, const char *actor, const char *action,
		const char *target, const char *detail)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "INSERT INTO audit (at, actor, action, target, detail)"
				" VALUES (?, ?, ?, ?, ?)", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)at);
	db_bind_text(st, 2, actor);
	db_bind_text(st, 3, action);
	db_bind_text(st, 4, target ? target : "");
	db_bind_text(st, 5, detail ? detail : "");
	r = db_step(st);
out:
	return r < 0 ? r : 0;
}
