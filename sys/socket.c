// SPDX-License-Identifier: MIT
/*
 * The socket calls that set sockets up and take them down: socket,
 * bind, listen, accept, accept4, connect, shutdown,
 * getsockname, getpeername, setsockopt, getsockopt. They check the
 * caller's memory, convert its structures and call the socket's family
 * (include/kernel/socket.h): AF_INET and AF_INET6 (lwIP), AF_UNIX or
 * AF_VSOCK.
 * Sending and receiving are socket_io.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <kernel/fd.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>

#include "socket_impl.h"
#include "sys_impl.h"

struct vfs_file *socket_file(int fd, int *err)
{
	struct vfs_file *f = fd_get(fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (!socket_ops_of(f)) {
		vfs_file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	return f;
}

bool socket_fd_is_datagram(int fd)
{
	int rc, type = 0;
	struct vfs_file *f = socket_file(fd, &rc);

	if (!f)
		return false;
	socket_ops_of(f)->getopt(f, SOCKOPT_TYPE, &type);
	vfs_file_put(f);
	return type == SOCK_DGRAM;
}

/* Runs (expr) with (f) the socket behind (fd) and (ops) its family's. */
#define ON_SOCKET(fd, f, ops, expr)                                            \
	({                                                                     \
		int err_;                                                      \
		long rc_;                                                      \
		struct vfs_file *f = socket_file(fd, &err_);                   \
		if (f) {                                                       \
			const struct socket_ops *ops = socket_ops_of(f);       \
			rc_ = (expr);                                          \
			vfs_file_put(f);                                       \
		} else {                                                       \
			rc_ = err_;                                            \
		}                                                              \
		rc_;                                                           \
	})

static long install(struct vfs_file *f, int flags)
{
	int fd = fd_install_flags(f, flags & SOCK_CLOEXEC);

	if (fd < 0)
		vfs_file_put(f);
	return fd;
}

/* AF_UNIX sockets are linked only into programs that name their
 * addresses (libc/include/sys/un.h) or make pairs (socketpair.c): for
 * the others, the family is not there. */
#pragma weak unix_socket

SYSCALL_DEFINE3(socket, int, domain, int, type, int, protocol)
{
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	bool nb = type & SOCK_NONBLOCK;
	struct vfs_file *f;
	int rc;

	if (kind < 0 || kind > 10)	/* beyond Linux's SOCK_MAX */
		return -EINVAL;
	switch (domain) {
	case AF_INET:
	case AF_INET6:
		rc = inet_socket(domain, kind, protocol, nb, &f);
		break;
	case AF_UNIX:
		if (!unix_socket)
			return -EAFNOSUPPORT;
		if (!socket_unix_protocol(protocol))
			return -EPROTONOSUPPORT;
		rc = unix_socket(kind, nb, &f);
		break;
	case AF_VSOCK:
		rc = vsock_socket(kind, protocol, nb, &f);
		break;
	default:
		return -EAFNOSUPPORT;
	}
	return rc ? rc : install(f, type);
}

SYSCALL_DEFINE3(bind, int, fd, const struct sockaddr *, addr, socklen_t, len)
{
	struct sock_addr a;
	int rc = sockaddr_in_kernel(addr, len, &a);

	return rc ? rc : ON_SOCKET(fd, f, ops, ops->bind(f, &a));
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	/* Linux compares it unsigned with somaxconn (4096): a negative
	 * backlog is the largest. */
	if ((unsigned)backlog > 4096)
		backlog = 4096;
	return ON_SOCKET(fd, f, ops, ops->listen(f, backlog));
}

static long accept_on(struct vfs_file *f, const struct socket_ops *ops,
		      struct sockaddr *addr, socklen_t *len, int flags)
{
	struct sock_addr peer;
	struct vfs_file *c;
	long rc = ops->accept(f, &peer, flags & SOCK_NONBLOCK, &c);

	if (rc)
		return rc;
	rc = sockaddr_out(&peer, addr, len);
	if (rc) {
		vfs_file_put(c);
		return rc;
	}
	return install(c, flags);
}

