// SPDX-License-Identifier: MIT
/*
 * Bytes read from a TCP socket go back to its connection's receive
 * window. lwIP's socket layer does that after every read, through
 * netconn_tcp_recvd(): a trip through the core lock each time, one of the
 * four or so a keep-alive request takes, and on two CPUs one more chance
 * to wait for the other CPU's holder (at 512 connections a quarter of
 * the lock's takers waited).
 *
 * So the bytes read are given back once they add up to a full segment
 * (TCP_MSS): the window is then at most a segment smaller than lwIP's
 * way, and never closes for it (lwIP announces a larger window only once
 * it has grown by TCP_WND_UPDATE_THRESHOLD, four segments, anyway). A request of a few hundred bytes answered on the same
 * connection no longer costs a lock of its own.
 *
 * What is held back is given back before the socket is shut down or
 * closed: lwIP closes a connection whose window is not whole (data the
 * application did not take, as it sees it) with a reset, not a FIN.
 *
 * lwIP's api/sockets.c is built with netconn_tcp_recvd renamed to
 * net_tcp_recvd (net/Makefile.inc), and no other code of lwIP's calls it.
 */
#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"

#include "net_impl.h"

/* Its one caller is lwIP's sockets.c, by the rename: no header. */
err_t net_tcp_recvd(struct netconn *conn, size_t len);

err_t net_tcp_recvd(struct netconn *conn, size_t len)
{
	struct vfs_file *f = sock_file(conn->socket);
	struct sock *sk;

	if (!f)
		return netconn_tcp_recvd(conn, len);
	sk = sock_of(f);
	/* Atomic: two threads may read one socket at once. */
	if (__atomic_add_fetch(&sk->rcv_unreported, (uint32_t)len,
			       __ATOMIC_RELAXED) < TCP_MSS)
		return ERR_OK;
	len = __atomic_exchange_n(&sk->rcv_unreported, 0, __ATOMIC_RELAXED);
	return len ? netconn_tcp_recvd(conn, len) : ERR_OK;
}

void tcp_recvd_flush(struct vfs_file *f)
{
	struct sock *sk = sock_of(f);
	struct lwip_sock *ls;
	uint32_t len;

	if (!sk->tcp)
		return;
	len = __atomic_exchange_n(&sk->rcv_unreported, 0, __ATOMIC_RELAXED);
	ls = lwip_socket_dbg_get_socket(sk->s);
	if (len && ls && ls->conn)
		netconn_tcp_recvd(ls->conn, len);
}
