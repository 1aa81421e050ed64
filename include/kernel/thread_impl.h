/* SPDX-License-Identifier: MIT */
/*
 * Creating and ending threads, for the kernel's own threads (drivers, the
 * network stack) and for the C library's pthreads (libc/thread.c through
 * __clone). Applications use pthreads or <toro/thread.h>, both built on
 * this.
 *
 * A thread is created on a CPU the caller chooses and runs there until it
 * exits. Its memory (stack with a guard page unless the caller brings a
 * stack, FPU area) comes from the target CPU; a request for another CPU
 * goes through that CPU's inbox and the caller parks until it is done.
 */
#ifndef KERNEL_THREAD_IMPL_H
#define KERNEL_THREAD_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct thread;

struct thread_params {
	unsigned cpu;		/* THREAD_CPU_SELF: the caller's */
	void *(*fn)(void *);	/* runs (fn)(arg); its value ends it */
	void *arg;
	/* The stack: [stack_top - stack_size, stack_top) owned by the
	 * caller (which frees it after the thread has exited, see
	 * (clear_tid)), or, with stack_top 0, one of stack_size bytes
	 * (0: THREAD_STACK_DEFAULT) the kernel allocates with a guard page
	 * and frees after the thread has exited. A caller's stack_size is
	 * only recorded, for stack walks (0: unknown). */
	uintptr_t stack_top;
	size_t stack_size;
	/* An application thread: it has FPU state, and (tls) is its
	 * thread pointer (FS base). Kernel threads have neither and must
	 * only run code built without FPU/SSE. */
	bool fpu;
	uintptr_t tls;
	/* Linux's CLONE_CHILD_CLEARTID: when the thread has exited and is
	 * off its stack for good, 0 is stored at (*clear_tid) and one
	 * futex waiter there is woken. NULL: nothing. */
	int *clear_tid;
	/* Linux's CLONE_PARENT_SETTID: the new thread's id is stored at
	 * (*parent_tid) before it can run. NULL: nothing. */
	int *parent_tid;
	/* Keep a handle for kthread_join()/kthread_detach(). Without one,
	 * the thread's memory goes as soon as it ends. */
	bool joinable;
};

/*
 * Creates a thread as (p) says. Returns its id (kthread_tid()), with
 * (*out) set when (out) is not NULL and the thread is joinable, or
 * -EINVAL for a CPU that does not exist or a stack too small or too large,
 * -EAGAIN when memory is short.
 */
int kthread_spawn(const struct thread_params *p, struct thread **out);

/* A joinable kernel thread (no FPU) on (cpu) with a kernel stack: NULL
 * when kthread_spawn() fails. */
struct thread *kthread_create(unsigned cpu, size_t stack_size,
			      void *(*fn)(void *), void *arg);

/* Ends the calling thread with (value) for kthread_join(). */
void kthread_exit(void *value) __attribute__((noreturn));

/* Ends the calling thread, and then, once it is off its stack, unmaps
 * [base, base + size) (include/kernel/mmap.h), where its stack may be. */
void kthread_exit_unmap(void *base, size_t size) __attribute__((noreturn));

/*
 * Waits for joinable (t) to end, stores its value in (*value) if (value)
 * is not NULL, and releases (t). -EDEADLK if (t) is the caller. Joining
 * or detaching a thread twice is a bug in the caller, reported as such.
 */
int kthread_join(struct thread *t, void **value);

/* Releases joinable (t) without waiting: its memory goes when it ends. */
void kthread_detach(struct thread *t);

/*
 * Calls (fn)(t, arg) with the live application thread (t) whose id is
 * (tid), under a lock that keeps (t) from being freed meanwhile, and
 * returns what (fn) does; -ESRCH if there is no such thread. (fn) must be
 * short and must not block.
 */
int kthread_with(int tid, int (*fn)(struct thread *t, void *arg), void *arg);

/* Calls (fn)(t, arg) as kthread_with() does for each application thread
 * in turn, until (fn) returns non-zero; returns that, or 0. */
int kthread_each(int (*fn)(struct thread *t, void *arg), void *arg);

/* The thread's id, as Linux's gettid() gives it: unique for the life of
 * the program, never 0. */
int kthread_tid(const struct thread *t);

/* Makes the calling thread's thread pointer (FS base) (tls), now and at
 * every switch to it. */
void kthread_set_tls(uintptr_t tls);

/* Sets what the calling thread's exit clears (CLONE_CHILD_CLEARTID, or
 * Linux's set_tid_address()). */
void kthread_set_clear_tid(int *clear_tid);

/* thread_sleep_until() that an interruption (sched_interrupt()) ends
 * early: 0 at the deadline, or -EINTR. */
int thread_sleep_until_intr(uint64_t deadline);

#endif /* KERNEL_THREAD_IMPL_H */
