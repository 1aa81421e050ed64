/* SPDX-License-Identifier: MIT */
/*
 * Opening an ext2 filesystem on a block device (fs/ext2_fs.c), apart from
 * mounting it in the VFS (fs/ext2_mount.c) so that the fuzzer and the
 * tests can open one on a device of their own.
 */
#ifndef FS_EXT2_FS_H
#define FS_EXT2_FS_H

#include <toro/fs.h>

struct blk_dev;
struct ext2_fs;

/* Reads and checks the filesystem on (dev) (EXT2_MOUNT_* flags), with a
 * cache of (cache_bufs) blocks: -EINVAL (not ext2), -EUCLEAN (corrupt),
 * -EOPNOTSUPP (features it cannot read), -EIO, -ENOMEM; logged. */
int ext2_fs_open(struct blk_dev *dev, unsigned flags, unsigned cache_bufs,
		 struct ext2_fs **out);
/* Writes everything back, marks the filesystem clean and frees (fs). */
int ext2_fs_close(struct ext2_fs *fs);

#endif /* FS_EXT2_FS_H */
