// SPDX-License-Identifier: MIT
/*
 * Descriptors themselves: close, dup, dup2, dup3, fcntl (flags,
 * FD_CLOEXEC, record locks), ioctl, fstat, fstatfs, fsync, fdatasync,
 * ftruncate, fallocate, fadvise64, readahead, sync_file_range,
 * getdents64, over the descriptor table (fs/fd.c) and open files.
 *
 * Record locks follow POSIX for one process: a process never conflicts
 * with its own locks, and here there is only one, so F_SETLK and F_SETLKW
 * always succeed (once their arguments check out) and F_GETLK always
 * finds the range free.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

#include <kernel/fd.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(fd);
}

#define CLOSE_RANGE_UNSHARE	(1U << 1)	/* Linux's flags */
#define CLOSE_RANGE_CLOEXEC	(1U << 2)

/* Closes, or with CLOSE_RANGE_CLOEXEC marks close-on-exec, every open
 * descriptor from (first) to (last); unsharing the table means nothing
 * with one process. */
SYSCALL_DEFINE3(close_range, unsigned, first, unsigned, last, unsigned,
		flags)
{
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) ||
	    first > last)
		return -EINVAL;
	if (first >= FD_MAX)
		return 0;
	for (int fd = fd_next_open((int)first);
	     fd >= 0 && (unsigned)fd <= last; fd = fd_next_open(fd + 1)) {
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec(fd, true);
		else
			fd_close(fd);
	}
	return 0;
}

SYSCALL_DEFINE1(dup, int, fd)
{
	return fd_dup(fd, 0, false);
}

SYSCALL_DEFINE3(dup3, int, fd, int, to, int, flags)
{
	if (flags & ~O_CLOEXEC || fd == to)
		return -EINVAL;
	return fd_dup2(fd, to, flags & O_CLOEXEC);
}

SYSCALL_DEFINE2(dup2, int, fd, int, to)
{
	if (fd == to) {
		int rc = fd_get_cloexec(fd);

		return rc < 0 ? rc : to;
	}
	return fd_dup2(fd, to, false);
}

/* The flags a running file may change, as on Linux. */
#define SETTABLE_FLAGS (O_APPEND | O_NONBLOCK)

static long set_flags(struct vfs_file *f, int arg)
{
	int flags = (f->flags & ~SETTABLE_FLAGS) | (arg & SETTABLE_FLAGS);

	if (f->ops->set_flags) {
		int rc = f->ops->set_flags(f, flags);

		if (rc < 0)
			return rc;
	}
	__atomic_store_n(&f->flags, flags, __ATOMIC_RELAXED);
	return 0;
}

