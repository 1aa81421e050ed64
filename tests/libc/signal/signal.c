// SPDX-License-Identifier: MIT
/* <signal.h> within one thread, where Linux delivers synchronously too:
 * raise, kill and pthread_kill to oneself with handlers (plain,
 * SA_SIGINFO, SA_RESETHAND, SA_NODEFER), blocked signals left pending and
 * delivered when unblocked, sigpending, sigsuspend, sigwait, sigqueue's
 * value, SIG_IGN, the signal sets, sigaltstack, siglongjmp out of a
 * handler restoring the mask, psignal/psiginfo. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t got[65];
static volatile int last_code, last_value, depth, max_depth;

static void handler(int sig)
{
	got[sig]++;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got[sig]++;
	last_code = si->si_code;
	last_value = si->si_value.sival_int;
	CHECK(si->si_signo == sig);
}

static void nested(int sig)
{
	got[sig]++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (got[sig] < 3)
		raise(sig);
	depth--;
}

static sigjmp_buf jb;

static void jumper(int sig)
{
	siglongjmp(jb, sig);
}

static int blocked(int sig)
{
	sigset_t cur;

	sigprocmask(SIG_SETMASK, NULL, &cur);
	return sigismember(&cur, sig);
}

int test_signal(void)
{
	struct sigaction sa = {.sa_handler = handler}, old;

	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR1, &sa, &old));
	CHECK(old.sa_handler == SIG_DFL);
	CHECK(raise(SIGUSR1) == 0);
	printf("raise: handled %d\n", got[SIGUSR1]);
	CHECK_OK(kill(getpid(), SIGUSR1));
	printf("kill self: handled %d\n", got[SIGUSR1]);
	CHECK(pthread_kill(pthread_self(), SIGUSR1) == 0);
	printf("pthread_kill self: handled %d\n", got[SIGUSR1]);
	/* Blocked: pending until unblocked. */
	sigset_t set, prev, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, &prev));
	raise(SIGUSR1);
	raise(SIGUSR1);
	CHECK_OK(sigpending(&pend));
	printf("blocked: handled %d pending %d\n", got[SIGUSR1],
	       sigismember(&pend, SIGUSR1));
	CHECK_OK(sigprocmask(SIG_SETMASK, &prev, NULL));
	printf("unblocked: handled %d (standard signals do not queue)\n",
	       got[SIGUSR1]);
	/* SA_SIGINFO and the value of sigqueue. */
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	raise(SIGUSR2);
	printf("siginfo from raise: code %d (SI_TKILL %d)\n", last_code,
	       SI_TKILL);
	CHECK_OK(sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 77}));
	printf("sigqueue: code %d (SI_QUEUE %d) value %d\n", last_code,
	       SI_QUEUE, last_value);
	/* Real-time signals queue. */
	CHECK_OK(sigaction(SIGRTMIN + 1, &sa, NULL));
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 3; i++)
		sigqueue(getpid(), SIGRTMIN + 1,
			 (union sigval){.sival_int = i});
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("rt signal queued and handled %d times, last value %d\n",
	       got[SIGRTMIN + 1], last_value);
	/* SA_RESETHAND: once, then the default (here: ignore for SIGCHLD). */
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESETHAND;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	raise(SIGCHLD);
	raise(SIGCHLD);
	CHECK_OK(sigaction(SIGCHLD, NULL, &old));
	printf("SA_RESETHAND: handled %d, then %s\n", got[SIGCHLD],
	       old.sa_handler == SIG_DFL ? "SIG_DFL" : "handler");
	/* A handler runs with its own signal blocked unless SA_NODEFER. */
	sa.sa_handler = nested;
	sa.sa_flags = SA_NODEFER;
	CHECK_OK(sigaction(SIGHUP, &sa, NULL));
	raise(SIGHUP);
	printf("SA_NODEFER: depth %d\n", max_depth);
	got[SIGHUP] = 0;
	max_depth = 0;
	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGHUP, &sa, NULL));
	raise(SIGHUP);
	printf("deferred: depth %d, handled %d\n", max_depth, got[SIGHUP]);
	/* Ignored signals vanish. */
	CHECK(signal(SIGUSR1, SIG_IGN) == handler);
	raise(SIGUSR1);
	CHECK(signal(SIGUSR1, SIG_DFL) == SIG_IGN);
	/* sigwait and sigsuspend. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &prev);
	raise(SIGUSR2);
	int sig = 0;
	CHECK(sigwait(&set, &sig) == 0 && sig == SIGUSR2);
	raise(SIGUSR2);
	int before = got[SIGUSR2];
	sigset_t empty;
	sigemptyset(&empty);
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK(got[SIGUSR2] == before + 1 && blocked(SIGUSR2));
	sigprocmask(SIG_SETMASK, &prev, NULL);
	/* siglongjmp out of a handler restores the mask saved. */
	sa.sa_handler = jumper;
	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGTERM, &sa, NULL));
	int r = sigsetjmp(jb, 1);
	if (r == 0) {
		raise(SIGTERM);
		printf("not reached\n");
	}
	printf("siglongjmp %d, SIGTERM blocked after: %d\n", r,
	       blocked(SIGTERM));
	/* Sets. */
	CHECK(sigfillset(&set) == 0 && sigismember(&set, SIGKILL));
	CHECK(sigdelset(&set, SIGINT) == 0 && !sigismember(&set, SIGINT));
	CHECK(sigismember(&set, 0) == -1 || sigismember(&set, 0) == 0);
	CHECK_ERR(sigaddset(&set, 1000), EINVAL);
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(1000, &sa, NULL), EINVAL);
	CHECK_ERR(kill(getpid(), 1000), EINVAL);
	stack_t ss = {.ss_sp = malloc(SIGSTKSZ), .ss_size = SIGSTKSZ}, os;
	CHECK_OK(sigaltstack(&ss, &os));
	CHECK(os.ss_flags == SS_DISABLE);
	ss.ss_flags = SS_DISABLE;
	CHECK_OK(sigaltstack(&ss, NULL));
	fflush(stdout);
	psignal(SIGINT, "psignal");
	siginfo_t si = {.si_signo = SIGSEGV};
	psiginfo(&si, "psiginfo");
	fflush(stderr);
	printf("NSIG %d SIGRTMIN %d SIGRTMAX %d\n", NSIG, SIGRTMIN, SIGRTMAX);
	for (int s = 1; s < 32; s++)
		signal(s, SIG_DFL);
	return 0;
}
