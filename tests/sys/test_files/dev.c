// SPDX-License-Identifier: MIT
/* The built-in devices over the read-only initrd root, which has no /dev:
 * /dev/null, zero, full, random and urandom behave as Linux's, for
 * reading, writing, stat and stdio, and only those names exist. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <toro/test.h>

#include "files.h"

static int open_dev(const char *path, int flags)
{
	int fd = open(path, flags);

	EXPECT_GE(fd, 0);
	return fd;
}

TEST(dev, null_swallows_and_reads_empty)
{
	char buf[8] = "xxxxxxx";
	int fd = open_dev("/dev/null", O_RDWR);

	EXPECT_EQ(write(fd, "data", 4), 4);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 0);
	EXPECT_EQ(buf[0], 'x');
	close(fd);
	/* A shell's `>/dev/null`: O_CREAT and O_TRUNC on the device. */
	fd = open("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	EXPECT_GE(fd, 0);
	close(fd);
	EXPECT_FAILS(open("/dev/null", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	EXPECT_FAILS(open("/dev/null", O_RDONLY | O_DIRECTORY), ENOTDIR);
	FILE *f = fopen("/dev/null", "w");

	EXPECT_NOT_NULL(f);
	EXPECT_EQ(fprintf(f, "gone %d\n", 42), 8);
	EXPECT_EQ(fclose(f), 0);
}

TEST(dev, zero_and_full)
{
	char buf[64];
	int fd = open_dev("/dev/zero", O_RDONLY);

	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(read(fd, buf, sizeof(buf)), (long)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		EXPECT_EQ(buf[i], 0);
	EXPECT_FAILS(write(fd, "x", 1), EBADF);	/* opened read-only */
	close(fd);
	fd = open_dev("/dev/full", O_RDWR);
	EXPECT_FAILS(write(fd, "x", 1), ENOSPC);
	EXPECT_EQ(read(fd, buf, 3), 3);
	close(fd);
}

TEST(dev, random_bytes_differ)
{
	unsigned char a[32], b[32];
	int fd = open_dev("/dev/urandom", O_RDONLY);

	EXPECT_EQ(read(fd, a, sizeof(a)), (long)sizeof(a));
	EXPECT_EQ(read(fd, b, sizeof(b)), (long)sizeof(b));
	EXPECT_NE(memcmp(a, b, sizeof(a)), 0);
	close(fd);
	fd = open_dev("/dev/random", O_RDONLY);
	EXPECT_EQ(read(fd, a, sizeof(a)), (long)sizeof(a));
	close(fd);
}

TEST(dev, stat_says_character_device)
{
	struct stat st;
	int fd;

	EXPECT_EQ(stat("/dev/null", &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(major(st.st_rdev), 1u);
	EXPECT_EQ(minor(st.st_rdev), 3u);
	fd = open_dev("/dev/urandom", O_RDONLY);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(minor(st.st_rdev), 9u);
	close(fd);
	EXPECT_FAILS(stat("/dev/nosuch", &st), ENOENT);
	EXPECT_FAILS(open("/dev/nosuch", O_RDONLY), ENOENT);
}
