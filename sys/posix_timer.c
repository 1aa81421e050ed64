// SPDX-License-Identifier: MIT
/*
 * POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete. An expiry sends the timer's signal to
 * the process (SIGEV_SIGNAL) or to one thread (SIGEV_THREAD_ID, which is
 * how musl runs SIGEV_THREAD: its helper thread waits for SIGTIMER), or
 * nothing (SIGEV_NONE); each timer owns the entry its signal is queued
 * with, so expirations while it waits count as overruns, as on Linux.
 *
 * A timer is a kernel timer armed on the CPU of the thread that last set
 * it (a kernel timer is cancelled on its own CPU), over clock_ns(). A
 * CLOCK_REALTIME deadline is turned into that clock when it is set: a
 * later change of the wall clock does not move it.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>

#include <kernel/heap.h>
#include <kernel/smp_call.h>
#include <kernel/spinlock.h>
#include <kernel/thread_impl.h>
#include <kernel/timer.h>
#include <toro/cpu.h>
#include <toro/time.h>

#include "signal_impl.h"
#include "sys_impl.h"
#include "time_impl.h"

#define TIMERS_MAX 1024		/* per process, as ids 0 to 1023 */

struct ptimer {
	struct timer timer;	/* armed on (cpu) while (expires) */
	unsigned cpu;
	clockid_t clock;
	uint64_t expires;	/* clock_ns(); 0: disarmed */
	uint64_t interval;	/* ns; 0: one shot */
	int notify;
	int tid;		/* SIGEV_THREAD_ID */
	struct sigq sig;
};

static struct {
	struct spinlock lock;
	struct ptimer *slot[TIMERS_MAX];
} timers;

/* In interrupt context, on the timer's CPU. */
static void fire(struct timer *kt)
{
	struct ptimer *p = (struct ptimer *)kt;
	unsigned missed = 0;
	bool irq = spin_lock_irqsave(&timers.lock);

	if (!p->expires) {		/* disarmed meanwhile */
		spin_unlock_irqrestore(&timers.lock, irq);
		return;
	}
	if (p->interval) {
		uint64_t now = clock_ns(), next = p->expires + p->interval;

		/* Periods that went by unseen (interrupts held off). */
		if (next <= now) {
			uint64_t late = (now - next) / p->interval + 1;

			missed = late > INT32_MAX ? INT32_MAX : (unsigned)late;
			next += late * p->interval;
		}
		p->expires = next;
		timer_start(&p->timer, next, fire);
	} else {
		p->expires = 0;
	}
	spin_unlock_irqrestore(&timers.lock, irq);
	if (p->notify != SIGEV_NONE)
		signal_queue(p->notify == SIGEV_THREAD_ID ? p->tid : 0,
			     &p->sig, missed);
}

static int thread_exists(struct thread *t, void *arg)
{
	(void)t, (void)arg;
	return 0;
}

static bool clock_ok(clockid_t clk)
{
	return clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC ||
	       clk == CLOCK_BOOTTIME;
}

