#include "policy.h"

#include <ctype.h>
#include <string.h>

#include "../common/gw_err.h"
#include "request.h"

#define POLICY_QUERY_MAX 2048
#define POLICY_TEXT_MAX (16 * 1024)

/* "vay ngheo 2" -> candidates "VAY-NGHEO-2", "VAY-NGHEO", "VAY": each prefix of
 * the words joined by '-', longest first; and the same without dashes. */
static int find_by_code(struct db *db, const char *q, struct policy_match *m)
{
	char words[8][40];
	int nw = 0, r;
	const char *p = q;
	sqlite3_stmt *st;

	while (*p && nw < 8) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (!n)
			break;
		if (n >= sizeof(words[0]))
			break;
		for (size_t i = 0; i < n; i++)
			words[nw][i] = (char)toupper((unsigned char)p[i]);
		words[nw][n] = '\0';
		nw++;
		p += n;
	}
	for (int k = nw; k >= 1; k--) {
		struct buf dashed;

		buf_init(&dashed, 400);
		for (int i = 0; i < k; i++)
			if ((i && buf_addch(&dashed, '-') < 0) || buf_adds(&dashed, words[i]) < 0)
				break;
		r = db_prepare(db, "SELECT code FROM programs WHERE code = ?1"
				   " OR replace(code, '-', '') = replace(?1, '-', '') LIMIT 1", &st);
		if (r == 0) {
			db_bind_text(st, 1, dashed.data);
			r = db_step(st);
			if (r == DB_ROW) {
				gw_strlcpy(m->code, db_col_text(st, 0), sizeof(m->code));
				sqlite3_reset(st);
			}
		}
		buf_release(&dashed);
		if (r < 0)
			return r;
		if (r == DB_ROW)
			return 0;
	}
	return GW_ERR_NOTFOUND;
}

/* The longest keyword that occurs as a whole phrase in q. */
static int find_by_keyword(struct db *db, const char *q, struct policy_match *m)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT p.code FROM program_keywords k JOIN programs p ON p.id = k.program_id"
				" WHERE instr(' ' || ?1 || ' ', ' ' || k.folded || ' ') > 0"
				" ORDER BY length(k.folded) DESC, p.id LIMIT 2", &st)) < 0)
		return r;
	db_bind_text(st, 1, q);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_NOTFOUND;
	gw_strlcpy(m->code, db_col_text(st, 0), sizeof(m->code));
	if (db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), m->code) != 0)
		gw_strlcpy(m->also, db_col_text(st, 0), sizeof(m->also));
	sqlite3_reset(st);
	return 0;
}

/* Words of q as an FTS5 OR query of quoted terms (no operators from users). */
static int fts_query(const char *q, struct buf *out)
{
	const char *p = q;
	int r = 0;

	while (*p && r == 0) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (n >= 2 && isalnum((unsigned char)p[0])) {
			if (out->len)
				r = buf_adds(out, " OR ");
			if (r == 0)
				r = buf_addch(out, '"');
			for (size_t i = 0; i < n && r == 0; i++)
				if (isalnum((unsigned char)p[i]))
					r = buf_addch(out, p[i]);
			if (r == 0)
				r = buf_addch(out, '"');
		}
		p += n;
	}
	return r;
}

static int find_by_fts(struct db *db, const char *q, struct policy_match *m)
{
	struct buf fq;
	sqlite3_stmt *st;
	int r;

	buf_init(&fq, POLICY_QUERY_MAX);
	if ((r = fts_query(q, &fq)) < 0)
		goto out;
	r = GW_ERR_NOTFOUND;
	if (!fq.len)
		goto out;
	if ((r = db_prepare(db, "SELECT p.code FROM programs_fts f JOIN programs p ON p.id = f.rowid"
				" WHERE programs_fts MATCH ?"
				" ORDER BY bm25(programs_fts, 10.0, 5.0, 8.0, 2.0, 1.0) LIMIT 2", &st)) < 0)
		goto out;
	db_bind_text(st, 1, fq.data);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	gw_strlcpy(m->code, db_col_text(st, 0), sizeof(m->code));
	if (db_step(st) == DB_ROW)
		gw_strlcpy(m->also, db_col_text(st, 0), sizeof(m->also));
	sqlite3_reset(st);
	r = 0;
out:
	buf_release(&fq);
	return r;
}

