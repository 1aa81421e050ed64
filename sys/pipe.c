// SPDX-License-Identifier: MIT
/* pipe() and pipe2() over the kernel's pipes (fs/pipe.c). */
#include <fcntl.h>

#include <kernel/fd.h>
#include <kernel/pipe.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

static long open_pipe(int *fds, int flags)
{
	struct vfs_file *rd, *wr;
	int rc;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	if (!user_writable(fds, 2 * sizeof(int)))
		return -EFAULT;
	rc = pipe_open(flags, &rd, &wr);
	if (rc)
		return rc;
	fds[0] = fd_install_flags(rd, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		rc = fds[0];
		goto err_files;
	}
	fds[1] = fd_install_flags(wr, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		rc = fds[1];
		fd_close(fds[0]);	/* drops (rd) */
		vfs_file_put(wr);
		return rc;
	}
	return 0;

err_files:
	vfs_file_put(rd);
	vfs_file_put(wr);
	return rc;
}

SYSCALL_DEFINE1(pipe, int *, fds)
{
	return open_pipe(fds, 0);
}

SYSCALL_DEFINE2(pipe2, int *, fds, int, flags)
{
	return open_pipe(fds, flags);
}
