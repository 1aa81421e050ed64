// SPDX-License-Identifier: MIT
/* Reading files and directories of the initrd with the POSIX calls. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kernel/vfs_path.h>
#include <toro/test.h>

#include "files.h"

int big_matches(const char *p, long off, long n)
{
	for (long i = 0; i < n; i++) {
		long at = off + i, line = at / BIG_LINE_LEN;
		long col = at % BIG_LINE_LEN;
		char want;

		if (col < 5) {
			char num[24];

			snprintf(num, sizeof(num), "%05ld", line);
			want = num[col];
		} else if (col == 5) {
			want = ' ';
		} else if (col < BIG_LINE_LEN - 1) {
			want = 'a' + (col - 6);
		} else {
			want = '\n';
		}
		if (p[i] != want)
			return 0;
	}
	return 1;
}

TEST(read, whole_file)
{
	char buf[64];
	int fd = open("/hello.txt", O_RDONLY);

	ASSERT_GE(fd, 3);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 15);
	EXPECT_EQ(memcmp(buf, HELLO_TEXT, 15), 0);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 0);	/* end of file */
	EXPECT_EQ(close(fd), 0);
}

TEST(read, in_pieces)
{
	static char buf[BIG_SIZE + 100];
	long total = 0;
	int fd = open("/big.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	/* Odd-sized pieces cross every boundary there is. */
	for (;;) {
		ssize_t n = read(fd, buf + total, 997);

		ASSERT_GE(n, 0);
		if (n == 0)
			break;
		total += n;
	}
	EXPECT_EQ(total, BIG_SIZE);
	EXPECT_TRUE(big_matches(buf, 0, total));
	close(fd);
}

TEST(read, empty_file)
{
	char c;
	struct stat st;
	int fd = open("/empty.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(read(fd, &c, 1), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 0);
	close(fd);
}

TEST(read, nested_paths)
{
	char buf[16] = { 0 };
	int fd = open("/deep/er/path/file.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 5);
	EXPECT_STREQ(buf, "deep\n");
	close(fd);
}

TEST(stat, files_and_directories)
{
	struct stat st;

	ASSERT_EQ(stat("/hello.txt", &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_size, 15);
	EXPECT_NE(st.st_ino, 0);
	EXPECT_GE(st.st_nlink, 1);
	EXPECT_GT(st.st_blksize, 0);
	EXPECT_EQ(st.st_blocks, 1);

	ASSERT_EQ(stat("/big.txt", &st), 0);
	EXPECT_EQ(st.st_size, BIG_SIZE);
	EXPECT_EQ(st.st_blocks, (BIG_SIZE + 511) / 512);
	ASSERT_EQ(lstat("/dir/b.txt", &st), 0);
	EXPECT_EQ(st.st_size, 7);

	ASSERT_EQ(stat("/dir", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_FALSE(S_ISREG(st.st_mode));
	ASSERT_EQ(stat("/", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_EQ(stat("/deep/er", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST(stat, fstat_matches_stat)
{
	struct stat a, b;
	int fd = open("/dir/a.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(fstat(fd, &a), 0);
	ASSERT_EQ(stat("/dir/a.txt", &b), 0);
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(a.st_size, 6);
	EXPECT_EQ(a.st_mode, b.st_mode);
	EXPECT_EQ(a.st_mtime, b.st_mtime);
	EXPECT_GT(a.st_mtime, 1500000000);	/* the host's file times */
	close(fd);
}

TEST(stat, distinct_inodes)
{
	struct stat a, b, c;

	ASSERT_EQ(stat("/dir/a.txt", &a), 0);
	ASSERT_EQ(stat("/dir/b.txt", &b), 0);
	ASSERT_EQ(stat("/dir", &c), 0);
	EXPECT_NE(a.st_ino, b.st_ino);
	EXPECT_NE(a.st_ino, c.st_ino);
}

/* The names in (path), sorted into one string "a,b,c" with types. */
static void list(const char *path, char *out, size_t size)
{
	char names[16][VFS_NAME_MAX + 2];
	int n = 0;
	DIR *d = opendir(path);

	out[0] = '\0';
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) && n < 16; n++)
		snprintf(names[n], sizeof(names[n]), "%s%s", e->d_name,
			 e->d_type == DT_DIR ? "/" : e->d_type == DT_REG ? "" : "?");
	qsort(names, n, sizeof(names[0]),
	      (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s",
			 i ? "," : "", names[i]);
	closedir(d);
}

TEST(readdir, lists_entries)
{
	char got[512];

	list("/dir", got, sizeof(got));
	EXPECT_STREQ(got, "../,./,a.txt,b.txt,sub/");
	list("/dir/sub", got, sizeof(got));
	EXPECT_STREQ(got, "../,./,c.txt");
	list("/", got, sizeof(got));
	EXPECT_STREQ(got, "../,./,big.txt,deep/,dir/,empty.txt,hello.txt,"
			  "lines.txt");
	list("/deep", got, sizeof(got));
	EXPECT_STREQ(got, "../,./,er/");
	list("//dir/./sub/..//", got, sizeof(got));
	EXPECT_STREQ(got, "../,./,a.txt,b.txt,sub/");
}

TEST(readdir, rewind_and_end)
{
	DIR *d = opendir("/dir/sub");
	struct dirent *e;

	ASSERT_NOT_NULL(d);
	e = readdir(d);
	ASSERT_NOT_NULL(e);
	EXPECT_STREQ(e->d_name, ".");
	struct stat st;

	EXPECT_EQ(stat("/dir/sub", &st), 0);
	EXPECT_EQ(e->d_ino, st.st_ino);
	e = readdir(d);
	ASSERT_NOT_NULL(e);
	EXPECT_STREQ(e->d_name, "..");
	EXPECT_EQ(stat("/dir", &st), 0);
	EXPECT_EQ(e->d_ino, st.st_ino);
	e = readdir(d);
	ASSERT_NOT_NULL(e);
	EXPECT_STREQ(e->d_name, "c.txt");
	EXPECT_NE(e->d_ino, 0);
	errno = 0;
	EXPECT_NULL(readdir(d));
	EXPECT_EQ(errno, 0);		/* the end is not an error */
	EXPECT_NULL(readdir(d));
	rewinddir(d);
	e = readdir(d);
	ASSERT_NOT_NULL(e);
	EXPECT_STREQ(e->d_name, ".");
	EXPECT_EQ(closedir(d), 0);
}

TEST(readdir, fdopendir_and_errors)
{
	int fd = open("/dir", O_RDONLY | O_DIRECTORY);

	ASSERT_GE(fd, 0);
	DIR *d = fdopendir(fd);

	ASSERT_NOT_NULL(d);
	EXPECT_EQ(dirfd(d), fd);
	EXPECT_NOT_NULL(readdir(d));
	closedir(d);

	errno = 0;
	EXPECT_NULL(opendir("/hello.txt"));
	EXPECT_EQ(errno, ENOTDIR);
	EXPECT_NULL(opendir("/nowhere"));
	EXPECT_EQ(errno, ENOENT);
	fd = open("/hello.txt", O_RDONLY);
	errno = 0;
	EXPECT_NULL(fdopendir(fd));
	EXPECT_EQ(errno, ENOTDIR);
	close(fd);
}

TEST(seek, lseek_and_pread)
{
	char buf[40];
	int fd = open("/big.txt", O_RDONLY);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_END), BIG_SIZE);
	EXPECT_EQ(read(fd, buf, 10), 0);
	EXPECT_EQ(lseek(fd, 33 * 100, SEEK_SET), 3300);
	EXPECT_EQ(read(fd, buf, 6), 6);
	EXPECT_EQ(memcmp(buf, "00100 ", 6), 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 3306);
	EXPECT_EQ(lseek(fd, -6, SEEK_CUR), 3300);
	EXPECT_EQ(lseek(fd, -33, SEEK_END), BIG_SIZE - 33);
	EXPECT_EQ(read(fd, buf, 40), 33);
	EXPECT_EQ(memcmp(buf, "02999 ", 6), 0);

	/* pread leaves the offset alone. */
	EXPECT_EQ(lseek(fd, 5, SEEK_SET), 5);
	EXPECT_EQ(pread(fd, buf, 5, 33 * 7), 5);
	EXPECT_EQ(memcmp(buf, "00007", 5), 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 5);
	EXPECT_EQ(pread(fd, buf, 40, BIG_SIZE - 3), 3);
	EXPECT_EQ(pread(fd, buf, 40, BIG_SIZE + 1000), 0);

	/* Past the end is allowed, before the start is not. */
	EXPECT_EQ(lseek(fd, BIG_SIZE + 50, SEEK_SET), BIG_SIZE + 50);
	EXPECT_EQ(read(fd, buf, 1), 0);
	errno = 0;
	EXPECT_EQ(lseek(fd, -1, SEEK_SET), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(lseek(fd, -BIG_SIZE - 1, SEEK_END), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(lseek(fd, 0, 42), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(pread(fd, buf, 1, -1), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), BIG_SIZE + 50);
	close(fd);
}

TEST(seek, dup_shares_the_offset)
{
	char a[6] = { 0 }, b[6] = { 0 };
	int fd = open("/big.txt", O_RDONLY);
	int fd2 = dup(fd);

	ASSERT_GE(fd2, 0);
	EXPECT_NE(fd, fd2);
	EXPECT_EQ(read(fd, a, 5), 5);
	EXPECT_EQ(lseek(fd2, 0, SEEK_CUR), 5);
	EXPECT_EQ(lseek(fd2, 33, SEEK_SET), 33);
	EXPECT_EQ(read(fd, b, 5), 5);
	EXPECT_STREQ(b, "00001");
	close(fd);
	/* The file stays open through the other descriptor. */
	EXPECT_EQ(read(fd2, b, 5), 5);
	EXPECT_EQ(close(fd2), 0);
}

TEST(paths, normalised)
{
	struct stat st;
	static const char *const same[] = {
		"/dir/a.txt", "//dir///a.txt", "/dir/./a.txt", "/./dir/a.txt",
		"/dir/sub/../a.txt", "/../../dir/a.txt", "/dir/sub/./../a.txt",
		"dir/a.txt", "./dir/a.txt", "../dir/a.txt",
	};

	for (unsigned i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		st.st_size = -1;
		EXPECT_EQ(stat(same[i], &st), 0);
		EXPECT_EQ(st.st_size, 6);
	}
	EXPECT_EQ(stat("/dir/", &st), 0);
	EXPECT_EQ(stat("/dir/.", &st), 0);
	EXPECT_EQ(stat("/dir/sub/..", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST(paths, current_directory)
{
	char buf[64], small[4];
	int fd;

	ASSERT_NOT_NULL(getcwd(buf, sizeof(buf)));
	EXPECT_STREQ(buf, "/");
	ASSERT_EQ(chdir("/dir/sub"), 0);
	EXPECT_STREQ(getcwd(buf, sizeof(buf)), "/dir/sub");
	fd = open("c.txt", O_RDONLY);
	EXPECT_GE(fd, 0);
	close(fd);
	fd = open("../a.txt", O_RDONLY);
	EXPECT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(chdir(".."), 0);
	EXPECT_STREQ(getcwd(buf, sizeof(buf)), "/dir");
	errno = 0;
	EXPECT_NULL(getcwd(small, sizeof(small)));
	EXPECT_EQ(errno, ERANGE);
	char *mine = getcwd(NULL, 0);

	EXPECT_STREQ(mine, "/dir");
	free(mine);
	EXPECT_EQ(chdir("/hello.txt"), -1);
	EXPECT_EQ(errno, ENOTDIR);
	EXPECT_EQ(chdir("/nowhere"), -1);
	EXPECT_EQ(errno, ENOENT);
	ASSERT_EQ(chdir("/"), 0);
	EXPECT_STREQ(getcwd(buf, sizeof(buf)), "/");
}

TEST(paths, access)
{
	EXPECT_EQ(access("/hello.txt", F_OK), 0);
	EXPECT_EQ(access("/hello.txt", R_OK), 0);
	EXPECT_EQ(access("/dir", X_OK), 0);
	EXPECT_EQ(access("/hello.txt", W_OK), -1);
	EXPECT_EQ(errno, EROFS);
	EXPECT_EQ(access("/nowhere", F_OK), -1);
	EXPECT_EQ(errno, ENOENT);
}
