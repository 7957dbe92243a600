/* modem_fault.c - a struct modem that wraps another and injects faults.
 *
 * Tests and benchmarks use it to make the modem vanish and come back, time
 * out or get refused by the network, while the daemon keeps running. It is
 * driven by a control file, re-read before an op whenever the file changed
 * (one stat() per op: inode, size, mtime or ctime differ). Write the file
 * atomically (temp file + rename) so a change is never missed within one
 * timestamp tick and never read half-written.
 *
 * Grammar: one directive per line; '#' starts a comment; blank lines and
 * surrounding spaces are ignored; a missing or empty file means no faults.
 *
 *   gone              every op fails with GW_ERR_MODEM_GONE (open too)
 *   timeout OP        OP fails with GW_ERR_TIMEOUT
 *   cms N [send]      send fails as refused by the network with +CMS ERROR
 *                     N: GW_ERR_SEND_PERM or GW_ERR_SEND_TEMP as
 *                     modem_cms_permanent(N) says, network_error = N
 *   slow MS           sleep MS milliseconds before each op
 *   clear             forget every directive above this line
 *
 *   OP = read | send | status | delete | open | ussd | poll | hangup |
 *        reports (read_reports, delete_report) | any
 *
 * gone, timeout and cms may end in "once": the directive fires on the next
 * matching op only and stays spent until the file changes. When several
 * directives match an op, the first in the file wins. close and destroy
 * are never faulted. Unknown lines are logged and ignored.
 *
 * Example: "cms 38 send once" refuses the next send as temporary.
 */
#include "modem/modem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/clock.h"
#include "common/gw_err.h"
#include "common/log.h"

#define FAULT_MAX 32
#define FAULT_LINE_MAX 256

enum fault_op {
	OP_OPEN = 1 << 0,
	OP_READ = 1 << 1,
	OP_DELETE = 1 << 2,
	OP_SEND = 1 << 3,
	OP_STATUS = 1 << 4,
	OP_USSD = 1 << 5,
	OP_POLL = 1 << 6,
	OP_HANGUP = 1 << 7,
	OP_REPORTS = 1 << 8,
	OP_ANY = 0x1FF,
};

enum fault_kind { F_GONE, F_TIMEOUT, F_CMS, F_SLOW };

struct fault {
	enum fault_kind kind;
	unsigned ops;
	int value; /* CMS code or milliseconds */
	int once, spent;
};

struct fault_priv {
	struct modem *inner;
	char *path;
	int have_stat;
	struct stat st;
	struct fault f[FAULT_MAX];
	int n;
};

static const struct {
	const char *name;
	unsigned op;
} op_names[] = {
	{ "read", OP_READ },     { "send", OP_SEND }, { "status", OP_STATUS },
	{ "delete", OP_DELETE }, { "open", OP_OPEN }, { "ussd", OP_USSD },
	{ "poll", OP_POLL },     { "hangup", OP_HANGUP }, { "reports", OP_REPORTS },
	{ "any", OP_ANY },
};

/* Split line into at most max space-separated words (in place). */
static int split_words(char *line, char **w, int max)
{
	int n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			*s++ = '\0';
		if (*s == '\0' || *s == '#')
			break;
		if (n == max)
			return -1;
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			s++;
	}
	*s = '\0';
	return n;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return GW_ERR_INVAL;
	*out = (int)v;
	return 0;
}

static int parse_op(const char *s, unsigned *out)
{
	size_t i;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (strcmp(s, op_names[i].name) == 0) {
			*out = op_names[i].op;
			return 0;
		}
	return GW_ERR_INVAL;
}

