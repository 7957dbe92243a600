/* Unit tests: handlers/features/jobs_board - the job board read through
 * indexes gives exactly what reading every offer gave: the same offers in
 * the same order for every filter and home, the same places read from a
 * question, the same code found, the same pages (text, count, codes)
 * through the VIEC command; and the stored columns follow every write. The
 * references below are the scans the board replaced (jobs_current +
 * jobs_match, every open offer's places, the instr() over every code, the
 * page layout measuring each candidate text). Real SQLite files, the
 * sample jobs and a few hundred more made from them with awkward labels
 * (GSM-7 escapes, UCS-2, surrogate pairs) and tied creation times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "common/gw_err.h"
#include "handlers/core/reply.h"
#include "handlers/features/jobs.h"
#include "handlers/features/jobs_board.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/handler.h"
#include "handlers/vi/normalize.h"

/* the rules' version, as SQL text */
#define DERIVED_S(v) #v
#define DERIVED_(v) DERIVED_S(v)
#define DERIVED DERIVED_(JOBS_BOARD_DERIVED)

#define TODAY "2027-01-15"
#define MAX_IDS 1024

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
	time_t now;
};

/* 2027-01-15 10:00 office time (UTC+7) */
#define NOW ((time_t)1799982000)

/* 240 more offers from the sample ones: titles GSM-7 has to escape or
 * cannot hold, some closed, some past their deadline, creation times tied
 * in groups (the order falls back to the number). */
static const char more_offers[] =
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 240)"
	" INSERT INTO jobs (code, title, province, district, commune, industrial_zone, job_type,"
	"  wage_min, wage_max, wage_text, requirements, contact, deadline, keywords, folded, gender,"
	"  age_min, age_max, status, created_at, updated_at)"
	" SELECT 'JOB-T-' || i, CASE i % 6 WHEN 0 THEN 'Công nhân may [ca đêm] ' || i"
	"  WHEN 1 THEN 'Bảo vệ | kho {' || i || '}' WHEN 2 THEN 'Lái xe € ' || i"
	"  WHEN 3 THEN 'Thợ hàn 👍 ' || i ELSE s.title || ' ' || i END,"
	"  s.province, s.district, s.commune, s.industrial_zone, s.job_type, s.wage_min, s.wage_max,"
	"  s.wage_text, s.requirements, s.contact,"
	"  CASE WHEN i % 11 = 0 THEN '2027-01-10' ELSE s.deadline END, s.keywords,"
	"  s.folded || ' dot ' || i, s.gender, s.age_min, s.age_max,"
	"  CASE WHEN i % 13 = 0 THEN 'closed' ELSE 'open' END, s.created_at + i % 17, s.created_at"
	" FROM n JOIN jobs s ON s.id = 1 + i % 15;";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->db = fixture_open(&f->fx, "gwboard", 1000, FIXTURE_LEXICON | FIXTURE_JOBS);
	assert_int_equal(db_exec(f->db, more_offers), 0);
	settings_defaults(&f->cfg);
	f->now = NOW;
	*state = f;
	return 0;
}

FIXTURE_TEARDOWN

/* --- the references: what the board replaced -------------------------- */

/* Every place of the open offers, in table order (jobs_known_places). */
static void ref_known(struct db *db, struct buf *out)
{
	sqlite3_stmt *st;
	struct buf one;

	buf_init(&one, 1 << 16);
	assert_int_equal(buf_addch(out, '|'), 0);
	assert_int_equal(db_prepare(db, "SELECT province, district, commune, industrial_zone FROM jobs"
					" WHERE status = 'open' ORDER BY id", &st), 0);
	while (db_step(st) == DB_ROW) {
		buf_reset(&one);
		assert_int_equal(jobs_filter_places(db_col_text(st, 0), db_col_text(st, 1),
						    db_col_text(st, 2), db_col_text(st, 3), &one), 0);
		for (const char *p = one.data + 1; *p;) {
			size_t n = strcspn(p, "|");
			char needle[256];

			snprintf(needle, sizeof(needle), "|%.*s|", (int)n, p);
			if (!strstr(out->data, needle))
				assert_int_equal(buf_add(out, p, n + 1), 0);
			p += n + 1;
		}
	}
	buf_release(&one);
}

