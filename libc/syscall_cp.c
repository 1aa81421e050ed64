// SPDX-License-Identifier: MIT
/*
 * Cancellation points and signal delivery around musl's blocking system
 * calls (read, nanosleep, futex waits...), which musl routes through
 * __syscall_cp() and libc/arch/syscall_arch.h hands here with the
 * adapter to call. Replaces musl's __syscall_cp.c and its assembly: with
 * no asynchronous signals there is no instruction window to watch, only
 * three moments. Before the call, a pending cancellation acts. During it,
 * pthread_cancel() or a signal interrupts the kernel's wait (-EINTR).
 * After it, signals that arrived meanwhile are delivered here, in the
 * thread, and a call they interrupted either starts again (every handler
 * had SA_RESTART, and the call is one Linux restarts) or returns -EINTR;
 * a cancellation that interrupted it acts.
 *
 * The other ends are weak: a program that never calls pthread_cancel()
 * links no cancellation, one that never signals no delivery.
 */
#include "pthread_impl.h"
#include "syscall.h"

#include <kernel/sched.h>
#include <kernel/signal.h>

/* libc/cancel.c, when pthread_cancel() is linked. */
weak long __cancel(void);
/* sys/signal.c, when anything can send a signal. */
weak bool signal_deliver(void);

/* Calls Linux never restarts after a handler, SA_RESTART or not (see
 * signal(7)); weak, so naming them links nothing. */
#define NORESTART(name) weak long sys_##name(long, long, long, long, long, long);
NORESTART(nanosleep)
NORESTART(clock_nanosleep)
NORESTART(poll)
NORESTART(ppoll)
NORESTART(select)
NORESTART(pselect6)
NORESTART(epoll_wait)
NORESTART(epoll_pwait)
NORESTART(rt_sigsuspend)
NORESTART(rt_sigtimedwait)

static bool restartable(__toro_sys_fn fn)
{
	return fn != sys_nanosleep && fn != sys_clock_nanosleep &&
	       fn != sys_poll && fn != sys_ppoll && fn != sys_select &&
	       fn != sys_pselect6 && fn != sys_epoll_wait &&
	       fn != sys_epoll_pwait && fn != sys_rt_sigsuspend &&
	       fn != sys_rt_sigtimedwait;
}

long __toro_syscall_cp(__toro_sys_fn fn, long a, long b, long c, long d,
		       long e, long f)
{
	pthread_t self = __pthread_self();
	int st = self->canceldisable;
	/* Disabled, or masked (musl's own state) for close: a close that
	 * was cancelled would leave the descriptor in an unknown state. */
	bool cancellable = !st || (st != PTHREAD_CANCEL_DISABLE &&
				   fn != __toro_sys_lookup(SYS_close));

	if (cancellable && self->cancel && __cancel)
		return __cancel();
	for (;;) {
		long r = fn(a, b, c, d, e, f);

		if (!sched_interrupted(sched_current()))
			return r;
		if (r == -EINTR && cancellable && self->cancel && __cancel)
			return __cancel();
		if (!signal_deliver) {
			sched_clear_interrupt();
			return r;
		}
		if (!signal_deliver() || r != -EINTR || !restartable(fn))
			return r;
	}
}
