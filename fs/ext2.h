/* SPDX-License-Identifier: MIT */
/*
 * The ext2 filesystem's own declarations (fs/ext2_*.c): the on-disk layout
 * (Linux fs/ext2/ext2.h, e2fsprogs lib/ext2fs/ext2_fs.h), the mounted
 * filesystem and the calls its files make on each other. Everything on
 * disk is little-endian, as x86-64 is, so fields are read in place. Every
 * number read from the disk is checked before it is used: a bad one is
 * -EUCLEAN (Linux's EFSCORRUPTED), a device failure -EIO.
 *
 * One mutex per mount (fs->lock) covers the block cache and all metadata:
 * every call below expects it held. Simple and safe from any CPU; the
 * device I/O is the slow part either way.
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/vfs.h>
#include <toro/sync.h>

#define EXT2_MAGIC		0xef53
#define EXT2_SUPER_OFFSET	1024	/* bytes from the start of the disk */
#define EXT2_ROOT_INO		2
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_DYNAMIC_REV	1	/* s_rev_level with features */
#define EXT2_NDIR_BLOCKS	12
#define EXT2_IND_BLOCK		12
#define EXT2_DIND_BLOCK		13
#define EXT2_TIND_BLOCK		14
#define EXT2_N_BLOCKS		15
#define EXT2_LINK_MAX		65000
#define EXT2_FAST_LINK_MAX	60	/* bytes of i_block */

/* s_state */
#define EXT2_VALID_FS		0x0001	/* cleanly unmounted */
#define EXT2_ERROR_FS		0x0002

#define EXT2_FEATURE_COMPAT_HAS_JOURNAL		0x0004
#define EXT2_FEATURE_COMPAT_DIR_INDEX		0x0020

#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE	0x0002
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE	0x0008
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC		0x0200

#define EXT2_FEATURE_INCOMPAT_COMPRESSION	0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE		0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER		0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV	0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG		0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS		0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT		0x0080
#define EXT4_FEATURE_INCOMPAT_MMP		0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG		0x0200
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED		0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR		0x4000

/* What this driver reads, and what it may also write. */
#define EXT2_INCOMPAT_READ (EXT2_FEATURE_INCOMPAT_FILETYPE |		\
			    EXT4_FEATURE_INCOMPAT_EXTENTS |		\
			    EXT4_FEATURE_INCOMPAT_64BIT |		\
			    EXT4_FEATURE_INCOMPAT_FLEX_BG |		\
			    EXT4_FEATURE_INCOMPAT_CSUM_SEED |		\
			    EXT4_FEATURE_INCOMPAT_LARGEDIR)
#define EXT2_INCOMPAT_WRITE EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_WRITE (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |	\
			      EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* i_flags */
#define EXT2_INDEX_FL		0x00001000	/* htree directory */
#define EXT4_HUGE_FILE_FL	0x00040000
#define EXT4_EXTENTS_FL		0x00080000
#define EXT4_INLINE_DATA_FL	0x10000000

/* Directory entry file types (with the filetype feature). */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_SYMLINK		7

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_cluster_size;
	uint32_t s_blocks_per_group;
	uint32_t s_clusters_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV (1) and later: */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint32_t s_blocks_count_hi;
	uint32_t s_r_blocks_count_hi;
	uint32_t s_free_blocks_hi;
	uint8_t s_rest[1024 - 348];
};
_Static_assert(sizeof(struct ext2_super) == 1024, "ext2 superblock");

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_exclude_bitmap_lo;
	uint16_t bg_block_bitmap_csum_lo;
	uint16_t bg_inode_bitmap_csum_lo;
	uint16_t bg_itable_unused;
	uint16_t bg_checksum;
	/* With the 64bit feature and s_desc_size >= 64: */
	uint32_t bg_block_bitmap_hi;
	uint32_t bg_inode_bitmap_hi;
	uint32_t bg_inode_table_hi;
	uint16_t bg_free_blocks_count_hi;
	uint16_t bg_free_inodes_count_hi;
	uint16_t bg_used_dirs_count_hi;
	uint16_t bg_itable_unused_hi;
	uint32_t bg_exclude_bitmap_hi;
	uint16_t bg_block_bitmap_csum_hi;
	uint16_t bg_inode_bitmap_csum_hi;
	uint32_t bg_reserved;
};
_Static_assert(sizeof(struct ext2_group_desc) == 64, "ext2 group desc");

