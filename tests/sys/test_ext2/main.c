// SPDX-License-Identifier: MIT
/*
 * The ext2 filesystem from an application, on images the host made with
 * mke2fs -d (mkimage.sh) and checks afterwards with e2fsck and debugfs
 * (check.sh). Modes (the first argument):
 *   rw         / is the ext2 disk (toro.root=ext2:vda): reads what mke2fs
 *              wrote (files, an htree directory, fast and slow symlinks,
 *              hard links), then changes it in every way check.sh looks
 *              at; exits, which writes it all back
 *   verify     a second boot reads those changes back
 *   crash      writes, fsyncs one file, writes much more and panics
 *   dirty      the disk as the crash left it: mounted read-only
 *   recovered  after e2fsck -fy: read-write again, the fsynced file whole
 *   ext4       ext2_mount() on vda (ext4: read-only), vdb (a feature it
 *              cannot read), vdc (needs journal recovery), vdd (ext2 with
 *              a corrupt directory block)
 *   parts      partitions (mkimage.sh parts): vda2 (GPT) mounted at /data
 *              by toro.mount, written (check.sh parts); vdb1 (MBR) mounted
 *              here; vda1 found by its GUID and read where it lies; the
 *              errors for missing partitions and a corrupt table (vdc)
 *   abort      writes and closes /kept.txt, then abort(): check.sh abort
 *              finds its bytes on a clean image (Linux loses no
 *              completed write() when a process crashes)
 *   rev0       / is a revision 0 image: a file grows past 2 GiB, which
 *              needs the large_file feature and so revision 1 (check.sh
 *              clean: e2fsck must find the image consistent)
 *   image      booted from a `toro image --data-dir` disk
 *              (tests/image_checks.py): reads the data partition's files
 *              at /data and writes one, which the host then checks
 * Prints "PASS <what>" or "FAIL <what>: why"; exits 0 only if all pass.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toro/blk.h>
#include <toro/fs.h>
#include <toro/panic.h>

#define SLOW_TARGET "./././././././././././././././././././././././././" \
		    "dir/sub/../sub/deep.txt"
#define NEW_SLOW "lots/./././././././././././././././././././././././" \
		 "./././././././././././././././././././././f001"
#define SPARSE_AT (5ull << 30)
#define MTIME 1234567890
#define LINK_MTIME 1000000000	/* 0x3b9aca00, check.sh */
#define LINK_UID 1234

static int failures;

#define CHECK(what, cond)                                                     \
	do {                                                                  \
		if (cond)                                                     \
			printf("PASS %s\n", what);                            \
		else {                                                        \
			printf("FAIL %s: %s (errno %d)\n", what, #cond,       \
			       errno);                                        \
			failures++;                                           \
		}                                                             \
	} while (0)

/* The whole of (path) into (buf), NUL-terminated; bytes or -1. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return n < 0 ? -1 : got;
}

static bool has(const char *path, const char *want)
{
	static char buf[4096];

	return slurp(path, buf, sizeof(buf)) >= 0 && strcmp(buf, want) == 0;
}

static int put(const char *path, int flags, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);

	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));

	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* big.bin's byte (i), as mkimage.sh wrote it. */
static unsigned char big_byte(size_t i)
{
	return (i * 7 + i / 251) & 0xff;
}

static bool big_ok(size_t size)
{
	static unsigned char buf[8192];
	int fd = open("/big.bin", O_RDONLY);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != big_byte(off + i)) {
				close(fd);
				return false;
			}
		off += n;
	}
	close(fd);
	return n == 0 && off == size;
}

