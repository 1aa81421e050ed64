// SPDX-License-Identifier: MIT
/*
 * The thread pointer (replaces musl's __set_thread_area, an arch_prctl()
 * in assembly): the kernel loads it into FS now and whenever the calling
 * thread runs again. musl sets it once per thread, the main thread's at
 * start-up.
 */
#include "pthread_impl.h"

#include <kernel/thread_impl.h>

int __set_thread_area(void *p)
{
	kthread_set_tls((uintptr_t)p);
	return 0;
}
