#include "gateway/daemon/supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/daemon/sender.h"
#include "gateway/daemon/worker.h"

#define WORKER_FD 3

extern char **environ;

static int find_fd(const struct supervise *s, int fd)
{
	for (int i = 0; i < s->n; i++)
		if (s->c[i].fd == fd)
			return i;
	return -1;
}

static void drop_fd(struct supervise *s, struct supervise_child *c)
{
	if (c->fd < 0)
		return;
	evloop_remove_fd(s->loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

/* A worker's byte: new messages stored. End of file: it is exiting (the
 * SIGCHLD that follows restarts it). */
static void on_child(struct evloop *loop, int fd, void *arg)
{
	struct supervise *s = arg;
	int i = find_fd(s, fd), inbound = 0;
	char buf[64];
	ssize_t n;

	if (i < 0)
		return;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		inbound |= memchr(buf, WORKER_SAYS_INBOUND, (size_t)n) != NULL;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		drop_fd(s, &s->c[i]);
	if (inbound && s->on_inbound)
		s->on_inbound(s->arg);
}

/* The environment without systemd's notify variables: the main process
 * alone answers to systemd (NotifyAccess=main). */
static char **worker_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	if (!(env = calloc(n + 1, sizeof(*env))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) != 0 &&
		    strncmp(environ[i], "WATCHDOG_", 9) != 0)
			env[k++] = environ[i];
	return env;
}

/* Only async-signal-safe calls between fork and exec: the parent may have
 * threads (the web console, the USSD callback). */
static void exec_worker(int fd, pid_t parent, char *const argv[], char *const envp[])
{
	if (fd == WORKER_FD ? fcntl(fd, F_SETFD, 0) < 0 : dup2(fd, WORKER_FD) < 0)
		_exit(126);
	close_range(WORKER_FD + 1, ~0U, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(126);
	execve("/proc/self/exe", argv, envp);
	_exit(127);
}

static int spawn(struct supervise *s, struct supervise_child *c)
{
	static char arg0[] = "gatewayd", worker[] = "--worker", conf[] = "-c",
		    syslog[] = "--worker-syslog", utc[] = "--utc";
	char *argv[8] = { arg0, worker, c->name, conf, s->config_path };
	int argc = 5;
	char **envp;
	pid_t parent = getpid(), pid;
	int sv[2] = { -1, -1 }, r = GW_ERR_IO;

	if (s->use_syslog)
		argv[argc++] = syslog;
	if (s->utc)
		argv[argc++] = utc;
	if (!(envp = worker_env()))
		return GW_ERR_NOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		goto out;
	if ((pid = fork()) < 0)
		goto out;
	if (pid == 0)
		exec_worker(sv[1], parent, argv, envp);
	close(sv[1]);
	sv[1] = -1;
	if ((r = evloop_add_fd(s->loop, sv[0], on_child, s)) < 0) {
		kill(pid, SIGKILL); /* reaped by SIGCHLD, restarted after the backoff */
		c->pid = pid;
		goto out;
	}
	c->pid = pid;
	c->fd = sv[0];
	sv[0] = -1;
	c->started_ms = evloop_now_ms();
	c->restart_ms = 0;
	c->starts++;
	log_info("modem %s: worker started (pid %ld)%s", c->name, (long)pid,
		 c->starts > 1 ? ", again" : "");
	r = 0;
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	free(envp);
	if (r < 0 && !c->pid)
		log_error("modem %s: cannot start its worker: %s", c->name, strerror(errno));
	return r;
}

int supervise_start(struct supervise *s, const struct gw_settings *cfg, const char *config_path,
		    int use_syslog, int utc, struct evloop *loop, struct db *db,
		    void (*on_inbound)(void *arg), void *arg)
{
	memset(s, 0, sizeof(*s));
	if (gw_strlcpy(s->config_path, config_path, sizeof(s->config_path)) < 0)
		return GW_ERR_TOOBIG;
	s->use_syslog = use_syslog;
	s->utc = utc;
	s->loop = loop;
	s->db = db;
	s->on_inbound = on_inbound;
	s->arg = arg;
	for (int i = 0; i < cfg->nmodems; i++) {
		struct supervise_child *c = &s->c[s->n++];

		gw_strlcpy(c->name, cfg->modems[i].name, sizeof(c->name));
		c->fd = -1;
		c->backoff_ms = SUPERVISE_BACKOFF_MIN_MS;
		if (spawn(s, c) < 0)
			c->restart_ms = evloop_now_ms() + c->backoff_ms;
	}
	return 0;
}

/* What a worker that ended leaves behind: its row in flight, its state. */
static void settle_child(struct supervise *s, struct supervise_child *c, int status)
{
	int recovered = 0;

	if (WIFSIGNALED(status))
		log_warn("modem %s: worker (pid %ld) killed by signal %d", c->name, (long)c->pid,
			 WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		log_warn("modem %s: worker (pid %ld) exited with status %d", c->name, (long)c->pid,
			 WEXITSTATUS(status));
	drop_fd(s, c);
	c->pid = 0;
	if (sender_recover(s->db, c->name, &recovered) < 0 ||
	    db_run(s->db, "UPDATE modem_status SET connected = 0, alive_until = 0 WHERE name = ?",
		   DB_ARGS(DB_TEXT(c->name))) < 0)
		log_warn("modem %s: its worker's end not recorded", c->name);
}

static struct supervise_child *by_pid(struct supervise *s, pid_t pid)
{
	for (int i = 0; i < s->n; i++)
		if (s->c[i].pid == pid)
			return &s->c[i];
	return NULL;
}

void supervise_reap(struct supervise *s)
{
	int64_t now = evloop_now_ms();
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct supervise_child *c = by_pid(s, pid);

		if (!c)
			continue;
		settle_child(s, c, status);
		if (now - c->started_ms >= SUPERVISE_STABLE_MS)
			c->backoff_ms = SUPERVISE_BACKOFF_MIN_MS;
		c->restart_ms = now + c->backoff_ms;
		log_notice("modem %s: worker restarts in %d ms; its messages go through the other"
			   " modems meanwhile", c->name, c->backoff_ms);
		c->backoff_ms = c->backoff_ms * 2 > SUPERVISE_BACKOFF_MAX_MS ? SUPERVISE_BACKOFF_MAX_MS
									       : c->backoff_ms * 2;
	}
}

int64_t supervise_restart_due(struct supervise *s)
{
	int64_t now = evloop_now_ms(), next = -1;

	for (int i = 0; i < s->n; i++) {
		struct supervise_child *c = &s->c[i];

		if (c->pid || !c->restart_ms)
			continue;
		if (c->restart_ms <= now && spawn(s, c) < 0 && !c->pid)
			c->restart_ms = now + c->backoff_ms;
		if (!c->pid && (next < 0 || c->restart_ms - now < next))
			next = c->restart_ms - now;
	}
	return next;
}

void supervise_wake(struct supervise *s)
{
	char b = WORKER_HEARS_OUTBOX;

	for (int i = 0; i < s->n; i++)
		if (s->c[i].fd >= 0 && send(s->c[i].fd, &b, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN)
			log_debug("modem %s: worker not woken: %s", s->c[i].name, strerror(errno));
}

void supervise_signal(struct supervise *s, int signo)
{
	for (int i = 0; i < s->n; i++)
		if (s->c[i].pid)
			kill(s->c[i].pid, signo);
}

int supervise_running(const struct supervise *s)
{
	int n = 0;

	for (int i = 0; i < s->n; i++)
		n += s->c[i].pid != 0;
	return n;
}

void supervise_stop(struct supervise *s)
{
	int64_t deadline = evloop_now_ms() + SUPERVISE_STOP_MS;
	int status, killed = 0;
	pid_t pid;

	supervise_signal(s, SIGTERM);
	while (supervise_running(s)) {
		if (!killed && evloop_now_ms() >= deadline) {
			log_warn("%d modem worker(s) still running after %d s: killed",
				 supervise_running(s), SUPERVISE_STOP_MS / 1000);
			supervise_signal(s, SIGKILL);
			killed = 1;
		}
		pid = waitpid(-1, &status, killed ? 0 : WNOHANG);
		if (pid > 0 && by_pid(s, pid))
			settle_child(s, by_pid(s, pid), status);
		else if (pid == 0)
			poll(NULL, 0, 20);
		else if (pid < 0 && errno == ECHILD)
			break;
	}
	for (int i = 0; i < s->n; i++)
		drop_fd(s, &s->c[i]);
}
