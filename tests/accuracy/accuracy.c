/* accuracy.c - how well the gateway understands a labelled set of SMS.
 *
 * Every row of a set (a .tsv in tests/fixtures: text, intent, expected, and
 * for appointments date and time) goes through exactly the inbound path
 * (handler_process: normalise, route, classify, search, answer) on one
 * fresh database loaded the way `gatewayctl init` and `import` load it,
 * each row from its own phone, all arriving at --at (office time). What
 * came back is scored:
 *   intent      the label (a set without "noise" labels calls noise
 *               "unknown": then our noise counts as unknown; MENU is help)
 *   programme   rows whose expected value is programme codes ("A|B": any)
 *   job offer   rows whose expected value is a job id: the application's
 *               job (job_apply), or among the offers listed (job_list)
 *   job filters job_list rows labelled key=value: place/area/country,
 *               type (each kind labelled among those read), gender, age
 *               as read (simulate --json "filters"); a key the gateway
 *               has no filter for (shuttle, wage) is a miss
 *   action      appointment rows: book / move / cancel / list
 *   dates       appointment rows: date and time both as labelled (empty =
 *               none), with the intent right
 * The old set has no date columns: --dates FILE (text, action, date, time)
 * gives them. --min intent=0.95,program=0.9,job=0.88,dates=0.9 makes the
 * exit status 1 when a share is below its minimum, or a reply is longer
 * than sms.max_parts. -v prints each miss
 * with the reply; -x also the cues that fired and the programme scores
 * (intent_explain, progsearch_explain), to trace a miss to its data.
 *
 * Usage: accuracy [-v] [-x] --at 'YYYY-MM-DD HH:MM' [--dates FILE] [--min SPEC]
 *                 [--data DIR] SET.tsv
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/db.h"
#include "common/log.h"
#include "common/store.h"
#include "config/settings.h"
#include "gateway/content/content.h"
#include "handlers/core/reply.h"
#include "handlers/dialog/dialog_data.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/handler.h"
#include "handlers/understand/intent.h"
#include "handlers/understand/lexicon.h"
#include "handlers/understand/progsearch.h"
#include "handlers/vi/normalize.h"
#include "handlers/vi/textfold.h"

#define LINE_MAX_LEN 8192
#define MAX_ROWS 2000
#define MAX_INTENTS 16
#define FIELD(r, i) ((r)->f[i] ? (r)->f[i] : "")

enum { C_TEXT, C_INTENT, C_EXPECTED, C_DATE, C_TIME, C_ACTION, C_COLS };

struct row {
	char *line;
	const char *f[C_COLS];
};

struct score {
	int n, ok;
};

struct report {
	struct score intent, program, job, filters, action, dates;
	int over_budget, max_parts; /* replies longer than sms.max_parts */
	char names[MAX_INTENTS][32];
	int nnames;
	int confusion[MAX_INTENTS][MAX_INTENTS];
};

struct opts {
	const char *set, *at, *dates, *min, *data;
	int verbose, explain;
};

/* ---- reading sets ---- */

static int split_tabs(char *line, char **cols, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		char *tab = strchr(line, '\t');

		cols[n++] = line;
		if (!tab)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

/* Rows of a set; its header names the columns (text intent expected date
 * time; "action" in a --dates file). */
static int load(const char *path, struct row *rows, int max)
{
	char buf[LINE_MAX_LEN], *cols[16];
	int idx[C_COLS], n = 0, nc;
	static const char *const names[C_COLS] = { "text", "intent", "expected", "date", "time",
						   "action" };
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		fprintf(stderr, "accuracy: cannot read %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	nc = split_tabs(buf, cols, 16);
	for (int c = 0; c < C_COLS; c++) {
		idx[c] = -1;
		for (int k = 0; k < nc; k++)
			if (!strcmp(cols[k], names[c]))
				idx[c] = k;
	}
	while (n < max && fgets(buf, sizeof(buf), f)) {
		struct row *r = &rows[n];

		if (!(r->line = strdup(buf)))
			break;
		nc = split_tabs(r->line, cols, 16);
		for (int c = 0; c < C_COLS; c++)
			r->f[c] = idx[c] >= 0 && idx[c] < nc ? cols[idx[c]] : NULL;
		n++;
	}
	fclose(f);
	return n;
}

static const struct row *find_text(const struct row *rows, int n, const char *text)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(FIELD(&rows[i], C_TEXT), text))
			return &rows[i];
	return NULL;
}

