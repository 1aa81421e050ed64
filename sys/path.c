// SPDX-License-Identifier: MIT
/*
 * Calls on paths: open/openat, stat and friends, statfs, access, mkdir, rmdir,
 * unlink, rename, chdir/fchdir/getcwd, readlink, chmod, chown, utimensat,
 * truncate, umask, over the VFS (fs/vfs.c). The *at() forms resolve a
 * relative path against the directory a descriptor names (the VFS keeps
 * each open directory's path); AT_FDCWD is the current directory.
 *
 * Links are the filesystems' (fs/vfs_link.c): where one has none,
 * readlink() says EINVAL for a path that exists and symlink() and link()
 * say EPERM, as Linux does on a filesystem that cannot hold them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <kernel/vfs_path.h>
#include <toro/time.h>

#include "sys_impl.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)	/* Linux's, for renameat2() */
#endif

/* The file creation mask: kept and applied, there being one process. */
static mode_t file_umask = 022;

/*
 * (path) as the VFS should see it: as is when absolute or relative to the
 * current directory, else joined to the path of directory (dirfd) in a
 * buffer (*buf) the caller frees with heap_free(). 0 or -errno.
 */
static int resolve_at(int dirfd, const char *path, const char **out,
		      char **buf)
{
	int rc = user_path(path);

	*buf = NULL;
	*out = path;
	if (rc)
		return rc;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	struct vfs_file *dir = fd_get(dirfd);

	if (!dir)
		return -EBADF;
	rc = -ENOTDIR;
	if (dir->path && dir->ops->readdir) {
		size_t a = strlen(dir->path), b = strlen(path);

		rc = -ENAMETOOLONG;
		if (a + b + 2 <= VFS_PATH_MAX) {
			*buf = heap_alloc(a + b + 2);
			rc = -ENOMEM;
			if (*buf) {
				memcpy(*buf, dir->path, a);
				(*buf)[a] = '/';
				memcpy(*buf + a + 1, path, b + 1);
				*out = *buf;
				rc = 0;
			}
		}
	}
	vfs_file_put(dir);
	return rc;
}

/* Runs (expr) with (p) the resolved form of (path) relative to (dirfd). */
#define AT_PATH(dirfd, path, p, expr)                                          \
	({                                                                     \
		const char *p;                                                 \
		char *buf_;                                                    \
		long rc_ = resolve_at((dirfd), (path), &p, &buf_);             \
		if (rc_ == 0)                                                  \
			rc_ = (expr);                                          \
		heap_free(buf_);                                               \
		rc_;                                                           \
	})

/* Linux's O_TMPFILE without O_DIRECTORY's bit, which it includes. */
#define TMPFILE_ONLY	(O_TMPFILE & ~O_DIRECTORY)

/* An unnamed file in directory (path): Linux's checks, then what Linux
 * says where the file system cannot make one (no file system here can). */
static long open_tmpfile(const char *path, int flags)
{
	struct stat st;
	int rc;

	if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE ||
	    (flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	rc = vfs_stat(path, &st);
	return rc ? rc : S_ISDIR(st.st_mode) ? -EOPNOTSUPP : -ENOTDIR;
}

static long open_path(const char *path, int flags, mode_t mode)
{
	struct vfs_file *f;
	int rc;

	if (flags & TMPFILE_ONLY)
		return open_tmpfile(path, flags);
	rc = vfs_open(path, flags & ~O_CLOEXEC, mode & ~file_umask, &f);
	if (rc)
		return rc;
	rc = fd_install_flags(f, flags & O_CLOEXEC);
	if (rc < 0)
		vfs_file_put(f);
	return rc;
}

SYSCALL_DEFINE4(openat, int, dirfd, const char *, path, int, flags, mode_t,
		mode)
{
	return AT_PATH(dirfd, path, p, open_path(p, flags, mode));
}

SYSCALL_DEFINE3(open, const char *, path, int, flags, mode_t, mode)
{
	return AT_PATH(AT_FDCWD, path, p, open_path(p, flags, mode));
}

SYSCALL_DEFINE2(creat, const char *, path, mode_t, mode)
{
	return AT_PATH(AT_FDCWD, path, p,
		       open_path(p, O_WRONLY | O_CREAT | O_TRUNC, mode));
}

static long stat_path(const char *path, struct stat *st, bool follow)
{
	if (!user_writable(st, sizeof(*st)))
		return -EFAULT;
	return vfs_stat_follow(path, st, follow);
}

static long stat_at(int dirfd, const char *path, struct stat *st,
		    bool follow)
{
	return AT_PATH(dirfd, path, p, stat_path(p, st, follow));
}

SYSCALL_DEFINE2(stat, const char *, path, struct stat *, st)
{
	return stat_at(AT_FDCWD, path, st, true);
}

static long statfs_path(const char *path, struct statfs *st)
{
	if (!user_writable(st, sizeof(*st)))
		return -EFAULT;
	return vfs_statfs(path, st);
}

SYSCALL_DEFINE2(statfs, const char *, path, struct statfs *, st)
{
	return AT_PATH(AT_FDCWD, path, p, statfs_path(p, st));
}

SYSCALL_DEFINE2(lstat, const char *, path, struct stat *, st)
{
	return stat_at(AT_FDCWD, path, st, false);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, const char *, path, struct stat *,
		st, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && user_readable(path, 1) && !*path) {
		if (!user_writable(st, sizeof(*st)))
			return -EFAULT;
		if (dirfd == AT_FDCWD)
			return stat_path(".", st, true);
		return ON_FD(dirfd, f, vfs_fstat(f, st));
	}
	return stat_at(dirfd, path, st, !(flags & AT_SYMLINK_NOFOLLOW));
}