/* Entries besides "." and ".."; -1 with errno set on an error. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	errno = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	if (errno)
		n = -1;
	int saved = errno;

	closedir(d);
	errno = saved;
	return n;
}

static bool link_is(const char *path, const char *want)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf));

	return n == (ssize_t)strlen(want) && memcmp(buf, want, n) == 0;
}

/* What mkimage.sh put there. */
static void read_image(void)
{
	struct stat a, b;

	CHECK("read file", has("/hello.txt", "hello ext2\n"));
	CHECK("read through indirect blocks", big_ok(300000));
	CHECK("read in subdirectory", has("/dir/sub/deep.txt", "deep\n"));
	CHECK("fast symlink target", link_is("/link_fast", "hello.txt"));
	CHECK("follow fast symlink", has("/link_fast", "hello ext2\n"));
	CHECK("lstat symlink", lstat("/link_fast", &a) == 0 &&
				       S_ISLNK(a.st_mode) && a.st_size == 9);
	CHECK("slow symlink target", link_is("/link_slow", SLOW_TARGET));
	CHECK("follow slow symlink", has("/link_slow", "deep\n"));
	CHECK("symlink to directory", has("/link_dir/deep.txt", "deep\n"));
	CHECK("hard links", stat("/hard1", &a) == 0 &&
				    stat("/hard2", &b) == 0 &&
				    a.st_ino == b.st_ino && a.st_nlink == 2);
	CHECK("indexed directory", count_entries("/many") == 400);
	CHECK("lookup in indexed directory", has("/many/m399", "m399\n"));
	CHECK("mode kept", stat("/dir/sub/deep.txt", &a) == 0 &&
				   (a.st_mode & 07777) == 0600);
}

