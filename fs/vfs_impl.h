/* SPDX-License-Identifier: MIT */
/* Declarations shared by the VFS's own files (fs/vfs*.c, fs/fd.c). */
#ifndef FS_VFS_IMPL_H
#define FS_VFS_IMPL_H

#include <kernel/compiler.h>
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

static inline void vfs_mount_put(struct vfs_mount *m)
{
	__atomic_fetch_sub(&m->users, 1, __ATOMIC_RELEASE);
}

/* The same in a struct from the heap, not from a thread stack that may be
 * small: NULL with (*rc) set on failure. vfs_lookup_free() puts the mount
 * and frees it. */
struct vfs_lookup *vfs_lookup_new(const char *path, int *rc);
void vfs_lookup_free(struct vfs_lookup *lk);

/* (st) filled in for the looked-up path; -ENOTDIR if it had to be a
 * directory and is not. */
int vfs_lookup_stat(struct vfs_lookup *lk, struct stat *st);

/*
 * Called for a file whose last reference is gone, before it is freed:
 * vfs_poll.c tells its pollers, flock.c drops its flock() lock. Weak, so
 * a program that never polls or locks links neither: a file can only have
 * pollers or a lock if the code that gives them is in the image.
 */
void vfs_poll_release(struct vfs_file *f) __weak;
void vfs_flock_release(struct vfs_file *f) __weak;

/* vfs_statfs.c: statfs() of mount (m). */
int vfs_mount_statfs(struct vfs_mount *m, struct statfs *st);

#endif /* FS_VFS_IMPL_H */
