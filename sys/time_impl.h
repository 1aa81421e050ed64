/* SPDX-License-Identifier: MIT */
/* Private to sys/: the C library's times in ns, and as clock_ns()
 * deadlines (sys/time.c). */
#ifndef SYS_TIME_IMPL_H
#define SYS_TIME_IMPL_H

#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#define NSEC 1000000000ULL

static inline uint64_t ns_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* A checked (valid) timespec in ns; far futures saturate. */
static inline uint64_t timespec_ns(const struct timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / NSEC)
		return UINT64_MAX;
	return (uint64_t)ts->tv_sec * NSEC + (uint64_t)ts->tv_nsec;
}

static inline void ns_timespec(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / NSEC);
	ts->tv_nsec = (long)(ns % NSEC);
}

static inline void ns_timeval(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ns / NSEC);
	tv->tv_usec = (suseconds_t)(ns % NSEC / 1000);
}

/* The clock_ns() deadline (*deadline) that is (ts) from now (relative):
 * 0, -EFAULT, or -EINVAL for a negative or malformed time. Far futures
 * saturate. */
int timespec_deadline(const struct timespec *ts, uint64_t *deadline);

/* The clock_ns() deadline at which clock (clk) reads (ts) (absolute): 0,
 * -EFAULT, -EINVAL (a malformed time, a clock that cannot be waited on).
 * A time already past gives a deadline already past. */
int abstime_deadline(clockid_t clk, const struct timespec *ts,
		     uint64_t *deadline);

#endif /* SYS_TIME_IMPL_H */
