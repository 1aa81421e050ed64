// SPDX-License-Identifier: MIT
/*
 * clock_getcpuclockid() and pthread_getcpuclockid() (replace musl's,
 * which build Linux's clock ids from the process or thread id, ids the
 * kernel's clock_gettime() does not take). The program owns its CPUs, so
 * every CPU-time clock reads the monotonic clock (sys/time.c): the
 * process's clock is CLOCK_PROCESS_CPUTIME_ID and each thread's reads as
 * CLOCK_THREAD_CPUTIME_ID, whichever thread asks.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

int clock_getcpuclockid(pid_t pid, clockid_t *clk)
{
	if (pid && pid != getpid())
		return ESRCH;	/* the only process (POSIX's error) */
	*clk = CLOCK_PROCESS_CPUTIME_ID;
	return 0;
}

int pthread_getcpuclockid(pthread_t t, clockid_t *clk)
{
	(void)t;
	*clk = CLOCK_THREAD_CPUTIME_ID;
	return 0;
}
