// SPDX-License-Identifier: MIT
/* signalfd(): blocked signals read as records, the caller's and the
 * process's, lowest first, several to a read; with kill(), raise(),
 * sigqueue()'s value and a POSIX timer's; readiness for poll() and epoll;
 * the mask changed on the same descriptor; a blocking read in another
 * thread woken by a kill(); a signal that is not blocked goes to its
 * handler, not to the file; the errors Linux gives. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* One record from (fd), its signal number (or -errno). */
static int read_one(int fd, struct signalfd_siginfo *r)
{
	ssize_t n = read(fd, r, sizeof(*r));

	if (n < 0)
		return -errno;
	CHECK(n == (ssize_t)sizeof(*r));
	return (int)r->ssi_signo;
}

static void *blocking_reader(void *arg)
{
	struct signalfd_siginfo r;
	int fd = *(int *)arg;

	return (void *)(long)read_one(fd, &r);
}

int test_signalfd(void)
{
	sigset_t block, want, old;
	struct signalfd_siginfo r, rs[4];
	int k;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGTERM);
	CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
	sigemptyset(&want);
	sigaddset(&want, SIGUSR1);
	sigaddset(&want, SIGTERM);
	int fd = signalfd(-1, &want, SFD_NONBLOCK | SFD_CLOEXEC);

	CHECK(fd >= 0);
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);

	/* Nothing pending. */
	k = read_one(fd, &r);
	printf("empty: %d readable %d\n", k, readable(fd));

	/* raise(): the thread's own, SI_TKILL, from this process. */
	raise(SIGUSR1);
	printf("raise: readable %d\n", readable(fd));
	k = read_one(fd, &r);
	printf("read %d code %d\n", k, r.ssi_code);
	CHECK(r.ssi_pid == (uint32_t)getpid());
	CHECK(r.ssi_uid == getuid());
	k = read_one(fd, &r);
	printf("then: %d readable %d\n", k, readable(fd));

	/* Two for the process in one read, lowest number first. */
	CHECK(kill(getpid(), SIGTERM) == 0);
	CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 42 })
	      == 0);
	ssize_t n = read(fd, rs, sizeof(rs));

	printf("two: %zd bytes\n", n);
	CHECK(n == 2 * (ssize_t)sizeof(rs[0]));
	printf("first %u code %d int %d\n", rs[0].ssi_signo, rs[0].ssi_code,
	       rs[0].ssi_int);
	printf("second %u code %d\n", rs[1].ssi_signo, rs[1].ssi_code);

	/* A signal outside the mask stays pending, for others to take;
	 * the same descriptor then given it reads it. */
	raise(SIGUSR2);
	printf("usr2 outside: %d\n", read_one(fd, &r));
	sigset_t pend;

	CHECK(sigpending(&pend) == 0);
	printf("usr2 pending: %d\n", sigismember(&pend, SIGUSR2));
	sigaddset(&want, SIGUSR2);
	printf("new mask: %d\n", signalfd(fd, &want, 0));
	k = read_one(fd, &r);
	printf("usr2 read: %d readable after %d\n", k, readable(fd));

	/* Through epoll, beside other descriptors. */
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 }, got;

	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	printf("epoll idle: %d\n", epoll_wait(ep, &got, 1, 0));
	CHECK(kill(getpid(), SIGTERM) == 0);
	k = epoll_wait(ep, &got, 1, 1000);

	printf("epoll: %d data %u in %d\n", k, got.data.u32,
	       (got.events & EPOLLIN) != 0);
	printf("epoll read: %d\n", read_one(fd, &r));
	close(ep);

	/* A POSIX timer's: SI_TIMER with its value, read when it fires. */
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGUSR1,
				.sigev_value.sival_int = 7 };
	struct itimerspec its = { .it_value = { 0, 10 * 1000 * 1000 } };
	timer_t timer;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0);
	CHECK(timer_settime(timer, 0, &its, NULL) == 0);
	printf("timer poll: %d\n", poll(&p, 1, 2000));
	k = read_one(fd, &r);
	printf("timer read: %d code %d int %d\n", k, r.ssi_code, r.ssi_int);
	CHECK(timer_delete(timer) == 0);

	/* A read that blocks, in another thread (which inherits the
	 * mask), woken by a signal sent to the process. */
	int bfd = signalfd(-1, &want, 0);
	pthread_t t;
	void *res;

	CHECK(bfd >= 0);
	CHECK(pthread_create(&t, NULL, blocking_reader, &bfd) == 0);
	usleep(50 * 1000);
	CHECK(kill(getpid(), SIGTERM) == 0);
	CHECK(pthread_join(t, &res) == 0);
	printf("blocking read in a thread: %ld\n", (long)res);
	close(bfd);

	/* Not blocked: the handler takes it, the file never sees it. */
	struct sigaction sa = { .sa_handler = on_usr1 }, old_sa;
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	CHECK(sigaction(SIGUSR1, &sa, &old_sa) == 0);
	CHECK(sigprocmask(SIG_UNBLOCK, &usr1, NULL) == 0);
	raise(SIGUSR1);
	k = read_one(fd, &r);
	printf("unblocked: handled %d read %d\n", handled, k);
	CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
	CHECK(sigaction(SIGUSR1, &old_sa, NULL) == 0);

	/* Errors. */
	char small[64];
	int pfd[2];

	CHECK_ERR(read(fd, small, sizeof(small)), EINVAL);
	CHECK_ERR(write(fd, "x", 1), EINVAL);
	CHECK(pipe(pfd) == 0);
	CHECK_ERR(signalfd(pfd[0], &want, 0), EINVAL);
	CHECK_ERR(signalfd(1000, &want, 0), EBADF);
	CHECK_ERR(signalfd(-1, &want, 0x4000), EINVAL);
	close(pfd[0]);
	close(pfd[1]);
	struct stat st;

	CHECK(fstat(fd, &st) == 0);
	/* SIGKILL and SIGSTOP in the mask are left out, not an error. */
	sigset_t all;

	sigfillset(&all);
	int afd = signalfd(-1, &all, SFD_NONBLOCK);

	CHECK(afd >= 0);
	printf("all, none pending: %d\n", read_one(afd, &r));
	close(afd);
	close(fd);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	return 0;
}
