// SPDX-License-Identifier: MIT
/*
 * AF_INET and AF_INET6 sockets (include/kernel/socket.h): each is a file
 * over an lwIP socket, so read/write/close/dup/poll work on it like on any
 * file. The socket ops convert our address to lwIP's (which has a length
 * byte) and call lwIP's socket layer, whose errno values are ours
 * (<kernel/kerrno.h>).
 *
 * lwIP's sockets never block here (socket_poll.c): a call that would,
 * on a socket without O_NONBLOCK, waits for readiness in sock_wait() and
 * tries again, so a signal or a cancellation can end the wait (-EINTR)
 * and SO_RCVTIMEO/SO_SNDTIMEO are ours to keep.
 */
#include <kernel/kerrno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/exit.h>
#include <kernel/heap.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>
#include <toro/thread.h>

#include "lwip/api.h"
#include "lwip/netif.h"
#include "lwip/priv/api_msg.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sockets.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"

#include "net_impl.h"

static const struct vfs_file_ops sock_file_ops;

/* Sockets' data must not die with the VM: exit waits for it (drain.c). */
EXIT_CALL(net_drain);

long lwip_result(long rc)
{
	int err;

	if (rc >= 0)
		return rc;
	err = errno ? errno : EIO;
	return -err;
}

/*
 * (rc) for a caller that will not wait: -EAGAIN lets this CPU's other
 * threads run first. Threads are cooperative, and a program that polls
 * with non-blocking calls would otherwise keep its CPU from lwIP's.
 */
static long not_waiting(long rc)
{
	if (rc == -EAGAIN)
		thread_yield();
	return rc;
}

/*
 * The wait of a blocking call that lwIP said -EAGAIN to. The first one
 * sleeps at once: a yield before it would cost two more switches (a
 * twentieth of the web server's time per request). Once a wait (again)
 * said the socket was ready and lwIP still said -EAGAIN (its queue of
 * segments full while there is room in bytes, say), this CPU's other
 * threads run first, lwIP's among them: the call would spin without
 * them (the stress test's server stopped for good).
 */
static int wait_again(struct vfs_file *f, unsigned events, int timeout_ms,
		      bool again)
{
	if (again)
		thread_yield();
	return sock_wait(f, events, timeout_ms);
}

/* Whether a call on (f) with per-call (flags) waits rather than saying
 * -EAGAIN. */
static bool blocking(const struct vfs_file *f, int flags)
{
	return !(flags & SOCK_DONTWAIT) && !(f->flags & O_NONBLOCK);
}

/* An address as lwIP's socket layer takes it. */
union lwip_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
#if LWIP_IPV6
	struct sockaddr_in6 in6;
#endif
};

/* Fills (u) from (a), its length in (*len), for socket (f): 0, or
 * -EAFNOSUPPORT for an address of the other family, as Linux says for an
 * IPv4 address given to an IPv6 socket and back. */
static int to_lwip(struct vfs_file *f, const struct sock_addr *a,
		   union lwip_addr *u, socklen_t *len)
{
	if (a->family != (sock_of(f)->v6 ? SOCK_FAMILY_INET6
					 : SOCK_FAMILY_INET))
		return -EAFNOSUPPORT;
	memset(u, 0, sizeof(*u));
#if LWIP_IPV6
	if (a->family == SOCK_FAMILY_INET6) {
		u->in6.sin6_len = sizeof(u->in6);
		u->in6.sin6_family = AF_INET6;
		u->in6.sin6_port = a->port;
		memcpy(&u->in6.sin6_addr, a->ip6, sizeof(a->ip6));
		u->in6.sin6_scope_id = a->scope_id;
		*len = sizeof(u->in6);
		return 0;
	}
#endif
	u->in.sin_len = sizeof(u->in);
	u->in.sin_family = AF_INET;
	u->in.sin_port = a->port;
	u->in.sin_addr.s_addr = a->ip;
	*len = sizeof(u->in);
	return 0;
}

/* (u), from lwIP about socket (f), to (a). An IPv4 peer of an IPv6
 * socket is ::ffff:a.b.c.d, as on Linux (lwIP's accept and getpeername
 * say AF_INET). */
