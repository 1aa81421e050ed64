// SPDX-License-Identifier: MIT
/*
 * The descriptor table: an array of file pointers shared by every thread
 * and CPU, behind one spinlock held only to read or swap a slot (never
 * across a filesystem call), so a close() racing a read() on another CPU
 * is safe: the read holds its own reference to the file. The table starts
 * with room for 64 and doubles as needed, up to FD_MAX. Descriptors 0-2
 * start as the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/console.h>
#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/init.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>

/* Slots before the first growth. */
#define FD_INITIAL 16

/* Weak: console input is linked only into programs that read standard
 * input through the C library (libc/stdin.c); in others descriptor 0 is
 * at end-of-file. */
__attribute__((weak)) long console_input_read(void *buf, size_t n,
					       bool nonblock);

/* The console as a file: a stream (no offset). */
static ssize_t console_read(struct vfs_file *f, void *buf, size_t n,
			    uint64_t off)
{
	(void)off;
	return console_input_read ?
		       console_input_read(buf, n, f->flags & O_NONBLOCK) : 0;
}

static ssize_t console_file_write(struct vfs_file *f, const void *buf,
				  size_t n, uint64_t off)
{
	(void)f, (void)off;
	console_write(buf, n);
	return n;
}

static int console_fstat(struct vfs_file *f, struct stat *st)
{
	(void)f;
	st->st_mode = S_IFCHR | 0620;
	st->st_nlink = 1;
	st->st_blksize = 1024;
	return 0;
}

static int console_fsync(struct vfs_file *f)
{
	(void)f;
	console_flush();
	return 0;
}

static const struct vfs_file_ops console_ops = {
	.read = console_read,
	.write = console_file_write,
	.fstat = console_fstat,
	.fsync = console_fsync,
};

struct vfs_file *console_file_new(int flags)
{
	return vfs_file_new(&console_ops, NULL,
			    flags & (VFS_ACCMODE | O_NONBLOCK));
}

/* Standard input, output and error: static files (zeroed in the image,
 * filled in at start-up), whose one reference that is never dropped keeps
 * them from being freed when their descriptors are closed. */
static struct vfs_file console[3];

static struct spinlock lock;
static struct vfs_file *initial[FD_INITIAL];
static struct vfs_file **table = initial;
/* FD_CLOEXEC per descriptor: recorded for fcntl(F_GETFD), there being
 * no exec. */
static uint8_t initial_cloexec[FD_INITIAL];
static uint8_t *cloexec = initial_cloexec;
static int size = FD_INITIAL;
/* No slot below it is free: the search for the lowest free one starts
 * there. A server with hundreds of sockets open otherwise walks past them
 * all on every open() (10,000 connections: 10,000 slots a request). */
static int first_free;

/* Opens descriptors 0, 1 and 2 on the console before main() runs. */
static __cold int open_console(void)
{
	for (int fd = 0; fd < 3; fd++) {
		console[fd].ops = &console_ops;
		console[fd].flags = fd == 0 ? O_RDONLY : O_WRONLY;
		console[fd].refs = 1u << 30;
		initial[fd] = &console[fd];
	}
	return 0;
}
INIT_CALL(INIT_FS, open_console);

/*
 * Makes the table hold (want) slots or more, called and returning with
 * the lock held. The allocation happens unlocked: another CPU may have
 * grown the table meanwhile, which is fine. Seldom (the table doubles):
 * built for size.
 */
