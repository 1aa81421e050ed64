// SPDX-License-Identifier: MIT
/*
 * socketpair(): two connected AF_UNIX sockets. On its own so that the
 * AF_UNIX family, which it names, comes into a program that calls it
 * (socket.c names the family only weakly).
 */
#include <sys/socket.h>

#include <kernel/fd.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>

#include "socket_impl.h"
#include "sys_impl.h"

SYSCALL_DEFINE4(socketpair, int, domain, int, type, int, protocol, int *, sv)
{
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct vfs_file *f[2];
	int rc;

	if (domain != AF_UNIX)
		return domain == AF_INET || domain == AF_VSOCK ? -EOPNOTSUPP :
						     -EAFNOSUPPORT;
	if (!socket_unix_protocol(protocol))
		return -EPROTONOSUPPORT;
	if (!user_writable(sv, 2 * sizeof(int)))
		return -EFAULT;
	rc = unix_socketpair(kind, type & SOCK_NONBLOCK, f);
	if (rc)
		return rc;
	sv[0] = fd_install_flags(f[0], type & SOCK_CLOEXEC);
	if (sv[0] < 0) {
		vfs_file_put(f[0]);
		vfs_file_put(f[1]);
		return sv[0];
	}
	sv[1] = fd_install_flags(f[1], type & SOCK_CLOEXEC);
	if (sv[1] < 0) {
		fd_close(sv[0]);
		vfs_file_put(f[1]);
		return sv[1];
	}
	return 0;
}
