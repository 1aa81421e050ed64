// SPDX-License-Identifier: MIT
/* copy_file_range(): between two files at their offsets (which move) or
 * at offsets given (which move instead), cut at the input's end; within
 * one file where the ranges do not overlap; and the errors Linux gives
 * (flags, pipes, directories, an O_APPEND or read-only output, an
 * overlap). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int test_copy_range(void)
{
	static char data[10000], back[10000];
	int in = open("copy_in", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int out = open("copy_out", O_CREAT | O_RDWR | O_TRUNC, 0644);
	loff_t a, b;
	ssize_t n;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	CHECK(in >= 0 && out >= 0);
	CHECK(write(in, data, sizeof(data)) == (ssize_t)sizeof(data));
	CHECK(lseek(in, 0, SEEK_SET) == 0);

	/* At the files' offsets. */
	n = copy_file_range(in, NULL, out, NULL, 6000, 0);
	printf("copied %zd, offsets %lld %lld\n", n,
	       (long long)lseek(in, 0, SEEK_CUR),
	       (long long)lseek(out, 0, SEEK_CUR));
	/* The rest: cut at the input's end. */
	n = copy_file_range(in, NULL, out, NULL, 100000, 0);
	printf("rest %zd, at the end %zd\n", n,
	       copy_file_range(in, NULL, out, NULL, 10, 0));
	CHECK(pread(out, back, sizeof(back), 0) == (ssize_t)sizeof(back));
	printf("same bytes: %d\n", memcmp(data, back, sizeof(data)) == 0);

	/* At offsets given: they move, the files' do not. */
	a = 26;
	b = 20000;
	n = copy_file_range(in, &a, out, &b, 52, 0);
	printf("given: %zd, now %lld %lld, files at %lld %lld\n", n,
	       (long long)a, (long long)b, (long long)lseek(in, 0, SEEK_CUR),
	       (long long)lseek(out, 0, SEEK_CUR));
	struct stat st;

	CHECK(fstat(out, &st) == 0);
	CHECK(pread(out, back, 52, 20000) == 52);
	printf("size %lld, bytes %d\n", (long long)st.st_size,
	       memcmp(back, data, 52) == 0);

	/* Within one file: apart is fine, overlapping is not. */
	a = 0;
	b = 30000;
	printf("same file apart: %zd\n",
	       copy_file_range(out, &a, out, &b, 100, 0));
	a = 0;
	b = 50;
	CHECK_ERR(copy_file_range(out, &a, out, &b, 100, 0), EINVAL);

	/* Errors. */
	int p[2], ap = open("copy_out", O_WRONLY | O_APPEND);
	int ro = open("copy_out", O_RDONLY);

	CHECK(pipe(p) == 0);
	CHECK_ERR(copy_file_range(in, NULL, out, NULL, 10, 1), EINVAL);
	CHECK_ERR(copy_file_range(p[0], NULL, out, NULL, 10, 0), EINVAL);
	CHECK_ERR(copy_file_range(in, NULL, p[1], NULL, 10, 0), EINVAL);
	CHECK_ERR(copy_file_range(in, NULL, ap, NULL, 10, 0), EBADF);
	CHECK_ERR(copy_file_range(in, NULL, ro, NULL, 10, 0), EBADF);
	CHECK_ERR(copy_file_range(1000, NULL, out, NULL, 10, 0), EBADF);
	a = -1;		/* as Linux adds it: an overflow */
	CHECK_ERR(copy_file_range(in, &a, out, NULL, 10, 0), EOVERFLOW);
	int dir = open(".", O_RDONLY | O_DIRECTORY);

	CHECK_ERR(copy_file_range(dir, NULL, out, NULL, 10, 0), EISDIR);
	close(dir);
	close(p[0]);
	close(p[1]);
	close(ap);
	close(ro);
	close(in);
	close(out);
	CHECK(unlink("copy_in") == 0 && unlink("copy_out") == 0);
	return 0;
}
