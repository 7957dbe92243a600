#include "gateway/hub/hub_state.h"

#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"

int hub_state_get(struct db *db, struct hub_state *out)
{
	struct hub_state s;
	sqlite3_stmt *st;
	int r;

	memset(&s, 0, sizeof(s));
	if ((r = db_row(db, "SELECT version, coalesce(published_at, 0), coalesce(applied_at, 0), source,"
			    " coalesce(pulled_at, 0), pull_ok, pull_error, published FROM sync_state"
			    " WHERE id = 1", NULL, &st)) < 0)
		return r;
	s.version = sqlite3_column_int64(st, 0);
	s.published_at = sqlite3_column_int64(st, 1);
	s.applied_at = sqlite3_column_int64(st, 2);
	/* longer texts are cut: they are only shown */
	snprintf(s.source, sizeof(s.source), "%s", db_col_text(st, 3));
	s.pulled_at = sqlite3_column_int64(st, 4);
	s.pull_ok = sqlite3_column_int(st, 5);
	snprintf(s.pull_error, sizeof(s.pull_error), "%s", db_col_text(st, 6));
	s.published = sqlite3_column_int64(st, 7);
	sqlite3_reset(st);
	*out = s;
	return 0;
}

int hub_state_pulled(struct db *db, const char *source, int64_t at, int ok, const char *error)
{
	int own = !db_in_tx(db), r;

	if (own && (r = db_begin(db)) < 0)
		return r;
	r = db_run(db, "UPDATE sync_state SET pulled_at = ?, pull_ok = ?, pull_error = ?, source = ?"
		       " WHERE id = 1",
		   DB_ARGS(DB_INT(at), DB_INT(ok != 0), DB_TEXT(ok ? "" : error), DB_TEXT(source)));
	if (own && r == 0)
		r = db_commit(db);
	if (own && r < 0)
		db_rollback(db);
	return r;
}

int hub_state_applied(struct db *db, int64_t version, int64_t published_at, const char *source,
		      int64_t at)
{
	return db_run(db, "UPDATE sync_state SET version = ?, published_at = ?, applied_at = ?,"
			  " source = ? WHERE id = 1",
		      DB_ARGS(DB_INT(version), published_at > 0 ? DB_INT(published_at) : DB_NULL,
			      DB_INT(at), DB_TEXT(source)));
}

int hub_state_published(struct db *db, int64_t version)
{
	return db_run(db, "UPDATE sync_state SET published = max(published, ?) WHERE id = 1",
		      DB_ARGS(DB_INT(version)));
}
