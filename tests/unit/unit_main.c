// SPDX-License-Identifier: MIT
/*
 * Runs the registered host unit tests: all of them, or those whose names are
 * given as arguments. Exit status is non-zero if any failed.
 */
#include "unit.h"

#include <stdlib.h>

#define MAX_TESTS 1024

static struct {
	const char *name;
	unit_fn fn;
} tests[MAX_TESTS];
static int ntests;
static int failures_in_test;
static __thread uint64_t rand_state;

void unit_seed(uint64_t seed)
{
	rand_state = seed;
}

uint64_t unit_rand(void)
{
	uint64_t z = (rand_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned unit_rand_below(unsigned n)
{
	return (unsigned)(unit_rand() % n);
}

void unit_register(const char *name, unit_fn fn)
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "unit: too many tests (raise MAX_TESTS)\n");
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

bool unit_check(bool ok, const char *what, const char *file, int line)
{
	if (!ok) {
		printf("    %s:%d: check failed: %s\n", file, line, what);
		failures_in_test++;
	}
	return ok;
}

bool unit_check_int(long long a, long long b, const char *ea, const char *eb,
		    const char *file, int line)
{
	if (a != b) {
		printf("    %s:%d: %s == %s: %lld != %lld\n", file, line, ea, eb,
		       a, b);
		failures_in_test++;
	}
	return a == b;
}

bool unit_check_str(const char *a, const char *b, const char *ea,
		    const char *eb, const char *file, int line)
{
	bool ok = a && b && strcmp(a, b) == 0;

	if (!ok) {
		printf("    %s:%d: %s == %s: \"%s\" != \"%s\"\n", file, line, ea,
		       eb, a ? a : "(null)", b ? b : "(null)");
		failures_in_test++;
	}
	return ok;
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < ntests; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		failures_in_test = 0;
		tests[i].fn();
		if (failures_in_test) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else {
			printf("ok   %s\n", tests[i].name);
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
