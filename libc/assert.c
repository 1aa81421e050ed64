// SPDX-License-Identifier: MIT
/* assert() failures, reported in glibc's words and then as a panic. */
#include <assert.h>

#include <toro/panic.h>

void __assert_fail(const char *expr, const char *file, unsigned int line,
		   const char *func)
{
	panic("%s:%u: %s: Assertion `%s' failed.", file, line, func, expr);
}
