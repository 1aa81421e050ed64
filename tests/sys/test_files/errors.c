// SPDX-License-Identifier: MIT
/* What must fail, and with which errno: missing files, bad paths, bad
 * descriptors, and every change to the read-only initrd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toro/test.h>

#include "files.h"

/* Calls (expr), wanting -1 and (err). */
TEST(errors, missing_files)
{
	struct stat st;

	EXPECT_FAILS(open("/nowhere.txt", O_RDONLY), ENOENT);
	EXPECT_FAILS(open("/dir/nowhere/x", O_RDONLY), ENOENT);
	EXPECT_FAILS(stat("/nowhere.txt", &st), ENOENT);
	EXPECT_FAILS(stat("/dir/A.TXT", &st), ENOENT);	/* case matters */
	EXPECT_FAILS(stat("/dir/a.tx", &st), ENOENT);
	EXPECT_FAILS(stat("/dir/a.txtx", &st), ENOENT);
	EXPECT_FAILS(access("/no/such/dir", F_OK), ENOENT);
}

TEST(errors, not_a_directory)
{
	struct stat st;

	EXPECT_FAILS(open("/hello.txt/x", O_RDONLY), ENOTDIR);
	EXPECT_FAILS(stat("/hello.txt/x/y", &st), ENOTDIR);
	EXPECT_FAILS(stat("/hello.txt/", &st), ENOTDIR);
	EXPECT_FAILS(open("/hello.txt/", O_RDONLY), ENOTDIR);
	EXPECT_FAILS(open("/hello.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
	EXPECT_FAILS(stat("/dir/a.txt/.", &st), ENOTDIR);
}

TEST(errors, malformed_paths)
{
	char long_name[300], long_path[5000];
	struct stat st;

	EXPECT_FAILS(open("", O_RDONLY), ENOENT);
	EXPECT_FAILS(stat("", &st), ENOENT);
	EXPECT_FAILS(open(NULL, O_RDONLY), EFAULT);
	EXPECT_FAILS(stat(NULL, &st), EFAULT);

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	long_name[0] = '/';
	EXPECT_FAILS(open(long_name, O_RDONLY), ENAMETOOLONG);
	EXPECT_FAILS(stat(long_name, &st), ENAMETOOLONG);
	/* A long path of short names, even one that shrinks to a real one. */
	for (size_t i = 0; i + 3 < sizeof(long_path); i += 3)
		memcpy(long_path + i, "/./", 3);
	strcpy(long_path + sizeof(long_path) - 16, "/hello.txt");
	EXPECT_FAILS(stat(long_path, &st), ENAMETOOLONG);
	/* Just under the limit it works. */
	memset(long_path, '/', 4000);
	strcpy(long_path + 4000, "hello.txt");
	EXPECT_EQ(stat(long_path, &st), 0);
	EXPECT_EQ(st.st_size, 15);
	EXPECT_FAILS(open("/hello.txt", 3), EINVAL);	/* O_ACCMODE */
}

TEST(errors, directories)
{
	char buf[8];
	int fd = open("/dir", O_RDONLY);

	ASSERT_GE(fd, 0);
	EXPECT_FAILS(read(fd, buf, sizeof(buf)), EISDIR);
	close(fd);
	EXPECT_FAILS(open("/dir", O_RDWR), EISDIR);
	EXPECT_FAILS(open("/dir", O_WRONLY), EISDIR);
}

TEST(errors, read_only_initrd)
{
	struct stat st;
	int fd;

	EXPECT_FAILS(open("/hello.txt", O_WRONLY), EROFS);
	EXPECT_FAILS(open("/hello.txt", O_RDWR), EROFS);
	EXPECT_FAILS(open("/hello.txt", O_RDONLY | O_TRUNC), EROFS);
	EXPECT_FAILS(open("/new.txt", O_WRONLY | O_CREAT, 0644), EROFS);
	EXPECT_FAILS(open("/new.txt", O_RDONLY | O_CREAT, 0644), EROFS);
	EXPECT_FAILS(creat("/new.txt", 0644), EROFS);
	EXPECT_FAILS(open("/hello.txt", O_RDONLY | O_CREAT | O_EXCL, 0644),
		     EEXIST);
	EXPECT_FAILS(open("/nowhere/new.txt", O_WRONLY), ENOENT);
	/* Creating what exists, read-only, is only opening it. */
	fd = open("/hello.txt", O_RDONLY | O_CREAT, 0644);
	EXPECT_GE(fd, 0);
	close(fd);

	EXPECT_FAILS(mkdir("/newdir", 0755), EROFS);
	EXPECT_FAILS(mkdir("/dir", 0755), EEXIST);
	EXPECT_FAILS(rmdir("/dir/sub"), EROFS);
	EXPECT_FAILS(unlink("/hello.txt"), EROFS);
	EXPECT_FAILS(remove("/hello.txt"), EROFS);
	EXPECT_FAILS(rename("/hello.txt", "/hello2.txt"), EROFS);
	EXPECT_FAILS(truncate("/hello.txt", 0), EROFS);
	EXPECT_FAILS(rmdir("/"), EBUSY);

	fd = open("/hello.txt", O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_FAILS(write(fd, "x", 1), EBADF);
	EXPECT_FAILS(pwrite(fd, "x", 1, 0), EBADF);
	EXPECT_FAILS(ftruncate(fd, 0), EINVAL);
	EXPECT_EQ(fsync(fd), 0);
	close(fd);

	errno = 0;
	EXPECT_NULL(fopen("/hello.txt", "w"));
	EXPECT_EQ(errno, EROFS);
	EXPECT_NULL(fopen("/hello.txt", "r+"));
	EXPECT_EQ(errno, EROFS);
	EXPECT_NULL(fopen("/brand-new.txt", "a"));
	EXPECT_EQ(errno, EROFS);
	/* Nothing changed. */
	ASSERT_EQ(stat("/hello.txt", &st), 0);
	EXPECT_EQ(st.st_size, 15);
	EXPECT_FAILS(stat("/new.txt", &st), ENOENT);
}

TEST(errors, bad_buffers_are_efault)
{
	static const char rodata[8] = "const";
	int fd = open("/hello.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	/* Not a crash, not a device writing through the pointer. */
	EXPECT_FAILS(read(fd, NULL, 4), EFAULT);
	EXPECT_FAILS(read(fd, (void *)rodata, 4), EFAULT);
	EXPECT_FAILS(pread(fd, (void *)16, 4, 0), EFAULT);
	EXPECT_EQ(read(fd, NULL, 0), 0);
	close(fd);
}

TEST(errors, bad_descriptors)
{
	char buf[4];
	struct stat st;

	EXPECT_FAILS(read(-1, buf, 1), EBADF);
	EXPECT_FAILS(read(999, buf, 1), EBADF);
	EXPECT_FAILS(read(1 << 20, buf, 1), EBADF);
	EXPECT_FAILS(write(12345, buf, 1), EBADF);
	EXPECT_FAILS(close(999), EBADF);
	EXPECT_FAILS(close(-5), EBADF);
	EXPECT_FAILS(fstat(77, &st), EBADF);
	EXPECT_FAILS(lseek(77, 0, SEEK_SET), EBADF);
	EXPECT_FAILS(pread(77, buf, 1, 0), EBADF);
	EXPECT_FAILS(fsync(77), EBADF);
	EXPECT_FAILS(dup(77), EBADF);
	EXPECT_FAILS(dup2(77, 78), EBADF);
	EXPECT_FAILS(dup2(1, -1), EBADF);
	EXPECT_FAILS(fcntl(77, F_GETFL), EBADF);

	int fd = open("/hello.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(close(fd), 0);
	EXPECT_FAILS(close(fd), EBADF);		/* twice */
	EXPECT_FAILS(read(fd, buf, 1), EBADF);
}