/* One line into *f; 1 = directive, 0 = nothing (blank/comment), 2 = clear. */
static int parse_line(char *line, struct fault *f)
{
	char *w[4];
	int n = split_words(line, w, 4), r = GW_ERR_INVAL;

	memset(f, 0, sizeof(*f));
	if (n <= 0) {
		r = n;
		goto out;
	}
	if (strcmp(w[n - 1], "once") == 0 && n > 1) {
		f->once = 1;
		n--;
	}
	if (strcmp(w[0], "clear") == 0 && n == 1 && !f->once) {
		r = 2;
	} else if (strcmp(w[0], "gone") == 0 && n == 1) {
		f->kind = F_GONE;
		f->ops = OP_ANY;
		r = 1;
	} else if (strcmp(w[0], "timeout") == 0 && n == 2) {
		f->kind = F_TIMEOUT;
		if (parse_op(w[1], &f->ops) == 0)
			r = 1;
	} else if (strcmp(w[0], "cms") == 0 && (n == 2 || (n == 3 && strcmp(w[2], "send") == 0))) {
		f->kind = F_CMS;
		f->ops = OP_SEND;
		if (parse_int(w[1], 1, 65535, &f->value) == 0)
			r = 1;
	} else if (strcmp(w[0], "slow") == 0 && n == 2 && !f->once) {
		f->kind = F_SLOW;
		f->ops = OP_ANY;
		if (parse_int(w[1], 0, 600000, &f->value) == 0)
			r = 1;
	}
out:
	return r;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Re-read the control file if it changed. Errors just mean "no faults":
 * fault injection must never be the reason the daemon stops. */
static void reload(struct fault_priv *p)
{
	char line[FAULT_LINE_MAX];
	struct stat st;
	FILE *fp = NULL;
	int lineno = 0, k;

	if (stat(p->path, &st) < 0) {
		if (p->have_stat || p->n > 0)
			log_notice("modem fault: %s gone, no faults", p->path);
		p->have_stat = 0;
		p->n = 0;
		return;
	}
	if (p->have_stat && same_file(&st, &p->st))
		return;
	p->st = st;
	p->have_stat = 1;
	p->n = 0;
	if (!(fp = fopen(p->path, "r")))
		return;
	while (fgets(line, sizeof(line), fp)) {
		struct fault f;

		lineno++;
		if (!strchr(line, '\n') && !feof(fp)) {
			log_warn("modem fault: %s:%d: line too long, ignored", p->path, lineno);
			while (fgets(line, sizeof(line), fp) && !strchr(line, '\n'))
				;
			continue;
		}
		k = parse_line(line, &f);
		if (k == 2) {
			p->n = 0;
		} else if (k == 1 && p->n < FAULT_MAX) {
			p->f[p->n++] = f;
		} else if (k != 0) {
			log_warn("modem fault: %s:%d: not understood, ignored", p->path, lineno);
		}
	}
	fclose(fp);
	log_notice("modem fault: %d directive(s) active from %s", p->n, p->path);
}

/* The fault for this op: 0 = none, else the GW_ERR_* to return; *cms gets
 * the code for a cms directive. */
static int check(struct modem *m, unsigned op, int *cms)
{
	struct fault_priv *p = m->priv;
	int i, r = 0;

	reload(p);
	for (i = 0; i < p->n; i++)
		if (p->f[i].kind == F_SLOW && p->f[i].value > 0)
			gw_sleep_ms(p->f[i].value);
	for (i = 0; i < p->n && r == 0; i++) {
		struct fault *f = &p->f[i];

		if (f->kind == F_SLOW || f->spent || !(f->ops & op))
			continue;
		if (f->kind == F_GONE) {
			r = GW_ERR_MODEM_GONE;
		} else if (f->kind == F_TIMEOUT) {
			r = GW_ERR_TIMEOUT;
		} else {
			r = modem_cms_permanent(f->value) ? GW_ERR_SEND_PERM : GW_ERR_SEND_TEMP;
			*cms = f->value;
		}
		if (f->once)
			f->spent = 1;
		log_debug("modem fault: injecting %s", gw_strerror(r));
	}
	return r;
}

static int x_open(struct modem *m)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_OPEN, &cms);

	return r ? r : modem_open(p->inner);
}

