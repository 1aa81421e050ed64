/* SPDX-License-Identifier: MIT */
/*
 * <time.h>: CLOCK_MONOTONIC counts nanoseconds since boot from kvmclock or
 * the TSC; CLOCK_REALTIME adds the wall-clock time read at boot (kvmclock's
 * wall clock, else the CMOS RTC). nanosleep halts the CPU until the deadline.
 */
#ifndef _TIME_H
#define _TIME_H

#include <stddef.h>
#include <sys/types.h>

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	3
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7

#define CLOCKS_PER_SEC		1000000L
#define TIMER_ABSTIME		1

int clock_gettime(clockid_t clk, struct timespec *ts);
int clock_getres(clockid_t clk, struct timespec *res);
int clock_settime(clockid_t clk, const struct timespec *ts);
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem);
int nanosleep(const struct timespec *req, struct timespec *rem);
time_t time(time_t *out);
clock_t clock(void);

#endif /* _TIME_H */
