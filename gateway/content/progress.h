/* progress.h - progress of a long operation on a terminal, silence elsewhere.
 *
 * Imports of thousands of rows, exports and purges can take a while; on a
 * terminal (isatty on stderr) one line is redrawn in place, at most ten
 * times a second: "importing programs.csv  1200/5000  24%". When stderr is
 * a pipe, a file or the journal nothing is written, so scripts and logs
 * stay clean. The state lives in the caller's struct, never in globals.
 *
 *   struct progress p;
 *   progress_begin(&p, "importing programs.csv", n);
 *   for (...) progress_update(&p, i + 1);
 *   progress_end(&p);
 */
#ifndef GW_PROGRESS_H
#define GW_PROGRESS_H

#include <stdint.h>

struct progress {
	int fd;          /* where to draw, -1 when quiet */
	char label[96];
	long total;      /* 0: unknown, show a count only */
	long done;
	int64_t last_ms; /* when the line was last drawn */
	int drawn;       /* a line is on screen and needs clearing */
};

/* Start; draws on stderr only when it is a terminal. */
void progress_begin(struct progress *p, const char *label, long total);
/* Same, drawing on fd when it is a terminal (tests pass a pty). */
void progress_begin_fd(struct progress *p, int fd, const char *label, long total);
void progress_update(struct progress *p, long done);
/* Clear the line (the caller prints its own summary). */
void progress_end(struct progress *p);

#endif
