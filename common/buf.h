/* buf.h - a small growable text buffer with a hard size cap.
 *
 * Modelled on git's strbuf and curl's dynbuf: all string building in the
 * gateway goes through it, never sprintf/strcpy/strcat. data is always
 * NUL-terminated (an empty buffer points at a static ""), len excludes the
 * NUL. Appending past cap fails with GW_ERR_TOOBIG and leaves the buffer as
 * it was.
 *
 *   struct buf b;
 *   buf_init(&b, 1024);
 *   if ((r = buf_addf(&b, "%d parts", n)) < 0) goto out;
 *   ...
 * out:
 *   buf_release(&b);
 */
#ifndef GW_BUF_H
#define GW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "common/gw_err.h"

struct buf {
	char *data;
	size_t len;
	size_t alloc; /* 0 while data points at the static empty string */
	size_t cap;   /* maximum len */
};

#define BUF_CAP_DEFAULT (64u * 1024u)

void buf_init(struct buf *b, size_t cap);
/* Free the memory and return to the empty state (cap is kept). */
void buf_release(struct buf *b);
/* Hand the string to the caller (malloc'd, caller frees); b becomes empty. */
char *buf_detach(struct buf *b, size_t *len);
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *data, size_t len) GW_WARN_UNUSED;
int buf_adds(struct buf *b, const char *s) GW_WARN_UNUSED;
int buf_addch(struct buf *b, char c) GW_WARN_UNUSED;
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))) GW_WARN_UNUSED;
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0))) GW_WARN_UNUSED;
/* Shorten to len bytes (no-op if already shorter). */
void buf_truncate(struct buf *b, size_t len);
/* Remove trailing spaces, tabs and newlines. */
void buf_rtrim(struct buf *b);

/* Copy src into a fixed array of size dstsz, always NUL-terminating.
 * Returns GW_ERR_TOOBIG (and copies nothing) if it does not fit. */
int gw_strlcpy(char *dst, const char *src, size_t dstsz);

#endif
