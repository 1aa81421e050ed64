/* SPDX-License-Identifier: MIT */
/*
 * The virtual file system: a mount table mapping path prefixes to
 * filesystems, and open files. The POSIX calls (open, read, stat, ...) in
 * fs/ resolve a path to its mount and call the filesystem with the rest of
 * the path, so a filesystem sees only paths relative to its root:
 * normalised, no "." or ".." or repeated slashes, "" for the root itself.
 * Every call returns 0 (or a count) or -errno.
 *
 * A filesystem fills in struct vfs_fs_ops; an open file carries its
 * vfs_file_ops. Files are used by threads on any CPU at once: a filesystem
 * makes its own calls safe for that. Sockets (later) are files too, with
 * their own file ops and no filesystem.
 */
#ifndef KERNEL_VFS_H
#define KERNEL_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define VFS_NAME_MAX	255
#define VFS_PATH_MAX	4096

struct vfs_mount;
struct vfs_file;

/* One directory entry, as readdir gives it. */
struct vfs_dirent {
	uint64_t ino;
	unsigned type;		/* DT_REG, DT_DIR, ... (dirent.h) */
	char name[VFS_NAME_MAX + 1];
};

struct vfs_file_ops {
	/* Read/write at (off); seekable files ignore nothing, streams
	 * (console, sockets) ignore (off). Return bytes done or -errno. */
	ssize_t (*read)(struct vfs_file *f, void *buf, size_t n, uint64_t off);
	ssize_t (*write)(struct vfs_file *f, const void *buf, size_t n,
			 uint64_t off);
	int (*fstat)(struct vfs_file *f, struct stat *st);
	int (*fsync)(struct vfs_file *f);
	int (*ftruncate)(struct vfs_file *f, uint64_t size);
	/* Next entry of an open directory: 1 with (ent) filled, 0 at the
	 * end, or -errno. */
	int (*readdir)(struct vfs_file *f, struct vfs_dirent *ent);
	/* Last reference dropped: release what the file holds. */
	int (*close)(struct vfs_file *f);
};

struct vfs_fs_ops {
	/* Opens (path) with the open() (flags) (O_CREAT etc. included) and
	 * (mode) for a file it creates; fills in f->ops and f->priv. A
	 * directory opened with O_DIRECTORY gets a file with readdir. */
	int (*open)(struct vfs_mount *m, const char *path, int flags,
		    mode_t mode, struct vfs_file *f);
	int (*stat)(struct vfs_mount *m, const char *path, struct stat *st);
	int (*mkdir)(struct vfs_mount *m, const char *path, mode_t mode);
	int (*rmdir)(struct vfs_mount *m, const char *path);
	int (*unlink)(struct vfs_mount *m, const char *path);
	/* Both paths on this mount (the VFS gives -EXDEV otherwise). */
	int (*rename)(struct vfs_mount *m, const char *from, const char *to);
	/* Absent ops mean the filesystem cannot do that: -EROFS for the
	 * ones that change it, -ENOSYS otherwise. */
};

struct vfs_mount {
	char path[64];			/* where: "/" or "/data" */
	const struct vfs_fs_ops *ops;
	void *priv;			/* the filesystem's */
	bool read_only;			/* writes fail with -EROFS */
};

struct vfs_file {
	const struct vfs_file_ops *ops;
	void *priv;			/* the filesystem's */
	struct vfs_mount *mnt;		/* NULL for sockets and the console */
	int flags;			/* open() flags */
	uint64_t offset;		/* for read/write without an offset */
	unsigned refs;			/* descriptors (dup) sharing it */
	/* Private to the VFS: serialises offset updates. */
	int lock;
};

/*
 * Mounts a filesystem at (path) ("/" or an absolute path of one or more
 * components; the directory need not exist on the filesystem below).
 * Returns 0, -EBUSY if something is mounted there, -ENOMEM.
 */
int vfs_mount(const char *path, const struct vfs_fs_ops *ops, void *priv,
	      bool read_only);

/* Removes the mount at (path); -ENOENT if none, -EBUSY while files are
 * open on it. */
int vfs_umount(const char *path);

/*
 * The filesystems. vfs.c mounts the root at start-up (INIT_FS) as the
 * "toro.root=" kernel option says: "initrd", or "virtiofs:TAG" (the
 * virtio-fs device with that tag); without it, the first virtio-fs device,
 * else the initrd if the VM was given one, else nothing (file calls then
 * fail with ENOENT). Naming them here is what links them into an
 * application that uses files.
 */
int initrd_mount(const char *path);	/* -ENODEV: no initrd */
int virtiofs_mount(const char *tag, const char *path);	/* tag NULL: first */

#endif /* KERNEL_VFS_H */
