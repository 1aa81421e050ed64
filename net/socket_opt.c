// SPDX-License-Identifier: MIT
/*
 * Socket options (include/kernel/socket.h): each of ours is one lwIP
 * (level, name) pair with its value converted (linger is a struct linger
 * in lwIP), or kept here (kept_here()).
 */
#include <kernel/kerrno.h>
#include <stddef.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/socket.h>

#include "lwip/sockets.h"

#include "net_impl.h"

/* AS_FLAG: an int that lwIP reads back as its flag's bit, 0 or 1 here. */
enum value_kind { AS_INT, AS_FLAG, AS_LINGER };

/* lwIP's levels and names are all below 65,536. */
struct option {
	uint16_t level, name;
	uint8_t kind;
	bool get_only;
};

static const struct option options[] = {
	[SOCKOPT_REUSEADDR] = { SOL_SOCKET, SO_REUSEADDR, AS_FLAG, false },
	[SOCKOPT_KEEPALIVE] = { SOL_SOCKET, SO_KEEPALIVE, AS_FLAG, false },
	[SOCKOPT_BROADCAST] = { SOL_SOCKET, SO_BROADCAST, AS_FLAG, false },
	[SOCKOPT_LINGER] = { SOL_SOCKET, SO_LINGER, AS_LINGER, false },
	[SOCKOPT_ERROR] = { SOL_SOCKET, SO_ERROR, AS_INT, true },
	[SOCKOPT_TYPE] = { SOL_SOCKET, SO_TYPE, AS_INT, true },
	[SOCKOPT_ACCEPTCONN] = { SOL_SOCKET, SO_ACCEPTCONN, AS_FLAG, true },
	[SOCKOPT_NODELAY] = { IPPROTO_TCP, TCP_NODELAY, AS_FLAG, false },
	[SOCKOPT_KEEPIDLE] = { IPPROTO_TCP, TCP_KEEPIDLE, AS_INT, false },
	[SOCKOPT_KEEPINTVL] = { IPPROTO_TCP, TCP_KEEPINTVL, AS_INT, false },
	[SOCKOPT_KEEPCNT] = { IPPROTO_TCP, TCP_KEEPCNT, AS_INT, false },
	[SOCKOPT_TOS] = { IPPROTO_IP, IP_TOS, AS_INT, false },
	[SOCKOPT_TTL] = { IPPROTO_IP, IP_TTL, AS_INT, false },
#if LWIP_IPV6
	[SOCKOPT_V6ONLY] = { IPPROTO_IPV6, IPV6_V6ONLY, AS_FLAG, false },
#endif
};

/* Option (o) as socket (f) has it, or NULL: IPv6's are an AF_INET6
 * socket's only (lwIP would take them on any). */
static const struct option *option(struct vfs_file *f, enum sock_option o)
{
	const struct option *opt = (unsigned)o < ARRAY_SIZE(options) ?
					   &options[o] : NULL;

#if LWIP_IPV6
	if (o == SOCKOPT_V6ONLY && !sock_of(f)->v6)
		return NULL;
#else
	(void)f;
#endif
	return opt && opt->level | opt->name ? opt : NULL;
}

static int set_on(int s, const struct option *opt, int value)
{
	struct linger l;
	const void *arg = &value;
	socklen_t len = sizeof(value);

	if (opt->kind == AS_LINGER) {
		l.l_onoff = value >= 0;
		l.l_linger = value >= 0 ? value : 0;
		arg = &l;
		len = sizeof(l);
	}
	errno = 0;
	return (int)lwip_result(lwip_setsockopt(s, opt->level, opt->name, arg,
						len));
}

static int get_on(int s, const struct option *opt, int *value)
{
	struct linger l;
	socklen_t len = sizeof(l);
	int rc;

	errno = 0;
	if (opt->kind == AS_LINGER) {
		rc = lwip_getsockopt(s, opt->level, opt->name, &l, &len);
		if (rc == 0)
			*value = l.l_onoff ? l.l_linger : -1;
		return (int)lwip_result(rc);
	}
	len = sizeof(*value);
	rc = lwip_getsockopt(s, opt->level, opt->name, value, &len);
	if (rc == 0 && opt->name == SO_TYPE && opt->level == SOL_SOCKET)
		*value = *value == SOCK_STREAM ? SOCK_TYPE_STREAM
					       : SOCK_TYPE_DGRAM;
	if (rc == 0 && opt->kind == AS_FLAG)
		*value = *value != 0;
	return (int)lwip_result(rc);
}

