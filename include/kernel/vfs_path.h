/* SPDX-License-Identifier: MIT */
/*
 * Path names as the VFS handles them (fs/vfs_path.c): pure string work,
 * tested on the host.
 */
#ifndef KERNEL_VFS_PATH_H
#define KERNEL_VFS_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define VFS_NAME_MAX	255		/* bytes in a name */
#define VFS_PATH_MAX	4096		/* bytes in a path, with the NUL */

/*
 * Writes (path), taken relative to (cwd) unless it starts with '/', into
 * (out) as an absolute path with no ".", "..", empty components or trailing
 * '/' ("/" for the root; ".." at the root stays there). (cwd) must be
 * normalised already. (*dir) says whether (path) ended in '/', "/." or
 * "/..", so must name a directory. Returns the length, -ENOENT for "",
 * -ENAMETOOLONG when (path) has VFS_PATH_MAX bytes or more, a component
 * is longer than VFS_NAME_MAX or the result needs more than (size) bytes.
 */
int vfs_path_normalize(const char *cwd, const char *path, char *out,
		       size_t size, bool *dir);

/* What the last component of a path, as given, is: the normaliser
 * removes "." and "..", but rmdir(), unlink(), mkdir() and rename() must
 * refuse them (Linux's LAST_DOT, LAST_DOTDOT and LAST_ROOT). */
enum vfs_last {
	VFS_LAST_NAME,		/* a name ("a", "a/") */
	VFS_LAST_DOT,		/* "." ("a/.", "./") */
	VFS_LAST_DOTDOT,	/* ".." */
	VFS_LAST_ROOT,		/* none: "/", "//" */
};

/* The kind of (path)'s last component; trailing '/'s are skipped. */
enum vfs_last vfs_path_last(const char *path);

/*
 * If the normalised absolute (path) is (mnt) or below it, returns the rest
 * relative to (mnt) ("" for (mnt) itself, no leading '/'); else NULL.
 * "/data" covers "/data" and "/data/x", not "/database".
 */
const char *vfs_path_under(const char *mnt, const char *path);

/* Whether normalised (path) is (dir) itself or inside it. */
bool vfs_path_within(const char *dir, const char *path);

#endif /* KERNEL_VFS_PATH_H */
