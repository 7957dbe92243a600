/* gatewayctl job, officer, broadcast, referrals: offers, the officers who
 * post them, broadcasts to subscribers and who applied. Every change is
 * one transaction and one audit row (actor "cli:<user>"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/ctl/ctl.h"
#include "handlers/core/contacts.h"
#include "handlers/features/broadcast.h"
#include "handlers/features/jobs.h"
#include "handlers/features/officers.h"
#include "handlers/features/referrals.h"

#define CTL_JOBS_LIST_MAX 20 /* broadcasts shown by `broadcast status` */

/* "YYYY-MM-DD HH:MM" office time. */
static void office_time(const struct ctl *c, time_t t, char *out, size_t outsz)
{
	time_t local = t + (time_t)c->cfg.office.utc_offset_min * 60;
	struct tm tm;

	if (!t) {
		snprintf(out, outsz, "-");
		return;
	}
	gmtime_r(&local, &tm);
	if (strftime(out, outsz, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, outsz, "-");
}

/* Run fn's changes in one transaction; report a failure with what. */
static int commit_or_report(struct db *db, int r, const char *what)
{
	if (r == 0 && (r = db_commit(db)) == 0)
		return 0;
	db_rollback(db);
	fprintf(stderr, "gatewayctl: %s: %s\n", what, gw_strerror(r));
	return r;
}

static int job_usage(void)
{
	fprintf(stderr,
		"usage: gatewayctl job list [--all]\n"
		"       gatewayctl job show N|CODE\n"
		"       gatewayctl job add --title T --place 'COMMUNE, DISTRICT' [--wage W]\n"
		"                          [--deadline DD/MM/YYYY] [--contact C] [--requirements R]\n"
		"                          [--type T] [--code CODE] [--officer PHONE]\n"
		"       gatewayctl job close N|CODE\n"
		"       gatewayctl job import FILE.json\n");
	return 2;
}

static int job_add(struct ctl *c, struct db *db, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "title", required_argument, NULL, 't' }, { "place", required_argument, NULL, 'p' },
		{ "wage", required_argument, NULL, 'w' }, { "deadline", required_argument, NULL, 'd' },
		{ "contact", required_argument, NULL, 'c' },
		{ "requirements", required_argument, NULL, 'r' },
		{ "type", required_argument, NULL, 'y' }, { "code", required_argument, NULL, 'k' },
		{ "officer", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 },
	};
	struct jobs_new nj;
	struct officer o;
	struct job j;
	char deadline[11], phone[32];
	const char *dl = NULL, *officer = NULL;
	time_t now = time(NULL);
	int64_t id = 0;
	int ch, r;

	memset(&nj, 0, sizeof(nj));
	nj.code_prefix = "CLI";
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 't': nj.title = optarg; break;
		case 'p': nj.place = optarg; break;
		case 'w': nj.wage = optarg; break;
		case 'd': dl = optarg; break;
		case 'c': nj.contact = optarg; break;
		case 'r': nj.requirements = optarg; break;
		case 'y': nj.job_type = optarg; break;
		case 'k': nj.code = optarg; break;
		case 'o': officer = optarg; break;
		default: return job_usage();
		}
	}
	if (!nj.title || !nj.place || optind != argc)
		return job_usage();
	if (dl && jobs_parse_deadline(dl, &c->cfg, now, deadline) < 0) {
		fprintf(stderr, "gatewayctl: --deadline wants DD/MM/YYYY or YYYY-MM-DD, got '%s'\n", dl);
		return 2;
	}
	nj.deadline = dl ? deadline : NULL;
	if (officer) {
		if (contacts_normalize_phone(officer, phone, sizeof(phone)) < 0 ||
		    officers_find(db, phone, &o) < 0) {
			fprintf(stderr, "gatewayctl: '%s' is not a registered officer\n", officer);
			return 1;
		}
		nj.officer_id = o.id;
	}
	if ((r = db_begin(db)) < 0)
		return 1;
	r = jobs_create(db, &nj, c->actor, now, &id);
	if (commit_or_report(db, r, r == GW_ERR_EXISTS ? "job add: that code exists" : "job add") < 0)
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

	if ((r = jobs_find(db, ref, &j)) < 0) {
		fprintf(stderr, "gatewayctl: no job '%s'\n", ref);
		return 1;
	}
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

	if (jobs_find(db, ref, &j) < 0) {
		fprintf(stderr, "gatewayctl: no job '%s'\n", ref);
		return 1;
	}
	if ((r = db_begin(db)) < 0)
		return 1;
	r = jobs_close(db, j.id, c->actor, time(NULL), &cancelled);
	if (commit_or_report(db, r, r == GW_ERR_EXISTS ? "job close: already closed" : "job close") < 0)
		return 1;
	printf("closed job %lld %s; %d unsent broadcast message(s) cancelled\n", (long long)j.id, j.code,
	       cancelled);
	return 0;
}

