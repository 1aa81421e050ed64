// SPDX-License-Identifier: MIT
/*
 * The interval timers: setitimer, getitimer, alarm. ITIMER_REAL counts
 * time gone by and sends SIGALRM; ITIMER_VIRTUAL and ITIMER_PROF count
 * the process's CPU time (include/kernel/sched.h: all of it is user time
 * here, so both count the same) and send SIGVTALRM and SIGPROF. A signal
 * goes to the process (a thread that does not block it takes it at its
 * next system call, or its wait is interrupted).
 *
 * Each is one kernel timer, armed on the CPU of the thread that set it (a
 * timer is cancelled on its own CPU). A CPU-time timer's kernel timer is
 * a check: the CPUs cannot use the time left faster than all of them
 * together, so it looks again after that time divided by their number,
 * and fires once the process's CPU time has reached its expiry.
 */
#include <signal.h>
#include <sys/time.h>

#include <kernel/compiler.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/smp_call.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>
#include <toro/cpu.h>
#include <toro/time.h>

#include "sys_impl.h"
#include "time_impl.h"

/* A CPU-time timer looks again no sooner than this. */
#define CHECK_MIN_NS	1000000ULL

struct itimer {
	struct spinlock lock;
	struct timer timer;	/* armed on the CPU that last set it */
	unsigned cpu;
	uint64_t expires;	/* on its clock; 0: disarmed */
	uint64_t interval;	/* ns; 0: one shot */
};

/* By ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF. */
static struct itimer itimers[3];
static const int itimer_signal[3] = { SIGALRM, SIGVTALRM, SIGPROF };

/* The clock timer (which) counts on. */
static uint64_t now_on(int which)
{
	return which == ITIMER_REAL ? clock_ns() : sched_busy_ns();
}

static int which_of(struct timer *t)
{
	return (int)(container_of(t, struct itimer, timer) - itimers);
}

/* Lock held: when (it)'s kernel timer should look next (clock_ns()). */
static uint64_t next_check(const struct itimer *it, int which, uint64_t now)
{
	uint64_t left;

	if (which == ITIMER_REAL)
		return it->expires;
	left = it->expires > now ? (it->expires - now) / cpu_count() : 0;
	return clock_ns() + (left > CHECK_MIN_NS ? left : CHECK_MIN_NS);
}

static void itimer_fire(struct timer *t)
{
	int which = which_of(t);
	struct itimer *it = &itimers[which];
	bool irq = spin_lock_irqsave(&it->lock);
	uint64_t now = now_on(which);
	bool due = it->expires && now >= it->expires;

	if (due && it->interval)
		it->expires = ns_add_sat(it->expires, it->interval);
	else if (due)
		it->expires = 0;
	if (it->expires)	/* the next period, or a look again */
		timer_start(&it->timer, next_check(it, which, now),
			    itimer_fire);
	spin_unlock_irqrestore(&it->lock, irq);
	/* From interrupt context: the signal waits on the process (or
	 * interrupts a thread that can take it). */
	if (due)
		signal_post_process(itimer_signal[which]);
}

/* Lock held. */
static void itimer_get(int which, struct itimerval *v)
{
	const struct itimer *it = &itimers[which];
	uint64_t now = now_on(which);

	ns_timeval(it->expires > now ? it->expires - now :
		   it->expires ? 1000 : 0, &v->it_value);
	ns_timeval(it->interval, &v->it_interval);
}

/* Timers live on one CPU: the one that armed them cancels them. */
static void cancel_here(void *arg)
{
	timer_cancel(arg);
}

static long itimer_set(int which, const struct itimerval *v,
		       struct itimerval *old)
{
	struct itimer *it = &itimers[which];
	bool irq = spin_lock_irqsave(&it->lock);
	bool armed = it->expires != 0;
	unsigned cpu = it->cpu;

	if (old)
		itimer_get(which, old);
	it->expires = 0;
	spin_unlock_irqrestore(&it->lock, irq);
	if (armed) {
		if (cpu == cpu_id())
			timer_cancel(&it->timer);
		else
			smp_call_irq(cpu, cancel_here, &it->timer);
	}
	if (!v || (v->it_value.tv_sec == 0 && v->it_value.tv_usec == 0))
		return 0;
	uint64_t value = (uint64_t)v->it_value.tv_sec * NSEC +
			 (uint64_t)v->it_value.tv_usec * 1000;

	irq = spin_lock_irqsave(&it->lock);
	it->interval = (uint64_t)v->it_interval.tv_sec * NSEC +
		       (uint64_t)v->it_interval.tv_usec * 1000;
	uint64_t now = now_on(which);

	it->expires = ns_add_sat(now, value);
	it->cpu = cpu_id();
	timer_start(&it->timer, next_check(it, which, now), itimer_fire);
	spin_unlock_irqrestore(&it->lock, irq);
	return 0;
}

static bool valid_tv(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

static bool valid_which(int which)
{
	return which == ITIMER_REAL || which == ITIMER_VIRTUAL ||
	       which == ITIMER_PROF;
}

SYSCALL_DEFINE3(setitimer, int, which, const struct itimerval *, v,
		struct itimerval *, old)
{
	if (!valid_which(which))
		return -EINVAL;
	if ((v && !user_readable(v, sizeof(*v))) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	if (v && (!valid_tv(&v->it_value) || !valid_tv(&v->it_interval)))
		return -EINVAL;
	return itimer_set(which, v, old);
}

SYSCALL_DEFINE2(getitimer, int, which, struct itimerval *, v)
{
	if (!valid_which(which))
		return -EINVAL;
	if (!user_writable(v, sizeof(*v)))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&itimers[which].lock);

	itimer_get(which, v);
	spin_unlock_irqrestore(&itimers[which].lock, irq);
	return 0;
}

SYSCALL_DEFINE1(alarm, unsigned, seconds)
{
	struct itimerval v = { .it_value = { .tv_sec = seconds } }, old;

	itimer_set(ITIMER_REAL, &v, &old);
	/* Whole seconds left, rounded up, as Linux reports them. */
	return old.it_value.tv_sec + (old.it_value.tv_usec > 0);
}
