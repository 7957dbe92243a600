/* gatewayctl - the administrators' tool. See `gatewayctl --help`. */
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "gateway/ctl/ctl.h"
#include "gateway/paths.h"

struct subcommand {
	const char *name;
	int (*fn)(struct ctl *c, int argc, char **argv);
	const char *help;
};

static const struct subcommand subcommands[] = {
	{ "init", ctl_cmd_init, "init [--operators FILE]   create or migrate the database, load commands,\n"
	  "                            menus and operator prefixes" },
	{ "import", ctl_cmd_import, "import programs|jobs FILE [--dry-run] [--sync] [--format json|csv]\n"
	  "                            load content from JSON or CSV (all or nothing)" },
	{ "export", ctl_cmd_export, "export programs|jobs [--format json|csv] [-o FILE]" },
	{ "program", ctl_cmd_program, "program list|show|add|edit|remove|history|revert  (program --help)" },
	{ "keyword", ctl_cmd_keyword, "keyword add|remove|list   command aliases (keyword add CS 'bao hiem')" },
	{ "job", ctl_cmd_job, "job list|show|add|close|import  job offers (job --help)" },
	{ "officer", ctl_cmd_officer, "officer add|list|remove|passwd  officers (SMS PIN; passwd: web console password)" },
	{ "broadcast", ctl_cmd_broadcast, "broadcast JOB [--area A] [--type T] | broadcast status [ID]" },
	{ "referrals", ctl_cmd_referrals, "referrals [--job N]       who applied for which offer" },
	{ "simulate", ctl_cmd_simulate, "simulate [--from PHONE] [--at 'YYYY-MM-DD HH:MM'] [--json] TEXT" },
	{ "status", ctl_cmd_status, "status                    each modem's state and limits, queues, traffic" },
	{ "ussd", ctl_cmd_ussd, "ussd CODE [--modem NAME] [--timeout S]  dial USSD on a SIM via the daemon" },
	{ "audit", ctl_cmd_audit, "audit [--since DATE] [--limit N]  who changed what, newest last" },
	{ "backup", ctl_cmd_backup, "backup FILE               consistent copy of the live database" },
	{ "stats", ctl_cmd_stats, "stats [--since DATE]      traffic, intents, programs, referrals, modem" },
	{ "purge", ctl_cmd_purge, "purge [--days N]          blank inbound texts older than privacy.retain_days" },
	{ "appt", ctl_cmd_appt, "appt list|confirm|decline|move|cancel  appointments (appt --help)" },
	{ "calendar", ctl_cmd_calendar, "calendar show|hours|holiday|closed|special|set  office hours, days, slots" },
	{ "hub", ctl_cmd_hub, "hub keygen KEYFILE | hub publish DIR --key KEYFILE  content for the communes' boxes" },
	{ "sync", ctl_cmd_sync, "sync [--url URL]          pull the hub's signed content now (sync.url)" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: gatewayctl [-c FILE] [--root DIR] [--utc] COMMAND [ARGS]\n"
		   "Administer the SMS gateway.\n\n"
		   "  -c, --config FILE  configuration file (same default as gatewayd)\n"
		   "      --root DIR     the installation under DIR: its configuration, data\n"
		   "                     and database.path (package scripts, $DPKG_ROOT)\n"
		   "      --utc          show times (and log) in UTC, said so; default office time\n"
		   "  -h, --help         this help\n"
		   "  -V, --version      print the version\n\nCommands:\n");
	for (const struct subcommand *s = subcommands; s->name; s++)
		fprintf(f, "  %s\n", s->help);
}

/* An absolute database.path is the one inside the --root installation. */
static int root_database(struct ctl *c)
{
	char path[sizeof(c->cfg.database.path)];
	int r = paths_under_root(c->cfg.database.path, path, sizeof(path));

	if (r == 0)
		memcpy(c->cfg.database.path, path, sizeof(path));
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'R' },
		{ "utc", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char config_path[PATH_MAX], err[512], actor[128];
	const char *sudo_user = getenv("SUDO_USER");
	struct passwd *pw = getpwuid(getuid());
	struct ctl c;
	int ch;

	memset(&c, 0, sizeof(c));
	/* '+': stop at the subcommand, its options are its own */
	while ((ch = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': c.config_path = optarg; break;
		case 'R':
			if (paths_set_root(optarg) < 0) {
				fprintf(stderr, "gatewayctl: --root: path too long\n");
				return 2;
			}
			break;
		case 'U': c.utc = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("gatewayctl %s\n", GW_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (!c.config_path) {
		if (paths_default_config(config_path, sizeof(config_path)) < 0) {
			fprintf(stderr, "gatewayctl: no configuration file found\n");
			return 1;
		}
		c.config_path = config_path;
	}
	if (settings_load(&c.cfg, c.config_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "gatewayctl: %s\n", err);
		return 1;
	}
	if (root_database(&c) < 0) {
		fprintf(stderr, "gatewayctl: database.path too long under --root\n");
		return 1;
	}
	log_setup("gatewayctl", LOG_LVL_WARNING, 0, c.cfg.log.mask_numbers);
	log_set_clock(c.cfg.office.utc_offset_min, c.utc);
	/* the audit log names the person: under sudo, who ran sudo too */
	if (sudo_user && *sudo_user && (!pw || strcmp(sudo_user, pw->pw_name) != 0))
		snprintf(actor, sizeof(actor), "cli:%s (sudo %s)", pw ? pw->pw_name : "unknown",
			 sudo_user);
	else
		snprintf(actor, sizeof(actor), "cli:%s", pw ? pw->pw_name : "unknown");
	c.actor = actor;
	for (const struct subcommand *s = subcommands; s->name; s++) {
		if (strcmp(s->name, argv[optind]) == 0) {
			int sub_argc = argc - optind;

			optind = 0; /* GNU getopt: restart, the subcommand parses its own options */
			return s->fn(&c, sub_argc, argv + (argc - sub_argc));
		}
	}
	fprintf(stderr, "gatewayctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
