// SPDX-License-Identifier: MIT
/* sigaltstack: a handler installed with SA_ONSTACK runs on the thread's
 * alternate stack (one raised from there stays on it, lower down), which
 * sigaltstack() then reports as SS_ONSTACK and refuses to change (EPERM);
 * SS_AUTODISARM leaves the thread without one while the handler runs and
 * brings it back after; a handler without SA_ONSTACK stays on the
 * thread's stack; a new thread starts without one. And what the
 * alternate stack is for: a stack overflow taken by a SIGSEGV handler
 * running there, which siglongjmp()s back, in the main thread and in
 * another, twice. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define ALT_SIZE (64 * 1024)

static char *alt;
static volatile int on_alt, nested_lower, nested_on_alt, flags_inside;
static volatile int change_inside;
static volatile uintptr_t outer_at;

static int in_alt(const volatile void *p)
{
	return (uintptr_t)p - (uintptr_t)alt < ALT_SIZE;
}

static void nested(int sig)
{
	volatile char here;

	(void)sig;
	nested_on_alt = in_alt(&here);
	nested_lower = (uintptr_t)&here < outer_at;
}

static void outer(int sig)
{
	volatile char here;
	stack_t now, other = { .ss_sp = alt, .ss_size = ALT_SIZE };

	(void)sig;
	on_alt = in_alt(&here);
	outer_at = (uintptr_t)&here;
	flags_inside = sigaltstack(NULL, &now) == 0 ? now.ss_flags : -1;
	change_inside = sigaltstack(&other, NULL) == -1 ? errno : 0;
	raise(SIGUSR2);
}

static void plain(int sig)
{
	volatile char here;

	(void)sig;
	on_alt = in_alt(&here);
}

static void with_info(int sig, siginfo_t *si, void *uc)
{
	volatile char here;

	(void)uc;
	on_alt = in_alt(&here) && si->si_signo == sig;
}

static void disarmed(int sig)
{
	volatile char here;
	stack_t now;

	(void)sig;
	on_alt = in_alt(&here);
	CHECK_OK(sigaltstack(NULL, &now));
	flags_inside = now.ss_flags;
	change_inside = now.ss_sp == NULL && now.ss_size == 0;
}

static void *new_thread(void *arg)
{
	stack_t now;

	(void)arg;
	CHECK_OK(sigaltstack(NULL, &now));
	return (void *)(intptr_t)now.ss_flags;
}

static sigjmp_buf back;
static volatile int overflow_on_alt;

static void on_segv(int sig)
{
	volatile char here;

	(void)sig;
	overflow_on_alt = (uintptr_t)&here - (uintptr_t)alt < ALT_SIZE;
	siglongjmp(back, 1);
}

static int deeper(int depth);
static int (*volatile recurse)(int) = deeper;

__attribute__((noinline)) static int deeper(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	return recurse(depth + 1) + frame[0];
}

/* Overflows the caller's stack and comes back through on_segv(), with an
 * alternate stack of its own (alt, for one thread at a time). */
static int overflow_and_back(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE };
	stack_t off = { .ss_flags = SS_DISABLE };

	CHECK_OK(sigaltstack(&ss, NULL));
	overflow_on_alt = 0;
	int came_back = sigsetjmp(back, 1);

	if (!came_back)
		deeper(0);
	CHECK_OK(sigaltstack(&off, NULL));
	return came_back && overflow_on_alt;
}

static void *overflow_thread(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)overflow_and_back();
}

int test_altstack(void)
{
	struct sigaction sa = { .sa_handler = outer, .sa_flags = SA_ONSTACK };
	struct sigaction old1, old2, oldsegv;
	stack_t ss, now;

	alt = malloc(ALT_SIZE);
	CHECK(alt != NULL);
	CHECK_OK(sigaltstack(NULL, &now));
	printf("none at first: %d\n", now.ss_flags == SS_DISABLE);

	ss = (stack_t){ .ss_sp = alt, .ss_size = ALT_SIZE };
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(sigaltstack(NULL, &now));
	printf("set: %d %d %d\n", now.ss_sp == alt, now.ss_size == ALT_SIZE,
	       now.ss_flags);

	CHECK_OK(sigaction(SIGUSR1, &sa, &old1));
	sa.sa_handler = nested;
	CHECK_OK(sigaction(SIGUSR2, &sa, &old2));
	raise(SIGUSR1);
	printf("SA_ONSTACK: on it %d, flags inside %d (SS_ONSTACK %d), "
	       "changing it %s\n", on_alt, flags_inside,
	       flags_inside == SS_ONSTACK, strerror(change_inside));
	printf("raised there: on it %d, below the first %d\n", nested_on_alt,
	       nested_lower);
	CHECK_OK(sigaltstack(NULL, &now));
	printf("after: flags %d\n", now.ss_flags);

	sa.sa_handler = plain;
	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	raise(SIGUSR1);
	printf("without SA_ONSTACK: on it %d\n", on_alt);

	sa.sa_sigaction = with_info;
	sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	raise(SIGUSR1);
	printf("SA_SIGINFO: on it %d\n", on_alt);

	ss.ss_flags = SS_AUTODISARM;
	CHECK_OK(sigaltstack(&ss, NULL));
	sa.sa_handler = disarmed;
	sa.sa_flags = SA_ONSTACK;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	raise(SIGUSR1);
	CHECK_OK(sigaltstack(NULL, &now));
	printf("SS_AUTODISARM: on it %d, inside flags %d none %d, after %d "
	       "(SS_AUTODISARM %d)\n", on_alt, flags_inside, change_inside,
	       now.ss_sp == alt, now.ss_flags == (int)SS_AUTODISARM);

	pthread_t t;
	void *got;

	CHECK_RC(pthread_create(&t, NULL, new_thread, NULL), 0);
	CHECK_RC(pthread_join(t, &got), 0);
	printf("a new thread: %d\n", (int)(intptr_t)got == SS_DISABLE);

	ss.ss_size = MINSIGSTKSZ - 1;
	ss.ss_flags = 0;
	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 12345;
	CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
	ss.ss_flags = SS_DISABLE;
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(sigaltstack(NULL, &now));
	printf("disabled: %d\n", now.ss_flags == SS_DISABLE);

	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	CHECK_OK(sigaction(SIGSEGV, &sa, &oldsegv));
	printf("overflow taken on it: %d, again: %d\n", overflow_and_back(),
	       overflow_and_back());
	CHECK_RC(pthread_create(&t, NULL, overflow_thread, NULL), 0);
	CHECK_RC(pthread_join(t, &got), 0);
	printf("in another thread: %d\n", (int)(intptr_t)got);

	CHECK_OK(sigaction(SIGSEGV, &oldsegv, NULL));
	CHECK_OK(sigaction(SIGUSR1, &old1, NULL));
	CHECK_OK(sigaction(SIGUSR2, &old2, NULL));
	free(alt);
	return 0;
}
