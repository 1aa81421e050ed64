// SPDX-License-Identifier: MIT
/*
 * Symbolic and hard links on virtio-fs: READLINK, SYMLINK and LINK, and
 * finding the first link of a path in one walk of LOOKUPs (each reply
 * carries the node's type), rather than a walk per leading part, which
 * is what the VFS would otherwise do. The VFS follows what is found
 * (fs/vfs_link.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "virtiofs.h"

/* Walks only as far as it must: without (last), to the last component's
 * directory, so a name at the root costs no LOOKUP at all. */
static size_t link_find(struct vfs_mount *m, const char *path, bool last)
{
	struct virtiofs *fs = m->priv;
	struct fuse_entry_out e;
	const char *slash = strrchr(path, '/');
	size_t len = last ? strlen(path) : slash ? (size_t)(slash - path) : 0;
	long end;

	if (!len)
		return 0;
	end = virtiofs_walk(fs, path, len, &e);
	if (end < 0)
		return 0;	/* the call that follows will say why */
	fuse_forget(fs, e.nodeid, 1);
	if (!S_ISLNK(e.attr.mode))
		return 0;
	return end ? (size_t)end : len;
}

/* The VFS gives room for any target (VFS_PATH_MAX - 1): a longer
 * answer is garbage, as is an empty one. */
static int link_readlink(struct vfs_mount *m, const char *path, char *buf,
			 size_t size)
{
	struct virtiofs *fs = m->priv;
	struct fuse_entry_out e;
	int rc = virtiofs_lookup(fs, path, strlen(path), &e);

	if (rc)
		return rc;
	rc = -EINVAL;
	if (S_ISLNK(e.attr.mode)) {
		struct virtq_buf res = { buf, (uint32_t)size };
		const char *why = NULL;
		long n = fuse_call(fs, FUSE_READLINK, e.nodeid, NULL, 0, &res,
				   1);

		rc = (int)fuse_link_check(buf, n, &why);
		if (why)
			virtiofs_warn(fs, FUSE_READLINK, why);
	}
	fuse_forget(fs, e.nodeid, 1);
	return rc;
}

static int link_symlink(struct vfs_mount *m, const char *target,
			const char *path)
{
	return virtiofs_make_node(m, path, FUSE_SYMLINK, NULL, target);
}

/* The node keeps its lookup across the call, as remove_name() says. */
static int link_link(struct vfs_mount *m, const char *from, const char *to)
{
	struct virtiofs *fs = m->priv;
	struct fuse_entry_out e;
	int rc = virtiofs_lookup(fs, from, strlen(from), &e);

	if (rc)
		return rc;
	struct fuse_link_in in = { .oldnodeid = e.nodeid };
	struct virtq_buf arg = { &in, sizeof(in) };

	rc = S_ISDIR(e.attr.mode) ? -EPERM :
		virtiofs_make_node(m, to, FUSE_LINK, &arg, NULL);
	fuse_forget(fs, e.nodeid, 1);
	return rc;
}

const struct vfs_link_ops virtiofs_link_ops = {
	.follow = vfs_follow_links,
	.find = link_find,
	.readlink = link_readlink,
	.symlink = link_symlink,
	.link = link_link,
};