static int ref_near(const struct job *j, const char *home)
{
	char key[JOBS_AREA_MAX + 2];

	for (const char *p = home + 1; *p;) {
		size_t n = strcspn(p, "|");

		if (n && n < JOBS_AREA_MAX) {
			snprintf(key, sizeof(key), "|%.*s|", (int)n, p);
			if (strstr(j->places, key))
				return 1;
		}
		p += n + (p[n] == '|');
	}
	return 0;
}

/* The offers a list showed, in order (jobs_sms_list before the board),
 * from all (jobs_current) of n. */
static size_t ref_list(const struct job *all, size_t n, const struct jobs_filter *f,
		       const char *home, int64_t *ids)
{
	size_t k = 0;

	for (int near = 1; near >= 0; near--)
		for (size_t i = 0; i < n; i++)
			if (jobs_match(&all[i], f) && ref_near(&all[i], home) == near && k < MAX_IDS)
				ids[k++] = all[i].id;
	return k;
}

struct collected {
	int64_t ids[MAX_IDS];
	size_t n;
	struct db *db;
	int sizes_ok;
};

static int collect(const struct jobs_board_line *line, void *arg)
{
	struct collected *c = arg;
	struct reply_size want;
	struct buf text;

	/* the stored size is the size of the line as written */
	buf_init(&text, 4096);
	assert_int_equal(jobs_board_line_text(c->db, line->id, &text, NULL), 0);
	reply_size_of(text.data, &want);
	if (memcmp(&want, &line->size, sizeof(want)) != 0)
		c->sizes_ok = 0;
	buf_release(&text);
	if (c->n < MAX_IDS)
		c->ids[c->n++] = line->id;
	return 0;
}

/* --- tests -------------------------------------------------------------- */

static void test_lists_match_the_scan(void **state)
{
	static const char *const areas[] = { "", "tan lap", "song lo", "ba thien", "phu tho",
					     "vinh yen", "hai phong" };
	static const unsigned types[] = { 0, JOBS_TYPE_MAY, JOBS_TYPE_CONG_NHAN,
					  JOBS_TYPE_MAY | JOBS_TYPE_CONG_NHAN, JOBS_TYPE_BAO_VE,
					  JOBS_TYPE_XKLD, JOBS_TYPE_KHO };
	static const int ages[] = { 0, 17, 25, 45, 60 };
	static const char genders[] = { 0, 'm', 'f' };
	static const char *const homes[] = { "|", "|tan lap|", "|song lo|phu tho|", "|nowhere|" };
	struct fx *f = *state;
	static int64_t want[MAX_IDS];
	static struct collected got;
	struct job *all = NULL;
	size_t nall = 0;
	int lists = 0;

	assert_int_equal(jobs_current(f->db, TODAY, &all, &nall), 0);

	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++)
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			for (size_t g = 0; g < sizeof(ages) / sizeof(ages[0]); g++)
				for (size_t s = 0; s < sizeof(genders); s++) {
					const char *home = homes[(a + t + g + s) % 4];
					struct jobs_filter fl;
					size_t n;

					memset(&fl, 0, sizeof(fl));
					snprintf(fl.area, sizeof(fl.area), "%s", areas[a]);
					fl.types = types[t];
					fl.age = ages[g];
					fl.gender = genders[s];
					n = ref_list(all, nall, &fl, home, want);
					memset(&got, 0, sizeof(got));
					got.db = f->db;
					got.sizes_ok = 1;
					assert_int_equal(jobs_board_each(f->db, TODAY, &fl, home, collect, &got), 0);
					if (got.n != n || memcmp(got.ids, want, n * sizeof(want[0])) != 0)
						fail_msg("area '%s' types %u age %d gender %c home %s: %zu offers,"
							 " the scan %zu", fl.area, fl.types, fl.age,
							 fl.gender ? fl.gender : '-', home, got.n, n);
					assert_true(got.sizes_ok);
					lists += n > 0;
				}
	assert_true(lists > 100); /* the filters do find offers */
	free(all);
}

static int stop_after_two(const struct jobs_board_line *line, void *arg)
{
	int *seen = arg;

	(void)line;
	return ++*seen == 2;
}

