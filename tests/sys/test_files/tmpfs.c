// SPDX-License-Identifier: MIT
/* The write side of the VFS, over a tmpfs at /tmp: creating, appending,
 * truncating, renaming, directories, stdio writes, and threads. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/fs.h>
#include <toro/test.h>
#include <toro/thread.h>

#include "files.h"

/* Mounts /tmp once; every case leaves it empty again. */
static void tmp(void)
{
	static int done;

	if (!done) {
		EXPECT_EQ(tmpfs_mount("/tmp"), 0);
		done = 1;
	}
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static const char *slurp(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	close(fd);
	if (n < 0)
		return "(unreadable)";
	buf[n] = '\0';
	return buf;
}

TEST(tmpfs, create_write_read)
{
	tmp();
	int fd = open("/tmp/a", O_WRONLY | O_CREAT, 0644);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(write(fd, "hello", 5), 5);
	EXPECT_EQ(write(fd, " world", 6), 6);
	EXPECT_EQ(close(fd), 0);
	EXPECT_EQ(file_size("/tmp/a"), 11);
	EXPECT_STREQ(slurp("/tmp/a"), "hello world");

	struct stat st;

	ASSERT_EQ(stat("/tmp/a", &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_mode & 0777, 0644);
	EXPECT_GT(st.st_mtime, 0);
	/* O_RDWR: read what was written through the same descriptor. */
	char buf[8] = { 0 };

	fd = open("/tmp/a", O_RDWR);
	EXPECT_EQ(lseek(fd, 6, SEEK_SET), 6);
	EXPECT_EQ(write(fd, "W", 1), 1);
	EXPECT_EQ(pread(fd, buf, 7, 4), 7);
	EXPECT_STREQ(buf, "o World");
	close(fd);
	EXPECT_EQ(creat("/tmp/b", 0600) >= 0, 1);
	close(3);
	EXPECT_EQ(unlink("/tmp/a"), 0);
	EXPECT_EQ(unlink("/tmp/b"), 0);
	EXPECT_FAILS(unlink("/tmp/a"), ENOENT);
}

TEST(tmpfs, excl_trunc_append)
{
	tmp();
	int fd = open("/tmp/f", O_WRONLY | O_CREAT | O_EXCL, 0644);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(write(fd, "0123456789", 10), 10);
	close(fd);
	EXPECT_FAILS(open("/tmp/f", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	EXPECT_FAILS(open("/tmp/nope", O_WRONLY), ENOENT);

	/* O_APPEND writes at the end wherever the offset was. */
	fd = open("/tmp/f", O_WRONLY | O_APPEND);
	int other = open("/tmp/f", O_WRONLY);

	EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(write(fd, "AB", 2), 2);
	EXPECT_EQ(write(other, "xy", 2), 2);	/* at 0: overwrites */
	EXPECT_EQ(write(fd, "CD", 2), 2);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 14);
	EXPECT_EQ(fcntl(fd, F_GETFL) & O_APPEND, O_APPEND);
	EXPECT_EQ(fcntl(fd, F_SETFL, 0), 0);	/* appending no more */
	EXPECT_EQ(lseek(fd, 1, SEEK_SET), 1);
	EXPECT_EQ(write(fd, "Y", 1), 1);
	close(other);
	close(fd);
	EXPECT_STREQ(slurp("/tmp/f"), "xY23456789ABCD");

	/* O_TRUNC empties it. */
	fd = open("/tmp/f", O_RDWR | O_TRUNC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(file_size("/tmp/f"), 0);
	close(fd);
	EXPECT_EQ(unlink("/tmp/f"), 0);
}

TEST(tmpfs, holes_and_truncate)
{
	char buf[16];

	tmp();
	int fd = open("/tmp/h", O_RDWR | O_CREAT, 0644);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(pwrite(fd, "end", 3, 1000), 3);
	EXPECT_EQ(lseek(fd, 0, SEEK_END), 1003);
	EXPECT_EQ(pread(fd, buf, 4, 500), 4);
	EXPECT_EQ(memcmp(buf, "\0\0\0\0", 4), 0);	/* a hole reads as 0 */
	/* Holes are not tracked: all data, then the hole at the end, and
	 * nothing past it (as Linux answers for such file systems). */
	EXPECT_EQ(lseek(fd, 500, SEEK_DATA), 500);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 500);
	EXPECT_EQ(lseek(fd, 7, SEEK_HOLE), 1003);
	EXPECT_FAILS(lseek(fd, 1003, SEEK_DATA), ENXIO);
	EXPECT_FAILS(lseek(fd, 2000, SEEK_HOLE), ENXIO);
	EXPECT_FAILS(lseek(fd, -1, SEEK_DATA), ENXIO);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 1003);	/* failures move nothing */
	EXPECT_EQ(ftruncate(fd, 10), 0);
	EXPECT_EQ(file_size("/tmp/h"), 10);
	EXPECT_EQ(ftruncate(fd, 20), 0);
	EXPECT_EQ(pread(fd, buf, 16, 4), 16);
	EXPECT_EQ(memcmp(buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
	EXPECT_FAILS(ftruncate(fd, -1), EINVAL);
	EXPECT_EQ(truncate("/tmp/h", 3), 0);
	EXPECT_EQ(file_size("/tmp/h"), 3);
	EXPECT_EQ(fsync(fd), 0);
	close(fd);
	EXPECT_EQ(unlink("/tmp/h"), 0);
}

TEST(tmpfs, directories)
{
	struct stat st;

	tmp();
	EXPECT_EQ(mkdir("/tmp/d", 0755), 0);
	EXPECT_FAILS(mkdir("/tmp/d", 0755), EEXIST);
	EXPECT_FAILS(mkdir("/tmp/x/y", 0755), ENOENT);
	EXPECT_EQ(mkdir("/tmp/d/e/", 0700), 0);
	ASSERT_EQ(stat("/tmp/d/e", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	close(open("/tmp/d/file", O_CREAT | O_WRONLY, 0644));
	EXPECT_FAILS(mkdir("/tmp/d/file/z", 0755), ENOTDIR);
	EXPECT_FAILS(open("/tmp/d/file/z", O_CREAT | O_WRONLY, 0644), ENOTDIR);
	EXPECT_FAILS(open("/tmp/d/new/", O_CREAT | O_WRONLY, 0644), EISDIR);
	EXPECT_FAILS(rmdir("/tmp/d"), ENOTEMPTY);
	EXPECT_FAILS(rmdir("/tmp/d/file"), ENOTDIR);
	EXPECT_FAILS(unlink("/tmp/d/e"), EISDIR);
	EXPECT_FAILS(unlink("/tmp/d/file/"), ENOTDIR);
	EXPECT_FAILS(rmdir("/tmp"), EBUSY);	/* the mount point */

	DIR *dir = opendir("/tmp/d");
	int n = 0, seen = 0;

	ASSERT_NOT_NULL(dir);
	for (struct dirent *e; (e = readdir(dir)); n++)
		seen |= (strcmp(e->d_name, "e") == 0 && e->d_type == DT_DIR) |
			(strcmp(e->d_name, "file") == 0 && e->d_type == DT_REG) << 1 |
			(strcmp(e->d_name, ".") == 0 && e->d_type == DT_DIR) << 2 |
			(strcmp(e->d_name, "..") == 0 && e->d_type == DT_DIR) << 3;
	EXPECT_EQ(n, 4);
	EXPECT_EQ(seen, 15);
	closedir(dir);

	/* chdir into the tmpfs, relative paths there. */
	ASSERT_EQ(chdir("/tmp/d"), 0);
	EXPECT_EQ(unlink("file"), 0);
	EXPECT_EQ(rmdir("e"), 0);
	EXPECT_EQ(chdir(".."), 0);
	EXPECT_EQ(rmdir("d"), 0);
	EXPECT_EQ(chdir("/"), 0);
	EXPECT_FAILS(stat("/tmp/d", &st), ENOENT);
}

TEST(tmpfs, rename)
{
	tmp();
	close(open("/tmp/r1", O_CREAT | O_WRONLY, 0644));
	int fd = open("/tmp/r2", O_CREAT | O_WRONLY, 0644);

	EXPECT_EQ(write(fd, "two", 3), 3);
	close(fd);
	EXPECT_EQ(rename("/tmp/r2", "/tmp/r3"), 0);
	EXPECT_STREQ(slurp("/tmp/r3"), "two");
	EXPECT_EQ(access("/tmp/r2", F_OK), -1);
	/* Over an existing file: it is replaced. */
	EXPECT_EQ(rename("/tmp/r3", "/tmp/r1"), 0);
	EXPECT_STREQ(slurp("/tmp/r1"), "two");
	EXPECT_EQ(rename("/tmp/r1", "/tmp/r1"), 0);
	EXPECT_FAILS(rename("/tmp/none", "/tmp/r9"), ENOENT);

	EXPECT_EQ(mkdir("/tmp/rd", 0755), 0);
	EXPECT_EQ(mkdir("/tmp/rd/sub", 0755), 0);
	EXPECT_FAILS(rename("/tmp/rd", "/tmp/rd/sub/x"), EINVAL);
	EXPECT_FAILS(rename("/tmp/r1", "/tmp/rd"), EISDIR);
	EXPECT_FAILS(rename("/tmp/rd", "/tmp/r1"), ENOTDIR);
	EXPECT_EQ(rename("/tmp/r1", "/tmp/rd/sub/moved"), 0);
	EXPECT_STREQ(slurp("/tmp/rd/sub/moved"), "two");
	EXPECT_EQ(rename("/tmp/rd", "/tmp/rd2"), 0);
	EXPECT_STREQ(slurp("/tmp/rd2/sub/moved"), "two");
	/* Across mounts, and the mount point itself. */
	if (access("/hello.txt", F_OK) == 0) {
		EXPECT_FAILS(rename("/tmp/rd2/sub/moved", "/moved"), EXDEV);
		EXPECT_FAILS(rename("/hello.txt", "/tmp/hello.txt"), EXDEV);
	}
	EXPECT_FAILS(rename("/tmp", "/tmp/x"), EBUSY);
	EXPECT_EQ(unlink("/tmp/rd2/sub/moved"), 0);
	EXPECT_EQ(rmdir("/tmp/rd2/sub"), 0);
	EXPECT_EQ(rmdir("/tmp/rd2"), 0);
}

TEST(tmpfs, symbolic_links)
{
	char buf[64];
	struct stat st;

	tmp();
	ASSERT_EQ(mkdir("/tmp/ld", 0755), 0);
	int fd = open("/tmp/ld/target", O_WRONLY | O_CREAT, 0644);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(write(fd, "through", 7), 7);
	close(fd);
	/* Relative to the link's directory, absolute, to a directory. */
	EXPECT_EQ(symlink("target", "/tmp/ld/rel"), 0);
	EXPECT_EQ(symlink("/tmp/ld/target", "/tmp/abs"), 0);
	EXPECT_EQ(symlink("ld", "/tmp/dirlink"), 0);
	EXPECT_STREQ(slurp("/tmp/ld/rel"), "through");
	EXPECT_STREQ(slurp("/tmp/abs"), "through");
	EXPECT_STREQ(slurp("/tmp/dirlink/target"), "through");
	EXPECT_EQ(readlink("/tmp/ld/rel", buf, sizeof(buf)), 6);
	EXPECT_EQ(memcmp(buf, "target", 6), 0);
	EXPECT_EQ(readlink("/tmp/abs", buf, 4), 4);	/* cut, no NUL */
	EXPECT_EQ(memcmp(buf, "/tmp", 4), 0);
	ASSERT_EQ(lstat("/tmp/abs", &st), 0);
	EXPECT_TRUE(S_ISLNK(st.st_mode));
	EXPECT_EQ(st.st_size, 14);
	ASSERT_EQ(stat("/tmp/abs", &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_size, 7);
	/* A file made through a link to a directory lands in it. */
	fd = open("/tmp/dirlink/made", O_WRONLY | O_CREAT, 0644);
	EXPECT_GE(fd, 0);
	close(fd);
	EXPECT_EQ(access("/tmp/ld/made", F_OK), 0);
	EXPECT_EQ(unlink("/tmp/ld/made"), 0);
	/* What links cannot do, as Linux says it. */
	EXPECT_ERR(readlink("/tmp/ld/target", buf, sizeof(buf)), EINVAL);
	EXPECT_ERR(open("/tmp/abs", O_RDONLY | O_NOFOLLOW), ELOOP);
	EXPECT_ERR(symlink("x", "/tmp/abs"), EEXIST);
	EXPECT_EQ(symlink("/tmp/nowhere", "/tmp/dangling"), 0);
	EXPECT_ERR(open("/tmp/dangling", O_RDONLY), ENOENT);
	EXPECT_EQ(symlink("/tmp/loop", "/tmp/loop"), 0);
	EXPECT_ERR(open("/tmp/loop", O_RDONLY), ELOOP);
	/* A directory lists a link as one. */
	DIR *d = opendir("/tmp/ld");
	struct dirent *e;
	int links = 0;

	ASSERT_NOT_NULL(d);
	while ((e = readdir(d)))
		links += e->d_type == DT_LNK && !strcmp(e->d_name, "rel");
	closedir(d);
	EXPECT_EQ(links, 1);
	/* Renaming or removing a link leaves its target alone. */
	EXPECT_EQ(rename("/tmp/ld/rel", "/tmp/ld/rel2"), 0);
	EXPECT_STREQ(slurp("/tmp/ld/rel2"), "through");
	EXPECT_EQ(unlink("/tmp/ld/rel2"), 0);
	EXPECT_STREQ(slurp("/tmp/ld/target"), "through");
	EXPECT_EQ(unlink("/tmp/abs"), 0);
	EXPECT_EQ(unlink("/tmp/dirlink"), 0);
	EXPECT_EQ(unlink("/tmp/dangling"), 0);
	EXPECT_EQ(unlink("/tmp/loop"), 0);
	EXPECT_EQ(unlink("/tmp/ld/target"), 0);
	EXPECT_EQ(rmdir("/tmp/ld"), 0);
}

TEST(tmpfs, unlinked_while_open)
{
	struct stat st;
	char buf[8] = { 0 };

	tmp();
	int fd = open("/tmp/u", O_RDWR | O_CREAT, 0644);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(write(fd, "alive", 5), 5);
	EXPECT_EQ(unlink("/tmp/u"), 0);
	EXPECT_FAILS(stat("/tmp/u", &st), ENOENT);
	EXPECT_EQ(pread(fd, buf, 5, 0), 5);
	EXPECT_STREQ(buf, "alive");
	ASSERT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_nlink, 0);
	/* A new file of that name is another file. */
	int fd2 = open("/tmp/u", O_RDWR | O_CREAT | O_EXCL, 0644);

	EXPECT_GE(fd2, 0);
	EXPECT_EQ(file_size("/tmp/u"), 0);
	close(fd);
	close(fd2);
	EXPECT_EQ(unlink("/tmp/u"), 0);
}

TEST(tmpfs, mounts)
{
	tmp();
	EXPECT_EQ(tmpfs_mount("/tmp"), -EBUSY);
	EXPECT_EQ(tmpfs_mount("tmp2"), -EINVAL);
	EXPECT_EQ(tmpfs_mount("/tmp2/"), -EINVAL);
	EXPECT_EQ(tmpfs_mount("/tmp/inner"), 0);	/* nested */
	int fd = open("/tmp/inner/x", O_CREAT | O_WRONLY, 0644);

	EXPECT_GE(fd, 0);
	EXPECT_EQ(vfs_umount("/tmp/inner"), -EBUSY);
	close(fd);
	EXPECT_FAILS(rename("/tmp/inner/x", "/tmp/x"), EXDEV);
	EXPECT_EQ(vfs_umount("/tmp/inner"), 0);
	EXPECT_EQ(access("/tmp/inner/x", F_OK), -1);
	EXPECT_EQ(vfs_umount("/tmp/inner"), -ENOENT);
}

TEST(tmpfs, stdio_write_and_read)
{
	char line[64];

	tmp();
	FILE *f = fopen("/tmp/s.txt", "w");

	ASSERT_NOT_NULL(f);
	for (int i = 0; i < 1000; i++)
		EXPECT_GT(fprintf(f, "row %04d %s\n", i, "payload"), 0);
	EXPECT_EQ(ftell(f), 1000 * 17);
	EXPECT_EQ(fclose(f), 0);
	EXPECT_EQ(file_size("/tmp/s.txt"), 1000 * 17);

	f = fopen("/tmp/s.txt", "a+");
	ASSERT_NOT_NULL(f);
	EXPECT_GE(fputs("tail\n", f), 0);	/* POSIX: non-negative */
	rewind(f);
	EXPECT_STREQ(fgets(line, sizeof(line), f), "row 0000 payload\n");
	EXPECT_EQ(fclose(f), 0);
	EXPECT_EQ(file_size("/tmp/s.txt"), 1000 * 17 + 5);

	/* r+: read, then write in place, then read on. */
	f = fopen("/tmp/s.txt", "r+");
	ASSERT_NOT_NULL(f);
	EXPECT_STREQ(fgets(line, sizeof(line), f), "row 0000 payload\n");
	EXPECT_EQ(fseek(f, 0, SEEK_CUR), 0);
	EXPECT_EQ(fwrite("ROW", 1, 3, f), 3);
	EXPECT_EQ(fseek(f, 0, SEEK_CUR), 0);
	EXPECT_STREQ(fgets(line, sizeof(line), f), " 0001 payload\n");
	EXPECT_EQ(fclose(f), 0);
	f = fopen("/tmp/s.txt", "r");
	fgets(line, sizeof(line), f);
	EXPECT_STREQ(fgets(line, sizeof(line), f), "ROW 0001 payload\n");
	fclose(f);

	/* w+ truncates; a big fwrite goes past the buffer. */
	static char big[3 * BUFSIZ + 123], back[sizeof(big)];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1);
	f = fopen("/tmp/s.txt", "w+");
	ASSERT_NOT_NULL(f);
	EXPECT_EQ(fwrite("x", 1, 1, f), 1);
	EXPECT_EQ(fwrite(big, 1, sizeof(big), f), sizeof(big));
	EXPECT_EQ(fflush(NULL), 0);
	EXPECT_EQ(file_size("/tmp/s.txt"), (long)sizeof(big) + 1);
	EXPECT_EQ(fseek(f, 1, SEEK_SET), 0);
	EXPECT_EQ(fread(back, 1, sizeof(back), f), sizeof(back));
	EXPECT_EQ(memcmp(big, back, sizeof(big)), 0);
	EXPECT_EQ(fclose(f), 0);

	f = fopen("/tmp/s.txt", "wx");
	EXPECT_NULL(f);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_EQ(remove("/tmp/s.txt"), 0);
	EXPECT_EQ(mkdir("/tmp/sd", 0755), 0);
	EXPECT_EQ(remove("/tmp/sd"), 0);
}

/* Threads on every CPU: each writes its own file through stdio, and all
 * append records to one shared file. */
#define RECORDS 200
#define RECORD_LEN 16

static void *writer(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	char path[32], rec[RECORD_LEN + 1], line[64];
	long bad = 0;
	int shared = open("/tmp/shared", O_WRONLY | O_APPEND);

	snprintf(path, sizeof(path), "/tmp/w%u", id);
	FILE *f = fopen(path, "w");

	if (!f || shared < 0)
		return (void *)1000;
	for (int i = 0; i < RECORDS; i++) {
		snprintf(rec, sizeof(rec), "t%03u r%05d ....", id, i);
		rec[RECORD_LEN - 1] = '\n';
		bad += write(shared, rec, RECORD_LEN) != RECORD_LEN;
		bad += fprintf(f, "%u %d\n", id, i) <= 0;
		if (i % 50 == 0)
			thread_yield();
	}
	bad += fclose(f) != 0;
	close(shared);
	f = fopen(path, "r");
	int lines = 0;

	for (; f && fgets(line, sizeof(line), f); lines++) {
		char *end;
		unsigned long a = strtoul(line, &end, 10);
		long b = strtol(end, &end, 10);

		bad += a != id || b != lines || *end != '\n';
	}
	bad += lines != RECORDS;
	if (f)
		fclose(f);
	bad += unlink(path) != 0;
	return (void *)bad;
}

TEST(tmpfs, threads_on_every_cpu)
{
	unsigned ncpu = cpu_count(), n = ncpu * 2 > 64 ? 64 : ncpu * 2;
	struct thread *t[64];
	static char seen[64][RECORDS];
	char rec[RECORD_LEN];

	tmp();
	close(open("/tmp/shared", O_CREAT | O_WRONLY | O_TRUNC, 0644));
	for (unsigned i = 0; i < n; i++) {
		t[i] = thread_create(i % ncpu, 0, writer, (void *)(uintptr_t)i);
		ASSERT_NOT_NULL(t[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		void *bad;

		EXPECT_EQ(thread_join(t[i], &bad), 0);
		EXPECT_EQ((long)bad, 0);
	}
	/* Appends never overwrite each other: every record is there, whole. */
	EXPECT_EQ(file_size("/tmp/shared"), (long)n * RECORDS * RECORD_LEN);
	memset(seen, 0, sizeof(seen));
	int fd = open("/tmp/shared", O_RDONLY), whole = 0;

	while (read(fd, rec, RECORD_LEN) == RECORD_LEN) {
		unsigned long id = strtoul(rec + 1, NULL, 10);
		long r = strtol(rec + 6, NULL, 10);

		if (rec[0] == 't' && rec[5] == 'r' && rec[RECORD_LEN - 1] == '\n'
		    && id < n && r >= 0 && r < RECORDS && !seen[id][r]) {
			seen[id][r] = 1;
			whole++;
		}
	}
	close(fd);
	EXPECT_EQ(whole, (int)n * RECORDS);
	EXPECT_EQ(unlink("/tmp/shared"), 0);
	DIR *d = opendir("/tmp");

	ASSERT_NOT_NULL(d);
	EXPECT_STREQ(readdir(d)->d_name, ".");
	EXPECT_STREQ(readdir(d)->d_name, "..");
	EXPECT_NULL(readdir(d));	/* every file is gone again */
	closedir(d);
}
