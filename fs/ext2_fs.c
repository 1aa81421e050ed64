// SPDX-License-Identifier: MIT
/*
 * An ext2 filesystem on a block device, opened and closed: the superblock
 * read and checked (ext2_super.c), the group descriptors loaded, the
 * cache set up, and the "mounted, not clean" state written to the disk
 * before the first change, so that a guest that dies with changes in
 * flight leaves a filesystem e2fsck knows to check. A clean unmount (or
 * exit) writes everything back and marks it clean again.
 */
#include <errno.h>
#include <string.h>

#include <kernel/heap.h>
#include <kernel/log.h>
#include <toro/blk.h>
#include <toro/time.h>

#include "ext2.h"
#include "ext2_fs.h"

/* The block that holds the superblock, and its offset in it. */
static uint64_t super_block(const struct ext2_fs *fs, uint32_t *off)
{
	*off = EXT2_SUPER_OFFSET % fs->g.block_size;
	return EXT2_SUPER_OFFSET / fs->g.block_size;
}

int ext2_super_store(struct ext2_fs *fs)
{
	struct ext2_buf *b;
	uint32_t off;
	int rc = ext2_bread(fs, super_block(fs, &off), &b);

	if (rc)
		return rc;
	fs->sb.s_free_blocks_count = (uint32_t)fs->g.free_blocks;
	if (fs->sb.s_feature_incompat & EXT4_FEATURE_INCOMPAT_64BIT)
		fs->sb.s_free_blocks_hi = fs->g.free_blocks >> 32;
	fs->sb.s_free_inodes_count = fs->g.free_inodes;
	memcpy(b->data + off, &fs->sb, sizeof(fs->sb));
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	return 0;
}

int ext2_groups_store(struct ext2_fs *fs, uint32_t i)
{
	uint32_t per = fs->g.block_size / fs->g.desc_size;
	struct ext2_buf *b;
	int rc = ext2_bread(fs, fs->g.gdt_block + i / per, &b);

	if (rc)
		return rc;
	ext2_group_store(&fs->g, &fs->groups[i], b->data, i % per);
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	fs->dirty_super = true;
	return 0;
}

int ext2_groups_load(struct ext2_fs *fs)
{
	uint32_t per = fs->g.block_size / fs->g.desc_size;

	fs->groups = heap_zalloc((size_t)fs->g.groups * sizeof(*fs->groups));
	if (!fs->groups)
		return -ENOMEM;
	for (uint32_t blk = 0; blk < fs->g.gdt_blocks; blk++) {
		struct ext2_buf *b;
		int rc = ext2_bread(fs, fs->g.gdt_block + blk, &b);

		if (rc)
			return rc;
		for (uint32_t j = 0; j < per; j++) {
			uint32_t i = blk * per + j;

			if (i >= fs->g.groups)
				break;
			rc = ext2_group_parse(&fs->g, b->data, j,
					      &fs->groups[i]);
			if (rc)
				break;
		}
		ext2_brelse(fs, b);
		if (rc)
			return rc;
	}
	return 0;
}

/* The superblock's bytes, read in whole sectors. */
static int read_super(struct blk_dev *dev, struct ext2_super *sb)
{
	uint32_t ss = blk_sector_size(dev);
	uint64_t start, end;
	uint8_t *buf;
	int rc;

	if (!ss || ss > 65536 || (ss & (ss - 1)))
		return -EINVAL;
	start = EXT2_SUPER_OFFSET / ss * ss;
	end = (EXT2_SUPER_OFFSET + sizeof(*sb) + ss - 1) / ss * ss;
	if (blk_size(dev) < end)
		return -EINVAL;
	buf = heap_alloc(end - start);
	if (!buf)
		return -ENOMEM;
	rc = blk_read(dev, start, buf, end - start);
	if (rc == 0)
		memcpy(sb, buf + (EXT2_SUPER_OFFSET - start), sizeof(*sb));
	heap_free(buf);
	return rc;
}