SYSCALL_DEFINE4(accept4, int, fd, struct sockaddr *, addr, socklen_t *, len,
		int, flags)
{
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (addr && (!len || !user_writable(len, sizeof(*len))))
		return -EFAULT;
	return ON_SOCKET(fd, f, ops, accept_on(f, ops, addr, len, flags));
}

SYSCALL_DEFINE3(accept, int, fd, struct sockaddr *, addr, socklen_t *, len)
{
	return sys_accept4(fd, (long)addr, (long)len, 0, 0, 0);
}

SYSCALL_DEFINE3(connect, int, fd, const struct sockaddr *, addr, socklen_t,
		len)
{
	struct sock_addr a;
	int rc = sockaddr_in_kernel(addr, len, &a);

	return rc ? rc : ON_SOCKET(fd, f, ops, ops->connect(f, &a));
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	return ON_SOCKET(fd, f, ops,
			 ops->shutdown(f, how == SHUT_RD ? SOCK_SHUT_RD :
					  how == SHUT_WR ? SOCK_SHUT_WR :
							   SOCK_SHUT_RDWR));
}

static long name_of(struct vfs_file *f, const struct socket_ops *ops,
		    struct sockaddr *addr, socklen_t *len, bool peer)
{
	struct sock_addr a;
	long rc = ops->name(f, &a, peer);

	return rc ? rc : sockaddr_out(&a, addr, len);
}

SYSCALL_DEFINE3(getsockname, int, fd, struct sockaddr *, addr, socklen_t *,
		len)
{
	if (!addr || !len)
		return -EFAULT;
	return ON_SOCKET(fd, f, ops, name_of(f, ops, addr, len, false));
}

SYSCALL_DEFINE3(getpeername, int, fd, struct sockaddr *, addr, socklen_t *,
		len)
{
	if (!addr || !len)
		return -EFAULT;
	return ON_SOCKET(fd, f, ops, name_of(f, ops, addr, len, true));
}

/* --- options ---------------------------------------------------------- */

enum value_kind { V_INT, V_TIMEVAL, V_LINGER };

/* Bytes, not ints: every level and name here is below 256. */
struct known {
	uint8_t level, name, opt, kind;
};

static const struct known known[] = {
	{ SOL_SOCKET, SO_REUSEADDR, SOCKOPT_REUSEADDR, V_INT },
	{ SOL_SOCKET, SO_REUSEPORT, SOCKOPT_REUSEPORT, V_INT },
	{ SOL_SOCKET, SO_KEEPALIVE, SOCKOPT_KEEPALIVE, V_INT },
	{ SOL_SOCKET, SO_BROADCAST, SOCKOPT_BROADCAST, V_INT },
	{ SOL_SOCKET, SO_LINGER, SOCKOPT_LINGER, V_LINGER },
	{ SOL_SOCKET, SO_RCVTIMEO, SOCKOPT_RCVTIMEO, V_TIMEVAL },
	{ SOL_SOCKET, SO_SNDTIMEO, SOCKOPT_SNDTIMEO, V_TIMEVAL },
	{ SOL_SOCKET, SO_ERROR, SOCKOPT_ERROR, V_INT },
	{ SOL_SOCKET, SO_TYPE, SOCKOPT_TYPE, V_INT },
	{ SOL_SOCKET, SO_ACCEPTCONN, SOCKOPT_ACCEPTCONN, V_INT },
	{ SOL_SOCKET, SO_SNDBUF, SOCKOPT_SNDBUF, V_INT },
	{ SOL_SOCKET, SO_RCVBUF, SOCKOPT_RCVBUF, V_INT },
	{ SOL_SOCKET, SO_PASSCRED, SOCKOPT_PASSCRED, V_INT },
	{ SOL_SOCKET, SO_PRIORITY, SOCKOPT_PRIORITY, V_INT },
	{ SOL_SOCKET, SO_DOMAIN, SOCKOPT_DOMAIN, V_INT },
	{ SOL_SOCKET, SO_PROTOCOL, SOCKOPT_PROTOCOL, V_INT },
	{ IPPROTO_TCP, TCP_NODELAY, SOCKOPT_NODELAY, V_INT },
	{ IPPROTO_TCP, TCP_KEEPIDLE, SOCKOPT_KEEPIDLE, V_INT },
	{ IPPROTO_TCP, TCP_KEEPINTVL, SOCKOPT_KEEPINTVL, V_INT },
	{ IPPROTO_TCP, TCP_KEEPCNT, SOCKOPT_KEEPCNT, V_INT },
	{ IPPROTO_TCP, TCP_CORK, SOCKOPT_CORK, V_INT },
	{ IPPROTO_TCP, TCP_QUICKACK, SOCKOPT_QUICKACK, V_INT },
	{ IPPROTO_TCP, TCP_DEFER_ACCEPT, SOCKOPT_DEFER_ACCEPT, V_INT },
	{ IPPROTO_TCP, TCP_FASTOPEN, SOCKOPT_FASTOPEN, V_INT },
	{ IPPROTO_TCP, TCP_USER_TIMEOUT, SOCKOPT_USER_TIMEOUT, V_INT },
	{ IPPROTO_IP, IP_TOS, SOCKOPT_TOS, V_INT },
	{ IPPROTO_IP, IP_TTL, SOCKOPT_TTL, V_INT },
	{ IPPROTO_IPV6, IPV6_V6ONLY, SOCKOPT_V6ONLY, V_INT },
};

