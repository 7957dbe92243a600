/* fdio.c - see fdio.h. */
#include "common/fdio.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int fdio_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	int sock = 1;

	while (len) {
		/* send() for MSG_NOSIGNAL; a file or pipe says ENOTSOCK once */
		ssize_t n = sock ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);

		if (n < 0 && sock && errno == ENOTSOCK) {
			sock = 0;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return GW_ERR_IO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fdio_read_all(int fd, void *data, size_t len)
{
	char *p = data;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = 0;
		if (n <= 0)
			return GW_ERR_IO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
