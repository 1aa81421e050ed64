// SPDX-License-Identifier: MIT
/*
 * Host program run at build time: prints, as C string literals, what the
 * host's musl snprintf produces for each case of printf_cases.h (built with
 * musl-gcc -static: Toro's C library is musl, so where musl and glibc
 * differ, musl is right). The in-guest test (tests/kernel/test_printf.c)
 * compares Toro's output with it.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <wchar.h>

/* Called through a pointer: several cases are odd on purpose, and the
 * compiler's format checks would warn about them. */
static int (*volatile format)(char *, size_t, const char *, ...) = snprintf;

static void emit(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s >= 0x20 && *s < 0x7f)
			putchar(*s);
		else
			printf("\\%03o", (unsigned char)*s);
	}
	printf("\",\n");
}

#define PRINTF_CASE(fmt, ...)                                                  \
	do {                                                                   \
		char buf[1024];                                                \
		format(buf, sizeof(buf), fmt, ##__VA_ARGS__);                \
		emit(buf);                                                     \
	} while (0);

int main(void)
{
#include "printf_cases.h"
	return 0;
}
