/* SPDX-License-Identifier: MIT */
/*
 * The FUSE wire protocol, as much of it as the virtio-fs client speaks
 * (facts from the FUSE protocol, include/uapi/linux/fuse.h, 7.x). Every
 * message is a request header and arguments the daemon reads, then a
 * reply header and results it writes; all little-endian, every structure
 * padded to 8 bytes. Also the checks a reply must pass before anything
 * in it is believed (fuse_reply.c, pure: unit-tested on the host).
 */
#ifndef FS_FUSE_H
#define FS_FUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUSE_MAJOR		7
/* What we ask for: 7.36 has every field we use; virtiofsd (QEMU) refuses
 * a minor below 31. A daemon may answer with a lower minor, which both
 * sides then speak: every request we send has had its present layout
 * since 7.12 (CREATE and MKDIR gained umask then), so older daemons get
 * -EPROTO. */
#define FUSE_MINOR		36
#define FUSE_MINOR_MIN		12

#define FUSE_ROOT_ID		1	/* node id of the mount's root */

enum fuse_opcode {
	FUSE_LOOKUP = 1,
	FUSE_FORGET = 2,	/* the only request with no reply */
	FUSE_GETATTR = 3,
	FUSE_SETATTR = 4,
	FUSE_READLINK = 5,	/* reply: the target, no NUL */
	FUSE_SYMLINK = 6,	/* the name, then the target */
	FUSE_MKNOD = 8,
	FUSE_MKDIR = 9,
	FUSE_UNLINK = 10,
	FUSE_RMDIR = 11,
	FUSE_RENAME = 12,
	FUSE_LINK = 13,
	FUSE_OPEN = 14,
	FUSE_READ = 15,
	FUSE_WRITE = 16,
	FUSE_STATFS = 17,
	FUSE_RELEASE = 18,
	FUSE_FSYNC = 20,
	FUSE_FLUSH = 25,
	FUSE_INIT = 26,
	FUSE_OPENDIR = 27,
	FUSE_READDIR = 28,
	FUSE_RELEASEDIR = 29,
	FUSE_CREATE = 35,
};

/* Leads every request. */
struct fuse_in_header {
	uint32_t len;		/* whole request, this header included */
	uint32_t opcode;
	uint64_t unique;	/* echoed in the reply */
	uint64_t nodeid;	/* the node the request is about */
	uint32_t uid, gid, pid;	/* who asks: we are root, pid 1 */
	uint32_t padding;
};

/* Leads every reply. */
struct fuse_out_header {
	uint32_t len;		/* whole reply, this header included */
	int32_t error;		/* 0 or a negative errno; then no body */
	uint64_t unique;
};

/* A node's attributes, as stat() gives them. */
struct fuse_attr {
	uint64_t ino;
	uint64_t size;
	uint64_t blocks;	/* 512-byte units */
	uint64_t atime, mtime, ctime;
	uint32_t atimensec, mtimensec, ctimensec;
	uint32_t mode;		/* type and permission bits, as st_mode */
	uint32_t nlink;
	uint32_t uid, gid;
	uint32_t rdev;
	uint32_t blksize;
	uint32_t flags;
};

/* INIT: start the session; each side says what it speaks and wants. */
struct fuse_init_in {
	uint32_t major, minor;
	uint32_t max_readahead;
	uint32_t flags;
	uint32_t flags2;	/* flags 32-63, with FUSE_INIT_EXT */
	uint32_t unused[11];
};

struct fuse_init_out {
	uint32_t major, minor;
	uint32_t max_readahead;
	uint32_t flags;		/* what the daemon granted */
	uint16_t max_background;
	uint16_t congestion_threshold;
	uint32_t max_write;	/* largest WRITE payload */
	uint32_t time_gran;
	uint16_t max_pages;	/* with FUSE_MAX_PAGES: pages per request */
	uint16_t map_alignment;
	uint32_t flags2;
	uint32_t unused[7];
};

/* The part of the init reply a daemon of 7.5 to 7.22 sends; later ones
 * send it all, zeros where they know no field. */
#define FUSE_INIT_OUT_MIN	offsetof(struct fuse_init_out, time_gran)

