#include "gateway/daemon/housekeep.h"

#include "common/gw_err.h"
#include "common/log.h"

int housekeep_purge(struct db *db, const struct gw_settings *cfg, time_t now,
		    struct housekeep_counts *out)
{
	struct housekeep_counts c = { 0, 0 };
	sqlite3_int64 cutoff = (sqlite3_int64)now - (sqlite3_int64)cfg->privacy.retain_days * 86400;
	int r;

	if ((r = db_begin(db)) < 0)
		return r;
	/* Texts carry income, disability and hardship: blank them, keep the counts. */
	if ((r = db_run(db, "UPDATE inbox SET text = '' WHERE stored_at < ? AND text <> ''",
			DB_ARGS(DB_INT(cutoff)))) < 0)
		goto out;
	c.texts_purged = db_changes(db);
	/* kept for the statistics of the same period, then let go */
	if ((r = db_run(db, "UPDATE inbox_parts SET text = '' WHERE stored_at < ? AND text <> ''"
			    " AND inbox_id IS NOT NULL", DB_ARGS(DB_INT(cutoff)))) < 0 ||
	    (r = db_run(db, "DELETE FROM delivery_reports WHERE received_at < ?",
			DB_ARGS(DB_INT(cutoff)))) < 0 ||
	    (r = db_run(db, "DELETE FROM sessions WHERE expires_at < ?", DB_ARGS(DB_INT(now)))) < 0)
		goto out;
	c.sessions_expired = db_changes(db);
	if ((r = db_commit(db)) < 0)
		goto out;
	if (out)
		*out = c;
out:
	if (r < 0)
		db_rollback(db);
	return r;
}

int housekeep_run(struct db *db, const struct gw_settings *cfg, time_t now)
{
	struct housekeep_counts c;
	int r = housekeep_purge(db, cfg, now, &c);

	if (r < 0)
		log_warn("housekeeping failed: %s", gw_strerror(r));
	else if (c.texts_purged)
		log_info("privacy: blanked %d inbound text(s) older than %d days", c.texts_purged,
			 cfg->privacy.retain_days);
	return r;
}

int housekeep_purge_pending(struct db *db, int retain_days, time_t now, int64_t *count)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT count(*) FROM inbox WHERE stored_at < ? AND text <> ''",
			DB_ARGS(DB_INT((int64_t)now - (int64_t)retain_days * 86400)), &st)) < 0)
		goto out;
	*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	r = 0;
out:
	return r;
}

int housekeep_purge_batch(struct db *db, int retain_days, time_t now, int max_rows,
			  int *purged)
{
	sqlite3_int64 cutoff = (sqlite3_int64)now - (sqlite3_int64)retain_days * 86400;
	int n = 0, r;

	if ((r = db_begin(db)) < 0)
		goto out;
	/* the parts first, while their messages still say which are due */
	if ((r = db_run(db, "UPDATE inbox_parts SET text = '' WHERE inbox_id IN"
			    " (SELECT id FROM inbox WHERE stored_at < ?1 AND text <> ''"
			    "  ORDER BY id LIMIT ?2) AND text <> ''",
			DB_ARGS(DB_INT(cutoff), DB_INT(max_rows)))) < 0 ||
	    (r = db_run(db, "UPDATE inbox SET text = '' WHERE id IN (SELECT id FROM inbox"
			    " WHERE stored_at < ?1 AND text <> '' ORDER BY id LIMIT ?2)",
			DB_ARGS(DB_INT(cutoff), DB_INT(max_rows)))) < 0)
		goto out;
	n = db_changes(db);
	if ((r = db_commit(db)) < 0)
		goto out;
	*purged = n;
out:
	if (r < 0)
		db_rollback(db);
	return r;
}
