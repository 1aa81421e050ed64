// SPDX-License-Identifier: MIT
/*
 * The POSIX file calls: thin wrappers turning the VFS's -errno results
 * (fs/vfs.c, fs/vfs_file.c) and the descriptor table (fs/fd.c) into errno
 * and -1. write() is in stdio.c, which must work without any of this.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kernel/fd.h>
#include <kernel/vfs.h>

#include "errno_impl.h"

/* Runs (expr) with (f) the file behind (fd), holding a reference. */
#define ON_FD(fd, f, expr)                                                     \
	({                                                                     \
		struct vfs_file *f = fd_get(fd);                               \
		long rc_ = -EBADF;                                             \
		if (f) {                                                       \
			rc_ = (expr);                                          \
			vfs_file_put(f);                                       \
		}                                                              \
		errno_result(rc_);                                             \
	})

int open(const char *path, int flags, ...)
{
	struct vfs_file *f;
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (!path)
		return errno_result(-EFAULT);
	int rc = vfs_open(path, flags, mode, &f);

	if (rc == 0) {
		rc = fd_install(f);
		if (rc < 0)
			vfs_file_put(f);
	}
	return errno_result(rc);
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int close(int fd)
{
	return errno_result(fd_close(fd));
}

ssize_t read(int fd, void *buf, size_t n)
{
	return ON_FD(fd, f, vfs_read(f, buf, n));
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	return ON_FD(fd, f, vfs_pread(f, buf, n, off));
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return ON_FD(fd, f, vfs_pwrite(f, buf, n, off));
}

off_t lseek(int fd, off_t off, int whence)
{
	return ON_FD(fd, f, vfs_lseek(f, off, whence));
}

int fstat(int fd, struct stat *st)
{
	return ON_FD(fd, f, vfs_fstat(f, st));
}

int fsync(int fd)
{
	return ON_FD(fd, f, vfs_fsync(f));
}

int fdatasync(int fd)
{
	return fsync(fd);
}

int ftruncate(int fd, off_t size)
{
	return ON_FD(fd, f, vfs_ftruncate(f, size));
}

int isatty(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;
		return 0;
	}
	return 1;
}

int dup(int fd)
{
	return errno_result(fd_dup(fd, 0));
}

int dup2(int fd, int to)
{
	return errno_result(fd_dup2(fd, to));
}

static long fcntl_file(struct vfs_file *f, int cmd, long arg)
{
	/* The flags a running file may change, as on Linux. */
	const int settable = O_APPEND | O_NONBLOCK;

	switch (cmd) {
	case F_GETFD:
	case F_SETFD:
		return 0;	/* nothing is ever exec'd */
	case F_GETFL:
		return f->flags;
	case F_SETFL: {
		int flags = (f->flags & ~settable) | ((int)arg & settable);

		if (f->ops->set_flags) {
			int rc = f->ops->set_flags(f, flags);

			if (rc < 0)
				return rc;
		}
		__atomic_store_n(&f->flags, flags, __ATOMIC_RELAXED);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;

	va_start(ap, cmd);
	long arg = va_arg(ap, long);

	va_end(ap);
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return errno_result(fd_dup(fd, arg));
	return ON_FD(fd, f, fcntl_file(f, cmd, arg));
}

/* Path calls: a NULL path is a fault, as the kernel would say. */
#define ON_PATH(path, expr) errno_result((path) ? (expr) : -EFAULT)

int stat(const char *restrict path, struct stat *restrict st)
{
	return ON_PATH(path, vfs_stat(path, st));
}

int lstat(const char *restrict path, struct stat *restrict st)
{
	return stat(path, st);	/* no filesystem here has links to follow */
}

int mkdir(const char *path, mode_t mode)
{
	return ON_PATH(path, vfs_mkdir(path, mode));
}

int rmdir(const char *path)
{
	return ON_PATH(path, vfs_rmdir(path));
}

int unlink(const char *path)
{
	return ON_PATH(path, vfs_unlink(path));
}

int remove(const char *path)
{
	if (!path)
		return errno_result(-EFAULT);
	int rc = vfs_unlink(path);

	if (rc == -EISDIR)
		rc = vfs_rmdir(path);
	return errno_result(rc);
}

int rename(const char *from, const char *to)
{
	return errno_result(from && to ? vfs_rename(from, to) : -EFAULT);
}

int truncate(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -1;
	int rc = ftruncate(fd, size);

	close(fd);
	return rc;
}

int access(const char *path, int amode)
{
	return ON_PATH(path, vfs_access(path, amode));
}

int chdir(const char *path)
{
	return ON_PATH(path, vfs_chdir(path));
}

char *getcwd(char *buf, size_t size)
{
	char *mine = NULL;
	int rc;

	/* getcwd(NULL, 0) allocates, as glibc does. */
	if (!buf) {
		size = size ? size : VFS_PATH_MAX;
		buf = mine = malloc(size);
		if (!buf) {
			errno = ENOMEM;
			return NULL;
		}
	}
	rc = size ? vfs_getcwd(buf, size) : -EINVAL;
	if (rc) {
		free(mine);
		errno = -rc;
		return NULL;
	}
	return buf;
}

mode_t umask(mode_t mask)
{
	(void)mask;
	return 022;
}
