// SPDX-License-Identifier: MIT
/* <sys/mman.h>: anonymous mappings (zero-filled, page-aligned, protect,
 * grow with mremap, advice, lock), private read-only mappings of a file,
 * and a first shared file mapping (mmap_shared.c has the rest). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

int test_mman(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	printf("page size %ld\n", pg);
	unsigned char *p = mmap(NULL, 5 * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(((uintptr_t)p & (pg - 1)) == 0);
	for (long i = 0; i < 5 * pg; i++)
		if (p[i]) {
			CHECK(p[i] == 0);
			break;
		}
	memset(p, 0xab, 5 * pg);
	CHECK_OK(mprotect(p, pg, PROT_READ));
	CHECK(p[0] == 0xab);
	CHECK_OK(mprotect(p, pg, PROT_READ | PROT_WRITE));
	p[0] = 1;
	unsigned char *q = mremap(p, 5 * pg, 64 * pg, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	CHECK(q[0] == 1 && q[5 * pg - 1] == 0xab && q[63 * pg] == 0);
	q = mremap(q, 64 * pg, 2 * pg, 0);
	CHECK(q != MAP_FAILED && q[pg] == 0xab);
	CHECK_OK(madvise(q, 2 * pg, MADV_DONTNEED));
	CHECK(q[0] == 0 && q[pg] == 0);
	/* Also over pages the program may not write, or not touch. */
	q[0] = 7;
	q[pg] = 8;
	CHECK_OK(mprotect(q, pg, PROT_READ));
	CHECK_OK(mprotect(q + pg, pg, PROT_NONE));
	CHECK_OK(madvise(q, 2 * pg, MADV_DONTNEED));
	CHECK_OK(mprotect(q + pg, pg, PROT_READ));
	CHECK(q[0] == 0 && q[pg] == 0);
	CHECK_OK(mprotect(q, 2 * pg, PROT_READ | PROT_WRITE));
	CHECK_OK(posix_madvise(q, 2 * pg, POSIX_MADV_NORMAL));
	CHECK_OK(mlock(q, pg));
	CHECK_OK(munlock(q, pg));
	CHECK_OK(msync(q, pg, MS_SYNC));
	CHECK_OK(munmap(q, 2 * pg));
	/* Pages no longer mapped are passed over: a hole, or all of it. */
	unsigned char *r = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED);
	CHECK_OK(munmap(r + pg, pg));
	CHECK_ERR(mprotect(r, 3 * pg, PROT_READ), ENOMEM);
	CHECK_OK(munmap(r, 3 * pg));
	CHECK_OK(munmap(r, 3 * pg));
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		      MAP_FAILED &&
	      errno == EINVAL);
	CHECK_ERR(munmap((void *)1, pg), EINVAL);
	/* A file mapped privately, read-only. */
	int fd = open("map", O_CREAT | O_RDWR, 0644);
	char text[6000];
	for (int i = 0; i < 6000; i++)
		text[i] = 'a' + i % 26;
	CHECK(write(fd, text, 6000) == 6000);
	char *m = mmap(NULL, 6000, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		CHECK(memcmp(m, text, 6000) == 0);
		printf("mapped tail %.5s, past the end %d\n", m + 5995,
		       m[6100]);
		munmap(m, 6000);
	}
	m = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, pg);
	CHECK(m != MAP_FAILED && m[0] == text[pg]);
	if (m != MAP_FAILED)
		munmap(m, pg);
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 1) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED &&
	      errno == EBADF);
	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		m[0] = 'Z';
		munmap(m, pg);
	}
	char c;
	CHECK(pread(fd, &c, 1, 0) == 1 && c == 'Z');
	close(fd);
	return 0;
}
