// SPDX-License-Identifier: MIT
/*
 * The automatic /tmp (include/kernel/vfs.h): programs expect a writable
 * /tmp for tmpfile(), mkstemp() and their own scratch files, and Linux
 * always has a root. Mounted once the file systems are, in programs that
 * may write files by name (the files that name vfs_tmp_wanted link this
 * one, and with it tmpfs).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <kernel/cmdline.h>
#include <kernel/dev_files.h>
#include <kernel/init.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>

#include "vfs_impl.h"

const char vfs_tmp_wanted;

/* The same programs open /dev/stdout and the like to write: those names
 * come along (fs/dev_fd.c). */
static int (*const wants_dev_fd)(const char *, int, struct vfs_file **)
	__attribute__((used)) = dev_fd_open;

bool vfs_writable_dir(const char *path)
{
	struct stat st;
	struct statfs fs;

	return vfs_stat_follow(path, &st, true) == 0 && S_ISDIR(st.st_mode) &&
	       vfs_statfs(path, &fs) == 0 && !(fs.f_flags & ST_RDONLY);
}

void vfs_mount_yielding(const char *path)
{
	spin_lock(&vfs_lock);
	for (int i = 0; i < VFS_MAX_MOUNTS; i++)
		if (vfs_mounts[i] && strcmp(vfs_mounts[i]->path, path) == 0)
			vfs_mounts[i]->yields = true;
	spin_unlock(&vfs_lock);
}

static int tmp_mount(void)
{
	const char *root = kopt("toro.root");
	struct statfs fs;
	int rc;

	if ((root && strcmp(root, "none") == 0) || vfs_writable_dir("/tmp"))
		return 0;
	if (vfs_statfs("/", &fs) == 0) {	/* a root without one */
		rc = tmpfs_mount("/tmp");
		if (rc == 0)
			vfs_mount_yielding("/tmp");
		return rc;
	}
	rc = tmpfs_mount("/");
	if (rc == 0) {
		vfs_mount_yielding("/");
		rc = vfs_mkdir("/tmp", 01777);
	}
	return rc;
}
INIT_CALL(INIT_FS_OVER, tmp_mount);
