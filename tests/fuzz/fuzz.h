/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c). A target feeds a
 * parser the fuzzer's bytes in place of its device or network, under ASan
 * and UBSan, and checks with FUZZ_CHECK what the parser promises about
 * its result: a broken promise is a crash the fuzzer reports and saves.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(c)                                                          \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #c, \
				__FILE__, __LINE__);                           \
			abort();                                               \
		}                                                              \
	} while (0)

/* Whether [p, p + n) lies inside [base, base + size). */
static inline int fuzz_inside(const void *p, size_t n, const void *base,
			      size_t size)
{
	const char *c = p, *b = base;

	return c >= b && c <= b + size && n <= (size_t)(b + size - c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZ_H */
