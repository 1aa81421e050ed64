// SPDX-License-Identifier: MIT
/*
 * Opening a path (include/kernel/vfs.h): the lookup to its mount, the
 * checks every filesystem would repeat (read-only mounts, O_CREAT on a
 * directory, O_DIRECTORY on a file), then the filesystem's open. Apart
 * from the rest of the open-file calls (vfs_file.c), so a program that
 * only writes to the console links no mount table.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/dev_files.h>
#include <kernel/etc_files.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>

#include "vfs_impl.h"

static bool is_dir(const struct vfs_file *f)
{
	return f->ops->readdir != NULL;
}

static int accmode(const struct vfs_file *f)
{
	return f->flags & VFS_ACCMODE;
}

/*
 * What a read-only mount can do with (flags): it is asked about the file
 * first, as Linux would find it before refusing to change anything.
 * Returns the flags to pass on (O_CREAT dropped) or -errno. A plain
 * read changes nothing: the mount's open answers it alone, without a
 * stat first (a second lookup of the path, an eighth of the web server's
 * open() of an initrd file).
 */
static int read_only_flags(struct vfs_lookup *lk, int flags)
{
	struct stat st;
	int rc;

	if ((flags & VFS_ACCMODE) == O_RDONLY &&
	    !(flags & (O_CREAT | O_EXCL | O_TRUNC)))
		return flags;
	rc = vfs_lookup_stat(lk, &st);

	if (rc == -ENOENT && (flags & O_CREAT))
		return -EROFS;
	if (rc)
		return rc;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (S_ISDIR(st.st_mode) && (flags & VFS_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (S_ISFIFO(st.st_mode))	/* written in memory, not on the fs */
		return flags & ~(O_CREAT | O_TRUNC);
	if ((flags & VFS_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return -EROFS;
	return flags & ~O_CREAT;
}

int (*vfs_fifo_open)(struct vfs_file *f, const struct stat *st, int flags);

/* The FIFO (lk) names, as (f) (fs/fifo.c), once a FIFO was made. */
static int open_fifo(struct vfs_lookup *lk, int flags, struct vfs_file *f)
{
	int (*fifo_open)(struct vfs_file *, const struct stat *, int) =
		__atomic_load_n(&vfs_fifo_open, __ATOMIC_ACQUIRE);
	struct stat st;
	int rc;

	if (!fifo_open)
		return -ENXIO;
	if (lk->dir || (flags & O_DIRECTORY))
		return -ENOTDIR;	/* before waiting for a writer */
	rc = vfs_lookup_stat(lk, &st);
	if (rc == 0 && !S_ISFIFO(st.st_mode))
		rc = -ENXIO;	/* it changed since */
	return rc ? rc : fifo_open(f, &st, flags);
}

static int open_path(const char *path, int flags, mode_t mode,
		     struct vfs_file **out)
{
	int rc;

	*out = NULL;
	if ((flags & VFS_ACCMODE) == VFS_ACCMODE)
		return -EINVAL;
	/* O_CREAT|O_EXCL never follows a link in the last place; a link
	 * there is then an existing name. */
	bool follow = !(flags & O_NOFOLLOW) &&
		      (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	struct vfs_lookup *lk = vfs_lookup_new(path, follow, &rc);

	if (!lk)
		return rc;
	struct vfs_mount *m = lk->mnt;
	struct vfs_file *f = NULL;
	int fs_flags = flags;

	if (lk->dir && (flags & O_CREAT))
		rc = -EISDIR;
	else if (m->read_only)
		rc = fs_flags = read_only_flags(lk, flags);
	else if (!m->ops->open)
		rc = -ENOSYS;
	if (rc < 0)
		goto err_lookup;
	rc = -ENOMEM;
	f = heap_zalloc(sizeof(*f));
	if (!f)
		goto err_lookup;
	/* Its name, for openat() and fchdir() relative to a directory and
	 * for /proc/self/fd; taken before the open, which nothing may undo
	 * (a FIFO's holds the mount's reference the lookup took). */
	size_t len = strlen(lk->path) + 1;

	f->path = heap_alloc(len);
	if (!f->path)
		goto err_file;
	memcpy(f->path, lk->path, len);
	f->mnt = m;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
	f->refs = 1;
	rc = m->ops->open(m, lk->rel, fs_flags, mode, f);
	if (rc == VFS_OPEN_FIFO)
		rc = open_fifo(lk, flags, f);
	if (rc)
		goto err_file;
	if (!f->ops) {
		rc = -EIO;	/* a filesystem that forgot its ops */
		goto err_file;
	}
	if (!is_dir(f) && (lk->dir || (flags & O_DIRECTORY)))
		rc = -ENOTDIR;
	else if (is_dir(f) && accmode(f) != O_RDONLY)
		rc = -EISDIR;
	if (rc)
		goto err_opened;
	/* The file keeps the mount's user reference the lookup took. */
	heap_free(lk);
	*out = f;
	if (vfs_shared_maps && flags & O_TRUNC && accmode(f) != O_RDONLY &&
	    f->mnt)	/* not a FIFO */
		vfs_map_truncated(f, 0);	/* emptied by the open */
	return 0;

err_opened:
	if (f->ops->close)
		f->ops->close(f);
err_file:
	heap_free(f->path);
	heap_free(f);
err_lookup:
	vfs_lookup_free(lk);
	return rc;
}

/* A built-in device (fs/dev_files.c), else the file systems' answer, or
 * a built-in /etc file when they have none (fs/etc_files.c). */
int vfs_open(const char *path, int flags, mode_t mode, struct vfs_file **out)
{
	int rc = dev_open(path, flags, out);

	if (rc != -ENOENT)
		return rc;
	rc = open_path(path, flags, mode, out);
	if (rc == -ENOENT && !(flags & O_CREAT))
		rc = etc_open(path, flags, out);
	return rc;
}
