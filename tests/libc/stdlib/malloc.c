// SPDX-License-Identifier: MIT
/* <stdlib.h>, <malloc.h>: the allocator's contract (alignment, zeroing,
 * realloc keeping contents, errors) without printing anything that
 * depends on where or how blocks are placed. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int test_malloc(void)
{
	static void *p[512];

	for (int i = 0; i < 512; i++) {
		size_t n = (size_t)(i * i * 13 % 5000 + 1);

		p[i] = malloc(n);
		CHECK(p[i] != NULL);
		CHECK(((uintptr_t)p[i] & 15) == 0);
		CHECK(malloc_usable_size(p[i]) >= n);
		memset(p[i], i, n);
	}
	for (int i = 0; i < 512; i += 2) {
		size_t n = (size_t)(i * i * 13 % 5000 + 1);
		unsigned char *q = realloc(p[i], n * 3);

		CHECK(q != NULL);
		for (size_t j = 0; j < n; j++)
			if (q[j] != (unsigned char)i) {
				CHECK(q[j] == (unsigned char)i);
				break;
			}
		p[i] = q;
	}
	for (int i = 0; i < 512; i++)
		free(p[i]);
	unsigned char *z = calloc(1000, 7);
	CHECK(z != NULL);
	for (int i = 0; i < 7000; i++)
		if (z[i]) {
			CHECK(z[i] == 0);
			break;
		}
	free(z);
	errno = 0;
	CHECK(calloc(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(malloc(SIZE_MAX - 4096) == NULL && errno == ENOMEM);
	void *r = malloc(10);
	errno = 0;
	CHECK(realloc(r, SIZE_MAX / 2 + 1) == NULL && errno == ENOMEM);
	free(r);
	errno = 0;
	CHECK(reallocarray(NULL, SIZE_MAX / 4, 8) == NULL && errno == ENOMEM);
	for (size_t a = 16; a <= 65536; a *= 4) {
		void *q = aligned_alloc(a, a * 3);
		void *m;

		CHECK(q && ((uintptr_t)q & (a - 1)) == 0);
		CHECK(posix_memalign(&m, a, 100) == 0 &&
		      ((uintptr_t)m & (a - 1)) == 0);
		void *ma = memalign(a, 5);
		CHECK(ma && ((uintptr_t)ma & (a - 1)) == 0);
		free(q);
		free(m);
		free(ma);
	}
	void *m;
	CHECK(posix_memalign(&m, 3, 16) == EINVAL);
	CHECK(posix_memalign(&m, 4, 16) == EINVAL);
	void *v = valloc(100);
	CHECK(v && ((uintptr_t)v & 4095) == 0);
	free(v);
	free(NULL);
	void *big = malloc(8 << 20);
	CHECK(big != NULL);
	memset(big, 1, 8 << 20);
	free(big);
	void *zero = malloc(0);
	free(zero);
	printf("malloc ok\n");
	return 0;
}
