// SPDX-License-Identifier: MIT
/* CPU time is time spent computing, not time gone by: clock(), the
 * process's and threads' CPU-time clocks, times() and getrusage() grow
 * while a thread computes and hardly while the program sleeps; another
 * thread's clock (pthread_getcpuclockid()) counts that thread's work, not
 * the caller's; a thread's CPU clock cannot be slept on. The bounds are
 * loose (a busy host delays both sides); nothing timed is printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define MS 1000000LL

static long long ns_of(clockid_t c)
{
	struct timespec ts;

	CHECK_OK(clock_gettime(c, &ts));
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Where spin()'s work goes, so that it is done. */
static volatile unsigned long sink;

/* Computes for (ms) of the monotonic clock. */
static void spin(long long ms)
{
	long long end = ns_of(CLOCK_MONOTONIC) + ms * MS;

	while (ns_of(CLOCK_MONOTONIC) < end)
		for (int i = 0; i < 1000; i++)
			sink += (unsigned long)i;
}

static long long tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * 1000000000LL + tv->tv_usec * 1000LL;
}

static long long rusage_ns(int who)
{
	struct rusage ru;

	CHECK_OK(getrusage(who, &ru));
	return tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
}

static sem_t spun, read_done;

static void *spinner(void *arg)
{
	(void)arg;
	spin(150);
	sem_post(&spun);
	while (sem_wait(&read_done))	/* alive while main reads its clock */
		;
	return NULL;
}

int test_cpu_time(void)
{
	struct tms t0, t1;
	struct timespec ts = {0, 1000};
	clockid_t other, self;
	pthread_t t;

	/* Computing: every measure grows by most of it. */
	long long p0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	long long th0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	clock_t c0 = clock();

	CHECK(times(&t0) != (clock_t)-1);
	spin(150);
	CHECK(times(&t1) != (clock_t)-1);
	long long p1 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	long long th1 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	clock_t c1 = clock();

	printf("computing: process %d thread %d clock() %d times() %d\n",
	       p1 - p0 >= 60 * MS, th1 - th0 >= 60 * MS,
	       (c1 - c0) >= 60 * (CLOCKS_PER_SEC / 1000),
	       (t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime)
		       >= 6);

	/* Sleeping: next to nothing. */
	p0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	th0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	c0 = clock();
	usleep(250000);
	p1 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	th1 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	c1 = clock();
	printf("sleeping: process %d thread %d clock() %d\n",
	       p1 - p0 < 100 * MS, th1 - th0 < 100 * MS,
	       (c1 - c0) < 100 * (CLOCKS_PER_SEC / 1000));

	/* Another thread's clock is its own work: it computes while this
	 * one waits. */
	CHECK_OK(sem_init(&spun, 0, 0));
	CHECK_OK(sem_init(&read_done, 0, 0));
	th0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	CHECK(pthread_create(&t, NULL, spinner, NULL) == 0);
	while (sem_wait(&spun))
		;
	th1 = ns_of(CLOCK_THREAD_CPUTIME_ID);
	CHECK(pthread_getcpuclockid(t, &other) == 0);
	long long theirs = ns_of(other);

	sem_post(&read_done);
	CHECK(pthread_join(t, NULL) == 0);
	printf("other thread: theirs %d ours while waiting %d\n",
	       theirs >= 60 * MS, th1 - th0 < 100 * MS);

	/* getrusage: the thread's share is within the process's. */
	long long mine = rusage_ns(RUSAGE_THREAD);
	long long all = rusage_ns(RUSAGE_SELF);

	printf("rusage: thread %d within process %d\n", mine >= 60 * MS,
	       mine <= all);

	/* No sleeping on a thread's CPU clock. */
	printf("nanosleep on the thread clock: %s\n",
	       strerror(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL)));
	CHECK(pthread_getcpuclockid(pthread_self(), &self) == 0);
	printf("on its id: %s\n",
	       strerror(clock_nanosleep(self, 0, &ts, NULL)));
	return 0;
}