/* INIT flags we use. */
#define FUSE_ATOMIC_O_TRUNC	(1u << 3)	/* OPEN honours O_TRUNC */
#define FUSE_BIG_WRITES		(1u << 5)	/* writes beyond 4 KiB */
#define FUSE_DONT_MASK		(1u << 6)	/* no umask applied for us */
#define FUSE_MAX_PAGES		(1u << 22)	/* max_pages is meaningful */

/* LOOKUP, MKDIR, CREATE: a node the daemon now counts one lookup more
 * for; each must be matched by a FORGET. A node id of 0 is a negative
 * answer ("no such name"), with no count taken. */
struct fuse_entry_out {
	uint64_t nodeid;
	uint64_t generation;
	uint64_t entry_valid, attr_valid;	/* cache lifetimes: unused */
	uint32_t entry_valid_nsec, attr_valid_nsec;
	struct fuse_attr attr;
};

struct fuse_forget_in {
	uint64_t nlookup;	/* lookups to drop */
};

#define FUSE_GETATTR_FH		(1u << 0)	/* fh below is meaningful */

struct fuse_getattr_in {
	uint32_t getattr_flags;
	uint32_t dummy;
	uint64_t fh;
};

struct fuse_attr_out {
	uint64_t attr_valid;
	uint32_t attr_valid_nsec;
	uint32_t dummy;
	struct fuse_attr attr;
};

/* SETATTR: which fields of the request to apply. */
#define FATTR_MODE		(1u << 0)
#define FATTR_UID		(1u << 1)
#define FATTR_GID		(1u << 2)
#define FATTR_SIZE		(1u << 3)
#define FATTR_ATIME		(1u << 4)
#define FATTR_MTIME		(1u << 5)
#define FATTR_FH		(1u << 6)
#define FATTR_ATIME_NOW		(1u << 7)
#define FATTR_MTIME_NOW		(1u << 8)

struct fuse_setattr_in {
	uint32_t valid;		/* FATTR_* */
	uint32_t padding;
	uint64_t fh;
	uint64_t size;
	uint64_t lock_owner;
	uint64_t atime, mtime, ctime;
	uint32_t atimensec, mtimensec, ctimensec;
	uint32_t mode;
	uint32_t unused4;
	uint32_t uid, gid;
	uint32_t unused5;
};

/* MKDIR: then the name, NUL-terminated. */
struct fuse_mkdir_in {
	uint32_t mode;
	uint32_t umask;
};

/* MKNOD: then the name, NUL-terminated. */
struct fuse_mknod_in {
	uint32_t mode;
	uint32_t rdev;
	uint32_t umask;
	uint32_t padding;
};

/* RENAME: then the old name and the new name, each NUL-terminated. */
struct fuse_rename_in {
	uint64_t newdir;
};

/* LINK, to the new name's directory: then the new name. */
struct fuse_link_in {
	uint64_t oldnodeid;	/* the node that gets the name */
};

/* OPEN, OPENDIR. */
struct fuse_open_in {
	uint32_t flags;		/* open() flags */
	uint32_t open_flags;
};

/* CREATE: then the name, NUL-terminated. Replies fuse_entry_out then
 * fuse_open_out. */
struct fuse_create_in {
	uint32_t flags;
	uint32_t mode;
	uint32_t umask;
	uint32_t open_flags;
};

struct fuse_open_out {
	uint64_t fh;		/* the daemon's handle for the open file */
	uint32_t open_flags;
	uint32_t padding;
};

/* RELEASE, RELEASEDIR. */
struct fuse_release_in {
	uint64_t fh;
	uint32_t flags;		/* the flags it was opened with */
	uint32_t release_flags;
	uint64_t lock_owner;
};

struct fuse_flush_in {
	uint64_t fh;
	uint32_t unused;
	uint32_t padding;
	uint64_t lock_owner;
};

/* READ, READDIR: the reply body is up to (size) bytes. */
struct fuse_read_in {
	uint64_t fh;
	uint64_t offset;
	uint32_t size;
	uint32_t read_flags;
	uint64_t lock_owner;
	uint32_t flags;
	uint32_t padding;
};

/* WRITE: then (size) bytes of data. */
struct fuse_write_in {
	uint64_t fh;
	uint64_t offset;
	uint32_t size;
	uint32_t write_flags;
	uint64_t lock_owner;
	uint32_t flags;
	uint32_t padding;
};

