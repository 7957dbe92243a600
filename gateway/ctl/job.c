/* gatewayctl job: list, show, add, close and import job offers. Every
 * change is one transaction and one audit row (actor "cli:<user>").
 * gatewayctl is run by an administrator: administrator scope (scope.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/ctl/ctl.h"
#include "handlers/features/jobs.h"
#include "handlers/features/officers.h"
#include "handlers/features/scope.h"

static const char job_usage[] =
	"usage: gatewayctl job list [--all]\n"
	"       gatewayctl job show N|CODE\n"
	"       gatewayctl job add --title T --place 'COMMUNE, DISTRICT' [--wage W]\n"
	"                          [--deadline DD/MM/YYYY] [--contact C] [--requirements R]\n"
	"                          [--type T] [--code CODE] [--officer PHONE]\n"
	"       gatewayctl job close N|CODE\n"
	"       gatewayctl job import FILE.json\n";

static int job_add(struct ctl *c, struct db *db, int argc, char **argv)
{
	struct jobs_new nj = { .code_prefix = "CLI" };
	const char *dl = NULL, *officer = NULL;
	const struct ctl_opt opts[] = {
		CTL_STRING(0, "title", &nj.title), CTL_STRING(0, "place", &nj.place),
		CTL_STRING(0, "wage", &nj.wage), CTL_STRING(0, "deadline", &dl),
		CTL_STRING(0, "contact", &nj.contact), CTL_STRING(0, "requirements", &nj.requirements),
		CTL_STRING(0, "type", &nj.job_type), CTL_STRING(0, "code", &nj.code),
		CTL_STRING(0, "officer", &officer), CTL_END,
	};
	struct officer o;
	struct job j;
	char deadline[11];
	time_t now = time(NULL);
	int64_t id = 0;
	int r;

	if (ctl_options(c, argc, argv, opts) != argc || !nj.title || !nj.place)
		return ctl_usage(job_usage);
	if (dl && jobs_parse_deadline(dl, &c->cfg, now, deadline) < 0) {
		fprintf(stderr, "gatewayctl: --deadline wants DD/MM/YYYY or YYYY-MM-DD, got '%s'\n", dl);
		return 2;
	}
	nj.deadline = dl ? deadline : NULL;
	if (officer) {
		struct scope_account who;
		char commune[256];

		if (ctl_officer(db, officer, &o) < 0 || scope_account_of(&o, &who) < 0)
			return 1;
		/* gatewayctl itself is administrator scope, but the officer named
		 * here is told about the applicants: the offer must lie in their
		 * commune (scope.h) */
		snprintf(commune, sizeof(commune), "%.*s", (int)strcspn(nj.place, ","), nj.place);
		if (scope_job_commune(&who, commune) < 0) {
			fprintf(stderr, "gatewayctl: job add: '%s' is not the commune of officer %s (%s)\n",
				commune, o.phone, *o.commune ? o.commune : "no commune");
			return 1;
		}
		nj.officer_id = o.id;
	}
	if ((r = db_begin(db)) < 0)
		return 1;
	r = jobs_create(db, &nj, c->actor, now, &id);
	if (ctl_commit(db, r, r == GW_ERR_EXISTS ? "job add: that code exists" : "job add") < 0)
		return 1;
	if (jobs_get(db, id, &j) < 0)
		return 1;
	printf("added job %lld %s: %s\n", (long long)id, j.code, j.label);
	return 0;
}

static int job_list(struct ctl *c, struct db *db, int all)
{
	sqlite3_stmt *st;
	char today[11];
	int r;

	jobs_office_date(&c->cfg, time(NULL), today);
	if ((r = db_prepare(db, "SELECT j.id, (SELECT count(*) FROM referrals r WHERE r.job_id = j.id)"
				" FROM jobs j WHERE ?1 OR (j.status = 'open' AND (j.deadline IS NULL"
				"  OR j.deadline = '' OR j.deadline >= ?2)) ORDER BY j.id", &st)) < 0)
		return 1;
	sqlite3_bind_int(st, 1, all);
	db_bind_text(st, 2, today);
	printf("%4s  %-12s %-7s %-10s %4s  %s\n", "N", "CODE", "STATUS", "DEADLINE", "UT", "OFFER");
	while ((r = db_step(st)) == DB_ROW) {
		struct job j;
		int64_t id = sqlite3_column_int64(st, 0);
		int refs = sqlite3_column_int(st, 1);

		if (jobs_get(db, id, &j) < 0)
			continue;
		printf("%4lld  %-12s %-7s %-10s %4d  %s\n", (long long)j.id, j.code,
		       jobs_is_current(&j, today) ? "open" : j.open ? "expired" : "closed",
		       *j.deadline ? j.deadline : "-", refs, j.label);
	}
	return r < 0 ? 1 : 0;
}

