// SPDX-License-Identifier: MIT
/* The CPU-time clocks of a process and of a thread by id
 * (clock_getcpuclockid(), pthread_getcpuclockid()) can be read, and never
 * go back; another thread's too; a process that is none has no clock.
 * Nothing about the times is printed. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long long read_ns(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int readable(clockid_t c)
{
	struct timespec res;
	long long a = read_ns(c), b = read_ns(c);

	return a >= 0 && b >= a && clock_getres(c, &res) == 0;
}

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *waits(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate);
	pthread_mutex_unlock(&gate);
	return NULL;
}

int test_cpu_clock_id(void)
{
	clockid_t c;
	pthread_t t;

	CHECK(clock_getcpuclockid(0, &c) == 0);
	printf("process clock (pid 0) readable: %d\n", readable(c));
	CHECK(clock_getcpuclockid(getpid(), &c) == 0);
	printf("process clock (getpid()) readable: %d\n", readable(c));
	CHECK(pthread_getcpuclockid(pthread_self(), &c) == 0);
	printf("own thread's clock readable: %d\n", readable(c));
	pthread_mutex_lock(&gate);
	CHECK(pthread_create(&t, NULL, waits, NULL) == 0);
	CHECK(pthread_getcpuclockid(t, &c) == 0);
	printf("other thread's clock readable: %d\n", readable(c));
	pthread_mutex_unlock(&gate);
	CHECK(pthread_join(t, NULL) == 0);
	/* A pid past Linux's largest is no process anywhere: musl passes on
	 * the kernel's EINVAL (POSIX would say ESRCH). On Toro every pid
	 * but its own, 1, is none. */
	printf("no such process: %s\n",
	       strerror(clock_getcpuclockid(4194305, &c)));
	if (ON_TORO)
		CHECK(clock_getcpuclockid(2, &c) == EINVAL);
	return 0;
}
