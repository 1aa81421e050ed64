// SPDX-License-Identifier: MIT
/*
 * ext2 inode records: read from and written to their group's inode table
 * through the cache, sizes (64 bits with large_file), times (seconds, plus
 * nanoseconds in the extra fields of inodes larger than 128 bytes, as
 * ext4 keeps them) and stat().
 */
#include <errno.h>
#include <string.h>

#include "ext2.h"

#define NS	1000000000ull

/* The inode's table block and the record's offset in it. */
static int locate(struct ext2_fs *fs, uint32_t ino, uint64_t *blk,
		  uint32_t *off)
{
	const struct ext2_geom *g = &fs->g;
	uint32_t grp, idx;
	uint64_t byte;

	if (ino < 1 || ino > g->inodes_count)
		return -EUCLEAN;
	grp = (ino - 1) / g->inodes_per_group;
	idx = (ino - 1) % g->inodes_per_group;
	byte = (uint64_t)idx * g->inode_size;
	*blk = fs->groups[grp].inode_table + (byte >> g->log_block_size);
	*off = byte & (g->block_size - 1);
	return 0;
}

static size_t record_bytes(const struct ext2_fs *fs)
{
	return fs->g.inode_size < sizeof(struct ext2_inode) ?
		       fs->g.inode_size : sizeof(struct ext2_inode);
}

/* The table block holding inode (ino)'s record (pinned), and where. */
static int record(struct ext2_fs *fs, uint32_t ino, struct ext2_buf **b,
		  uint32_t *off)
{
	uint64_t blk;
	int rc = locate(fs, ino, &blk, off);

	return rc ? rc : ext2_bread(fs, blk, b);
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	struct ext2_buf *b;
	uint32_t off;
	int rc = record(fs, ino, &b, &off);

	if (rc)
		return rc;
	memset(in, 0, sizeof(*in));
	memcpy(in, b->data + off, record_bytes(fs));
	ext2_brelse(fs, b);
	return 0;
}

static int write_record(struct ext2_fs *fs, uint32_t ino,
			const struct ext2_inode *in, bool whole)
{
	struct ext2_buf *b;
	uint32_t off;
	int rc = record(fs, ino, &b, &off);

	if (rc)
		return rc;
	if (whole)	/* no stale in-inode attributes of a former user */
		memset(b->data + off, 0, fs->g.inode_size);
	memcpy(b->data + off, in, record_bytes(fs));
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	return 0;
}

int ext2_iput(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in)
{
	return write_record(fs, ino, in, false);
}

int ext2_iput_new(struct ext2_fs *fs, uint32_t ino,
		  const struct ext2_inode *in)
{
	return write_record(fs, ino, in, true);
}

/* Whether the record's extra part reaches (end) bytes into the record. */
static bool has_extra(const struct ext2_fs *fs, const struct ext2_inode *in,
		      size_t end)
{
	return fs->g.inode_size > EXT2_GOOD_OLD_INODE_SIZE &&
	       in->i_extra_isize <= fs->g.inode_size - EXT2_GOOD_OLD_INODE_SIZE &&
	       (size_t)EXT2_GOOD_OLD_INODE_SIZE + in->i_extra_isize >= end;
}

uint64_t ext2_isize(const struct ext2_fs *fs, const struct ext2_inode *in)
{
	bool big = S_ISREG(in->i_mode) ||
		   (S_ISDIR(in->i_mode) && (fs->sb.s_feature_incompat &
					    EXT4_FEATURE_INCOMPAT_LARGEDIR));

	return in->i_size | (big ? (uint64_t)in->i_size_high << 32 : 0);
}

/* A revision 0 superblock has no feature fields: a feature needs
 * revision 1 first, with the sizes revision 0 implies, as Linux's
 * ext2_update_dynamic_rev() does (else e2fsck calls the image broken). */
static void dynamic_rev(struct ext2_super *sb)
{
	sb->s_rev_level = EXT2_DYNAMIC_REV;
	sb->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
	sb->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	sb->s_feature_compat = 0;
	sb->s_feature_incompat = 0;
	sb->s_feature_ro_compat = 0;
}

