// SPDX-License-Identifier: MIT
/* splice(), tee() and vmsplice(): bytes out of a pipe into a file, a
 * socket or another pipe, and into a pipe from a file (at an offset given,
 * which moves, not the file's) or a socket, as many as were asked and no
 * more than there are; what was not taken stays in the pipe; tee() copies
 * and leaves; vmsplice() writes and reads a pipe from the program's
 * buffers; then the errors: no pipe side, an offset on a pipe, an
 * O_APPEND output, unknown flags, a bad descriptor; SPLICE_F_NONBLOCK on
 * an empty or a full pipe; end of file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

static void say(const char *what, long rc)
{
	printf("%s: %ld %s\n", what, rc, rc < 0 ? strerror(errno) : "");
}

static void drain(const char *what, int fd)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	printf("%s: %zd %.*s\n", what, n, n > 0 ? (int)n : 0, buf);
}

int test_splice(void)
{
	int p[2], q[2], sv[2];
	off_t off;
	long rc;
	char buf[64];

	CHECK_OK(pipe(p));
	CHECK_OK(pipe(q));
	int f = open("spliced", O_CREAT | O_RDWR | O_TRUNC, 0644);

	CHECK(f >= 0);
	/* Pipe to file: five of eleven; the rest stays. */
	CHECK(write(p[1], "hello world", 11) == 11);
	rc = splice(p[0], NULL, f, NULL, 5, 0);
	say("pipe to file", rc);
	CHECK(pread(f, buf, 5, 0) == 5);
	printf("the file: %.5s, at %lld\n", buf, (long long)lseek(f, 0, SEEK_CUR));
	drain("left in the pipe", p[0]);

	/* File to pipe at an offset: the offset moves, the file's not. */
	off = 1;
	rc = splice(f, &off, q[1], NULL, 3, 0);
	printf("file at 1 to pipe: %ld, offset now %lld, file's %lld\n", rc,
	       (long long)off, (long long)lseek(f, 0, SEEK_CUR));
	drain("the pipe", q[0]);
	off = 100;	/* past the end: nothing */
	rc = splice(f, &off, q[1], NULL, 3, 0);
	say("past the end", rc);

	/* Pipe to pipe, and tee. */
	CHECK(write(p[1], "abc", 3) == 3);
	rc = tee(p[0], q[1], 10, 0);
	say("tee", rc);
	drain("tee's copy", q[0]);
	rc = splice(p[0], NULL, q[1], NULL, 10, 0);
	say("pipe to pipe", rc);
	drain("moved", q[0]);

	/* vmsplice both ways. */
	struct iovec v[2] = { { "vm", 2 }, { "splice", 6 } };

	rc = vmsplice(p[1], v, 2, 0);
	say("vmsplice in", rc);
	char a[3] = "", b[8] = "";
	struct iovec r[2] = { { a, 3 }, { b, 5 } };

	rc = vmsplice(p[0], r, 2, 0);
	printf("vmsplice out: %ld %.3s %.5s\n", rc, a, b);

	/* Through a socket. */
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK(write(p[1], "to socket", 9) == 9);
	rc = splice(p[0], NULL, sv[0], NULL, 64, 0);
	say("pipe to socket", rc);
	rc = splice(sv[1], NULL, q[1], NULL, 64, 0);
	say("socket to pipe", rc);
	drain("arrived", q[0]);

	/* Errors. */
	int g = open("other", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int ap = open("other", O_WRONLY | O_APPEND);

	CHECK(g >= 0 && ap >= 0);
	rc = splice(f, NULL, g, NULL, 4, 0);
	say("no pipe", rc);
	off = 0;
	rc = splice(p[0], &off, f, NULL, 4, 0);
	say("an offset on the pipe", rc);
	CHECK(write(p[1], "x", 1) == 1);
	rc = splice(p[0], NULL, ap, NULL, 4, 0);
	say("to O_APPEND", rc);
	rc = splice(p[0], NULL, f, NULL, 4, 0x100);
	say("unknown flag", rc);
	rc = splice(99, NULL, f, NULL, 4, 0);
	say("bad descriptor", rc);
	rc = splice(p[0], NULL, p[1], NULL, 4, 0);
	say("a pipe into itself", rc);
	rc = vmsplice(f, v, 1, 0);
	say("vmsplice on a file", rc);
	CHECK(read(p[0], buf, 1) == 1);
	rc = splice(p[0], NULL, f, NULL, 4, SPLICE_F_NONBLOCK);
	say("empty, non-blocking", rc);

	/* A full pipe takes nothing. */
	CHECK_OK(fcntl(q[1], F_SETFL, O_NONBLOCK));
	memset(buf, 'z', sizeof(buf));
	while (write(q[1], buf, sizeof(buf)) > 0)
		;
	off = 0;
	rc = splice(f, &off, q[1], NULL, 4, SPLICE_F_NONBLOCK);
	say("into a full pipe, non-blocking", rc);

	/* Into a pipe nobody reads: EPIPE, and the input stays. */
	int gone[2];

	CHECK_OK(pipe(gone));
	close(gone[0]);
	signal(SIGPIPE, SIG_IGN);
	off = 0;
	rc = splice(f, &off, gone[1], NULL, 4, 0);
	say("into a pipe nobody reads", rc);
	printf("the offset stays: %lld\n", (long long)off);
	CHECK(write(sv[0], "kept", 4) == 4);
	rc = splice(sv[1], NULL, gone[1], NULL, 4, 0);
	say("from a socket, likewise", rc);
	rc = read(sv[1], buf, sizeof(buf));
	printf("still in the socket: %ld %.4s\n", rc, buf);
	signal(SIGPIPE, SIG_DFL);
	close(gone[1]);

	/* End of file. */
	close(p[1]);
	rc = splice(p[0], NULL, f, NULL, 4, 0);
	say("writer gone", rc);
	close(p[0]);
	close(q[0]);
	close(q[1]);
	close(sv[0]);
	close(sv[1]);
	close(f);
	close(g);
	close(ap);
	CHECK_OK(unlink("spliced"));
	CHECK_OK(unlink("other"));
	return 0;
}
