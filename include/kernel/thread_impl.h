/* SPDX-License-Identifier: MIT */
/*
 * For the parts built on threads (the pthread layer, kernel services):
 * kernel threads, thread-local storage, and a hook at thread exit.
 */
#ifndef KERNEL_THREAD_IMPL_H
#define KERNEL_THREAD_IMPL_H

#include <stdbool.h>
#include <stddef.h>

struct thread;

/*
 * thread_create() with a choice: (fpu) false makes a kernel thread, which
 * has no FPU state or thread-local storage and must only run code built
 * without FPU/SSE (the kernel's own); switching to it costs less.
 */
struct thread *thread_create_opts(unsigned cpu, size_t stack_size,
				  void *(*fn)(void *), void *arg, bool fpu);

/* Called, if set, by every thread as it exits, before its value is
 * published (the pthread layer runs key destructors here). */
extern void (*thread_exit_hook)(struct thread *t);

/* tls.c: gives (t) its own copy of the image's thread-local variables
 * (.tdata/.tbss). 0, or -ENOMEM. */
int tls_setup(struct thread *t);

#endif /* KERNEL_THREAD_IMPL_H */