static void test_each_stops(void **state)
{
	struct fx *f = *state;
	struct jobs_filter fl;
	int seen = 0;

	memset(&fl, 0, sizeof(fl));
	assert_int_equal(jobs_board_each(f->db, TODAY, &fl, "|tan lap|", stop_after_two, &seen), 0);
	assert_int_equal(seen, 2);
}

/* The places read from a question are the ones every open offer gave. */
static void test_places_in_question(void **state)
{
	static const char *const texts[] = {
		"VIEC BINH XUYEN", "viec khai quang", "VIEC", "co viec lam gan song lo ko ad",
		"tim viec cong nhan o ba thien", "viec may o tan lap song lo", "viec o phu tho",
		"VIEC hai phong", "viec o thi tran huong canh hay vinh yen", "ba thien ba thien",
		"viec lam tai kcn ba thien ii nhe", "xin viec may tan lap 2",
	};
	struct fx *f = *state;
	struct buf known, in, norm;

	buf_init(&known, 1 << 16);
	buf_init(&in, 1 << 16);
	buf_init(&norm, 1 << 16);
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET status = 'closed' WHERE id IN (3, 9)"), 0);
	ref_known(f->db, &known);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct jobs_filter a, b;

		buf_reset(&norm);
		buf_reset(&in);
		assert_int_equal(normalize_text(&norm, texts[i], strlen(texts[i])), 0);
		assert_int_equal(jobs_board_places_in(f->db, norm.data, &in), 0);
		assert_int_equal(jobs_filter_parse(norm.data, known.data, &a), 0);
		assert_int_equal(jobs_filter_parse(norm.data, in.data, &b), 0);
		if (memcmp(&a, &b, sizeof(a)) != 0)
			fail_msg("'%s': area '%s' from every place, '%s' from %s", texts[i], a.area, b.area,
				 in.data);
	}
	/* only places the text names, each once */
	buf_reset(&in);
	assert_int_equal(jobs_board_places_in(f->db, "viec o ba thien ba thien tan lap", &in), 0);
	assert_int_equal(in.len, strlen("|tan lap|ba thien|"));
	assert_non_null(strstr(in.data, "|tan lap|"));
	assert_non_null(strstr(in.data, "|ba thien|"));
	buf_release(&known);
	buf_release(&in);
	buf_release(&norm);
}

static void test_code_in_text(void **state)
{
	static const char *const texts[] = {
		"ut job vp 006", "dang ky job-vp-012 nhe", "job t 17", "ut job t 170 va job vp 001",
		"job vp", "vp 006", "ut 6", "jobvp006", "", "job t 2400",
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct buf sq;
		sqlite3_stmt *st;
		int64_t want = 0, got = 0;
		int r;

		buf_init(&sq, 4096);
		assert_int_equal(jobs_filter_squash(texts[i], &sq), 0);
		r = db_row(f->db, "SELECT id FROM jobs WHERE instr(?, ' ' || lower(replace(code, '-', ' '))"
				  " || ' ') > 0 ORDER BY length(code) DESC, id LIMIT 1",
			   DB_ARGS(DB_TEXT(sq.data)), &st);
		if (r == 0) {
			want = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		assert_int_equal(jobs_board_code_in(f->db, texts[i], &got), r);
		assert_int_equal(got, want);
		buf_release(&sq);
	}
}

/* jobs_words_scan: every open offer whose words hold a needle as a whole
 * word is visited (and maybe others), each once, with jobs_get()'s words. */
struct seen {
	struct fx *f;
	int64_t ids[MAX_IDS];
	size_t n;
};

static int see(int64_t id, const char *words, void *arg)
{
	struct seen *s = arg;
	struct job j;

	assert_int_equal(jobs_get(s->f->db, id, &j), 0);
	assert_string_equal(words, j.words);
	assert_true(j.open);
	for (size_t i = 0; i < s->n; i++)
		assert_true(s->ids[i] != id);
	assert_true(s->n < MAX_IDS);
	s->ids[s->n++] = id;
	return 0;
}

static void test_words_scan_covers(void **state)
{
	static const char needles[][32] = { "may\0", "lai\0xe\0", "kho\0", "dot\0", "xkld\0",
					    "zzz\0", "7\0han\0" };
	struct fx *f = *state;
	struct seen *s = calloc(1, sizeof(*s));
	sqlite3_stmt *st;
	size_t visited_all = 0;

	s->f = f;
	for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++) {
		s->n = 0;
		assert_int_equal(jobs_words_scan(f->db, needles[k], see, s), 0);
		assert_int_equal(db_prepare(f->db, "SELECT id FROM jobs WHERE status = 'open'", &st), 0);
		while (db_step(st) == DB_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);
			struct job j;
			char padded[sizeof(j.words) + 2];
			int holds = 0, visited = 0;

			assert_int_equal(jobs_get(f->db, id, &j), 0);
			snprintf(padded, sizeof(padded), " %s ", j.words);
			for (const char *n = needles[k]; *n; n += strlen(n) + 1) {
				char w[256];

				snprintf(w, sizeof(w), " %s ", n);
				holds |= strstr(padded, w) != NULL;
			}
			for (size_t i = 0; i < s->n; i++)
				visited |= s->ids[i] == id;
			if (holds && !visited)
				fail_msg("offer %lld holds one of needles %zu but was not visited", (long long)id, k);
		}
		sqlite3_reset(st);
		visited_all += s->n;
	}
	assert_true(visited_all > 100); /* it visits, and */
	s->n = 0;
	assert_int_equal(jobs_words_scan(f->db, "zzz\0", see, s), 0);
	assert_true(s->n < 30); /* passes over offers that cannot hold the words */
	free(s);
}

