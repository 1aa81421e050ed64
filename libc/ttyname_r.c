// SPDX-License-Identifier: MIT
/*
 * ttyname_r() (replaces musl's, which reads the /proc/self/fd link): the
 * only terminal is the console, so a descriptor that is one (isatty())
 * is "/dev/console", which open() takes (fs/dev_fd.c, named here so that
 * it is linked).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <kernel/dev_files.h>

static int (*const wants_dev_names)(const char *, int, struct vfs_file **)
	__attribute__((used)) = dev_fd_open;

int ttyname_r(int fd, char *name, size_t size)
{
	static const char console[] = "/dev/console";

	if (!isatty(fd))
		return errno;
	if (size < sizeof(console))
		return ERANGE;
	memcpy(name, console, sizeof(console));
	return 0;
}
