// SPDX-License-Identifier: MIT
/*
 * The real-time interval timer: setitimer, getitimer, alarm. When it
 * expires, SIGALRM goes to the process (a thread that does not block it
 * takes it at its next system call, or its wait is interrupted). One
 * kernel timer, armed on the CPU of the thread that set it (a timer is
 * cancelled on its own CPU). The virtual and profiling timers count CPU
 * time a Toro program does not account separately: -ENOSYS.
 */
#include <signal.h>
#include <sys/time.h>

#include <kernel/signal.h>
#include <kernel/smp_call.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>
#include <toro/cpu.h>
#include <toro/time.h>

#include "sys_impl.h"
#include "time_impl.h"


static struct {
	struct spinlock lock;
	struct timer timer;	/* armed on the CPU that last set it */
	unsigned cpu;
	uint64_t expires;	/* clock_ns(); 0: disarmed */
	uint64_t interval;	/* ns; 0: one shot */
} itimer;

static void itimer_fire(struct timer *t)
{
	(void)t;
	bool irq = spin_lock_irqsave(&itimer.lock);

	if (itimer.interval) {
		itimer.expires = ns_add_sat(itimer.expires, itimer.interval);
		timer_start(&itimer.timer, itimer.expires, itimer_fire);
	} else {
		itimer.expires = 0;
	}
	spin_unlock_irqrestore(&itimer.lock, irq);
	/* From interrupt context: the signal waits on the process (or
	 * interrupts a thread that can take it). */
	signal_post_process(SIGALRM);
}

static void itimer_get(struct itimerval *v)
{
	uint64_t now = clock_ns();

	ns_timeval(itimer.expires > now ? itimer.expires - now :
		      itimer.expires ? 1000 : 0, &v->it_value);
	ns_timeval(itimer.interval, &v->it_interval);
}

/* Timers live on one CPU: the one that armed them cancels them. */
static void cancel_here(void *arg)
{
	(void)arg;
	timer_cancel(&itimer.timer);
}

static long itimer_set(const struct itimerval *v, struct itimerval *old)
{
	bool irq = spin_lock_irqsave(&itimer.lock);
	bool armed = itimer.expires != 0;
	unsigned cpu = itimer.cpu;

	if (old)
		itimer_get(old);
	itimer.expires = 0;
	spin_unlock_irqrestore(&itimer.lock, irq);
	if (armed) {
		if (cpu == cpu_id())
			timer_cancel(&itimer.timer);
		else
			smp_call_irq(cpu, cancel_here, NULL);
	}
	if (!v || (v->it_value.tv_sec == 0 && v->it_value.tv_usec == 0))
		return 0;
	uint64_t value = (uint64_t)v->it_value.tv_sec * NSEC +
			 (uint64_t)v->it_value.tv_usec * 1000;

	irq = spin_lock_irqsave(&itimer.lock);
	itimer.interval = (uint64_t)v->it_interval.tv_sec * NSEC +
			  (uint64_t)v->it_interval.tv_usec * 1000;
	itimer.expires = ns_add_sat(clock_ns(), value);
	itimer.cpu = cpu_id();
	timer_start(&itimer.timer, itimer.expires, itimer_fire);
	spin_unlock_irqrestore(&itimer.lock, irq);
	return 0;
}

static bool valid_tv(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

SYSCALL_DEFINE3(setitimer, int, which, const struct itimerval *, v,
		struct itimerval *, old)
{
	if (which != ITIMER_REAL)
		return which == ITIMER_VIRTUAL || which == ITIMER_PROF ?
			       -ENOSYS : -EINVAL;
	if ((v && !user_readable(v, sizeof(*v))) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	if (v && (!valid_tv(&v->it_value) || !valid_tv(&v->it_interval)))
		return -EINVAL;
	return itimer_set(v, old);
}

SYSCALL_DEFINE2(getitimer, int, which, struct itimerval *, v)
{
	if (which != ITIMER_REAL)
		return which == ITIMER_VIRTUAL || which == ITIMER_PROF ?
			       -ENOSYS : -EINVAL;
	if (!user_writable(v, sizeof(*v)))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&itimer.lock);

	itimer_get(v);
	spin_unlock_irqrestore(&itimer.lock, irq);
	return 0;
}

SYSCALL_DEFINE1(alarm, unsigned, seconds)
{
	struct itimerval v = { .it_value = { .tv_sec = seconds } }, old;

	itimer_set(&v, &old);
	/* Whole seconds left, rounded up, as Linux reports them. */
	return old.it_value.tv_sec + (old.it_value.tv_usec > 0);
}
