// SPDX-License-Identifier: MIT
/*
 * printf in the guest prints exactly what the host's musl prints for the
 * same calls (the expected strings are generated at build time by
 * tests/gen/printf_expected.c): the same library, built with Toro's flags
 * and reaching the console through Toro's system calls, variadic doubles
 * included.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <wchar.h>

#include <toro/test.h>

/* Called through a pointer: several cases are odd on purpose, and the
 * compiler's format checks would warn about them. */
static int (*volatile format)(char *, size_t, const char *, ...) = snprintf;

static const char *const expected[] = {
#include "printf_expected.h"
};

#define PRINTF_CASE(fmt, ...)                                                  \
	do {                                                                   \
		char buf[1024];                                                \
		format(buf, sizeof(buf), fmt, ##__VA_ARGS__);                \
		EXPECT_STREQ(buf, expected[i]);                                \
		i++;                                                           \
	} while (0);

TEST(printf, matches_host_musl)
{
	unsigned i = 0;

#include "printf_cases.h"
	EXPECT_EQ(i, sizeof(expected) / sizeof(expected[0]));
}

TEST(printf, return_values_and_truncation)
{
	char buf[8];

	EXPECT_EQ(format(buf, sizeof(buf), "%s", "0123456789"), 10);
	EXPECT_STREQ(buf, "0123456");
	EXPECT_EQ(snprintf(NULL, 0, "%d", 12345), 5);
	EXPECT_EQ(format(buf, 1, "abc"), 3);
	EXPECT_STREQ(buf, "");
	EXPECT_EQ(printf("printed by the test: %d %.1f\n", 7, 2.5), 27);
}
