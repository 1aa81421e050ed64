/* SPDX-License-Identifier: MIT */
/*
 * Mounting filesystems from an application. The root (/) is mounted before
 * main() as the "toro.root=" kernel option says (see include/kernel/vfs.h);
 * these add more. Files are then used through the POSIX calls (<fcntl.h>,
 * <unistd.h>, <stdio.h>, <dirent.h>). Each returns 0 or -errno: -EBUSY if
 * something is mounted at (path) already, -EINVAL for a path that is not
 * absolute and normalised ("/tmp", not "tmp" or "/tmp/"), -ENOMEM, -ENOSPC
 * when the mount table is full.
 */
#ifndef TORO_FS_H
#define TORO_FS_H

/* An empty, writable filesystem in memory; its files go at power-off. */
int tmpfs_mount(const char *path);

/* The initrd the VM was booted with, read-only; -ENODEV if none. */
int initrd_mount(const char *path);

/* A virtio-fs device by its tag (NULL: the first); -ENODEV if none. */
int virtiofs_mount(const char *tag, const char *path);

struct blk_dev;

/*
 * The ext2 filesystem on block device (dev) (<toro/blk.h>), read-write, or
 * read-only with EXT2_MOUNT_RDONLY. ext3 and ext4 filesystems whose
 * features allow it (no journal to replay; extents are read) mount
 * read-only, as does one not cleanly unmounted (run e2fsck on it), with
 * a line on the console saying why. Besides the errors above: -EINVAL
 * (no ext2 superblock), -EUCLEAN (corrupt), -EOPNOTSUPP (features this
 * driver cannot read), -EIO. Written back on fsync(), sync(), unmount and
 * exit.
 */
#define EXT2_MOUNT_RDONLY	0x1
int ext2_mount(struct blk_dev *dev, const char *path, unsigned flags);

/* Unmounts (path): -ENOENT if nothing is mounted there, -EBUSY while files
 * are open on it. */
int vfs_umount(const char *path);

#endif /* TORO_FS_H */
