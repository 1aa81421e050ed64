// SPDX-License-Identifier: MIT
/*
 * Prints the host's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW over 50 ms. Under QEMU's TCG the guest TSC runs at
 * the host's rate, so `toro run` passes this to the guest (toro.tsc_khz)
 * instead of letting it calibrate, which would cost boot time and be less
 * exact through an emulated timer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	uint64_t khz[3];

	for (int i = 0; i < 3; i++) {
		uint64_t t0 = now_ns(), c0 = __rdtsc();

		while (now_ns() - t0 < 50000000)
			;
		uint64_t t1 = now_ns(), c1 = __rdtsc();

		khz[i] = (c1 - c0) * 1000000ULL / (t1 - t0);
	}
	/* The median of three rounds shrugs off one disturbed round. */
	qsort(khz, 3, sizeof(khz[0]), cmp);
	printf("%llu\n", (unsigned long long)khz[1]);
	return 0;
}