/* What a write does to the stored columns. */
static void test_columns_follow_writes(void **state)
{
	struct fx *f = *state;
	struct job j;
	int n = -1;

	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE derived <> 0"), 15); /* imported */
	assert_int_equal(jobs_board_refresh(f->db, &n), 0);
	assert_int_equal(n, 240); /* the ones written by hand above */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE derived <> " DERIVED), 0);
	/* a new title: the trigger marks it, the next look works it out */
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET title = 'Bảo vệ kho hàng',"
					" folded = 'bao ve kho hang' WHERE id = 6"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT derived FROM jobs WHERE id = 6"), 0);
	assert_int_equal(jobs_board_refresh(f->db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(jobs_get(f->db, 6, &j), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE id = 6 AND label LIKE 'Bao ve kho hang%'"
				  " AND types = 16 + 4"), 1);
	/* a status or deadline change is not re-derived: those are read as they are */
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET status = 'closed', deadline = '2027-01-01'"
					" WHERE id = 7"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT derived FROM jobs WHERE id = 7"), JOBS_BOARD_DERIVED);
	/* a place moved: job_places follows */
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET commune = 'Xã Đồng Tâm' WHERE id = 6"), 0);
	assert_int_equal(jobs_board_refresh(f->db, &n), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM job_places WHERE job_id = 6 AND place = 'dong tam'"),
			 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM job_places WHERE job_id = 6 AND place = 'tan lap'"),
			 0);
	/* a removed offer leaves no places behind */
	assert_int_equal(db_exec(f->db, "DELETE FROM jobs WHERE id = 15"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM job_places WHERE job_id = 15"), 0);
	/* a database migrated to the board (every offer at 0) is worked out whole */
	assert_int_equal(db_exec(f->db, "UPDATE jobs SET derived = 0, label = '', types = 0;"
					" DELETE FROM job_places"), 0);
	assert_int_equal(jobs_board_refresh(f->db, &n), 0);
	assert_int_equal(n, 254);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM jobs WHERE label = '' OR derived <> " DERIVED), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(DISTINCT job_id) FROM job_places"), 254);
}

/* --- pages: the layout against measuring every candidate text ----------- */

#define MAX_PAGES 256

/* The list's pages as they were laid out, measuring every candidate text:
 * each page's text into pages[] (at most MAX_PAGES kept); the number of
 * pages returned. */
static int ref_pages(struct db *db, const int64_t *ids, size_t n, const char *header,
		     const char *more, int max, struct buf *pages)
{
	struct buf cur, cand, foot;
	int page = 0;
	size_t i = 0;

	buf_init(&cur, 1 << 16);
	buf_init(&cand, 1 << 16);
	buf_init(&foot, 256);
	while (i < n) {
		size_t first = i;

		page++;
		buf_reset(&cur);
		if (page == 1)
			assert_int_equal(buf_adds(&cur, header), 0);
		while (i < n) {
			int parts = 0, ucs2 = 0, fits;
			struct job j;

			buf_reset(&cand);
			buf_reset(&foot);
			assert_int_equal(buf_add(&cand, cur.data, cur.len), 0);
			if (cand.len)
				assert_int_equal(buf_addch(&cand, '\n'), 0);
			assert_int_equal(jobs_get(db, ids[i], &j), 0);
			assert_int_equal(jobs_line(&j, &cand), 0);
			if (i + 1 < n)
				assert_int_equal(buf_addf(&foot, "\n>Tiep %s %d", more, page + 1), 0);
			assert_int_equal(buf_add(&cand, foot.data, foot.len), 0);
			fits = reply_measure(cand.data, &parts, &ucs2) == 0 && parts <= max;
			if (!fits && i > first)
				break;
			buf_truncate(&cand, cand.len - foot.len);
			buf_reset(&cur);
			assert_int_equal(buf_add(&cur, cand.data, cand.len), 0);
			i++;
		}
		if (page <= MAX_PAGES) {
			buf_init(&pages[page - 1], 1 << 16);
			assert_int_equal(buf_add(&pages[page - 1], cur.data, cur.len), 0);
			if (i < n)
				assert_int_equal(buf_addf(&pages[page - 1], "\n>Tiep %s %d", more, page + 1), 0);
		}
	}
	buf_release(&cur);
	buf_release(&cand);
	buf_release(&foot);
	return page;
}

static const char *reply_of(const struct handler_result *res, const char *phone)
{
	for (size_t i = 0; i < res->nout; i++)
		if (strcmp(res->out[i].phone, phone) == 0)
			return res->out[i].text;
	fail_msg("no reply to %s", phone);
	return "";
}

static void test_pages_as_measured(void **state)
{
	static const struct {
		const char *text, *more, *header;
		unsigned types;
		const char *area;
	} asks[] = {
		{ "VIEC", "VIEC", "Viec lam (UT <so> de dang ky):", 0, "" },
		{ "VIEC may", "VIEC may", "Viec lam may (UT <so> de dang ky):", JOBS_TYPE_MAY, "" },
		{ "VIEC bao ve", "VIEC bao ve", "Viec lam bao ve (UT <so> de dang ky):", JOBS_TYPE_BAO_VE, "" },
		{ "VIEC tan lap", "VIEC tan lap", "Viec lam tan lap (UT <so> de dang ky):", 0, "tan lap" },
	};
	static const int maxes[] = { 1, 3 };
	struct fx *f = *state;
	static struct buf pages[MAX_PAGES];
	static int64_t ids[MAX_IDS];
	struct buf sent, text;
	struct job *all = NULL;
	size_t nall = 0;

	buf_init(&sent, 1 << 16);
	buf_init(&text, 256);
	assert_int_equal(jobs_current(f->db, TODAY, &all, &nall), 0);
	/* one household with a home: its offers first */
	assert_int_equal(db_exec(f->db, "INSERT INTO subscriptions (phone, area, job_type, created_at)"
					" VALUES ('+84912000009', 'song lo', '', 1)"), 0);
	for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
		f->cfg.sms.max_parts = maxes[m];
		for (size_t a = 0; a < sizeof(asks) / sizeof(asks[0]); a++)
			for (int home = 0; home < 2; home++) {
				const char *phone = home ? "+84912000009" : "+84912000008";
				struct reply_opts o = { maxes[m], 0, f->cfg.sms.reply_diacritics, NULL, NULL };
				struct jobs_filter fl;
				size_t n;
				int np;

				memset(&fl, 0, sizeof(fl));
				fl.types = asks[a].types;
				snprintf(fl.area, sizeof(fl.area), "%s", asks[a].area);
				n = ref_list(all, nall, &fl, home ? "|song lo|" : "|", ids);
				np = ref_pages(f->db, ids, n, asks[a].header, asks[a].more, maxes[m], pages);
				assert_true(np > 1 && np <= MAX_PAGES);
				for (int page = 1; page <= np + 2; page += page < 3 ? 1 : np / 3 + 1) {
					struct handler_env env = { f->db, &f->cfg };
					struct handler_msg msg = { phone, "", f->now, HANDLER_CHANNEL_SMS };
					struct handler_result res;
					int one = 0;

					buf_reset(&text);
					assert_int_equal(buf_addf(&text, "%s %d", asks[a].text, page), 0);
					msg.text = text.data;
					/* sent as any reply is: a line too long alone is cut */
					buf_reset(&sent);
					assert_int_equal(reply_page(pages[(page < np ? page : np) - 1].data, &o, 1,
								    &sent, &one), 0);
					handler_result_init(&res);
					assert_int_equal(db_begin(f->db), 0);
					assert_int_equal(handler_process(&env, &msg, &res), 0);
					assert_int_equal(db_commit(f->db), 0);
					if (strcmp(reply_of(&res, phone), sent.data) != 0)
						fail_msg("%s (max %d, home %d):\n%s\n-- measured --\n%s", text.data,
							 maxes[m], home, reply_of(&res, phone), sent.data);
					assert_int_equal(json_integer_value(json_object_get(res.extra, "pages")), np);
					handler_result_release(&res);
				}
				for (int p = 0; p < np; p++)
					buf_release(&pages[p]);
			}
	}
	free(all);
	buf_release(&sent);
	buf_release(&text);
}

