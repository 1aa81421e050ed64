// SPDX-License-Identifier: MIT
/*
 * flock() (fs/flock.c), in a file of its own: the locks' code, and the
 * release every close() makes when a program has taken any (a weak call),
 * are linked only into programs that call flock().
 */
#include <kernel/fd.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

SYSCALL_DEFINE2(flock, int, fd, int, op)
{
	return ON_FD(fd, f, vfs_flock(f, op));
}
