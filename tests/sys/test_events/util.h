/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the event test cases: failed calls, time, helper
 * threads on another CPU, and waits that never hang the image when the
 * kernel misbehaves (every wait has a generous bound: these machines are
 * shared and slow, and a case only ever asserts "did not return early"
 * and "did return").
 */
#ifndef EVENTS_UTIL_H
#define EVENTS_UTIL_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <toro/test.h>

/* How long a wait that must end may take before the case gives up. */
#define LONG_MS 20000

/* A wait that must not end on its own within a case: long enough to tell
 * "woken" from "timed out", short enough that a broken kernel costs a few
 * seconds, not the boot. */
#define HOLD_MS 3000

#define MS 1000000ULL

/* clock_gettime(CLOCK_MONOTONIC) in nanoseconds. */
uint64_t now_ns(void);

/* nanosleep() for (ms), resumed after interruptions. */
void sleep_ms(unsigned ms);

/* Gives a thread that was just started the time to reach the call it
 * blocks in: on one CPU it runs while we sleep, on several it has long
 * done so. No outcome depends on it: each case also copes with a thread
 * that was late. */
void settle(void);

/* pthread_create() of fn(arg) on the last CPU (the caller's on one CPU):
 * 0 or an errno. */
int start_thread(pthread_t *t, void *(*fn)(void *), void *arg);

/* Waits until (*flag) is non-zero, looking every few milliseconds, for at
 * most LONG_MS: whether it is. */
bool wait_flag(const int *flag);

static inline void flag_set(int *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
}

static inline int flag_get(const int *flag)
{
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST);
}

/* poll() of one descriptor with no wait: its revents (-1 on error). */
int revents_now(int fd, short events);

/* Bytes readable now on (fd), by FIONREAD; -1 on error. */
int readable_bytes(int fd);

/* Whether (fd) has FD_CLOEXEC set. */
bool has_cloexec(int fd);

/* Signal helpers (signal.c uses them too). A handler that counts, per
 * signal, how often it ran and remembers the thread it last ran in. */
extern int sig_count[65];
extern pthread_t sig_thread[65];
void counting_handler(int sig);

/* Installs counting_handler for (sig) with (flags), the count at 0. */
void catch_signal(int sig, int flags);

/* Puts (sig) back as it was at boot: its pending instances discarded
 * (through SIG_IGN), SIG_DFL, unblocked in the caller. */
void reset_signal(int sig);

/* The caller's mask with (sig) blocked or unblocked. */
void block_signal(int sig);
void unblock_signal(int sig);

/* Whether (sig) is blocked in the caller / pending for it. */
bool is_blocked(int sig);
bool is_pending(int sig);

#endif /* EVENTS_UTIL_H */