static long access_path(const char *path, int mode, int flags)
{
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return vfs_access(path, mode);
}

SYSCALL_DEFINE2(access, const char *, path, int, mode)
{
	return AT_PATH(AT_FDCWD, path, p, access_path(p, mode, 0));
}

SYSCALL_DEFINE3(faccessat, int, dirfd, const char *, path, int, mode)
{
	return AT_PATH(dirfd, path, p, access_path(p, mode, 0));
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, const char *, path, int, mode, int,
		flags)
{
	return AT_PATH(dirfd, path, p, access_path(p, mode, flags));
}

SYSCALL_DEFINE2(mkdir, const char *, path, mode_t, mode)
{
	return AT_PATH(AT_FDCWD, path, p, vfs_mkdir(p, mode & ~file_umask));
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, const char *, path, mode_t, mode)
{
	return AT_PATH(dirfd, path, p, vfs_mkdir(p, mode & ~file_umask));
}

SYSCALL_DEFINE1(rmdir, const char *, path)
{
	return AT_PATH(AT_FDCWD, path, p, vfs_rmdir(p));
}

SYSCALL_DEFINE1(unlink, const char *, path)
{
	return AT_PATH(AT_FDCWD, path, p, vfs_unlink(p));
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, const char *, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return AT_PATH(dirfd, path, p,
		       flags & AT_REMOVEDIR ? vfs_rmdir(p) : vfs_unlink(p));
}

static long rename_at(int olddir, const char *from, int newdir,
		      const char *to, unsigned flags)
{
	const char *a, *b;
	char *abuf, *bbuf;
	long rc;

	/* RENAME_NOREPLACE is cheap to honour; exchanging two names is not
	 * something the filesystems here can do atomically. */
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	rc = resolve_at(olddir, from, &a, &abuf);
	if (rc)
		return rc;
	rc = resolve_at(newdir, to, &b, &bbuf);
	if (rc == 0) {
		struct stat st;

		if ((flags & RENAME_NOREPLACE) && vfs_stat(b, &st) == 0)
			rc = -EEXIST;
		else
			rc = vfs_rename(a, b);
	}
	heap_free(abuf);
	heap_free(bbuf);
	return rc;
}

SYSCALL_DEFINE2(rename, const char *, from, const char *, to)
{
	return rename_at(AT_FDCWD, from, AT_FDCWD, to, 0);
}

SYSCALL_DEFINE4(renameat, int, olddir, const char *, from, int, newdir,
		const char *, to)
{
	return rename_at(olddir, from, newdir, to, 0);
}

SYSCALL_DEFINE5(renameat2, int, olddir, const char *, from, int, newdir,
		const char *, to, unsigned, flags)
{
	return rename_at(olddir, from, newdir, to, flags);
}

SYSCALL_DEFINE1(chdir, const char *, path)
{
	return AT_PATH(AT_FDCWD, path, p, vfs_chdir(p));
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	return ON_FD(fd, f, f->path && f->ops->readdir ? vfs_chdir(f->path)
						  : -ENOTDIR);
}

