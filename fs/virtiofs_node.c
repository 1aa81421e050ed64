// SPDX-License-Identifier: MIT
/*
 * Paths to FUSE nodes, and the calls that take a path. The VFS gives paths
 * relative to the mount's root; each component is a LOOKUP in the node of
 * the one before it, starting at the root (node 1). Every LOOKUP (and
 * MKDIR, CREATE) that names a node makes the daemon count one lookup of it,
 * which a FORGET must give back, or the daemon keeps the node (and an open
 * host file descriptor) forever. So a walk forgets each directory as soon
 * as its child is found, and whoever ends up holding a node forgets it
 * when done with it (an open file: at close).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "virtiofs.h"

static int lookup_one(struct virtiofs *fs, uint64_t dir, const char *name,
		      size_t len, struct fuse_entry_out *e)
{
	char buf[VFS_NAME_MAX + 1];

	if (len == 0)
		return -ENOENT;
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, name, len);
	buf[len] = '\0';

	struct virtq_buf arg = { buf, (uint32_t)len + 1 };
	int rc = fuse_call_fixed(fs, FUSE_LOOKUP, dir, &arg, 1, e, sizeof(*e));

	if (rc)
		return rc;
	if (e->nodeid == 0)	/* a negative entry: no count was taken */
		return -ENOENT;
	rc = virtiofs_entry_check(fs, FUSE_LOOKUP, e);
	if (rc)
		fuse_forget(fs, e->nodeid, 1);
	return rc;
}

int virtiofs_entry_check(struct virtiofs *fs, uint32_t opcode,
			 const struct fuse_entry_out *e)
{
	const char *why = fuse_attr_check(&e->attr);

	if (!why && e->nodeid == 0)
		why = "no node";
	if (why) {
		virtiofs_warn(fs, opcode, why);
		return -EIO;
	}
	return 0;
}

long virtiofs_walk(struct virtiofs *fs, const char *path, size_t len,
		   struct fuse_entry_out *e)
{
	uint64_t dir = FUSE_ROOT_ID;
	size_t i = 0;

	if (len == 0) {
		struct fuse_attr_out a;
		struct fuse_getattr_in in = { 0 };
		struct virtq_buf arg = { &in, sizeof(in) };
		int rc = fuse_call_fixed(fs, FUSE_GETATTR, FUSE_ROOT_ID, &arg,
					 1, &a, sizeof(a));

		if (rc)
			return rc;
		memset(e, 0, sizeof(*e));
		e->nodeid = FUSE_ROOT_ID;
		e->attr = a.attr;
		return virtiofs_entry_check(fs, FUSE_GETATTR, e);
	}
	for (;;) {
		size_t end = i;

		while (end < len && path[end] != '/')
			end++;
		int rc = lookup_one(fs, dir, path + i, end - i, e);

		fuse_forget(fs, dir, 1);	/* nothing for the root */
		if (rc)
			return rc;
		if (end >= len)
			return 0;
		if (!S_ISDIR(e->attr.mode))
			return (long)end;
		dir = e->nodeid;
		i = end + 1;
	}
}

int virtiofs_lookup(struct virtiofs *fs, const char *path, size_t len,
		    struct fuse_entry_out *e)
{
	long rc = virtiofs_walk(fs, path, len, e);

	if (rc > 0) {
		fuse_forget(fs, e->nodeid, 1);
		rc = -ENOTDIR;
	}
	return (int)rc;
}