static const struct known *lookup(int level, int name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].level == level && known[i].name == name)
			return &known[i];
	return NULL;
}


static size_t value_size(enum value_kind kind)
{
	return kind == V_TIMEVAL ? sizeof(struct timeval)
	       : kind == V_LINGER ? sizeof(struct linger) : sizeof(int);
}

/* The caller's value to the kernel's int; -EDOM for a bad timeval. */
static int to_int(enum value_kind kind, const void *value, int *out)
{
	const struct timeval *tv = value;
	const struct linger *l = value;
	long long ms;

	switch (kind) {
	case V_TIMEVAL:
		if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
			return -EDOM;
		/* Rounded up: 500 us must not become 0, "no timeout". */
		ms = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
		*out = ms > INT_MAX ? INT_MAX : (int)ms;
		return 0;
	case V_LINGER:
		*out = l->l_onoff ? (l->l_linger < 0 ? 0 : l->l_linger) : -1;
		return 0;
	default:
		memcpy(out, value, sizeof(*out));
		return 0;
	}
}

/* An option nobody knows, as Linux answers it: the descriptor is checked
 * first; then an AF_UNIX socket has no options beyond SOL_SOCKET's
 * (EOPNOTSUPP), and a known level lacks this one (ENOPROTOOPT). */
static long unknown_option(int fd, int level)
{
	struct sock_addr a = { 0 };
	long rc = ON_SOCKET(fd, f, ops, ops->name(f, &a, false));

	if (rc == -EBADF || rc == -ENOTSOCK)
		return rc;
	if (rc == 0 && a.family == AF_UNIX && level != SOL_SOCKET)
		return -EOPNOTSUPP;
	return -ENOPROTOOPT;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, const void *,
		value, socklen_t, len)
{
	const struct known *k = lookup(level, name);
	int v, rc;

	if (!k)
		return unknown_option(fd, level);
	if (len < value_size(k->kind))
		return -EINVAL;
	if (!user_readable(value, value_size(k->kind)))
		return -EFAULT;
	rc = to_int(k->kind, value, &v);
	return rc ? rc : ON_SOCKET(fd, f, ops, ops->setopt(f, k->opt, v));
}

/* SO_PEERCRED: the peer is this process, pid 1, as root. */
static long peer_cred(int fd, void *value, socklen_t *len)
{
	struct ucred cred = { .pid = 1, .uid = 0, .gid = 0 };
	struct sock_addr a;
	size_t n = *len < sizeof(cred) ? *len : sizeof(cred);
	long rc = ON_SOCKET(fd, f, ops, ops->name(f, &a, true));

	if (rc)
		return rc;
	if (!user_writable(value, n))
		return -EFAULT;
	memcpy(value, &cred, n);
	*len = sizeof(cred);
	return 0;
}

/* TCP_INFO and TCP_MAXSEG, which read TCP's state rather than an option
 * (net/tcp_info.c): an internet stream socket's; on others, as Linux. */
