// SPDX-License-Identifier: MIT
/*
 * /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N
 * (include/kernel/dev_files.h): the file open as that descriptor, as
 * Linux's links into /proc/self/fd give it (a log written to
 * "/dev/stdout" reaches the console). The file itself, as dup() gives it: its offset and flags are
 * shared. /dev/console and /dev/tty: a new file on the console. Linked
 * with the automatic /tmp (fs/tmp_auto.c names it), into the programs
 * that may write files by name, which are those that open such paths to
 * write; the built-in devices look for it weakly.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/dev_files.h>
#include <kernel/fd.h>
#include <kernel/vfs.h>

/* /dev/console and /dev/tty, the console: descriptor_named()'s answer. */
#define CONSOLE_NAMED	(-2)

/* The descriptor (path) names, CONSOLE_NAMED, or -1. */
static int descriptor_named(const char *path)
{
	static const char std[][7] = { "stdin", "stdout", "stderr" };
	static const char *const dirs[] = {
		"/dev/fd/", "/proc/self/fd/", "/proc/1/fd/"
	};
	int fd = 0;

	for (unsigned i = 0; i < 3; i++) {
		size_t len = strlen(dirs[i]);
		const char *p = path + len;

		if (strncmp(path, dirs[i], len) != 0)
			continue;
		while (*p >= '0' && *p <= '9' && fd < 1 << 20)
			fd = fd * 10 + (*p++ - '0');
		return p > path + len && !*p ? fd : -1;
	}
	if (strncmp(path, "/dev/", 5) != 0)
		return -1;
	for (fd = 0; fd < 3; fd++)
		if (strcmp(path + 5, std[fd]) == 0)
			return fd;
	return strcmp(path + 5, "console") == 0 || strcmp(path + 5, "tty") == 0
		       ? CONSOLE_NAMED : -1;
}

/* The file (path) names, with a reference: NULL if none. */
static struct vfs_file *named_file(const char *path, int flags)
{
	int fd = descriptor_named(path);

	if (fd == CONSOLE_NAMED)
		return console_file_new(flags);
	return fd < 0 ? NULL : fd_get(fd);
}

int dev_fd_open(const char *path, int flags, struct vfs_file **out)
{
	int fd = descriptor_named(path);

	if (fd == -1)
		return -ENOENT;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	*out = named_file(path, flags);
	if (*out)
		return 0;
	/* A closed descriptor's link dangles on Linux. */
	return fd == CONSOLE_NAMED ? -ENOMEM : -ENOENT;
}

int dev_fd_stat(const char *path, struct stat *st)
{
	struct vfs_file *f = named_file(path, O_RDONLY);
	int rc;

	if (!f)
		return -ENOENT;
	rc = vfs_fstat(f, st);
	vfs_file_put(f);
	return rc;
}
