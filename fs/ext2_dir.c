// SPDX-License-Identifier: MIT
/*
 * ext2 directories: blocks of variable-length entries chained by their
 * record lengths, searched linearly. An htree-indexed directory (ext3's
 * dir_index) is read the same way, which is valid: its index blocks look
 * like empty entries. Changing one drops its index flag, as the ext2
 * driver of Linux does, so that e2fsck does not hold a stale index
 * against it. Each block's chain is checked whole before it is first
 * used, and again after it changes (ext2_buf.dir_checked).
 * Searches start at the block where the last one succeeded (struct
 * ext2_dir_hint) and go round: names made or removed in order are found
 * at once; a name that is not there still costs every block.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include <kernel/heap.h>

#include "ext2.h"

static uint32_t rec_len(const struct ext2_dirent *de, uint32_t bs)
{
	return bs < 65536 ? de->rec_len : ext2_rec_len(de, bs);
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
	if ((*out)->dir_checked)
		return 0;
	if (!block_ok(fs, (*out)->data)) {
		ext2_brelse(fs, *out);
		*out = NULL;
		return -EUCLEAN;
	}
	(*out)->dir_checked = true;
	return 0;
}

/* The block to start a search of (dir) at, of its (n): (hint)'s if it
 * names this directory. */
static uint64_t hint_start(const struct ext2_dir_hint *hint,
			   const struct ext2_inode *dir, uint64_t n)
{
	return hint->key == dir->i_block[0] && hint->lblk < n ? hint->lblk : 0;
}

/* Directories smaller than this are searched whole: cheaper than a
 * filter, and that of a large one stays. */
#define FILTER_MIN_BLOCKS	4

/* The filter's two bits of a name: FNV-1a, each half of it one bit. */
static void filter_bits(const char *name, size_t len, uint32_t bit[2])
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 0x100000001b3ull;
	bit[0] = (uint32_t)h % EXT2_FILTER_BITS;
	bit[1] = (uint32_t)(h >> 32) % EXT2_FILTER_BITS;
}

static void filter_add(struct ext2_dir_filter *f, const char *name,
		       size_t len)
{
	uint32_t bit[2];

	filter_bits(name, len, bit);
	for (int i = 0; i < 2; i++)
		f->bits[bit[i] / 64] |= 1ull << (bit[i] % 64);
}

static bool filter_has(const struct ext2_dir_filter *f, const char *name,
		       size_t len)
{
	uint32_t bit[2];

	filter_bits(name, len, bit);
	for (int i = 0; i < 2; i++)
		if (!(f->bits[bit[i] / 64] & (1ull << (bit[i] % 64))))
			return false;
	return true;
}

/* The filter that holds (dir)'s names, or NULL. Not for extent-mapped
 * directories (read-only), whose i_block[0] is no block number. */
static struct ext2_dir_filter *filter_of(struct ext2_fs *fs,
					 const struct ext2_inode *dir)
{
	struct ext2_dir_filter *f = fs->filter;

	return f && f->valid && f->key == dir->i_block[0] &&
	       !(dir->i_flags & EXT4_EXTENTS_FL) ? f : NULL;
}

/* A filter to fill while reading all of (dir), or NULL (no memory, an
 * extent-mapped directory). */
static struct ext2_dir_filter *filter_start(struct ext2_fs *fs,
					    const struct ext2_inode *dir)
{
	if (dir->i_flags & EXT4_EXTENTS_FL)
		return NULL;
	if (!fs->filter)
		fs->filter = heap_alloc(sizeof(*fs->filter));
	if (fs->filter) {
		memset(fs->filter, 0, sizeof(*fs->filter));
		fs->filter->key = dir->i_block[0];
	}
	return fs->filter;
}

static void hint_set(struct ext2_dir_hint *hint, const struct ext2_inode *dir,
		     uint64_t lblk)
{
	hint->key = dir->i_block[0];
	hint->lblk = lblk;
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
	uint64_t n = dir_blocks(fs, dir), start = hint_start(&fs->find_hint,
							     dir, n);
	struct ext2_dir_filter *known = filter_of(fs, dir), *build = NULL;

	if (known && !filter_has(known, name, len))
		return -ENOENT;
	if (!known && n >= FILTER_MIN_BLOCKS)
		build = filter_start(fs, dir);
	for (uint64_t k = 0; k < n; k++) {
		uint64_t lblk = (start + k) % n;
		struct ext2_buf *b;
		int64_t prev = -1;
		int rc = read_block(fs, dir, lblk, &b);

		if (rc)
			return rc;
		if (!b)
			continue;
		for (uint32_t off = 0; off < bs; off += rec_len(at(b, off), bs)) {
			struct ext2_dirent *de = at(b, off);

			if (build && de->inode)
				filter_add(build, de->name, de->name_len);
			if (de->inode && de->name_len == len &&
			    memcmp(de->name, name, len) == 0) {
				*bp = b;
				*offp = off;
				*prevp = prev;
				hint_set(&fs->find_hint, dir, lblk);
				return 0;
			}
			prev = off;
		}
		ext2_brelse(fs, b);
	}
	if (build)
		build->valid = true;	/* every name went in */
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
	uint64_t start = hint_start(&fs->add_hint, dir, n);
	struct ext2_buf *b;
	int rc;

	if (len == 0 || len > 255)
		return -EINVAL;
	for (uint64_t k = 0; k < n; k++) {
		uint64_t lblk = (start + k) % n;

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
			hint_set(&fs->add_hint, dir, lblk);
			if (filter_of(fs, dir))
				filter_add(fs->filter, name, len);
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
	hint_set(&fs->add_hint, dir, n);
	if (filter_of(fs, dir))
		filter_add(fs->filter, name, len);
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
	/* Its first block may have been another directory's, whose names
	 * the filter may hold. */
	if (fs->filter && fs->filter->key == p)
		fs->filter->valid = false;
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
