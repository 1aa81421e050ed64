// SPDX-License-Identifier: MIT
/* sigaltstack: a handler installed with SA_ONSTACK runs on the thread's
 * alternate stack (one raised from there stays on it, lower down), which
 * sigaltstack() then reports as SS_ONSTACK and refuses to change (EPERM);
 * SS_AUTODISARM leaves the thread without one while the handler runs and
 * brings it back after; a handler without SA_ONSTACK stays on the
 * thread's stack; a new thread starts without one. And what the
 * alternate stack is for: a stack overflow taken by a SIGSEGV handler
 * running there, which siglongjmp()s back: twice in the main thread, in
 * another, with SS_AUTODISARM (which leaves none behind), with
 * SA_SIGINFO, and in two threads of a CPU at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static volatile int aligned;

static void outer(int sig)
{
	volatile char here;
	stack_t now, other = { .ss_sp = alt, .ss_size = ALT_SIZE };

	(void)sig;
	on_alt = in_alt(&here);
	/* The ABI's 16 bytes: (rbp) right after the call's push. */
	aligned = (uintptr_t)__builtin_frame_address(0) % 16 == 0;
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
static volatile int overflow_on_alt, overflow_info;

static void on_segv(int sig)
{
	volatile char here;

	(void)sig;
	overflow_on_alt = (uintptr_t)&here - (uintptr_t)alt < ALT_SIZE;
	siglongjmp(back, 1);
}

/* The same with SA_SIGINFO: the fault's address lies just below the
 * stack that overflowed, well away from the alternate one. */
static void on_segv_info(int sig, siginfo_t *si, void *uc)
{
	volatile char here;

	(void)uc;
	overflow_on_alt = (uintptr_t)&here - (uintptr_t)alt < ALT_SIZE;
	overflow_info = sig == SIGSEGV && si->si_signo == SIGSEGV &&
			si->si_addr != NULL &&
			(uintptr_t)si->si_addr - (uintptr_t)alt >= ALT_SIZE;
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

/* Overflows the caller's stack and comes back through the SIGSEGV
 * handler, with an alternate stack of its own (alt, for one thread at a
 * time) set with (flags). */
static int overflow_and_back_with(int flags)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = flags };
	stack_t off = { .ss_flags = SS_DISABLE };

	CHECK_OK(sigaltstack(&ss, NULL));
	overflow_on_alt = 0;
	int came_back = sigsetjmp(back, 1);

	if (!came_back)
		deeper(0);
	CHECK_OK(sigaltstack(&off, &ss));
	/* SS_AUTODISARM: jumping away left the thread without one. */
	if (flags & SS_AUTODISARM)
		return came_back && overflow_on_alt &&
		       ss.ss_flags == SS_DISABLE;
	return came_back && overflow_on_alt && ss.ss_sp == alt;
}

static int overflow_and_back(void)
{
	return overflow_and_back_with(0);
}

static void *overflow_thread(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)overflow_and_back();
}

/* Two overflows on one CPU at once (a new thread starts on its creator's
 * CPU): the main thread's handler waits, in the middle, for a second
 * thread to overflow and come back, then finds its own siginfo as it was
 * before jumping back itself. */
static pthread_t first_thread;
static int go[2], done[2];
static char *alt2;
static sigjmp_buf back2;
static volatile int same_info;

static void on_segv_waits(int sig, siginfo_t *si, void *uc)
{
	void *addr = si->si_addr;
	volatile char here;
	char c = 0;

	(void)sig;
	(void)uc;
	if (!pthread_equal(pthread_self(), first_thread))
		siglongjmp(back2, 1);
	overflow_on_alt = in_alt(&here);
	CHECK(write(go[1], &c, 1) == 1);
	CHECK(read(done[0], &c, 1) == 1);
	same_info = si->si_addr == addr && si->si_signo == SIGSEGV;
	siglongjmp(back, 1);
}

static void *second_overflow(void *arg)
{
	stack_t ss = { .ss_sp = alt2, .ss_size = ALT_SIZE };
	stack_t off = { .ss_flags = SS_DISABLE };
	char c;

	(void)arg;
	CHECK(read(go[0], &c, 1) == 1);
	CHECK_OK(sigaltstack(&ss, NULL));
	int came_back = sigsetjmp(back2, 1);

	if (!came_back)
		deeper(0);
	CHECK_OK(sigaltstack(&off, NULL));
	CHECK(write(done[1], &c, 1) == 1);
	return (void *)(intptr_t)came_back;
}

static void two_at_once(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv_waits,
				.sa_flags = SA_ONSTACK | SA_SIGINFO };
	pthread_t t;
	void *got;

	alt2 = malloc(ALT_SIZE);
	CHECK(alt2 != NULL);
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(done));
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	first_thread = pthread_self();
	CHECK_RC(pthread_create(&t, NULL, second_overflow, NULL), 0);
	same_info = 0;
	int first = overflow_and_back();

	CHECK_RC(pthread_join(t, &got), 0);
	printf("two at once: %d %d, the first's siginfo kept %d\n", first,
	       (int)(intptr_t)got, same_info);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	free(alt2);
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
	printf("SA_ONSTACK: on it %d, aligned %d, flags inside %d "
	       "(SS_ONSTACK %d), changing it %s\n", on_alt, aligned,
	       flags_inside, flags_inside == SS_ONSTACK,
	       strerror(change_inside));
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
	ss.ss_flags = SS_DISABLE | SS_AUTODISARM;
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(sigaltstack(NULL, &now));
	printf("disabled, SS_AUTODISARM kept: %d\n",
	       now.ss_flags == (int)(SS_DISABLE | SS_AUTODISARM));
	ss.ss_flags = SS_DISABLE;
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(sigaltstack(NULL, &now));
	printf("disabled: %d\n", now.ss_flags == SS_DISABLE);

	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	CHECK_OK(sigaction(SIGSEGV, &sa, &oldsegv));
	int first = overflow_and_back();

	printf("overflow taken on it: %d, again: %d\n", first,
	       overflow_and_back());
	CHECK_RC(pthread_create(&t, NULL, overflow_thread, NULL), 0);
	CHECK_RC(pthread_join(t, &got), 0);
	printf("in another thread: %d\n", (int)(intptr_t)got);
	printf("SS_AUTODISARM, jumping away: %d\n",
	       overflow_and_back_with((int)SS_AUTODISARM));
	sa.sa_sigaction = on_segv_info;
	sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	int taken = overflow_and_back();

	printf("SA_SIGINFO: %d, its address %d\n", taken, overflow_info);
	two_at_once();

	CHECK_OK(sigaction(SIGSEGV, &oldsegv, NULL));
	CHECK_OK(sigaction(SIGUSR1, &old1, NULL));
	CHECK_OK(sigaction(SIGUSR2, &old2, NULL));
	free(alt);
	return 0;
}