static int job_show(struct ctl *c, struct db *db, const char *ref)
{
	sqlite3_stmt *st;
	struct job j;
	struct officer o;
	char today[11];
	int r;

	if ((r = ctl_job(db, ref, &j)) < 0)
		return 1;
	jobs_office_date(&c->cfg, time(NULL), today);
	printf("job %lld %s (%s)\n  %s\n  title: %s\n  places: %s\n  deadline: %s\n  contact: %s\n",
	       (long long)j.id, j.code, jobs_is_current(&j, today) ? "open" : j.open ? "expired" : "closed",
	       j.label, j.title, j.places, *j.deadline ? j.deadline : "-", j.contact);
	if (j.age_min || j.age_max)
		printf("  age: %d-%d\n", j.age_min, j.age_max);
	if (j.gender)
		printf("  gender: %s\n", j.gender == 'm' ? "male" : "female");
	if (j.officer_id && officers_get(db, j.officer_id, &o) == 0)
		printf("  posted by: %s %s\n", o.name, o.phone);
	if ((r = db_prepare(db, "SELECT count(*), coalesce(sum(status = 'new'), 0) FROM referrals"
				" WHERE job_id = ?", &st)) < 0)
		return 1;
	sqlite3_bind_int64(st, 1, j.id);
	if (db_step(st) == DB_ROW) {
		printf("  referrals: %d (%d new)\n", sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
		sqlite3_reset(st);
	}
	return 0;
}

static int job_close(struct ctl *c, struct db *db, const char *ref)
{
	struct job j;
	int cancelled = 0, r;

	if (ctl_job(db, ref, &j) < 0)
		return 1;
	if ((r = db_begin(db)) < 0)
		return 1;
	r = jobs_close(db, j.id, c->actor, time(NULL), &cancelled);
	if (ctl_commit(db, r, r == GW_ERR_EXISTS ? "job close: already closed" : "job close") < 0)
		return 1;
	printf("closed job %lld %s; %d unsent broadcast message(s) cancelled\n", (long long)j.id, j.code,
	       cancelled);
	return 0;
}

/* The older JSON-only import of offers (import jobs reads CSV too). */
static int job_import(struct ctl *c, struct db *db, const char *path)
{
	struct content_counts counts;
	char err[1024];

	err[0] = '\0';
	memset(&counts, 0, sizeof(counts));
	if (content_import_jobs(db, path, c->actor, &counts, err, sizeof(err)) < 0) {
		fprintf(stderr, "gatewayctl: import refused, nothing changed: %s\n", err);
		return 1;
	}
	printf("jobs: %d added, %d changed, %d unchanged\n", counts.added, counts.changed,
	       counts.unchanged);
	return 0;
}

int ctl_cmd_job(struct ctl *c, int argc, char **argv)
{
	struct db *db = NULL;
	int rc = 1;

	if (argc < 2)
		return ctl_usage(job_usage);
	if (strcmp(argv[1], "list") == 0 && (argc == 2 || (argc == 3 && strcmp(argv[2], "--all") == 0))) {
		if (ctl_open_db(c, &db) == 0)
			rc = job_list(c, db, argc == 3);
	} else if (strcmp(argv[1], "show") == 0 && argc == 3) {
		if (ctl_open_db(c, &db) == 0)
			rc = job_show(c, db, argv[2]);
	} else if (strcmp(argv[1], "close") == 0 && argc == 3) {
		if (ctl_open_db(c, &db) == 0)
			rc = job_close(c, db, argv[2]);
	} else if (strcmp(argv[1], "add") == 0) {
		if (ctl_open_db(c, &db) == 0)
			rc = job_add(c, db, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "import") == 0 && argc == 3) {
		if (ctl_open_db(c, &db) == 0)
			rc = job_import(c, db, argv[2]);
	} else {
		return ctl_usage(job_usage);
	}
	db_close(db);
	return rc;
}

