// SPDX-License-Identifier: MIT
/*
 * sync and syncfs: every mount's cache to its device, as Linux's sync()
 * does. A file of their own: they reach the mount table (fs/vfs_mount.c),
 * which a program that only closes descriptors must not link (with it
 * comes the root file system's set-up, initrd and virtio-fs: 36 KiB of
 * hello).
 */
#include <kernel/fd.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

SYSCALL_DEFINE0(sync)
{
	vfs_sync();
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	return ON_FD(fd, f, (vfs_sync(), 0));
}