SYSCALL_DEFINE3(timer_create, clockid_t, clk, const struct ksigevent *, sev,
		int *, id)
{
	struct ksigevent ev;

	if ((sev && !user_readable(sev, sizeof(*sev))) ||
	    !user_writable(id, sizeof(*id)))
		return -EFAULT;
	if (!clock_ok(clk))
		return -EINVAL;
	ev = sev ? *sev : (struct ksigevent){ .signo = SIGALRM,
					       .notify = SIGEV_SIGNAL };
	switch (ev.notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_THREAD_ID:
		if (kthread_with(ev.tid, thread_exists, NULL) != 0)
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
		if (ev.signo < 1 || ev.signo > 64)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	struct ptimer *p = heap_zalloc(sizeof(*p));

	if (!p)
		return -EAGAIN;
	p->clock = clk;
	p->notify = ev.notify;
	p->tid = ev.tid;
	p->sig.embedded = true;

	bool irq = spin_lock_irqsave(&timers.lock);
	int i = 0;

	while (i < TIMERS_MAX && timers.slot[i])
		i++;
	if (i < TIMERS_MAX)
		timers.slot[i] = p;
	spin_unlock_irqrestore(&timers.lock, irq);
	if (i == TIMERS_MAX) {
		heap_free(p);
		return -EAGAIN;
	}
	p->sig.info = (siginfo_t){ .si_signo = ev.signo, .si_code = SI_TIMER };
	p->sig.info.si_timerid = i;
	p->sig.info.si_value = sev ? ev.value : (union sigval){ .sival_int = i };
	*id = i;
	return 0;
}

/* The timer called (id), or NULL; with the lock held. */
static struct ptimer *find(int id)
{
	return id >= 0 && id < TIMERS_MAX ? timers.slot[id] : NULL;
}

static void cancel_here(void *arg)
{
	timer_cancel(arg);
}

/* Disarms (p), on its CPU; not with the lock held. */
static void disarm(struct ptimer *p)
{
	bool irq = spin_lock_irqsave(&timers.lock);
	bool armed = p->expires != 0;
	unsigned cpu = p->cpu;

	p->expires = 0;
	spin_unlock_irqrestore(&timers.lock, irq);
	if (!armed)
		return;
	if (cpu == cpu_id())
		timer_cancel(&p->timer);
	else
		smp_call_irq(cpu, cancel_here, &p->timer);
}

/* Lock held. */
static void get(const struct ptimer *p, struct itimerspec *v)
{
	uint64_t now = clock_ns();

	/* Expired but not yet rearmed: a moment left, not zero (which would
	 * say disarmed). */
	ns_timespec(p->expires > now ? p->expires - now : p->expires ? 1 : 0,
	      &v->it_value);
	ns_timespec(p->interval, &v->it_interval);
}

static bool valid_ts(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 &&
	       (uint64_t)ts->tv_nsec < NSEC;
}

SYSCALL_DEFINE4(timer_settime, int, id, int, flags,
		const struct itimerspec *, v, struct itimerspec *, old)
{
	uint64_t deadline;

	if (!user_readable(v, sizeof(*v)) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	if (!valid_ts(&v->it_value) || !valid_ts(&v->it_interval) ||
	    flags & ~TIMER_ABSTIME)
		return -EINVAL;
	bool irq = spin_lock_irqsave(&timers.lock);
	struct ptimer *p = find(id);

	if (p && old)
		get(p, old);
	spin_unlock_irqrestore(&timers.lock, irq);
	if (!p)
		return -EINVAL;
	/* A timer being set is not deleted meanwhile: that would be the
	 * program's own race, as on Linux. */
	disarm(p);
	if (v->it_value.tv_sec == 0 && v->it_value.tv_nsec == 0)
		return 0;
	int rc = flags & TIMER_ABSTIME ?
			 abstime_deadline(p->clock, &v->it_value, &deadline) :
			 timespec_deadline(&v->it_value, &deadline);

	if (rc)
		return rc;
	if (deadline == 0)
		deadline = 1;		/* 0 means disarmed */
	irq = spin_lock_irqsave(&timers.lock);
	p->interval = timespec_ns(&v->it_interval);
	p->expires = deadline;
	p->cpu = cpu_id();
	timer_start(&p->timer, deadline, fire);
	spin_unlock_irqrestore(&timers.lock, irq);
	return 0;
}

SYSCALL_DEFINE2(timer_gettime, int, id, struct itimerspec *, v)
{
	if (!user_writable(v, sizeof(*v)))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&timers.lock);
	struct ptimer *p = find(id);

	if (p)
		get(p, v);
	spin_unlock_irqrestore(&timers.lock, irq);
	return p ? 0 : -EINVAL;
}

SYSCALL_DEFINE1(timer_getoverrun, int, id)
{
	bool irq = spin_lock_irqsave(&timers.lock);
	struct ptimer *p = find(id);
	int n = p ? p->sig.overrun_last : -EINVAL;

	spin_unlock_irqrestore(&timers.lock, irq);
	return n;
}

SYSCALL_DEFINE1(timer_delete, int, id)
{
	bool irq = spin_lock_irqsave(&timers.lock);
	struct ptimer *p = find(id);

	if (p)
		timers.slot[id] = NULL;
	spin_unlock_irqrestore(&timers.lock, irq);
	if (!p)
		return -EINVAL;
	disarm(p);
	signal_unqueue(&p->sig);
	heap_free(p);
	return 0;
}
