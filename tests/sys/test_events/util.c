// SPDX-License-Identifier: MIT
/* Helpers shared by the event test cases (util.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void settle(void)
{
	sleep_ms(50);
}

int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_attr_t a;
	cpu_set_t set;
	int rc;

	CPU_ZERO(&set);
	CPU_SET((size_t)(n > 1 ? n - 1 : 0), &set);
	pthread_attr_init(&a);
	pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	rc = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return rc;
}

bool wait_flag(const int *flag)
{
	uint64_t end = now_ns() + LONG_MS * MS;

	while (!flag_get(flag)) {
		if (now_ns() > end)
			return false;
		sleep_ms(2);
	}
	return true;
}

int revents_now(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

int readable_bytes(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) < 0 ? -1 : n;
}

bool has_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

int sig_count[65];
pthread_t sig_thread[65];

void counting_handler(int sig)
{
	__atomic_fetch_add(&sig_count[sig], 1, __ATOMIC_SEQ_CST);
	sig_thread[sig] = pthread_self();
}

void catch_signal(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = counting_handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	__atomic_store_n(&sig_count[sig], 0, __ATOMIC_SEQ_CST);
	sigaction(sig, &sa, NULL);
}

void reset_signal(int sig)
{
	signal(sig, SIG_IGN);
	signal(sig, SIG_DFL);
	unblock_signal(sig);
}

static void change_mask(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(how, &s, NULL);
}

void block_signal(int sig)
{
	change_mask(SIG_BLOCK, sig);
}

void unblock_signal(int sig)
{
	change_mask(SIG_UNBLOCK, sig);
}

bool is_blocked(int sig)
{
	sigset_t s;

	pthread_sigmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig) == 1;
}

bool is_pending(int sig)
{
	sigset_t s;

	sigpending(&s);
	return sigismember(&s, sig) == 1;
}
