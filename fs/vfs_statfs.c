// SPDX-License-Identifier: MIT
/*
 * statfs() and fstatfs() (include/kernel/vfs.h): what the filesystems say
 * of themselves, with what the VFS knows (read-only, name length). A file
 * of its own, apart from vfs.c's mounts, so that the descriptor calls
 * beside fstatfs() in sys/fd.c, which every program links, do not bring
 * the mount code (and every filesystem) with them.
 */
#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

#include <kernel/vfs.h>

#include "vfs_impl.h"

/* What every filesystem's statfs() says, from the mount. */
int vfs_mount_statfs(struct vfs_mount *m, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = 4096;
	st->f_namelen = VFS_NAME_MAX;
	int rc = m->ops->statfs ? m->ops->statfs(m, st) : 0;

	st->f_flags = m->read_only ? ST_RDONLY : 0;
	return rc;
}

/* Linux's magic numbers of the pseudo-filesystems. */
#define SOCKFS_MAGIC	0x534f434b
#define PIPEFS_MAGIC	0x50495045
#define DEVPTS_MAGIC	0x1cd1
#define ANON_INODE_FS_MAGIC 0x09041934

int vfs_fstatfs(struct vfs_file *f, struct statfs *st)
{
	struct stat sb;

	if (f->mnt)
		return vfs_mount_statfs(f->mnt, st);
	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = 4096;
	st->f_namelen = VFS_NAME_MAX;
	if (f->ops->socket) {
		st->f_type = SOCKFS_MAGIC;
	} else if (vfs_fstat(f, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
		st->f_type = PIPEFS_MAGIC;
	} else if (S_ISCHR(sb.st_mode)) {
		st->f_type = DEVPTS_MAGIC;
	} else {
		st->f_type = ANON_INODE_FS_MAGIC;	/* eventfd, epoll... */
	}
	return 0;
}