int ctl_cmd_job(struct ctl *c, int argc, char **argv)
{
	struct content_counts counts;
	struct db *db = NULL;
	char err[1024];
	int rc = 1;

	if (argc < 2)
		return job_usage();
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
		if (ctl_open_db(c, &db) < 0)
			goto out;
		err[0] = '\0';
		memset(&counts, 0, sizeof(counts));
		if (content_import_jobs(db, argv[2], c->actor, &counts, err, sizeof(err)) < 0) {
			fprintf(stderr, "gatewayctl: import refused, nothing changed: %s\n", err);
			goto out;
		}
		printf("jobs: %d added, %d changed, %d unchanged\n", counts.added, counts.changed,
		       counts.unchanged);
		rc = 0;
	} else {
		return job_usage();
	}
out:
	db_close(db);
	return rc;
}

static int officer_usage(void)
{
	fprintf(stderr,
		"usage: gatewayctl officer add PHONE --name NAME [--commune C] [--role officer|admin]\n"
		"                              [--pin PIN]   (no --pin: asked without echo)\n"
		"       gatewayctl officer list\n"
		"       gatewayctl officer remove PHONE\n"
		"       gatewayctl officer passwd PHONE   (web console password; stdin when not a terminal)\n");
	return 2;
}

/* One line from the terminal without echo, or from stdin when it is not
 * one (scripts: echo 1234 | gatewayctl officer add ...). */
static int read_secret(const char *prompt, char *out, size_t outsz)
{
	struct termios old, quiet;
	FILE *in = fopen("/dev/tty", "r+");
	int tty = in && isatty(fileno(in)) && isatty(STDIN_FILENO), r = GW_ERR_IO;
	size_t n;

	if (!tty) {
		if (in)
			fclose(in);
		in = stdin;
	} else {
		fputs(prompt, in);
		fflush(in);
		if (tcgetattr(fileno(in), &old) < 0)
			goto out;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(fileno(in), TCSAFLUSH, &quiet) < 0)
			goto out;
	}
	if (fgets(out, (int)outsz, in)) {
		n = strcspn(out, "\r\n");
		out[n] = '\0';
		r = 0;
	}
	if (tty) {
		tcsetattr(fileno(in), TCSAFLUSH, &old);
		fputs("\n", in);
	}
out:
	if (tty && in)
		fclose(in);
	return r;
}

static int officer_add(struct ctl *c, struct db *db, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' }, { "commune", required_argument, NULL, 'c' },
		{ "role", required_argument, NULL, 'r' }, { "pin", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *commune = "", *role = "officer", *pin_arg = NULL;
	char phone[32], pin[64], again[64];
	int ch, r, rc = 1;

	pin[0] = again[0] = '\0';
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'c': commune = optarg; break;
		case 'r': role = optarg; break;
		case 'p': pin_arg = optarg; break;
		default: return officer_usage();
		}
	}
	if (optind != argc - 1 || !name || (strcmp(role, "officer") != 0 && strcmp(role, "admin") != 0))
		return officer_usage();
	if (contacts_normalize_phone(argv[optind], phone, sizeof(phone)) < 0) {
		fprintf(stderr, "gatewayctl: '%s' is not a phone number\n", argv[optind]);
		return 2;
	}
	if (pin_arg) {
		snprintf(pin, sizeof(pin), "%s", pin_arg);
	} else if (read_secret("PIN (4-8 digits): ", pin, sizeof(pin)) < 0 ||
		   (isatty(STDIN_FILENO) && (read_secret("PIN again: ", again, sizeof(again)) < 0 ||
					     strcmp(pin, again) != 0))) {
		fprintf(stderr, "gatewayctl: the PINs differ or none was given\n");
		goto out;
	}
	if (!officers_pin_valid(pin)) {
		fprintf(stderr, "gatewayctl: the PIN must be 4 to 8 digits\n");
		rc = 2;
		goto out;
	}
	if ((r = db_begin(db)) < 0)
		goto out;
	r = officers_add(db, phone, name, role, commune, pin, OFFICERS_HASH_INTERACTIVE, c->actor,
			 time(NULL));
	if (commit_or_report(db, r, r == GW_ERR_EXISTS ? "officer add: already registered"
						       : "officer add") < 0)
		goto out;
	printf("registered %s %s (%s)\n", role, phone, name);
	rc = 0;
out:
	memset(pin, 0, sizeof(pin));
	memset(again, 0, sizeof(again));
	return rc;
}

