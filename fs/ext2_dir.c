// SPDX-License-Identifier: MIT
/*
 * ext2 directories: blocks of variable-length entries chained by their
 * record lengths, searched linearly. An htree-indexed directory (ext3's
 * dir_index) is read the same way, which is valid: its index blocks look
 * like empty entries. Changing one drops its index flag, as the ext2
 * driver of Linux does, so that e2fsck does not hold a stale index
 * against it. Each block's chain is checked whole before it is used.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "ext2.h"

static uint32_t rec_len(const struct ext2_dirent *de, uint32_t bs)
{
	return ext2_rec_len(de, bs);
}

static void set_rec_len(struct ext2_dirent *de, uint32_t len, uint32_t bs)
{
	de->rec_len = bs == 65536 && len == 65536 ? 65535 : len;
}

/* Whether the block's chain of entries is sound from start to end. */
static bool block_ok(const struct ext2_fs *fs, const uint8_t *data)
{
	uint32_t bs = fs->g.block_size, off = 0;

	while (off < bs) {
		if (!ext2_dirent_ok(data, off, bs, fs->g.inodes_count))
			return false;
		off += rec_len((const struct ext2_dirent *)(data + off), bs);
	}
	return true;
}

static uint64_t dir_blocks(const struct ext2_fs *fs,
			   const struct ext2_inode *dir)
{
	return ext2_isize(fs, dir) >> fs->g.log_block_size;
}

/* Directory block (lblk), checked; NULL for a hole. */
static int read_block(struct ext2_fs *fs, struct ext2_inode *dir,
		      uint64_t lblk, struct ext2_buf **out)
{
	uint64_t p;
	int rc = ext2_bmap(fs, dir, lblk, false, 0, &p);

	*out = NULL;
	if (rc || !p)
		return rc;
	rc = ext2_bread(fs, p, out);
	if (rc)
		return rc;
	if (!block_ok(fs, (*out)->data)) {
		ext2_brelse(fs, *out);
		*out = NULL;
		return -EUCLEAN;
	}
	return 0;
}

static struct ext2_dirent *at(struct ext2_buf *b, uint32_t off)
{
	return (struct ext2_dirent *)(b->data + off);
}

/* Finds (name): its block (pinned), offset and the previous entry's
 * offset in that block (-1 if first). -ENOENT if absent. */
static int find(struct ext2_fs *fs, struct ext2_inode *dir, const char *name,
		size_t len, struct ext2_buf **bp, uint32_t *offp, int64_t *prevp)
{
	uint32_t bs = fs->g.block_size;
	uint64_t n = dir_blocks(fs, dir);

	for (uint64_t lblk = 0; lblk < n; lblk++) {
		struct ext2_buf *b;
		int64_t prev = -1;
		int rc = read_block(fs, dir, lblk, &b);

		if (rc)
			return rc;
		if (!b)
			continue;
		for (uint32_t off = 0; off < bs; off += rec_len(at(b, off), bs)) {
			struct ext2_dirent *de = at(b, off);

			if (de->inode && de->name_len == len &&
			    memcmp(de->name, name, len) == 0) {
				*bp = b;
				*offp = off;
				*prevp = prev;
				return 0;
			}
			prev = off;
		}
		ext2_brelse(fs, b);
	}
	return -ENOENT;
}

int ext2_dir_lookup(struct ext2_fs *fs, struct ext2_inode *dir,
		    const char *name, size_t len, uint32_t *ino)
{
	struct ext2_buf *b;
	uint32_t off;
	int64_t prev;
	int rc = find(fs, dir, name, len, &b, &off, &prev);

	if (rc)
		return rc;
	*ino = at(b, off)->inode;
	ext2_brelse(fs, b);
	return 0;
}

static unsigned dt_of(const struct ext2_fs *fs, uint8_t ft)
{
	static const unsigned char dt[] = {
		DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, DT_SOCK,
		DT_LNK,
	};

	return fs->g.filetype && ft < sizeof(dt) ? dt[ft] : DT_UNKNOWN;
}

static uint8_t ft_of(const struct ext2_fs *fs, mode_t mode)
{
	if (!fs->g.filetype)
		return 0;
	switch (mode & S_IFMT) {
	case S_IFREG: return 1;
	case S_IFDIR: return 2;
	case S_IFCHR: return 3;
	case S_IFBLK: return 4;
	case S_IFIFO: return 5;
	case S_IFSOCK: return 6;
	case S_IFLNK: return 7;
	}
	return 0;
}

int ext2_dir_next(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t *pos,
		  struct vfs_dirent *ent)
{
	uint32_t bs = fs->g.block_size;
	uint64_t n = dir_blocks(fs, dir);

