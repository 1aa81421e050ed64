/* SPDX-License-Identifier: MIT */
/*
 * Private to net/tcp_*.c: a segment lwIP is taking in, put through IP
 * again from the tcpip thread, with the first sequence number its new
 * connection is to have. lwIP has no way to start a connection other than
 * a SYN meeting a listener; a TIME-WAIT reopened (tcp_reopen.c) and a SYN
 * cookie's ACK (tcp_syncookie.c) make one that way. Called from lwIP's
 * input hooks, under the core lock, for the segment being input.
 */
#ifndef NET_TCP_INJECT_H
#define NET_TCP_INJECT_H

#include <stdbool.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/prot/tcp.h"

/*
 * The IP packet being input, as a new pbuf: its IP header, TCP header
 * (hdr: lwIP has turned its fields to host order) with (optlen) bytes of
 * options ((opt1len) at hdr + 1, the rest at (opt2)), then (data)'s bytes
 * (NULL: none). The lengths and checksums are made right for what it
 * holds. NULL if there is no memory.
 */
struct pbuf *net_tcp_copy_segment(const struct tcp_hdr *hdr, u16_t optlen,
				  u16_t opt1len, const u8_t *opt2,
				  struct pbuf *data);

/* Queues (q) for ip_input() in the tcpip thread, after what is queued
 * already; false (q freed) if the queue is full. */
bool net_tcp_reinput(struct pbuf *q);

/* The connection between these ends that lwIP makes next is to start at
 * sequence number (isn) (the ISN hook, net_tcp_isn(), takes it). A
 * promise not taken within a second is forgotten. */
void net_tcp_promise_isn(const ip_addr_t *local_ip, u16_t local_port,
			 const ip_addr_t *remote_ip, u16_t remote_port,
			 u32_t isn);

/* Is a sequence number promised for these ends? With (take), it is also
 * given out (*isn) and forgotten. */
bool net_tcp_promised(const ip_addr_t *local_ip, u16_t local_port,
		      const ip_addr_t *remote_ip, u16_t remote_port,
		      bool take, u32_t *isn);

/* An address as 32 bits for keyed hashes of connections' ends: IPv4's,
 * or IPv6's folded. */
u32_t net_tcp_addr_key(const ip_addr_t *a);

#endif /* NET_TCP_INJECT_H */
