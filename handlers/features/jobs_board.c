#include "handlers/features/jobs_board.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/features/jobs.h"

#define BOARD_TEXT_MAX (16 * 1024)
#define BOARD_PHRASES_MAX (1024 * 1024)
#define BOARD_BATCH 64
#define BOARD_POS_MAX 1048576 /* places of one offer, for ordering by (job, position) */

/* A label's reply_size in one integer for the board index: septets,
 * units and characters (a label is under 160 bytes: 12 bits each), then
 * the GSM-7 and valid-UTF-8 flags. */
static int64_t size_pack(const struct reply_size *s)
{
	return (int64_t)(s->septets & 0xFFF) | (int64_t)(s->units & 0xFFF) << 12 |
	       (int64_t)(s->chars & 0xFFF) << 24 | (int64_t)(s->gsm7 != 0) << 36 |
	       (int64_t)(s->valid != 0) << 37;
}

static void size_unpack(int64_t v, struct reply_size *s)
{
	s->septets = (size_t)(v & 0xFFF);
	s->units = (size_t)(v >> 12 & 0xFFF);
	s->chars = (size_t)(v >> 24 & 0xFFF);
	s->gsm7 = (int)(v >> 36 & 1);
	s->valid = (int)(v >> 37 & 1);
}

/* The derived columns of one offer, from jobs_get() and its full place list. */
static int derive_one(struct db *db, int64_t id)
{
	struct job *j = malloc(sizeof(*j));
	struct reply_size size;
	struct buf places;
	sqlite3_stmt *st;
	char sex[2] = { 0, 0 };
	int pos = 0, r = GW_ERR_NOMEM;

	buf_init(&places, BOARD_TEXT_MAX);
	if (!j || (r = jobs_get(db, id, j)) < 0)
		goto out;
	sex[0] = j->gender;
	reply_size_of(j->label, &size);
	if ((r = db_row(db, "SELECT province, district, commune, industrial_zone FROM jobs WHERE id = ?",
			DB_ARGS(DB_INT(id)), &st)) < 0)
		goto out;
	r = jobs_filter_places(db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			       db_col_text(st, 3), &places);
	sqlite3_reset(st);
	if (r < 0 ||
	    (r = db_run(db, "UPDATE jobs SET types = ?, sex = ?, label = ?, label_size = ?, derived = ?"
			    " WHERE id = ?",
			DB_ARGS(DB_INT(j->types), DB_TEXT(sex), DB_TEXT(j->label), DB_INT(size_pack(&size)),
				DB_INT(JOBS_BOARD_DERIVED), DB_INT(id)))) < 0 ||
	    (r = db_run(db, "DELETE FROM job_places WHERE job_id = ?", DB_ARGS(DB_INT(id)))) < 0)
		goto out;
	/* "|a|b|": one row a key, in order */
	for (char *p = places.data + 1; *p && r == 0; pos++) {
		size_t n = strcspn(p, "|");

		p[n] = '\0';
		r = db_run(db, "INSERT OR IGNORE INTO job_places (place, job_id, pos) VALUES (?, ?, ?)",
			   DB_ARGS(DB_TEXT(p), DB_INT(id),
				   DB_INT(pos < BOARD_POS_MAX ? pos : BOARD_POS_MAX - 1)));
		p += n + 1;
	}
out:
	free(j);
	buf_release(&places);
	return r;
}

int jobs_board_refresh(struct db *db, int *n)
{
	int64_t ids[BOARD_BATCH];
	sqlite3_stmt *st;
	int got, total = 0, r;

	/* in batches: the rows being scanned are the rows being written */
	do {
		got = 0;
		if ((r = db_rows(db, "SELECT id FROM jobs WHERE derived < ?1 OR derived > ?1 LIMIT ?2",
				 DB_ARGS(DB_INT(JOBS_BOARD_DERIVED), DB_INT(BOARD_BATCH)), &st)) < 0)
			goto out;
		while ((r = db_step(st)) == DB_ROW)
			ids[got++] = sqlite3_column_int64(st, 0);
		if (r < 0)
			goto out;
		for (int i = 0; i < got; i++)
			if ((r = derive_one(db, ids[i])) < 0)
				goto out;
		total += got;
	} while (got == BOARD_BATCH);
	if (n)
		*n = total;
	r = 0;
out:
	return r;
}

