/* SPDX-License-Identifier: MIT */
/*
 * A minimal host unit-test framework. Each UNIT_TEST registers itself before
 * main() runs; unit_main.c runs them all (or those named on the command line)
 * and prints one line per test and a final "N passed, N failed".
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*unit_fn)(void);

/* Reproducible pseudo-random numbers (splitmix64), one stream per thread:
 * unit_seed() restarts it, so a failing case can be replayed. */
void unit_seed(uint64_t seed);
uint64_t unit_rand(void);
unsigned unit_rand_below(unsigned n);

void unit_register(const char *name, unit_fn fn);
bool unit_check(bool ok, const char *what, const char *file, int line);
bool unit_check_int(long long a, long long b, const char *ea, const char *eb,
		    const char *file, int line);
bool unit_check_str(const char *a, const char *b, const char *ea,
		    const char *eb, const char *file, int line);

#define UNIT_TEST(name)                                                        \
	static void unit_##name(void);                                         \
	__attribute__((constructor)) static void unit_reg_##name(void)         \
	{                                                                      \
		unit_register(#name, unit_##name);                             \
	}                                                                      \
	static void unit_##name(void)

/* Record a failure and keep going. */
#define CHECK(c)	unit_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_EQ(a, b)                                                         \
	unit_check_int((long long)(a), (long long)(b), #a, #b, __FILE__,       \
		       __LINE__)
#define CHECK_STR_EQ(a, b) unit_check_str((a), (b), #a, #b, __FILE__, __LINE__)

/* Record a failure and leave the test. */
#define REQUIRE(c)                                                             \
	do {                                                                   \
		if (!CHECK(c))                                                 \
			return;                                                \
	} while (0)

#endif /* UNIT_H */