/* The first 160 bytes of an inode record (s_inode_size may be more). */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;	/* 512-byte units, metadata blocks too */
	uint32_t i_flags;
	uint32_t i_version;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;	/* extended attribute block */
	uint32_t i_size_high;
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
	/* With s_inode_size > 128, (i_extra_isize) bytes more: */
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;	/* nanoseconds << 2 | epoch bits */
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
	uint32_t i_crtime;
	uint32_t i_crtime_extra;
	uint32_t i_version_hi;
	uint32_t i_projid;
};
_Static_assert(sizeof(struct ext2_inode) == 160, "ext2 inode");
#define EXT2_INODE_EXTRA	32	/* i_extra_isize we write */

struct ext2_dirent {
	uint32_t inode;		/* 0: an unused entry */
	uint16_t rec_len;	/* to the next entry */
	uint8_t name_len;
	uint8_t file_type;	/* high byte of name_len without filetype */
	char name[];
};
#define EXT2_DIRENT_HDR		8
/* Bytes an entry of (len) name bytes needs. */
#define EXT2_DIRENT_LEN(len)	((EXT2_DIRENT_HDR + (len) + 3) & ~3u)

/* A group's descriptor as used: the on-disk one widened to 64 bits. */
struct ext2_group {
	uint64_t block_bitmap;
	uint64_t inode_bitmap;
	uint64_t inode_table;
	uint32_t free_blocks;
	uint32_t free_inodes;
	uint32_t used_dirs;
	uint16_t flags;
};

/* What ext2_super_parse() takes from a superblock, all checked. */
struct ext2_geom {
	uint32_t block_size;		/* 1024 << s_log_block_size */
	uint32_t log_block_size;	/* log2(block_size) */
	uint64_t blocks_count;
	uint64_t free_blocks;
	uint64_t r_blocks;		/* reserved for root */
	uint32_t inodes_count;
	uint32_t free_inodes;
	uint32_t first_data_block;
	uint32_t blocks_per_group;
	uint32_t inodes_per_group;
	uint32_t groups;
	uint32_t inode_size;
	uint32_t first_ino;
	uint32_t desc_size;		/* 32, or 64+ with 64bit */
	uint64_t gdt_block;		/* first block of the descriptors */
	uint32_t gdt_blocks;
	uint32_t itable_blocks;		/* per group */
	bool can_write;			/* features allow it */
	bool clean;			/* s_state valid, no errors */
	bool filetype;			/* dirents carry a type */
	bool large_file;
	const char *ro_reason;		/* why not writable, for the log */
};

/* A cached block; (pins) keep it in the cache while used. */
struct ext2_buf {
	uint64_t nr;
	uint8_t *data;
	struct ext2_buf *hnext;		/* hash chain */
	struct ext2_buf *prev, *next;	/* LRU, most recent first */
	unsigned pins;
	bool dirty;
	/* Its directory entries were found sound (ext2_dir.c) and it has
	 * not changed since: cleared by ext2_bdirty() and by new contents. */
	bool dir_checked;
};

/* Where a directory search last succeeded, to start the next one there:
 * the directory by its first block (any key would do: a wrong guess only
 * costs the search its shortcut, as every search goes round all the
 * blocks before it gives up). */
struct ext2_dir_hint {
	uint64_t key;
	uint64_t lblk;
};

/* The names of one directory (keyed as above), hashed into a Bloom
 * filter: a name whose bits are not all set is not there, which answers
 * the lookup of a new name without reading every block. Built by a
 * search that read them all, kept by additions; removals leave bits set
 * (a needless search, never a wrong answer). */
#define EXT2_FILTER_BITS	(1u << 17)	/* 16 KiB */
struct ext2_dir_filter {
	uint64_t key;
	bool valid;
	uint64_t bits[EXT2_FILTER_BITS / 64];
};

/* A file open on the filesystem: its inode, kept while any are open. */
struct ext2_open {
	uint32_t ino;
	unsigned count;
	struct ext2_open *next;
};

