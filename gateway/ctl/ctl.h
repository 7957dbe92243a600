/* ctl.h - gatewayctl's subcommands and the helpers they share.
 *
 * Like git's builtin/, one file per subcommand family, named after it:
 * appt.c, calendar.c, init.c, keyword.c, import.c, export.c, program.c,
 * job.c, officer.c (with officer passwd), broadcast.c, referrals.c,
 * simulate.c, status.c, ussd.c, audit.c, backup.c, stats.c, purge.c,
 * hub.c, sync.c.
 * gatewayctl.c holds main and the table of commands; ctl.c the helpers
 * below.
 *
 * Each subcommand gets the loaded settings and its own argv (argv[0] is
 * the subcommand name) and returns a process exit code: 0 success, 1
 * failure, 2 usage error. What the helpers print goes to stderr, in the
 * "gatewayctl: ..." form.
 */
#ifndef GW_CTL_H
#define GW_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "common/db.h"
#include "config/settings.h"
#include "gateway/content/content.h"

struct job;
struct officer;

struct ctl {
	const char *config_path;
	struct gw_settings cfg;
	const char *actor;  /* "cli:<user>" for the audit log */
	int utc;            /* --utc: times shown (and logged) in UTC, said so */
};

/* ---- the subcommands ---- */

int ctl_cmd_init(struct ctl *c, int argc, char **argv);      /* init.c */
int ctl_cmd_keyword(struct ctl *c, int argc, char **argv);   /* keyword.c */
int ctl_cmd_import(struct ctl *c, int argc, char **argv);    /* import.c */
int ctl_cmd_export(struct ctl *c, int argc, char **argv);    /* export.c */
int ctl_cmd_program(struct ctl *c, int argc, char **argv);   /* program.c */
int ctl_cmd_job(struct ctl *c, int argc, char **argv);       /* job.c */
int ctl_cmd_officer(struct ctl *c, int argc, char **argv);   /* officer.c, with passwd */
int ctl_cmd_broadcast(struct ctl *c, int argc, char **argv); /* broadcast.c */
int ctl_cmd_referrals(struct ctl *c, int argc, char **argv); /* referrals.c */
int ctl_cmd_appt(struct ctl *c, int argc, char **argv);      /* appt.c */
int ctl_cmd_calendar(struct ctl *c, int argc, char **argv);  /* calendar.c */
int ctl_cmd_simulate(struct ctl *c, int argc, char **argv);  /* simulate.c */
int ctl_cmd_status(struct ctl *c, int argc, char **argv);    /* status.c */
int ctl_cmd_ussd(struct ctl *c, int argc, char **argv);      /* ussd.c */
int ctl_cmd_audit(struct ctl *c, int argc, char **argv);     /* audit.c */
int ctl_cmd_backup(struct ctl *c, int argc, char **argv);    /* backup.c */
int ctl_cmd_stats(struct ctl *c, int argc, char **argv);     /* stats.c */
int ctl_cmd_purge(struct ctl *c, int argc, char **argv);     /* purge.c */
int ctl_cmd_hub(struct ctl *c, int argc, char **argv);       /* hub.c */
int ctl_cmd_sync(struct ctl *c, int argc, char **argv);      /* sync.c */

/* ---- options: a table instead of a getopt loop in every command ---- */

enum ctl_opt_type {
	CTL_OPT_FLAG,   /* int *: set to 1 */
	CTL_OPT_STRING, /* const char **: the argument itself */
	CTL_OPT_LONG,   /* long *: a decimal number within [min, max] */
	CTL_OPT_CALL,   /* parse(c, arg, value) converts it; < 0 refuses it */
};

struct ctl_opt {
	const char *name;  /* --name (NULL ends the table) */
	char short_name;   /* -x as well; 0: the long name only */
	enum ctl_opt_type type;
	void *value;
	long min, max;     /* CTL_OPT_LONG */
	int (*parse)(const struct ctl *c, const char *arg, void *value); /* CTL_OPT_CALL */
};

#define CTL_FLAG(s, l, v) { (l), (s), CTL_OPT_FLAG, (v), 0, 0, NULL }
#define CTL_STRING(s, l, v) { (l), (s), CTL_OPT_STRING, (v), 0, 0, NULL }
#define CTL_LONG(s, l, v, lo, hi) { (l), (s), CTL_OPT_LONG, (v), (lo), (hi), NULL }
#define CTL_CALL(s, l, v, fn) { (l), (s), CTL_OPT_CALL, (v), 0, 0, (fn) }
#define CTL_END { NULL, 0, CTL_OPT_FLAG, NULL, 0, 0, NULL }

/* Parse argv's options into the values of opts with GNU getopt_long
 * (options and operands may mix; getopt names an unknown option itself).
 * Returns the index in argv of the first operand, or GW_ERR_INVAL at the
 * first unknown option or refused value: the caller prints its usage. */
int ctl_options(const struct ctl *c, int argc, char **argv, const struct ctl_opt *opts);

/* CTL_OPT_CALL parsers. --since "YYYY-MM-DD" (office time) or "Nd" (N
 * days ago) into a time_t; --format json|csv into an enum content_format. */
int ctl_opt_since(const struct ctl *c, const char *arg, void *since);
int ctl_opt_format(const struct ctl *c, const char *arg, void *format);

/* Print a usage text; returns 2, the exit code of a usage error. */
int ctl_usage(const char *text);

/* ---- what several commands do ---- */

/* Open the database (creating and migrating it); says why it cannot. */
int ctl_open_db(const struct ctl *c, struct db **out);

/* Commit the open transaction when r is 0; otherwise, or when the commit
 * fails, roll back and print "gatewayctl: WHAT: error". 0 or the error. */
int ctl_commit(struct db *db, int r, const char *what);

/* "YYYY-MM-DD HH:MM" in office time, or with --utc "YYYY-MM-DD HH:MM UTC";
 * ctl_when writes "-" for 0 (never). */
void ctl_office_time(const struct ctl *c, int64_t t, char *out, size_t outsz);
void ctl_when(const struct ctl *c, int64_t t, char *out, size_t outsz);

/* "programs" or "jobs", the operand of import and export. */
int ctl_content_kind(const char *s, enum content_kind *kind);

/* The phone number of text, normalised ("'X' is not a phone number"). */
int ctl_phone(const char *text, char *out, size_t outsz);

/* The officer registered with phone text ("'X' is not a registered
 * officer"). */
int ctl_officer(struct db *db, const char *text, struct officer *out);

/* The job with number or code ref ("no job 'X'"). */
int ctl_job(struct db *db, const char *ref, struct job *out);

#endif