static void x_close(struct modem *m)
{
	struct fault_priv *p = m->priv;

	modem_close(p->inner);
}

static int x_read_pending(struct modem *m, struct modem_part **parts, size_t *n)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_READ, &cms);

	return r ? r : modem_read_pending(p->inner, parts, n);
}

static int x_delete_part(struct modem *m, const struct modem_part *part)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_DELETE, &cms);

	return r ? r : modem_delete_part(p->inner, part);
}

static int x_send(struct modem *m, const char *phone, const char *text,
		  const struct modem_send_req *req, struct modem_sent *out)
{
	struct fault_priv *p = m->priv;
	int cms = 0, parts = 0, ucs2 = 0, r = check(m, OP_SEND, &cms);

	if (r == 0)
		return modem_send_with(p->inner, phone, text, req, out);
	if (cms) {
		/* As a real refusal of the next part: nothing more went out. */
		(void)modem_text_parts(text, &parts, &ucs2);
		out->parts = req->from.parts_done;
		out->total = parts;
		out->ref = req->from.ref;
		out->ucs2 = ucs2;
		out->network_error = cms;
	}
	return r;
}

static int x_read_reports(struct modem *m, enum modem_report_scope scope,
			  struct modem_report **out, size_t *n, size_t *waiting)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_REPORTS, &cms);

	return r ? r : modem_read_reports(p->inner, scope, out, n, waiting);
}

static int x_delete_report(struct modem *m, const struct modem_report *rep)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_REPORTS, &cms);

	return r ? r : modem_delete_report(p->inner, rep);
}

static int x_status(struct modem *m, struct modem_status *out)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_STATUS, &cms);

	return r ? r : modem_status(p->inner, out);
}

static int x_ussd(struct modem *m, const char *code, int timeout_ms, char *answer, size_t answersz)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_USSD, &cms);

	return r ? r : modem_ussd(p->inner, code, timeout_ms, answer, answersz);
}

static int x_poll_events(struct modem *m, struct modem_event *ev, size_t max, size_t *n)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_POLL, &cms);

	return r ? r : modem_poll_events(p->inner, ev, max, n);
}

static int x_hangup(struct modem *m)
{
	struct fault_priv *p = m->priv;
	int cms = 0, r = check(m, OP_HANGUP, &cms);

	return r ? r : modem_hangup(p->inner);
}

static void x_destroy(struct modem *m)
{
	struct fault_priv *p;

	if (!m)
		return;
	p = m->priv;
	if (p) {
		modem_destroy(p->inner);
		free(p->path);
		free(p);
	}
	free(m);
}

static const struct modem_ops fault_ops = {
	.name = "fault",
	.open = x_open,
	.close = x_close,
	.read_pending = x_read_pending,
	.delete_part = x_delete_part,
	.send = x_send,
	.read_reports = x_read_reports,
	.delete_report = x_delete_report,
	.status = x_status,
	.ussd = x_ussd,
	.poll_events = x_poll_events,
	.hangup = x_hangup,
	.destroy = x_destroy,
};

/* On success the new modem owns inner (destroying it destroys inner); on
 * failure inner is left to the caller. */
int modem_fault_create(struct modem **out, struct modem *inner, const char *control_file)
{
	struct modem *m = NULL;
	struct fault_priv *p = NULL;
	int r = GW_ERR_INVAL;

	if (!out || !inner || !control_file || !control_file[0])
		goto out;
	r = GW_ERR_NOMEM;
	if (!(m = calloc(1, sizeof(*m))) || !(p = calloc(1, sizeof(*p))) ||
	    !(p->path = strdup(control_file)))
		goto out;
	p->inner = inner;
	m->ops = &fault_ops;
	m->priv = p;
	p = NULL; /* transferred */
	*out = m;
	m = NULL; /* transferred */
	r = 0;
out:
	if (p)
		free(p->path);
	free(p);
	free(m);
	return r;
}
