// SPDX-License-Identifier: MIT
/*
 * Time: clock_gettime, clock_getres, gettimeofday, nanosleep,
 * clock_nanosleep, times, getrusage (the interval timer is itimer.c). The
 * monotonic clock is the
 * kernel's clock_ns(), the real-time clock the wall clock (kvmclock's, or
 * the RTC read once at boot) that settimeofday() may set. The CPU-time
 * clocks count what the scheduler measured: a thread's time on its CPU,
 * and for the process the CPUs' time not idle (include/kernel/sched.h),
 * by the standard ids or by Linux's ids of a process or thread (as
 * musl's clock_getcpuclockid() and pthread_getcpuclockid() make them).
 */
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include <kernel/page_alloc.h>
#include <kernel/sched.h>
#include <kernel/thread_impl.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "sys_impl.h"
#include "time_impl.h"


/* Linux's CPU-time clock of a process or thread: ~id << 3, then
 * bit 2 for a thread and, in the low two bits, which measure (both
 * user and system time, as all of ours is). */
#define CPUCLOCK_ID(clk)	(~((clk) >> 3))
#define CPUCLOCK_PERTHREAD	4
#define CPUCLOCK_WHICH_MASK	3
#define CPUCLOCK_WHICH_MAX	3

static int read_thread_cpu(struct thread *t, void *ns)
{
	*(uint64_t *)ns = thread_cpu_ns(t);
	return 0;
}

static int cpu_clock_read(clockid_t clk, uint64_t *ns)
{
	int id = CPUCLOCK_ID(clk);

	if ((clk & CPUCLOCK_WHICH_MASK) >= CPUCLOCK_WHICH_MAX)
		return -EINVAL;
	if (!(clk & CPUCLOCK_PERTHREAD)) {
		if (id != 0 && id != 1)	/* the one process, pid 1 */
			return -EINVAL;
		*ns = sched_busy_ns();
		return 0;
	}
	if (id == 0) {
		*ns = thread_cpu_ns(sched_current());
		return 0;
	}
	return kthread_with(id, read_thread_cpu, ns) ? -EINVAL : 0;
}

/* A thread's CPU-time clock, which no sleep or timer can wait for. */
static bool thread_clock(clockid_t clk)
{
	return clk == CLOCK_THREAD_CPUTIME_ID ||
	       (clk < 0 && (clk & CPUCLOCK_PERTHREAD));
}

static int clock_read(clockid_t clk, uint64_t *ns)
{
	if (clk < 0)
		return cpu_clock_read(clk, ns);
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = wallclock_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = clock_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = sched_busy_ns();
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = thread_cpu_ns(sched_current());
		return 0;
	default:
		return -EINVAL;
	}
}

static bool valid_ts(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && (uint64_t)ts->tv_nsec < NSEC;
}

int timespec_deadline(const struct timespec *ts, uint64_t *deadline)
{
	if (!user_readable(ts, sizeof(*ts)))
		return -EFAULT;
	if (!valid_ts(ts))
		return -EINVAL;
	*deadline = ns_add_sat(clock_ns(), timespec_ns(ts));
	return 0;
}

int abstime_deadline(clockid_t clk, const struct timespec *ts,
		     uint64_t *deadline)
{
	uint64_t now;

	if (!user_readable(ts, sizeof(*ts)))
		return -EFAULT;
	if ((uint64_t)ts->tv_nsec >= NSEC)
		return -EINVAL;
	if (clock_read(clk, &now) || thread_clock(clk))
		return -EINVAL;
	if (ts->tv_sec < 0) {
		*deadline = 0;
		return 0;
	}
	uint64_t want = timespec_ns(ts);
	uint64_t mono = clock_ns();

	/* Measured against the monotonic clock from the clock's now. A
	 * time already past keeps how long ago it was (a periodic timer
	 * counts its periods from there), as far back as boot. */
	if (want > now)
		*deadline = ns_add_sat(mono, want - now);
	else
		*deadline = now - want < mono ? mono - (now - want) : 0;
	return 0;
}

SYSCALL_DEFINE2(clock_gettime, clockid_t, clk, struct timespec *, ts)
{
	uint64_t ns;
	int rc = clock_read(clk, &ns);

	if (rc)
		return rc;
	if (!user_writable(ts, sizeof(*ts)))
		return -EFAULT;
	ns_timespec(ns, ts);
	return 0;
}

SYSCALL_DEFINE2(clock_getres, clockid_t, clk, struct timespec *, res)
{
	uint64_t ns;
	int rc = clock_read(clk, &ns);

	if (rc)
		return rc;
	if (res) {
		if (!user_writable(res, sizeof(*res)))
			return -EFAULT;
		*res = (struct timespec){ 0, 1 };
	}
	return 0;
}

