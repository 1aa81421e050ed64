// SPDX-License-Identifier: MIT
/*
 * The ext2 block map: twelve direct blocks in the inode, then one
 * indirect, one double and one triple indirect block, each a block of
 * 32-bit block numbers; 0 is a hole (a sparse file's zeros). Mapping can
 * allocate what is missing, next to the blocks before it so that a file
 * written in order lies in order; truncation frees the data blocks and
 * the indirect blocks left empty. Inodes of ext4's extent format are
 * mapped by ext2_extent.c instead, for reading.
 */
#include <errno.h>

#include "ext2.h"

static uint64_t per_block(const struct ext2_fs *fs)
{
	return fs->g.block_size / 4;
}

uint64_t ext2_max_blocks(const struct ext2_fs *fs)
{
	uint64_t a = per_block(fs);

	return EXT2_NDIR_BLOCKS + a + a * a + a * a * a;
}

/* The slot in i_block and the index at each indirect level of (lblk);
 * returns the depth (0: direct) or -EFBIG. */
static int path_of(const struct ext2_fs *fs, uint64_t lblk, uint32_t idx[4])
{
	uint64_t a = per_block(fs);

	if (lblk < EXT2_NDIR_BLOCKS) {
		idx[0] = lblk;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < a) {
		idx[0] = EXT2_IND_BLOCK;
		idx[1] = lblk;
		return 1;
	}
	lblk -= a;
	if (lblk < a * a) {
		idx[0] = EXT2_DIND_BLOCK;
		idx[1] = lblk / a;
		idx[2] = lblk % a;
		return 2;
	}
	lblk -= a * a;
	if (lblk < a * a * a) {
		idx[0] = EXT2_TIND_BLOCK;
		idx[1] = lblk / (a * a);
		idx[2] = lblk / a % a;
		idx[3] = lblk % a;
		return 3;
	}
	return -EFBIG;
}

static bool valid_block(const struct ext2_fs *fs, uint64_t b)
{
	return b >= fs->g.first_data_block && b < fs->g.blocks_count;
}

/* A new zero-filled block near (goal) for slot (*slot). */
static int fill_slot(struct ext2_fs *fs, struct ext2_inode *in,
		     uint32_t *slot, uint64_t goal)
{
	struct ext2_buf *b;
	uint64_t nr;
	int rc = ext2_new_block(fs, goal, &nr);

	if (rc)
		return rc;
	rc = ext2_bzero(fs, nr, &b);
	if (rc) {
		ext2_free_block(fs, nr);
		return rc;
	}
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	*slot = nr;
	in->i_blocks += fs->g.block_size / 512;
	return 0;
}

int ext2_bmap(struct ext2_fs *fs, struct ext2_inode *in, uint64_t lblk,
	      bool create, uint64_t goal, uint64_t *pblk)
{
	uint32_t idx[4];
	int depth, rc;
	uint64_t p;

	*pblk = 0;
	if (in->i_flags & EXT4_EXTENTS_FL)
		return create ? -EROFS : ext2_extent_map(fs, in, lblk, pblk);
	depth = path_of(fs, lblk, idx);
	if (depth < 0)
		return depth;
	if (!in->i_block[idx[0]]) {
		if (!create)
			return 0;
		if (idx[0] > 0 && in->i_block[idx[0] - 1])
			goal = in->i_block[idx[0] - 1] + 1;
		rc = fill_slot(fs, in, &in->i_block[idx[0]], goal);
		if (rc)
			return rc;
	}
	p = in->i_block[idx[0]];
	for (int level = 1; level <= depth; level++) {
		struct ext2_buf *b;
		uint32_t *slots, i = idx[level];

		if (!valid_block(fs, p))
			return -EUCLEAN;
		rc = ext2_bread(fs, p, &b);
		if (rc)
			return rc;
		slots = (uint32_t *)b->data;
		if (!slots[i] && create) {
			uint64_t near = i && slots[i - 1] ? slots[i - 1] + 1 :
							    p + 1;

			rc = fill_slot(fs, in, &slots[i], near);
			if (rc == 0)
				ext2_bdirty(fs, b);
		}
		p = slots[i];
		ext2_brelse(fs, b);
		if (rc)
			return rc;
		if (!p)
			return 0;	/* a hole */
	}
	if (!valid_block(fs, p))
		return -EUCLEAN;
	*pblk = p;
	return 0;
}

static void drop(struct ext2_fs *fs, struct ext2_inode *in, uint32_t *slot)
{
	ext2_bforget(fs, *slot);
	ext2_free_block(fs, *slot);
	*slot = 0;
	if (in->i_blocks >= fs->g.block_size / 512)
		in->i_blocks -= fs->g.block_size / 512;
}

/* Frees what the tree under (*slot), (depth) levels of indirection over
 * (span) blocks, maps from block (start) on; the tree's own block too
 * when (start) is 0. */
static int free_tree(struct ext2_fs *fs, struct ext2_inode *in,
		     uint32_t *slot, int depth, uint64_t start, uint64_t span)
{
	struct ext2_buf *b;
	uint32_t *slots;
	uint64_t child;
	int rc = 0;

	if (!*slot)
		return 0;
	if (!valid_block(fs, *slot))
		return -EUCLEAN;
	if (depth > 0) {
		child = span / per_block(fs);
		rc = ext2_bread(fs, *slot, &b);
		if (rc)
			return rc;
		slots = (uint32_t *)b->data;
		for (uint64_t i = start / child; i < per_block(fs) && !rc;
		     i++) {
			uint64_t from = i == start / child ? start % child : 0;

			if (!slots[i])
				continue;
			rc = free_tree(fs, in, &slots[i], depth - 1, from,
				       child);
			ext2_bdirty(fs, b);
		}
		ext2_brelse(fs, b);
	}
	if (rc == 0 && start == 0)
		drop(fs, in, slot);
	return rc;
}

int ext2_truncate_blocks(struct ext2_fs *fs, struct ext2_inode *in,
			 uint64_t lblk)
{
	uint64_t a = per_block(fs), base = EXT2_NDIR_BLOCKS, span = a;
	int rc = 0;

	if (in->i_flags & EXT4_EXTENTS_FL)
		return -EROFS;
	for (uint64_t i = lblk; i < EXT2_NDIR_BLOCKS; i++) {
		if (!in->i_block[i])
			continue;
		if (!valid_block(fs, in->i_block[i]))
			return -EUCLEAN;
		drop(fs, in, &in->i_block[i]);
	}
	for (int depth = 1; depth <= 3 && rc == 0; depth++) {
		if (lblk < base + span)
			rc = free_tree(fs, in, &in->i_block[11 + depth], depth,
				       lblk > base ? lblk - base : 0, span);
		base += span;
		span *= a;
	}
	return rc;
}
