// SPDX-License-Identifier: MIT
/*
 * __synccall() for one process (replaces musl's synccall.c). musl runs a
 * function in every thread, through a signal to each, when a change must
 * hold for all of them at once: setuid() and friends, and a fallback for
 * membarrier(). Here the kernel keeps credentials for the whole process
 * (sys/process.c) and membarrier() is a real call, so one run in the
 * caller is all of them.
 */
#include "pthread_impl.h"

void __synccall(void (*func)(void *), void *ctx)
{
	func(ctx);
}
