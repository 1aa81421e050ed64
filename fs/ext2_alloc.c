// SPDX-License-Identifier: MIT
/*
 * ext2 block and inode allocation over the groups' bitmaps. A block goes
 * at or after its goal (the block before it in the file, or the start of
 * its inode's group), in the goal's group first; a file's inode goes in
 * its directory's group, a new directory's in the group with the most
 * room among those with more free inodes than average, which spreads
 * directories and keeps each one's files together (the old ext2 policy).
 * Every count kept in the descriptors and the superblock moves with the
 * bits, since e2fsck checks them all.
 */
#include <errno.h>
#include <string.h>

#include <kernel/log.h>
#include <toro/blk.h>

#include "ext2.h"

static uint64_t group_first(const struct ext2_fs *fs, uint32_t grp)
{
	return fs->g.first_data_block + (uint64_t)grp * fs->g.blocks_per_group;
}

static uint32_t group_blocks(const struct ext2_fs *fs, uint32_t grp)
{
	uint64_t left = fs->g.blocks_count - group_first(fs, grp);

	return left < fs->g.blocks_per_group ? left : fs->g.blocks_per_group;
}

uint64_t ext2_group_goal(const struct ext2_fs *fs, uint32_t ino)
{
	uint32_t grp = (ino - 1) / fs->g.inodes_per_group;

	return grp < fs->g.groups ? group_first(fs, grp) : 0;
}

/* The first clear bit of (map) in [from, n), or -1. */
static int64_t find_clear(const uint8_t *map, uint32_t from, uint32_t n)
{
	uint32_t i = from;

	while (i < n) {
		uint64_t word;

		/* Full stretches 64 bits at a time: the inodes of a
		 * directory of thousands of files are all in use. */
		if ((i & 63) == 0 && n - i >= 64 &&
		    (memcpy(&word, map + (i >> 3), 8), word == ~0ull)) {
			i += 64;
			continue;
		}
		if ((i & 7) == 0 && map[i >> 3] == 0xff) {
			i += 8;
			continue;
		}
		if (!(map[i >> 3] & (1u << (i & 7))))
			return i;
		i++;
	}
	return -1;
}

static bool is_group_metadata(const struct ext2_fs *fs, uint32_t grp,
			      uint64_t b)
{
	const struct ext2_group *gd = &fs->groups[grp];

	return b == gd->block_bitmap || b == gd->inode_bitmap ||
	       (b >= gd->inode_table &&
		b < gd->inode_table + fs->g.itable_blocks);
}

static void corrupt(struct ext2_fs *fs, const char *what, uint64_t n)
{
	log_error("ext2 %s: %s %llu: bitmap disagrees (run e2fsck)\n",
		  blk_name(fs->dev), what, (unsigned long long)n);
}

int ext2_new_block(struct ext2_fs *fs, uint64_t goal, uint64_t *out)
{
	uint32_t g0, bpg = fs->g.blocks_per_group;

	if (goal < fs->g.first_data_block || goal >= fs->g.blocks_count)
		goal = fs->g.first_data_block;
	g0 = (goal - fs->g.first_data_block) / bpg;
	for (uint32_t k = 0; k <= fs->g.groups; k++) {
		uint32_t grp = (g0 + k) % fs->g.groups;
		uint32_t n = group_blocks(fs, grp);
		uint32_t from = k == 0 ? (goal - fs->g.first_data_block) % bpg
				       : 0;
		struct ext2_buf *b;
		int64_t bit;
		int rc;

		if (!fs->groups[grp].free_blocks)
			continue;
		rc = ext2_bread(fs, fs->groups[grp].block_bitmap, &b);
		if (rc)
			return rc;
		bit = find_clear(b->data, from, n);
		if (bit < 0 && k == 0)
			bit = find_clear(b->data, 0, from);
		if (bit < 0) {
			ext2_brelse(fs, b);
			continue;
		}
		uint64_t nr = group_first(fs, grp) + bit;

		if (is_group_metadata(fs, grp, nr) ||
		    nr < fs->g.gdt_block + fs->g.gdt_blocks) {
			ext2_brelse(fs, b);
			corrupt(fs, "block", nr);
			return -EUCLEAN;
		}
		b->data[bit >> 3] |= 1u << (bit & 7);
		ext2_bdirty(fs, b);
		ext2_brelse(fs, b);
		fs->groups[grp].free_blocks--;
		if (fs->g.free_blocks)
			fs->g.free_blocks--;
		*out = nr;
		return ext2_groups_store(fs, grp);
	}
	return -ENOSPC;
}

