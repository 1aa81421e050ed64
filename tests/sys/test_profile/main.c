// SPDX-License-Identifier: MIT
/*
 * Known shares of work for the profiler's test (check.py): CPU 0 runs 3
 * units of work in profile_alpha() and then 1 in profile_beta(), while
 * CPU 1 runs 6 units in profile_beta(). Both do the very same loop in
 * their own body, so the time in each is in proportion to its units: the
 * shares are set by work, not by the clock. The sampler counts time, so
 * CPU 0 takes turns, a short alpha-alpha-alpha-beta round at a time: if the
 * shared host runs the virtual CPU slower for a while, both functions are
 * slowed alike. CPU 1 has more to do so that its load on the host stays
 * the same until CPU 0 is done.
 * Halfway through, CPU 0 calls profile_dump() (a no-op without the
 * profiler), so the profile comes in two dumps that the host adds up.
 * Argument: a unit, in millions of loop iterations (default 40).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <toro/profile.h>
#include <toro/cpu.h>
#include <toro/thread.h>

#define ROUNDS 40

static uint64_t unit;	/* loop iterations per unit, in a round */
static volatile uint64_t sink;

/* One unit's loop, inlined into each caller so its samples are theirs. */
static inline __attribute__((always_inline)) void burn(uint64_t n)
{
	uint64_t x = 1;

	for (uint64_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	sink = x;
}

/* Each is a function of its own that the compiler must keep: the profile
 * has to name it. */
__attribute__((noinline)) void profile_alpha(uint64_t units)
{
	burn(units * unit);
}

__attribute__((noinline)) void profile_beta(uint64_t units)
{
	burn(units * unit);
}

static void *on_cpu1(void *arg)
{
	(void)arg;
	profile_beta(6 * ROUNDS);
	return NULL;
}

int main(int argc, char **argv)
{
	unit = (argc > 1 ? strtoull(argv[1], NULL, 0) : 40) * 1000000ULL /
	       ROUNDS;
	if (cpu_count() < 2) {
		puts("profile-test: needs 2 CPUs");
		return 1;
	}
	struct thread *t = thread_create(1, 0, on_cpu1, NULL);

	if (!t) {
		puts("profile-test: thread_create failed");
		return 1;
	}
	for (int i = 0; i < ROUNDS; i++) {
		profile_alpha(3);
		profile_beta(1);
		if (i == ROUNDS / 2)
			profile_dump();
	}
	thread_join(t, NULL);
	puts("profile-test done");
	return 0;
}
