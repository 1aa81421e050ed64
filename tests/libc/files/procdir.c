// SPDX-License-Identifier: MIT
/* /proc as a directory: /proc and /proc/self list their files, self is a
 * link to the process's directory, /proc/self/fd lists the open
 * descriptors (an open file's link names its path, a pipe's and a
 * socket's say what they are; /proc/self/fd/N opens the descriptor's
 * file); cwd; the files a monitor parses (/proc/self/stat, statm,
 * /proc/stat, /proc/mounts) in Linux's formats; a /proc file can seek.
 * Only what holds on both sides is printed (no pids, counts or paths of
 * the host's). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* Whether directory (path) lists (name), and its d_type then. */
static int listed(const char *path, const char *name, unsigned char *type)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, name) == 0) {
			found = 1;
			if (type)
				*type = e->d_type;
		}
	closedir(d);
	return found;
}

static int fd_listed(int fd)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", fd);
	return listed("/proc/self/fd", name, NULL);
}

/* readlink() of /proc/self/fd/(fd), NUL-terminated, in (buf). */
static const char *fd_link(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* The whitespace-separated words of the first line of (path) that
 * starts with (prefix); -1 if none. */
static int words(const char *path, const char *prefix)
{
	char line[1024];
	int n = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (n < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, prefix, strlen(prefix)) != 0)
			continue;
		n = 0;
		for (char *w = strtok(line, " \n"); w; w = strtok(NULL, " \n"))
			n++;
	}
	fclose(f);
	return n;
}

static int has_mount(const char *dir, const char *type)
{
	char src[256], at[256], ty[64];
	int found = 0;
	FILE *f = fopen("/proc/mounts", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%255s %255s %63s %*[^\n]", src, at, ty) == 3)
		found |= strcmp(at, dir) == 0 && (!type || strcmp(ty, type) == 0);
	fclose(f);
	return found;
}

int test_procdir(void)
{
	char buf[512], cwd[256], want[300];
	unsigned char type = 0;
	struct stat st;

	/* The directories. */
	CHECK_OK(stat("/proc", &st));
	printf("/proc a directory: %d\n", S_ISDIR(st.st_mode));
	printf("/proc lists self %d meminfo %d cpuinfo %d stat %d\n",
	       listed("/proc", "self", &type), listed("/proc", "meminfo", NULL),
	       listed("/proc", "cpuinfo", NULL), listed("/proc", "stat", NULL));
	printf("self's type a link: %d\n", type == DT_LNK);
	CHECK_OK(lstat("/proc/self", &st));
	printf("self a link %d\n", S_ISLNK(st.st_mode));
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	CHECK(n > 0);
	buf[n] = 0;
	printf("self names our pid: %d\n", atoi(buf) == getpid());
	printf("/proc/self lists status %d cmdline %d stat %d fd %d\n",
	       listed("/proc/self", "status", NULL),
	       listed("/proc/self", "cmdline", NULL),
	       listed("/proc/self", "stat", NULL),
	       listed("/proc/self", "fd", &type));
	printf("fd's type a directory: %d\n", type == DT_DIR);
	CHECK(getcwd(cwd, sizeof(cwd)));
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("cwd: %d\n", strcmp(buf, cwd) == 0);

	/* The descriptors. */
	int fd = open("named", O_CREAT | O_RDWR | O_TRUNC, 0644);

	CHECK(fd >= 0);
	snprintf(want, sizeof(want), "%s/named", strcmp(cwd, "/") ? cwd : "");
	printf("open file listed %d, its link its path %d\n", fd_listed(fd),
	       strcmp(fd_link(fd, buf, sizeof(buf)), want) == 0);
	/* Above the lowest free number, which opendir() itself takes. */
	CHECK(dup2(fd, 50) == 50);
	close(fd);
	printf("dup2'd to 50: listed %d\n", fd_listed(50));
	close(50);
	printf("closed: listed %d\n", fd_listed(50));
	CHECK_OK(unlink("named"));

	int p[2], s[2];

	CHECK_OK(pipe(p));
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	printf("pipe: %d socket: %d\n",
	       strncmp(fd_link(p[0], buf, sizeof(buf)), "pipe:[", 6) == 0,
	       strncmp(fd_link(s[0], buf, sizeof(buf)), "socket:[", 8) == 0);
	CHECK_OK(lstat("/proc/self/fd/0", &st));
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", p[0]);
	int again = open(buf, O_RDONLY);

	CHECK(again >= 0);
	CHECK(write(p[1], "via", 3) == 3);
	n = read(again, buf, sizeof(buf));
	printf("opened through fd/: read %zd %.3s\n", n, buf);
	close(again);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);

	/* What monitors parse. */
	FILE *f = fopen("/proc/self/stat", "r");
	int pid = 0;
	char state = 0;
	unsigned long long utime = 0;

	CHECK(f != NULL);
	CHECK(fscanf(f, "%d (%255[^)]) %c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
		     "%*u %llu", &pid, buf, &state, &utime) == 4);
	fclose(f);
	printf("stat: pid %d state %c\n", pid == getpid(), state);
	printf("stat fields >= 44: %d\n", words("/proc/self/stat", "") >= 44);
	printf("statm fields: %d\n", words("/proc/self/statm", ""));
	printf("/proc/stat cpu fields >= 8: %d, btime %d\n",
	       words("/proc/stat", "cpu ") >= 8, words("/proc/stat", "btime"));
	printf("mounts: / %d, /proc as proc %d\n", has_mount("/", NULL),
	       has_mount("/proc", "proc"));

	/* A /proc file is a file: it seeks, and pread reads where asked. */
	int sfd = open("/proc/self/status", O_RDONLY);
	char a[8], b[8];

	CHECK(sfd >= 0);
	CHECK(read(sfd, a, sizeof(a)) == sizeof(a));
	printf("seek back: %lld\n", (long long)lseek(sfd, 0, SEEK_SET));
	CHECK(read(sfd, b, sizeof(b)) == sizeof(b));
	printf("same bytes: %d\n", memcmp(a, b, sizeof(a)) == 0);
	CHECK(pread(sfd, b, 4, 0) == 4);
	printf("pread: %.4s\n", b);
	close(sfd);
	CHECK_ERR(open("/proc/self/nothing", O_RDONLY), ENOENT);
	CHECK_ERR(open("/proc/meminfo/x", O_RDONLY), ENOTDIR);
	return 0;
}
