/* SPDX-License-Identifier: MIT */
/*
 * The index of an initrd (fs/initrd_index.c): every file of a cpio archive
 * by normalised path, sorted, so a lookup is a binary search and the
 * entries of a directory are one run of the array. Directories that only
 * appear in other entries' paths are added. Pure code over the archive's
 * memory, tested on the host; fs/initrd.c makes a filesystem of it.
 */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include <stddef.h>
#include <stdint.h>

struct initrd_node {
	const char *name;	/* path from the root, not NUL-terminated */
	uint32_t len;		/* of (name); 0 for the root */
	uint32_t mode;		/* type and permissions, as in the archive */
	const void *data;	/* file contents or link target, in the archive */
	uint64_t size;
	uint64_t ino;
	uint32_t nlink;
	uint32_t mtime;
	/* While building: the archive order (0 for implied directories),
	 * so the last of several entries for one path wins, and the
	 * device number, for hard links. */
	uint32_t order;
	uint32_t dev;
};

struct initrd_index {
	struct initrd_node *nodes;	/* sorted by name; [0] is the root */
	size_t n;
	char *names;			/* normalised names that needed a copy */
};

/* Indexes the cpio archive at (archive). Returns 0, -EINVAL for a malformed
 * archive (cpio.h) or -ENOMEM. The archive must stay where it is. */
int initrd_index_build(struct initrd_index *ix, const void *archive,
		       size_t size);
void initrd_index_free(struct initrd_index *ix);

/* The node for normalised relative (path) ("" for the root), or NULL with
 * (*err) set to -ENOENT, or -ENOTDIR when a parent is not a directory. */
const struct initrd_node *initrd_lookup(const struct initrd_index *ix,
					const char *path, int *err);

/* The directory holding (node); the root for the root. */
const struct initrd_node *initrd_parent(const struct initrd_index *ix,
					const struct initrd_node *node);

/* The entries of directory (dir) are nodes (*pos) onward: returns the next
 * one and advances (*pos), or NULL at the end. Start with *pos = 0. */
const struct initrd_node *initrd_next_child(const struct initrd_index *ix,
					    const struct initrd_node *dir,
					    uint64_t *pos);

/* The last component of (node)'s name, and its length. */
const char *initrd_basename(const struct initrd_node *node, size_t *len);

#endif /* KERNEL_INITRD_H */
