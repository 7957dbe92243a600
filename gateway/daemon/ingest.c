#include "gateway/daemon/ingest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/crashpoint.h"
#include "common/hash.h"
#include "common/gw_err.h"
#include "common/log.h"

#define INGEST_CALL_DEDUP_S 600
#define INGEST_TEXT_MAX (16 * 1024)

static void part_fingerprint(const struct modem_part *p, char *out, size_t outsz)
{
	uint64_t h = hash_fnv1a64(p->text);

	snprintf(out, outsz, "%s|%lld|%d|%d|%d|%016" PRIx64, p->sender, (long long)p->sent_at,
		 p->ref, p->total, p->seq, h);
}

static int store_part(struct db *db, const char *modem, const struct modem_part *p, time_t now,
		      int *is_new)
{
	char fp[MODEM_PHONE_MAX + 96];
	int r;

	part_fingerprint(p, fp, sizeof(fp));
	if ((r = db_run(db, "INSERT OR IGNORE INTO inbox_parts (sender, ref, total, seq, sent_at,"
			    " text, fingerprint, stored_at, modem) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(p->sender), DB_INT(p->ref), DB_INT(p->total < 1 ? 1 : p->total),
				DB_INT(p->seq < 1 ? 1 : p->seq), DB_INT(p->sent_at), DB_TEXT(p->text),
				DB_TEXT(fp), DB_INT(now), DB_TEXT(modem)))) < 0)
		return r;
	*is_new = db_changes(db) > 0;
	return 0;
}

static int store_malformed(struct db *db, const char *modem, const struct modem_part *p,
			   time_t now)
{
	return db_run(db, "INSERT INTO inbox (sender, text, sent_at, stored_at, status, error,"
			  " handled_at, modem) VALUES (?, ?, ?, ?4, 'skipped', 'malformed message', ?4, ?5)",
		      DB_ARGS(DB_TEXT(p->sender), DB_TEXT(p->text), DB_INT(p->sent_at), DB_INT(now),
			      DB_TEXT(modem)));
}

