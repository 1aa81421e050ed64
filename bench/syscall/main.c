// SPDX-License-Identifier: MIT
/*
 * The cost of a system call, for bench/syscall.py: the same source built
 * for Toro (`toro build`) and, with Debian's musl-gcc, for the Linux
 * guest. Times, in a loop of N calls (argument, default 1,000,000), a
 * plain call to a function that does nothing, getpid() and
 * syscall(SYS_getpid) (musl's two ways into the kernel), and
 * clock_gettime(CLOCK_MONOTONIC); prints "RESULT name ns-per-call", the
 * best of five rounds, so a moment the host took the CPU away does not
 * count.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What a call into the kernel would cost if it were only a call. */
__attribute__((noinline)) static long plain(long x)
{
	__asm__ volatile("" ::: "memory");
	return x;
}

static long call_plain(void)
{
	return plain(1);
}

static long call_getpid(void)
{
	return getpid();
}

static long call_syscall(void)
{
	return syscall(SYS_getpid);
}

static long call_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_nsec;
}

static double best_ns(long (*fn)(void), long n)
{
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = now_ns();

		for (long i = 0; i < n; i++)
			fn();
		double ns = (double)(now_ns() - t0) / (double)n;

		if (r == 0 || ns < best)
			best = ns;
	}
	return best;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;

	if (n <= 0) {
		fprintf(stderr, "usage: %s [CALLS]\n", argv[0]);
		return 2;
	}
	printf("RESULT plain_ns %.2f\n", best_ns(call_plain, n));
	printf("RESULT getpid_ns %.2f\n", best_ns(call_getpid, n));
	printf("RESULT syscall_ns %.2f\n", best_ns(call_syscall, n));
	printf("RESULT clock_gettime_ns %.2f\n", best_ns(call_clock, n));
	return 0;
}
