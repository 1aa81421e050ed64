/* SPDX-License-Identifier: MIT */
/*
 * Kernel threads, their waits and the clock, for fuzz targets that run
 * threaded kernel code on one host thread (host_threads.c). A kernel
 * thread (kthread_spawn(), kthread_create()) is a coroutine with a stack
 * of its own, told to ASan: it runs when the target calls fuzz_run(),
 * until every thread waits (an empty event, semaphore or mailbox, a
 * deadline not reached, a mutex held by another). Waits work as the
 * kernel's, wakeups possibly spurious as the kernel allows. The target
 * itself must never wait: it is checked (FUZZ_CHECK). The clock moves
 * only when the target says (fuzz_advance()) or a thread sleeps. Also
 * what such code calls around it: the log (quiet unless FUZZ_LOG is
 * set), kernel options (none), pages, deterministic randomness.
 */
#ifndef FUZZ_HOST_THREADS_H
#define FUZZ_HOST_THREADS_H

#include <stdbool.h>
#include <stdint.h>

/* Runs every thread that something may have woken, and the device's
 * interrupts (fuzz_irq), until nothing is left to run. */
void fuzz_run(void);

/* Moves the clock on by (ms), then fuzz_run(). */
void fuzz_advance(uint64_t ms);

/* Checks that every thread waits for work, none in the middle of some:
 * holding a mutex or waiting for one (after fuzz_run(), a thread that
 * does is stuck for good). */
void fuzz_threads_idle(void);

/* Forgets the threads made since fuzz_threads_mark(), as if they had
 * never been (their device is gone with them), once fuzz_threads_idle()
 * holds. */
unsigned fuzz_threads_mark(void);
void fuzz_threads_forget(unsigned mark);

/* The device's interrupts, each time fuzz_run() looks for work: true
 * when one was taken (NULL: none). */
extern bool (*fuzz_irq)(void);

#endif /* FUZZ_HOST_THREADS_H */
