/* progsearch.c - CPU time of one answer with a large knowledge base.
 *
 * Loads N synthetic programmes (default 10,000) made exactly as
 * bench/rss_load.py makes them (synthetic(): clones of the records in
 * data/programs.json with code SYN-%05d, "(bản i)" / "(copy i)" added to
 * the titles and one extra keyword "ma so i"), so the figures compare with
 * that benchmark; N = 0 loads the sample programmes instead. Jobs: the
 * sample ones, or M synthetic ones (JOB-SYN-%05d, "(đợt i)", "dot i") with
 * --jobs M as rss_load.py does (10,000 there; job questions then measure
 * the job search more than the programme search). Then answers the 150
 * labelled fixture messages R times (default 3) and reports, per question,
 * the CPU time (CLOCK_PROCESS_CPUTIME_ID) of
 *
 *   answer: handler_process + queueing the reply + commit, as the daemon does;
 *   search: progsearch_find alone on the normalised text (no scope).
 *
 * median, p95 and max. The very first answer is reported apart: it also
 * builds the per-connection caches. "Program family accuracy" counts the
 * fixture rows that expect a programme code whose answer is that programme
 * or one of its clones (SYN-i is a clone of sample programme i mod 30), so
 * it also shows whether search still finds the topic among N programmes
 * (the lexicon's programme cues name the sample codes only, so clones
 * score a little below the sample on it). An answer that fails is counted
 * ("answers failed"), as the daemon would roll it back and apologise.
 *
 * Built by `make bench-bins` as build/bench/bin/bench_progsearch; run from
 * the top of the tree:
 *   taskset -c 0 build/bench/bin/bench_progsearch [--programs N] [--jobs M] [--rounds R]
 *     [--keep]  (leave the database in /tmp to look at)
 *     [--each]  (one line a question in the first round: times, programme
 *                found, intent, answer's reference, hash of the replies)
 *     [--intent PREFIX]  (only the fixture rows labelled with an intent
 *                starting so: "job" times the job questions, as
 *                bench/jobs_board.py does with --programs 0 --jobs M)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "config/settings.h"
#include "gateway/content/content.h"
#include "gateway/outbox.h"
#include "handlers/handler.h"
#include "handlers/understand/lexicon.h"
#include "handlers/understand/progsearch.h"
#include "handlers/vi/normalize.h"

#define BENCH_ROWS_MAX 512
#define BENCH_LINE_MAX 4096

struct row {
	char *text;
	char intent[64];
	char expected[256];
};

static int load_rows(const char *path, struct row *rows, int max)
{
	char line[BENCH_LINE_MAX];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) { /* header */
		fclose(f);
		return -1;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		char *t1, *t2;

		line[strcspn(line, "\r\n")] = '\0';
		if (!(t1 = strchr(line, '\t')) || !(t2 = strchr(t1 + 1, '\t')))
			continue;
		*t1 = *t2 = '\0';
		snprintf(rows[n].intent, sizeof(rows[n].intent), "%s", t1 + 1);
		snprintf(rows[n].expected, sizeof(rows[n].expected), "%s", t2 + 1);
		if (!(rows[n].text = strdup(line)))
			break;
		n++;
	}
	fclose(f);
	return n;
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* FNV-1a over the reply texts, to compare two builds' answers line by line. */
static unsigned replies_hash(const struct handler_result *res)
{
	unsigned h = 2166136261u;

	for (size_t k = 0; k < res->nout; k++)
		for (const char *c = res->out[k].text; *c; c++)
			h = (h ^ (unsigned char)*c) * 16777619u;
	return h;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, int n, double p)
{
	int k = (int)(p / 100.0 * n + 0.999999) - 1;

	return n ? v[k < 0 ? 0 : k >= n ? n - 1 : k] : 0;
}

static void report(const char *what, double *v, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("%s CPU ms: median %.3f p95 %.3f max %.3f mean %.3f (%d)\n", what, pct(v, n, 50),
	       pct(v, n, 95), n ? v[n - 1] : 0, n ? sum / n : 0, n);
}

