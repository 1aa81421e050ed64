/* SPDX-License-Identifier: MIT */
/*
 * lwIP's hooks into our code (LWIP_HOOK_FILENAME): lwIP's core files
 * include this after their own headers. Implemented in net/tcp_reopen.c,
 * net/tcp_ack.c, net/tcp_synflood.c (with net/tcp_syncookie.c),
 * net/tcp_big.c, net/tcp_far.c, net/tcp_demux.c and net/netif_ip6.c.
 */
#ifndef TORO_LWIP_HOOKS_H
#define TORO_LWIP_HOOKS_H

#include "lwip/err.h"
#include "lwip/ip_addr.h"

struct pbuf;
struct tcp_hdr;
struct tcp_pcb;

/* The initial sequence number of a new connection. */
u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
		  const ip_addr_t *remote_ip, u16_t remote_port);

/* Sees every segment before the connection it belongs to: ERR_OK lets
 * lwIP go on with it, anything else drops it. */
err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr,
		       u16_t optlen, u16_t opt1len, u8_t *opt2,
		       struct pbuf *p);

#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port)	\
	net_tcp_isn((local_ip), (local_port), (remote_ip), (remote_port))
/* Before lwIP takes in segment (p) (its payload) for connection (pcb),
 * which may be a listener's (a struct tcp_pcb_listen): whether its ACK
 * should go at once. */
void net_tcp_ack_large(struct tcp_pcb *pcb, const struct pbuf *p);

/* A segment for listener (pcb) whose backlog is full: a SYN cookie
 * answered or brought back, or the oldest half-open connection gone to
 * make room (net/tcp_synflood.c). ERR_OK lets lwIP go on with it. */
err_t net_tcp_syn_room(struct tcp_pcb *pcb, struct tcp_hdr *hdr,
		       u16_t optlen, u16_t opt1len, u8_t *opt2,
		       struct pbuf *p);

/* Connection (pcb) (maybe a listener's) takes big segments from now on
 * if it can (net/tcp_big.c). */
void net_tcp_big(struct tcp_pcb *pcb);

/* A segment for connection (pcb) (maybe a listener's) starting half the
 * sequence space from where the connection is: dropped, which lwIP's
 * signed comparisons cannot do (net/tcp_far.c). ERR_OK lets lwIP go on
 * with it. */
err_t net_tcp_far(struct tcp_pcb *pcb, const struct tcp_hdr *hdr);

/* lwIP's walk found (pcb) for a segment, or was handed it: the first
 * thing after the walk, before anything reads or edits lwIP's lists. */
void net_tcp_demux_found(struct tcp_pcb *pcb);

#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p)	\
	(net_tcp_demux_found(pcb), net_tcp_ack_large((pcb), (p)),	\
	 net_tcp_big(pcb),						\
	 net_tcp_syn_room((pcb), (hdr), (optlen), (opt1len), (opt2),	\
			  (p)) != ERR_OK ? ERR_ABRT :			\
	 net_tcp_far((pcb), (hdr)) != ERR_OK ? ERR_ABRT :		\
	 net_tcp_inpacket((pcb), (hdr), (optlen), (opt1len), (opt2), (p)))

/* Segment (p) of (pcb), header (hdr), about to be sent: a big segment
 * gets the MSS to cut it at in its urgent pointer. Returns (opts). */
u32_t *net_tcp_mark_big(const struct pbuf *p, struct tcp_hdr *hdr,
			const struct tcp_pcb *pcb, u32_t *opts);

#define LWIP_HOOK_TCP_OUT_ADD_TCPOPTS(p, hdr, pcb, opts)		\
	net_tcp_mark_big((p), (hdr), (pcb), (opts))

#if LWIP_IPV6
struct netif;

/* Before lwIP takes in IPv6 packet (p) from (inp) (net/netif_ip6.c):
 * nonzero if it was eaten. */
int net_ip6_input(struct pbuf *p, struct netif *inp);

#define LWIP_HOOK_IP6_INPUT(p, inp)	net_ip6_input((p), (inp))
#endif

#endif /* TORO_LWIP_HOOKS_H */