/* ---- the database, as gatewayctl init + import make it ---- */

static struct db *open_db(const char *dir, const char *data)
{
	struct content_counts counts;
	char path[1024], err[512];
	struct db *db = NULL;

	snprintf(path, sizeof(path), "%s/gw.db", dir);
	if (store_open(&db, path, 5000) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/lexicon.json", data);
	if (lexicon_import(db, path, err, sizeof(err)) < 0)
		goto bad;
	snprintf(path, sizeof(path), "%s/dialogs.json", data);
	if (dialog_data_import(db, path, err, sizeof(err)) < 0)
		goto bad;
	snprintf(path, sizeof(path), "%s/programs.json", data);
	if (content_import_programs(db, path, "accuracy", &counts, err, sizeof(err)) != 0)
		goto bad;
	snprintf(path, sizeof(path), "%s/jobs.json", data);
	if (content_import_jobs(db, path, "accuracy", &counts, err, sizeof(err)) != 0)
		goto bad;
	return db;
bad:
	fprintf(stderr, "accuracy: loading %s: %s\n", path, err);
	db_close(db);
	return NULL;
}

static int is_program(struct db *db, const char *code)
{
	sqlite3_stmt *st;
	int r = db_row(db, "SELECT 1 FROM programs WHERE code = ?", DB_ARGS(DB_TEXT(code)), &st);

	if (r == 0)
		sqlite3_reset(st);
	return r == 0;
}

/* 1 when every '|' alternative of expected is a programme code. */
static int names_programs(struct db *db, const char *expected)
{
	char code[64];
	const char *p = expected;

	if (!*p || !strcmp(p, "-"))
		return 0;
	while (*p) {
		size_t n = strcspn(p, "|");

		if (n >= sizeof(code))
			return 0;
		memcpy(code, p, n);
		code[n] = '\0';
		if (!is_program(db, code))
			return 0;
		p += n + (p[n] == '|');
	}
	return 1;
}

/* 1 when got is one of the '|' alternatives of want. */
static int one_of(const char *want, const char *got)
{
	size_t n = strlen(got);

	for (const char *p = want; *p;) {
		size_t k = strcspn(p, "|/");

		if (k == n && !strncmp(p, got, n))
			return 1;
		p += k + (p[k] != '\0');
	}
	return 0;
}

/* ---- scoring one row ---- */

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;

	return v && json_is_string(v) ? json_string_value(v) : "";
}

static int intent_slot(struct report *rp, const char *name)
{
	for (int i = 0; i < rp->nnames; i++)
		if (!strcmp(rp->names[i], name))
			return i;
	if (rp->nnames == MAX_INTENTS)
		return MAX_INTENTS - 1;
	snprintf(rp->names[rp->nnames], sizeof(rp->names[0]), "%s", name);
	return rp->nnames++;
}

/* Folded lower-case ASCII of s into out (sz bytes). */
static void folded(const char *s, char *out, size_t sz)
{
	struct buf b;

	buf_init(&b, sz - 1);
	if (textfold_ascii(&b, s, strlen(s)) < 0)
		buf_reset(&b);
	snprintf(out, sz, "%s", b.data ? b.data : "");
	buf_release(&b);
}

/* Does the label's type ("lam tai nha/ban thoi gian": any of them) agree
 * with the types read? Every kind of work it names must have been read;
 * more read from the sender's words ("cong nhan may": may and cong nhan)
 * still agree. */
static int type_agrees(const char *label, const char *ours)
{
	unsigned got = 0;
	char w[128];

	for (const char *p = ours; *p;) {
		size_t k = strcspn(p, ",");

		snprintf(w, sizeof(w), "%.*s", (int)k, p);
		got |= jobs_filter_type_named(w);
		p += k + (p[k] == ',');
	}
	for (const char *p = label; *p;) {
		size_t k = strcspn(p, "/");
		unsigned want;

		snprintf(w, sizeof(w), "%.*s", (int)k, p);
		want = jobs_filter_type_named(w);
		if ((want && (want & got) == want) || (!want && !strcmp(w, ours)))
			return 1;
		p += k + (p[k] == '/');
	}
	return 0;
}

