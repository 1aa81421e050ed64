// SPDX-License-Identifier: MIT
/*
 * Built-in character devices (include/kernel/dev_files.h), as Linux's
 * memory devices behave: /dev/null reads as empty and swallows writes,
 * /dev/zero reads as zeros, /dev/full reads as zeros and refuses writes
 * (ENOSPC), /dev/random and /dev/urandom read as the kernel's random
 * bytes (kernel/random.c, which never blocks once seeded at boot) and
 * take writes as Linux does, mixing nothing in. They shadow whatever the
 * root has at those names, as devtmpfs mounted on /dev would.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <kernel/dev_files.h>
#include <kernel/random.h>
#include <kernel/vfs.h>

/* Present only with the automatic /tmp (fs/dev_fd.c). */
#pragma weak dev_fd_open
#pragma weak dev_fd_stat

enum dev_read { READS_NOTHING, READS_ZEROS, READS_RANDOM };

struct dev {
	const char *name;		/* under /dev/ */
	unsigned minor;			/* Linux's, major 1 */
	enum dev_read reads;
	int write_error;		/* 0: writes are taken whole */
};

static const struct dev devs[] = {
	{ "null", 3, READS_NOTHING, 0 },
	{ "zero", 5, READS_ZEROS, 0 },
	{ "full", 7, READS_ZEROS, -ENOSPC },
	{ "random", 8, READS_RANDOM, 0 },
	{ "urandom", 9, READS_RANDOM, 0 },
};

static const struct dev *find(const char *path)
{
	if (strncmp(path, "/dev/", 5) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		if (strcmp(path + 5, devs[i].name) == 0)
			return &devs[i];
	return NULL;
}

static ssize_t dev_read(struct vfs_file *f, void *buf, size_t n,
			uint64_t off)
{
	const struct dev *d = f->priv;

	(void)off;
	if (d->reads == READS_NOTHING)
		return 0;
	if (d->reads == READS_ZEROS)
		memset(buf, 0, n);
	else
		random_bytes(buf, n);
	return (ssize_t)n;
}

static ssize_t dev_write(struct vfs_file *f, const void *buf, size_t n,
			 uint64_t off)
{
	const struct dev *d = f->priv;

	(void)buf;
	(void)off;
	return d->write_error ? d->write_error : (ssize_t)n;
}

static void fill_stat(const struct dev *d, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0666;
	st->st_nlink = 1;
	st->st_rdev = makedev(1, d->minor);
	st->st_blksize = 4096;
}

static int dev_fstat(struct vfs_file *f, struct stat *st)
{
	fill_stat(f->priv, st);
	return 0;
}

static const struct vfs_file_ops dev_ops = {
	.read = dev_read,
	.write = dev_write,
	.fstat = dev_fstat,
};

int dev_open(const char *path, int flags, struct vfs_file **out)
{
	const struct dev *d = find(path);

	*out = NULL;
	if (!d)
		return dev_fd_open ? dev_fd_open(path, flags, out) : -ENOENT;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	/* O_TRUNC and O_APPEND mean nothing to a device; the access mode
	 * is the VFS's to check on each read and write. */
	*out = vfs_file_new(&dev_ops, (void *)d,
			    flags & (VFS_ACCMODE | O_NONBLOCK));
	return *out ? 0 : -ENOMEM;
}

int dev_stat(const char *path, struct stat *st)
{
	const struct dev *d = find(path);

	if (!d)
		return dev_fd_stat ? dev_fd_stat(path, st) : -ENOENT;
	fill_stat(d, st);
	return 0;
}
