// SPDX-License-Identifier: MIT
/*
 * The ext2 superblock, group descriptors and directory entries: what a
 * mount believes about the disk's geometry, checked field by field before
 * anything is read with it, which features the driver can read or also
 * write, and whether an entry stays inside its block. Pure code (no
 * device, no cache), so the unit tests and the fuzzer run it on the host.
 */
#include <errno.h>
#include <string.h>

#include "ext2.h"

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* A name for the first incompat feature the driver cannot read. */
static const char *incompat_name(uint32_t bits)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression" },
		{ EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev" },
		{ EXT2_FEATURE_INCOMPAT_META_BG, "meta_bg" },
		{ EXT4_FEATURE_INCOMPAT_MMP, "mmp" },
		{ 0x0400, "ea_inode" },
		{ 0x1000, "dirdata" },
		{ 0x8000, "inline_data" },
		{ 0x10000, "encrypt" },
		{ 0x20000, "casefold" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bits & names[i].bit)
			return names[i].name;
	return "unknown incompat features";
}

static int check_features(const struct ext2_super *sb, struct ext2_geom *g,
			  const char **why)
{
	uint32_t inc = sb->s_feature_incompat, ro = sb->s_feature_ro_compat;

	if (sb->s_rev_level == 0) {
		g->can_write = true;
		return 0;
	}
	if (inc & EXT3_FEATURE_INCOMPAT_RECOVER) {
		*why = "needs journal recovery (run e2fsck)";
		return -EOPNOTSUPP;
	}
	if (inc & ~EXT2_INCOMPAT_READ) {
		*why = incompat_name(inc & ~EXT2_INCOMPAT_READ);
		return -EOPNOTSUPP;
	}
	if (ro & EXT4_FEATURE_RO_COMPAT_BIGALLOC) {
		*why = "bigalloc";
		return -EOPNOTSUPP;
	}
	g->filetype = inc & EXT2_FEATURE_INCOMPAT_FILETYPE;
	g->large_file = ro & EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	g->can_write = true;
	if (sb->s_feature_compat & EXT2_FEATURE_COMPAT_HAS_JOURNAL)
		g->ro_reason = "has a journal (ext3/ext4)";
	else if (inc & ~EXT2_INCOMPAT_WRITE)
		g->ro_reason = "has ext4 incompat features";
	else if (ro & ~EXT2_RO_COMPAT_WRITE)
		g->ro_reason = "has ro_compat features this driver cannot write";
	if (g->ro_reason)
		g->can_write = false;
	return 0;
}

int ext2_super_parse(const struct ext2_super *sb, uint64_t dev_bytes,
		     uint32_t sector, struct ext2_geom *g, const char **why)
{
	bool is64;
	uint64_t n;
	int rc;

	memset(g, 0, sizeof(*g));
	*why = "corrupt superblock";
	if (sb->s_magic != EXT2_MAGIC) {
		*why = "no ext2 superblock";
		return -EINVAL;
	}
	if (sb->s_rev_level > 1) {
		*why = "unknown revision";
		return -EOPNOTSUPP;
	}
	rc = check_features(sb, g, why);
	if (rc)
		return rc;
	*why = "corrupt superblock";
	if (sb->s_log_block_size > 6)
		return -EUCLEAN;
	g->log_block_size = 10 + sb->s_log_block_size;
	g->block_size = 1u << g->log_block_size;
	if (!sector || !is_pow2(sector) || sector > g->block_size) {
		*why = "block size smaller than the device's sectors";
		return -EOPNOTSUPP;
	}
	is64 = sb->s_rev_level &&
	       (sb->s_feature_incompat & EXT4_FEATURE_INCOMPAT_64BIT);
	g->blocks_count = sb->s_blocks_count;
	g->r_blocks = sb->s_r_blocks_count;
	g->free_blocks = sb->s_free_blocks_count;
	if (is64) {
		g->blocks_count |= (uint64_t)sb->s_blocks_count_hi << 32;
		g->r_blocks |= (uint64_t)sb->s_r_blocks_count_hi << 32;
		g->free_blocks |= (uint64_t)sb->s_free_blocks_hi << 32;
	}
	g->first_data_block = sb->s_first_data_block;
	if (g->first_data_block != (g->block_size == 1024 ? 1u : 0u))
		return -EUCLEAN;
	if (g->blocks_count <= g->first_data_block + 2 ||
	    g->blocks_count > dev_bytes >> g->log_block_size) {
		*why = "block count exceeds the device";
		return -EUCLEAN;
	}
	g->blocks_per_group = sb->s_blocks_per_group;
	g->inodes_per_group = sb->s_inodes_per_group;
	if (g->blocks_per_group < 8 || g->blocks_per_group % 8 ||
	    g->blocks_per_group > 8 * g->block_size ||
	    g->inodes_per_group < 1 ||
	    g->inodes_per_group > 8 * g->block_size)
		return -EUCLEAN;
	if (sb->s_rev_level == 0) {
		g->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		g->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		g->inode_size = sb->s_inode_size;
		g->first_ino = sb->s_first_ino;
	}
	if (!is_pow2(g->inode_size) ||
	    g->inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    g->inode_size > g->block_size)
		return -EUCLEAN;
	n = div_up(g->blocks_count - g->first_data_block, g->blocks_per_group);
	if (n > UINT32_MAX / g->inodes_per_group ||
	    n * g->inodes_per_group != sb->s_inodes_count)
		return -EUCLEAN;
	g->groups = n;
	g->inodes_count = sb->s_inodes_count;
	if (g->first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    g->first_ino > g->inodes_count)
		return -EUCLEAN;
	g->desc_size = 32;
	if (is64) {
		g->desc_size = sb->s_desc_size;
		if (g->desc_size < 64 || !is_pow2(g->desc_size) ||
		    g->desc_size > g->block_size)
			return -EUCLEAN;
	}
	g->gdt_block = g->first_data_block + 1;
	n = div_up((uint64_t)g->groups * g->desc_size, g->block_size);
	if (n > g->blocks_count - g->gdt_block)
		return -EUCLEAN;
	g->gdt_blocks = n;
	g->itable_blocks = div_up((uint64_t)g->inodes_per_group * g->inode_size,
				  g->block_size);
	g->free_inodes = sb->s_free_inodes_count;
	/* Counts are advisory (e2fsck recomputes them): clamp, not fail. */
	if (g->free_inodes > g->inodes_count)
		g->free_inodes = g->inodes_count;
	if (g->free_blocks > g->blocks_count)
		g->free_blocks = g->blocks_count;
	if (g->r_blocks > g->blocks_count)
		g->r_blocks = g->blocks_count;
	g->clean = (sb->s_state & EXT2_VALID_FS) &&
		   !(sb->s_state & EXT2_ERROR_FS);
	*why = NULL;
	return 0;
}