/* Does every key=value of the label agree with the filters read? */
static int filters_agree(const char *label, json_t *filters)
{
	char kv[256], want[128], got[128];
	const char *p = label;
	int ok = 1;

	if (!strcmp(p, "-"))
		p = "";
	for (; *p && ok;) {
		size_t k = strcspn(p, ";");
		char *eq;

		snprintf(kv, sizeof(kv), "%.*s", (int)k, p);
		p += k + (p[k] == ';');
		if (!(eq = strchr(kv, '=')))
			continue;
		*eq = '\0';
		folded(eq + 1, want, sizeof(want));
		if (!strcmp(kv, "place") || !strcmp(kv, "area") || !strcmp(kv, "country")) {
			folded(jstr(filters, "area"), got, sizeof(got));
			ok = !strcmp(want, got);
		} else if (!strcmp(kv, "type")) {
			ok = type_agrees(want, jstr(filters, "type"));
		} else if (!strcmp(kv, "gender")) {
			ok = !strcmp(want, jstr(filters, "gender"));
		} else if (!strcmp(kv, "age")) {
			json_t *a = filters ? json_object_get(filters, "age") : NULL;

			ok = json_is_integer(a) && json_integer_value(a) == strtol(want, NULL, 10);
		} else {
			ok = 0; /* a filter the gateway does not have */
		}
	}
	return ok;
}

static int job_listed(json_t *extra, const char *id)
{
	json_t *jobs = extra ? json_object_get(extra, "jobs") : NULL, *v;
	size_t i;

	json_array_foreach(jobs, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), id))
			return 1;
	return 0;
}

/* The cues and programme scores behind the answer to text. */
static void explain(struct db *db, const char *text)
{
	struct intent_features f;
	struct progsearch_hit hit;
	struct buf norm, why;

	memset(&f, 0, sizeof(f));
	buf_init(&norm, 4 * NORMALIZE_INPUT_MAX);
	buf_init(&why, 16384);
	if (normalize_text(&norm, text, strlen(text)) == 0) {
		f.english = normalize_is_english(norm.data);
		if (progsearch_named(db, norm.data, NULL, &hit) == 0) {
			f.names_program = hit.named;
			f.program_strong = hit.covered >= PROGSEARCH_STRONG;
		}
		if (intent_explain(db, norm.data, &f, &why) == 0 &&
		    progsearch_explain(db, norm.data, NULL, &why) == 0)
			printf("       norm: %s\n%s", norm.data, why.data);
	}
	buf_release(&norm);
	buf_release(&why);
}

static void miss(struct db *db, const struct opts *o, const char *what, const char *want,
		 const char *got, const char *text, const struct handler_result *res)
{
	printf("  miss %-8s want %-22s got %-22s | %s\n", what, want, got, text);
	if ((o->verbose || o->explain) && res->nout)
		printf("       reply: %.200s\n", res->out[0].text);
	if (o->explain)
		explain(db, text);
}

static void score_row(struct db *db, const struct opts *o, const struct row *r,
		      const struct row *dates, int noise_labels, const struct handler_result *res,
		      struct report *rp)
{
	const char *want = FIELD(r, C_INTENT), *exp = FIELD(r, C_EXPECTED), *text = FIELD(r, C_TEXT);
	const char *got = res->intent;
	char wd[64], gd[64];
	int parts = 0, ucs2 = 0;