static void from_lwip(struct vfs_file *f, const union lwip_addr *u,
		      struct sock_addr *a)
{
#if LWIP_IPV6
	if (u->sa.sa_family == AF_INET6) {
		a->family = SOCK_FAMILY_INET6;
		a->port = u->in6.sin6_port;
		memcpy(a->ip6, &u->in6.sin6_addr, sizeof(a->ip6));
		a->scope_id = u->in6.sin6_scope_id;
		return;
	}
	if (sock_of(f)->v6) {
		static const uint8_t v4_mapped[12] = {
			[10] = 0xff, [11] = 0xff
		};

		memcpy(a->ip6, v4_mapped, sizeof(v4_mapped));
		memcpy(a->ip6 + 12, &u->in.sin_addr.s_addr, 4);
		a->family = SOCK_FAMILY_INET6;
		a->port = u->in.sin_port;
		a->scope_id = 0;
		return;
	}
#else
	(void)f;
#endif
	a->family = SOCK_FAMILY_INET;
	a->ip = u->in.sin_addr.s_addr;
	a->port = u->in.sin_port;
}

/* Wraps lwIP socket (s), TCP if (tcp), in a new file; closes (s) on
 * failure. */
static int wrap(int s, bool tcp, bool v6, bool nonblock,
		struct vfs_file **out)
{
	struct sock *sk = heap_zalloc(sizeof(*sk));
	struct vfs_file *f;

	*out = NULL;
	if (!sk) {
		lwip_close(s);
		return -ENOMEM;
	}
	sk->s = s;
	sk->tcp = tcp;
	sk->v6 = v6;
	sk->sndbuf = sk->rcvbuf = 0xffff;	/* lwIP's window, send buffer */
	f = vfs_file_new(&sock_file_ops, sk, O_RDWR | (nonblock ? O_NONBLOCK :
								 0));
	if (!f) {
		heap_free(sk);
		lwip_close(s);
		return -ENOMEM;
	}
	sock_attach(s, f);
	*out = f;
	return 0;
}

int inet_socket(int family, int type, int protocol, bool nonblock,
		struct vfs_file **out)
{
	bool v6 = family == SOCK_FAMILY_INET6;
	int s;

