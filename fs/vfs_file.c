// SPDX-License-Identifier: MIT
/*
 * Open files: reads, writes, seeks and the rest on an open file (opening
 * a path is vfs_open.c). The checks every filesystem would repeat live
 * here (access mode, directories, O_APPEND, offsets), so filesystems
 * see only well-formed requests. A file is shared by the descriptors that
 * dup() made and by calls in progress on any CPU: it is freed when the last
 * reference goes, and its offset is updated under its own mutex (a mutex,
 * not a spinlock: the filesystem may block in between).
 */
#define _GNU_SOURCE	/* FALLOC_FL_* */
#include <errno.h>

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <arch/mmu.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>

#include "vfs_impl.h"

/* Largest single transfer, as Linux: keeps offsets and counts in range. */
#define VFS_RW_MAX 0x7ffff000

static bool is_dir(const struct vfs_file *f)
{
	return f->ops->readdir != NULL;
}

static int accmode(const struct vfs_file *f)
{
	return f->flags & VFS_ACCMODE;
}

struct vfs_file *vfs_file_new(const struct vfs_file_ops *ops, void *priv,
			      int flags)
{
	struct vfs_file *f = heap_zalloc(sizeof(*f));

	if (f) {
		f->ops = ops;
		f->priv = priv;
		f->flags = flags;
		f->refs = 1;
	}
	return f;
}

void vfs_file_get(struct vfs_file *f)
{
	__atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
}

void vfs_file_put(struct vfs_file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->pollers)
		vfs_poll_release(f);
	if (f->flock_held)
		vfs_flock_release(f);
	if (f->ops->close)
		f->ops->close(f);
	if (f->mnt)
		vfs_mount_put(f->mnt);
	heap_free(f->path);
	heap_free(f);
}

/* Whether (f) has an offset: files on a filesystem do, streams do not. */
static bool seekable(const struct vfs_file *f)
{
	return f->mnt != NULL;
}

static ssize_t check_count(ssize_t rc, size_t n)
{
	/* A filesystem claiming more than it was asked is broken. */
	return rc > (ssize_t)n ? -EIO : rc;
}

/* A buffer the caller cannot use is EFAULT, as on Linux, not a fault in
 * the kernel or a device writing through a stray pointer. */
static bool bad_buffer(const void *buf, size_t n, bool written)
{
	return n && !vm_dma_ok((uintptr_t)buf, n, written);
}

/* Shared file mappings, when the program has any (vfs_map.c). */
unsigned vfs_shared_maps;

/* The filesystem's read or write of (n) bytes at (off) of a file on a
 * mount, which the file's shared mappings see and are seen by. */
static ssize_t file_io(struct vfs_file *f, void *buf, size_t n, int64_t off,
		       bool write)
{
	ssize_t rc = check_count(write ? f->ops->write(f, buf, n, off)
				       : f->ops->read(f, buf, n, off), n);

	if (rc > 0 && vfs_shared_maps)
		return vfs_map_file_io(f, buf, rc, off, write);
	return rc;
}

static int check_read(const struct vfs_file *f)
{
	if (accmode(f) == O_WRONLY)
		return -EBADF;
	if (is_dir(f))
		return -EISDIR;
	return f->ops->read ? 0 : -EINVAL;
}

static int check_write(const struct vfs_file *f)
{
	if (accmode(f) == O_RDONLY)
		return -EBADF;
	return f->ops->write ? 0 : -EINVAL;
}

ssize_t vfs_read(struct vfs_file *f, void *buf, size_t n)
{
	ssize_t rc = check_read(f);

	if (rc)
		return rc;
	if (n > VFS_RW_MAX)
		n = VFS_RW_MAX;
	if (bad_buffer(buf, n, true))
		return -EFAULT;
	if (!seekable(f))
		return check_count(f->ops->read(f, buf, n, 0), n);
	mutex_lock(&f->pos_lock);
	rc = file_io(f, buf, n, f->offset, false);
	if (rc > 0)
		f->offset += rc;
	mutex_unlock(&f->pos_lock);
	return rc;
}

