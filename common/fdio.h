/* fdio.h - whole reads and writes on a file descriptor.
 *
 * write(2) and send(2) may write less than asked and are interrupted by
 * signals; each caller looping over that itself is how the project came
 * to have three copies. These finish the job or fail.
 */
#ifndef GW_FDIO_H
#define GW_FDIO_H

#include <stddef.h>

#include "common/gw_err.h"

/* Write all len bytes of data to fd (a file, pipe or socket) across short
 * writes and EINTR; on a socket without raising SIGPIPE when the peer has
 * gone. 0, or GW_ERR_IO with errno set. */
int fdio_write_all(int fd, const void *data, size_t len) GW_WARN_UNUSED;

/* Read exactly len bytes into data across short reads and EINTR. 0, or
 * GW_ERR_IO at end of file (errno 0) or on an error (errno set). */
int fdio_read_all(int fd, void *data, size_t len) GW_WARN_UNUSED;

#endif