	*out = NULL;
	if (v6 && !LWIP_IPV6)
		return -EAFNOSUPPORT;	/* linked with the IPv4-only stack */
	if (type == SOCK_TYPE_STREAM) {
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_TYPE_DGRAM) {
		if (protocol && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
	} else {
		return type == 3 /* SOCK_RAW */ ? -EPROTONOSUPPORT :
						  -ESOCKTNOSUPPORT;
	}
	net_start_stack();
	errno = 0;
	s = lwip_socket(v6 ? AF_INET6 : AF_INET,
			type == SOCK_TYPE_STREAM ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (s < 0)
		return (int)lwip_result(s);
	return wrap(s, type == SOCK_TYPE_STREAM, v6, nonblock, out);
}

/*
 * Whether (a), to bind to, is this machine's, as Linux wants it (lwIP
 * takes any): the wildcard, a loopback address, a multicast group, or an
 * interface's own or broadcast address. An IPv4-mapped IPv6 address is
 * its IPv4 one.
 */
static bool is_local(const struct sock_addr *a)
{
	ip4_addr_t v4 = { a->ip };
	struct netif *n;
	bool ok = false;

#if LWIP_IPV6
	if (a->family == SOCK_FAMILY_INET6) {
		ip6_addr_t v6;

		memset(&v6, 0, sizeof(v6));
		memcpy(v6.addr, a->ip6, sizeof(a->ip6));
		if (!ip6_addr_isipv4mappedipv6(&v6)) {
			if (ip6_addr_isany_val(v6) || ip6_addr_isloopback(&v6) ||
			    ip6_addr_ismulticast(&v6))
				return true;
			LOCK_TCPIP_CORE();
			NETIF_FOREACH(n)
				ok |= netif_get_ip6_addr_match(n, &v6) >= 0;
			UNLOCK_TCPIP_CORE();
			return ok;
		}
		v4.addr = v6.addr[3];
	}
#endif
	if (ip4_addr_isany_val(v4) || ip4_addr_isloopback(&v4) ||
	    ip4_addr_ismulticast(&v4))
		return true;
	LOCK_TCPIP_CORE();
	NETIF_FOREACH(n)
		ok |= ip4_addr_cmp(netif_ip4_addr(n), &v4) ||
		      ip4_addr_isbroadcast(&v4, n);
	UNLOCK_TCPIP_CORE();
	return ok;
}

static int inet_bind(struct vfs_file *f, const struct sock_addr *a)
{
	union lwip_addr u;
	socklen_t len;
	int rc = to_lwip(f, a, &u, &len);

	if (rc)
		return rc;
	if (!is_local(a))
		return -EADDRNOTAVAIL;
	errno = 0;
	return (int)lwip_result(lwip_bind(lwip_of(f), &u.sa, len));
}

static int inet_listen(struct vfs_file *f, int backlog)
{
	errno = 0;
	return (int)lwip_result(lwip_listen(lwip_of(f), backlog));
}

static int inet_accept(struct vfs_file *f, struct sock_addr *peer,
		       bool nonblock, struct vfs_file **out)
{
	union lwip_addr u;
	socklen_t len;
	int c, rc;
	bool waited = false;

	for (;;) {
		len = sizeof(u);
		errno = 0;
		c = lwip_accept(lwip_of(f), &u.sa, &len);
		if (c >= 0)
			break;
		rc = (int)lwip_result(c);
		if (rc == -EAGAIN)	/* none left: this CPU keeps up */
			vfs_poll_caught_up(f);
		if (rc != -EAGAIN || !blocking(f, 0))
			return (int)not_waiting(rc);
		rc = wait_again(f, VFS_POLL_IN | VFS_POLL_EXCLUSIVE,
				sock_of(f)->rcvtimeo_ms, waited);
		waited = true;
		if (rc) {
			/* This wait may have been the one woken for a
			 * connection it will not take: another takes it. */
			if (vfs_poll(f) & VFS_POLL_IN)
				vfs_file_notify(f, VFS_POLL_IN);
			return rc;
		}
	}
	if (peer)
		from_lwip(f, &u, peer);
	rc = wrap(c, true, sock_of(f)->v6, nonblock, out);
	if (rc == 0)
		sock_of(*out)->rx_open = true;
	return rc;
}

/* The result of a connection attempt that was under way: its error, or
 * 0. */
static int connect_result(struct vfs_file *f)
{
	int err = 0;
	socklen_t len = sizeof(err);

	errno = 0;
	if (lwip_getsockopt(lwip_of(f), SOL_SOCKET, SO_ERROR, &err, &len))
		return (int)lwip_result(-1);
	return -err;
}

static int inet_connect(struct vfs_file *f, const struct sock_addr *a)
{
	union lwip_addr u;
	socklen_t len;
	int rc;

	/* AF_UNSPEC: a UDP socket forgets its peer (lwIP's disconnect; it
	 * says EINVAL for TCP, which Linux would abort). */
	if (a->family == AF_UNSPEC) {
		u.sa = (struct sockaddr){ sizeof(u.sa), AF_UNSPEC, { 0 } };
		errno = 0;
		return (int)lwip_result(lwip_connect(lwip_of(f), &u.sa,
						     sizeof(u.sa)));
	}
	rc = to_lwip(f, a, &u, &len);
	if (rc)
		return rc;
	errno = 0;
	rc = (int)lwip_result(lwip_connect(lwip_of(f), &u.sa, len));
	sock_watch(f);
	sock_of(f)->connect_pending = rc == -EINPROGRESS && !blocking(f, 0);
	if (rc == -EINPROGRESS && blocking(f, 0)) {
		/* Interrupted, the attempt goes on, as on Linux. Writable
		 * is not yet connected: on 2 and 4 CPUs the wait has been
		 * seen to end with the connection still being made, and
		 * the first send() then said EINPROGRESS; so wait until
		 * lwIP is done with it. */
		do {
			rc = sock_wait(f, VFS_POLL_OUT, sock_of(f)->sndtimeo_ms);
			if (rc == 0 && sock_connecting(f))
				thread_yield();
		} while (rc == 0 && sock_connecting(f));
		if (rc == 0)
			rc = connect_result(f);
		else if (rc == -EAGAIN)
			rc = -ETIMEDOUT;
	}
	sock_of(f)->rx_open = rc == 0 && sock_of(f)->tcp;
	/* lwIP reports the reset that answers a SYN as a reset; to the
	 * caller nobody was listening. */
	return rc == -ECONNRESET ? -ECONNREFUSED : rc;
}

static int inet_shutdown(struct vfs_file *f, enum sock_how how)
{
	static const int lwip_how[] = {
		[SOCK_SHUT_RD] = SHUT_RD,
		[SOCK_SHUT_WR] = SHUT_WR,
		[SOCK_SHUT_RDWR] = SHUT_RDWR,
	};

	if ((unsigned)how > SOCK_SHUT_RDWR)
		return -EINVAL;
	if (how != SOCK_SHUT_WR)
		sock_of(f)->rx_open = false;
	tcp_recvd_flush(f);
	errno = 0;
	return (int)lwip_result(lwip_shutdown(lwip_of(f), lwip_how[how]));
}

static int name_of(struct vfs_file *f, struct sock_addr *a, bool local)
{
	int s = lwip_of(f);
	union lwip_addr u;
	socklen_t len = sizeof(u);
	int rc;

	errno = 0;
	rc = local ? lwip_getsockname(s, &u.sa, &len)
		   : lwip_getpeername(s, &u.sa, &len);
	if (rc == 0)
		from_lwip(f, &u, a);
	return (int)lwip_result(rc);
}

static int inet_name(struct vfs_file *f, struct sock_addr *a, bool peer)
{
	return name_of(f, a, !peer);
}

/* --- sending and receiving --------------------------------------------- */

static int lwip_flags(int flags)
{
	return MSG_DONTWAIT | (flags & SOCK_PEEK ? MSG_PEEK : 0) |
	       (flags & SOCK_MORE ? MSG_MORE : 0);
}

/* TCP's send of bytes that stay as they are for good (SOCK_STABLE): as
 * lwip_send(), without NETCONN_COPY, so TCP's segments point at them.
 * The count, or -1 and errno. */
static ssize_t send_stable(struct vfs_file *f, const void *buf, size_t n)
{
	struct lwip_sock *ls = lwip_socket_dbg_get_socket(sock_of(f)->s);
	size_t written = 0;
	err_t err;

	if (!ls || !ls->conn) {
		errno = EBADF;
		return -1;
	}
	err = netconn_write_partly(ls->conn, buf, n, NETCONN_DONTBLOCK,
				   &written);
	if (err != ERR_OK) {
		errno = err_to_errno(err);
		return -1;
	}
	net_count(NET_SENT_IN_PLACE, written);
	return (ssize_t)written;
}

/* Whether UDP socket (f) has a peer (connect()); (the netconn's pcb is a
 * union: not for TCP). */
static bool udp_connected(struct vfs_file *f)
{
	struct lwip_sock *ls = lwip_socket_dbg_get_socket(lwip_of(f));

	return ls && ls->conn && ls->conn->pcb.udp &&
	       (ls->conn->pcb.udp->flags & UDP_FLAGS_CONNECTED);
}

/* One send: all of it on a blocking socket (waiting for room, and what
 * went before an interruption or a timeout is the count), what fits on a
 * non-blocking one. */
static ssize_t send_on(struct vfs_file *f, const void *buf, size_t n,
		       int flags, const struct sock_addr *to)
{
	union lwip_addr u;
	socklen_t len = 0;
	size_t done = 0;
	ssize_t rc;
	bool waited = false;

	if (to) {
		rc = to_lwip(f, to, &u, &len);
		if (rc)
			return rc;
	} else if ((flags & SOCK_MORE) || sock_of(f)->corked) {
		rc = tcp_queue_more(f, buf, n);
		if (rc >= 0) {
			net_count(NET_SENT, (size_t)rc);
			return rc;
		}
	}
	for (;;) {
		errno = 0;
		if (to)
			rc = lwip_sendto(lwip_of(f), (const char *)buf + done,
					 n - done, lwip_flags(flags), &u.sa,
					 len);
		else if ((flags & SOCK_STABLE) && sock_of(f)->tcp)
			rc = send_stable(f, (const char *)buf + done,
					 n - done);
		else
			rc = lwip_send(lwip_of(f), (const char *)buf + done,
				       n - done, lwip_flags(flags));
		rc = lwip_result(rc);
		/* lwIP's netconn connects, or listens: Linux says EAGAIN
		 * (waited for, when blocking) or a broken pipe. */
		if (rc == -EINPROGRESS)
			rc = sock_connecting(f) ? -EAGAIN : -EPIPE;
		if (rc >= 0) {
			/* TCP copies what it takes into its buffers but for
			 * SOCK_STABLE bytes (UDP sends the caller's bytes:
			 * the device copies). */
			if (sock_of(f)->tcp)
				net_count(NET_SENT, (size_t)rc);
			done += rc;
			if (done == n || to || !blocking(f, flags))
				return done;
			waited = false;	/* it moved: no spin */
			continue;
		}
		if (rc != -EAGAIN || !blocking(f, flags)) {
			rc = not_waiting(rc);
			break;
		}
		rc = wait_again(f, VFS_POLL_OUT, sock_of(f)->sndtimeo_ms,
				waited);
		waited = true;
		if (rc)
			break;
	}
	/* Linux's broken pipe (and SIGPIPE) for a TCP socket that cannot
	 * send: not connected (yet, or any more: reset, or shut down for
	 * sending), or listening; lwIP says "not connected", or "reset"
	 * when the peer had closed first. */
	if (sock_of(f)->tcp &&
	    (rc == -ENOTCONN || (rc == -ECONNRESET && sock_of(f)->peer_closed)))
		rc = -EPIPE;
	/* UDP with nowhere to send: lwIP finds no route to nobody. */
	if (rc == -EHOSTUNREACH && !to && !sock_of(f)->tcp &&
	    !udp_connected(f))
		rc = -EDESTADDRREQ;
	return done ? (ssize_t)done : rc;
}

/* (*whole), unless whole is NULL: a UDP datagram's length, which may be
 * more than the (n) bytes taken of it. */
static ssize_t recv_once(struct vfs_file *f, void *buf, size_t n, int flags,
			 struct sock_addr *from, int *whole)
{
	union lwip_addr u;
	socklen_t len;
	ssize_t rc;
	bool waited = false;

	/* What lwIP would say to a blocking receive on an open connection
	 * with nothing ready: -EAGAIN, through its mailbox and the
	 * socket's locks. Most of a server's receives come before the
	 * next request, so they wait first (at once if something is ready:
	 * the wait looks before it sleeps). */
	if (sock_of(f)->rx_open && !sock_of(f)->peer_closed &&
	    blocking(f, flags)) {
		rc = sock_wait(f, VFS_POLL_IN, sock_of(f)->rcvtimeo_ms);
		if (rc)
			return rc;
		waited = true;
	}
	for (;;) {
		len = sizeof(u);
		/* The next datagram, now lwIP's socket's own (lastdata),
		 * is the one the receive takes. */
		if (whole)
			lwip_ioctl(lwip_of(f), FIONREAD, whole);
		errno = 0;
		rc = lwip_recvfrom(lwip_of(f), buf, n, lwip_flags(flags),
				   from ? &u.sa : NULL,
				   from ? &len : NULL);
		rc = lwip_result(rc);
		/* After the end of the stream lwIP says "not connected"; a
		 * read there is the end of the stream again (as on Linux). */
		if (rc == -ENOTCONN && sock_of(f)->peer_closed)
			rc = 0;
		if (rc != -EAGAIN || !blocking(f, flags)) {
			rc = not_waiting(rc);
			break;
		}
		rc = wait_again(f, VFS_POLL_IN, sock_of(f)->rcvtimeo_ms, waited);
		waited = true;
		if (rc)
			return rc;
	}
	if (rc > 0)
		net_count(NET_RECEIVED, (size_t)rc);
	if (rc >= 0 && from)
		from_lwip(f, &u, from);
	return rc;
}

/* SOCK_WAITALL: lwIP returns what one segment holds, so ask again until
 * (n) bytes, the end of the stream, or an error after some data. A
 * datagram socket takes one datagram all the same, as on Linux. */
static ssize_t recv_on(struct vfs_file *f, void *buf, size_t n, int flags,
		       struct sock_addr *from, int *whole)
{
	size_t done = 0;
	ssize_t rc;

	do {
		rc = recv_once(f, (char *)buf + done, n - done, flags, from,
			       whole);
		if (rc <= 0)
			return done ? (ssize_t)done : rc;
		done += (size_t)rc;
	} while ((flags & SOCK_WAITALL) && !(flags & SOCK_PEEK) && done < n &&
		 sock_of(f)->tcp);
	return (ssize_t)done;
}

/* --- vector I/O ------------------------------------------------------- */

/* A TCP send of a vector is a sequence of sends, all but the last with
 * MSG_MORE so they leave together (tcp_more.c), that stops at the first
 * short one. Receives, and datagrams either way, go through one flat
 * buffer: one receive takes what has arrived (a second could wait for
 * data that never comes), and a datagram leaves and arrives whole. */
static ssize_t send_vec(struct vfs_file *f, const struct iovec *iov, int n,
			int flags, const struct sock_addr *to)
{
	size_t total = 0;
	ssize_t rc;

	if (!to && sock_of(f)->tcp) {
		ssize_t done = 0;
		int last = n - 1;

		while (last >= 0 && !iov[last].iov_len)
			last--;
		for (int i = 0; i <= last; i++) {
			if (!iov[i].iov_len)
				continue;
			rc = send_on(f, iov[i].iov_base, iov[i].iov_len,
				     flags | (i < last ? SOCK_MORE : 0), NULL);
			if (rc < 0)
				return done ? done : rc;
			done += rc;
			if ((size_t)rc < iov[i].iov_len)
				break;
		}
		return done;
	}
	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	char *flat = heap_alloc(total ? total : 1), *p = flat;

	if (!flat)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	rc = send_on(f, flat, total, flags, to);
	heap_free(flat);
	return rc;
}

static ssize_t recv_vec(struct vfs_file *f, const struct iovec *iov, int n,
			int flags, struct sock_addr *from, int *whole)
{
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	if (n == 1)
		return recv_on(f, iov[0].iov_base, total, flags, from, whole);
	char *flat = heap_alloc(total ? total : 1);
	const char *p = flat;

	if (!flat)
		return -ENOMEM;
	ssize_t got = recv_on(f, flat, total, flags, from, whole);
	size_t left = got > 0 ? (size_t)got : 0;

	for (int i = 0; left && i < n; i++) {
		size_t part = iov[i].iov_len < left ? iov[i].iov_len : left;

		memcpy(iov[i].iov_base, p, part);
		p += part;
		left -= part;
	}
	heap_free(flat);
	return got;
}

static ssize_t inet_sendmsg(struct vfs_file *f, const struct iovec *iov,
			    int n, int flags, const struct sock_addr *to)
{
	return send_vec(f, iov, n, flags, to);
}

static ssize_t inet_recvmsg(struct vfs_file *f, const struct iovec *iov,
			    int n, int *flags, struct sock_addr *from)
{
	/* A UDP datagram that does not fit is cut short: SOCK_TRUNC says
	 * so, and asked for, its whole length is the answer. */
	int fl = *flags & ~SOCK_TRUNC, whole = 0;
	bool dgram = !sock_of(f)->tcp, want_whole = *flags & SOCK_TRUNC;
	ssize_t got = recv_vec(f, iov, n, fl, from, dgram ? &whole : NULL);

	*flags = 0;
	if (got >= 0 && whole > got) {
		*flags = SOCK_TRUNC;
		if (want_whole)
			got = whole;
	}
	return got;
}

/* --- the file operations ---------------------------------------------- */

static ssize_t sock_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	(void)off;
	return recv_on(f, buf, n, 0, NULL, NULL);
}

static ssize_t sock_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	(void)off;
	return send_on(f, buf, n, 0, NULL);
}