static void change_image(void)
{
	struct stat st;
	char name[64];
	int fd, ok = 1;

	CHECK("create", put("/new.txt", O_EXCL, "new file\n") == 0);
	CHECK("append", put("/hello.txt", O_APPEND, "more\n") == 0 &&
				has("/hello.txt", "hello ext2\nmore\n"));
	CHECK("rename over a file", rename("/a.txt", "/b.txt") == 0 &&
					    has("/b.txt", "a\n") &&
					    access("/a.txt", F_OK) < 0);
	CHECK("mkdir", mkdir("/newdir", 0755) == 0);
	CHECK("rename directory across", rename("/dir/sub", "/newdir/sub2") == 0 &&
						 has("/newdir/sub2/deep.txt",
						     "deep\n"));
	CHECK("dotdot of moved directory", has("/newdir/sub2/../sub2/deep.txt",
					       "deep\n") &&
		stat("/newdir", &st) == 0 && st.st_nlink == 3);
	CHECK("unlink", unlink("/gone.txt") == 0 &&
				access("/gone.txt", F_OK) < 0 && errno == ENOENT);
	CHECK("mkdir and rmdir", mkdir("/tmpdir", 0700) == 0 &&
					 rmdir("/tmpdir") == 0 &&
					 mkdir("/emptydir", 0711) == 0);
	CHECK("\".\" and \"..\" last are not removed",
	      rmdir("/emptydir/.") < 0 && errno == EINVAL &&
		      rename("/emptydir/.", "/p9") < 0 && errno == EBUSY &&
		      unlink("/newdir/..") < 0 && errno == EISDIR &&
		      mkdir("/emptydir/.", 0755) < 0 && errno == EEXIST &&
		      stat("/emptydir", &st) == 0);
	CHECK("rmdir non-empty", rmdir("/newdir") < 0 && errno == ENOTEMPTY);
	CHECK("truncate shorter", truncate("/big.bin", 100000) == 0 &&
					  big_ok(100000));
	CHECK("truncate longer", truncate("/grow.bin", 10000) == 0 &&
					 stat("/grow.bin", &st) == 0 &&
					 st.st_size == 10000);
	CHECK("mkdir lots", mkdir("/lots", 0755) == 0);
	for (int i = 0; i < 500 && ok; i++) {
		snprintf(name, sizeof(name), "/lots/f%03d", i);
		ok = put(name, O_EXCL, name + 6) == 0;
	}
	for (int i = 0; i < 500 && ok; i += 2) {
		snprintf(name, sizeof(name), "/lots/f%03d", i);
		ok = unlink(name) == 0;
	}
	CHECK("many files in one directory", ok && count_entries("/lots") == 250);
	CHECK("hard link", link("/new.txt", "/new_link.txt") == 0 &&
				   stat("/new_link.txt", &st) == 0 &&
				   st.st_nlink == 2);
	CHECK("fast symlink", symlink("new.txt", "/sym_fast") == 0 &&
				      has("/sym_fast", "new file\n"));
	CHECK("slow symlink", symlink(NEW_SLOW, "/sym_slow") == 0 &&
				      has("/sym_slow", "f001"));
	CHECK("symlink loop", symlink("loop2", "/loop1") == 0 &&
				      symlink("loop1", "/loop2") == 0 &&
				      open("/loop1", O_RDONLY) < 0 &&
				      errno == ELOOP);
	fd = open("/sparse.bin", O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK("sparse write far out",
	      fd >= 0 && pwrite(fd, "END", 3, SPARSE_AT) == 3 &&
		      fstat(fd, &st) == 0 &&
		      st.st_size == (off_t)SPARSE_AT + 3 &&
		      st.st_blocks < 64);
	char zero[16] = { 1 };

	CHECK("hole reads zeros", pread(fd, zero, sizeof(zero), 4ull << 30) ==
					  sizeof(zero) &&
					  !memcmp(zero, "\0\0\0\0\0\0\0\0", 8));
	close(fd);
	struct timespec ts[2] = { { MTIME, 0 }, { MTIME, 500000000 } };

	CHECK("chmod and utimensat", chmod("/new.txt", 0640) == 0 &&
					     utimensat(AT_FDCWD, "/new.txt",
						       ts, 0) == 0);
	/* The links themselves, not what they name (/link_slow's target
	 * has moved: following it would fail). */
	struct timespec lt[2] = { { LINK_MTIME, 0 }, { LINK_MTIME, 0 } };

	CHECK("lchown changes the link",
	      lchown("/link_fast", LINK_UID, LINK_UID) == 0 &&
		      lstat("/link_fast", &st) == 0 && st.st_uid == LINK_UID &&
		      stat("/hello.txt", &st) == 0 && st.st_uid != LINK_UID);
	CHECK("fchownat AT_SYMLINK_NOFOLLOW",
	      fchownat(AT_FDCWD, "/link_slow", LINK_UID, LINK_UID,
		       AT_SYMLINK_NOFOLLOW) == 0 &&
		      lstat("/link_slow", &st) == 0 && st.st_gid == LINK_UID);
	CHECK("utimensat AT_SYMLINK_NOFOLLOW",
	      utimensat(AT_FDCWD, "/link_fast", lt, AT_SYMLINK_NOFOLLOW) == 0 &&
		      lstat("/link_fast", &st) == 0 &&
		      st.st_mtim.tv_sec == LINK_MTIME &&
		      stat("/hello.txt", &st) == 0 &&
		      st.st_mtim.tv_sec != LINK_MTIME);
	fd = open("/new.txt", O_RDONLY);
	CHECK("fsync", fd >= 0 && fsync(fd) == 0);
	close(fd);
	/* Unlinked while open: freed at the close. */
	fd = open("/orphan.txt", O_RDWR | O_CREAT, 0644);
	CHECK("unlink open file", fd >= 0 && write(fd, "x", 1) == 1 &&
					  unlink("/orphan.txt") == 0 &&
					  pread(fd, name, 1, 0) == 1 &&
					  close(fd) == 0);
	/* Stored in a shared mapping that is never unmapped: the program's
	 * exit writes it back before the file system finishes. */
	char *map = MAP_FAILED;

	fd = open("/mapped.txt", O_RDWR | O_CREAT, 0644);
	CHECK("shared mapping",
	      fd >= 0 && ftruncate(fd, 12) == 0 &&
		      (map = mmap(NULL, 12, PROT_READ | PROT_WRITE, MAP_SHARED,
				  fd, 0)) != MAP_FAILED);
	close(fd);
	if (map != MAP_FAILED)
		memcpy(map, "mapped text\n", 12);
}

static void verify_changes(void)
{
	struct stat st;

	CHECK("appended", has("/hello.txt", "hello ext2\nmore\n"));
	CHECK("mapping written back at exit",
	      has("/mapped.txt", "mapped text\n"));
	CHECK("created", has("/new.txt", "new file\n"));
	CHECK("renamed", has("/b.txt", "a\n") && access("/a.txt", F_OK) < 0);
	CHECK("moved", has("/newdir/sub2/deep.txt", "deep\n"));
	CHECK("many files", count_entries("/lots") == 250 &&
				    has("/lots/f499", "f499"));
	CHECK("symlinks", has("/sym_fast", "new file\n") &&
				  has("/sym_slow", "f001"));
	CHECK("loop", open("/loop2", O_RDONLY) < 0 && errno == ELOOP);
	CHECK("sparse", stat("/sparse.bin", &st) == 0 &&
				st.st_size == (off_t)SPARSE_AT + 3);
	CHECK("times and mode", stat("/new.txt", &st) == 0 &&
					st.st_mtim.tv_sec == MTIME &&
					st.st_mtim.tv_nsec == 500000000 &&
					(st.st_mode & 0777) == 0640 &&
					st.st_nlink == 2);
	CHECK("truncated", big_ok(100000));
	CHECK("link's owner and times", lstat("/link_fast", &st) == 0 &&
						st.st_uid == LINK_UID &&
						st.st_mtim.tv_sec == LINK_MTIME);
}

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(i * 31 + seed + i / 4093);
}

