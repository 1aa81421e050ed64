// SPDX-License-Identifier: MIT
/* Pipes (pipe, pipe2) and readiness (poll, ppoll, select, pselect):
 * data through in order, end of file, EPIPE (with SIGPIPE ignored),
 * O_NONBLOCK's EAGAIN, a blocked reader woken by a writer thread, the
 * events each end reports. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/select.h>
#include <unistd.h>

#include "check.h"

static int pfd[2];

static void *writer(void *arg)
{
	(void)arg;
	usleep(20000);
	CHECK(write(pfd[1], "late", 4) == 4);
	return NULL;
}

static void events(const char *what, int fd, short ev)
{
	struct pollfd p = {.fd = fd, .events = ev};
	int n = poll(&p, 1, 0);

	printf("%s: poll %d revents%s%s%s%s\n", what, n,
	       p.revents & POLLIN ? " IN" : "",
	       p.revents & POLLOUT ? " OUT" : "",
	       p.revents & POLLHUP ? " HUP" : "",
	       p.revents & POLLERR ? " ERR" : "");
}

int test_pipe(void)
{
	char b[64];

	CHECK_OK(pipe(pfd));
	events("empty read end", pfd[0], POLLIN);
	events("empty write end", pfd[1], POLLOUT);
	CHECK(write(pfd[1], "abc", 3) == 3);
	CHECK(write(pfd[1], "def", 3) == 3);
	events("with data", pfd[0], POLLIN);
	CHECK(read(pfd[0], b, 4) == 4);
	CHECK(read(pfd[0], b + 4, 10) == 2);
	printf("read %.6s\n", b);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
	CHECK(read(pfd[0], b, sizeof(b)) == 4);
	pthread_join(t, NULL);
	printf("blocked read got %.4s\n", b);
	/* poll with a timeout wakes on data. */
	CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
	struct pollfd p = {.fd = pfd[0], .events = POLLIN};
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
	pthread_join(t, NULL);
	CHECK(read(pfd[0], b, sizeof(b)) == 4);
	CHECK(poll(&p, 1, 30) == 0 && p.revents == 0);
	/* select and pselect. */
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(pfd[0], &r);
	FD_SET(pfd[1], &w);
	struct timeval tv = {0, 0};
	int n = select(pfd[1] + 1, &r, &w, NULL, &tv);
	printf("select %d read %d write %d\n", n, FD_ISSET(pfd[0], &r) != 0,
	       FD_ISSET(pfd[1], &w) != 0);
	struct timespec ts = {0, 10000000};
	FD_ZERO(&r);
	FD_SET(pfd[0], &r);
	CHECK(pselect(pfd[0] + 1, &r, NULL, NULL, &ts, NULL) == 0);
	CHECK(ppoll(&p, 1, &ts, NULL) == 0);
	/* Non-blocking ends. */
	CHECK(fcntl(pfd[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(read(pfd[0], b, 1), EAGAIN);
	int total = 0;
	CHECK(fcntl(pfd[1], F_SETFL, O_NONBLOCK) == 0);
	static char big[4096];
	ssize_t k;
	while ((k = write(pfd[1], big, sizeof(big))) > 0)
		total += (int)k;
	CHECK(k == -1 && errno == EAGAIN);
	CHECK(total >= PIPE_BUF);
	events("full write end", pfd[1], POLLOUT);
	/* Writes up to PIPE_BUF are atomic: a partial one never happens. */
	CHECK(read(pfd[0], big, 100) == 100);
	CHECK_ERR(write(pfd[1], big, PIPE_BUF), EAGAIN);
	while (read(pfd[0], big, sizeof(big)) > 0)
		;
	/* Closing one end. */
	close(pfd[1]);
	events("writer closed", pfd[0], POLLIN);
	CHECK(read(pfd[0], b, 1) == 0);
	close(pfd[0]);
	CHECK_OK(pipe2(pfd, O_CLOEXEC | O_NONBLOCK));
	CHECK(fcntl(pfd[0], F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(pfd[1], F_GETFL) & O_NONBLOCK);
	/* SIGPIPE blocked: EPIPE, and the signal pending for this thread. */
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	CHECK(pthread_sigmask(SIG_BLOCK, &pipe_set, &old) == 0);
	close(pfd[0]);
	events("reader closed", pfd[1], POLLOUT);
	CHECK_ERR(write(pfd[1], "x", 1), EPIPE);
	struct timespec zero = {0, 0};
	CHECK(sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE);
	CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL) == 0);
	close(pfd[1]);
	CHECK_ERR(pipe2(pfd, 0x12345678), EINVAL);
	p.fd = 9999;
	p.events = POLLIN;
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLNVAL);
	p.fd = -1;
	CHECK(poll(&p, 1, 0) == 0 && p.revents == 0);
	return 0;
}