static long record_lock(struct vfs_file *f, int cmd, struct flock *fl)
{
	if (!user_writable(fl, sizeof(*fl)))
		return -EFAULT;
	if (fl->l_whence != SEEK_SET && fl->l_whence != SEEK_CUR &&
	    fl->l_whence != SEEK_END)
		return -EINVAL;
	switch (fl->l_type) {
	case F_RDLCK:
		if (cmd != F_GETLK && (f->flags & VFS_ACCMODE) == O_WRONLY)
			return -EBADF;
		break;
	case F_WRLCK:
		if (cmd != F_GETLK && (f->flags & VFS_ACCMODE) == O_RDONLY)
			return -EBADF;
		break;
	case F_UNLCK:
		if (cmd == F_GETLK)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (cmd == F_GETLK)
		fl->l_type = F_UNLCK;	/* our own locks never conflict */
	return 0;
}

static long fcntl_file(struct vfs_file *f, int cmd, long arg)
{
	switch (cmd) {
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		return set_flags(f, (int)arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		return record_lock(f, cmd, (struct flock *)arg);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, long, arg)
{
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= FD_MAX)
			return -EINVAL;
		return fd_dup(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD: {
		int rc = fd_get_cloexec(fd);

		return rc < 0 ? rc : rc ? FD_CLOEXEC : 0;
	}
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	default:
		return ON_FD(fd, f, fcntl_file(f, cmd, arg));
	}
}

/* The Linux termios that TCGETS fills (not musl's larger struct). */
struct kernel_termios {
	unsigned c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line, c_cc[19];
};

/* The console's requests, on a terminal: it is a serial line in cooked
 * mode, of the usual size (musl makes stdout line-buffered for one, and
 * isatty() is true). Setting the mode is accepted and changes nothing. */
static long terminal_ioctl(unsigned long req, void *arg)
{
	if (req == TIOCGWINSZ) {
		if (!user_writable(arg, sizeof(struct winsize)))
			return -EFAULT;
		*(struct winsize *)arg = (struct winsize){ .ws_row = 24,
							   .ws_col = 80 };
	} else if (req == TCGETS) {
		if (!user_writable(arg, sizeof(struct kernel_termios)))
			return -EFAULT;
		*(struct kernel_termios *)arg = (struct kernel_termios){
			.c_iflag = ICRNL | IXON,
			.c_oflag = OPOST | ONLCR,
			.c_cflag = B115200 | CS8 | CREAD | CLOCAL,
			.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK,
		};
	}
	return 0;
}

static bool is_terminal_request(unsigned long req)
{
	return req == TIOCGWINSZ || req == TCGETS || req == TCSETS ||
	       req == TCSETSW || req == TCSETSF;
}

/* FIONREAD: the bytes a read would return now, for the files that have
 * a notion of it (an eventfd or a directory has none: ENOTTY, as on
 * Linux). The console's input is not buffered ahead of a read. */
static long bytes_readable(struct vfs_file *f, const struct stat *st,
			   int *arg)
{
	if (!user_writable(arg, sizeof(int)))
		return -EFAULT;
	if (f->ops->ioctl)
		return f->ops->ioctl(f, FIONREAD, arg);
	if (S_ISCHR(st->st_mode)) {
		*arg = 0;
		return 0;
	}
	if (!S_ISREG(st->st_mode))
		return -ENOTTY;
	int64_t left = (int64_t)st->st_size - (int64_t)f->offset;

	*arg = left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
	return 0;
}

/* The requests on an open file (FIOCLEX and FIONCLEX, on descriptors,
 * are the caller's). Tests, not a switch: a jump table over Linux's
 * sparse request numbers would be most of this code's size. */
static long ioctl_file(struct vfs_file *f, unsigned long req, void *arg)
{
	struct stat st;
	bool tty = vfs_fstat(f, &st) == 0 && S_ISCHR(st.st_mode);

	if (req == FIONBIO) {
		if (!user_readable(arg, sizeof(int)))
			return -EFAULT;
		return set_flags(f, *(int *)arg ? f->flags | O_NONBLOCK :
						  f->flags & ~O_NONBLOCK);
	}
	if (req == FIONREAD)
		return bytes_readable(f, &st, arg);
	if (is_terminal_request(req))
		return tty ? terminal_ioctl(req, arg) : -ENOTTY;
	/* The interface requests, where <net/if.h> linked them. */
	if (netif_ioctl && S_ISSOCK(st.st_mode)) {
		long rc = netif_ioctl(req, arg);

		if (rc != -ENOTTY)
			return rc;
	}
	return f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned long, req, void *, arg)
{
	if (req == FIOCLEX || req == FIONCLEX)
		return fd_set_cloexec(fd, req == FIOCLEX);
	return ON_FD(fd, f, ioctl_file(f, req, arg));
}

SYSCALL_DEFINE2(fstat, int, fd, struct stat *, st)
{
	if (!user_writable(st, sizeof(*st)))
		return -EFAULT;
	return ON_FD(fd, f, vfs_fstat(f, st));
}

SYSCALL_DEFINE2(fstatfs, int, fd, struct statfs *, st)
{
	if (!user_writable(st, sizeof(*st)))
		return -EFAULT;
	return ON_FD(fd, f, vfs_fstatfs(f, st));
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return ON_FD(fd, f, vfs_fsync(f));
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return ON_FD(fd, f, vfs_fsync(f));
}

SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, size)
{
	return ON_FD(fd, f, vfs_ftruncate(f, size));
}

/* Linux's struct linux_dirent64. */
struct dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* As many entries as fit in (n) bytes at (buf); an entry that does not
 * fit is read again next time (the directory's offset goes back). */
static long read_dirents(struct vfs_file *f, char *buf, size_t n)
{
	struct vfs_dirent ent;
	size_t used = 0;

	for (;;) {
		uint64_t pos = f->offset;
		int rc = vfs_readdir(f, &ent);

		if (rc <= 0)
			return used ? (long)used : rc;
		size_t len = strlen(ent.name);
		size_t reclen = (sizeof(struct dirent64) + len + 1 + 7) & ~7UL;

		if (used + reclen > n) {
			vfs_lseek(f, (int64_t)pos, SEEK_SET);
			return used ? (long)used : -EINVAL;
		}
		struct dirent64 *d = (struct dirent64 *)(buf + used);

		d->d_ino = ent.ino ? ent.ino : 1;
		d->d_off = (int64_t)f->offset;
		d->d_reclen = reclen;
		d->d_type = ent.type;
		memcpy(d->d_name, ent.name, len + 1);
		used += reclen;
	}
}

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, int64_t, off, int64_t, len)
{
	return ON_FD(fd, f, vfs_fallocate(f, mode, off, len));
}

/* Whether (f) is a pipe or a socket: ESPIPE for the calls that take
 * file ranges. */
static bool is_stream(struct vfs_file *f)
{
	struct stat st;

	return vfs_fstat(f, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Advice on how a range will be read: taken and ignored (every file
 * system here reads what is asked when it is asked), once checked as
 * Linux checks it. */
static long advise(struct vfs_file *f, int64_t len, int advice)
{
	if (is_stream(f))
		return -ESPIPE;
	return len < 0 || advice < POSIX_FADV_NORMAL ||
			       advice > POSIX_FADV_NOREUSE ? -EINVAL : 0;
}

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, off, int64_t, len, int, advice)
{
	return ON_FD(fd, f, advise(f, len, advice));
}

/* readahead(): nothing to start early, for a file open for reading. */
static long read_ahead(struct vfs_file *f)
{
	struct stat st;

	if ((f->flags & VFS_ACCMODE) == O_WRONLY)
		return -EBADF;
	return vfs_fstat(f, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -EINVAL;
}

SYSCALL_DEFINE3(readahead, int, fd, int64_t, off, size_t, count)
{
	return ON_FD(fd, f, read_ahead(f));
}

/* sync_file_range(): the whole file written back when any of it is
 * asked for (the file systems sync files, not ranges). */
static long sync_range(struct vfs_file *f, unsigned flags)
{
	if (is_stream(f))
		return -ESPIPE;
	return flags ? vfs_fsync(f) : 0;
}

SYSCALL_DEFINE4(sync_file_range, int, fd, int64_t, off, int64_t, n,
		unsigned, flags)
{
	/* SYNC_FILE_RANGE_WAIT_BEFORE, _WRITE, _WAIT_AFTER (<fcntl.h>
	 * names them with _GNU_SOURCE, which renames struct dirent64). */
	if (flags & ~7u ||
	    off < 0 || n < 0 || off > INT64_MAX - n)
		return -EINVAL;
	return ON_FD(fd, f, sync_range(f, flags));
}

SYSCALL_DEFINE3(getdents64, int, fd, void *, buf, size_t, n)
{
	if (!user_writable(buf, n))
		return -EFAULT;
	return ON_FD(fd, f, read_dirents(f, buf, n));
}