static bool keep_ok(void)
{
	static char want[1 << 20], got[(1 << 20) + 1];

	fill(want, sizeof(want), 5);
	return slurp("/keep.bin", got, sizeof(got)) == sizeof(want) &&
	       memcmp(want, got, sizeof(want)) == 0;
}

static void crash(void)
{
	static char buf[1 << 20];
	char name[32];
	int fd;

	fill(buf, sizeof(buf), 5);
	fd = open("/keep.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf) ||
	    fsync(fd) != 0)
		printf("FAIL keep.bin (errno %d)\n", errno);
	close(fd);
	/* More than the cache holds, so that some of it reaches the disk
	 * before the end and some does not. */
	for (int i = 0; i < 24; i++) {
		snprintf(name, sizeof(name), "/junk%02d", i);
		fd = open(name, O_WRONLY | O_CREAT, 0644);
		for (int j = 0; j < 2 && fd >= 0; j++)
			write(fd, buf, sizeof(buf));
		close(fd);
		unlink(i % 3 ? "/hello.txt" : "/nothing");
		mkdir(name + 1, 0755);
	}
	panic("crash on purpose, with writes in flight");
}

static void dirty(void)
{
	CHECK("dirty image mounted read-only",
	      open("/x", O_WRONLY | O_CREAT, 0644) < 0 && errno == EROFS);
	CHECK("dirty image readable", keep_ok());
}

static void recovered(void)
{
	CHECK("fsynced file survived", keep_ok());
	CHECK("writable after e2fsck", put("/after.txt", 0, "after\n") == 0 &&
					       has("/after.txt", "after\n"));
}

/* The (n)th --disk: devices in the order of their transport addresses,
 * which is the launcher's order (the kernel's numbering need not be). */
static struct blk_dev *disk(unsigned n)
{
	struct blk_dev *order[8];
	unsigned count = 0;

