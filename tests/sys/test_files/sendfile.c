// SPDX-License-Identifier: MIT
/* sendfile() from the initrd, whose bytes go from where they lie in
 * memory (no bounce buffer): offsets, counts and the end of the file as
 * for any other file. Into a pipe, read back here. */
#include <errno.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <toro/test.h>

#include "files.h"

/* (n) bytes from the pipe (p) into (buf). */
static long drain(int p, char *buf, long n)
{
	long got = 0;

	while (got < n) {
		ssize_t k = read(p, buf + got, (size_t)(n - got));

		if (k <= 0)
			break;
		got += k;
	}
	return got;
}

TEST(sendfile, from_the_initrd_at_an_offset)
{
	static char buf[8192];
	int p[2], fd = open("/big.txt", O_RDONLY);
	off_t off = 1000;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(sendfile(p[1], fd, &off, 5000), 5000);
	EXPECT_EQ(off, 6000);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 0);	/* (off) given: unmoved */
	EXPECT_EQ(drain(p[0], buf, 5000), 5000);
	EXPECT_TRUE(big_matches(buf, 1000, 5000));
	close(p[0]);
	close(p[1]);
	close(fd);
}

TEST(sendfile, from_the_initrd_at_the_file_offset)
{
	static char buf[8192];
	int p[2], fd = open("/big.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(lseek(fd, 200, SEEK_SET), 200);
	EXPECT_EQ(sendfile(p[1], fd, NULL, 3000), 3000);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 3200);
	EXPECT_EQ(drain(p[0], buf, 3000), 3000);
	EXPECT_TRUE(big_matches(buf, 200, 3000));
	close(p[0]);
	close(p[1]);
	close(fd);
}

TEST(sendfile, from_the_initrd_stops_at_its_end)
{
	char buf[64];
	int p[2], fd = open("/big.txt", O_RDONLY), e = open("/empty.txt",
							  O_RDONLY);
	off_t off = BIG_SIZE - 10;

	ASSERT_GE(fd, 0);
	ASSERT_GE(e, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(sendfile(p[1], fd, &off, 100), 10);
	EXPECT_EQ(off, BIG_SIZE);
	EXPECT_EQ(sendfile(p[1], fd, &off, 100), 0);
	off = BIG_SIZE + 5;
	EXPECT_EQ(sendfile(p[1], fd, &off, 100), 0);
	EXPECT_EQ(off, BIG_SIZE + 5);
	EXPECT_EQ(sendfile(p[1], e, NULL, 100), 0);
	EXPECT_EQ(drain(p[0], buf, 10), 10);
	EXPECT_TRUE(big_matches(buf, BIG_SIZE - 10, 10));
	/* Into a file open only for reading: EBADF, nothing moved. */
	off = 0;
	EXPECT_FAILS(sendfile(fd, e, &off, 1), EBADF);
	close(p[0]);
	close(p[1]);
	close(e);
	close(fd);
}
