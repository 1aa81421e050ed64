// SPDX-License-Identifier: MIT
/* The root mount: the initrd when the VM has one, with the automatic
 * tmpfs at /tmp; else that tmpfs at / (TEST_ROOT=tmpfs), holding /tmp;
 * else, with toro.root=none, nothing at all (TEST_NO_ROOT), when paths
 * fail but the console still works. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <toro/fs.h>
#include <toro/test.h>

#define TMPFS_MAGIC 0x01021994

/* /tmp as programs expect it: a directory anyone may write (sticky),
 * where tmpfile() and mkstemp() work. */
static void tmp_is_there(void)
{
	struct stat st;
	struct statfs fs;
	char name[] = "/tmp/rootXXXXXX";
	FILE *f;
	int fd;

	ASSERT_EQ(stat("/tmp", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 01777);
	ASSERT_EQ(statfs("/tmp", &fs), 0);
	EXPECT_EQ(fs.f_type, TMPFS_MAGIC);
	EXPECT_EQ(fs.f_flags & ST_RDONLY, 0);
	f = tmpfile();
	ASSERT_NOT_NULL(f);
	EXPECT_GE(fputs("scratch", f), 0);
	fclose(f);
	fd = mkstemp(name);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(write(fd, "x", 1), 1);
	close(fd);
	EXPECT_EQ(unlink(name), 0);
}

TEST(root, mounted_or_not)
{
	struct stat st;
	DIR *d;

	if (getenv("TEST_ROOT")) {	/* nothing from the VM: a tmpfs */
		ASSERT_EQ(stat("/", &st), 0);
		EXPECT_TRUE(S_ISDIR(st.st_mode));
		tmp_is_there();
		errno = 0;
		EXPECT_EQ(open("/hello.txt", O_RDONLY), -1);
		EXPECT_EQ(errno, ENOENT);
		EXPECT_EQ(mkdir("/d", 0755), 0);
		EXPECT_EQ(rmdir("/d"), 0);
		d = opendir("/");
		ASSERT_NOT_NULL(d);
		struct dirent *e;
		int tmp = 0;

		while ((e = readdir(d)))
			tmp += !strcmp(e->d_name, "tmp");
		closedir(d);
		EXPECT_EQ(tmp, 1);
		/* A program's own root takes the automatic one's place. */
		EXPECT_EQ(tmpfs_mount("/"), 0);
		EXPECT_EQ(stat("/tmp", &st), -1);
		EXPECT_EQ(tmpfs_mount("/"), -EBUSY);
		EXPECT_EQ(write(1, "root: a tmpfs, with /tmp\n", 25), 25);
		return;
	}
	if (!getenv("TEST_NO_ROOT")) {
		ASSERT_EQ(stat("/", &st), 0);
		EXPECT_TRUE(S_ISDIR(st.st_mode));
		EXPECT_EQ(access("/hello.txt", R_OK), 0);
		tmp_is_there();
		return;
	}
	errno = 0;
	EXPECT_EQ(stat("/", &st), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(open("/hello.txt", O_RDONLY), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_NULL(fopen("/x", "w"));
	EXPECT_EQ(errno, ENOENT);
	EXPECT_NULL(tmpfile());
	EXPECT_NULL(opendir("/"));
	EXPECT_EQ(mkdir("/d", 0755), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(chdir("/"), -1);
	EXPECT_EQ(write(1, "root: nothing mounted\n", 22), 22);
}
