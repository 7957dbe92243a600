/* kannel_store.c - see kannel_store.h. */
#include "gateway/kannel/kannel_store.h"

#include "common/gw_err.h"

int kannel_store_mo(struct db *db, const struct kannel_mo *m, time_t now, int *stored)
{
	int r, added;

	if ((r = db_begin(db)) < 0)
		goto out;
	if ((r = db_run(db, "INSERT INTO inbox (sender, text, sent_at, stored_at, external_id,"
			    " status, error, handled_at) VALUES (?, ?, ?, ?4, ?,"
			    " CASE WHEN ?6 THEN 'skipped' ELSE 'new' END,"
			    " CASE WHEN ?6 THEN 'malformed message' ELSE '' END,"
			    " CASE WHEN ?6 THEN ?4 END)"
			    " ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING",
			DB_ARGS(DB_TEXT(m->from), DB_TEXT(m->malformed ? "" : m->text.data),
				DB_INT(m->sent_at ? m->sent_at : now), DB_INT(now),
				*m->id ? DB_TEXT(m->id) : DB_NULL, DB_INT(m->malformed)))) < 0) {
		db_rollback(db);
		goto out;
	}
	added = db_changes(db) > 0;
	if ((r = db_commit(db)) < 0)
		db_rollback(db);
	else
		*stored = added;
out:
	return r;
}

int kannel_store_dlr(struct db *db, const struct kannel_dlr *d, time_t now, int *settled)
{
	int r, done = 0;

	if ((r = db_begin(db)) < 0)
		goto out;
	if ((r = outbox_report(db, d->outbox_id, d->state, d->at ? d->at : now, d->reply,
			       &done)) < 0) {
		db_rollback(db);
		goto out;
	}
	if ((r = db_commit(db)) < 0)
		db_rollback(db);
	else
		*settled = done;
out:
	return r;
}