int ingest_poll(struct link *l, time_t now, int *stored, int *seen)
{
	struct modem_part *parts = NULL;
	size_t n = 0;
	int r, fresh = 0;

	if ((r = modem_read_pending(l->modem, &parts, &n)) < 0) {
		link_result(l, r, "read");
		goto out;
	}
	link_result(l, 0, "read");
	if (n == 0)
		goto done;
	if ((r = db_begin(l->db)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int is_new = 0;

		if (parts[i].malformed) {
			log_warn("inbound: malformed message from %s skipped (%s)",
				 log_phone(parts[i].sender), parts[i].handle);
			r = store_malformed(l->db, l->ms->name, &parts[i], now);
		} else {
			r = store_part(l->db, l->ms->name, &parts[i], now, &is_new);
			if (r == 0 && !is_new)
				log_info("inbound: duplicate delivery from %s ignored",
					 log_phone(parts[i].sender));
			fresh += is_new;
		}
		if (r < 0) {
			db_rollback(l->db);
			goto out;
		}
	}
	if ((r = db_commit(l->db)) < 0) {
		db_rollback(l->db);
		goto out;
	}
	crashpoint("ingest-stored"); /* parts on disk, still on the modem */
	/* Only now is it safe to delete: every part is on disk. */
	for (size_t i = 0; i < n; i++) {
		int d = modem_delete_part(l->modem, &parts[i]);

		if (d < 0 && d != GW_ERR_EMPTY) {
			log_warn("inbound: cannot delete %s from the modem: %s", parts[i].handle,
				 gw_strerror(d));
			if (link_result(l, d, "delete") == GW_ERR_MODEM_GONE)
				break;
		}
	}
	crashpoint("ingest-deleted");
done:
	*stored = fresh;
	*seen = (int)n;
	r = 0;
out:
	free(parts);
	return r;
}

/* Join the parts of one (sender, ref, total) set into an inbox row. */
static int assemble_set(struct db *db, const char *sender, int ref, int total, time_t now,
			int complete)
{
	struct buf text;
	sqlite3_stmt *st;
	int64_t first_id = 0, sent_at = 0, inbox_id;
	int r, last_seq = 0, parts = 0;
	int64_t ids[256];
	char modem[SETTINGS_STR_MAX] = "";

	buf_init(&text, INGEST_TEXT_MAX);
	if ((r = db_rows(db, "SELECT id, seq, text, sent_at, modem FROM inbox_parts WHERE inbox_id IS NULL"
			     " AND sender = ? AND ref = ? AND total = ? ORDER BY seq, id",
			 DB_ARGS(DB_TEXT(sender), DB_INT(ref), DB_INT(total)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		int seq = sqlite3_column_int(st, 1);

		if (seq == last_seq || parts == (int)(sizeof(ids) / sizeof(ids[0])))
			continue; /* a second copy of a part belongs to a later set */
		if (!first_id) {
			first_id = sqlite3_column_int64(st, 0);
			sent_at = sqlite3_column_int64(st, 3);
			gw_strlcpy(modem, db_col_text(st, 4), sizeof(modem));
		}
		ids[parts++] = sqlite3_column_int64(st, 0);
		if (buf_adds(&text, db_col_text(st, 2)) < 0)
			log_warn("inbound: message from %s too long, cut", log_phone(sender));
		last_seq = seq;
	}
	if (r < 0)
		goto out;
	if ((r = db_run(db, "INSERT INTO inbox (sender, text, parts, incomplete, sent_at, stored_at,"
			    " modem) VALUES (?, ?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(sender), DB_TEXT(text.data), DB_INT(parts), DB_INT(!complete),
				DB_INT(sent_at), DB_INT(now), DB_TEXT(modem)))) < 0)
		goto out;
	inbox_id = db_last_id(db);
	for (int i = 0; i < parts; i++)
		if ((r = db_run(db, "UPDATE inbox_parts SET inbox_id = ? WHERE id = ?",
				DB_ARGS(DB_INT(inbox_id), DB_INT(ids[i])))) < 0)
			goto out;
	if (!complete)
		log_warn("inbound: message from %s released with %d of %d parts after timeout",
			 log_phone(sender), parts, total);
	r = 0;
out:
	buf_release(&text);
	return r;
}

int ingest_assemble(struct db *db, const struct gw_settings *cfg, time_t now, int *assembled)
{
	struct set { char sender[MODEM_PHONE_MAX]; int ref, total, complete; } sets[64];
	int nsets = 0, r, done = 0, timeout = 0;
	sqlite3_stmt *st;

	/* parts come in on one modem, but wait as long as the most patient */
	for (int i = 0; i < cfg->nmodems; i++)
		if (cfg->modems[i].multipart_timeout_s > timeout)
			timeout = cfg->modems[i].multipart_timeout_s;

	if ((r = db_rows(db, "SELECT sender, ref, total, count(DISTINCT seq) >= total,"
			     " min(stored_at) FROM inbox_parts WHERE inbox_id IS NULL"
			     " GROUP BY sender, ref, total"
			     " HAVING count(DISTINCT seq) >= total OR min(stored_at) <= ?"
			     " ORDER BY min(id) LIMIT 64",
			 DB_ARGS(DB_INT(now - timeout)), &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		struct set *s = &sets[nsets];

		if (gw_strlcpy(s->sender, db_col_text(st, 0), sizeof(s->sender)) < 0)
			continue;
		s->ref = sqlite3_column_int(st, 1);
		s->total = sqlite3_column_int(st, 2);
		s->complete = sqlite3_column_int(st, 3);
		nsets++;
	}
	if (r < 0)
		return r;
	for (int i = 0; i < nsets; i++) {
		if ((r = db_begin(db)) < 0)
			return r;
		if ((r = assemble_set(db, sets[i].sender, sets[i].ref, sets[i].total, now,
				      sets[i].complete)) < 0 || (r = db_commit(db)) < 0) {
			db_rollback(db);
			return r;
		}
		done++;
	}
	*assembled = done;
	return 0;
}

int ingest_call(struct db *db, const char *modem, const char *number, time_t now, int *recorded)
{
	int r;

	if ((r = db_run(db, "INSERT INTO inbox (sender, channel, text, sent_at, stored_at, modem)"
			    " SELECT ?1, 'call', '', ?2, ?2, ?4 WHERE NOT EXISTS (SELECT 1 FROM inbox"
			    " WHERE sender = ?1 AND channel = 'call' AND stored_at > ?3)",
			DB_ARGS(DB_TEXT(number), DB_INT(now), DB_INT(now - INGEST_CALL_DEDUP_S),
				DB_TEXT(modem)))) < 0)
		return r;
	*recorded = db_changes(db) > 0;
	return 0;
}
