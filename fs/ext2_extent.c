// SPDX-License-Identifier: MIT
/*
 * ext4 extent trees, read only, so that ext4 images mount read-only: the
 * inode's i_block holds the root node, each node a header and sorted
 * entries, index entries pointing to the next level down and leaf entries
 * mapping a run of logical blocks to a run of disk blocks. An extent
 * marked uninitialised reads as zeros, like a hole. Every header is
 * checked (magic, counts within the node, depth going down by one) so
 * that a corrupt tree is -EUCLEAN, never a loop or a read past a node.
 */
#include <errno.h>
#include <string.h>

#include "ext2.h"

#define EXT4_EXT_MAGIC		0xf30a
#define EXT4_EXT_MAX_DEPTH	5
#define EXT4_EXT_INIT_MAX_LEN	32768

struct ext4_extent_header {
	uint16_t eh_magic;
	uint16_t eh_entries;
	uint16_t eh_max;
	uint16_t eh_depth;
	uint32_t eh_generation;
};

struct ext4_extent_idx {
	uint32_t ei_block;
	uint32_t ei_leaf_lo;
	uint16_t ei_leaf_hi;
	uint16_t ei_unused;
};

struct ext4_extent {
	uint32_t ee_block;
	uint16_t ee_len;
	uint16_t ee_start_hi;
	uint32_t ee_start_lo;
};

/* Whether the node of (size) bytes at (h) is sound at (depth). */
static bool node_ok(const struct ext4_extent_header *h, size_t size,
		    int depth)
{
	size_t room = (size - sizeof(*h)) / 12;

	return h->eh_magic == EXT4_EXT_MAGIC && h->eh_max <= room &&
	       h->eh_entries <= h->eh_max && (depth < 0 || h->eh_depth == depth) &&
	       h->eh_depth <= EXT4_EXT_MAX_DEPTH;
}

int ext2_extent_map(struct ext2_fs *fs, const struct ext2_inode *in,
		    uint64_t lblk, uint64_t *pblk)
{
	const uint8_t *node = (const uint8_t *)in->i_block;
	size_t size = sizeof(in->i_block);
	struct ext2_buf *b = NULL;
	int depth = -1, rc = -EUCLEAN;

	*pblk = 0;
	if (lblk > UINT32_MAX)
		return 0;
	for (int level = 0; level <= EXT4_EXT_MAX_DEPTH; level++) {
		const struct ext4_extent_header *h = (const void *)node;
		uint64_t next = 0;
		bool found = false;

		if (!node_ok(h, size, depth))
			break;
		depth = h->eh_depth;
		if (depth == 0) {
			const struct ext4_extent *e = (const void *)(h + 1);

			for (unsigned i = 0; i < h->eh_entries; i++) {
				uint32_t len = e[i].ee_len, start = e[i].ee_block;
				bool uninit = len > EXT4_EXT_INIT_MAX_LEN;

				if (uninit)
					len -= EXT4_EXT_INIT_MAX_LEN;
				if (lblk < start || lblk - start >= len)
					continue;
				next = (e[i].ee_start_lo |
					(uint64_t)e[i].ee_start_hi << 32) +
				       (lblk - start);
				if (!uninit)
					*pblk = next;
				break;
			}
			rc = *pblk && (*pblk < fs->g.first_data_block ||
				       *pblk >= fs->g.blocks_count) ?
				     -EUCLEAN : 0;
			if (rc)
				*pblk = 0;
			break;
		}
		const struct ext4_extent_idx *x = (const void *)(h + 1);

		for (unsigned i = 0; i < h->eh_entries; i++) {
			if (x[i].ei_block > lblk)
				break;
			next = x[i].ei_leaf_lo | (uint64_t)x[i].ei_leaf_hi << 32;
			found = true;
		}
		if (!found) {
			rc = 0;		/* before the first extent: a hole */
			break;
		}
		ext2_brelse(fs, b);
		b = NULL;
		if (next < fs->g.first_data_block)
			break;
		rc = ext2_bread(fs, next, &b);
		if (rc) {
			b = NULL;
			break;
		}
		rc = -EUCLEAN;
		node = b->data;
		size = fs->g.block_size;
		depth--;
	}
	ext2_brelse(fs, b);
	return rc;
}
