// SPDX-License-Identifier: MIT
/* posix_fallocate() and fallocate(): the file grows to the end asked
 * for, zeros past its old end and its data kept; a range inside it, or
 * FALLOC_FL_KEEP_SIZE, leaves the size alone; then the errors Linux
 * gives (bad ranges, a read-only descriptor, a pipe); an O_APPEND file
 * grows as any other. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static long long size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (long long)st.st_size : -1;
}

/* Whether bytes [from, to) of (fd) are all zero. */
static int zeros(int fd, off_t from, off_t to)
{
	char buf[4096];

	while (from < to) {
		size_t n = to - from < (off_t)sizeof(buf) ? (size_t)(to - from)
							  : sizeof(buf);
		ssize_t got = pread(fd, buf, n, from);

		if (got <= 0)
			return 0;
		for (ssize_t i = 0; i < got; i++)
			if (buf[i])
				return 0;
		from += got;
	}
	return 1;
}

int test_fallocate(void)
{
	int fd = open("falloc", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char head[4] = "";

	CHECK(fd >= 0);
	CHECK(write(fd, "abc", 3) == 3);
	int rc = posix_fallocate(fd, 0, 10000);

	printf("grow: %d size %lld\n", rc, size_of(fd));
	CHECK(pread(fd, head, 3, 0) == 3);
	printf("kept: %s zeros after: %d\n", head, zeros(fd, 3, 10000));
	rc = posix_fallocate(fd, 100, 200);
	printf("inside: %d size %lld\n", rc, size_of(fd));
	rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 50000);
	printf("keep size: %d size %lld\n", rc, size_of(fd));
	rc = posix_fallocate(fd, 20000, 100);
	printf("past the end: %d size %lld zeros %d\n", rc, size_of(fd),
	       zeros(fd, 10000, 20100));
	/* The offset stays where the write left it. */
	printf("offset: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	/* Writes into the space taken land where they should. */
	CHECK(pwrite(fd, "xyz", 3, 15000) == 3);
	CHECK(pread(fd, head, 3, 15000) == 3);
	printf("written inside: %s size %lld\n", head, size_of(fd));

	printf("negative offset: %d\n", posix_fallocate(fd, -1, 10));
	printf("zero length: %d\n", posix_fallocate(fd, 0, 0));
	printf("negative length: %d\n", posix_fallocate(fd, 0, -5));
	printf("too far: %d\n", posix_fallocate(fd, 0x7fffffffffffff00LL,
						0x1000));
	close(fd);

	/* An O_APPEND file grows where asked too, and appends still go to
	 * its end. */
	int ap = open("falloc", O_WRONLY | O_APPEND);

	CHECK(ap >= 0);
	rc = posix_fallocate(ap, 30000, 1000);
	printf("append: %d size %lld\n", rc, size_of(ap));
	CHECK(write(ap, "!", 1) == 1);
	printf("appended: size %lld\n", size_of(ap));
	close(ap);

	int ro = open("falloc", O_RDONLY);

	printf("read-only: %d\n", posix_fallocate(ro, 0, 10));
	close(ro);
	int p[2];

	CHECK(pipe(p) == 0);
	printf("pipe: %d\n", posix_fallocate(p[1], 0, 10));
	close(p[0]);
	close(p[1]);
	printf("bad descriptor: %d\n", posix_fallocate(1000, 0, 10));
	CHECK(unlink("falloc") == 0);
	return 0;
}
