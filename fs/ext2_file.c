// SPDX-License-Identifier: MIT
/*
 * The data of ext2 regular files (and slow symlinks): reads through the
 * block map, where a hole reads as zeros; writes that allocate what they
 * reach, so writing far past the end leaves a sparse file; truncation,
 * which also zeroes the rest of the last block so that growing the file
 * again shows zeros, not what was cut off.
 * Whole blocks that lie in a row on the disk are read and written in one
 * request straight from the caller's buffer (ext2_bread_run()), up to
 * RUN_MAX at a time; the rest goes through the block cache.
 */
#include <errno.h>
#include <string.h>

#include "ext2.h"

#define RUN_MAX		256	/* blocks a request: 1 MiB of 4 KiB ones */

/* The largest size a file may have: what the map addresses, kept where
 * i_blocks (512-byte units, 32 bits) can still count its blocks. */
static uint64_t max_size(const struct ext2_fs *fs)
{
	uint64_t n = ext2_max_blocks(fs) << fs->g.log_block_size;

	return n < (1ull << 40) ? n : 1ull << 40;
}

/* How many blocks from (lblk) on, at most (max), follow block (p) on the
 * disk (allocating them with (create)): at least 1. */
static uint32_t run_of(struct ext2_fs *fs, struct ext2_inode *in,
		       uint64_t lblk, uint64_t p, uint64_t max, bool create,
		       uint64_t goal)
{
	uint32_t k = 1;

	if (max > RUN_MAX)
		max = RUN_MAX;
	while (k < max) {
		uint64_t q;

		if (ext2_bmap(fs, in, lblk + k, create, goal, &q) ||
		    q != p + k)
			break;
		k++;
	}
	return k;
}

ssize_t ext2_file_read(struct ext2_fs *fs, struct ext2_inode *in, void *buf,
		       size_t n, uint64_t off)
{
	uint32_t bs = fs->g.block_size;
	uint64_t size = ext2_isize(fs, in);
	size_t done = 0;

	if (off >= size)
		return 0;
	if (n > size - off)
		n = size - off;
	while (done < n) {
		uint64_t pos = off + done, p;
		uint32_t boff = pos & (bs - 1);
		size_t chunk = bs - boff;
		struct ext2_buf *b;
		int rc;

		if (chunk > n - done)
			chunk = n - done;
		rc = ext2_bmap(fs, in, pos >> fs->g.log_block_size, false, 0,
			       &p);
		if (rc == 0 && p && chunk == bs && n - done >= 2 * bs) {
			uint32_t k = run_of(fs, in, pos >> fs->g.log_block_size,
					    p, (n - done) / bs, false, 0);

			rc = ext2_bread_run(fs, p, k, (char *)buf + done);
			if (rc)
				return done ? (ssize_t)done : rc;
			done += (size_t)k * bs;
			continue;
		}
		if (rc == 0 && p)
			rc = ext2_bread(fs, p, &b);
		if (rc)
			return done ? (ssize_t)done : rc;
		if (p) {
			memcpy((char *)buf + done, b->data + boff, chunk);
			ext2_brelse(fs, b);
		} else {
			memset((char *)buf + done, 0, chunk);
		}
		done += chunk;
	}
	return done;
}

ssize_t ext2_file_write(struct ext2_fs *fs, uint32_t ino,
			struct ext2_inode *in, const void *buf, size_t n,
			uint64_t off)
{
	uint32_t bs = fs->g.block_size;
	uint64_t goal = ext2_group_goal(fs, ino);
	size_t done = 0;
	int rc = 0;

	if (off >= max_size(fs) || n > max_size(fs) - off)
		return -EFBIG;
	while (done < n) {
		uint64_t pos = off + done, p;
		uint32_t boff = pos & (bs - 1);
		size_t chunk = bs - boff;
		struct ext2_buf *b;

		if (chunk > n - done)
			chunk = n - done;
		rc = ext2_bmap(fs, in, pos >> fs->g.log_block_size, true, goal,
			       &p);
		if (rc)
			break;
		if (chunk == bs && n - done >= 2 * bs) {
			uint32_t k = run_of(fs, in, pos >> fs->g.log_block_size,
					    p, (n - done) / bs, true, goal);

			rc = ext2_bwrite_run(fs, p, k, (const char *)buf + done);
			if (rc)
				break;
			done += (size_t)k * bs;
			continue;
		}
		/* A whole block is not read first. */
		rc = chunk == bs ? ext2_bzero(fs, p, &b) : ext2_bread(fs, p, &b);
		if (rc)
			break;
		memcpy(b->data + boff, (const char *)buf + done, chunk);
		ext2_bdirty(fs, b);
		ext2_brelse(fs, b);
		done += chunk;
	}
	if (done && off + done > ext2_isize(fs, in))
		ext2_set_isize(fs, in, off + done);
	return done ? (ssize_t)done : rc;
}

int ext2_file_truncate(struct ext2_fs *fs, struct ext2_inode *in,
		       uint64_t size)
{
	uint32_t bs = fs->g.block_size;
	uint64_t old = ext2_isize(fs, in);
	int rc;

	if (size > max_size(fs))
		return -EFBIG;
	if (size < old) {
		uint64_t keep = (size + bs - 1) >> fs->g.log_block_size, p;

		rc = ext2_truncate_blocks(fs, in, keep);
		if (rc)
			return rc;
		if (size & (bs - 1)) {
			struct ext2_buf *b;

			rc = ext2_bmap(fs, in, size >> fs->g.log_block_size,
				       false, 0, &p);
			if (rc == 0 && p)
				rc = ext2_bread(fs, p, &b);
			if (rc)
				return rc;
			if (p) {
				memset(b->data + (size & (bs - 1)), 0,
				       bs - (size & (bs - 1)));
				ext2_bdirty(fs, b);
				ext2_brelse(fs, b);
			}
		}
	}
	ext2_set_isize(fs, in, size);
	return 0;
}