struct fuse_write_out {
	uint32_t size;		/* bytes written */
	uint32_t padding;
};

struct fuse_fsync_in {
	uint64_t fh;
	uint32_t fsync_flags;
	uint32_t padding;
};

struct fuse_statfs_out {
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
	uint32_t bsize;
	uint32_t namelen;
	uint32_t frsize;
	uint32_t padding;
	uint32_t spare[6];
};

/* READDIR replies are a run of these, each padded to 8 bytes. (off) is
 * what to ask for to continue after this entry. */
struct fuse_dirent {
	uint64_t ino;
	uint64_t off;
	uint32_t namelen;
	uint32_t type;		/* DT_* */
	char name[];
};

/* The layouts are the protocol's: a wrong size is a broken client. */
_Static_assert(sizeof(struct fuse_in_header) == 40, "fuse_in_header");
_Static_assert(sizeof(struct fuse_out_header) == 16, "fuse_out_header");
_Static_assert(sizeof(struct fuse_attr) == 88, "fuse_attr");
_Static_assert(sizeof(struct fuse_init_in) == 64, "fuse_init_in");
_Static_assert(sizeof(struct fuse_init_out) == 64, "fuse_init_out");
_Static_assert(FUSE_INIT_OUT_MIN == 24, "fuse_init_out 7.22");
_Static_assert(sizeof(struct fuse_entry_out) == 128, "fuse_entry_out");
_Static_assert(sizeof(struct fuse_attr_out) == 104, "fuse_attr_out");
_Static_assert(sizeof(struct fuse_setattr_in) == 88, "fuse_setattr_in");
_Static_assert(sizeof(struct fuse_create_in) == 16, "fuse_create_in");
_Static_assert(sizeof(struct fuse_open_out) == 16, "fuse_open_out");
_Static_assert(sizeof(struct fuse_release_in) == 24, "fuse_release_in");
_Static_assert(sizeof(struct fuse_flush_in) == 24, "fuse_flush_in");
_Static_assert(sizeof(struct fuse_read_in) == 40, "fuse_read_in");
_Static_assert(sizeof(struct fuse_write_in) == 40, "fuse_write_in");
_Static_assert(sizeof(struct fuse_statfs_out) == 80, "fuse_statfs_out");
_Static_assert(sizeof(struct fuse_dirent) == 24, "fuse_dirent");

/* ------------------------------------------------------------------------
 * fuse_reply.c: checks on what the daemon answered.
 */

/* Largest errno a reply may carry (as Linux's MAX_ERRNO). */
#define FUSE_ERRNO_MAX		4095

/*
 * Checks a reply the device says is (used) bytes long, to a request with
 * (unique), whose buffers had room for (room) bytes. Returns the body's
 * length (>= 0), the daemon's error as -errno, or -EIO with (*why) set to
 * what was wrong (for the caller's warning).
 */
long fuse_reply_check(const struct fuse_out_header *out, uint32_t used,
		      uint32_t room, uint64_t unique, const char **why);

/* A directory entry parsed out of a READDIR reply. */
struct fuse_dirent_view {
	uint64_t ino;
	uint64_t off;
	unsigned type;
	const char *name;	/* not terminated: (namelen) bytes */
	uint32_t namelen;
};

/*
 * Parses the entry at byte (pos) of a READDIR reply body (buf, len).
 * Returns the position of the next entry (> pos), 0 at the end of the
 * body, or -EIO with (*why) set if the entry runs past the body, has a
 * name that is empty, too long, or holds '/' or NUL, or a bad type.
 */
long fuse_dirent_next(const void *buf, size_t len, size_t pos,
		      struct fuse_dirent_view *ent, const char **why);

/* What is wrong with attributes (a) (a time or size out of range, an
 * unknown file type), or NULL if they are believable. */
const char *fuse_attr_check(const struct fuse_attr *a);

/* A READLINK reply body of (len) bytes (or -errno) in (target): its
 * length, or -EIO with (*why) set for an empty target or one holding a
 * NUL. */
long fuse_link_check(const char *target, long len, const char **why);

#endif /* FS_FUSE_H */