ssize_t vfs_write(struct vfs_file *f, const void *buf, size_t n)
{
	ssize_t rc = check_write(f);
	struct stat st;

	if (rc)
		return rc;
	if (n > VFS_RW_MAX)
		n = VFS_RW_MAX;
	if (bad_buffer(buf, n, false))
		return -EFAULT;
	if (!seekable(f))
		return check_count(f->ops->write(f, buf, n, 0), n);
	/* Appends to one file through different descriptors must not land
	 * on the same spot: one at a time per mount, size then write. */
	bool append = f->flags & O_APPEND;

	mutex_lock(&f->pos_lock);
	if (append) {
		mutex_lock(&f->mnt->append_lock);
		rc = vfs_fstat(f, &st);
		if (rc)
			goto out;
		f->offset = st.st_size;
	}
	if (f->offset > (uint64_t)INT64_MAX - n) {
		rc = -EFBIG;
		goto out;
	}
	rc = file_io(f, (void *)buf, n, f->offset, true);
	if (rc > 0)
		f->offset += rc;
out:
	if (append)
		mutex_unlock(&f->mnt->append_lock);
	mutex_unlock(&f->pos_lock);
	return rc;
}

ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t n, int64_t off)
{
	ssize_t rc = check_read(f);

	if (rc)
		return rc;
	if (!seekable(f))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	if (n > VFS_RW_MAX)
		n = VFS_RW_MAX;
	if (bad_buffer(buf, n, true))
		return -EFAULT;
	return file_io(f, buf, n, off, false);
}

ssize_t vfs_pwrite(struct vfs_file *f, const void *buf, size_t n,
		   int64_t off)
{
	ssize_t rc = check_write(f);

	if (rc)
		return rc;
	if (!seekable(f))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	if (n > VFS_RW_MAX)
		n = VFS_RW_MAX;
	if (bad_buffer(buf, n, false))
		return -EFAULT;
	if ((uint64_t)off > (uint64_t)INT64_MAX - n)
		return -EFBIG;
	return file_io(f, (void *)buf, n, off, true);
}

/* The vector's total, or -EINVAL (as Linux: a bad count, or lengths
 * summing past SSIZE_MAX). */
static ssize_t iov_total(const struct iovec *iov, int n)
{
	size_t total = 0;

	if (n < 0 || n > IOV_MAX)
		return -EINVAL;
	if (n && bad_buffer(iov, n * sizeof(*iov), false))
		return -EFAULT;
	for (int i = 0; i < n; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

/* Each buffer in turn, stopping at the first short transfer or error (an
 * error after some bytes is the count so far, as Linux gives it). */
static ssize_t rw_each(struct vfs_file *f, const struct iovec *iov, int n,
		       int64_t off, bool write)
{
	ssize_t done = 0;

	for (int i = 0; i < n; i++) {
		size_t len = iov[i].iov_len;
		ssize_t rc;

		if (len == 0)
			continue;
		if (off < 0)
			rc = write ? vfs_write(f, iov[i].iov_base, len)
				   : vfs_read(f, iov[i].iov_base, len);
		else
			rc = write ? vfs_pwrite(f, iov[i].iov_base, len,
						off + done)
				   : vfs_pread(f, iov[i].iov_base, len,
					       off + done);
		if (rc < 0)
			return done ? done : rc;
		done += rc;
		if ((size_t)rc < len)
			break;
	}
	return done;
}

ssize_t vfs_readv(struct vfs_file *f, const struct iovec *iov, int n,
		  int64_t off)
{
	ssize_t total = iov_total(iov, n), rc = check_read(f);

	if (total < 0)
		return total;
	if (rc)
		return rc;
	if (off >= 0 && !seekable(f))
		return -ESPIPE;
	if (f->ops->readv && off < 0)
		return check_count(f->ops->readv(f, iov, n), total);
	return rw_each(f, iov, n, off, false);
}

ssize_t vfs_writev(struct vfs_file *f, const struct iovec *iov, int n,
		   int64_t off)
{
	ssize_t total = iov_total(iov, n), rc = check_write(f);

	if (total < 0)
		return total;
	if (rc)
		return rc;
	if (off >= 0 && !seekable(f))
		return -ESPIPE;
	if (f->ops->writev && off < 0)
		return check_count(f->ops->writev(f, iov, n), total);
	return rw_each(f, iov, n, off, true);
}

/* Built for size (__cold): a seek is a few comparisons either way, and
 * every server image carries it. */
__cold int64_t vfs_lseek(struct vfs_file *f, int64_t off, int whence)
{
	struct stat st;
	int64_t base, rc;

	if (!seekable(f))
		return -ESPIPE;
	mutex_lock(&f->pos_lock);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->offset;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		rc = is_dir(f) ? -EINVAL : vfs_fstat(f, &st);
		if (rc)
			goto out;
		base = st.st_size;
		if (whence == SEEK_END)
			break;
		/* No file system here says where its holes are: all of a
		 * file is data, then the hole at its end (Linux's answer
		 * for such file systems). */
		rc = -ENXIO;
		if (off >= 0 && off < base)
			rc = f->offset = whence == SEEK_DATA ? off : base;
		goto out;
	default:
		rc = -EINVAL;
		goto out;
	}
	/* A directory's offset is its filesystem's cookie: it can be read
	 * back and set, not computed with. */
	if (is_dir(f) && off != 0 && whence != SEEK_SET)
		rc = -EINVAL;
	else if (off > 0 ? base > INT64_MAX - off : base + off < 0)
		rc = off > 0 ? -EOVERFLOW : -EINVAL;
	else
		rc = f->offset = base + off;
out:
	mutex_unlock(&f->pos_lock);
	return rc;
}

int vfs_fstat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	int rc = f->ops->fstat ? f->ops->fstat(f, st) : -ENOSYS;

	if (f->mnt)
		st->st_dev = f->mnt->dev;
	return rc;
}

