// SPDX-License-Identifier: MIT
/*
 * MSG_MORE on TCP, as Linux keeps it: the bytes are queued but not sent,
 * so what follows (a body by sendfile(), the next vector of a writev())
 * leaves in the same segment. lwIP's send transmits whatever it queued
 * (tcp_output() after every write), so a server that sends its header and
 * then its file put two segments on the wire per reply where one would
 * do, and each costs a trip through the device: an event loop doing so
 * served ~60% of the requests of one that sent both in one call.
 *
 * Here a send with MSG_MORE that fits in the connection's send buffer is
 * queued by hand under the core lock (tcp_write() without tcp_output(),
 * raising the same "send buffer low" event lwIP's own write would). The
 * next send appends to the same segment and transmits it all. If none
 * comes, an lwIP timer transmits it 100 to 200 ms later, as Linux's
 * probe timer would: a program never waits on bytes it was told are sent.
 * TCP_CORK holds every send the same way until it is cleared (lighttpd
 * corks around a reply's header and its sendfile()), which sends what
 * is held.
 */
#include <kernel/kerrno.h>

#include <kernel/vfs.h>

#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sockets.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"

#include "net_impl.h"

/* Held bytes go after 100 to 200 ms: a timer every TCP_MORE_TICK_MS sends
 * those held for at least that long. */
#define TCP_MORE_TICK_MS	100

/* Sockets holding bytes, and whether the one timer for them all runs
 * (lwIP has a small fixed pool of timers: one per socket would run out
 * under a few dozen connections). Under the core lock. */
static struct sock *held;
static bool timer_armed;

static void unlink_held(struct sock *sk)
{
	for (struct sock **p = &held; *p; p = &(*p)->more_next)
		if (*p == sk) {
			*p = sk->more_next;
			break;
		}
	sk->more_held = false;
}

/* Core lock held: what (sk) holds goes now. */
static void send_held(struct sock *sk)
{
	struct lwip_sock *ls = lwip_socket_dbg_get_socket(sk->s);

	if (ls && ls->conn && ls->conn->pcb.tcp)
		tcp_output(ls->conn->pcb.tcp);
}

/* lwIP's thread, core lock held: what MSG_MORE held long enough goes. */
static void hold_expired(void *arg)
{
	u32_t now = sys_now();

	(void)arg;
	timer_armed = false;
	for (struct sock **p = &held; *p;) {
		struct sock *sk = *p;

		if (now - sk->more_since < TCP_MORE_TICK_MS) {
			p = &sk->more_next;
			continue;
		}
		*p = sk->more_next;
		sk->more_held = false;
		send_held(sk);
	}
	if (held) {
		timer_armed = true;
		sys_timeout(TCP_MORE_TICK_MS, hold_expired, NULL);
	}
}

/* Core lock held: whether (n) more bytes may be queued on (conn) here.
 * Only on a connection lwIP is not writing on itself, with room: else its
 * own send decides (and waits, or fails, as it does). */
static bool may_hold(struct netconn *conn, size_t n)
{
	struct tcp_pcb *pcb = conn->pcb.tcp;

	return pcb && conn->state == NETCONN_NONE &&
	       conn->current_msg == NULL &&
	       (pcb->state == ESTABLISHED || pcb->state == CLOSE_WAIT) &&
	       tcp_sndbuf(pcb) >= n &&
	       tcp_sndqueuelen(pcb) + 2 < TCP_SND_QUEUELEN;
}

/* Core lock held: (sk) holds bytes from now on, unless it already did. */
static void hold(struct sock *sk, bool fresh)
{
	if (!sk->more_held) {
		sk->more_held = true;
		sk->more_next = held;
		held = sk;
		fresh = true;
	}
	if (fresh)
		sk->more_since = sys_now();
	if (!timer_armed) {
		timer_armed = true;
		sys_timeout(TCP_MORE_TICK_MS, hold_expired, NULL);
	}
}

ssize_t tcp_queue_more(struct vfs_file *f, const void *buf, size_t n)
{
	struct sock *sk = sock_of(f);
	struct lwip_sock *ls = lwip_socket_dbg_get_socket(sk->s);
	ssize_t rc = -EAGAIN;

	if (n == 0 || n > 0xffff || !ls || !ls->conn ||
	    NETCONNTYPE_GROUP(netconn_type(ls->conn)) != NETCONN_TCP)
		return -EAGAIN;
	LOCK_TCPIP_CORE();
	struct netconn *conn = ls->conn;

	if (may_hold(conn, n)) {
		struct tcp_pcb *pcb = conn->pcb.tcp;
		bool fresh = pcb->unsent == NULL;	/* nothing waits yet */

		if (tcp_write(pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY |
						  TCP_WRITE_FLAG_MORE) == ERR_OK) {
			/* What lwIP's own write tells pollers. */
			if (tcp_sndbuf(pcb) <= TCP_SNDLOWAT ||
			    tcp_sndqueuelen(pcb) >= TCP_SNDQUEUELOWAT) {
				API_EVENT(conn, NETCONN_EVT_SENDMINUS, 0);
				conn->flags |= NETCONN_FLAG_CHECK_WRITESPACE;
			}
			hold(sk, fresh);
			rc = (ssize_t)n;
		}
	}
	UNLOCK_TCPIP_CORE();
	return rc;
}

/* (f) holds nothing from now on; what it held goes now if (send). */
static void let_go(struct vfs_file *f, bool send)
{
	struct sock *sk = sock_of(f);

	if (!__atomic_load_n(&sk->more_held, __ATOMIC_RELAXED))
		return;
	LOCK_TCPIP_CORE();
	if (sk->more_held) {
		unlink_held(sk);
		if (send)
			send_held(sk);
	}
	UNLOCK_TCPIP_CORE();
}

void tcp_more_forget(struct vfs_file *f)
{
	let_go(f, false);
}

void tcp_more_flush(struct vfs_file *f)
{
	let_go(f, true);
}