SYSCALL_DEFINE2(gettimeofday, struct timeval *, tv, void *, tz)
{
	if (tv) {
		if (!user_writable(tv, sizeof(*tv)))
			return -EFAULT;
		ns_timeval(wallclock_ns(), tv);
	}
	if (tz) {
		if (!user_writable(tz, 2 * sizeof(int)))
			return -EFAULT;
		memset(tz, 0, 2 * sizeof(int));	/* UTC, no DST */
	}
	return 0;
}

SYSCALL_DEFINE1(time, time_t *, t)
{
	time_t now = (time_t)(wallclock_ns() / NSEC);

	if (t) {
		if (!user_writable(t, sizeof(*t)))
			return -EFAULT;
		*t = now;
	}
	return now;
}

static long set_wall(const struct timespec *ts)
{
	if (!user_readable(ts, sizeof(*ts)))
		return -EFAULT;
	if (!valid_ts(ts))
		return -EINVAL;
	wallclock_set(timespec_ns(ts));
	return 0;
}

SYSCALL_DEFINE2(clock_settime, clockid_t, clk, const struct timespec *, ts)
{
	return clk == CLOCK_REALTIME ? set_wall(ts) : -EINVAL;
}

SYSCALL_DEFINE2(settimeofday, const struct timeval *, tv, const void *, tz)
{
	if (!tv)
		return 0;
	if (!user_readable(tv, sizeof(*tv)))
		return -EFAULT;
	if (tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	struct timespec ts = { tv->tv_sec, tv->tv_usec * 1000 };

	return set_wall(&ts);
}

/* Sleeps until (deadline); when interrupted, (rem) gets what was left. */
static long sleep_until(uint64_t deadline, struct timespec *rem)
{
	int rc = thread_sleep_until_intr(deadline);

	if (rc == -EINTR && rem) {
		uint64_t now = clock_ns();

		ns_timespec(deadline > now ? deadline - now : 0, rem);
	}
	return rc;
}

SYSCALL_DEFINE2(nanosleep, const struct timespec *, req, struct timespec *,
		rem)
{
	uint64_t deadline;
	int rc = timespec_deadline(req, &deadline);

	if (rc)
		return rc;
	if (rem && !user_writable(rem, sizeof(*rem)))
		return -EFAULT;
	return sleep_until(deadline, rem);
}

SYSCALL_DEFINE4(clock_nanosleep, clockid_t, clk, int, flags,
		const struct timespec *, req, struct timespec *, rem)
{
	uint64_t deadline, now;
	int rc;

	if (thread_clock(clk) || clock_read(clk, &now))
		return -EINVAL;
	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	rc = flags & TIMER_ABSTIME ? abstime_deadline(clk, req, &deadline)
				   : timespec_deadline(req, &deadline);
	if (rc)
		return rc;
	if (rem && !(flags & TIMER_ABSTIME) &&
	    !user_writable(rem, sizeof(*rem)))
		return -EFAULT;
	return sleep_until(deadline, flags & TIMER_ABSTIME ? NULL : rem);
}

#define TICK_NS	(NSEC / 100)	/* sysconf(_SC_CLK_TCK) = 100 */

/* Clock ticks since boot; the process's CPU time as user time (the
 * kernel's work is the program's, and not told apart). */
SYSCALL_DEFINE1(times, struct tms *, t)
{
	if (t) {
		if (!user_writable(t, sizeof(*t)))
			return -EFAULT;
		*t = (struct tms){ .tms_utime =
					   (clock_t)(sched_busy_ns() / TICK_NS) };
	}
	return (long)(clock_ns() / TICK_NS);
}

SYSCALL_DEFINE2(getrusage, int, who, struct rusage *, ru)
{
	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN &&
	    who != RUSAGE_THREAD)
		return -EINVAL;
	if (!user_writable(ru, sizeof(*ru)))
		return -EFAULT;
	memset(ru, 0, sizeof(*ru));
	if (who != RUSAGE_CHILDREN) {
		struct page_stats ps;

		ns_timeval(who == RUSAGE_THREAD ?
				   thread_cpu_ns(sched_current()) :
				   sched_busy_ns(), &ru->ru_utime);
		/* The resident size: all the program holds, the kernel's
		 * part included. What is in use now: the page allocator
		 * keeps no peak. */
		page_alloc_stats(&ps);
		ru->ru_maxrss = (long)pages_kib(ps.total_pages - ps.free_pages);
	}
	return 0;
}