/* Linux's getcwd returns the length with the NUL. */
SYSCALL_DEFINE2(getcwd, char *, buf, size_t, size)
{
	if (!user_writable(buf, size))
		return -EFAULT;
	int rc = vfs_getcwd(buf, size);

	return rc ? rc : (long)strlen(buf) + 1;
}

static long readlink_path(const char *path, char *buf, size_t size)
{
	if ((long)size <= 0)
		return -EINVAL;
	if (!user_writable(buf, size))
		return -EFAULT;
	return vfs_readlink(path, buf, size);
}

SYSCALL_DEFINE3(readlink, const char *, path, char *, buf, size_t, size)
{
	return AT_PATH(AT_FDCWD, path, p, readlink_path(p, buf, size));
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, const char *, path, char *, buf,
		size_t, size)
{
	return AT_PATH(dirfd, path, p, readlink_path(p, buf, size));
}

static long symlink_at(const char *target, int dirfd, const char *path)
{
	int rc = user_path(target);

	return rc ? rc : AT_PATH(dirfd, path, p, vfs_symlink(target, p));
}

SYSCALL_DEFINE2(symlink, const char *, target, const char *, path)
{
	return symlink_at(target, AT_FDCWD, path);
}

SYSCALL_DEFINE3(symlinkat, const char *, target, int, dirfd, const char *,
		path)
{
	return symlink_at(target, dirfd, path);
}

/* link() names the link itself, as Linux's does; AT_SYMLINK_FOLLOW would
 * name its target, which no caller here needs: EINVAL. */
static long link_at(int olddir, const char *from, int newdir, const char *to,
		    int flags)
{
	const char *a, *b;
	char *abuf, *bbuf;
	long rc;

	if (flags)
		return -EINVAL;
	rc = resolve_at(olddir, from, &a, &abuf);
	if (rc)
		return rc;
	rc = resolve_at(newdir, to, &b, &bbuf);
	if (rc == 0)
		rc = vfs_link(a, b);
	heap_free(abuf);
	heap_free(bbuf);
	return rc;
}

SYSCALL_DEFINE2(link, const char *, from, const char *, to)
{
	return link_at(AT_FDCWD, from, AT_FDCWD, to, 0);
}

SYSCALL_DEFINE5(linkat, int, olddir, const char *, from, int, newdir,
		const char *, to, int, flags)
{
	return link_at(olddir, from, newdir, to, flags);
}

/* A regular file (empty), a socket's name or a FIFO; devices cannot be
 * made here (EPERM, as for an unprivileged process on Linux). */
static long mknod_path(const char *path, mode_t mode)
{
	struct vfs_file *f;
	int rc;

	mode = (mode & S_IFMT) | (mode & 07777 & ~file_umask);
	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
		rc = vfs_open(path, O_WRONLY | O_CREAT | O_EXCL, mode & 07777,
			      &f);
		if (rc == 0)
			vfs_file_put(f);
		return rc;
	case S_IFSOCK:
		return vfs_mknod(path, mode);
	case S_IFIFO:
		return vfs_mkfifo(path, mode);
	case S_IFDIR:
		return -EINVAL;
	default:
		return -EPERM;
	}
}

SYSCALL_DEFINE3(mknod, const char *, path, mode_t, mode, unsigned, dev)
{
	return AT_PATH(AT_FDCWD, path, p, mknod_path(p, mode));
}

SYSCALL_DEFINE4(mknodat, int, dirfd, const char *, path, mode_t, mode,
		unsigned, dev)
{
	return AT_PATH(dirfd, path, p, mknod_path(p, mode));
}

/* --- attributes ------------------------------------------------------- */

static long set_mode(const char *path, mode_t mode)
{
	struct vfs_attr a = { .valid = VFS_ATTR_MODE, .mode = mode & 07777 };

	return vfs_setattr(path, &a);
}

SYSCALL_DEFINE2(chmod, const char *, path, mode_t, mode)
{
	return AT_PATH(AT_FDCWD, path, p, set_mode(p, mode));
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, const char *, path, mode_t, mode)
{
	return AT_PATH(dirfd, path, p, set_mode(p, mode));
}

SYSCALL_DEFINE2(fchmod, int, fd, mode_t, mode)
{
	struct vfs_attr a = { .valid = VFS_ATTR_MODE, .mode = mode & 07777 };

	return ON_FD(fd, f, vfs_fsetattr(f, &a));
}

