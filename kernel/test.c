// SPDX-License-Identifier: MIT
/*
 * The in-guest test runner: walks the toro_tests section, runs each case
 * that the command line selects, and prints one line per case and a final
 * "TESTS: N passed, N failed" that tests/run.py reads.
 */
#include <stdarg.h>
#include <string.h>

#include <kernel/log.h>
#include <toro/test.h>
#include <toro/time.h>

extern const struct test_case __tests_start[], __tests_end[];

static int failures;	/* in the running test case */

bool test_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	failures++;
	kprintf("    %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	return false;
}

static bool selected(const struct test_case *t, int argc, char **argv)
{
	size_t n = strlen(t->suite);

	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, t->suite, n) != 0)
			continue;
		if (a[n] == '\0' || (a[n] == '.' && strcmp(a + n + 1, t->name) == 0))
			return true;
	}
	return false;
}

int test_main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (const struct test_case *t = __tests_start; t < __tests_end; t++) {
		if (!selected(t, argc, argv))
			continue;
		kprintf("[ RUN  ] %s.%s\n", t->suite, t->name);
		failures = 0;
		uint64_t start = clock_ns();

		t->fn();
		uint64_t ms = (clock_ns() - start) / 1000000;

		if (failures) {
			kprintf("[ FAIL ] %s.%s (%lu ms)\n", t->suite, t->name, ms);
			failed++;
		} else {
			kprintf("[  OK  ] %s.%s (%lu ms)\n", t->suite, t->name, ms);
			passed++;
		}
	}
	kprintf("TESTS: %d passed, %d failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}
