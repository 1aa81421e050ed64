// SPDX-License-Identifier: MIT
/*
 * ext2 symbolic links: a target shorter than 60 bytes lives in the
 * inode's block array itself (a "fast" link, no data block); a longer one
 * in a data block, read and written as file data.
 */
#include <errno.h>
#include <string.h>

#include "ext2.h"

int ext2_symlink_read(struct ext2_fs *fs, struct ext2_inode *in, char *buf,
		      size_t size)
{
	uint64_t len = ext2_isize(fs, in);
	ssize_t n;

	if (!S_ISLNK(in->i_mode))
		return -EINVAL;
	if (len == 0 || len >= fs->g.block_size)
		return -EUCLEAN;
	if (ext2_is_fast_symlink(fs, in)) {
		if (len >= EXT2_FAST_LINK_MAX)
			return -EUCLEAN;
		if (len > size)
			len = size;
		memcpy(buf, in->i_block, len);
		return len;
	}
	if (len > size)
		len = size;
	n = ext2_file_read(fs, in, buf, len, 0);
	if (n >= 0 && memchr(buf, '\0', n))
		return -EUCLEAN;
	return n;
}

int ext2_symlink_write(struct ext2_fs *fs, uint32_t ino,
		       struct ext2_inode *in, const char *target)
{
	size_t len = strlen(target);
	ssize_t n;

	if (len == 0)
		return -ENOENT;
	if (len >= fs->g.block_size)
		return -ENAMETOOLONG;
	if (len < EXT2_FAST_LINK_MAX) {
		memcpy(in->i_block, target, len);
		ext2_set_isize(fs, in, len);
		return 0;
	}
	n = ext2_file_write(fs, ino, in, target, len, 0);
	if (n >= 0 && (size_t)n != len)
		n = -ENOSPC;
	return n < 0 ? n : 0;
}