struct ext2_fs {
	struct mutex lock;		/* everything below */
	struct blk_dev *dev;
	struct ext2_super sb;		/* as on disk, kept current */
	struct ext2_geom g;
	struct ext2_group *groups;	/* g.groups of them */
	bool read_only;
	bool dirty_super;		/* sb or a descriptor changed */
	int io_error;			/* a write-back failed: reported once */
	/* The block cache (ext2_cache.c). */
	struct ext2_buf **hash;
	unsigned hash_mask;
	struct ext2_buf *lru_head, *lru_tail;
	unsigned nbufs, max_bufs;
	/* Where the last lookup and the last new entry were (ext2_dir.c):
	 * creating or removing names in order then takes no search. */
	struct ext2_dir_hint find_hint, add_hint;
	struct ext2_dir_filter *filter;	/* NULL until a directory needs it */
	/* Inodes with files open on them (ext2_vfs.c). */
	struct ext2_open *open;
	struct ext2_fs *next_mounted;	/* for sync() and exit */
};

/* ext2_super.c: the superblock and group descriptors (pure). */
/* Checks (sb) as found on a device of (dev_bytes) with (sector) size
 * sectors and fills (g); -EINVAL when it is not ext2 (bad magic),
 * -EUCLEAN when it is broken, -EOPNOTSUPP for features that cannot be
 * read (with (*why) naming them). */
int ext2_super_parse(const struct ext2_super *sb, uint64_t dev_bytes,
		     uint32_t sector, struct ext2_geom *g, const char **why);
/* Descriptor (i) of the descriptor blocks' bytes (raw) into (out),
 * checked against (g): -EUCLEAN for a bad one. */
int ext2_group_parse(const struct ext2_geom *g, const uint8_t *raw,
		     uint32_t i, struct ext2_group *out);
/* The reverse, into the on-disk descriptor at (raw) (its other fields
 * kept). */
void ext2_group_store(const struct ext2_geom *g, const struct ext2_group *in,
		      uint8_t *raw, uint32_t i);
/* Whether group (i) holds a backup superblock and descriptors. */
bool ext2_group_has_super(const struct ext2_super *sb, uint32_t i);
/* Whether the entry at (off) of a directory block of (bs) bytes is sane
 * for a filesystem of (inodes) inodes. */
bool ext2_dirent_ok(const uint8_t *blk, uint32_t off, uint32_t bs,
		    uint32_t inodes);
/* An entry's record length (65536-byte blocks store a whole block as 0
 * or 65535). */
uint32_t ext2_rec_len(const struct ext2_dirent *de, uint32_t bs);
/* Loads the descriptors (after ext2_super_parse) and writes them back. */
int ext2_groups_load(struct ext2_fs *fs);
int ext2_groups_store(struct ext2_fs *fs, uint32_t i);
/* Writes fs->sb into its block in the cache. */
int ext2_super_store(struct ext2_fs *fs);

/* ext2_cache.c: the block cache. */
int ext2_cache_init(struct ext2_fs *fs, unsigned max_bufs);
void ext2_cache_free(struct ext2_fs *fs);
/* Block (nr) read (pinned): -EUCLEAN past the filesystem's end. */
int ext2_bread(struct ext2_fs *fs, uint64_t nr, struct ext2_buf **out);
/* Block (nr) zero-filled without reading it (a block just allocated). */
int ext2_bzero(struct ext2_fs *fs, uint64_t nr, struct ext2_buf **out);
void ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b);
void ext2_brelse(struct ext2_fs *fs, struct ext2_buf *b);
/* Drops block (nr) from the cache unwritten (it was freed). */
void ext2_bforget(struct ext2_fs *fs, uint64_t nr);
/* (count) blocks from (nr) on, read into (buf) or written from it in one
 * device request, around the cache (whose copies are used or updated). */
int ext2_bread_run(struct ext2_fs *fs, uint64_t nr, uint32_t count,
		   void *buf);
int ext2_bwrite_run(struct ext2_fs *fs, uint64_t nr, uint32_t count,
		    const void *buf);
/* Writes every dirty block, then flushes the device. */
int ext2_cache_sync(struct ext2_fs *fs);

/* ext2_inode.c: inode records and times. */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);
int ext2_iput(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in);
/* Writes a new inode's whole record: what (in) holds, zeros after it. */
int ext2_iput_new(struct ext2_fs *fs, uint32_t ino,
		  const struct ext2_inode *in);
uint64_t ext2_isize(const struct ext2_fs *fs, const struct ext2_inode *in);
void ext2_set_isize(struct ext2_fs *fs, struct ext2_inode *in, uint64_t size);
/* Sets the times named by (which): 'a', 'm', 'c' letters, to (ns). */
void ext2_itime(struct ext2_fs *fs, struct ext2_inode *in, const char *which,
		uint64_t ns);
uint64_t ext2_itime_get(const struct ext2_fs *fs, const struct ext2_inode *in,
			char which);
