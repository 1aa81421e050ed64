// SPDX-License-Identifier: MIT
/* Signals reach a thread that only computes, making no system call: a
 * SIGALRM interval timer and SIGPROF tick into a loop; a handler
 * siglongjmp()s out of one (and the next sleep is a whole sleep, not cut
 * short by what the jump left behind); pthread_kill() stops a thread
 * spinning on another CPU; an asynchronous cancellation ends one. The
 * loop's registers (integer and SSE) are what they were when a handler
 * that uses them too returns. Each loop also reads the clock now and
 * then, to give up after a while instead of hanging when no signal
 * comes. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define GIVE_UP_S 10

static long long mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* Spins until (*flag) reaches (want), or GIVE_UP_S: whether it did. The
 * clock is read once every 2^16 rounds, so nearly every interrupt lands
 * in this loop rather than in the kernel. */
static int spin_until(volatile sig_atomic_t *flag, int want)
{
	long long end = mono_s() + GIVE_UP_S;

	for (unsigned long n = 1;; n++) {
		if (*flag >= want)
			return 1;
		if (!(n & 0xffff) && mono_s() > end)
			return 0;
	}
}

static volatile sig_atomic_t alarms, profs, usr1s;
static volatile double handler_sum;

/* Uses SSE registers itself, as a handler may. */
static void on_alarm(int sig)
{
	double x = sig;

	for (int i = 0; i < 8; i++)
		x = x * 1.5 + 0.25;
	handler_sum += x;
	alarms++;
}

static void on_prof(int sig)
{
	(void)sig;
	profs++;
}

static void interval_timers(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval every_10ms = { { 0, 10000 }, { 0, 10000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	CHECK_OK(setitimer(ITIMER_REAL, &every_10ms, NULL));
	int got = spin_until(&alarms, 3);

	CHECK_OK(setitimer(ITIMER_REAL, &off, NULL));
	printf("SIGALRM into a loop: %s\n", got ? "taken" : "never");

	sa.sa_handler = on_prof;
	CHECK_OK(sigaction(SIGPROF, &sa, NULL));
	CHECK_OK(setitimer(ITIMER_PROF, &every_10ms, NULL));
	got = spin_until(&profs, 3);
	CHECK_OK(setitimer(ITIMER_PROF, &off, NULL));
	printf("SIGPROF into a loop: %s\n", got ? "taken" : "never");
	signal(SIGPROF, SIG_DFL);
}

/* Sums in doubles and integers while SIGALRM's handler computes too: the
 * sums come out exact only if every register the loop keeps is as it
 * was after each handler. */
static void registers_kept(void)
{
	struct itimerval every_2ms = { { 0, 2000 }, { 0, 2000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	long long end = mono_s() + GIVE_UP_S;
	double d = 0;
	unsigned long i = 0, sum = 0;

	alarms = 0;
	CHECK_OK(setitimer(ITIMER_REAL, &every_2ms, NULL));
	while (alarms < 20 && mono_s() <= end) {
		for (int k = 0; k < 4096; k++, i++) {
			d += 0.5;
			sum += i ^ (i >> 3);
		}
	}
	CHECK_OK(setitimer(ITIMER_REAL, &off, NULL));
	unsigned long want = 0;

	for (unsigned long k = 0; k < i; k++)
		want += k ^ (k >> 3);
	int exact = d == (double)i * 0.5 && sum == want;

	printf("registers kept across handlers: %s\n",
	       exact && alarms >= 20 ? "yes" : "no");
	signal(SIGALRM, SIG_DFL);
}

static sigjmp_buf out;

static void jump_out(int sig)
{
	siglongjmp(out, sig);
}

static void jump_from_loop(void)
{
	static volatile sig_atomic_t never;
	struct sigaction sa = { .sa_handler = jump_out };
	struct itimerval once = { { 0, 0 }, { 0, 30000 } };

	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	int sig = sigsetjmp(out, 1);

	if (sig == 0) {
		CHECK_OK(setitimer(ITIMER_REAL, &once, NULL));
		spin_until(&never, 1);
		printf("siglongjmp from a loop: never\n");
	} else {
		printf("siglongjmp from a loop: out with %d\n", sig);
	}
	signal(SIGALRM, SIG_DFL);
	/* Nothing is pending any more: a sleep sleeps. */
	struct timespec t = { 0, 20 * 1000000 }, a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_OK(nanosleep(&t, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK((b.tv_sec - a.tv_sec) * 1000000000LL + b.tv_nsec - a.tv_nsec >=
	      20 * 1000000LL);
}

static void on_usr1(int sig)
{
	(void)sig;
	usr1s++;
}

/* Moves the calling thread to the last CPU (another than the creator's,
 * where there are two: the creator goes on while this one spins). */
static void move_away(void)
{
	unsigned last = (unsigned)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(last, &set);
	CHECK_OK(sched_setaffinity(0, sizeof(set), &set));
}

static void *spin_for_usr1(void *arg)
{
	(void)arg;
	move_away();
	return (void *)(long)spin_until(&usr1s, 1);
}

static void *spin_cancellable(void *arg)
{
	static volatile sig_atomic_t never;

	(void)arg;
	move_away();
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	spin_until(&never, 1);
	return NULL;
}

static void other_threads(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec settle = { 0, 50 * 1000000 };
	pthread_t t;
	void *r;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("pthread_kill into a loop: taken\n");
		printf("asynchronous cancellation of a loop: cancelled\n");
		return;
	}
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK(pthread_create(&t, NULL, spin_for_usr1, NULL) == 0);
	nanosleep(&settle, NULL);
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	CHECK(pthread_join(t, &r) == 0);
	printf("pthread_kill into a loop: %s\n", r ? "taken" : "never");
	signal(SIGUSR1, SIG_DFL);

	CHECK(pthread_create(&t, NULL, spin_cancellable, NULL) == 0);
	nanosleep(&settle, NULL);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &r) == 0);
	printf("asynchronous cancellation of a loop: %s\n",
	       r == PTHREAD_CANCELED ? "cancelled" : "not cancelled");
}

int test_compute(void)
{
	interval_timers();
	registers_kept();
	jump_from_loop();
	other_threads();
	return 0;
}
