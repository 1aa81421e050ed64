/* SPDX-License-Identifier: MIT */
/*
 * Private to sys/: queued signals (sys/signal.c) as the POSIX timers
 * (sys/posix_timer.c) send them, with an entry of their own, and the
 * temporary signal masks of the waits that take one (sys/poll.c,
 * sys/event.c), and pending signals as sys/signalfd.c reads them.
 */
#ifndef SYS_SIGNAL_IMPL_H
#define SYS_SIGNAL_IMPL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* The kernel's struct sigevent, as musl passes it (timer_create(),
 * mq_notify()). */
struct ksigevent {
	union sigval value;
	int signo;
	int notify;
	int tid;
};

/* A pending signal's information, on the queue until it is taken. */
struct sigq {
	struct sigq *next;
	int tid;		/* the thread it was sent to; 0: the process */
	siginfo_t info;		/* si_overrun counts sends while queued */
	bool queued;
	bool embedded;		/* a timer's: never freed, sent again */
	int overrun_last;	/* si_overrun of the last one taken */
};

/*
 * Sends the signal of timer entry (q) (embedded, info filled in) to thread
 * (tid), or to the process for 0, from any context, interrupts included.
 * If (q) is still waiting to be taken, its overrun count grows instead,
 * by one plus (missed): expirations the timer skipped.
 */
void signal_queue(int tid, struct sigq *q, unsigned missed);

/* Sends signal info->si_signo to the process with (info), an entry of
 * its own (mq_notify()'s), from a thread. */
void signal_send_process_info(const siginfo_t *info);

/* Takes (q) off the queue if it is on it (a timer being deleted). */
void signal_unqueue(struct sigq *q);

/*
 * The signal masks of ppoll, pselect6 and epoll_pwait: (*set) (user
 * memory: -EFAULT) replaces the caller's blocked set for the wait, the old
 * one going to (*old); a signal ready under it interrupts the wait. Then
 * signal_mask_restore() runs the handlers of what ended the wait (if it
 * was (interrupted)) and puts (old) back.
 */
int signal_mask_for_wait(const uint64_t *set, uint64_t *old);
void signal_mask_restore(uint64_t old, bool interrupted);

/* Takes a pending signal of (set) off the caller, else off the process,
 * as sigwaitinfo() would, without waiting: its number and (*info), or 0
 * when none is pending. */
int signal_take(uint64_t set, siginfo_t *info);

/* The signals pending for the caller or the process, read without the
 * lock (a look that may be a moment late). */
uint64_t signal_pending_here(void);

/* sys/signalfd.c, where linked: (sig) has just become pending (called
 * with signal.c's lock held, interrupts off). */
void signalfd_notify(int sig) __attribute__((__weak__));

/* sys/sigaltstack.c, where linked: calls (run)(sig, act, info, old) (a
 * handler) on the caller's alternate signal stack, or right here if it
 * has none, is on it already, or it is not all writable memory. */
struct k_sigaction;
typedef void signal_runner(int sig, const struct k_sigaction *act,
			   siginfo_t *info, uint64_t old);
void signal_run_on_altstack(signal_runner *run, int sig,
			    const struct k_sigaction *act, siginfo_t *info,
			    uint64_t old) __attribute__((__weak__));

/* sys/signal_async.c, named by signal.c to link it. */
extern const char signal_async_wanted;

#endif /* SYS_SIGNAL_IMPL_H */