/* bench/rss_load.py synthetic(), for one kind: clone base[i % len] n times. */
static json_t *synthetic(json_t *base, int n, int jobs)
{
	json_t *out = json_array();

	for (int i = 0; out && i < n; i++) {
		json_t *r = json_deep_copy(json_array_get(base, (size_t)i % json_array_size(base)));
		json_t *kw;
		char s[1024];

		if (!r)
			goto fail;
		snprintf(s, sizeof(s), jobs ? "JOB-SYN-%05d" : "SYN-%05d", i);
		json_object_set_new(r, jobs ? "id" : "code", json_string(s));
		snprintf(s, sizeof(s), jobs ? "%s (đợt %d)" : "%s (bản %d)",
			 json_string_value(json_object_get(r, jobs ? "title" : "title_vi")), i);
		json_object_set_new(r, jobs ? "title" : "title_vi", json_string(s));
		if (!jobs && json_object_get(r, "title_en")) {
			snprintf(s, sizeof(s), "%s (copy %d)",
				 json_string_value(json_object_get(r, "title_en")), i);
			json_object_set_new(r, "title_en", json_string(s));
		}
		if (!(kw = json_object_get(r, "keywords"))) {
			kw = json_array();
			json_object_set_new(r, "keywords", kw);
		}
		snprintf(s, sizeof(s), jobs ? "dot %d" : "ma so %d", i);
		json_array_append_new(kw, json_string(s));
		json_array_append_new(out, r);
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static int load(struct db *db, enum content_kind kind, const char *path, int n, json_t **base_out)
{
	char err[512];
	struct content_opts o;
	json_t *base = NULL, *recs = NULL;
	int r;

	if ((r = content_load_json(path, kind, &base, err, sizeof(err))) < 0)
		goto out;
	recs = n ? synthetic(base, n, kind == CONTENT_JOBS) : json_incref(base);
	r = -1;
	if (!recs)
		goto out;
	content_opts_init(&o, "bench", path);
	r = content_apply(db, kind, recs, &o, NULL, err, sizeof(err));
	if (r == 0 && base_out) {
		*base_out = base;
		base = NULL;
	}
out:
	if (r < 0)
		fprintf(stderr, "loading %s: %s\n", path, err);
	json_decref(recs);
	json_decref(base);
	return r;
}

/* The sample programme a code stands for: itself, or the one SYN-i clones. */
static const char *family(json_t *base, const char *code)
{
	if (!strncmp(code, "SYN-", 4)) {
		long i = strtol(code + 4, NULL, 10);

		return json_string_value(json_object_get(
			json_array_get(base, (size_t)i % json_array_size(base)), "code"));
	}
	return code;
}

static int is_base_code(json_t *base, const char *code)
{
	for (size_t i = 0; i < json_array_size(base); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(base, i), "code")), code))
			return 1;
	return 0;
}

/* 1 when every alternative of expected ("A|B") is a sample programme code;
 * *hit set when got is one of them. */
