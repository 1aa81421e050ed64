// SPDX-License-Identifier: MIT
/*
 * Cancellation points and signal delivery around musl's blocking system
 * calls (read, nanosleep, futex waits...), which musl routes through
 * __syscall_cp() and libc/arch/syscall_arch.h hands here with the
 * adapter to call. Replaces musl's __syscall_cp.c and its assembly: no
 * signal lands inside this file (its text counts as the kernel's: see
 * sys/signal_async.c), so there is no instruction window to watch, only
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
 * signal(7)). By number: naming their adapters would link them. */
static bool restartable(long n)
{
	switch (n) {
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_poll:
	case SYS_ppoll:
	case SYS_select:
	case SYS_pselect6:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
	case SYS_rt_sigsuspend:
	case SYS_rt_sigtimedwait:
		return false;
	default:
		return true;
	}
}

long __toro_syscall_cp(long n, __toro_sys_fn fn, long a, long b, long c,
		       long d, long e, long f)
{
	pthread_t self = __pthread_self();
	int st = self->canceldisable;
	/* Disabled, or masked (musl's own state) for close: a close that
	 * was cancelled would leave the descriptor in an unknown state. */
	bool cancellable = !st || (st != PTHREAD_CANCEL_DISABLE &&
				   n != SYS_close);

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
		if (!signal_deliver() || r != -EINTR || !restartable(n))
			return r;
	}
}
