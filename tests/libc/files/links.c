// SPDX-License-Identifier: MIT
/* link(): hard links. Two names of one file share its inode, bytes and
 * link count; the file lives while it has a name or an open descriptor;
 * a directory cannot have a second name; rename() between two names of
 * one file does nothing; a link to a symbolic link is one itself. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static long nlink_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? -1 : (long)st.st_nlink;
}

int test_links(void)
{
	struct stat a, b;
	char buf[16] = { 0 };
	int fd = open("one", O_CREAT | O_RDWR, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, "shared", 6) == 6);
	CHECK_OK(link("one", "two"));
	CHECK_OK(stat("one", &a));
	CHECK_OK(stat("two", &b));
	CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	printf("links %ld %ld\n", (long)a.st_nlink, (long)b.st_nlink);
	/* Written through one name, read through the other. */
	int fd2 = open("two", O_RDWR);

	CHECK(fd2 >= 0);
	CHECK(pwrite(fd2, "SH", 2, 0) == 2);
	CHECK(pread(fd, buf, 6, 0) == 6);
	printf("through the other name: %s\n", buf);
	close(fd2);
	/* A third name in a subdirectory; the directory's count is its
	 * own. */
	CHECK_OK(mkdir("sub", 0755));
	CHECK_OK(link("two", "sub/three"));
	printf("links %ld, directory %ld\n", nlink_of("one"), nlink_of("sub"));
	/* Names go one by one; the bytes stay with the last. */
	CHECK_OK(unlink("one"));
	CHECK_ERR(stat("one", &a), ENOENT);
	printf("after unlink: %ld\n", nlink_of("two"));
	CHECK_OK(rename("two", "sub/three"));	/* the same file: nothing */
	printf("rename onto itself: %ld %ld\n", nlink_of("two"),
	       nlink_of("sub/three"));
	CHECK_OK(unlink("two"));
	memset(buf, 0, sizeof(buf));
	int fd3 = open("sub/three", O_RDONLY);

	CHECK(fd3 >= 0 && read(fd3, buf, sizeof(buf) - 1) == 6);
	printf("last name: %s, %ld\n", buf, nlink_of("sub/three"));
	CHECK_OK(unlink("sub/three"));
	CHECK_OK(fstat(fd, &a));
	memset(buf, 0, sizeof(buf));
	CHECK(pread(fd3, buf, 6, 0) == 6);
	printf("no name, still open: %s, %ld\n", buf, (long)a.st_nlink);
	close(fd3);
	close(fd);
	/* What cannot be linked. */
	CHECK_ERR(link("sub", "sub2"), EPERM);
	CHECK_ERR(link("absent", "x"), ENOENT);
	fd = open("file", O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK_ERR(link("file", "sub"), EEXIST);
	CHECK_ERR(link("file", "nodir/x"), ENOENT);
	/* A link to a symbolic link is a symbolic link. */
	CHECK_OK(symlink("file", "sym"));
	CHECK_OK(link("sym", "sym2"));
	CHECK_OK(lstat("sym2", &a));
	printf("link to a symlink: %s, %ld\n",
	       S_ISLNK(a.st_mode) ? "symlink" : "other", (long)a.st_nlink);
	CHECK_OK(unlink("sym"));
	CHECK_OK(unlink("sym2"));
	CHECK_OK(unlink("file"));
	CHECK_OK(rmdir("sub"));
	return 0;
}
