#include "gateway/content/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"

#define PROGRESS_EVERY_MS 100

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_begin_fd(struct progress *p, int fd, const char *label, long total)
{
	p->fd = isatty(fd) ? fd : -1;
	if (gw_strlcpy(p->label, label, sizeof(p->label)) < 0)
		gw_strlcpy(p->label, "working", sizeof(p->label));
	p->total = total > 0 ? total : 0;
	p->done = 0;
	p->last_ms = 0;
	p->drawn = 0;
}

void progress_begin(struct progress *p, const char *label, long total)
{
	progress_begin_fd(p, STDERR_FILENO, label, total);
}

static void draw(struct progress *p)
{
	struct buf line;
	int r;

	buf_init(&line, 256);
	/* \r and erase-to-end-of-line: redraw in place */
	if (p->total)
		r = buf_addf(&line, "\r%s  %ld/%ld  %ld%%\033[K", p->label, p->done, p->total,
			     p->done * 100 / p->total);
	else
		r = buf_addf(&line, "\r%s  %ld\033[K", p->label, p->done);
	if (r == 0 && write(p->fd, line.data, line.len) == (ssize_t)line.len)
		p->drawn = 1;
	buf_release(&line);
}

void progress_update(struct progress *p, long done)
{
	int64_t t;

	p->done = done;
	if (p->fd < 0)
		return;
	t = now_ms();
	if (t - p->last_ms < PROGRESS_EVERY_MS && done != p->total)
		return;
	p->last_ms = t;
	draw(p);
}

void progress_end(struct progress *p)
{
	if (p->fd >= 0 && p->drawn && write(p->fd, "\r\033[K", 4) < 0)
		p->drawn = 0;
	p->drawn = 0;
	p->fd = -1;
}
