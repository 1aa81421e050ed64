// SPDX-License-Identifier: MIT
/*
 * POSIX threads and their attributes over Toro's threads. A pthread_t is
 * the native thread itself, and the native calls do the work: they
 * already run the function, pass its value to the joiner and free the
 * thread when the last of its creator's handle and its own run is done.
 * What is left here is choosing the CPU (threads never migrate, so an
 * affinity set picks one CPU for good) and turning negative errno values
 * into POSIX return values.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include <toro/cpu.h>
#include <toro/thread.h>

#include "pthread_impl.h"

_Static_assert(PTHREAD_STACK_MIN == THREAD_STACK_MIN,
	       "<limits.h> and <toro/thread.h> disagree on the smallest stack");

int pthread_attr_init(pthread_attr_t *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->__stacksize = THREAD_STACK_DEFAULT;
	attr->__detachstate = PTHREAD_CREATE_JOINABLE;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	if (size < PTHREAD_STACK_MIN)
		return EINVAL;
	attr->__stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	*size = attr->__stacksize ? attr->__stacksize : THREAD_STACK_DEFAULT;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE &&
	    state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	attr->__detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
	*state = attr->__detachstate;
	return 0;
}

int pthread_attr_setaffinity_np(pthread_attr_t *attr, size_t size,
				const cpu_set_t *set)
{
	if (size == 0 || !set) {
		attr->__has_cpuset = 0;
		return 0;
	}
	/* A larger set may only add CPUs that cannot exist. */
	for (size_t i = sizeof(cpu_set_t); i < size; i++)
		if (((const unsigned char *)set)[i])
			return EINVAL;
	memset(&attr->__cpuset, 0, sizeof(cpu_set_t));
	memcpy(&attr->__cpuset, set,
	       size < sizeof(cpu_set_t) ? size : sizeof(cpu_set_t));
	attr->__has_cpuset = 1;
	return 0;
}

int pthread_attr_getaffinity_np(const pthread_attr_t *attr, size_t size,
				cpu_set_t *set)
{
	cpu_set_t all;
	const cpu_set_t *src = &attr->__cpuset;

	if (!attr->__has_cpuset) {
		/* No choice made: any CPU will do, as far as the caller
		 * knows. */
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

/* The CPU a thread created with (attr) runs on, or -1 if none will do. */
static int pick_cpu(const pthread_attr_t *attr)
{
	if (!attr || !attr->__has_cpuset)
		return cpu_id();
	for (unsigned cpu = 0; cpu < cpu_count(); cpu++)
		if (CPU_ISSET(cpu, &attr->__cpuset))
			return cpu;
	return -1;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	int cpu = pick_cpu(attr);
	size_t stack = attr ? attr->__stacksize : 0;

	if (cpu < 0 || !fn)
		return EINVAL;
	if (attr && attr->__detachstate != PTHREAD_CREATE_JOINABLE &&
	    attr->__detachstate != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	int saved = errno;
	struct thread *t = thread_create(cpu, stack, fn, arg);

	if (!t) {
		int rc = errno == EINVAL ? EINVAL : EAGAIN;

		errno = saved;
		return rc;
	}
	if (attr && attr->__detachstate == PTHREAD_CREATE_DETACHED)
		thread_detach(t);
	*thread = (pthread_t)t;
	return 0;
}

int pthread_join(pthread_t thread, void **value)
{
	if (!thread)
		return ESRCH;
	return -thread_join(to_thread(thread), value);
}

int pthread_detach(pthread_t thread)
{
	if (!thread)
		return ESRCH;
	return -thread_detach(to_thread(thread));
}

void pthread_exit(void *value)
{
	thread_exit(value);
}

pthread_t pthread_self(void)
{
	return (pthread_t)thread_self();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}
