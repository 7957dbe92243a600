#include "common/audit.h"

int audit_write(struct db *db, time_t at, const char *actor, const char *action,
		const char *target, const char *detail)
{
	return db_run(db, "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
		      DB_ARGS(DB_INT(at), DB_TEXT(actor), DB_TEXT(action), DB_TEXT(target ? target : ""),
			      DB_TEXT(detail ? detail : "")));
}