static long tcp_state(int fd, int level, int name, void *value,
		      socklen_t *len)
{
	struct sock_tcp_state st;
	struct tcp_info ti = { 0 };
	int err, mss;
	struct vfs_file *f = socket_file(fd, &err);

	if (!f)
		return err;
	err = inet_tcp_state(f, &st);
	vfs_file_put(f);
	if (err == -ENOPROTOOPT)
		return unknown_option(fd, level);
	mss = (int)st.mss;
	ti.tcpi_state = st.state;
	ti.tcpi_ca_state = st.ca_state;
	ti.tcpi_retransmits = st.retransmits;
	ti.tcpi_total_retrans = st.retransmits;
	ti.tcpi_options = st.wscale ? TCPI_OPT_WSCALE : 0;
	ti.tcpi_snd_wscale = st.snd_wscale;
	ti.tcpi_rcv_wscale = st.rcv_wscale;
	ti.tcpi_rto = st.rto_us;
	ti.tcpi_rtt = st.rtt_us;
	ti.tcpi_rttvar = st.rttvar_us;
	ti.tcpi_snd_mss = ti.tcpi_rcv_mss = st.mss;
	ti.tcpi_advmss = st.advmss;
	ti.tcpi_unacked = st.unacked;
	ti.tcpi_last_data_recv = ti.tcpi_last_ack_recv = st.last_recv_ms;
	ti.tcpi_snd_ssthresh = st.ssthresh;
	ti.tcpi_snd_cwnd = st.cwnd;
	ti.tcpi_rcv_space = ti.tcpi_rcv_ssthresh = st.rcv_wnd;
	ti.tcpi_snd_wnd = st.snd_wnd;
	ti.tcpi_notsent_bytes = st.notsent_bytes;

	const void *src = name == TCP_INFO ? (const void *)&ti : &mss;
	size_t size = name == TCP_INFO ? sizeof(ti) : sizeof(mss);
	size_t n = *len < size ? *len : size;

	if (!user_writable(value, n))
		return -EFAULT;
	memcpy(value, src, n);
	*len = n;
	return 0;
}

/* SO_DOMAIN and SO_PROTOCOL, alike for every family: the family of the
 * socket's address; TCP or UDP for an internet socket, else 0. */
static int identity(struct vfs_file *f, const struct socket_ops *ops,
		    enum sock_option o, int *v)
{
	struct sock_addr a = { 0 };
	int type = 0, rc = ops->name(f, &a, false);

	if (rc)
		return rc;
	*v = a.family;
	if (o == SOCKOPT_PROTOCOL) {
		ops->getopt(f, SOCKOPT_TYPE, &type);
		*v = a.family != AF_INET && a.family != AF_INET6 ? 0 :
		     type == SOCK_TYPE_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	}
	return 0;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, void *, value,
		socklen_t *, len)
{
	const struct known *k = lookup(level, name);
	union {
		int i;
		struct timeval tv;
		struct linger l;
	} out;
	size_t size;
	int v, rc;

	if (!len || !user_writable(len, sizeof(*len)) || (int)*len < 0)
		return -EFAULT;
	if (level == SOL_SOCKET && name == SO_PEERCRED)
		return peer_cred(fd, value, len);
	if (level == IPPROTO_TCP && (name == TCP_INFO || name == TCP_MAXSEG))
		return tcp_state(fd, level, name, value, len);
	if (!k)
		return unknown_option(fd, level);
	rc = ON_SOCKET(fd, f, ops, k->opt >= SOCKOPT_DOMAIN ?
					  identity(f, ops, k->opt, &v) :
					  ops->getopt(f, k->opt, &v));
	if (rc < 0)
		return rc;
	switch (k->kind) {
	case V_TIMEVAL:
		out.tv.tv_sec = v / 1000;
		out.tv.tv_usec = (v % 1000) * 1000;
		break;
	case V_LINGER:
		out.l.l_onoff = v >= 0;
		out.l.l_linger = v >= 0 ? v : 0;
		break;
	default:
		out.i = v;	/* SOCK_TYPE_* are Linux's SOCK_* */
		break;
	}
	size = value_size(k->kind);
	size = *len < size ? *len : size;
	if (!user_writable(value, size))
		return -EFAULT;
	memcpy(value, &out, size);
	*len = (socklen_t)value_size(k->kind);
	return 0;
}
