// SPDX-License-Identifier: MIT
/* The CPU-time interval timers: ITIMER_PROF and ITIMER_VIRTUAL send
 * SIGPROF and SIGVTALRM once the process has computed for their time (not
 * before: sleeping does not count), again each interval; getitimer()
 * tells the CPU time left; an unknown timer is EINVAL. Bounds are loose
 * (a busy host delays both sides); no timing is printed. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define MS 1000000LL

static volatile sig_atomic_t profs, vtalrms;
static volatile long long cpu_at_first_prof;

static long long cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void on_prof(int sig)
{
	(void)sig;
	if (!profs)
		cpu_at_first_prof = cpu_ns();
	profs++;
}

static void on_vtalrm(int sig)
{
	(void)sig;
	vtalrms++;
}

static volatile unsigned long sink;

/* Computes until (*count) reaches (want) or (ms) of the monotonic clock
 * pass, with a poll() that waits for nothing between rounds: nothing
 * preempts a thread on Toro, a signal lands when a call such as that one
 * returns. */
static void compute_until(volatile sig_atomic_t *count, int want, long ms)
{
	long long end = mono_ns() + ms * MS;

	while (*count < want && mono_ns() < end) {
		for (int i = 0; i < 1000; i++)
			sink = sink + (unsigned long)i;
		poll(NULL, 0, 0);
	}
}

int test_cpu_timers(void)
{
	struct sigaction prof = { .sa_handler = on_prof };
	struct sigaction vt = { .sa_handler = on_vtalrm };
	struct itimerval it = { .it_value = { 0, 100000 } }, left;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	CHECK_OK(sigaction(SIGPROF, &prof, NULL));
	CHECK_OK(sigaction(SIGVTALRM, &vt, NULL));

	/* Once, after 100 ms of computing. */
	long long start = cpu_ns();

	CHECK_OK(setitimer(ITIMER_PROF, &it, NULL));
	compute_until(&profs, 1, 5000);
	/* Half, not most: the host's own run, under a parallel build,
	 * once took its SIGPROF at under 80 ms of CPU time. */
	printf("SIGPROF: %d, after half its CPU time: %d\n", profs == 1,
	       cpu_at_first_prof - start >= 50 * MS);
	CHECK_OK(getitimer(ITIMER_PROF, &left));
	printf("then disarmed: %d\n",
	       left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0);

	/* Every 50 ms of computing. */
	it = (struct itimerval){ { 0, 50000 }, { 0, 50000 } };
	CHECK_OK(setitimer(ITIMER_VIRTUAL, &it, NULL));
	compute_until(&vtalrms, 3, 5000);
	CHECK_OK(setitimer(ITIMER_VIRTUAL, &off, &left));
	printf("SIGVTALRM at least 3 times: %d, interval kept: %ld us\n",
	       vtalrms >= 3, (long)left.it_interval.tv_usec);

	/* Sleeping is not computing. */
	it = (struct itimerval){ .it_value = { 0, 200000 } };
	profs = 0;
	CHECK_OK(setitimer(ITIMER_PROF, &it, NULL));
	usleep(300000);
	CHECK_OK(setitimer(ITIMER_PROF, &off, &left));
	printf("after sleeping: no SIGPROF %d, most of it left %d\n",
	       profs == 0,
	       left.it_value.tv_sec * 1000000 + left.it_value.tv_usec > 100000);

	int rc = setitimer(3, &it, NULL);

	printf("timer 3: %d %s\n", rc, strerror(errno));
	signal(SIGPROF, SIG_DFL);
	signal(SIGVTALRM, SIG_DFL);
	return 0;
}
