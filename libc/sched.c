// SPDX-License-Identifier: MIT
/* <sched.h>: the calls, and the one CPU set macro that needs code. */
#include <sched.h>

#include <toro/cpu.h>
#include <toro/thread.h>

int sched_yield(void)
{
	thread_yield();
	return 0;
}

int sched_getcpu(void)
{
	/* Threads never migrate: the answer stays true for the caller. */
	return cpu_id();
}

int __sched_cpucount(size_t size, const cpu_set_t *set)
{
	/* A nibble at a time from a table: GCC turns the usual bit tricks,
	 * and __builtin_popcountl(), into calls to libgcc, which the image
	 * does not have. */
	static const char bits[16] = { 0, 1, 1, 2, 1, 2, 2, 3,
				       1, 2, 2, 3, 2, 3, 3, 4 };
	const unsigned char *p = (const unsigned char *)set;
	int n = 0;

	for (size_t i = 0; i < size; i++)
		n += bits[p[i] & 15] + bits[p[i] >> 4];
	return n;
}