void ext2_fill_stat(const struct ext2_fs *fs, uint32_t ino,
		    const struct ext2_inode *in, struct stat *st);
/* Whether a symlink keeps its target in i_block. */
bool ext2_is_fast_symlink(const struct ext2_fs *fs,
			  const struct ext2_inode *in);

/* ext2_bmap.c: logical to physical blocks, indirect blocks. */
/* Block (lblk) of the inode into (*pblk): 0 for a hole unless (create),
 * which allocates it (and the indirect blocks on the way) zero-filled,
 * near the blocks before it or else near (goal). -EFBIG past what the
 * map can address. The caller writes the inode back. */
int ext2_bmap(struct ext2_fs *fs, struct ext2_inode *in, uint64_t lblk,
	      bool create, uint64_t goal, uint64_t *pblk);
/* Frees the inode's blocks from (lblk) on. */
int ext2_truncate_blocks(struct ext2_fs *fs, struct ext2_inode *in,
			 uint64_t lblk);
/* Blocks the map can address. */
uint64_t ext2_max_blocks(const struct ext2_fs *fs);

/* ext2_extent.c: ext4 extent trees, read only. */
int ext2_extent_map(struct ext2_fs *fs, const struct ext2_inode *in,
		    uint64_t lblk, uint64_t *pblk);

/* ext2_alloc.c: block and inode bitmaps. */
int ext2_new_block(struct ext2_fs *fs, uint64_t goal, uint64_t *out);
int ext2_free_block(struct ext2_fs *fs, uint64_t nr);
/* A new inode for a child of directory (dir). */
int ext2_new_inode(struct ext2_fs *fs, uint32_t dir, bool is_dir,
		   uint32_t *out);
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir);
/* The first block of inode (ino)'s group: where its data should go. */
uint64_t ext2_group_goal(const struct ext2_fs *fs, uint32_t ino);

/* ext2_dir.c: directory entries (linear; htree blocks read as linear). */
int ext2_dir_lookup(struct ext2_fs *fs, struct ext2_inode *dir,
		    const char *name, size_t len, uint32_t *ino);
/* The next entry at or after byte (*pos) into (ent), (*pos) advanced:
 * 1, 0 at the end, -errno. */
int ext2_dir_next(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t *pos,
		  struct vfs_dirent *ent);
int ext2_dir_add(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		 const char *name, size_t len, uint32_t ino, mode_t mode);
int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir,
		    const char *name, size_t len);
/* Points the existing entry (name) at (ino) of (mode). */
int ext2_dir_set(struct ext2_fs *fs, struct ext2_inode *dir,
		 const char *name, size_t len, uint32_t ino, mode_t mode);
/* 1 if only "." and ".." are left, 0 if not, -errno. */
int ext2_dir_is_empty(struct ext2_fs *fs, struct ext2_inode *dir);
/* The first block of new directory (ino), parent (parent). */
int ext2_dir_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in,
		  uint32_t parent);

/* ext2_file.c: data of regular files and slow symlinks. */
ssize_t ext2_file_read(struct ext2_fs *fs, struct ext2_inode *in, void *buf,
		       size_t n, uint64_t off);
ssize_t ext2_file_write(struct ext2_fs *fs, uint32_t ino,
			struct ext2_inode *in, const void *buf, size_t n,
			uint64_t off);
int ext2_file_truncate(struct ext2_fs *fs, struct ext2_inode *in,
		       uint64_t size);

/* ext2_symlink.c: symbolic links. */
int ext2_symlink_read(struct ext2_fs *fs, struct ext2_inode *in, char *buf,
		      size_t size);
int ext2_symlink_write(struct ext2_fs *fs, uint32_t ino,
		       struct ext2_inode *in, const char *target);

/* ext2_vfs.c: the filesystem as the VFS sees it. */
extern const struct vfs_fs_ops ext2_fs_ops;
/* Writes back everything (sync, fsync, unmount). */
int ext2_sync_fs(struct ext2_fs *fs);
/* Frees what open files kept (inodes without names), writes back and
 * marks the filesystem clean: before it is closed, or at exit. */
int ext2_fs_finish(struct ext2_fs *fs);
/* Inodes without names that were kept for open files: freed. */
int ext2_release_orphans(struct ext2_fs *fs);

/* ext2_mount.c */
int ext2_unmount(struct vfs_mount *m);

#endif /* FS_EXT2_H */