int policy_find(struct db *db, const char *norm_query, struct policy_match *out)
{
	struct policy_match m;
	int r;

	memset(&m, 0, sizeof(m));
	if (strlen(norm_query) > POLICY_QUERY_MAX)
		return GW_ERR_TOOBIG;
	r = find_by_code(db, norm_query, &m);
	if (r == GW_ERR_NOTFOUND)
		r = find_by_keyword(db, norm_query, &m);
	if (r == GW_ERR_NOTFOUND)
		r = find_by_fts(db, norm_query, &m);
	if (r < 0)
		return r;
	*out = m;
	return 0;
}

int policy_body(struct db *db, const char *code, const char *lang, struct buf *out)
{
	int en = strcmp(lang, "en") == 0;
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "SELECT title_vi, summary_vi, title_en, summary_en, how_to_apply_vi,"
				" office, needs_check FROM programs WHERE code = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, code);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_NOTFOUND;
	if (en && *db_col_text(st, 2))
		r = buf_addf(out, "%s: %s", db_col_text(st, 2), db_col_text(st, 3));
	else
		r = buf_addf(out, "%s: %s Cách làm: %s Liên hệ: %s", db_col_text(st, 0),
			     db_col_text(st, 1), db_col_text(st, 4), db_col_text(st, 5));
	sqlite3_reset(st);
	return r;
}

int policy_topics(struct db *db, const char *lang, struct buf *out)
{
	sqlite3_stmt *st;
	int r, first = 1;

	if ((r = buf_adds(out, strcmp(lang, "en") == 0 ? "Topics (send CS + code):"
							: "Chu de (nhan CS + ma):")) < 0)
		return r;
	if ((r = db_prepare(db, "SELECT code FROM programs ORDER BY id", &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		if ((r = buf_addf(out, "%s%s", first ? " " : ", ", db_col_text(st, 0))) < 0) {
			sqlite3_reset(st);
			return r;
		}
		first = 0;
	}
	return r < 0 ? r : 0;
}

/* "bhyt 2" -> page 2 of "bhyt": a trailing small number is a page. */
static int split_page(const char *args, struct buf *query, int *page)
{
	size_t n = strlen(args), i = n;
	long p = 0;

	while (i > 0 && args[i - 1] >= '0' && args[i - 1] <= '9')
		i--;
	*page = 1;
	if (i < n && i > 0 && args[i - 1] == ' ' && n - i <= 2) {
		for (size_t k = i; k < n; k++)
			p = p * 10 + (args[k] - '0');
		if (p >= 1) {
			*page = (int)p;
			n = i - 1;
		}
	}
	return buf_add(query, args, n);
}

int policy_handle(const struct handler_req *rq, struct handler_result *res)
{
	struct policy_match m;
	struct buf query, body, more;
	int page = 1, r;

	buf_init(&query, POLICY_TEXT_MAX);
	buf_init(&body, POLICY_TEXT_MAX);
	buf_init(&more, 128);
	request_set_intent(res, "policy", NULL);
	if ((r = split_page(rq->args, &query, &page)) < 0)
		goto out;
	if (!query.len) {
		if ((r = policy_topics(rq->env->db, rq->contact.lang, &body)) == 0)
			r = request_reply_paged(rq, res, body.data, "CS", page);
		goto out;
	}
	r = policy_find(rq->env->db, query.data, &m);
	if (r == GW_ERR_NOTFOUND) {
		r = request_reply_paged(rq, res, request_english(rq) ? "No program found. Send CS for the list of topics."
					       : "Khong tim thay chu de. Nhan CS de xem danh sach.",
				NULL, 1);
		goto out;
	}
	if (r < 0)
		goto out;
	request_set_intent(res, "policy", m.code);
	if ((r = policy_body(rq->env->db, m.code, rq->contact.lang, &body)) < 0)
		goto out;
	if (*m.also && (r = buf_addf(&body, request_english(rq) ? " See also: CS %s" : " Xem thêm: CS %s",
				     m.also)) < 0)
		goto out;
	if ((r = buf_addf(&more, "CS %s", m.code)) < 0)
		goto out;
	r = request_reply_paged(rq, res, body.data, more.data, page);
out:
	buf_release(&query);
	buf_release(&body);
	buf_release(&more);
	return r;
}

