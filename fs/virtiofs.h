/* SPDX-License-Identifier: MIT */
/*
 * Private to the virtio-fs client (fs/virtiofs_*.c): the device, FUSE
 * requests over its queues, and node lookups. The VFS sees only
 * virtiofs_mount() (include/kernel/vfs.h) and the ops it mounts.
 */
#ifndef FS_VIRTIOFS_H
#define FS_VIRTIOFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <drivers/virtio.h>
#include <kernel/vfs.h>

#include "fuse.h"

#define VIRTIOFS_TAG_MAX	36	/* bytes of tag in the config space */
#define VIRTIOFS_MAX_QUEUES	8	/* request queues we use at most */
/* Requests one read or write keeps in flight at once. */
#define VIRTIOFS_INFLIGHT	8

/* One virtio-fs device and, once mounted, its FUSE session. */
struct virtiofs {
	struct virtio_dev *vdev;
	char tag[VIRTIOFS_TAG_MAX + 1];
	struct virtq *hiprio;		/* FORGET goes here */
	struct virtq *req[VIRTIOFS_MAX_QUEUES];
	unsigned nreq;
	uint64_t next_unique;		/* atomic */

	/* Set once by the INIT exchange, read-only after. */
	bool started;
	uint32_t minor;			/* protocol 7.minor spoken */
	uint32_t flags;			/* INIT flags the daemon granted */
	uint32_t max_write;		/* data bytes per WRITE */
	uint32_t max_read;		/* data bytes per READ */
	bool mounted;			/* under mount_lock */

	struct virtiofs *next;		/* all devices, in probe order */
};

/* ------------------------------------------------------------------------
 * virtiofs_req.c: requests.
 */

/* A request in flight: what it needs until the reply is checked. */
struct fuse_msg {
	struct virtq_req vreq;
	struct fuse_in_header in;
	struct fuse_out_header out;
	struct virtq *q;
	uint64_t deadline;
	uint32_t room;		/* bytes the reply buffers hold */
};

/*
 * Sends request (opcode) about (nodeid) with arguments (args, nargs)
 * after the header, and room for the reply body in (res, nres) after the
 * reply header. Returns 0 or -errno (-EIO once the device is broken).
 */
int fuse_submit(struct virtiofs *fs, struct fuse_msg *m, uint32_t opcode,
		uint64_t nodeid, const struct virtq_buf *args, unsigned nargs,
		const struct virtq_buf *res, unsigned nres);

/* Waits for (m)'s reply and checks it. Returns the length of the body, the
 * daemon's error as -errno, or -EIO (garbage, reported on the console; or
 * no answer before the deadline: the device is then reset). */
long fuse_finish(struct virtiofs *fs, struct fuse_msg *m);

/* fuse_submit() then fuse_finish(). */
long fuse_call(struct virtiofs *fs, uint32_t opcode, uint64_t nodeid,
	       const struct virtq_buf *args, unsigned nargs,
	       const struct virtq_buf *res, unsigned nres);

/* As fuse_call() for a reply of exactly (size) bytes in (res): a body of
 * another length is garbage (-EIO). */
int fuse_call_fixed(struct virtiofs *fs, uint32_t opcode, uint64_t nodeid,
		    const struct virtq_buf *args, unsigned nargs, void *res,
		    uint32_t size);

/* Drops (n) lookups of (nodeid) (FORGET, on the high-priority queue,
 * not waited for). The root's count is never dropped. */
void fuse_forget(struct virtiofs *fs, uint64_t nodeid, uint64_t n);

/* Logs that the daemon sent garbage for (opcode). */
void virtiofs_warn(struct virtiofs *fs, uint32_t opcode, const char *why);

/* ------------------------------------------------------------------------
 * virtiofs_node.c: paths to nodes, and the calls on paths.
 */