/* A list of thousands of offers reads the narrow index, not the offers:
 * the pages a fresh connection fetches for a job question stay a small
 * part of the jobs table's. (Reading every offer, as before, fetched all
 * of them.) */
static void test_reads_index_not_offers(void **state)
{
	struct fx *f = *state;
	struct handler_env env = { NULL, &f->cfg };
	struct handler_msg msg = { "+84912000007", "VIEC may 2", 0, HANDLER_CHANNEL_SMS };
	struct handler_result res;
	struct db *fresh;
	int64_t table = 0;
	int miss = 0, hi = 0;

	/* 3,000 offers of about 2 KB each */
	assert_int_equal(db_exec(f->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
					" WHERE i < 2760) INSERT INTO jobs (code, title, province, district,"
					" commune, requirements, benefits, folded, status, created_at, updated_at)"
					" SELECT 'JOB-B-' || i, s.title, s.province, s.district, s.commune,"
					" s.requirements || printf('%.1500c', '.'), s.benefits, s.folded, 'open',"
					" s.created_at + i, s.updated_at FROM n JOIN jobs s ON s.id = 1 + i % 15"), 0);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(jobs_board_refresh(f->db, NULL), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(db_query_int64(f->db, "SELECT count(*) FROM dbstat WHERE name = 'jobs'", &table), 0);
	assert_true(table > 1000);
	fresh = fixture_store(&f->fx, "gw.db", 1000);
	env.db = fresh;
	msg.at = f->now;
	sqlite3_db_status(db_handle(fresh), SQLITE_DBSTATUS_CACHE_MISS, &miss, &hi, 1);
	handler_result_init(&res);
	assert_int_equal(db_begin(fresh), 0);
	assert_int_equal(handler_process(&env, &msg, &res), 0);
	assert_int_equal(db_commit(fresh), 0);
	assert_string_equal(res.intent, "job_list");
	sqlite3_db_status(db_handle(fresh), SQLITE_DBSTATUS_CACHE_MISS, &miss, &hi, 0);
	if (miss * 10 > table)
		fail_msg("a job question read %d pages; the offers take %lld", miss, (long long)table);
	handler_result_release(&res);
	db_close(fresh);
	/* what reading every current offer costs, for comparison */
	fresh = fixture_store(&f->fx, "gw.db", 1000);
	{
		struct job *all = NULL;
		size_t n = 0;

		sqlite3_db_status(db_handle(fresh), SQLITE_DBSTATUS_CACHE_MISS, &miss, &hi, 1);
		assert_int_equal(jobs_current(fresh, TODAY, &all, &n), 0);
		sqlite3_db_status(db_handle(fresh), SQLITE_DBSTATUS_CACHE_MISS, &miss, &hi, 0);
		assert_true(miss * 2 > table);
		free(all);
	}
	db_close(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lists_match_the_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_places_in_question, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_in_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_words_scan_covers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_follow_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_as_measured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_index_not_offers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