static ssize_t sock_readv(struct vfs_file *f, const struct iovec *iov, int n)
{
	return recv_vec(f, iov, n, 0, NULL, NULL);
}

static ssize_t sock_writev(struct vfs_file *f, const struct iovec *iov,
			   int n)
{
	return send_vec(f, iov, n, 0, NULL);
}

static int sock_fstat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_ino = (ino_t)lwip_of(f) + 1;
	st->st_blksize = 4096;
	return 0;
}

/* FIONREAD on a TCP socket: the bytes received and not yet read, what
 * lwIP kept of the segment read last and the segments in its receive
 * mailbox (pbufs, or lwIP's markers of an error or the end, which count
 * nothing; the mailbox is ours, arch/sys_arch.h); -EINVAL when it
 * listens (it has no such mailbox), as on Linux. */
static int tcp_unread(struct vfs_file *f, int *out)
{
	struct lwip_sock *ls = lwip_socket_dbg_get_socket(lwip_of(f));
	sys_mbox_t *mb;
	struct pbuf *last;
	err_t err;

	if (!ls || !ls->conn)
		return -EBADF;
	mb = &ls->conn->recvmbox;
	if (!sys_mbox_valid(mb))
		return -EINVAL;
	*out = 0;
	mutex_lock(&mb->lock);
	for (unsigned i = 0; i < mb->count; i++) {
		void *msg = mb->ring[(mb->head + i) % mb->size];

		if (!lwip_netconn_is_err_msg(msg, &err))
			*out += ((struct pbuf *)msg)->tot_len;
	}
	mutex_unlock(&mb->lock);
	last = READ_ONCE(ls->lastdata.pbuf);
	if (last)
		*out += last->tot_len;
	return 0;
}

