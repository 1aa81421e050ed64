// SPDX-License-Identifier: MIT
/*
 * virtio-fs from the application's side, on a host directory mounted as /
 * (toro run --fs). Each argument is a step:
 *   files    create, write, read, append, truncate, rename, unlink, mkdir,
 *            rmdir, readdir, and the errors (EEXIST, ENOENT, ENOTEMPTY,
 *            ENOTDIR, EISDIR); chmod, fchmod and utimensat (the host
 *            checks what it got: check.sh); flock between two open files;
 *            transfers larger than one FUSE request
 *   big      writes a 64 MiB file and its SHA-256 (guest.bin, checked by
 *            the host afterwards: check.sh), and hashes host.bin, which the
 *            host made (setup.sh), against host.bin.sha256
 *   threads  file I/O from a thread on every CPU at once (big.c)
 *   dead     prints KILL-VIRTIOFSD-NOW, then keeps using files until they
 *            fail: the runner kills virtiofsd on that line, and every call
 *            must then fail with EIO, none hang (big.c)
 *   links    symbolic and hard links, the host's and our own (links.c;
 *            setup.sh and check.sh links on the host)
 *   idle     prints IDLE and sleeps 5 s: for looking at the daemon from
 *            the host (how many nodes it still holds for us)
 * Prints "PASS <what>" or "FAIL <what>: why" and exits 0 only if all pass.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toro/thread.h>

#include "test_virtiofs.h"

int failures;

void fail(const char *what, const char *why, long v)
{
	printf("FAIL %s: %s (%ld, errno %d)\n", what, why, v, errno);
	failures++;
}

/* Whether (call) failed with (err), as it should. */
static int fails_with(const char *what, long rc, int err)
{
	if (rc != -1 || errno != err) {
		printf("FAIL %s: returned %ld errno %d, expected errno %d\n",
		       what, rc, rc == -1 ? errno : 0, err);
		failures++;
		return 0;
	}
	return 1;
}

int write_file(const char *path, const void *data, size_t len, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);

	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, len);

	if (close(fd) < 0 || n != (ssize_t)len)
		return -1;
	return 0;
}

/* Reads (path) whole into (buf) of (size); the length, or -1. */
long read_file(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size);

	close(fd);
	return n;
}

