// SPDX-License-Identifier: MIT
/*
 * A TCP connection's state for getsockopt()'s TCP_INFO and TCP_MAXSEG
 * (include/kernel/socket.h), read from lwIP's PCB under the core lock.
 * lwIP times its retransmissions in ticks of its slow timer
 * (TCP_SLOW_INTERVAL, 500 ms), so the round-trip times and the timeout
 * come in those steps: a LAN's round trip reads as 0. A file of its own:
 * only getsockopt() links it.
 */
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/kerrno.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>

#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/sockets.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#include "net_impl.h"

#define US_PER_TICK	(TCP_SLOW_INTERVAL * 1000u)
/* The MSS before a connection says otherwise: TCP's default (RFC 879),
 * Linux's and lwIP's (tcp.c's INITIAL_MSS, not exported). */
#define DEFAULT_MSS	536

/* Linux's TCP_* state numbers (netinet/tcp.h), by lwIP's states. */
static const uint8_t linux_state[] = {
	[CLOSED] = 7,		/* TCP_CLOSE */
	[LISTEN] = 10,		/* TCP_LISTEN */
	[SYN_SENT] = 2,		/* TCP_SYN_SENT */
	[SYN_RCVD] = 3,		/* TCP_SYN_RECV */
	[ESTABLISHED] = 1,	/* TCP_ESTABLISHED */
	[FIN_WAIT_1] = 4,	/* TCP_FIN_WAIT1 */
	[FIN_WAIT_2] = 5,	/* TCP_FIN_WAIT2 */
	[CLOSE_WAIT] = 8,	/* TCP_CLOSE_WAIT */
	[CLOSING] = 11,		/* TCP_CLOSING */
	[LAST_ACK] = 9,		/* TCP_LAST_ACK */
	[TIME_WAIT] = 6,	/* TCP_TIME_WAIT */
};

/* Linux's congestion-avoidance states (TCP_CA_*). */
#define CA_OPEN		0
#define CA_RECOVERY	3
#define CA_LOSS		4

static uint32_t count(const struct tcp_seg *s, bool bytes)
{
	uint32_t n = 0;

	for (; s; s = s->next)
		n += bytes ? s->len : 1;
	return n;
}

static void fill(const struct tcp_pcb *pcb, struct sock_tcp_state *st)
{
	st->state = pcb->state < ARRAY_SIZE(linux_state) ?
			    linux_state[pcb->state] : linux_state[CLOSED];
	if (pcb->state == LISTEN)
		return;	/* a listener's PCB is a smaller struct */
	st->mss = pcb->mss;
	st->ca_state = pcb->nrtx ? CA_LOSS :
		       pcb->flags & TF_INFR ? CA_RECOVERY : CA_OPEN;
	st->retransmits = pcb->nrtx;
#if LWIP_WND_SCALE
	st->wscale = pcb->flags & TF_WND_SCALE;
	if (st->wscale) {
		st->snd_wscale = pcb->snd_scale;
		st->rcv_wscale = pcb->rcv_scale;
	}
#endif
	st->rto_us = (uint32_t)pcb->rto * US_PER_TICK;
	/* Van Jacobson's scaled estimators: sa is 8 x srtt, sv 4 x rttvar. */
	st->rtt_us = (uint32_t)(pcb->sa >> 3) * US_PER_TICK;
	st->rttvar_us = (uint32_t)(pcb->sv >> 2) * US_PER_TICK;
	st->unacked = count(pcb->unacked, false);
	st->notsent_bytes = count(pcb->unsent, true);
	st->last_recv_ms = (tcp_ticks - pcb->tmr) * TCP_SLOW_INTERVAL;
	st->ssthresh = pcb->ssthresh;
	st->cwnd = pcb->mss ? pcb->cwnd / pcb->mss : 0;
	st->rcv_wnd = pcb->rcv_wnd;
	st->snd_wnd = pcb->snd_wnd;
}

int inet_tcp_state(struct vfs_file *f, struct sock_tcp_state *st)
{
	struct lwip_sock *ls;

	if (socket_ops_of(f) != &inet_ops || !sock_of(f)->tcp)
		return -ENOPROTOOPT;
	memset(st, 0, sizeof(*st));
	st->state = linux_state[CLOSED];
	st->mss = DEFAULT_MSS;
	st->advmss = TCP_MSS;
	LOCK_TCPIP_CORE();
	ls = lwip_socket_dbg_get_socket(lwip_of(f));
	if (ls && ls->conn && ls->conn->pcb.tcp)
		fill(ls->conn->pcb.tcp, st);
	UNLOCK_TCPIP_CORE();
	return 0;
}
