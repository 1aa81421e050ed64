// SPDX-License-Identifier: MIT
/*
 * Raw entropy (include/kernel/random.h): the CPU's RDSEED or RDRAND, and
 * seed words mixed from them and the TSC. Apart from the ChaCha20 stream
 * (random.c), which only getrandom() needs: every program gets its 16
 * AT_RANDOM bytes from here at start-up, and must not pay for more.
 */
#include <arch/x86.h>
#include <kernel/random.h>

/* One 64-bit word from RDSEED, else RDRAND; false if neither works. */
bool entropy_hw_word(uint64_t *v)
{
	static int has_rdrand = -1, has_rdseed = -1;
	unsigned char ok;

	if (has_rdrand < 0) {
		has_rdrand = !!(cpuid(1, 0).ecx & (1U << 30));
		has_rdseed = cpuid_max_leaf() >= 7 &&
			     (cpuid(7, 0).ebx & (1U << 18));
	}
	for (int tries = 0; tries < 10; tries++) {
		if (has_rdseed) {
			__asm__ volatile("rdseed %0; setc %1"
					 : "=r"(*v), "=qm"(ok));
			if (ok)
				return true;
		}
		if (has_rdrand) {
			__asm__ volatile("rdrand %0; setc %1"
					 : "=r"(*v), "=qm"(ok));
			if (ok)
				return true;
		}
	}
	return false;
}


/* splitmix64's finalizer: every input bit reaches every output bit. */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void entropy_seed(void *buf, size_t n)
{
	static uint64_t counter;
	unsigned char *p = buf;

	while (n > 0) {
		uint64_t v = 0;

		entropy_hw_word(&v);
		v = mix(v ^ mix(rdtsc() + ++counter * 0x9e3779b97f4a7c15ULL));
		for (int i = 0; i < 8 && n > 0; i++, n--)
			*p++ = (unsigned char)(v >> (8 * i));
	}
}