/* Options kept here rather than in lwIP: the timeouts (lwIP's socket
 * never blocks, socket_poll.c), the buffer sizes, which lwIP's are not
 * (its windows and send buffer are fixed, lwipopts.h): a program may set
 * them and read back what it set, as a hint Linux may also not follow;
 * TCP_CORK, which lwIP has not (tcp_more.c); SO_REUSEPORT, which
 * servers set so that several sockets may share a port: kept, but a port
 * still has one socket (a second one's bind() or listen() says
 * EADDRINUSE, where Linux would spread connections over them); and
 * hints servers set that change nothing here (SO_PRIORITY: no queueing
 * discipline; TCP_QUICKACK; TCP_DEFER_ACCEPT: accept() returns at the
 * handshake; TCP_FASTOPEN: a SYN's data is not taken, so clients open
 * connections the usual way; TCP_USER_TIMEOUT: a connection whose data
 * goes unacknowledged ends when lwIP's retransmissions give up). */
static const uint8_t kept_at[] = {	/* offsets in struct sock */
	[SOCKOPT_RCVTIMEO] = offsetof(struct sock, rcvtimeo_ms),
	[SOCKOPT_SNDTIMEO] = offsetof(struct sock, sndtimeo_ms),
	[SOCKOPT_SNDBUF] = offsetof(struct sock, sndbuf),
	[SOCKOPT_RCVBUF] = offsetof(struct sock, rcvbuf),
	[SOCKOPT_CORK] = offsetof(struct sock, corked),
	[SOCKOPT_REUSEPORT] = offsetof(struct sock, reuseport),
	[SOCKOPT_PRIORITY] = offsetof(struct sock, hints[0]),
	[SOCKOPT_QUICKACK] = offsetof(struct sock, hints[1]),
	[SOCKOPT_DEFER_ACCEPT] = offsetof(struct sock, hints[2]),
	[SOCKOPT_FASTOPEN] = offsetof(struct sock, hints[3]),
	[SOCKOPT_USER_TIMEOUT] = offsetof(struct sock, hints[4]),
};

static int *kept_here(struct vfs_file *f, enum sock_option o)
{
	struct sock *s = sock_of(f);
	unsigned at = (unsigned)o < ARRAY_SIZE(kept_at) ? kept_at[o] : 0;
	bool tcp_only = o == SOCKOPT_CORK ||
			(o >= SOCKOPT_QUICKACK && o <= SOCKOPT_USER_TIMEOUT);

	return at && (s->tcp || !tcp_only) ? (int *)((char *)s + at) : NULL;
}

int inet_setopt(struct vfs_file *f, enum sock_option o, int value)
{
	const struct option *opt = option(f, o);
	int *t = kept_here(f, o);

	/* Flags: any value; clearing TCP_CORK sends. */
	if (t && (o == SOCKOPT_CORK || o == SOCKOPT_REUSEPORT)) {
		*t = value != 0;
		if (!value && o == SOCKOPT_CORK)
			tcp_more_flush(f);
		return 0;
	}
	if (t) {
		if (value < 0)
			return -EDOM;
		*t = value;
		return 0;
	}
	if (!opt)
		return -ENOPROTOOPT;
	if (opt->get_only)
		return -EINVAL;
	return set_on(lwip_of(f), opt, value);
}

int inet_getopt(struct vfs_file *f, enum sock_option o, int *value)
{
	const struct option *opt = option(f, o);
	int *t = kept_here(f, o);

	if (t) {
		*value = *t;
		return 0;
	}
	if (!opt)
		return -ENOPROTOOPT;
	int rc = get_on(lwip_of(f), opt, value);

	/* lwIP says a reset for the one that answers a SYN; to the caller
	 * nobody was listening (as inet_connect() says when it waits). */
	if (rc == 0 && o == SOCKOPT_ERROR && sock_of(f)->connect_pending) {
		sock_of(f)->connect_pending = false;
		if (*value == ECONNRESET)
			*value = ECONNREFUSED;
	}
	return rc;
}
