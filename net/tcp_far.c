// SPDX-License-Identifier: MIT
/*
 * Segments half the sequence space away from their connection. lwIP
 * compares sequence numbers by the sign of their 32-bit difference, so a
 * segment whose start is 2^31 past what the connection expects next
 * (rcv_nxt) is both "before" and "after" it: tcp_receive() takes a
 * one-byte segment there (or a lone FIN) for one that overlaps what it
 * has already, and its trimming asserts an offset it cannot have (one
 * flipped bit in a peer's segment was enough: the vnet fuzzer found it).
 * lwIP also takes a window update from any segment "after" the last one
 * that updated it, however far.
 *
 * No peer has a reason to send such a segment: a receive window is at
 * most 2^30 bytes (RFC 7323), and a segment's start lies within a window
 * of rcv_nxt or is an old duplicate a window behind. So a synchronized
 * connection drops a segment starting 2^30 or more from rcv_nxt either
 * way, before lwIP looks at it, and answers it with an ACK as for any
 * segment outside its window (RFC 793 section 3.9): a reset gets no
 * answer, nor does a connection still in SYN-RECEIVED, which has yet to
 * hear an ACK of its own SYN.
 */
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

#include "toro_lwip_hooks.h"

#define SEQ_FAR	(1u << 30)

err_t net_tcp_far(struct tcp_pcb *pcb, const struct tcp_hdr *hdr)
{
	/* A listener's pcb is shorter than a connection's: no rcv_nxt. */
	if (pcb->state < SYN_RCVD || pcb->state > LAST_ACK)
		return ERR_OK;
	/* Within 2^30 of rcv_nxt either way: the difference plus 2^30
	 * is under 2^31. lwIP has turned the header to host order. */
	if (hdr->seqno - pcb->rcv_nxt + SEQ_FAR < 2 * SEQ_FAR)
		return ERR_OK;
	if (pcb->state != SYN_RCVD && !(TCPH_FLAGS(hdr) & TCP_RST))
		tcp_send_empty_ack(pcb);
	return ERR_ABRT;
}
