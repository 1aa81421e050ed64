// SPDX-License-Identifier: MIT
/*
 * Socket addresses between the caller's structures (Linux's sockaddr_in,
 * sockaddr_in6, sockaddr_un and sockaddr_vm) and the kernel's struct
 * sock_addr, checked on the way in and cut to the caller's room on the way
 * out.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>
#include <linux/vm_sockets.h>

#include "socket_impl.h"
#include "sys_impl.h"

int sockaddr_in_kernel(const struct sockaddr *sa, socklen_t len,
		       struct sock_addr *a)
{
	if ((int)len < (int)sizeof(sa_family_t) ||
	    len > sizeof(struct sockaddr_storage))
		return -EINVAL;
	if (!user_readable(sa, len))
		return -EFAULT;
	memset(a, 0, sizeof(*a));
	a->family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		if (len < sizeof(*sin))
			return -EINVAL;
		a->ip = sin->sin_addr.s_addr;
		a->port = sin->sin_port;
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
			(const struct sockaddr_in6 *)sa;

		/* Linux takes RFC 2133's 24 bytes, without the scope. */
		if (len < offsetof(struct sockaddr_in6, sin6_scope_id))
			return -EINVAL;
		a->port = sin6->sin6_port;
		memcpy(a->ip6, &sin6->sin6_addr, sizeof(a->ip6));
		if (len >= sizeof(*sin6))
			a->scope_id = sin6->sin6_scope_id;
		return 0;
	}
	if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);

		if (len > sizeof(*sun))
			return -EINVAL;
		a->len = n;
		memcpy(a->path, sun->sun_path, n);
		return 0;
	}
	if (sa->sa_family == AF_VSOCK) {
		const struct sockaddr_vm *svm = (const struct sockaddr_vm *)sa;

		if (len < sizeof(*svm))
			return -EINVAL;
		a->cid = svm->svm_cid;
		a->vport = svm->svm_port;
		return 0;
	}
	/* Another family is the socket's to refuse, each its own way:
	 * AF_INET says EAFNOSUPPORT, AF_UNIX EINVAL. */
	return 0;
}

int sockaddr_out(const struct sock_addr *a, struct sockaddr *sa,
		 socklen_t *len)
{
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
		struct sockaddr_vm vm;
	} u;
	size_t full, n;

	if (!sa)
		return 0;
	if (!len || !user_writable(len, sizeof(*len)) || (int)*len < 0)
		return -EFAULT;
	memset(&u, 0, sizeof(u));
	if (a->family == AF_UNSPEC) {
		full = 0;	/* no address: an unnamed AF_UNIX sender */
	} else if (a->family == AF_UNIX) {
		u.un.sun_family = AF_UNIX;
		memcpy(u.un.sun_path, a->path, a->len);
		/* A path is given with its NUL, as Linux does. */
		full = offsetof(struct sockaddr_un, sun_path) + a->len +
		       (a->len && a->path[0] && a->len < sizeof(a->path));
	} else if (a->family == AF_INET6) {
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_port = a->port;
		memcpy(&u.in6.sin6_addr, a->ip6, sizeof(a->ip6));
		u.in6.sin6_scope_id = a->scope_id;
		full = sizeof(u.in6);
	} else if (a->family == AF_VSOCK) {
		u.vm.svm_family = AF_VSOCK;
		u.vm.svm_cid = a->cid;
		u.vm.svm_port = a->vport;
		full = sizeof(u.vm);
	} else {
		u.in.sin_family = AF_INET;
		u.in.sin_port = a->port;
		u.in.sin_addr.s_addr = a->ip;
		full = sizeof(u.in);
	}
	n = *len < full ? *len : full;
	if (!user_writable(sa, n))
		return -EFAULT;
	memcpy(sa, &u, n);
	*len = full;
	return 0;
}