/* The on-disk state: (clean) or mounted-and-changing. */
static int set_state(struct ext2_fs *fs, bool clean)
{
	uint32_t now = wallclock_ns() / 1000000000;
	int rc;

	if (clean)
		fs->sb.s_state |= EXT2_VALID_FS;
	else
		fs->sb.s_state &= ~EXT2_VALID_FS;
	fs->sb.s_wtime = now;
	if (!clean) {
		fs->sb.s_mtime = now;
		fs->sb.s_mnt_count++;
	}
	rc = ext2_super_store(fs);
	if (rc == 0)
		rc = ext2_cache_sync(fs);
	return rc;
}

int ext2_fs_open(struct blk_dev *dev, unsigned flags, unsigned cache_bufs,
		 struct ext2_fs **out)
{
	const char *why = NULL;
	struct ext2_fs *fs;
	int rc;

	*out = NULL;
	fs = heap_zalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->dev = dev;
	rc = read_super(dev, &fs->sb);
	if (rc)
		goto err_fs;
	rc = ext2_super_parse(&fs->sb, blk_size(dev), blk_sector_size(dev),
			      &fs->g, &why);
	if (rc) {
		log_error("ext2 %s: %s\n", blk_name(dev), why);
		goto err_fs;
	}
	fs->read_only = (flags & EXT2_MOUNT_RDONLY) || blk_read_only(dev);
	if (!fs->read_only && !fs->g.can_write) {
		log_warn("ext2 %s: %s: mounted read-only\n", blk_name(dev),
			 fs->g.ro_reason);
		fs->read_only = true;
	}
	if (!fs->read_only && !fs->g.clean) {
		log_warn("ext2 %s: not cleanly unmounted or has errors: "
			 "mounted read-only (run e2fsck -fy)\n", blk_name(dev));
		fs->read_only = true;
	}
	rc = ext2_cache_init(fs, cache_bufs);
	if (rc)
		goto err_fs;
	rc = ext2_groups_load(fs);
	if (rc) {
		log_error("ext2 %s: corrupt group descriptors\n",
			  blk_name(dev));
		goto err_cache;
	}
	/* Checked once here: every lookup starts at the root. */
	struct ext2_inode root;

	rc = ext2_iget(fs, EXT2_ROOT_INO, &root);
	if (rc == 0 && !S_ISDIR(root.i_mode))
		rc = -EUCLEAN;
	if (rc) {
		log_error("ext2 %s: bad root directory\n", blk_name(dev));
		goto err_cache;
	}
	if (!fs->read_only) {
		rc = set_state(fs, false);
		if (rc)
			goto err_cache;
	}
	*out = fs;
	return 0;

err_cache:
	ext2_cache_free(fs);
err_fs:
	heap_free(fs->groups);
	heap_free(fs);
	return rc;
}

int ext2_sync_fs(struct ext2_fs *fs)
{
	int rc = 0;

	if (fs->read_only)
		return 0;
	if (fs->dirty_super) {
		rc = ext2_super_store(fs);
		fs->dirty_super = false;
	}
	int rc2 = ext2_cache_sync(fs);

	return rc ? rc : rc2;
}

int ext2_fs_finish(struct ext2_fs *fs)
{
	int rc;

	if (fs->read_only)
		return 0;
	rc = ext2_release_orphans(fs);
	if (rc == 0)
		rc = ext2_sync_fs(fs);
	/* Clean only if everything reached the disk. */
	if (rc == 0)
		rc = set_state(fs, true);
	return rc;
}

int ext2_fs_close(struct ext2_fs *fs)
{
	int rc = ext2_fs_finish(fs);

	ext2_cache_free(fs);
	while (fs->open) {
		struct ext2_open *o = fs->open;

		fs->open = o->next;
		heap_free(o);
	}
	heap_free(fs->filter);
	heap_free(fs->groups);
	heap_free(fs);
	return rc;
}
