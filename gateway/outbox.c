#include "gateway/outbox.h"

#include "common/gw_err.h"
#include "common/log.h"

int outbox_queue(struct db *db, const struct handler_result *res, int64_t inbox_id, time_t now)
{
	int r = 0;

	for (size_t i = 0; i < res->nout && r == 0; i++) {
		const struct handler_out *o = &res->out[i];

		r = db_run(db, "INSERT INTO outbox (phone, text, kind, priority, inbox_id, created_at,"
			       " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?6, ?6)",
			   DB_ARGS(DB_TEXT(o->phone), DB_TEXT(o->text), DB_TEXT(o->kind),
				   DB_INT(o->priority), inbox_id > 0 ? DB_INT(inbox_id) : DB_NULL,
				   DB_INT(now)));
	}
	return r;
}

const char *outbox_dlr_name(enum outbox_dlr state)
{
	switch (state) {
	case OUTBOX_DLR_SUBMITTED: return "submitted";
	case OUTBOX_DLR_BUFFERED: return "buffered";
	case OUTBOX_DLR_DELIVERED: return "delivered";
	case OUTBOX_DLR_FAILED: return "failed";
	}
	return "";
}

int outbox_report(struct db *db, int64_t id, enum outbox_dlr state, time_t at,
		  const char *detail, int *settled)
{
	const char *name = outbox_dlr_name(state);
	sqlite3_stmt *st;
	int unknown, r;

	if (!*name) {
		r = GW_ERR_INVAL;
		goto out;
	}
	if ((r = db_row(db, "SELECT status = 'sent_unknown' FROM outbox WHERE id = ?",
			DB_ARGS(DB_INT(id)), &st)) < 0)
		goto out;
	unknown = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	/* A final state stays; a later stage replaces an earlier one. */
	if ((r = db_run(db, "UPDATE outbox SET dlr = ?2, dlr_at = ?3, dlr_detail = ?4,"
			    " status = CASE WHEN status = 'sent_unknown' THEN 'sent' ELSE status END,"
			    " sent_at = CASE WHEN status = 'sent_unknown' THEN coalesce(sent_at, ?3)"
			    "  ELSE sent_at END"
			    " WHERE id = ?1 AND dlr NOT IN ('delivered', 'failed')",
			DB_ARGS(DB_INT(id), DB_TEXT(name), DB_INT(at), DB_TEXT(detail ? detail : "")))) < 0)
		goto out;
	if (unknown)
		log_notice("outbox %lld: a delivery report (%s) settles it: it was sent",
			   (long long)id, name);
	*settled = unknown;
out:
	return r;
}
