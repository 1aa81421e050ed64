/* SPDX-License-Identifier: MIT */
/*
 * Threads. A thread is created on a CPU the caller chooses and runs there
 * until it exits: it never migrates. Each CPU schedules its own threads
 * cooperatively, first in first out: a thread runs until it yields, blocks
 * (sleep, mutex, condition, semaphore, event, channel, join) or exits.
 * There is no time slicing, so a thread that never blocks keeps its CPU,
 * and only its CPU. A CPU with nothing to run halts until an interrupt.
 */
#ifndef TORO_THREAD_H
#define TORO_THREAD_H

#include <stddef.h>
#include <stdint.h>

struct thread;

/* Pass as the (cpu) of thread_create() to mean the calling CPU. */
#define THREAD_CPU_SELF		(~0U)

/* Stack size used when 0 is asked for. */
#define THREAD_STACK_DEFAULT	(64 * 1024)
#define THREAD_STACK_MIN	(16 * 1024)

/*
 * Creates a thread running (fn)(arg) on CPU (cpu) with a stack of at least
 * (stack_size) bytes (0: THREAD_STACK_DEFAULT), below which one page stays
 * unmapped to catch overflow. The stack comes from the target CPU's
 * memory; a request for another CPU goes through that CPU's lock-free
 * inbox and an IPI, and the caller is parked, not spinning, until the
 * thread exists. The new thread is queued behind the target's runnable
 * threads. Returns the thread, or NULL with errno: EINVAL for a CPU that
 * does not exist, EAGAIN when memory is short.
 * The thread's handle stays valid until thread_join() or thread_detach().
 */
struct thread *thread_create(unsigned cpu, size_t stack_size,
			     void *(*fn)(void *arg), void *arg);

/* The calling thread. */
struct thread *thread_self(void);

/* A number naming (t), unique for the life of the program. */
uint64_t thread_id(const struct thread *t);

/* The CPU (t) runs on. */
unsigned thread_cpu(const struct thread *t);

/* Lets the other runnable threads of this CPU run first. */
void thread_yield(void);

/* Blocks the calling thread for at least (ns) nanoseconds, or until
 * clock_ns() >= (deadline). */
void thread_sleep_ns(uint64_t ns);
void thread_sleep_until(uint64_t deadline);

/* Ends the calling thread with (value) for thread_join(). Returning from
 * the thread's function does the same. Ending main's thread ends the
 * program only through exit() or main's return. */
void thread_exit(void *value) __attribute__((noreturn));

/*
 * Waits for (t) to end, stores its value in (*value) if (value) is not
 * NULL, and releases (t). Returns 0, -EINVAL if (t) is detached or already
 * joined (while it runs: a handle released and ended is gone, and using
 * it is the caller's error, as with a pthread), -EDEADLK if (t) is the
 * caller.
 */
int thread_join(struct thread *t, void **value);

/* Releases (t) without waiting: its memory goes when it ends. Returns 0 or
 * -EINVAL if it was already detached or joined (while it runs, as
 * above). */
int thread_detach(struct thread *t);

#endif /* TORO_THREAD_H */