static int officer_list(struct ctl *c, struct db *db)
{
	sqlite3_stmt *st;
	time_t now = time(NULL);
	char until[24];
	int r;

	if ((r = db_prepare(db, "SELECT phone, role, name, commune, failed_attempts, locked_until"
				" FROM officers ORDER BY id", &st)) < 0)
		return 1;
	printf("%-14s %-7s %-24s %-16s %s\n", "PHONE", "ROLE", "NAME", "COMMUNE", "STATE");
	while ((r = db_step(st)) == DB_ROW) {
		time_t locked = (time_t)sqlite3_column_int64(st, 5);

		office_time(c, locked, until, sizeof(until));
		printf("%-14s %-7s %-24s %-16s ", db_col_text(st, 0), db_col_text(st, 1),
		       db_col_text(st, 2), db_col_text(st, 3));
		if (locked > now)
			printf("locked until %s\n", until);
		else
			printf("ok (%d wrong PIN)\n", sqlite3_column_int(st, 4));
	}
	return r < 0 ? 1 : 0;
}

int ctl_cmd_officer(struct ctl *c, int argc, char **argv)
{
	struct db *db = NULL;
	char phone[32];
	int r, rc = 1;

	if (argc < 2)
		return officer_usage();
	if (strcmp(argv[1], "passwd") == 0) /* the web console's password: ctl_web.c */
		return ctl_cmd_officer_passwd(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 &&
	    !(strcmp(argv[1], "remove") == 0 && argc == 3))
		return officer_usage();
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (strcmp(argv[1], "add") == 0) {
		rc = officer_add(c, db, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "list") == 0) {
		rc = officer_list(c, db);
	} else {
		if (contacts_normalize_phone(argv[2], phone, sizeof(phone)) < 0) {
			fprintf(stderr, "gatewayctl: '%s' is not a phone number\n", argv[2]);
			rc = 2;
			goto out;
		}
		if ((r = db_begin(db)) < 0)
			goto out;
		r = officers_remove(db, phone, c->actor, time(NULL));
		if (commit_or_report(db, r, r == GW_ERR_NOTFOUND ? "officer remove: not registered"
							       : "officer remove") < 0)
			goto out;
		printf("removed %s\n", phone);
		rc = 0;
	}
out:
	db_close(db);
	return rc;
}

static int broadcast_usage(void)
{
	fprintf(stderr, "usage: gatewayctl broadcast JOB [--area AREA] [--type TYPE]\n"
			"       gatewayctl broadcast status [ID]\n");
	return 2;
}