	if (!strcmp(got, "menu"))
		got = "help";
	if (!noise_labels && !strcmp(got, "noise"))
		got = "unknown";
	rp->intent.n++;
	rp->intent.ok += !strcmp(want, got);
	rp->confusion[intent_slot(rp, want)][intent_slot(rp, got)]++;
	if (strcmp(want, got))
		miss(db, o, "intent", want, got, text, res);
	for (size_t i = 0; i < res->nout; i++)
		if (reply_measure(res->out[i].text, &parts, &ucs2) == 0 && parts > rp->max_parts)
			rp->over_budget++;
	if (names_programs(db, exp)) {
		rp->program.n++;
		if (one_of(exp, res->ref))
			rp->program.ok++;
		else
			miss(db, o, "program", exp, *res->ref ? res->ref : "-", text, res);
	}
	if (!strncmp(exp, "JOB-", 4)) {
		int ok = !strcmp(want, "job_apply") ? !strcmp(exp, res->ref)
						     : job_listed(res->extra, exp);

		rp->job.n++;
		rp->job.ok += ok;
		if (!ok)
			miss(db, o, "job", exp, *res->ref ? res->ref : "-", text, res);
	} else if (!strcmp(want, "job_list")) {
		int ok = !strcmp(got, "job_list") &&
			 filters_agree(exp, res->extra ? json_object_get(res->extra, "filters") : NULL);
		char *f = res->extra ? json_dumps(json_object_get(res->extra, "filters"),
						  JSON_COMPACT | JSON_SORT_KEYS) : NULL;

		rp->filters.n++;
		rp->filters.ok += ok;
		if (!ok)
			miss(db, o, "filters", *exp ? exp : "-", f ? f : "-", text, res);
		free(f);
	}
	if (strcmp(want, "appointment") != 0)
		return;
	if (dates || r->f[C_DATE]) {
		const struct row *d = dates ? dates : r;
		const char *act = dates ? FIELD(dates, C_ACTION) : exp;
		int ok = !strcmp(got, "appointment") && !strcmp(jstr(res->extra, "date"), FIELD(d, C_DATE)) &&
			 !strcmp(jstr(res->extra, "time"), FIELD(d, C_TIME));

		rp->action.n++;
		if (!strcmp(jstr(res->extra, "action"), act))
			rp->action.ok++;
		else
			miss(db, o, "action", act, jstr(res->extra, "action"), text, res);
		rp->dates.n++;
		rp->dates.ok += ok;
		snprintf(wd, sizeof(wd), "%s %s", *FIELD(d, C_DATE) ? FIELD(d, C_DATE) : "-",
			 *FIELD(d, C_TIME) ? FIELD(d, C_TIME) : "-");
		snprintf(gd, sizeof(gd), "%s %s", *jstr(res->extra, "date") ? jstr(res->extra, "date") : "-",
			 *jstr(res->extra, "time") ? jstr(res->extra, "time") : "-");
		if (!ok)
			miss(db, o, "when", wd, gd, text, res);
	}
}

/* ---- the run ---- */

static void line(const char *what, const struct score *s)
{
	if (s->n)
		printf("%-26s %4d/%-4d %5.1f%%\n", what, s->ok, s->n, 100.0 * s->ok / s->n);
	else
		printf("%-26s    -\n", what);
}

/* "intent=0.95,program=0.9": 0 when every share named reaches its minimum. */
static int below_min(const char *spec, const struct report *rp)
{
	const struct {
		const char *name;
		const struct score *s;
	} m[] = { { "intent", &rp->intent }, { "program", &rp->program }, { "job", &rp->job },
		  { "filters", &rp->filters }, { "action", &rp->action }, { "dates", &rp->dates } };
	int bad = 0;

	for (const char *p = spec ? spec : ""; *p;) {
		size_t k = strcspn(p, ",");
		char item[64], *eq;

		snprintf(item, sizeof(item), "%.*s", (int)k, p);
		p += k + (p[k] == ',');
		if (!(eq = strchr(item, '=')))
			continue;
		*eq = '\0';
		for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
			if (!strcmp(item, m[i].name) && m[i].s->n &&
			    m[i].s->ok < strtod(eq + 1, NULL) * m[i].s->n) {
				printf("below minimum: %s %.3f < %s\n", item,
				       (double)m[i].s->ok / m[i].s->n, eq + 1);
				bad = 1;
			}
	}
	return bad;
}