static int expects_program(json_t *base, const char *expected, const char *got, int *hit)
{
	char b[256], *save = NULL, *tok;
	int all = 0;

	*hit = 0;
	snprintf(b, sizeof(b), "%s", expected);
	for (tok = strtok_r(b, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		if (!is_base_code(base, tok))
			return 0;
		all = 1;
		*hit |= !strcmp(tok, got);
	}
	return all;
}

int main(int argc, char **argv)
{
	struct row rows[BENCH_ROWS_MAX];
	char dir[] = "/tmp/gw-bench-ps-XXXXXX", path[512], err[512];
	int nprog = 10000, njobs = 0, rounds = 3, nrows, rc = 1, na = 0, ns = 0;
	int code_rows = 0, code_ok = 0, failed = 0, keep = 0, each = 0;
	const char *only = "";
	int had_first = 0;
	double *answer = NULL, *search = NULL, first = 0, load_s = 0;
	json_t *base = NULL;
	struct gw_settings cfg;
	struct rusage ru;
	struct db *db = NULL;
	struct buf norm;
	time_t at = 1767225600;

	buf_init(&norm, 4 * NORMALIZE_INPUT_MAX);
	log_setup("bench", LOG_LVL_ERROR, 0, 0);
	for (int i = 1; i < argc; i += 2) {
		long v = i + 1 < argc ? strtol(argv[i + 1], NULL, 10) : 0;

		if (!strcmp(argv[i], "--keep"))
			keep = 1, i--;
		else if (!strcmp(argv[i], "--each"))
			each = 1, i--;
		else if (!strcmp(argv[i], "--programs"))
			nprog = (int)v;
		else if (!strcmp(argv[i], "--jobs"))
			njobs = (int)v;
		else if (!strcmp(argv[i], "--rounds"))
			rounds = (int)v;
		else if (!strcmp(argv[i], "--intent") && i + 1 < argc)
			only = argv[i + 1];
	}
	if (nprog < 0 || njobs < 0 || rounds < 1 ||
	    (nrows = load_rows("tests/fixtures/messages-dev.tsv", rows, BENCH_ROWS_MAX)) < 1) {
		fprintf(stderr, "usage (from the top of the tree): %s [--programs N] [--jobs M]"
			" [--rounds R] [--keep] [--each] [--intent PREFIX]\n", argv[0]);
		return 2;
	}
	if (!(answer = calloc((size_t)(nrows * rounds), sizeof(*answer))) ||
	    !(search = calloc((size_t)(nrows * rounds), sizeof(*search))) || !mkdtemp(dir))
		goto out;
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	load_s = cpu_ms();
	if (store_open(&db, path, 5000) < 0 ||
	    lexicon_import(db, "data/lexicon.json", err, sizeof(err)) < 0) {
		fprintf(stderr, "setup failed: %s\n", err);
		goto out;
	}
	if (load(db, CONTENT_PROGRAMS, "data/programs.json", nprog, &base) < 0 ||
	    load(db, CONTENT_JOBS, "data/jobs.json", njobs, NULL) < 0)
		goto out;
	load_s = (cpu_ms() - load_s) / 1e3;
	settings_defaults(&cfg);
	cfg.sms.rate_limit_per_hour = 100000;
	for (int round = 0; round < rounds; round++) {
		for (int i = 0; i < nrows; i++) {
			struct handler_env env = { db, &cfg };
			struct handler_msg msg;
			struct handler_result res;
			struct progsearch_hit hit;
			char phone[32], said[128];
			double t;
			int r, ok;

			if (strncmp(rows[i].intent, only, strlen(only)) != 0)
				continue;
			snprintf(phone, sizeof(phone), "+8490%07d", i);
			msg.phone = phone;
			msg.text = rows[i].text;
			msg.at = at;
			msg.channel = HANDLER_CHANNEL_SMS;
			handler_result_init(&res);
			t = cpu_ms();
			if ((r = db_begin(db)) < 0 || (r = handler_process(&env, &msg, &res)) < 0 ||
			    (r = outbox_queue(db, &res, 0, at)) < 0 || (r = db_commit(db)) < 0) {
				/* the daemon rolls back and apologises: counted, not timed */
				db_rollback(db);
				if (round == 0)
					printf("answer failed (%s): %s\n", gw_strerror(r), rows[i].text);
				failed++;
			} else if (!had_first) {
				had_first = 1;
				first = cpu_ms() - t;
			} else {
				answer[na++] = cpu_ms() - t;
			}
			snprintf(said, sizeof(said), "%s %s %08x", res.intent, *res.ref ? res.ref : "-",
				 replies_hash(&res));
			if (round == 0 &&
			    expects_program(base, rows[i].expected, family(base, res.ref), &ok)) {
				code_rows++;
				code_ok += ok;
			}
			handler_result_release(&res);
			buf_reset(&norm);
			if (normalize_text(&norm, rows[i].text, strlen(rows[i].text)) < 0)
				goto out;
			t = cpu_ms();
			r = progsearch_find(db, norm.data, NULL, &hit);
			search[ns++] = cpu_ms() - t;
			if (each && round == 0)
				printf("  %8.3f ms answer, %8.3f ms search, %-12s [%s] %s\n",
				       na ? answer[na - 1] : first, search[ns - 1], r == 0 ? hit.code : "-",
				       said, rows[i].text);
			if (r < 0 && r != GW_ERR_NOTFOUND) {
				fprintf(stderr, "progsearch_find failed (%d)\n", r);
				goto out;
			}
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	{
		int64_t np = 0, nj = 0;

		/* the counts only label the result: 0 when they cannot be read */
		if (db_query_int64(db, "SELECT count(*) FROM programs", &np) < 0 ||
		    db_query_int64(db, "SELECT count(*) FROM jobs", &nj) < 0)
			fprintf(stderr, "content counts not read\n");
		printf("content: %lld programmes (%s), %lld jobs (%s), loaded in %.1f s CPU\n",
		       (long long)np, nprog ? "synthetic, bench/rss_load.py's generator" : "sample",
		       (long long)nj, njobs ? "synthetic" : "sample", load_s);
	}
	printf("questions: %d fixture messages x %d rounds\n", ns / rounds, rounds);
	printf("first answer CPU ms: %.3f (builds the per-connection caches)\n", first);
	report("answer", answer, na);
	report("search", search, ns);
	printf("answers failed: %d\n", failed);
	printf("program family accuracy: %d/%d\n", code_ok, code_rows);
	printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	rc = 0;
out:
	db_close(db);
	json_decref(base);
	buf_release(&norm);
	free(answer);
	free(search);
	for (int i = 0; i < nrows; i++)
		free(rows[i].text);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (keep)
		printf("kept %s/gw.db\n", dir);
	else if (system(path) != 0)
		rc = 1;
	return rc;
}
