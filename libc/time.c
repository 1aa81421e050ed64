// SPDX-License-Identifier: MIT
/*
 * <time.h> over the kernel clocks. There are no processes, so CPU-time
 * clocks read the monotonic clock: a Toro application owns its CPUs. Also
 * the conversion of the thread calls' absolute timeouts to clock_ns()
 * deadlines (abstime_deadline(), pthread_impl.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <time.h>

#include <toro/time.h>

#include "pthread_impl.h"

#define NSEC 1000000000ULL

static int clock_read(clockid_t clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = wallclock_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = clock_ns();
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	uint64_t ns;

	if (clock_read(clk, &ns))
		return -1;
	ts->tv_sec = ns / NSEC;
	ts->tv_nsec = ns % NSEC;
	return 0;
}

int clock_getres(clockid_t clk, struct timespec *res)
{
	uint64_t ns;

	if (clock_read(clk, &ns))
		return -1;
	if (res)
		*res = (struct timespec){ 0, 1 };
	return 0;
}

int clock_settime(clockid_t clk, const struct timespec *ts)
{
	if (clk != CLOCK_REALTIME || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L ||
	    ts->tv_sec < 0) {
		errno = EINVAL;
		return -1;
	}
	wallclock_set(ts->tv_sec * NSEC + ts->tv_nsec);
	return 0;
}

static bool valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

static uint64_t to_ns(const struct timespec *ts)
{
	/* Saturate instead of overflowing for absurdly long sleeps. */
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / NSEC - 1)
		return UINT64_MAX / 2;
	return ts->tv_sec * NSEC + ts->tv_nsec;
}

int abstime_deadline(clockid_t clk, const struct timespec *abstime,
		     uint64_t *deadline)
{
	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L ||
	    (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC))
		return EINVAL;
	if (abstime->tv_sec < 0) {
		*deadline = 0;
		return 0;
	}
	uint64_t want = to_ns(abstime);

	if (clk == CLOCK_MONOTONIC) {
		*deadline = want;
		return 0;
	}
	/* The wall clock is the monotonic one plus an offset: read it first,
	 * so the monotonic reading can only be later and the deadline can
	 * only fall after the wall clock reaches (abstime). */
	uint64_t wall = wallclock_ns();
	uint64_t mono = clock_ns();

	*deadline = want > wall ? mono + (want - wall) : 0;
	return 0;
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem)
{
	uint64_t now;

	if (clock_read(clk, &now))
		return EINVAL;
	if (!valid(req))
		return EINVAL;
	uint64_t want = to_ns(req);
	uint64_t mono = clock_ns();

	if (flags & TIMER_ABSTIME)
		sleep_until_ns(want > now ? mono + (want - now) : mono);
	else
		sleep_until_ns(mono + want);
	if (rem)
		*rem = (struct timespec){ 0, 0 };
	return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);

	if (rc) {
		errno = rc;
		return -1;
	}
	return 0;
}

time_t time(time_t *out)
{
	time_t t = wallclock_ns() / NSEC;

	if (out)
		*out = t;
	return t;
}

clock_t clock(void)
{
	return clock_ns() / 1000;
}