void ext2_set_isize(struct ext2_fs *fs, struct ext2_inode *in, uint64_t size)
{
	in->i_size = (uint32_t)size;
	if (S_ISREG(in->i_mode))
		in->i_size_high = size >> 32;
	if (size > 0x7fffffff && !fs->g.large_file) {
		/* As Linux does: the first large file sets the feature. */
		if (fs->sb.s_rev_level < EXT2_DYNAMIC_REV)
			dynamic_rev(&fs->sb);
		fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
		fs->g.large_file = true;
		fs->dirty_super = true;
	}
}

static uint32_t *extra_of(struct ext2_inode *in, char which)
{
	return which == 'a' ? &in->i_atime_extra :
	       which == 'm' ? &in->i_mtime_extra : &in->i_ctime_extra;
}

static size_t extra_end(char which)
{
	return which == 'a' ? 144 : which == 'm' ? 140 : 136;
}

void ext2_itime(struct ext2_fs *fs, struct ext2_inode *in, const char *which,
		uint64_t ns)
{
	uint64_t sec = ns / NS;

	for (; *which; which++) {
		uint32_t *t = *which == 'a' ? &in->i_atime :
			      *which == 'm' ? &in->i_mtime : &in->i_ctime;

		*t = (uint32_t)sec;
		if (has_extra(fs, in, extra_end(*which)))
			*extra_of(in, *which) =
				(uint32_t)(ns % NS) << 2 |
				(uint32_t)((sec - (uint64_t)(int64_t)(int32_t)
						      (uint32_t)sec) >> 32 & 3);
	}
}

uint64_t ext2_itime_get(const struct ext2_fs *fs, const struct ext2_inode *in,
			char which)
{
	uint32_t t = which == 'a' ? in->i_atime :
		     which == 'm' ? in->i_mtime : in->i_ctime;
	int64_t sec = (int32_t)t;
	uint32_t nsec = 0;

	if (has_extra(fs, in, extra_end(which))) {
		uint32_t x = *extra_of((struct ext2_inode *)in, which);

		sec += (int64_t)(x & 3) << 32;
		nsec = x >> 2;
		if (nsec >= NS)
			nsec = 0;
	}
	if (sec < 0)
		return 0;	/* before 1970: shown as the epoch */
	return (uint64_t)sec * NS + nsec;
}

bool ext2_is_fast_symlink(const struct ext2_fs *fs,
			  const struct ext2_inode *in)
{
	uint32_t acl = in->i_file_acl ? fs->g.block_size / 512 : 0;

	return S_ISLNK(in->i_mode) && !(in->i_flags & EXT4_EXTENTS_FL) &&
	       in->i_blocks - acl == 0;
}

static void set_ts(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = ns / NS;
	ts->tv_nsec = ns % NS;
}

void ext2_fill_stat(const struct ext2_fs *fs, uint32_t ino,
		    const struct ext2_inode *in, struct stat *st)
{
	uint64_t blocks = in->i_blocks;

	if (fs->sb.s_feature_ro_compat & EXT4_FEATURE_RO_COMPAT_HUGE_FILE) {
		blocks |= (uint64_t)in->i_blocks_hi << 32;
		if (in->i_flags & EXT4_HUGE_FILE_FL)
			blocks <<= fs->g.log_block_size - 9;
	}
	st->st_ino = ino;
	st->st_mode = in->i_mode;
	st->st_nlink = in->i_links_count;
	st->st_uid = in->i_uid | (uint32_t)in->i_uid_high << 16;
	st->st_gid = in->i_gid | (uint32_t)in->i_gid_high << 16;
	st->st_size = ext2_isize(fs, in);
	st->st_blksize = fs->g.block_size;
	st->st_blocks = blocks;
	set_ts(&st->st_atim, ext2_itime_get(fs, in, 'a'));
	set_ts(&st->st_mtim, ext2_itime_get(fs, in, 'm'));
	set_ts(&st->st_ctim, ext2_itime_get(fs, in, 'c'));
}