static int print_progress(struct ctl *c, struct db *db, int64_t id, time_t now)
{
	struct broadcast_progress p;
	sqlite3_stmt *st;
	struct buf line;
	char when[24];
	int r;

	buf_init(&line, 512);
	if ((r = db_prepare(db, "SELECT created_at, created_by, area, job_type, coalesce(job_id, 0)"
				" FROM broadcasts WHERE id = ?", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(st)) != DB_ROW) {
		r = r < 0 ? r : GW_ERR_NOTFOUND;
		goto out;
	}
	office_time(c, (time_t)sqlite3_column_int64(st, 0), when, sizeof(when));
	r = buf_addf(&line, "broadcast %lld  %s  by %s  ", (long long)id, when, db_col_text(st, 1));
	if (r == 0 && sqlite3_column_int64(st, 4))
		r = buf_addf(&line, "job %lld", (long long)sqlite3_column_int64(st, 4));
	else if (r == 0)
		r = buf_adds(&line, "notice");
	if (r == 0)
		r = buf_addf(&line, "  target: area=%s type=%s\n  ",
			     *db_col_text(st, 2) ? db_col_text(st, 2) : "any",
			     *db_col_text(st, 3) ? db_col_text(st, 3) : "any");
	sqlite3_reset(st);
	if (r < 0 || (r = broadcast_progress(db, &c->cfg, id, now, &p)) < 0 ||
	    (r = broadcast_progress_text(&c->cfg, &p, 1, &line)) < 0)
		goto out;
	printf("%s\n", line.data);
out:
	buf_release(&line);
	return r;
}

static int broadcast_status(struct ctl *c, struct db *db, const char *which)
{
	sqlite3_stmt *st;
	time_t now = time(NULL);
	int64_t ids[CTL_JOBS_LIST_MAX];
	int n = 0, r;

	if (which) {
		char *end = NULL;
		long long id = strtoll(which, &end, 10);

		if (!*which || *end || id <= 0)
			return broadcast_usage();
		if ((r = print_progress(c, db, (int64_t)id, now)) == GW_ERR_NOTFOUND)
			fprintf(stderr, "gatewayctl: no broadcast %lld\n", id);
		return r < 0 ? 1 : 0;
	}
	if ((r = db_prepare(db, "SELECT id FROM broadcasts ORDER BY id DESC LIMIT ?", &st)) < 0)
		return 1;
	sqlite3_bind_int(st, 1, CTL_JOBS_LIST_MAX);
	while ((r = db_step(st)) == DB_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	if (r < 0)
		return 1;
	if (!n)
		printf("no broadcasts yet\n");
	if (broadcast_quiet(&c->cfg, now))
		printf("quiet hours now (%s-%s): broadcasts wait\n", c->cfg.broadcast.quiet_start,
		       c->cfg.broadcast.quiet_end);
	for (int i = n - 1; i >= 0; i--)
		if (print_progress(c, db, ids[i], now) < 0)
			return 1;
	return 0;
}

int ctl_cmd_broadcast(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "area", required_argument, NULL, 'a' }, { "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *area = "", *type = "";
	struct db *db = NULL;
	struct job j;
	time_t now = time(NULL);
	int64_t id = 0;
	int ch, n = 0, r, rc = 1;

	if (argc >= 2 && strcmp(argv[1], "status") == 0) {
		if (argc > 3)
			return broadcast_usage();
		if (ctl_open_db(c, &db) == 0)
			rc = broadcast_status(c, db, argc == 3 ? argv[2] : NULL);
		db_close(db);
		return rc;
	}
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'a')
			area = optarg;
		else if (ch == 't')
			type = optarg;
		else
			return broadcast_usage();
	}
	if (optind != argc - 1)
		return broadcast_usage();
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (jobs_find(db, argv[optind], &j) < 0) {
		fprintf(stderr, "gatewayctl: no job '%s'\n", argv[optind]);
		goto out;
	}
	if ((r = db_begin(db)) < 0)
		goto out;
	r = broadcast_queue_job(db, &c->cfg, j.id, area, type, c->actor, now, &id, &n);
	if (r == GW_ERR_INVAL) {
		db_rollback(db);
		fprintf(stderr, "gatewayctl: job %lld is closed or past its deadline, or '%s' is not a"
				" job type\n", (long long)j.id, type);
		goto out;
	}
	if (r == 0) {
		char detail[96], target[48];

		snprintf(detail, sizeof(detail), "job %s: %d recipients", j.code, n);
		snprintf(target, sizeof(target), "broadcast %lld", (long long)id);
		r = audit_write(db, now, c->actor, "broadcast", target, detail);
	}
	if (commit_or_report(db, r, "broadcast") < 0)
		goto out;
	rc = print_progress(c, db, id, now) < 0;
out:
	db_close(db);
	return rc;
}

int ctl_cmd_referrals(struct ctl *c, int argc, char **argv)
{
	sqlite3_stmt *st;
	struct db *db = NULL;
	struct job j;
	char applied[24], told[24], local[32];
	int64_t job = 0;
	int r, rc = 1;

	if (!(argc == 1 || (argc == 3 && strcmp(argv[1], "--job") == 0))) {
		fprintf(stderr, "usage: gatewayctl referrals [--job N|CODE]\n");
		return 2;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (argc == 3) {
		if (jobs_find(db, argv[2], &j) < 0) {
			fprintf(stderr, "gatewayctl: no job '%s'\n", argv[2]);
			goto out;
		}
		job = j.id;
	}
	if ((r = db_prepare(db, "SELECT r.id, r.job_id, j.code, r.phone, r.status, r.created_at,"
				" coalesce(r.notified_at, 0), coalesce(o.name, '')"
				" FROM referrals r JOIN jobs j ON j.id = r.job_id"
				" LEFT JOIN officers o ON o.id = r.officer_id"
				" WHERE ?1 = 0 OR r.job_id = ?1 ORDER BY r.id", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, job);
	printf("%4s %4s  %-12s %-12s %-9s %-16s %-16s %s\n", "ID", "JOB", "CODE", "PHONE", "STATUS",
	       "APPLIED", "OFFICER TOLD", "OFFICER");
	while ((r = db_step(st)) == DB_ROW) {
		office_time(c, (time_t)sqlite3_column_int64(st, 5), applied, sizeof(applied));
		office_time(c, (time_t)sqlite3_column_int64(st, 6), told, sizeof(told));
		referrals_local_phone(db_col_text(st, 3), local, sizeof(local));
		printf("%4lld %4lld  %-12s %-12s %-9s %-16s %-16s %s\n",
		       (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		       db_col_text(st, 2), local, db_col_text(st, 4), applied, told, db_col_text(st, 7));
	}
	rc = r < 0;
out:
	db_close(db);
	return rc;
}
