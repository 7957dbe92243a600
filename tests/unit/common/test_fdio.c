/* Unit tests: common/fdio (whole reads and writes on pipes, sockets and
 * files). SIGPIPE keeps its default here: a write to a socket whose peer
 * has gone would kill the test if fdio raised it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fdio.h"
#include "common/gw_err.h"

static void test_socket_whole(void **state)
{
	static char big[256 * 1024], back[sizeof(big)];
	int sv[2], status = -1;
	pid_t pid;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* more than the socket buffer holds: the writer needs a reader */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		_exit(fdio_write_all(sv[1], big, sizeof(big)) == 0 ? 0 : 1);
	}
	close(sv[1]);
	assert_int_equal(fdio_read_all(sv[0], back, sizeof(back)), 0);
	assert_memory_equal(big, back, sizeof(big));
	/* the writer is done and gone: the end is a failure with errno 0 */
	assert_int_equal(fdio_read_all(sv[0], back, 1), GW_ERR_IO);
	assert_int_equal(errno, 0);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_peer_gone(void **state)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	assert_int_equal(fdio_write_all(sv[0], "x", 1), GW_ERR_IO);
	assert_int_equal(errno, EPIPE);
	close(sv[0]);
}

static void test_file(void **state)
{
	char path[] = "/tmp/gwfdio-XXXXXX", back[16] = "";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(fdio_write_all(fd, "hello, file", 11), 0); /* not a socket */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fdio_read_all(fd, back, 11), 0);
	assert_string_equal(back, "hello, file");
	assert_int_equal(fdio_read_all(fd, back, 1), GW_ERR_IO);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_whole),
		cmocka_unit_test(test_peer_gone),
		cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests_name("fdio", tests, NULL, NULL);
}
