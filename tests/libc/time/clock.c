// SPDX-License-Identifier: MIT
/* The clocks and sleeps of <time.h>, <sys/time.h>, <unistd.h> and
 * <sys/times.h>: only what POSIX promises is checked (monotonic time
 * never goes back, a sleep lasts at least as long as asked, errors), and
 * nothing about the actual times is printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long long ns(clockid_t c)
{
	struct timespec ts;

	CHECK(clock_gettime(c, &ts) == 0);
	CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int test_clock(void)
{
	clockid_t ids[] = {CLOCK_REALTIME,	     CLOCK_MONOTONIC,
			   CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
			   CLOCK_MONOTONIC_RAW,	     CLOCK_REALTIME_COARSE,
			   CLOCK_MONOTONIC_COARSE,   CLOCK_BOOTTIME};

	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct timespec res;

		CHECK(clock_getres(ids[i], &res) == 0);
		CHECK(res.tv_sec == 0 && res.tv_nsec > 0 &&
		      res.tv_nsec <= 10000000);
		long long a = ns(ids[i]), b = ns(ids[i]);
		if (ids[i] != CLOCK_REALTIME && ids[i] != CLOCK_REALTIME_COARSE)
			CHECK(b >= a);
	}
	struct timespec ts;
	CHECK_ERR(clock_gettime((clockid_t)12345, &ts), EINVAL);
	CHECK(ns(CLOCK_REALTIME) > 1600000000LL * 1000000000LL);
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == 0);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(llabs(tv.tv_sec - time(NULL)) <= 2);
	/* Sleeps last at least what they were asked. */
	long long t0 = ns(CLOCK_MONOTONIC);
	struct timespec d = {0, 20000000}, rem = {9, 9};
	CHECK(nanosleep(&d, &rem) == 0);
	long long t1 = ns(CLOCK_MONOTONIC);
	CHECK(t1 - t0 >= 20000000);
	CHECK(usleep(10000) == 0);
	long long t2 = ns(CLOCK_MONOTONIC);
	CHECK(t2 - t1 >= 10000000);
	CHECK(sleep(0) == 0);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 15000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
	CHECK(ns(CLOCK_MONOTONIC) >= abs.tv_sec * 1000000000LL + abs.tv_nsec);
	d.tv_nsec = 1000000000;
	CHECK_ERR(nanosleep(&d, NULL), EINVAL);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL) == EINVAL);
	/* CPU time moves forward while this thread computes. */
	clock_t c0 = clock();
	volatile double x = 0;
	for (int i = 0; i < 2000000; i++)
		x += i;
	clock_t c1 = clock();
	CHECK(c0 != (clock_t)-1 && c1 >= c0 && x > 0);
	struct tms tm;
	CHECK(times(&tm) != (clock_t)-1);
	struct rusage ru;
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
	CHECK(ru.ru_utime.tv_usec < 1000000);
	/* A resident size, at least the 8 MiB held; on Toro the memory in
	 * use now (Linux's is the peak, which earlier programs may have
	 * set higher). */
	long before = ru.ru_maxrss;
	char *big = malloc(8 << 20);

	CHECK(big != NULL);
	if (big) {
		memset(big, 1, 8 << 20);
		CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
		CHECK(before > 0 && ru.ru_maxrss >= (8 << 10));
		if (ON_TORO)
			CHECK(ru.ru_maxrss >= before + (8 << 10));
		free(big);
	}
	struct itimerval it = {{0, 0}, {0, 0}}, old;
	CHECK(getitimer(ITIMER_REAL, &old) == 0);
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0);
	printf("clocks ok, CLOCKS_PER_SEC %ld\n", (long)CLOCKS_PER_SEC);
	return 0;
}
