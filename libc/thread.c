// SPDX-License-Identifier: MIT
/*
 * musl's threads as Toro threads. musl's pthread_create() does the work
 * (stack and TLS in one mapping, thread list, detach state, joins through
 * futexes) and asks the kernel for a thread with __clone(), which here
 * creates a Toro thread on a CPU of the caller's choice instead of Linux's
 * clone(). Threads never migrate on their own, so the CPU is chosen once:
 * an affinity set in the attributes (pthread_attr_setaffinity_np(), as in
 * glibc) picks its lowest CPU that exists; without one, the new thread
 * runs on its creator's CPU. pthread_create() below reads the set and
 * leaves the rest to musl's __pthread_create(), whose weak alias it
 * replaces; __clone() lives here too, so the two are always linked
 * together.
 *
 * Also here: the end of a detached thread whose stack must go once it is
 * off it (__unmapself()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pthread_impl.h"

int __pthread_create(pthread_t *restrict, const pthread_attr_t *restrict,
		     void *(*)(void *), void *restrict);

#include <kernel/signal.h>
#include <kernel/thread_impl.h>
#include <toro/cpu.h>
#include <toro/thread.h>

/* The affinity set of an attributes object: a copy on the heap in words
 * musl's pthread_attr_t leaves unused (glibc does the same with a
 * pointer), freed by pthread_attr_destroy(). */
#define _a_cpuset __u.__s[5]
#define _a_cpusetsize __u.__s[6]

_Static_assert(sizeof(((pthread_attr_t *)0)->__u.__s) >= 7 * sizeof(long),
	       "no room for the affinity set in pthread_attr_t");

/* The CPU the calling thread's next __clone() puts its thread on, and
 * where it stores a handle to the kernel thread (NULL: none wanted). */
static _Thread_local unsigned clone_cpu = THREAD_CPU_SELF;
static _Thread_local struct thread **clone_handle;

int pthread_attr_setaffinity_np(pthread_attr_t *a, size_t size,
				const cpu_set_t *set)
{
	cpu_set_t *copy = NULL;

	if (size && set) {
		/* A larger set may only add CPUs that cannot exist. */
		for (size_t i = sizeof(cpu_set_t); i < size; i++)
			if (((const unsigned char *)set)[i])
				return EINVAL;
		copy = calloc(1, sizeof(cpu_set_t));
		if (!copy)
			return ENOMEM;
		memcpy(copy, set,
		       size < sizeof(cpu_set_t) ? size : sizeof(cpu_set_t));
	}
	free((void *)a->_a_cpuset);
	a->_a_cpuset = (unsigned long)copy;
	return 0;
}

int pthread_attr_getaffinity_np(const pthread_attr_t *a, size_t size,
				cpu_set_t *set)
{
	const cpu_set_t *src = (const cpu_set_t *)a->_a_cpuset;
	cpu_set_t all;

	if (!src) {
		/* No choice made: any CPU, as far as the caller knows. */
		CPU_ZERO(&all);
		for (unsigned cpu = 0; cpu < cpu_count(); cpu++)
			CPU_SET(cpu, &all);
		src = &all;
	}
	/* EINVAL, as glibc, when (set) is too small for a CPU in the set. */
	for (size_t i = size; i < sizeof(cpu_set_t); i++)
		if (((const unsigned char *)src)[i])
			return EINVAL;
	memset(set, 0, size);
	memcpy(set, src, size < sizeof(cpu_set_t) ? size : sizeof(cpu_set_t));
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	free((void *)a->_a_cpuset);
	a->_a_cpuset = 0;
	return 0;
}

int __toro_pthread_create(pthread_t *res, const pthread_attr_t *a,
			  void *(*fn)(void *), void *arg, unsigned cpu,
			  struct thread **handle)
{
	clone_cpu = cpu;
	clone_handle = handle;
	int rc = __pthread_create(res, a, fn, arg);

	clone_cpu = THREAD_CPU_SELF;
	clone_handle = NULL;
	return rc;
}

int pthread_create(pthread_t *restrict res, const pthread_attr_t *restrict a,
		   void *(*fn)(void *), void *restrict arg)
{
	const cpu_set_t *set = a ? (const cpu_set_t *)a->_a_cpuset : NULL;
	unsigned cpu = THREAD_CPU_SELF;

	if (set) {
		for (cpu = 0; cpu < cpu_count() && !CPU_ISSET(cpu, set); cpu++)
			;
		if (cpu == cpu_count())
			return EINVAL;
	}
	return __toro_pthread_create(res, a, fn, arg, cpu, NULL);
}

/* The new thread's first frame: musl's start function and its argument,
 * kept on the new stack just above where it starts, and the creator's
 * floating-point environment (rounding, exception flags), which POSIX
 * has a new thread inherit. */
struct clone_start {
	int (*fn)(void *);
	void *arg;
	fenv_t env;
};

static void *clone_entry(void *p)
{
	struct clone_start *cs = p;

	fesetenv(&cs->env);
	__syscall(SYS_exit, cs->fn(cs->arg));
	__builtin_unreachable();
}

/* What musl's clone() system call wrapper and pthread_create() call: only
 * threads (CLONE_VM | CLONE_THREAD) exist here; a process-like clone
 * (posix_spawn's) is -ENOSYS, as fork is. */
int __clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	int *ptid, *ctid;
	void *tls;

	va_start(ap, arg);
	ptid = va_arg(ap, int *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, int *);
	va_end(ap);
	if ((flags & (CLONE_VM | CLONE_THREAD)) != (CLONE_VM | CLONE_THREAD))
		return -ENOSYS;
	if (!stack)
		return -EINVAL;

	uintptr_t top = ((uintptr_t)stack & -16) - sizeof(struct clone_start);
	struct clone_start *cs = (struct clone_start *)(top & -16);

	cs->fn = fn;
	cs->arg = arg;
	fegetenv(&cs->env);
	struct thread_params p = {
		.cpu = clone_cpu,
		.fn = clone_entry,
		.arg = cs,
		.stack_top = (uintptr_t)cs,
		/* What musl allocated below it, for stack walks. */
		.stack_size = flags & CLONE_SETTLS && tls ?
			((struct pthread *)tls)->stack_size -
			((uintptr_t)stack - (uintptr_t)cs) : 0,
		.fpu = true,
		.tls = flags & CLONE_SETTLS ? (uintptr_t)tls :
					       (uintptr_t)__get_tp(),
		.clear_tid = flags & CLONE_CHILD_CLEARTID ? ctid : NULL,
		.parent_tid = flags & CLONE_PARENT_SETTID ? ptid : NULL,
		.joinable = clone_handle != NULL,
	};

	return kthread_spawn(&p, clone_handle);
}

/* A detached thread's last act: its mapping (stack, TLS) goes once the
 * thread is off it. */
_Noreturn void __unmapself(void *base, size_t size)
{
	if (signal_thread_exit)
		signal_thread_exit();
	kthread_exit_unmap(base, size);
}
