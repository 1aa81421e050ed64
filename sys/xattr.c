// SPDX-License-Identifier: MIT
/*
 * Extended attributes: setxattr, getxattr, listxattr, removexattr and
 * their l* (the link itself) and f* (a descriptor) forms. No file system
 * here keeps them (tmpfs, ext2 without its xattr blocks, virtio-fs
 * without FUSE's xattr requests), so each call is checked as Linux checks
 * it (flags and sizes, a name of 1 to 255 bytes: ERANGE, then the file:
 * ENOENT, EBADF...) and answered as Linux answers on a file system
 * without them: EOPNOTSUPP, and an empty list. A program probing for
 * support (ENOTSUP is EOPNOTSUPP) then goes on without them, where ENOSYS
 * read as an error.
 */
#include <sys/stat.h>
#include <sys/xattr.h>

#include <kernel/fd.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

#define XATTR_NAME_MAX	255
#define XATTR_SIZE_MAX	65536

/* An attribute's name: 0, or ERANGE for an empty or too long one. */
static long check_name(const char *name)
{
	size_t n = 0;

	if (!user_readable(name, 1))
		return -EFAULT;
	while (n <= XATTR_NAME_MAX && user_readable(name + n, 1) && name[n])
		n++;
	if (n <= XATTR_NAME_MAX && !user_readable(name + n, 1))
		return -EFAULT;
	return n == 0 || n > XATTR_NAME_MAX ? -ERANGE : 0;
}

/* The file at (path) (followed unless (follow) is false) exists: 0. */
static long check_path(const char *path, bool follow)
{
	struct stat st;
	long rc = user_path(path);

	return rc ? rc : vfs_stat_follow(path, &st, follow);
}

static long check_fd(int fd)
{
	return ON_FD(fd, f, 0);
}

static long set(long file_rc, const char *name, size_t size, int flags)
{
	long rc = flags & ~(XATTR_CREATE | XATTR_REPLACE) ? -EINVAL :
		  size > XATTR_SIZE_MAX			  ? -E2BIG :
							    check_name(name);

	if (!rc)
		rc = file_rc;
	return rc ? rc : -EOPNOTSUPP;
}

/* get and remove: the name, then the file. */
static long named(long file_rc, const char *name)
{
	long rc = check_name(name);

	if (!rc)
		rc = file_rc;
	return rc ? rc : -EOPNOTSUPP;
}

SYSCALL_DEFINE5(setxattr, const char *, path, const char *, name,
		const void *, value, size_t, size, int, flags)
{
	return set(check_path(path, true), name, size, flags);
}

SYSCALL_DEFINE5(lsetxattr, const char *, path, const char *, name,
		const void *, value, size_t, size, int, flags)
{
	return set(check_path(path, false), name, size, flags);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, const char *, name, const void *,
		value, size_t, size, int, flags)
{
	return set(check_fd(fd), name, size, flags);
}

SYSCALL_DEFINE4(getxattr, const char *, path, const char *, name, void *,
		value, size_t, size)
{
	return named(check_path(path, true), name);
}

SYSCALL_DEFINE4(lgetxattr, const char *, path, const char *, name, void *,
		value, size_t, size)
{
	return named(check_path(path, false), name);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, const char *, name, void *, value,
		size_t, size)
{
	return named(check_fd(fd), name);
}

SYSCALL_DEFINE2(removexattr, const char *, path, const char *, name)
{
	return named(check_path(path, true), name);
}

SYSCALL_DEFINE2(lremovexattr, const char *, path, const char *, name)
{
	return named(check_path(path, false), name);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, const char *, name)
{
	return named(check_fd(fd), name);
}

/* The list is empty: 0 bytes, whatever the room. */
SYSCALL_DEFINE3(listxattr, const char *, path, char *, list, size_t, size)
{
	return check_path(path, true);
}

SYSCALL_DEFINE3(llistxattr, const char *, path, char *, list, size_t, size)
{
	return check_path(path, false);
}

SYSCALL_DEFINE3(flistxattr, int, fd, char *, list, size_t, size)
{
	return check_fd(fd);
}