	for (unsigned i = 0; i < blk_count() && count < 8; i++) {
		unsigned j = count++;

		while (j &&
		       strcmp(blk_name(order[j - 1]), blk_name(blk_get(i))) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = blk_get(i);
	}
	return n < count ? order[n] : NULL;
}

static void ext4(void)
{
	struct stat st;

	CHECK("ext4 mounts", ext2_mount(disk(0), "/e4", 0) == 0);
	CHECK("ext4 extents read", has("/e4/hello.txt", "hello ext2\n") &&
					   stat("/e4/big.bin", &st) == 0 &&
					   st.st_size == 300000);
	static char buf[300001];

	CHECK("ext4 big file", slurp("/e4/big.bin", buf, sizeof(buf)) == 300000 &&
				       (unsigned char)buf[299999] ==
					       big_byte(299999));
	CHECK("ext4 symlinks", has("/e4/link_slow", "deep\n") &&
				       has("/e4/link_fast", "hello ext2\n"));
	CHECK("ext4 directory", count_entries("/e4/many") == 400);
	CHECK("ext4 read-only", open("/e4/x", O_WRONLY | O_CREAT, 0644) < 0 &&
					errno == EROFS);
	CHECK("unknown feature refused",
	      ext2_mount(disk(1), "/bad", 0) == -EOPNOTSUPP);
	CHECK("needs recovery refused",
	      ext2_mount(disk(2), "/rec", 0) == -EOPNOTSUPP);
	CHECK("corrupt image mounts", ext2_mount(disk(3), "/c", 0) == 0);
	CHECK("corrupt directory is EUCLEAN",
	      open("/c/dir/sub/deep.txt", O_RDONLY) < 0 && errno == EUCLEAN);
	CHECK("corrupt listing is EUCLEAN",
	      count_entries("/c/dir") < 0 && errno == EUCLEAN);
	CHECK("rest still readable", has("/c/hello.txt", "hello ext2\n"));
}

#define PART1_GUID "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0"	/* mkimage.sh */

static void parts(void)
{
	struct blk_dev *p = NULL;
	static char sector[512];

	CHECK("GPT partition mounted by toro.mount",
	      has("/data/hello.txt", "hello ext2\n") &&
		      has("/data/dir/sub/deep.txt", "deep\n"));
	CHECK("write to a partition", put("/data/w.txt", O_TRUNC, "on vda2\n") == 0);
	CHECK("MBR partition", blk_partition(disk(1), 1, &p) == 0 &&
				       ext2_mount(p, "/mbr", 0) == 0 &&
				       has("/mbr/hello.txt", "hello ext2\n") &&
				       count_entries("/mbr/many") == 400);
	CHECK("partition by GUID",
	      blk_partition_by_guid(PART1_GUID, &p) == 0 &&
		      blk_size(p) == 1 << 20 &&
		      blk_read(p, 0, sector, sizeof(sector)) == 0 &&
		      memcmp(sector, "PART1", 5) == 0);
	CHECK("reads stay inside the partition",
	      blk_read(p, 1 << 20, sector, sizeof(sector)) == -EINVAL);
	CHECK("no partition 3", blk_partition(disk(0), 3, &p) == -ENOENT);
	CHECK("no MBR partition 2", blk_partition(disk(1), 2, &p) == -ENOENT);
	CHECK("no MBR partition 5", blk_partition(disk(1), 5, &p) == -ENOENT);
	CHECK("unknown GUID", blk_partition_by_guid(
		"00000000-1111-2222-3333-444444444444", &p) == -ENOENT);
	CHECK("malformed GUID", blk_partition_by_guid("6f1e2d3c", &p) ==
					-EINVAL);
	CHECK("corrupt GPT", blk_partition(disk(2), 1, &p) == -EUCLEAN);
}

static void crash_abort(void)
{
	int rc = put("/kept.txt", O_EXCL, "written before abort\n");

	printf("%s\n", rc == 0 ? "written" : "FAIL write /kept.txt");
	fflush(stdout);
	abort();
}

static void rev0(void)
{
	struct stat st;
	int fd = open("/large", O_RDWR | O_CREAT | O_EXCL, 0644);

	CHECK("file past 2 GiB on revision 0",
	      fd >= 0 && pwrite(fd, "L", 1, 3ull << 30) == 1 &&
		      fstat(fd, &st) == 0 &&
		      st.st_size == (off_t)(3ull << 30) + 1 && close(fd) == 0);
}

static void image(void)
{
	CHECK("data partition read", has("/data/hello.txt", "hello data\n") &&
					     has("/data/sub/deep.txt", "deep\n"));
	CHECK("data partition written",
	      put("/data/guest.txt", 0, "from the guest\n") == 0 &&
		      mkdir("/data/newdir", 0755) == 0);
}

/* Writes a file, closes it (no fsync) and waits for the host's stop: its
 * SIGTERM's default action ends the program through the exit hooks,
 * which write the file system back (check.sh stopped reads it). */
static void stopped(void)
{
	int rc = put("/kept.txt", O_EXCL, "written before the stop\n");

	signal(SIGPIPE, SIG_IGN);	/* links the signals, and the stop */
	printf("%s\n", rc == 0 ? "written" : "FAIL write /kept.txt");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "rw") == 0) {
		read_image();
		change_image();
	} else if (strcmp(mode, "verify") == 0) {
		verify_changes();
	} else if (strcmp(mode, "crash") == 0) {
		crash();
	} else if (strcmp(mode, "dirty") == 0) {
		dirty();
	} else if (strcmp(mode, "recovered") == 0) {
		recovered();
	} else if (strcmp(mode, "ext4") == 0) {
		ext4();
	} else if (strcmp(mode, "parts") == 0) {
		parts();
	} else if (strcmp(mode, "abort") == 0) {
		crash_abort();
	} else if (strcmp(mode, "stopped") == 0) {
		stopped();
	} else if (strcmp(mode, "rev0") == 0) {
		rev0();
	} else if (strcmp(mode, "image") == 0) {
		image();
	} else {
		printf("FAIL unknown mode %s\n", mode);
		return 2;
	}
	printf("%s: %d failed\n", mode, failures);
	return failures ? 1 : 0;
}