/*
 * Resolves the first (len) bytes of (path) (relative to the root,
 * components split by '/') by LOOKUP, one component at a time. On
 * success (e) describes the node and the caller holds one lookup of
 * e->nodeid, to fuse_forget() when done ("" is the root, with no lookup
 * held: forgetting it does nothing).
 */
int virtiofs_lookup(struct virtiofs *fs, const char *path, size_t len,
		    struct fuse_entry_out *e);

/*
 * virtiofs_lookup(), except that a component before the last that is not
 * a directory ends the walk with (e) holding it (a lookup the caller
 * forgets): the offset of that component's end is returned (> 0).
 */
long virtiofs_walk(struct virtiofs *fs, const char *path, size_t len,
		   struct fuse_entry_out *e);

/*
 * Resolves the directory holding (path)'s last component into (*dir)
 * (a lookup the caller forgets) and points (*name) at that component.
 * -EINVAL for "" (the root has no parent).
 */
int virtiofs_parent(struct virtiofs *fs, const char *path, uint64_t *dir,
		    const char **name);

/* Fills (st) from (a). */
void virtiofs_stat_fill(const struct fuse_attr *a, struct stat *st);

/* A checked node: -EIO with a warning if its attributes are garbage. */
int virtiofs_entry_check(struct virtiofs *fs, uint32_t opcode,
			 const struct fuse_entry_out *e);

/* SETATTR of (nodeid) with what (a) asks (chmod, chown, utimensat);
 * through open file (fh) when (fh) is not NULL. */
int virtiofs_setattr(struct virtiofs *fs, uint64_t nodeid,
		     const uint64_t *fh, const struct vfs_attr *a);

/* Makes node (path) with (opcode) (MKDIR, MKNOD, SYMLINK, LINK) sent to
 * its directory with arguments (in) (if not NULL), the name, then
 * (after) (if not NULL); the reply is the new node's entry, of which no
 * lookup is kept. */
int virtiofs_make_node(struct vfs_mount *m, const char *path,
		       uint32_t opcode, const struct virtq_buf *in,
		       const char *after);

extern const struct vfs_fs_ops virtiofs_fs_ops;

/* virtiofs_link.c: symbolic and hard links. */
extern const struct vfs_link_ops virtiofs_link_ops;

/* ------------------------------------------------------------------------
 * virtiofs_file.c, virtiofs_dir.c: open files.
 */

/* An open file or directory: vfs_file.priv. */
struct virtiofs_file {
	struct virtiofs *fs;
	uint64_t nodeid;	/* one lookup held, forgotten at close */
	uint64_t fh;		/* the daemon's handle */
	uint32_t flags;		/* as sent with OPEN or OPENDIR */
	bool dir;

	/* Directories: the last READDIR reply and where we are in it. */
	char *buf;		/* VIRTIOFS_DIRBUF bytes */
	size_t len, pos;	/* bytes of reply, next entry */
	uint64_t cookie;	/* offset of the entry at (pos) */
	bool eof;		/* the daemon gave an empty reply */
};

#define VIRTIOFS_DIRBUF	8192

/* Opens (path) as vfs_fs_ops.open says. */
int virtiofs_open(struct vfs_mount *m, const char *path, int flags,
		  mode_t mode, struct vfs_file *f);

/* fstat and fchmod/fchown/futimens of an open file or directory. */
int virtiofs_fstat(struct vfs_file *f, struct stat *st);
int virtiofs_fsetattr(struct vfs_file *f, const struct vfs_attr *a);

/* RELEASE or RELEASEDIR (opcode) of handle (fh) of (nodeid); errors are
 * ignored, as there is nothing left to do about them. */
void virtiofs_release(struct virtiofs *fs, uint32_t opcode, uint64_t nodeid,
		      uint64_t fh, uint32_t flags);

/* virtiofs_dir.c: opens directory (nodeid) for readdir; (f) takes over
 * the caller's lookup of it on success. */
int virtiofs_opendir(struct virtiofs *fs, uint64_t nodeid, int flags,
		     struct vfs_file *f);

#endif /* FS_VIRTIOFS_H */
