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
#include <kernel/etc_files.h>
#include <kernel/init.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>

#include "vfs_impl.h"

const char vfs_tmp_wanted;

/* The same programs open /dev/stdout and the like to write: those names
 * come along (fs/dev_fd.c). */
static int (*const wants_dev_fd)(const char *, int, struct vfs_file **)
	__attribute__((used)) = dev_fd_open;
/* And read /proc/meminfo and the like (fs/procfs.c). */
static int (*const wants_proc)(const char *)
	__attribute__((used)) = procfs_mount;

static bool writable_dir(const char *path)
{
	struct stat st;
	struct statfs fs;

	return vfs_stat_follow(path, &st, true) == 0 && S_ISDIR(st.st_mode) &&
	       vfs_statfs(path, &fs) == 0 && !(fs.f_flags & ST_RDONLY);
}

bool vfs_auto_wanted(const char *path)
{
	const char *root = kopt("toro.root");

	return !(root && strcmp(root, "none") == 0) && !writable_dir(path);
}

int vfs_auto_tmpfs(const char *path)
{
	int rc = tmpfs_mount(path);

	if (rc == 0)
		vfs_mount_yields(path);	/* the kernel's own mount */
	return rc;
}

static int tmp_mount(void)
{
	struct statfs fs;
	int rc;

	if (!vfs_auto_wanted("/tmp"))
		return 0;
	if (vfs_statfs("/", &fs) == 0)	/* a root without one */
		return vfs_auto_tmpfs("/tmp");
	rc = vfs_auto_tmpfs("/");
	return rc ? rc : vfs_mkdir("/tmp", 01777);
}
INIT_CALL(INIT_FS_OVER, tmp_mount);
