// SPDX-License-Identifier: MIT
/*
 * Symbolic and hard links in the VFS: following symbolic links on the
 * way to a path's mount (for filesystems that have them, through their
 * ops->follow), and readlink(), symlink(), link(). A link is followed by
 * rewriting the path: its target takes the link's place (relative to the
 * link's directory unless absolute), the rest of the path is appended,
 * and the result is normalised and matched to its mount again, which may
 * be another filesystem. ".." in the path the caller gave was resolved
 * by name before any link was seen, as vfs_path.c says.
 */
#include <errno.h>
#include <string.h>

#include <kernel/etc_files.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>

#include "vfs_impl.h"

/* The end offset in lk->path of the first link of lk->rel (the last
 * component only if (last)), or 0 if there is none. */
static size_t first_link(struct vfs_lookup *lk, bool last)
{
	struct vfs_mount *m = lk->mnt;
	size_t n = 0;

	if (lk->rel[0])	/* a mount point is not a link */
		n = m->ops->links->find(m, lk->rel, last);
	return n ? (size_t)(lk->rel - lk->path) + n : 0;
}

/* Replaces the link ending at lk->path[end] by its target (in
 * (target)), into (join) of 2 * VFS_PATH_MAX bytes, then back into
 * lk->path normalised. */
static int splice(struct vfs_lookup *lk, size_t end, const char *target,
		  char *join)
{
	const char *rest = lk->path + end;
	size_t dir = 0, len = 0, t = strlen(target), r = strlen(rest);
	bool trailing;
	int rc;

	if (target[0] != '/') {
		for (size_t i = 0; i < end; i++)
			if (lk->path[i] == '/')
				dir = i;
		memcpy(join, lk->path, dir);
		len = dir;
		join[len++] = '/';
	}
	if (len + t + r + 1 > 2 * VFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(join + len, target, t);
	memcpy(join + len + t, rest, r + 1);
	rc = vfs_path_normalize("/", join, lk->path, lk->room,
				&trailing);
	if (rc < 0)
		return rc;
	/* A trailing '/' the caller gave stays; one of the target's
	 * counts only when the target was the last component. */
	lk->dir = lk->dir || (r == 0 && trailing);
	return 0;
}

int vfs_follow_links(struct vfs_lookup *lk, bool last)
{
	char *target = NULL;
	int rc = 0;

	for (unsigned hops = 0; lk->mnt->ops->links;) {
		struct vfs_mount *m = lk->mnt;
		size_t end = first_link(lk, last);

		if (!end)
			break;
		rc = -ELOOP;
		if (++hops > VFS_LINK_MAX)
			break;
		rc = -ENOMEM;
		if (!target)
			target = heap_alloc(3 * VFS_PATH_MAX);
		if (!target)
			break;
		char c = lk->path[end];

		lk->path[end] = '\0';
		rc = m->ops->links->readlink(m, lk->rel, target, VFS_PATH_MAX - 1);
		lk->path[end] = c;
		if (rc == 0)
			rc = -ENOENT;	/* an empty target */
		if (rc < 0)
			break;
		target[rc] = '\0';
		rc = splice(lk, end, target, target + VFS_PATH_MAX);
		vfs_mount_put(m);
		lk->mnt = NULL;
		if (rc == 0)
			rc = vfs_lookup_mount(lk);
		if (rc)
			break;
	}
	heap_free(target);
	if (rc && lk->mnt) {
		vfs_mount_put(lk->mnt);
		lk->mnt = NULL;
	}
	return rc;
}

int vfs_readlink(const char *path, char *buf, size_t size)
{
	struct stat st;
	int rc;
	struct vfs_lookup *lk = vfs_lookup_new(path, false, &rc);

	if (!lk)
		return rc == -ENOENT && vfs_stat(path, &st) == 0 ? -EINVAL : rc;
	struct vfs_mount *m = lk->mnt;

	if (m->ops->links && lk->rel[0]) {
		/* The filesystem is given room for any target. */
		char *t = heap_alloc(VFS_PATH_MAX);

		rc = t ? m->ops->links->readlink(m, lk->rel, t,
						 VFS_PATH_MAX - 1) : -ENOMEM;
		if (rc > 0 && (size_t)rc > size)
			rc = (int)size;
		if (rc > 0)
			memcpy(buf, t, (size_t)rc);
		heap_free(t);
	} else
		rc = vfs_lookup_stat(lk, &st) ? : -EINVAL;
	vfs_lookup_free(lk);
	return rc;
}

int vfs_symlink(const char *target, const char *path)
{
	int rc;

	if (!*target)
		return -ENOENT;
	if (strnlen(target, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	struct vfs_lookup *lk = vfs_lookup_new(path, false, &rc);

	if (!lk)
		return rc;
	struct vfs_mount *m = lk->mnt;

	if (lk->rel[0] == '\0')
		rc = -EEXIST;
	else if (m->read_only)
		rc = -EROFS;
	else if (!m->ops->links)
		rc = -EPERM;
	else
		rc = m->ops->links->symlink(m, target, lk->rel);
	vfs_lookup_free(lk);
	return rc;
}

int vfs_link(const char *from, const char *to)
{
	struct vfs_lookup *a, *b;
	int rc = vfs_lookup_pair(from, to, &a, &b);

	if (rc)
		return rc;
	struct vfs_mount *m = a->mnt;

	if (a->rel[0] == '\0')
		rc = -EPERM;
	else if (b->rel[0] == '\0')
		rc = -EEXIST;
	else if (m->read_only)
		rc = -EROFS;
	else if (!m->ops->links || !m->ops->links->link)
		rc = -EPERM;	/* symbolic links only, or none */
	else
		rc = m->ops->links->link(m, a->rel, b->rel);
	vfs_lookup_free(b);
	vfs_lookup_free(a);
	return rc;
}
