// SPDX-License-Identifier: MIT
/*
 * The ext2 driver's pure checks (fs/ext2_super.c): a superblock as mke2fs writes one is taken with the
 * right geometry, each broken field is refused as corrupt (not read
 * with), features are sorted into readable, writable and refused, and
 * directory entries that would lead a walk outside its block are caught.
 */
#include <errno.h>
#include <string.h>

#include "../../fs/ext2.h"
#include "unit.h"

/* 8 MiB, 1 KiB blocks, 8192 blocks per group, 512 inodes per group:
 * what mke2fs -t ext2 -b 1024 makes of an 8 MiB file. */
static void good_super(struct ext2_super *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->s_magic = EXT2_MAGIC;
	sb->s_rev_level = 1;
	sb->s_log_block_size = 0;
	sb->s_blocks_count = 8192;
	sb->s_first_data_block = 1;
	sb->s_blocks_per_group = 8192;
	sb->s_inodes_per_group = 2048;
	sb->s_inodes_count = 2048;
	sb->s_free_blocks_count = 7000;
	sb->s_free_inodes_count = 2000;
	sb->s_inode_size = 256;
	sb->s_first_ino = 11;
	sb->s_state = EXT2_VALID_FS;
	sb->s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE;
	sb->s_feature_ro_compat = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
				  EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	sb->s_feature_compat = EXT2_FEATURE_COMPAT_DIR_INDEX;
}

#define DEV (8u << 20)

UNIT_TEST(ext2_super_geometry)
{
	struct ext2_super sb;
	struct ext2_geom g;
	const char *why;

	good_super(&sb);
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), 0);
	CHECK_EQ(g.block_size, 1024);
	CHECK_EQ(g.groups, 1);
	CHECK_EQ(g.gdt_block, 2);
	CHECK_EQ(g.gdt_blocks, 1);
	CHECK_EQ(g.itable_blocks, 512);
	CHECK(g.can_write && g.clean && g.filetype);
}

UNIT_TEST(ext2_super_broken_fields)
{
	struct ext2_super sb;
	struct ext2_geom g;
	const char *why;

	good_super(&sb);
	sb.s_magic = 0x1234;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EINVAL);
	good_super(&sb);
	sb.s_log_block_size = 20;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EUCLEAN);
	good_super(&sb);
	sb.s_blocks_count = 9000;	/* past the device */
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EUCLEAN);
	good_super(&sb);
	sb.s_blocks_per_group = 0;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EUCLEAN);
	good_super(&sb);
	sb.s_inodes_count = 4096;	/* not groups * inodes per group */
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EUCLEAN);
	good_super(&sb);
	sb.s_inode_size = 100;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EUCLEAN);
	good_super(&sb);
	sb.s_first_ino = 5000;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EUCLEAN);
	good_super(&sb);
	sb.s_first_data_block = 0;	/* 1 KiB blocks start at 1 */
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EUCLEAN);
	good_super(&sb);
	CHECK_EQ(ext2_super_parse(&sb, DEV, 4096, &g, &why), -EOPNOTSUPP);
}

UNIT_TEST(ext2_super_features)
{
	struct ext2_super sb;
	struct ext2_geom g;
	const char *why;

	good_super(&sb);
	sb.s_feature_compat |= EXT2_FEATURE_COMPAT_HAS_JOURNAL;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), 0);
	CHECK(!g.can_write && g.ro_reason);
	good_super(&sb);
	sb.s_feature_incompat |= EXT4_FEATURE_INCOMPAT_EXTENTS;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), 0);
	CHECK(!g.can_write);
	good_super(&sb);
	sb.s_feature_incompat |= EXT3_FEATURE_INCOMPAT_RECOVER;
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EOPNOTSUPP);
	CHECK(strstr(why, "recovery") != NULL);
	good_super(&sb);
	sb.s_feature_incompat |= 0x8000;	/* inline_data */
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), -EOPNOTSUPP);
	CHECK_STR_EQ(why, "inline_data");
	good_super(&sb);
	sb.s_state = 0;			/* mounted, never unmounted */
	CHECK_EQ(ext2_super_parse(&sb, DEV, 512, &g, &why), 0);
	CHECK(!g.clean);
}

UNIT_TEST(ext2_group_descriptors)
{
	struct ext2_super sb;
	struct ext2_geom g;
	struct ext2_group gd;
	struct ext2_group_desc raw[2];
	const char *why;

	good_super(&sb);
	REQUIRE(ext2_super_parse(&sb, DEV, 512, &g, &why) == 0);
	memset(raw, 0, sizeof(raw));
	raw[0].bg_block_bitmap = 3;
	raw[0].bg_inode_bitmap = 4;
	raw[0].bg_inode_table = 5;
	raw[0].bg_free_blocks_count = 100;
	CHECK_EQ(ext2_group_parse(&g, (uint8_t *)raw, 0, &gd), 0);
	CHECK_EQ(gd.inode_table, 5);
	gd.free_blocks = 99;
	ext2_group_store(&g, &gd, (uint8_t *)raw, 0);
	CHECK_EQ(raw[0].bg_free_blocks_count, 99);
	raw[0].bg_inode_table = 8000;	/* the table runs past the end */
	CHECK_EQ(ext2_group_parse(&g, (uint8_t *)raw, 0, &gd), -EUCLEAN);
	raw[0].bg_inode_table = 5;
	raw[0].bg_free_inodes_count = 5000;
	CHECK_EQ(ext2_group_parse(&g, (uint8_t *)raw, 0, &gd), -EUCLEAN);
	CHECK(ext2_group_has_super(&sb, 0) && ext2_group_has_super(&sb, 1));
	CHECK(ext2_group_has_super(&sb, 9) && ext2_group_has_super(&sb, 25));
	CHECK(!ext2_group_has_super(&sb, 2) && !ext2_group_has_super(&sb, 10));
}

UNIT_TEST(ext2_dirents)
{
	uint8_t blk[1024] = { 0 };
	struct ext2_dirent *de = (struct ext2_dirent *)blk;

	de->inode = 2;
	de->rec_len = 12;
	de->name_len = 1;
	memcpy(de->name, ".", 1);
	CHECK(ext2_dirent_ok(blk, 0, 1024, 100));
	de->rec_len = 6;		/* shorter than a header */
	CHECK(!ext2_dirent_ok(blk, 0, 1024, 100));
	de->rec_len = 14;		/* not a multiple of 4 */
	CHECK(!ext2_dirent_ok(blk, 0, 1024, 100));
	de->rec_len = 2048;		/* past the block */
	CHECK(!ext2_dirent_ok(blk, 0, 1024, 100));
	de->rec_len = 12;
	de->name_len = 8;		/* the name runs past the record */
	CHECK(!ext2_dirent_ok(blk, 0, 1024, 100));
	de->name_len = 1;
	de->inode = 101;		/* no such inode */
	CHECK(!ext2_dirent_ok(blk, 0, 1024, 100));
	CHECK(!ext2_dirent_ok(blk, 1020, 1024, 100));	/* no room for one */
	CHECK(!ext2_dirent_ok(blk, 2, 1024, 100));	/* misaligned */
}