static int sock_ioctl(struct vfs_file *f, unsigned long req, void *arg)
{
	/* Linux's FIONREAD (0x541B); lwIP numbers its own otherwise. lwIP
	 * answers it for UDP only (the next datagram's length). */
	if (req != 0x541B)
		return -ENOTTY;
	if (sock_of(f)->tcp)
		return tcp_unread(f, arg);
	errno = 0;
	return (int)lwip_result(lwip_ioctl(lwip_of(f), FIONREAD, arg));
}

/* SO_LINGER on with a time of 0: close() resets the connection (RST,
 * what was not sent dropped), as on Linux; lwIP would only when data
 * was left to send. */
static void reset_if_asked(int s)
{
	struct lwip_sock *ls = lwip_socket_dbg_get_socket(s);
	struct netconn *c = ls ? ls->conn : NULL;

	if (!c || c->linger != 0)
		return;
	LOCK_TCPIP_CORE();
	if (NETCONNTYPE_GROUP(netconn_type(c)) == NETCONN_TCP &&
	    c->pcb.tcp && c->pcb.tcp->state != LISTEN)
		tcp_abort(c->pcb.tcp);	/* lwIP's error callback forgets it */
	UNLOCK_TCPIP_CORE();
}

static int sock_close(struct vfs_file *f)
{
	int s = lwip_of(f);

	tcp_recvd_flush(f);
	sock_attach(s, NULL);
	tcp_more_forget(f);
	heap_free(sock_of(f));
	reset_if_asked(s);
	errno = 0;
	return (int)lwip_result(lwip_close(s));
}

const struct socket_ops inet_ops = {
	.bind = inet_bind,
	.listen = inet_listen,
	.accept = inet_accept,
	.connect = inet_connect,
	.sendmsg = inet_sendmsg,
	.recvmsg = inet_recvmsg,
	.shutdown = inet_shutdown,
	.name = inet_name,
	.setopt = inet_setopt,
	.getopt = inet_getopt,
};

static const struct vfs_file_ops sock_file_ops = {
	.read = sock_read,
	.write = sock_write,
	.readv = sock_readv,
	.writev = sock_writev,
	.fstat = sock_fstat,
	.poll = sock_readiness,
	.ioctl = sock_ioctl,
	.close = sock_close,
	.socket = &inet_ops,
};