int vfs_anon_fstat(struct vfs_file *f, struct stat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->st_mode = 0600;	/* no type bits */
	st->st_nlink = 1;
	return 0;
}

int vfs_fsync(struct vfs_file *f)
{
	/* What the program wrote in the file's shared mappings first. */
	int rc = vfs_shared_maps && f->mnt ? vfs_map_write_back(f) : 0;

	/* Nothing to sync is success, as for a read-only file on Linux. */
	if (!rc && f->ops->fsync)
		rc = f->ops->fsync(f);
	return rc;
}

int vfs_ftruncate(struct vfs_file *f, int64_t size)
{
	if (size < 0 || is_dir(f) || accmode(f) == O_RDONLY)
		return -EINVAL;
	if (!f->ops->ftruncate)
		return f->mnt && f->mnt->read_only ? -EROFS : -EINVAL;
	int rc = f->ops->ftruncate(f, size);

	if (!rc && vfs_shared_maps)
		vfs_map_truncated(f, size);
	return rc;
}

int vfs_fallocate(struct vfs_file *f, int mode, int64_t off, int64_t len)
{
	static const char zero;
	struct stat st;
	int rc;

	if (accmode(f) == O_RDONLY)
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	if ((rc = vfs_fstat(f, &st)))
		return rc;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return -ESPIPE;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) || !seekable(f))
		return -ENODEV;
	if (off > INT64_MAX - len)
		return -EFBIG;
	/* Space past the end is taken now, so that writes there cannot
	 * fail for want of it: a byte in each of its pages (tmpfs) or
	 * blocks (ext2, 4 KiB at most), as glibc's fallback does it.
	 * Holes inside the file, and KEEP_SIZE's room past its end, are
	 * left as they are: a write there takes its space then. */
	int64_t end = off + len, at = st.st_size;

	if ((mode & FALLOC_FL_KEEP_SIZE) || end <= at)
		return 0;
	/* On an O_APPEND file a host file system (virtio-fs) would put
	 * the bytes at the end, not where asked: the size alone there. */
	if (f->flags & O_APPEND)
		return vfs_ftruncate(f, end);
	while (at < end) {
		int64_t next = (at | 4095) + 1;
		int64_t last = next < end ? next - 1 : end - 1;

		if ((rc = (int)vfs_pwrite(f, &zero, 1, last)) < 0) {
			vfs_ftruncate(f, st.st_size);
			return rc;
		}
		at = next;
	}
	return 0;
}

int vfs_readdir(struct vfs_file *f, struct vfs_dirent *ent)
{
	if (!is_dir(f))
		return -ENOTDIR;
	memset(ent, 0, sizeof(*ent));
	mutex_lock(&f->pos_lock);
	int rc = f->ops->readdir(f, ent);

	mutex_unlock(&f->pos_lock);
	ent->name[VFS_NAME_MAX] = '\0';
	if (rc > 0 && ent->name[0] == '\0')
		rc = -EIO;	/* a filesystem's empty name */
	return rc;
}