int virtiofs_parent(struct virtiofs *fs, const char *path, uint64_t *dir,
		    const char **name)
{
	const char *slash = strrchr(path, '/');
	struct fuse_entry_out e;

	*name = slash ? slash + 1 : path;
	if (!**name)
		return -EINVAL;
	if (strlen(*name) > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (!slash) {
		*dir = FUSE_ROOT_ID;
		return 0;
	}
	int rc = virtiofs_lookup(fs, path, (size_t)(slash - path), &e);

	if (rc)
		return rc;
	if (!S_ISDIR(e.attr.mode)) {
		fuse_forget(fs, e.nodeid, 1);
		return -ENOTDIR;
	}
	*dir = e.nodeid;
	return 0;
}

void virtiofs_stat_fill(const struct fuse_attr *a, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = a->ino;
	st->st_mode = a->mode;
	st->st_nlink = a->nlink;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = a->rdev;
	st->st_size = (off_t)a->size;
	st->st_blksize = a->blksize ? a->blksize : 4096;
	st->st_blocks = (blkcnt_t)a->blocks;
	st->st_atim = (struct timespec){ (time_t)a->atime, a->atimensec };
	st->st_mtim = (struct timespec){ (time_t)a->mtime, a->mtimensec };
	st->st_ctim = (struct timespec){ (time_t)a->ctime, a->ctimensec };
}

static struct virtiofs *to_fs(struct vfs_mount *m)
{
	return m->priv;
}

static int node_stat(struct vfs_mount *m, const char *path, struct stat *st)
{
	struct virtiofs *fs = to_fs(m);
	struct fuse_entry_out e;
	int rc = virtiofs_lookup(fs, path, strlen(path), &e);

	if (rc)
		return rc;
	virtiofs_stat_fill(&e.attr, st);
	fuse_forget(fs, e.nodeid, 1);
	return 0;
}

int virtiofs_setattr(struct virtiofs *fs, uint64_t nodeid,
		     const uint64_t *fh, const struct vfs_attr *a)
{
	static const struct { unsigned vfs, fuse; } fields[] = {
		{ VFS_ATTR_MODE, FATTR_MODE },
		{ VFS_ATTR_UID, FATTR_UID },
		{ VFS_ATTR_GID, FATTR_GID },
		{ VFS_ATTR_ATIME, FATTR_ATIME },
		{ VFS_ATTR_MTIME, FATTR_MTIME },
		{ VFS_ATTR_ATIME_NOW, FATTR_ATIME_NOW },
		{ VFS_ATTR_MTIME_NOW, FATTR_MTIME_NOW },
	};
	struct fuse_setattr_in in = {
		.mode = a->mode & 07777,
		.uid = a->uid,
		.gid = a->gid,
		.atime = (uint64_t)a->atime.tv_sec,
		.atimensec = (uint32_t)a->atime.tv_nsec,
		.mtime = (uint64_t)a->mtime.tv_sec,
		.mtimensec = (uint32_t)a->mtime.tv_nsec,
	};
	struct fuse_attr_out out;
	struct virtq_buf arg = { &in, sizeof(in) };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (a->valid & fields[i].vfs)
			in.valid |= fields[i].fuse;
	if (fh) {
		in.valid |= FATTR_FH;
		in.fh = *fh;
	}
	return fuse_call_fixed(fs, FUSE_SETATTR, nodeid, &arg, 1, &out,
			       sizeof(out));
}

static int node_setattr(struct vfs_mount *m, const char *path,
			const struct vfs_attr *a)
{
	struct virtiofs *fs = to_fs(m);
	struct fuse_entry_out e;
	int rc = virtiofs_lookup(fs, path, strlen(path), &e);

	if (rc)
		return rc;
	rc = virtiofs_setattr(fs, e.nodeid, NULL, a);
	fuse_forget(fs, e.nodeid, 1);
	return rc;
}

int virtiofs_make_node(struct vfs_mount *m, const char *path,
		       uint32_t opcode, const struct virtq_buf *in,
		       const char *after)
{
	struct virtiofs *fs = to_fs(m);
	struct fuse_entry_out e;
	const char *name;
	uint64_t dir;

	if (!*path)
		return -EEXIST;
	int rc = virtiofs_parent(fs, path, &dir, &name);

	if (rc)
		return rc;
	struct virtq_buf args[3], *a = args;

	if (in)
		*a++ = *in;
	*a++ = (struct virtq_buf){ (void *)name, strlen(name) + 1 };
	if (after)
		*a++ = (struct virtq_buf){ (void *)after, strlen(after) + 1 };
	rc = fuse_call_fixed(fs, opcode, dir, args, (unsigned)(a - args), &e,
			     sizeof(e));
	/* The new node came with a lookup; we keep no node. */
	if (!rc)
		fuse_forget(fs, e.nodeid, 1);
	fuse_forget(fs, dir, 1);
	return rc;
}

static int node_mkdir(struct vfs_mount *m, const char *path, mode_t mode)
{
	struct fuse_mkdir_in in = { .mode = mode & 07777 };
	struct virtq_buf arg = { &in, sizeof(in) };

	return virtiofs_make_node(m, path, FUSE_MKDIR, &arg, NULL);
}

static int node_mknod(struct vfs_mount *m, const char *path, mode_t mode)
{
	struct fuse_mknod_in in = { .mode = mode };
	struct virtq_buf arg = { &in, sizeof(in) };

	return virtiofs_make_node(m, path, FUSE_MKNOD, &arg, NULL);
}

/*
 * UNLINK and RMDIR: a name in its directory. The node named is looked up
 * and held across the call, as a kernel client always has it: QEMU's
 * virtiofsd finds the victim among the nodes it counts and answers EIO
 * for one it does not know. The LOOKUP also gives ENOENT for a missing
 * name, rather than that EIO.
 */
static int remove_name(struct vfs_mount *m, const char *path, uint32_t opcode)
{
	struct virtiofs *fs = to_fs(m);
	const char *name;
	uint64_t dir;

	if (!*path)	/* the mount's root stays */
		return opcode == FUSE_RMDIR ? -EBUSY : -EISDIR;
	int rc = virtiofs_parent(fs, path, &dir, &name);

	if (rc)
		return rc;
	struct virtq_buf arg = { (void *)name, strlen(name) + 1 };
	struct fuse_entry_out victim;

	rc = lookup_one(fs, dir, name, strlen(name), &victim);
	if (!rc) {
		rc = fuse_call_fixed(fs, opcode, dir, &arg, 1, NULL, 0);
		fuse_forget(fs, victim.nodeid, 1);
	}
	fuse_forget(fs, dir, 1);
	return rc;
}

static int node_rmdir(struct vfs_mount *m, const char *path)
{
	return remove_name(m, path, FUSE_RMDIR);
}

static int node_unlink(struct vfs_mount *m, const char *path)
{
	return remove_name(m, path, FUSE_UNLINK);
}

static int node_rename(struct vfs_mount *m, const char *from, const char *to)
{
	struct virtiofs *fs = to_fs(m);
	const char *oldname, *newname;
	uint64_t olddir, newdir;

	if (!*from || !*to)
		return -EBUSY;
	int rc = virtiofs_parent(fs, from, &olddir, &oldname);

	if (rc)
		return rc;
	rc = virtiofs_parent(fs, to, &newdir, &newname);
	if (rc) {
		fuse_forget(fs, olddir, 1);
		return rc;
	}
	struct fuse_rename_in in = { .newdir = newdir };
	struct virtq_buf args[3] = {
		{ &in, sizeof(in) },
		{ (void *)oldname, strlen(oldname) + 1 },
		{ (void *)newname, strlen(newname) + 1 },
	};
	struct fuse_entry_out victim;

	/* The node moved is held for the call (see remove_name()). */
	rc = lookup_one(fs, olddir, oldname, strlen(oldname), &victim);
	if (!rc) {
		rc = fuse_call_fixed(fs, FUSE_RENAME, olddir, args, 3, NULL,
				     0);
		fuse_forget(fs, victim.nodeid, 1);
	}
	fuse_forget(fs, olddir, 1);
	fuse_forget(fs, newdir, 1);
	return rc;
}

static int node_statfs(struct vfs_mount *m, struct statfs *st)
{
	struct fuse_statfs_out out;
	int rc = fuse_call_fixed(to_fs(m), FUSE_STATFS, FUSE_ROOT_ID, NULL, 0,
				 &out, sizeof(out));

	if (rc)
		return rc;
	st->f_type = 0x65735546;	/* FUSE_SUPER_MAGIC */
	st->f_bsize = out.bsize;
	st->f_frsize = out.frsize ? out.frsize : out.bsize;
	st->f_blocks = out.blocks;
	st->f_bfree = out.bfree;
	st->f_bavail = out.bavail;
	st->f_files = out.files;
	st->f_ffree = out.ffree;
	if (out.namelen && out.namelen < st->f_namelen)
		st->f_namelen = out.namelen;
	return 0;
}

const struct vfs_fs_ops virtiofs_fs_ops = {
	.name = "virtiofs",
	.open = virtiofs_open,
	.stat = node_stat,
	.setattr = node_setattr,
	.statfs = node_statfs,
	.mkdir = node_mkdir,
	.mknod = node_mknod,
	.rmdir = node_rmdir,
	.unlink = node_unlink,
	.rename = node_rename,
	.links = &virtiofs_link_ops,
};
