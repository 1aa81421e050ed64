// SPDX-License-Identifier: MIT
/*
 * The multi-call driver of one group of tests/libc (see check.h): runs the
 * programs named on the command line, or all of the group's in order,
 * each in a fresh working directory, between BEGIN and END lines that
 * tests/libc/suite.py splits the output at. The group's list comes from
 * the build as LIBC_TESTS, `X(name) X(name)...`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "driver_setup.h"

#define X(name) int test_##name(void);
LIBC_TESTS
#undef X

struct libc_test {
	const char *name;
	int (*fn)(void);
};

static const struct libc_test tests[] = {
#define X(name) {#name, test_##name},
	LIBC_TESTS
#undef X
};

#define NTESTS (sizeof(tests) / sizeof(tests[0]))

int check_failures;

void check_report(const char *file, int line, const char *what,
		  const char *detail)
{
	check_failures++;
	printf("CHECK FAILED %s:%d: %s%s%s\n", file, line, what,
	       detail ? ": " : "", detail ? detail : "");
}

void print_hex(const char *label, const void *p, size_t len)
{
	const unsigned char *b = p;

	printf("%s:", label);
	for (size_t i = 0; i < len; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

static int run(const struct libc_test *t, const char *top)
{
	char dir[256];

	printf("=== BEGIN %s\n", t->name);
	fflush(stdout);
	snprintf(dir, sizeof(dir), "%s/%s.d", top, t->name);
	if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) {
		printf("driver: cannot make %s\n", dir);
		return 1;
	}
	check_failures = 0;
	int rc = t->fn();
	if (rc == 0 && check_failures)
		rc = 1;
	fflush(stdout);
	fflush(stderr);
	if (chdir(top) != 0)
		printf("driver: cannot go back to %s\n", top);
	printf("=== END %s %d\n", t->name, rc);
	fflush(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	static char top[200];
	int failed = 0;

	/* The same buffering on both sides (the guest's console is a
	 * terminal, the host's a pipe), and nothing lost in a crash. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (driver_setup() != 0 || !getcwd(top, sizeof(top))) {
		printf("driver: no working directory\n");
		return 2;
	}
	if (argc < 2) {
		for (size_t i = 0; i < NTESTS; i++)
			failed += run(&tests[i], top) != 0;
		return failed != 0;
	}
	for (int a = 1; a < argc; a++) {
		size_t i = 0;

		while (i < NTESTS && strcmp(tests[i].name, argv[a]) != 0)
			i++;
		if (i == NTESTS) {
			printf("driver: no test %s\n", argv[a]);
			return 2;
		}
		failed += run(&tests[i], top) != 0;
	}
	return failed != 0;
}