int jobs_board_places_in(struct db *db, const char *norm, struct buf *out)
{
	struct buf phrases;
	sqlite3_stmt *st;
	int r;

	buf_init(&phrases, BOARD_PHRASES_MAX);
	if ((r = jobs_board_refresh(db, NULL)) < 0 || (r = jobs_filter_phrases(norm, &phrases)) < 0 ||
	    (r = buf_addch(out, '|')) < 0)
		goto out;
	/* each phrase that is a place, by the first open offer holding it */
	if ((r = db_rows(db, "SELECT c.value, (SELECT p.job_id * ?2 + p.pos FROM job_places p"
			     "  JOIN jobs j ON j.id = p.job_id WHERE p.place = c.value AND j.status = 'open'"
			     "  ORDER BY p.job_id LIMIT 1) AS k"
			     " FROM json_each(?1) c WHERE k IS NOT NULL ORDER BY k",
			 DB_ARGS(DB_TEXT(phrases.data), DB_INT(BOARD_POS_MAX)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		struct buf needle;

		/* a phrase said twice is one key */
		buf_init(&needle, BOARD_TEXT_MAX);
		if ((r = buf_addf(&needle, "|%s|", db_col_text(st, 0))) == 0 &&
		    !strstr(out->data, needle.data))
			r = buf_adds(out, needle.data + 1);
		buf_release(&needle);
		if (r < 0)
			break;
	}
	if (r == DB_ROW)
		sqlite3_reset(st);
	r = r < 0 ? r : 0;
out:
	buf_release(&phrases);
	return r;
}

/* What jobs_match() asks of an offer, over the jobs_board index (the
 * unary + keeps the planner walking it in list order rather than looking
 * offers up by id and sorting them); ?1 today, ?2 area, ?3 types, ?4 age,
 * ?5 sex, ?6 the home places (JSON). */
#define BOARD_SELECT \
	"SELECT j.id, j.label_size FROM jobs j" \
	" WHERE j.status = 'open' AND (j.deadline IS NULL OR j.deadline = '' OR j.deadline >= ?1)" \
	" AND (?2 = '' OR +j.id IN (SELECT job_id FROM job_places WHERE place = ?2))" \
	" AND (j.types & ?3) = ?3" \
	" AND NOT (?4 <> 0 AND ((coalesce(j.age_min, 0) <> 0 AND ?4 < j.age_min)" \
	"  OR (coalesce(j.age_max, 0) <> 0 AND ?4 > j.age_max)))" \
	" AND NOT (?5 <> '' AND j.sex <> '' AND j.sex <> ?5)"
#define BOARD_HOME "+j.id IN (SELECT job_id FROM job_places WHERE place IN (SELECT value FROM json_each(?6)))"
#define BOARD_ORDER " ORDER BY j.created_at DESC, j.id DESC"

/* Characters of "%lld" of v. */
static size_t number_len(int64_t v)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = v < 0 ? 2 : 1;

	while (u >= 10) {
		u /= 10;
		n++;
	}
	return n;
}

/* home "|a|b|" as a JSON array; keys as long as an area or longer never
 * match (jobs_filter_parse cannot read them), as before. *any = 1 when
 * it holds one. */
static int home_json(const char *home, struct buf *out, int *any)
{
	int r = buf_addch(out, '[');

	*any = 0;
	for (const char *p = home ? home : ""; *p && r == 0;) {
		size_t n;

		while (*p == '|')
			p++;
		n = strcspn(p, "|");
		if (n && n < JOBS_AREA_MAX) {
			if (*any)
				r = buf_addch(out, ',');
			/* keys are [a-z0-9 ] (jobs_filter_place_key): nothing to escape */
			if (r == 0)
				r = buf_addf(out, "\"%.*s\"", (int)n, p);
			*any = 1;
		}
		p += n;
	}
	return r == 0 ? buf_addch(out, ']') : r;
}

int jobs_ids_add(struct jobs_ids *l, int64_t id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		int64_t *grown = realloc(l->v, cap * sizeof(*grown));

		if (!grown)
			return GW_ERR_NOMEM;
		l->v = grown;
		l->cap = cap;
	}
	l->v[l->n++] = id;
	return 0;
}

void jobs_ids_release(struct jobs_ids *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* One pass over the index: each offer to fn (near: and into *set, the
 * offers near home; not near: unless it is in *set, sorted). *stop = 1
 * when fn stopped it. */
static int board_pass(struct db *db, const char *sql, const struct db_arg *args, int near,
		      struct jobs_ids *set, jobs_board_fn fn, void *arg, int *stop)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_rows(db, sql, args, &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		struct jobs_board_line line;
		struct reply_size number = { 0, 0, 0, 1, 1 };

		line.id = sqlite3_column_int64(st, 0);
		if (!near && set->n && bsearch(&line.id, set->v, set->n, sizeof(*set->v), cmp_id))
			continue;
		if (near && (r = jobs_ids_add(set, line.id)) < 0)
			break;
		size_unpack(sqlite3_column_int64(st, 1), &line.size);
		/* "6. " before the label: plain ASCII */
		number.chars = number.units = number.septets = number_len(line.id) + 2;
		reply_size_add(&line.size, &number);
		if ((r = fn(&line, arg)) != 0) {
			*stop = r > 0;
			break;
		}
	}
	if (r != DB_DONE) /* left early */
		sqlite3_reset(st);
	return r < 0 ? r : 0;
}

int jobs_board_each(struct db *db, const char *today, const struct jobs_filter *f,
		    const char *home, jobs_board_fn fn, void *arg)
{
	char sex[2] = { f->gender, 0 };
	struct jobs_ids near = { NULL, 0, 0 };
	struct buf homes;
	int any = 0, stop = 0, r;

	buf_init(&homes, BOARD_TEXT_MAX);
	if ((r = jobs_board_refresh(db, NULL)) < 0 || (r = home_json(home, &homes, &any)) < 0)
		goto out;
	/* near the household first (when it has a place), then the rest */
	if (any && (r = board_pass(db, BOARD_SELECT " AND " BOARD_HOME BOARD_ORDER,
				   DB_ARGS(DB_TEXT(today), DB_TEXT(f->area), DB_INT(f->types),
					   DB_INT(f->age), DB_TEXT(sex), DB_TEXT(homes.data)),
				   1, &near, fn, arg, &stop)) < 0)
		goto out;
	if (near.n)
		qsort(near.v, near.n, sizeof(*near.v), cmp_id);
	if (!stop && (r = board_pass(db, BOARD_SELECT BOARD_ORDER,
				     DB_ARGS(DB_TEXT(today), DB_TEXT(f->area), DB_INT(f->types),
					     DB_INT(f->age), DB_TEXT(sex)),
				     0, &near, fn, arg, &stop)) < 0)
		goto out;
	r = 0;
out:
	jobs_ids_release(&near);
	buf_release(&homes);
	return r;
}

int jobs_board_line_text(struct db *db, int64_t id, struct buf *line, struct buf *code)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT code, label FROM jobs WHERE id = ?", DB_ARGS(DB_INT(id)), &st)) < 0)
		return r;
	if ((r = buf_addf(line, "%lld. %s", (long long)id, db_col_text(st, 1))) == 0 && code)
		r = buf_adds(code, db_col_text(st, 0));
	sqlite3_reset(st);
	return r;
}

