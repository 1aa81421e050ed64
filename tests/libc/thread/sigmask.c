// SPDX-License-Identifier: MIT
/* A new thread starts with its creator's signal mask (POSIX): a signal
 * sent to the process just after pthread_create(), while every thread
 * blocks it, stays the process's and is taken by sigtimedwait(). (A new
 * thread starts on its creator's CPU and runs only when the creator
 * blocks, so the signal is sent before its start code could set a mask
 * of its own.) */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static sigset_t usr1;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static int thread_blocks;

static void *waits_at_the_gate(void *arg)
{
	sigset_t now;

	(void)arg;
	CHECK(pthread_sigmask(SIG_BLOCK, NULL, &now) == 0);
	thread_blocks = sigismember(&now, SIGUSR1);
	pthread_mutex_lock(&gate);
	pthread_mutex_unlock(&gate);
	return NULL;
}

int test_sigmask(void)
{
	struct timespec second = { 1, 0 };
	pthread_t t;
	sigset_t old;
	siginfo_t si;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	CHECK(pthread_sigmask(SIG_BLOCK, &usr1, &old) == 0);
	pthread_mutex_lock(&gate);
	CHECK(pthread_create(&t, NULL, waits_at_the_gate, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	int sig = sigtimedwait(&usr1, &si, &second);

	printf("sigtimedwait: %d (errno %s)\n", sig,
	       sig < 0 ? strerror(errno) : "-");
	CHECK(sig == SIGUSR1);
	pthread_mutex_unlock(&gate);
	CHECK(pthread_join(t, NULL) == 0);
	printf("new thread blocks SIGUSR1: %d\n", thread_blocks);
	CHECK(thread_blocks == 1);
	CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL) == 0);
	return 0;
}
