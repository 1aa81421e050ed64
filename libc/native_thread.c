// SPDX-License-Identifier: MIT
/*
 * Toro's own thread calls (<toro/thread.h>) for applications: a thread on
 * a CPU of the caller's choice, with a handle to join or detach. Each is
 * a pthread (so errno, thread-local variables and the C library work in
 * it), created on that CPU by libc/thread.c, whose handle is the kernel's
 * thread: what thread_self(), thread_id() and thread_cpu() already speak
 * of. Joining joins the pthread, then lets the kernel thread go.
 */
#include <errno.h>
#include <pthread.h>

#include "pthread_impl.h"

#include <kernel/sched.h>
#include <kernel/thread_impl.h>
#include <toro/cpu.h>
#include <toro/thread.h>

int __toro_pthread_create(pthread_t *res, const pthread_attr_t *a,
			  void *(*fn)(void *), void *arg, unsigned cpu,
			  struct thread **handle);

struct thread *thread_create(unsigned cpu, size_t stack_size,
			     void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;
	struct thread *t = NULL;
	pthread_t p;
	int rc;

	if (cpu == THREAD_CPU_SELF)
		cpu = cpu_id();
	if (cpu >= cpu_count() || !fn) {
		errno = EINVAL;
		return NULL;
	}
	if (stack_size == 0)
		stack_size = THREAD_STACK_DEFAULT;
	if (stack_size < THREAD_STACK_MIN)
		stack_size = THREAD_STACK_MIN;
	pthread_attr_init(&a);
	rc = pthread_attr_setstacksize(&a, stack_size);
	if (rc == 0)
		rc = __toro_pthread_create(&p, &a, fn, arg, cpu, &t);
	pthread_attr_destroy(&a);
	if (rc) {
		errno = rc;
		return NULL;
	}
	return t;
}

/* A thread made by thread_create() is a pthread whose thread pointer is
 * its struct pthread. */
static pthread_t to_pthread(struct thread *t)
{
	return (pthread_t)t->tls_base;
}

/* The first thread_join() or thread_detach() of (t) claims it; a second
 * one, while (t) still runs, is -EINVAL (after, the handle is gone). */
static bool claim(struct thread *t)
{
	return !__atomic_exchange_n(&t->native_claimed, 1, __ATOMIC_ACQ_REL);
}

int thread_join(struct thread *t, void **value)
{
	if (t == sched_current())
		return -EDEADLK;
	if (!claim(t))
		return -EINVAL;
	int rc = pthread_join(to_pthread(t), value);

	if (rc)
		return -rc;
	kthread_detach(t);
	return 0;
}

int thread_detach(struct thread *t)
{
	if (!claim(t))
		return -EINVAL;
	int rc = pthread_detach(to_pthread(t));

	if (rc)
		return -rc;
	kthread_detach(t);
	return 0;
}

void thread_exit(void *value)
{
	pthread_exit(value);
}