	while ((*pos >> fs->g.log_block_size) < n) {
		uint64_t lblk = *pos >> fs->g.log_block_size;
		uint32_t want = *pos & (bs - 1);
		struct ext2_buf *b;
		int rc = read_block(fs, dir, lblk, &b);

		if (rc)
			return rc;
		/* Entries may have merged since (pos) was handed out: the
		 * walk restarts at the block's first entry. */
		for (uint32_t off = 0; b && off < bs;
		     off += rec_len(at(b, off), bs)) {
			struct ext2_dirent *de = at(b, off);

			if (off < want || !de->inode)
				continue;
			*pos = (lblk << fs->g.log_block_size) + off +
			       rec_len(de, bs);
			ent->ino = de->inode;
			ent->type = dt_of(fs, de->file_type);
			memcpy(ent->name, de->name, de->name_len);
			ent->name[de->name_len] = '\0';
			ext2_brelse(fs, b);
			return 1;
		}
		ext2_brelse(fs, b);
		*pos = (lblk + 1) << fs->g.log_block_size;
	}
	return 0;
}

static void modified(struct ext2_inode *dir)
{
	dir->i_flags &= ~EXT2_INDEX_FL;
}

static void fill(struct ext2_fs *fs, struct ext2_dirent *de, const char *name,
		 size_t len, uint32_t ino, mode_t mode)
{
	de->inode = ino;
	de->name_len = len;
	de->file_type = ft_of(fs, mode);
	memcpy(de->name, name, len);
}

int ext2_dir_add(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		 const char *name, size_t len, uint32_t ino, mode_t mode)
{
	uint32_t bs = fs->g.block_size, need = EXT2_DIRENT_LEN(len);
	uint64_t n = dir_blocks(fs, dir), p;
	struct ext2_buf *b;
	int rc;

	if (len == 0 || len > 255)
		return -EINVAL;
	for (uint64_t lblk = 0; lblk < n; lblk++) {
		rc = read_block(fs, dir, lblk, &b);
		if (rc)
			return rc;
		for (uint32_t off = 0; b && off < bs;
		     off += rec_len(at(b, off), bs)) {
			struct ext2_dirent *de = at(b, off), *nd;
			uint32_t have = rec_len(de, bs);
			uint32_t used = de->inode ?
				EXT2_DIRENT_LEN(de->name_len) : 0;

			if (have - used < need)
				continue;
			nd = de;
			if (used) {
				set_rec_len(de, used, bs);
				nd = at(b, off + used);
				set_rec_len(nd, have - used, bs);
			}
			fill(fs, nd, name, len, ino, mode);
			ext2_bdirty(fs, b);
			ext2_brelse(fs, b);
			modified(dir);
			return 0;
		}
		ext2_brelse(fs, b);
	}
	/* No room: one more block. */
	rc = ext2_bmap(fs, dir, n, true, ext2_group_goal(fs, dino), &p);
	if (rc)
		return rc;
	rc = ext2_bread(fs, p, &b);
	if (rc)
		return rc;
	memset(b->data, 0, bs);
	set_rec_len(at(b, 0), bs, bs);
	fill(fs, at(b, 0), name, len, ino, mode);
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	ext2_set_isize(fs, dir, (n + 1) << fs->g.log_block_size);
	modified(dir);
	return 0;
}

int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir,
		    const char *name, size_t len)
{
	uint32_t bs = fs->g.block_size, off;
	struct ext2_buf *b;
	int64_t prev;
	int rc = find(fs, dir, name, len, &b, &off, &prev);

	if (rc)
		return rc;
	if (prev >= 0)
		set_rec_len(at(b, prev),
			    rec_len(at(b, prev), bs) + rec_len(at(b, off), bs),
			    bs);
	else
		at(b, off)->inode = 0;
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	modified(dir);
	return 0;
}

int ext2_dir_set(struct ext2_fs *fs, struct ext2_inode *dir,
		 const char *name, size_t len, uint32_t ino, mode_t mode)
{
	struct ext2_buf *b;
	uint32_t off;
	int64_t prev;
	int rc = find(fs, dir, name, len, &b, &off, &prev);

	if (rc)
		return rc;
	at(b, off)->inode = ino;
	at(b, off)->file_type = ft_of(fs, mode);
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	modified(dir);
	return 0;
}

int ext2_dir_is_empty(struct ext2_fs *fs, struct ext2_inode *dir)
{
	uint64_t pos = 0;
	struct vfs_dirent ent;
	int rc;

	while ((rc = ext2_dir_next(fs, dir, &pos, &ent)) == 1)
		if (strcmp(ent.name, ".") != 0 && strcmp(ent.name, "..") != 0)
			return 0;
	return rc < 0 ? rc : 1;
}

int ext2_dir_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in,
		  uint32_t parent)
{
	uint32_t bs = fs->g.block_size;
	struct ext2_buf *b;
	uint64_t p;
	int rc = ext2_bmap(fs, in, 0, true, ext2_group_goal(fs, ino), &p);

	if (rc)
		return rc;
	rc = ext2_bread(fs, p, &b);
	if (rc)
		return rc;
	memset(b->data, 0, bs);
	fill(fs, at(b, 0), ".", 1, ino, S_IFDIR);
	set_rec_len(at(b, 0), 12, bs);
	fill(fs, at(b, 12), "..", 2, parent, S_IFDIR);
	set_rec_len(at(b, 12), bs - 12, bs);
	ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	ext2_set_isize(fs, in, bs);
	return 0;
}
