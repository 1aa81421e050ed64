/* SPDX-License-Identifier: MIT */
/*
 * Signals (sys/signal.c), as Linux has them for one process: handlers for
 * the whole process, a blocked mask and pending signals per thread, and
 * pending signals for the process. There are no asynchronous signals: a
 * signal sent to the running thread is handled before the call that sent
 * it returns (raise(), abort()); one sent to another thread interrupts
 * its wait in the kernel (-EINTR) and is handled when its system call
 * returns (libc/syscall_cp.c), or at its next one.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdbool.h>

struct thread;

/*
 * In the calling thread: runs the handlers of every signal it may take
 * now (or the default action, which may end the program), and returns
 * whether a system call they interrupted may start again: every handler
 * that ran had SA_RESTART. Returns with the thread's interruption cleared
 * when nothing is left to deliver.
 */
bool signal_deliver(void);

/* Sends (sig) to thread (t) (must be alive): 0, or -EINVAL. */
int signal_send_thread(struct thread *t, int sig);

/* Sends (sig) to the process: taken by the calling thread if it does
 * not block it, else by one that does not. 0 or -EINVAL. */
int signal_send_process(int sig);

/* signal_send_process() for interrupt context (timers): never delivers
 * in the caller, only marks the signal and interrupts a thread that can
 * take it. */
void signal_post_process(int sig);

/* The calling thread is ending: what was queued for it goes. Weak:
 * linked only with the rest of this file, which callers check. */
void signal_thread_exit(void) __attribute__((__weak__));

/* sys/stop_signal.c: the host's stop (the ACPI power button) as SIGTERM.
 * Named by signal.c's rt_sigaction (a program that handles signals also
 * hears the host ask it to stop), libc/mmap.c and the ext2 link flags of
 * tools/toro/build.py (programs with something to write back). */
extern const char stop_signal_wanted;

#endif /* KERNEL_SIGNAL_H */
