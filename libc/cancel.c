// SPDX-License-Identifier: MIT
/*
 * pthread_cancel() (replaces musl's pthread_cancel.c). As in musl, the
 * target is marked (musl's struct pthread) and sent SIGCANCEL; here the
 * signal is first a kernel interruption: SIGCANCEL pending on the target
 * ends its interruptible wait with -EINTR, and libc/syscall_cp.c sees the
 * mark and acts (deferred cancellation, at cancellation points). The
 * signal's handler acts for asynchronous cancellation: the kernel runs it
 * where the target computes (sys/signal_async.c), or when its system call
 * returns or its wait ends. A thread that cancels itself asynchronously
 * ends at once.
 */
#include "pthread_impl.h"
#include "syscall.h"

#include <string.h>

long __cancel(void)
{
	pthread_t self = __pthread_self();

	if (self->canceldisable == PTHREAD_CANCEL_ENABLE || self->cancelasync)
		pthread_exit(PTHREAD_CANCELED);
	self->canceldisable = PTHREAD_CANCEL_DISABLE;
	return -ECANCELED;
}

void __testcancel(void)
{
	pthread_t self = __pthread_self();

	if (self->cancel && !self->canceldisable)
		__cancel();
}

/* SIGCANCEL's handler: asynchronous cancellation acts here; deferred
 * cancellation waits for a cancellation point (libc/syscall_cp.c). */
static void cancel_handler(int sig, siginfo_t *si, void *ctx)
{
	pthread_t self = __pthread_self();

	(void)sig, (void)si, (void)ctx;
	if (self->cancel && self->cancelasync &&
	    self->canceldisable == PTHREAD_CANCEL_ENABLE)
		__cancel();
}

static void init_cancellation(void)
{
	struct sigaction sa = {
		.sa_flags = SA_SIGINFO | SA_RESTART,
		.sa_sigaction = cancel_handler,
	};

	memset(&sa.sa_mask, -1, _NSIG / 8);
	__libc_sigaction(SIGCANCEL, &sa, 0);
}

int pthread_cancel(pthread_t t)
{
	static int init;

	if (!init) {
		init_cancellation();
		init = 1;
	}
	a_store(&t->cancel, 1);
	if (t == pthread_self()) {
		if (t->canceldisable == PTHREAD_CANCEL_ENABLE &&
		    t->cancelasync)
			pthread_exit(PTHREAD_CANCELED);
		return 0;
	}
	/* The kernel knows SIGCANCEL as the interruption of a wait. */
	return pthread_kill(t, SIGCANCEL);
}