static void print_report(const struct opts *o, int n, const struct report *rp)
{
	printf("\nset %s: %d rows, arrival %s (office time)\n", o->set, n, o->at);
	line("intent", &rp->intent);
	line("programme", &rp->program);
	line("job offer (named)", &rp->job);
	line("job filters", &rp->filters);
	line("appointment action", &rp->action);
	line("dates and times", &rp->dates);
	printf("%-26s %4d\n", "replies over sms.max_parts", rp->over_budget);
	printf("confusion (rows: label, columns: answer)\n%-12s", "");
	for (int j = 0; j < rp->nnames; j++)
		printf(" %6.6s", rp->names[j]);
	printf("\n");
	for (int i = 0; i < rp->nnames; i++) {
		printf("%-12s", rp->names[i]);
		for (int j = 0; j < rp->nnames; j++)
			printf(" %6d", rp->confusion[i][j]);
		printf("\n");
	}
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->data = "data";
	for (int i = 1; i < argc; i++) {
		const char **dst = NULL;

		if (!strcmp(argv[i], "-v"))
			o->verbose = 1;
		else if (!strcmp(argv[i], "-x"))
			o->explain = 1;
		else if (!strcmp(argv[i], "--at"))
			dst = &o->at;
		else if (!strcmp(argv[i], "--dates"))
			dst = &o->dates;
		else if (!strcmp(argv[i], "--min"))
			dst = &o->min;
		else if (!strcmp(argv[i], "--data"))
			dst = &o->data;
		else if (argv[i][0] != '-' && !o->set)
			o->set = argv[i];
		else
			return -1;
		if (dst && ++i < argc)
			*dst = argv[i];
		else if (dst)
			return -1;
	}
	return o->set && o->at ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct row rows[MAX_ROWS], dates[MAX_ROWS];
	static struct report rp;
	char dir[] = "/tmp/gw-accuracy-XXXXXX", path[1024];
	struct gw_settings cfg;
	struct opts o;
	struct db *db = NULL;
	time_t at;
	int n, nd = 0, noise = 0, rc = 2;

	log_setup("accuracy", LOG_LVL_ERROR, 0, 0);
	settings_defaults(&cfg);
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: accuracy [-v] [-x] --at 'YYYY-MM-DD HH:MM' [--dates FILE]"
				" [--min SPEC] [--data DIR] SET.tsv\n");
		return 2;
	}
	if (gw_parse_local(o.at, cfg.office.utc_offset_min, &at) < 0 ||
	    (n = load(o.set, rows, MAX_ROWS)) < 0 || (o.dates && (nd = load(o.dates, dates, MAX_ROWS)) < 0))
		return 2;
	if (!mkdtemp(dir) || !(db = open_db(dir, o.data)))
		goto out;
	rp.max_parts = cfg.sms.max_parts;
	for (int i = 0; i < n; i++)
		noise |= !strcmp(FIELD(&rows[i], C_INTENT), "noise");
	for (int i = 0; i < n; i++) {
		struct handler_env env = { db, &cfg };
		struct handler_msg msg;
		struct handler_result res;
		char phone[32];

		snprintf(phone, sizeof(phone), "+8490%07d", i + 1);
		msg.phone = phone;
		msg.text = FIELD(&rows[i], C_TEXT);
		msg.at = at;
		msg.channel = HANDLER_CHANNEL_SMS;
		handler_result_init(&res);
		if (db_begin(db) < 0 || handler_process(&env, &msg, &res) < 0 || db_commit(db) < 0) {
			fprintf(stderr, "accuracy: handling failed: %s\n", msg.text);
			handler_result_release(&res);
			goto out;
		}
		score_row(db, &o, &rows[i], o.dates ? find_text(dates, nd, msg.text) : NULL, noise,
			  &res, &rp);
		handler_result_release(&res);
	}
	print_report(&o, n, &rp);
	rc = below_min(o.min, &rp) || (o.min && rp.over_budget);
out:
	db_close(db);
	for (const char *const *s = (const char *const[]){ "gw.db", "gw.db-wal", "gw.db-shm", NULL };
	     *s; s++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *s);
		unlink(path);
	}
	rmdir(dir);
	for (int i = 0; i < n; i++)
		free(rows[i].line);
	for (int i = 0; i < nd; i++)
		free(dates[i].line);
	return rc;
}
