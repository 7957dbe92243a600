#include "gateway/daemon/hubpull.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include "common/buf.h"
#include "common/log.h"
#include "gateway/paths.h"

#define HUBPULL_WATCH_MS 1000   /* how often a running pull is looked at */
#define HUBPULL_IDLE_MS 60000   /* no hub configured: look again (a reload may add one) */

extern char **environ;

void hubpull_init(struct hubpull *h, const char *config_path)
{
	memset(h, 0, sizeof(*h));
	h->config_path = config_path;
	if (paths_program("gatewayctl", h->ctl, sizeof(h->ctl)) < 0)
		h->ctl[0] = '\0';
}

/* gatewayctl -c CONF sync --from-daemon, with default signals and none of
 * the daemon's descriptors but the standard three. */
static int spawn(struct hubpull *h)
{
	char name[] = "gatewayctl", c[] = "-c", sync[] = "sync", from[] = "--from-daemon";
	char conf[sizeof(h->ctl)];
	char *argv[] = { name, c, conf, sync, from, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	int r;

	if (gw_strlcpy(conf, h->config_path, sizeof(conf)) < 0) {
		log_error("sync: configuration path too long");
		return -1;
	}
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	r = posix_spawn(&h->child, h->ctl, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (r != 0) {
		h->child = 0;
		log_error("sync: cannot run %s: %s", h->ctl, strerror(r));
		return -1;
	}
	log_debug("sync: pulling from the hub (gatewayctl pid %d)", (int)h->child);
	return 0;
}

static void reap(struct hubpull *h, int wait)
{
	int status = 0;
	pid_t p;

	if (!h->child)
		return;
	p = waitpid(h->child, &status, wait ? 0 : WNOHANG);

	if (p == 0)
		return; /* still running */
	if (p < 0 && errno == EINTR)
		return;
	if (p > 0 && WIFSIGNALED(status))
		log_error("sync: gatewayctl sync died of signal %d; content unchanged", WTERMSIG(status));
	/* an exit status of its own was logged by the child */
	h->child = 0;
}

int64_t hubpull_step(struct hubpull *h, const struct gw_settings *cfg, int64_t now_ms)
{
	if (h->child) {
		reap(h, 0);
		if (h->child)
			return HUBPULL_WATCH_MS;
	}
	if (!*cfg->sync.url)
		return HUBPULL_IDLE_MS;
	if (now_ms < h->next_ms)
		return h->next_ms - now_ms;
	h->next_ms = now_ms + (int64_t)cfg->sync.interval_s * 1000;
	if (!*h->ctl) {
		log_error("sync: no gatewayctl beside gatewayd: the hub is not pulled");
		return (int64_t)cfg->sync.interval_s * 1000;
	}
	return spawn(h) == 0 ? HUBPULL_WATCH_MS : (int64_t)cfg->sync.interval_s * 1000;
}

void hubpull_reap(struct hubpull *h)
{
	reap(h, 0);
}

void hubpull_stop(struct hubpull *h)
{
	if (!h->child)
		return;
	kill(h->child, SIGTERM);
	reap(h, 1);
}
