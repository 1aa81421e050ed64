// SPDX-License-Identifier: MIT
/*
 * write, pwrite64, pwritev: what a program writing to files calls, apart
 * from fd_io.c's writev, which stdio's output to the console uses too.
 * Kept apart so that naming vfs_tmp_wanted here gives a writable /tmp
 * (fs/tmp_auto.c) to the programs that may write files, and to no other:
 * a program that only prints (stdio writes with writev) or serves files
 * (writev, sendfile) does not link it.
 */
#include <sys/uio.h>

#include <kernel/fd.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

static const char *const wants_tmp __attribute__((used)) = &vfs_tmp_wanted;

SYSCALL_DEFINE3(write, int, fd, const void *, buf, size_t, n)
{
	return sys_epipe(fd, ON_FD(fd, f, vfs_write(f, buf, n)));
}

SYSCALL_DEFINE4(pwrite64, int, fd, const void *, buf, size_t, n, int64_t,
		off)
{
	return sys_epipe(fd, ON_FD(fd, f, vfs_pwrite(f, buf, n, off)));
}

/* The offset comes as two halves; on x86-64 the low one holds it all. */
SYSCALL_DEFINE4(pwritev, int, fd, const struct iovec *, iov, int, n, int64_t,
		off)
{
	return off < 0 ? -EINVAL :
			 sys_epipe(fd, ON_FD(fd, f, vfs_writev(f, iov, n, off)));
}
