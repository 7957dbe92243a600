/* commune_hint.c - see commune_hint.h. */
#include "handlers/features/commune_hint.h"

#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/vi/textfold.h"

#define HINT_TEXT_MAX (16 * 1024)

/* Add name (raw, trimmed here) unless its key is empty or already there. */
static int add_candidate(const char *name, size_t len, struct commune_hint *out, size_t max,
			 size_t *n)
{
	struct buf raw, key;
	int r;

	while (len && (*name == ' ' || *name == '\t')) {
		name++;
		len--;
	}
	while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	buf_init(&raw, sizeof(out->name) - 1);
	buf_init(&key, sizeof(out->key) - 1);
	if ((r = buf_add(&raw, name, len)) < 0 || (r = jobs_filter_place_key(raw.data, &key)) < 0)
		goto out;
	r = 0;
	if (!key.len || *n >= max)
		goto out;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(out[i].key, key.data) == 0)
			goto out;
	if ((r = gw_strlcpy(out[*n].name, raw.data, sizeof(out->name))) < 0 ||
	    (r = gw_strlcpy(out[*n].key, key.data, sizeof(out->key))) < 0)
		goto out;
	(*n)++;
out:
	buf_release(&raw);
	buf_release(&key);
	return r;
}

int commune_hint_candidates(struct db *db, const char *box_communes, struct commune_hint *out,
			    size_t max, size_t *n)
{
	const char *p = box_communes ? box_communes : "";
	sqlite3_stmt *st;
	size_t k = 0;
	int r = 0;

	while (*p && r == 0) {
		size_t len = strcspn(p, ",;");

		r = add_candidate(p, len, out, max, &k);
		p += len;
		if (*p)
			p++;
	}
	if (r < 0)
		return r;
	if (k == 0) {
		if ((r = db_rows(db, "SELECT DISTINCT commune FROM officers WHERE trim(commune) <> ''"
				     " ORDER BY id", NULL, &st)) < 0)
			return r;
		while ((r = db_step(st)) == DB_ROW && k < max)
			if ((r = add_candidate(db_col_text(st, 0), strlen(db_col_text(st, 0)), out, max,
					       &k)) < 0)
				break;
		sqlite3_reset(st);
		if (r < 0)
			return r;
	}
	*n = k;
	return 0;
}

int commune_hint_find(const char *text, const struct commune_hint *c, size_t n, int *index)
{
	struct buf folded, words, key;
	const char *best_at = NULL;
	int best = -1, r;

	buf_init(&folded, HINT_TEXT_MAX);
	buf_init(&words, HINT_TEXT_MAX + 2);
	buf_init(&key, 512);
	if ((r = textfold_ascii(&folded, text ? text : "", strlen(text ? text : ""))) < 0 ||
	    (r = jobs_filter_squash(folded.data, &words)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *at;

		buf_reset(&key);
		/* the key as words too: " tan lap " */
		if ((r = jobs_filter_squash(c[i].key, &key)) < 0)
			goto out;
		if (key.len < 3)
			continue;
		at = strstr(words.data, key.data);
		if (at && (!best_at || at < best_at)) {
			best_at = at;
			best = (int)i;
		}
	}
	*index = best;
	r = 0;
out:
	buf_release(&folded);
	buf_release(&words);
	buf_release(&key);
	return r;
}

int commune_hint_phone(struct db *db, const char *phone, const struct commune_hint *c, size_t n,
		       int *index)
{
	sqlite3_stmt *st;
	int found = -1, r;

	if (n == 0) {
		*index = -1;
		return 0;
	}
	if ((r = db_rows(db, "SELECT text FROM inbox WHERE sender = ? AND text <> ''"
			     " ORDER BY id DESC LIMIT ?",
			 DB_ARGS(DB_TEXT(phone), DB_INT(COMMUNE_HINT_MESSAGES)), &st)) < 0)
		return r;
	while (found < 0 && (r = db_step(st)) == DB_ROW)
		if ((r = commune_hint_find(db_col_text(st, 0), c, n, &found)) < 0)
			break;
	sqlite3_reset(st);
	if (r < 0)
		return r;
	*index = found;
	return 0;
}
