// SPDX-License-Identifier: MIT
/*
 * The automatic /dev/shm (include/kernel/vfs.h): shm_open() and
 * sem_open() make their objects there, as on Linux, where it is always a
 * tmpfs, and memfd_create() its unnamed files. Mounted once the file
 * systems are, unless /dev/shm is a writable directory already, in
 * programs that call them (libc/shm_open.c and libc/memfd_create.c name
 * vfs_shm_wanted); with it comes the automatic /tmp (tmp_auto.c).
 */
#include <kernel/init.h>
#include <kernel/vfs.h>

#include "vfs_impl.h"

const char vfs_shm_wanted;

static int shm_mount(void)
{
	return vfs_auto_wanted("/dev/shm") ? vfs_auto_tmpfs("/dev/shm") : 0;
}
INIT_CALL(INIT_FS_OVER, shm_mount);
