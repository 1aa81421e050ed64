// SPDX-License-Identifier: MIT
/*
 * pthread_cancel() without signals (replaces musl's pthread_cancel.c).
 * musl marks the target and sends it SIGCANCEL, whose handler moves a
 * thread caught inside a cancellation point's system call to the exit.
 * Here the mark is the same (musl's struct pthread), and the signal is a
 * kernel interruption: SIGCANCEL pending on the target ends its
 * interruptible wait with -EINTR, and libc/syscall_cp.c sees the mark and
 * acts. A thread that is computing acts at its next cancellation point;
 * asynchronous cancellation also acts there, or at once when it cancels
 * itself.
 */
#include "pthread_impl.h"
#include "syscall.h"

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

int pthread_cancel(pthread_t t)
{
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