static bool block_in_fs(const struct ext2_geom *g, uint64_t b, uint64_t n)
{
	return b >= g->first_data_block && b < g->blocks_count &&
	       n <= g->blocks_count - b;
}

int ext2_group_parse(const struct ext2_geom *g, const uint8_t *raw,
		     uint32_t i, struct ext2_group *out)
{
	struct ext2_group_desc d = { 0 };

	memcpy(&d, raw + (size_t)i * g->desc_size,
	       g->desc_size < sizeof(d) ? g->desc_size : sizeof(d));
	out->block_bitmap = d.bg_block_bitmap;
	out->inode_bitmap = d.bg_inode_bitmap;
	out->inode_table = d.bg_inode_table;
	out->free_blocks = d.bg_free_blocks_count;
	out->free_inodes = d.bg_free_inodes_count;
	out->used_dirs = d.bg_used_dirs_count;
	out->flags = d.bg_flags;
	if (g->desc_size >= 64) {
		out->block_bitmap |= (uint64_t)d.bg_block_bitmap_hi << 32;
		out->inode_bitmap |= (uint64_t)d.bg_inode_bitmap_hi << 32;
		out->inode_table |= (uint64_t)d.bg_inode_table_hi << 32;
		out->free_blocks |= (uint32_t)d.bg_free_blocks_count_hi << 16;
		out->free_inodes |= (uint32_t)d.bg_free_inodes_count_hi << 16;
		out->used_dirs |= (uint32_t)d.bg_used_dirs_count_hi << 16;
	}
	if (!block_in_fs(g, out->block_bitmap, 1) ||
	    !block_in_fs(g, out->inode_bitmap, 1) ||
	    !block_in_fs(g, out->inode_table, g->itable_blocks) ||
	    out->free_blocks > g->blocks_per_group ||
	    out->free_inodes > g->inodes_per_group ||
	    out->used_dirs > g->inodes_per_group)
		return -EUCLEAN;
	return 0;
}

void ext2_group_store(const struct ext2_geom *g, const struct ext2_group *in,
		      uint8_t *raw, uint32_t i)
{
	struct ext2_group_desc d;
	size_t n = g->desc_size < sizeof(d) ? g->desc_size : sizeof(d);
	uint8_t *p = raw + (size_t)i * g->desc_size;

	memcpy(&d, p, n);
	d.bg_free_blocks_count = in->free_blocks;
	d.bg_free_inodes_count = in->free_inodes;
	d.bg_used_dirs_count = in->used_dirs;
	if (g->desc_size >= 64) {
		d.bg_free_blocks_count_hi = in->free_blocks >> 16;
		d.bg_free_inodes_count_hi = in->free_inodes >> 16;
		d.bg_used_dirs_count_hi = in->used_dirs >> 16;
	}
	memcpy(p, &d, n);
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(const struct ext2_super *sb, uint32_t i)
{
	if (i <= 1 || sb->s_rev_level == 0 ||
	    !(sb->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return is_power_of(i, 3) || is_power_of(i, 5) || is_power_of(i, 7);
}

/* 65536-byte blocks store a full-block record length as 0 or 65535. */
uint32_t ext2_rec_len(const struct ext2_dirent *de, uint32_t bs)
{
	uint32_t v = de->rec_len;

	return bs == 65536 && (v == 0 || v == 65535) ? 65536 : v;
}

bool ext2_dirent_ok(const uint8_t *blk, uint32_t off, uint32_t bs,
		    uint32_t inodes)
{
	const struct ext2_dirent *de;
	uint32_t len;

	if (off % 4 || off > bs - EXT2_DIRENT_HDR)
		return false;
	de = (const struct ext2_dirent *)(blk + off);
	len = ext2_rec_len(de, bs);
	return len >= EXT2_DIRENT_HDR && len % 4 == 0 && len <= bs - off &&
	       EXT2_DIRENT_HDR + (uint32_t)de->name_len <= len &&
	       de->inode <= inodes &&
	       (de->inode == 0 || de->name_len > 0);
}
