/* ctl.h - gatewayctl's subcommands, one file per family.
 *
 * Each subcommand gets the loaded settings and its own argv (argv[0] is the
 * subcommand name) and returns a process exit code: 0 success, 1 failure,
 * 2 usage error.
 */
#ifndef GW_CTL_H
#define GW_CTL_H

#include "common/db.h"
#include "config/settings.h"

struct ctl {
	const char *config_path;
	struct gw_settings cfg;
	const char *actor;  /* "cli:<user>" for the audit log */
};

/* Open the database (creating and migrating it). */
int ctl_open_db(const struct ctl *c, struct db **out);

int ctl_cmd_init(struct ctl *c, int argc, char **argv);
int ctl_cmd_import(struct ctl *c, int argc, char **argv);   /* ctl_export.c */
int ctl_cmd_export(struct ctl *c, int argc, char **argv);
int ctl_cmd_program(struct ctl *c, int argc, char **argv);  /* ctl_program.c */
int ctl_cmd_audit(struct ctl *c, int argc, char **argv);    /* ctl_ops.c */
int ctl_cmd_backup(struct ctl *c, int argc, char **argv);
int ctl_cmd_stats(struct ctl *c, int argc, char **argv);
int ctl_cmd_purge(struct ctl *c, int argc, char **argv);
int ctl_cmd_keyword(struct ctl *c, int argc, char **argv);
int ctl_cmd_job(struct ctl *c, int argc, char **argv);       /* ctl_jobs.c */
int ctl_cmd_officer(struct ctl *c, int argc, char **argv);
int ctl_cmd_officer_passwd(struct ctl *c, int argc, char **argv); /* ctl_web.c: officer passwd */
int ctl_cmd_broadcast(struct ctl *c, int argc, char **argv);
int ctl_cmd_referrals(struct ctl *c, int argc, char **argv);
int ctl_cmd_appt(struct ctl *c, int argc, char **argv);      /* ctl_appt.c */
int ctl_cmd_calendar(struct ctl *c, int argc, char **argv);
int ctl_cmd_simulate(struct ctl *c, int argc, char **argv);
int ctl_cmd_status(struct ctl *c, int argc, char **argv);
int ctl_cmd_ussd(struct ctl *c, int argc, char **argv);

#endif