int ext2_free_block(struct ext2_fs *fs, uint64_t nr)
{
	struct ext2_buf *b;
	uint32_t grp, bit;
	int rc;

	if (nr < fs->g.first_data_block || nr >= fs->g.blocks_count)
		return -EUCLEAN;
	grp = (nr - fs->g.first_data_block) / fs->g.blocks_per_group;
	bit = (nr - fs->g.first_data_block) % fs->g.blocks_per_group;
	rc = ext2_bread(fs, fs->groups[grp].block_bitmap, &b);
	if (rc)
		return rc;
	if (!(b->data[bit >> 3] & (1u << (bit & 7)))) {
		ext2_brelse(fs, b);
		corrupt(fs, "freeing free block", nr);
		return -EUCLEAN;
	}
	b->data[bit >> 3] &= ~(1u << (bit & 7));
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	fs->groups[grp].free_blocks++;
	fs->g.free_blocks++;
	return ext2_groups_store(fs, grp);
}

/* Where a new directory goes: see the top of the file. */
static uint32_t dir_group(const struct ext2_fs *fs, uint32_t parent_grp)
{
	uint64_t avg = fs->g.free_inodes / fs->g.groups;
	uint32_t best = parent_grp;
	bool found = false;

	for (uint32_t k = 0; k < fs->g.groups; k++) {
		uint32_t grp = (parent_grp + k) % fs->g.groups;
		const struct ext2_group *gd = &fs->groups[grp];

		if (!gd->free_inodes || gd->free_inodes < avg)
			continue;
		if (!found || gd->free_blocks > fs->groups[best].free_blocks) {
			best = grp;
			found = true;
		}
	}
	return best;
}

int ext2_new_inode(struct ext2_fs *fs, uint32_t dir, bool is_dir,
		   uint32_t *out)
{
	uint32_t ipg = fs->g.inodes_per_group;
	uint32_t g0 = (dir - 1) / ipg;

	if (g0 >= fs->g.groups)
		g0 = 0;
	if (is_dir)
		g0 = dir_group(fs, g0);
	for (uint32_t k = 0; k < fs->g.groups; k++) {
		uint32_t grp = (g0 + k) % fs->g.groups;
		struct ext2_buf *b;
		int64_t bit;
		int rc;

		if (!fs->groups[grp].free_inodes)
			continue;
		rc = ext2_bread(fs, fs->groups[grp].inode_bitmap, &b);
		if (rc)
			return rc;
		bit = find_clear(b->data, 0, ipg);
		if (bit < 0) {
			ext2_brelse(fs, b);
			continue;
		}
		uint32_t ino = grp * ipg + bit + 1;

		if (ino < fs->g.first_ino) {
			ext2_brelse(fs, b);
			corrupt(fs, "reserved inode", ino);
			return -EUCLEAN;
		}
		b->data[bit >> 3] |= 1u << (bit & 7);
		ext2_bdirty(fs, b);
		ext2_brelse(fs, b);
		fs->groups[grp].free_inodes--;
		if (is_dir)
			fs->groups[grp].used_dirs++;
		if (fs->g.free_inodes)
			fs->g.free_inodes--;
		*out = ino;
		return ext2_groups_store(fs, grp);
	}
	return -ENOSPC;
}

int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
	uint32_t ipg = fs->g.inodes_per_group;
	uint32_t grp, bit;
	struct ext2_buf *b;
	int rc;

	if (ino < fs->g.first_ino || ino > fs->g.inodes_count)
		return -EUCLEAN;
	grp = (ino - 1) / ipg;
	bit = (ino - 1) % ipg;
	rc = ext2_bread(fs, fs->groups[grp].inode_bitmap, &b);
	if (rc)
		return rc;
	if (!(b->data[bit >> 3] & (1u << (bit & 7)))) {
		ext2_brelse(fs, b);
		corrupt(fs, "freeing free inode", ino);
		return -EUCLEAN;
	}
	b->data[bit >> 3] &= ~(1u << (bit & 7));
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	fs->groups[grp].free_inodes++;
	if (is_dir && fs->groups[grp].used_dirs)
		fs->groups[grp].used_dirs--;
	fs->g.free_inodes++;
	return ext2_groups_store(fs, grp);
}
