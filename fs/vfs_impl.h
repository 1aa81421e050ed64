/* SPDX-License-Identifier: MIT */
/* Declarations shared by the VFS's own files (fs/vfs*.c, fs/fd.c). */
#ifndef FS_VFS_IMPL_H
#define FS_VFS_IMPL_H

#include <kernel/compiler.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>

/* vfs.c: the mount table, which vfs_mount.c changes, and the current
 * directory, under (vfs_lock). */
#define VFS_MAX_MOUNTS 16
extern struct spinlock vfs_lock;
extern struct vfs_mount *vfs_mounts[VFS_MAX_MOUNTS];

/* A path resolved to its mount. (path) has room for (room) bytes: as
 * many as the path given can need, VFS_PATH_MAX only when a link on the
 * way makes it longer, so that a lookup of a usual path is a small heap
 * block rather than whole pages. */
struct vfs_lookup {
	const char *rel;		/* in (path), relative to (mnt) */
	struct vfs_mount *mnt;		/* with a user reference */
	bool dir;			/* the path must name a directory */
	size_t room;			/* bytes of (path) */
	char path[];			/* normalised, absolute */
};

/* The mount of the normalised lk->path: lk->mnt (with a user
 * reference) and lk->rel; -ENOENT when nothing is mounted there. */
int vfs_lookup_mount(struct vfs_lookup *lk);

static inline void vfs_mount_put(struct vfs_mount *m)
{
	__atomic_fetch_sub(&m->users, 1, __ATOMIC_RELEASE);
}

/* Resolves (path) into a struct from the heap (not from a thread stack,
 * which may be small): NULL with (*rc) set on failure, -ENOENT when
 * nothing is mounted there. Symbolic links on the way are followed
 * (ops->links), the last component's only if (follow) or the path ends
 * in '/'. vfs_lookup_free() puts the mount and frees it. */
struct vfs_lookup *vfs_lookup_new(const char *path, bool follow, int *rc);
void vfs_lookup_free(struct vfs_lookup *lk);

/* Both paths, neither's last component followed (rename, link): -EXDEV
 * when they are on different mounts. */
int vfs_lookup_pair(const char *from, const char *to, struct vfs_lookup **a,
		    struct vfs_lookup **b);

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

/*
 * vfs_map.c, in the image only with shared file mappings (mmap(MAP_SHARED)
 * of a file). (vfs_shared_maps), vfs_file.c's, counts them, so that a read
 * or write checks for one with a load. vfs_map_file_io() brings a read's
 * buffer up to date from the mappings of [off, off + n) of (f)'s file, or
 * a write's into them, and returns (n); vfs_map_truncated() zeroes them past the file's
 * new end; vfs_map_write_back() writes back the mappings of (f)'s file, or
 * of every file when (f) is NULL.
 */
extern unsigned vfs_shared_maps;
ssize_t vfs_map_file_io(struct vfs_file *f, void *buf, size_t n,
			int64_t off, bool write) __weak;
void vfs_map_truncated(struct vfs_file *f, int64_t size) __weak;
int vfs_map_write_back(struct vfs_file *f) __weak;

/* fifo.c's, set by its vfs_mkfifo() (so that an image whose mknod() is
 * never called keeps none of it), else NULL: opens (f), whose node (st)
 * a filesystem said is a FIFO, with the open() (flags), waiting for the
 * other side as Linux does. 0 or -errno, (f) then left as it was. */
extern int (*vfs_fifo_open)(struct vfs_file *f, const struct stat *st,
			    int flags);

/* tmp_auto.c, for the automatic mounts (/tmp, shm_auto.c's /dev/shm):
 * whether one is wanted at (path) (toro.root is not "none" and (path)
 * is not a writable directory already); and mounting
 * a tmpfs there as the kernel's own, which gives way to a program's
 * mount at the same path. */
bool vfs_auto_wanted(const char *path);
int vfs_auto_tmpfs(const char *path);

/* vfs_mount.c: the mount at (path) is the kernel's own (the automatic
 * /tmp, /dev/shm, /proc), which one of the program's there replaces. */
void vfs_mount_yields(const char *path);

/* vfs_mount.c: mounts the root filesystem ("toro.root="), at start-up. */
int vfs_mount_root(void);

/* vfs_statfs.c: statfs() of mount (m). */
int vfs_mount_statfs(struct vfs_mount *m, struct statfs *st);

#endif /* FS_VFS_IMPL_H */
