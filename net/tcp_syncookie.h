/* SPDX-License-Identifier: MIT */
/*
 * Private to net/tcp_synflood.c: SYN cookies (net/tcp_syncookie.c), for
 * the segment lwIP is taking in for a listener (hdr, its options as lwIP
 * holds them: opt1len bytes after hdr, the rest at opt2). Core lock held.
 */
#ifndef NET_TCP_SYNCOOKIE_H
#define NET_TCP_SYNCOOKIE_H

#include <stdbool.h>

#include "lwip/pbuf.h"
#include "lwip/prot/tcp.h"

/* Answers the SYN being input with a SYN-ACK whose sequence number is a
 * cookie, keeping nothing; or not at all past a rate (a burst). */
void net_tcp_cookie_answer(const struct tcp_hdr *hdr, u16_t optlen,
			   u16_t opt1len, const u8_t *opt2);

/* The ACK being input (payload (data)) for a listener: if it brings back
 * a good cookie, the connection is made (its SYN and the ACK put through
 * IP again; not without (room) in the accept queue) and true says lwIP
 * must drop this copy; false for any other ACK, which lwIP answers with
 * a reset. */
bool net_tcp_cookie_ack(const struct tcp_hdr *hdr, u16_t optlen,
			u16_t opt1len, const u8_t *opt2, struct pbuf *data,
			bool room);

#endif /* NET_TCP_SYNCOOKIE_H */