/* -1 (as an unsigned id) leaves that id alone. */
static struct vfs_attr owner_attr(uid_t uid, gid_t gid)
{
	struct vfs_attr a = { .uid = uid, .gid = gid };

	if (uid != (uid_t)-1)
		a.valid |= VFS_ATTR_UID;
	if (gid != (gid_t)-1)
		a.valid |= VFS_ATTR_GID;
	return a;
}

/* lchown() and AT_SYMLINK_NOFOLLOW change a symbolic link itself, not
 * (follow) on to what it names. */
static long set_owner(const char *path, uid_t uid, gid_t gid, bool follow)
{
	struct vfs_attr a = owner_attr(uid, gid);

	return vfs_setattr_follow(path, &a, follow);
}

SYSCALL_DEFINE3(chown, const char *, path, uid_t, uid, gid_t, gid)
{
	return AT_PATH(AT_FDCWD, path, p, set_owner(p, uid, gid, true));
}

SYSCALL_DEFINE3(lchown, const char *, path, uid_t, uid, gid_t, gid)
{
	return AT_PATH(AT_FDCWD, path, p, set_owner(p, uid, gid, false));
}

SYSCALL_DEFINE5(fchownat, int, dirfd, const char *, path, uid_t, uid, gid_t,
		gid, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && user_readable(path, 1) && !*path) {
		struct vfs_attr a = owner_attr(uid, gid);

		return ON_FD(dirfd, f, vfs_fsetattr(f, &a));
	}
	return AT_PATH(dirfd, path, p,
		       set_owner(p, uid, gid, !(flags & AT_SYMLINK_NOFOLLOW)));
}

SYSCALL_DEFINE3(fchown, int, fd, uid_t, uid, gid_t, gid)
{
	struct vfs_attr a = owner_attr(uid, gid);

	return ON_FD(fd, f, vfs_fsetattr(f, &a));
}

/* utimensat's two times: UTIME_NOW, UTIME_OMIT or a time; NULL: both
 * now. -EINVAL for a nanosecond count out of range. */
static int times_attr(const struct timespec *t, struct vfs_attr *a)
{
	*a = (struct vfs_attr){ 0 };
	if (!t) {
		a->valid = VFS_ATTR_ATIME_NOW | VFS_ATTR_MTIME_NOW;
		return 0;
	}
	if (!user_readable(t, 2 * sizeof(*t)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		unsigned set = i ? VFS_ATTR_MTIME : VFS_ATTR_ATIME;
		unsigned now = i ? VFS_ATTR_MTIME_NOW : VFS_ATTR_ATIME_NOW;

		if (t[i].tv_nsec == UTIME_OMIT)
			continue;
		if (t[i].tv_nsec == UTIME_NOW) {
			a->valid |= now;
			continue;
		}
		if (t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000L)
			return -EINVAL;
		a->valid |= set;
		if (i)
			a->mtime = t[i];
		else
			a->atime = t[i];
	}
	return 0;
}

SYSCALL_DEFINE4(utimensat, int, dirfd, const char *, path,
		const struct timespec *, times, int, flags)
{
	struct vfs_attr a;
	int rc;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	rc = times_attr(times, &a);
	if (rc)
		return rc;
	if (a.valid == 0)
		return 0;
	/* A NULL path means the descriptor itself (futimens()). */
	if (!path)
		return ON_FD(dirfd, f, vfs_fsetattr(f, &a));
	return AT_PATH(dirfd, path, p,
		       vfs_setattr_follow(p, &a,
					  !(flags & AT_SYMLINK_NOFOLLOW)));
}

static long truncate_path(const char *path, int64_t size)
{
	struct vfs_file *f;
	int rc = vfs_open(path, O_WRONLY, 0, &f);

	if (rc)
		return rc;
	rc = vfs_ftruncate(f, size);
	vfs_file_put(f);
	return rc;
}

SYSCALL_DEFINE2(truncate, const char *, path, int64_t, size)
{
	return AT_PATH(AT_FDCWD, path, p, truncate_path(p, size));
}

mode_t sys_file_umask(void)
{
	return __atomic_load_n(&file_umask, __ATOMIC_RELAXED);
}

SYSCALL_DEFINE1(umask, mode_t, mask)
{
	return __atomic_exchange_n(&file_umask, mask & 0777, __ATOMIC_RELAXED);
}