static __cold int grow(int want)
{
	while (size < want) {
		int cur = size, n = cur * 2 < want ? want : cur * 2;

		if (n > FD_MAX)
			n = FD_MAX;
		spin_unlock(&lock);
		struct vfs_file **t = heap_alloc(n * sizeof(*t)), **old = NULL;
		uint8_t *c = heap_alloc(n), *oldc = NULL;

		spin_lock(&lock);
		if (!t || !c) {
			heap_free(t);
			heap_free(c);
			return -ENOMEM;
		}
		if (size == cur) {
			memset(t, 0, n * sizeof(*t));
			memcpy(t, table, cur * sizeof(*t));
			memset(c, 0, n);
			memcpy(c, cloexec, cur);
			old = table == initial ? NULL : table;
			oldc = cloexec == initial_cloexec ? NULL : cloexec;
			table = t;
			cloexec = c;
			size = n;
			t = NULL;
			c = NULL;
		}
		/* Nobody reads the table without the lock: the old one is
		 * free to go. heap_free() takes no lock of ours. */
		heap_free(old);
		heap_free(oldc);
		heap_free(t);
		heap_free(c);
	}
	return 0;
}

/* The lowest free slot at or above (min), with the lock held. */
static int find_free(int min)
{
	int from = min > first_free ? min : first_free;

	for (;;) {
		for (int fd = from; fd < size; fd++)
			if (!table[fd])
				return fd;
		if (size >= FD_MAX)
			return -EMFILE;
		int rc = grow(size + 1);

		if (rc)
			return rc;
	}
}

static int install_at_least(struct vfs_file *f, int min, bool close_exec)
{
	spin_lock(&lock);
	int fd = find_free(min);

	if (fd >= 0) {
		table[fd] = f;
		cloexec[fd] = close_exec;
		/* Searched from first_free: all up to (fd) are taken. */
		if (min <= first_free)
			first_free = fd + 1;
	}
	spin_unlock(&lock);
	return fd;
}

int fd_install(struct vfs_file *f)
{
	return install_at_least(f, 0, false);
}

int fd_install_flags(struct vfs_file *f, bool close_exec)
{
	return install_at_least(f, 0, close_exec);
}

int fd_get_cloexec(int fd)
{
	int rc = -EBADF;

	spin_lock(&lock);
	if (fd >= 0 && fd < size && table[fd])
		rc = cloexec[fd];
	spin_unlock(&lock);
	return rc;
}

int fd_set_cloexec(int fd, bool on)
{
	int rc = -EBADF;

	spin_lock(&lock);
	if (fd >= 0 && fd < size && table[fd]) {
		cloexec[fd] = on;
		rc = 0;
	}
	spin_unlock(&lock);
	return rc;
}

struct vfs_file *fd_get(int fd)
{
	struct vfs_file *f = NULL;

	spin_lock(&lock);
	if (fd >= 0 && fd < size && table[fd]) {
		f = table[fd];
		vfs_file_get(f);
	}
	spin_unlock(&lock);
	return f;
}

int fd_next_open(int from)
{
	int fd = from < 0 ? 0 : from;

	spin_lock(&lock);
	while (fd < size && !table[fd])
		fd++;
	spin_unlock(&lock);
	return fd < size ? fd : -1;
}

int fd_close(int fd)
{
	struct vfs_file *f = NULL;

	spin_lock(&lock);
	if (fd >= 0 && fd < size) {
		f = table[fd];
		table[fd] = NULL;
		if (fd < first_free)
			first_free = fd;
	}
	spin_unlock(&lock);
	if (!f)
		return -EBADF;
	vfs_file_put(f);
	return 0;
}

int fd_dup(int fd, int min, bool close_exec)
{
	if (min < 0 || min >= FD_MAX)
		return -EINVAL;
	struct vfs_file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	int rc = install_at_least(f, min, close_exec);

	if (rc < 0)
		vfs_file_put(f);
	return rc;
}

int fd_dup2(int fd, int to, bool close_exec)
{
	if (to < 0 || to >= FD_MAX)
		return -EBADF;
	struct vfs_file *f = fd_get(fd), *old = NULL;

	if (!f)
		return -EBADF;
	spin_lock(&lock);
	int rc = grow(to + 1);

	if (rc == 0) {
		old = table[to];
		table[to] = f;
		cloexec[to] = close_exec;
		rc = to;
	}
	spin_unlock(&lock);
	if (old)
		vfs_file_put(old);
	if (rc < 0)
		vfs_file_put(f);
	return rc;
}