/* '"w1 w2 ..."' for every run of the text's words that could be a code
 * (as long as one at most): codes are matched as whole words, '-' read as
 * a space ("JOB-VP-006" is "job vp 006"). */
static int code_phrases(const char *norm, struct buf *json)
{
	struct buf sq;
	const char *w[JOBS_CODE_MAX];
	size_t wn[JOBS_CODE_MAX];
	int nw = 0, r, first = 1;

	buf_init(&sq, BOARD_TEXT_MAX);
	if ((r = jobs_filter_squash(norm, &sq)) < 0 || (r = buf_addch(json, '[')) < 0)
		goto out;
	for (const char *p = sq.data; *p && r == 0;) {
		size_t n, len = 0;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
		/* the runs ending at this word */
		if (nw == JOBS_CODE_MAX) {
			memmove(w, w + 1, sizeof(w[0]) * (JOBS_CODE_MAX - 1));
			memmove(wn, wn + 1, sizeof(wn[0]) * (JOBS_CODE_MAX - 1));
			nw--;
		}
		w[nw] = p;
		wn[nw++] = n;
		for (int i = nw - 1; i >= 0 && r == 0; i--) {
			len += wn[i] + (i < nw - 1);
			if (len >= JOBS_CODE_MAX)
				break;
			if ((r = buf_adds(json, first ? "\"" : ",\"")) == 0)
				r = buf_add(json, w[i], (size_t)(p + n - w[i]));
			if (r == 0)
				r = buf_addch(json, '"');
			first = 0;
		}
		p += n;
	}
	if (r == 0)
		r = buf_addch(json, ']');
out:
	buf_release(&sq);
	return r;
}

int jobs_board_code_in(struct db *db, const char *norm, int64_t *id)
{
	struct buf phrases;
	sqlite3_stmt *st;
	int r;

	buf_init(&phrases, BOARD_PHRASES_MAX);
	if ((r = code_phrases(norm, &phrases)) < 0)
		goto out;
	if ((r = db_row(db, "SELECT id FROM jobs WHERE lower(replace(code, '-', ' '))"
			    " IN (SELECT value FROM json_each(?)) ORDER BY length(code) DESC, id LIMIT 1",
			DB_ARGS(DB_TEXT(phrases.data)), &st)) < 0)
		goto out;
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
out:
	buf_release(&phrases);
	return r;
}
