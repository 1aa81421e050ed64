// SPDX-License-Identifier: MIT
/*
 * Work for bench/profile.py: ROUNDS rounds of a fixed arithmetic loop on
 * CPU 0, each timed with the clock; prints the median round time. Run in
 * an image without the profiler, with it linked but off, and with it on,
 * the differences are what the profiler costs.
 * Arguments: rounds (default 11), million iterations per round (default 20).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <toro/time.h>

#define MAX_ROUNDS 101

static volatile uint64_t sink;

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 11;
	uint64_t n = (argc > 2 ? strtoull(argv[2], NULL, 0) : 20) * 1000000ULL;
	uint64_t t[MAX_ROUNDS];

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		printf("bench-profile: rounds must be 1..%d\n", MAX_ROUNDS);
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		uint64_t x = 1, t0 = clock_ns();

		for (uint64_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			__asm__ volatile("" : "+r"(x));
		}
		t[r] = clock_ns() - t0;
		sink = x;
	}
	qsort(t, rounds, sizeof(t[0]), cmp);
	printf("RESULT round_ns %lu\n", (unsigned long)t[rounds / 2]);
	return 0;
}