static int content_is(const char *path, const char *want)
{
	char buf[256];
	long n = read_file(path, buf, sizeof(buf));

	return n == (long)strlen(want) && memcmp(buf, want, n) == 0;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void basics(void)
{
	struct stat st;
	int fd;

	if (mkdir("/t", 0755) || stat("/t", &st) || !S_ISDIR(st.st_mode))
		return fail("mkdir", "/t", 0);
	fails_with("mkdir existing", mkdir("/t", 0755), EEXIST);
	if (write_file("/t/a", "hello, world\n", 13, O_EXCL))
		return fail("create", "/t/a", 0);
	fails_with("O_EXCL on existing",
		   open("/t/a", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	fails_with("open missing", open("/t/missing", O_RDONLY), ENOENT);
	fails_with("stat missing", stat("/t/missing", &st), ENOENT);
	fails_with("create in missing dir",
		   open("/t/nodir/x", O_WRONLY | O_CREAT, 0644), ENOENT);
	fails_with("file as a dir", open("/t/a/x", O_RDONLY), ENOTDIR);
	if (!content_is("/t/a", "hello, world\n"))
		fail("read back", "/t/a differs", 0);
	if (stat("/t/a", &st) || !S_ISREG(st.st_mode) || st.st_size != 13)
		fail("stat", "/t/a", (long)st.st_size);

	if (write_file("/t/a", "more\n", 5, O_APPEND) ||
	    !content_is("/t/a", "hello, world\nmore\n"))
		fail("append", "/t/a", size_of("/t/a"));

	fd = open("/t/a", O_RDWR);
	if (fd < 0 || pwrite(fd, "J", 1, 0) != 1 || fstat(fd, &st) ||
	    st.st_size != 18)
		fail("pwrite", "/t/a", fd);
	if (fd >= 0 && (ftruncate(fd, 5) || fstat(fd, &st) || st.st_size != 5))
		fail("ftruncate down", "/t/a", (long)st.st_size);
	if (fd >= 0 && (ftruncate(fd, 100) || fstat(fd, &st) ||
			st.st_size != 100))
		fail("ftruncate up", "/t/a", (long)st.st_size);
	if (fd >= 0) {
		char buf[128] = { 0 }, zero[95] = { 0 };

		if (pread(fd, buf, sizeof(buf), 0) != 100 ||
		    memcmp(buf, "Jello", 5) || memcmp(buf + 5, zero, 95))
			fail("pread after ftruncate", "/t/a", 0);
		if (fsync(fd))
			fail("fsync", "/t/a", 0);
		close(fd);
	}
	if (truncate("/t/a", 3) || !content_is("/t/a", "Jel"))
		fail("truncate", "/t/a", size_of("/t/a"));
	if (write_file("/t/a", "", 0, O_TRUNC) || size_of("/t/a") != 0)
		fail("O_TRUNC", "/t/a", size_of("/t/a"));

	if (write_file("/t/b", "bee", 3, 0) || rename("/t/b", "/t/c") ||
	    !content_is("/t/c", "bee"))
		fail("rename", "/t/b to /t/c", 0);
	fails_with("renamed away", stat("/t/b", &st), ENOENT);
	if (rename("/t/c", "/t/a") || !content_is("/t/a", "bee"))
		fail("rename over a file", "/t/c to /t/a", 0);
	fails_with("rename missing", rename("/t/nope", "/t/x"), ENOENT);
	if (unlink("/t/a"))
		fail("unlink", "/t/a", 0);
	fails_with("unlinked", stat("/t/a", &st), ENOENT);
	fails_with("unlink missing", unlink("/t/a"), ENOENT);

	if (mkdir("/t/d", 0755) || write_file("/t/d/f", "x", 1, 0))
		return fail("mkdir", "/t/d", 0);
	fails_with("rmdir non-empty", rmdir("/t/d"), ENOTEMPTY);
	fails_with("rmdir a file", rmdir("/t/d/f"), ENOTDIR);
	fails_with("unlink a dir", unlink("/t/d"), EISDIR);
	fails_with("open a dir for writing", open("/t/d", O_WRONLY), EISDIR);
	if (rename("/t/d", "/t/e") || !content_is("/t/e/f", "x"))
		fail("rename a dir", "/t/d to /t/e", 0);
	if (unlink("/t/e/f") || rmdir("/t/e"))
		fail("rmdir", "/t/e", 0);
	fails_with("rmdir missing", rmdir("/t/e"), ENOENT);

	FILE *f = fopen("/t/stdio", "w");

	if (!f || fprintf(f, "line %d\n", 42) != 8 || fclose(f))
		fail("fopen/fprintf", "/t/stdio", 0);
	char line[32];

	f = fopen("/t/stdio", "r");
	if (!f || !fgets(line, sizeof(line), f) || strcmp(line, "line 42\n"))
		fail("fgets", "/t/stdio", 0);
	if (f)
		fclose(f);
	if (!failures)
		printf("PASS files\n");
}

/* SETATTR through paths and open files; /t/attr stays for check.sh. */
static void attributes(void)
{
	const struct timespec times[2] = { { 1000000000, 250000000 },
					   { 1234567890, 500000000 } };
	struct stat st;
	int fd;

	if (write_file("/t/attr", "a", 1, 0) || chmod("/t/attr", 0600) ||
	    stat("/t/attr", &st) || (st.st_mode & 07777) != 0600)
		return fail("chmod", "/t/attr", (long)st.st_mode);
	fd = open("/t/attr", O_RDONLY);
	if (fd < 0 || fchmod(fd, 0640) || fstat(fd, &st) ||
	    (st.st_mode & 07777) != 0640)
		fail("fchmod", "/t/attr", (long)st.st_mode);
	if (utimensat(AT_FDCWD, "/t/attr", times, 0) || stat("/t/attr", &st) ||
	    st.st_mtim.tv_sec != 1234567890 ||
	    st.st_mtim.tv_nsec != 500000000 || st.st_atim.tv_sec != 1000000000)
		fail("utimensat", "/t/attr", (long)st.st_mtim.tv_sec);
	fails_with("chmod missing", chmod("/t/nothing", 0600), ENOENT);

	/* Two open files of one file: their flock() locks conflict. */
	int other = open("/t/attr", O_RDONLY);

	if (other < 0 || flock(fd, LOCK_EX | LOCK_NB))
		fail("flock", "LOCK_EX", other);
	fails_with("flock held elsewhere", flock(other, LOCK_SH | LOCK_NB),
		   EWOULDBLOCK);
	if (flock(fd, LOCK_SH) || flock(other, LOCK_SH | LOCK_NB))
		fail("flock", "two shared locks", 0);
	fails_with("flock upgrade against a sharer",
		   flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	close(fd);
	if (flock(other, LOCK_EX | LOCK_NB))
		fail("flock", "lock gone with its file", 0);
	close(other);
	if (!failures)
		printf("PASS attributes and flock\n");
}

/* Many entries with long names: READDIR needs several replies, and each
 * entry must come exactly once. */
static void listing(void)
{
	enum { N = 300 };
	static unsigned char seen[N];
	static const char prefix[] = "entry-with-a-rather-long-name-";
	char path[128], *end;
	int others = 0, dots = 0, bad = 0;

	if (mkdir("/t/many", 0755))
		return fail("mkdir", "/t/many", 0);
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/t/many/%s%03d", prefix, i);
		if (write_file(path, "", 0, O_EXCL))
			return fail("create", path, i);
	}
	if (mkdir("/t/many/sub", 0755))
		return fail("mkdir", "/t/many/sub", 0);

	DIR *d = opendir("/t/many");
	struct dirent *e;
	long i;

	if (!d)
		return fail("opendir", "/t/many", 0);
	errno = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			dots++;
		else if (!strcmp(e->d_name, "sub"))
			bad += e->d_type != DT_DIR;
		else if (!strncmp(e->d_name, prefix, sizeof(prefix) - 1) &&
			 (i = strtol(e->d_name + sizeof(prefix) - 1, &end,
				     10)) >= 0 && i < N && !*end)
			bad += seen[i]++ != 0 || e->d_type != DT_REG;
		else
			others++;
	}
	if (errno)
		fail("readdir", "error", errno);
	/* Again from the start: the same number of entries. */
	rewinddir(d);
	for (i = 0; readdir(d); i++)
		;
	if (i != N + 3)		/* with "." and ".." */
		fail("rewinddir", "entries the second time", i);
	closedir(d);
	/* The root lists too, and holds /t. */
	d = opendir("/");
	while (d && (e = readdir(d)) && strcmp(e->d_name, "t"))
		;
	if (!d || !e)
		fail("readdir /", "no t", 0);
	if (d)
		closedir(d);
	for (i = 0; i < N; i++)
		if (seen[i] != 1)
			return fail("readdir", "entry seen other than once", i);
	if (others || bad || dots != 2)
		return fail("readdir", "unexpected or mistyped entries",
			    others + bad);
	snprintf(path, sizeof(path), "/t/many/%s000", prefix);
	fails_with("opendir of a file", opendir(path) ? 0 : -1, ENOTDIR);
	printf("PASS readdir of %d entries\n", N + 1);
}

/* One read or write bigger than a FUSE request, at an odd offset. */
static void large_transfers(void)
{
	const size_t len = 3 * 1024 * 1024 + 12345;
	unsigned char *a = malloc(len), *b = malloc(len + 100);
	int fd = open("/t/large", O_RDWR | O_CREAT | O_EXCL, 0644);

	if (!a || !b || fd < 0)
		return fail("large", "setup", fd);
	for (size_t i = 0; i < len; i++)
		a[i] = (unsigned char)(i * 7 + i / 4096);
	if (pwrite(fd, a, len, 777) != (ssize_t)len)
		fail("large pwrite", "short", 0);
	memset(b, 0xee, len + 100);
	/* Asks for more than there is: the count stops at the end. */
	ssize_t n = pread(fd, b, len + 100, 777);

	if (n != (ssize_t)len || memcmp(a, b, len))
		fail("large pread", "short or different", (long)n);
	if (pread(fd, b, 10, 777 + len) != 0)
		fail("pread at the end", "not 0", 0);
	close(fd);
	if (unlink("/t/large"))
		fail("unlink", "/t/large", 0);
	free(a);
	free(b);
	if (!failures)
		printf("PASS large transfers\n");
}

int main(int argc, char **argv)
{
	if (!sha256_selftest())
		return 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "files")) {
			basics();
			attributes();
			listing();
			large_transfers();
		} else if (!strcmp(argv[i], "big")) {
			big_files();
		} else if (!strcmp(argv[i], "threads")) {
			threads();
		} else if (!strcmp(argv[i], "links")) {
			links();
		} else if (!strcmp(argv[i], "dead")) {
			dead_daemon();
		} else if (!strcmp(argv[i], "idle")) {
			printf("IDLE\n");
			fflush(stdout);
			thread_sleep_ns(5000000000ULL);
		} else {
			printf("unknown step %s\n", argv[i]);
			return 2;
		}
	}
	return failures ? 1 : 0;
}
