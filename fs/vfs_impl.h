/* SPDX-License-Identifier: MIT */
/* Declarations shared by the VFS's own files (fs/vfs*.c, fs/fd.c). */
#ifndef FS_VFS_IMPL_H
#define FS_VFS_IMPL_H

#include <kernel/vfs.h>

/* vfs.c: a path resolved to its mount. */
struct vfs_lookup {
	char path[VFS_PATH_MAX];	/* normalised, absolute */
	const char *rel;		/* in (path), relative to (mnt) */
	struct vfs_mount *mnt;		/* with a user reference */
	bool dir;			/* the path must name a directory */
};

/* Resolves (path) into (lk); on success the caller must vfs_mount_put()
 * lk->mnt. -ENOENT when nothing is mounted there. */
int vfs_lookup(const char *path, struct vfs_lookup *lk);
void vfs_mount_put(struct vfs_mount *m);

/* The same in a struct from the heap, not from a thread stack that may be
 * small: NULL with (*rc) set on failure. vfs_lookup_free() puts the mount
 * and frees it. */
struct vfs_lookup *vfs_lookup_new(const char *path, int *rc);
void vfs_lookup_free(struct vfs_lookup *lk);

/* (st) filled in for the looked-up path; -ENOTDIR if it had to be a
 * directory and is not. */
int vfs_lookup_stat(struct vfs_lookup *lk, struct stat *st);

#endif /* FS_VFS_IMPL_H */
