// SPDX-License-Identifier: MIT
/*
 * Readiness of sockets, for poll(), epoll and for the socket calls that
 * block. lwIP's socket layer already counts, per socket, received data
 * (rcvevent, and data left from a previous read), free send space
 * (sendevent) and errors (errevent), updated by its netconn event
 * callback. Each socket's netconn gets our callback in front of lwIP's:
 * after lwIP has counted, readiness that grew is passed on to the socket
 * file's pollers (vfs_file_notify()). Accepted connections inherit the
 * callback from their listener.
 *
 * lwIP's sockets are non-blocking here; a call that would block waits in
 * sock_wait() on the file's readiness, which an interruption (a signal,
 * pthread_cancel()) ends, and which keeps the socket's timeouts.
 */
#include <kernel/compiler.h>
#include <kernel/kerrno.h>

#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <toro/panic.h>
#include <toro/time.h>

#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sockets.h"
#include "lwip/tcpip.h"
#include "toro_memp.h"

#include "net_impl.h"

/* The file of each lwIP socket, written under lwIP's core lock (which
 * the event callback runs under, too). lwIP gives a socket the lowest
 * free index, and there are never more sockets than netconns, so the
 * indices stay below net_conn_limit(). */
static struct vfs_file **files;
static unsigned nfiles;
static netconn_callback lwip_callback;	/* lwIP's own event_callback */

static struct lwip_sock *lsock(int s)
{
	return lwip_socket_dbg_get_socket(s);
}

bool sock_connecting(struct vfs_file *f)
{
	struct lwip_sock *ls = lsock(lwip_of(f));

	return ls && ls->conn &&
	       __atomic_load_n(&ls->conn->state, __ATOMIC_ACQUIRE) ==
		       NETCONN_CONNECT;
}

unsigned sock_readiness(struct vfs_file *f)
{
	struct lwip_sock *ls = lsock(lwip_of(f));
	unsigned ready = 0;
	bool rcv, snd, err;
	SYS_ARCH_DECL_PROTECT(lev);

	if (!ls)
		return VFS_POLL_NVAL;
	SYS_ARCH_PROTECT(lev);
	rcv = ls->lastdata.pbuf != NULL || ls->rcvevent > 0;
	snd = ls->sendevent != 0;
	err = ls->errevent != 0;
	SYS_ARCH_UNPROTECT(lev);
	if (rcv)
		ready |= VFS_POLL_IN | VFS_POLL_RDNORM;
	if (snd)
		ready |= VFS_POLL_OUT | VFS_POLL_WRNORM;
	if (err)
		ready |= VFS_POLL_ERR | VFS_POLL_HUP;
	if (((struct sock *)f->priv)->peer_closed)
		ready |= VFS_POLL_RDHUP;
	return ready;
}

struct vfs_file *sock_file(int s)
{
	unsigned i = (unsigned)(s - LWIP_SOCKET_OFFSET);

	return i < nfiles ? files[i] : NULL;
}

/* lwIP's callback, and then the file's pollers with what happened: data
 * (or, with no length on TCP, the peer's FIN), room, an error. Runs under
 * lwIP's core lock. */
static void on_event(struct netconn *conn, enum netconn_evt evt, u16_t len)
{
	unsigned events;

	lwip_callback(conn, evt, len);
	switch (evt) {
	case NETCONN_EVT_RCVPLUS:
		events = VFS_POLL_IN | VFS_POLL_RDNORM;
		break;
	case NETCONN_EVT_SENDPLUS:
		events = VFS_POLL_OUT | VFS_POLL_WRNORM;
		break;
	case NETCONN_EVT_ERROR:
		events = VFS_POLL_ERR | VFS_POLL_HUP | VFS_POLL_IN;
		break;
	default:
		return;
	}
	struct vfs_file *f = sock_file(conn->socket);

	if (!f)
		return;		/* not a socket yet (a fresh connection) */
	if (evt == NETCONN_EVT_RCVPLUS && len == 0 &&
	    NETCONNTYPE_GROUP(conn->type) == NETCONN_TCP &&
	    conn->state != NETCONN_LISTEN) {
		((struct sock *)f->priv)->peer_closed = true;
		events |= VFS_POLL_RDHUP;
	}
	vfs_file_notify(f, events);
}

__cold void sock_table_init(void)
{
	nfiles = net_conn_limit();
	files = heap_zalloc(nfiles * sizeof(*files));
	if (!files)
		panic("net: no memory for a table of %u sockets", nfiles);
}

void sock_attach(int s, struct vfs_file *f)
{
	struct lwip_sock *ls = lsock(s);

	LOCK_TCPIP_CORE();
	if (f && ls && ls->conn) {
		if (!lwip_callback && ls->conn->callback != on_event)
			lwip_callback = ls->conn->callback;
		ls->conn->callback = on_event;
		netconn_set_nonblocking(ls->conn, 1);
		sock_watch_pcb(ls->conn);	/* an accepted connection */
	}
	LWIP_ASSERT("socket index within the table",
		    (unsigned)(s - LWIP_SOCKET_OFFSET) < nfiles);
	files[s - LWIP_SOCKET_OFFSET] = f;
	UNLOCK_TCPIP_CORE();
}

void sock_watch(struct vfs_file *f)
{
	struct lwip_sock *ls = lsock(lwip_of(f));

	LOCK_TCPIP_CORE();
	if (ls && ls->conn)
		sock_watch_pcb(ls->conn);
	UNLOCK_TCPIP_CORE();
}

int sock_wait(struct vfs_file *f, unsigned events, int timeout_ms)
{
	unsigned revents;
	int rc = vfs_poll_wait(&f, &events, &revents, 1,
			       timeout_ms > 0 ? timeout_ms * 1000000LL : -1);

	return rc < 0 ? rc : rc == 0 ? -EAGAIN : 0;
}
