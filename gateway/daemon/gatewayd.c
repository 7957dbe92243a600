/* gatewayd - the SMS gateway daemon. See docs/ARCHITECTURE.md. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/gw_err.h"

#ifndef GW_SYSCONFDIR
#define GW_SYSCONFDIR "/etc"
#endif
#include "common/log.h"
#include "config/settings.h"
#include "gateway/daemon/daemon.h"
#include "gateway/daemon/worker.h"
#include "gateway/paths.h"

#define GATEWAYD_MMAP_THRESHOLD (64 * 1024)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: gatewayd [options]\n"
		"SMS gateway daemon: answers households from the program knowledge base.\n\n"
		"  -c, --config FILE   configuration file (default: the source tree's\n"
		"                      config/gateway.conf, or %s/gateway/gateway.conf)\n"
		"  -n, --check         check the configuration and exit (0 = OK)\n"
		"  -f, --foreground    stay in the foreground (log to stderr)\n"
		"      --once          process everything pending, then exit\n"
		"      --utc           log lines in UTC (said in each line), not office time\n"
		"  -p, --pidfile FILE  write the process id to FILE (and lock it)\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n"
		"Each modem is served by a worker process of its own: gatewayd starts\n"
		"itself again with --worker NAME (internal; see gatewayd(8)).\n",
		GW_SYSCONFDIR);
}

/* Lock and write the pidfile; the fd stays open (and locked) until exit. */
static int write_pidfile(const char *path)
{
	char line[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), n;

	if (fd < 0) {
		fprintf(stderr, "gatewayd: %s: %s\n", path, strerror(errno));
		return GW_ERR_IO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "gatewayd: %s is locked: another gatewayd is running\n", path);
		close(fd);
		return GW_ERR_BUSY;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, line, (size_t)n) != n) {
		close(fd);
		return GW_ERR_IO;
	}
	return 0;
}

static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return GW_ERR_IO;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return GW_ERR_IO;
	if ((pid = fork()) < 0)
		return GW_ERR_IO;
	if (pid > 0)
		_exit(0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "once", no_argument, NULL, 'O' },
		{ "utc", no_argument, NULL, 'U' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		/* internal: a modem's worker process (gateway/daemon/supervise.h) */
		{ "worker", required_argument, NULL, 'W' },
		{ "worker-syslog", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_opts opts = { .config_path = NULL };
	struct gw_settings cfg;
	char config_path[PATH_MAX], err[512];
	const char *pidfile = NULL, *worker = NULL;
	int check = 0, foreground = 0, worker_syslog = 0, c, r;

	/* glibc re-reads /etc/localtime on every localtime() unless TZ is set;
	 * libgammu calls it for every SMS part it encodes. */
	setenv("TZ", ":/etc/localtime", 0);
#ifdef __GLIBC__
	/* Large passing buffers (the dummy phone's reads, a long page) go to
	 * their own mappings and back when freed. Left to itself glibc raises
	 * this threshold after the first such free, and later ones stay in the
	 * heap: about 0.7 MiB more resident for the daemon's whole life. */
	mallopt(M_MMAP_THRESHOLD, GATEWAYD_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, GATEWAYD_MMAP_THRESHOLD);
#endif
	while ((c = getopt_long(argc, argv, "c:nfp:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opts.config_path = optarg; break;
		case 'n': check = 1; break;
		case 'f': foreground = 1; break;
		case 'O': opts.once = 1; foreground = 1; break;
		case 'U': opts.utc = 1; break;
		case 'p': pidfile = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("gatewayd %s\n", GW_VERSION); return 0;
		case 'W': worker = optarg; break;
		case 'S': worker_syslog = 1; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gatewayd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (worker) /* fd 3: the socket to the main process */
		return opts.config_path && worker_run(opts.config_path, worker, 3, worker_syslog,
							 opts.utc) == 0
			       ? 0 : 1;
	if (!opts.config_path) {
		if (paths_default_config(config_path, sizeof(config_path)) < 0) {
			fprintf(stderr, "gatewayd: no configuration file found\n");
			return 1;
		}
		opts.config_path = config_path;
	}
	if ((r = settings_load(&cfg, opts.config_path, err, sizeof(err))) < 0) {
		fprintf(stderr, "gatewayd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("gatewayd: %s: configuration OK\n", opts.config_path);
		return 0;
	}
	if (!foreground) {
		cfg.log.syslog = 1; /* stderr is gone once detached */
		if (daemonize() < 0) {
			fprintf(stderr, "gatewayd: cannot detach: %s\n", strerror(errno));
			return 1;
		}
	}
	if (pidfile && write_pidfile(pidfile) < 0)
		return 1;
	r = daemon_run(&opts, &cfg);
	if (pidfile)
		unlink(pidfile);
	return r == 0 ? 0 : 1;
}
