// SPDX-License-Identifier: MIT
/*
 * A new connection from a peer whose previous one, between the same two
 * addresses and ports, is still in TIME-WAIT here. The side that closes
 * first keeps the connection for 2 MSL (two minutes in lwIP) to catch its
 * stray segments. lwIP answers a SYN for it with an ACK of the old
 * connection, the peer answers that with a reset, which lwIP ignores (RFC
 * 1337), and the peer tries again until TIME-WAIT ends. A server closes
 * first all the time, and clients behind QEMU's user network or a NAT
 * come back from the same port: such a client hung for two minutes.
 *
 * Linux and the BSDs take a SYN whose sequence number is beyond the old
 * connection's as a new connection (RFC 1122 4.2.2.13; RFC 6191 without
 * timestamps), and so do we. lwIP has no path for it, so the hook that
 * sees each segment before lwIP does ends the TIME-WAIT and feeds the SYN
 * back into IP through the tcpip thread, where the listener takes it. The
 * new connection's first sequence number is beyond anything the old one
 * sent, as Linux chooses it, so the peer cannot take the old connection's
 * stray segments for new ones.
 *
 * Sequence numbers start where RFC 6528 says, not at lwIP's counter that
 * anyone can predict.
 */
#include <stdbool.h>

#include <kernel/random.h>
#include <toro/time.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

#include "tcp_inject.h"
#include "toro_lwip_hooks.h"

/* RFC 6528: a clock ticking every 4 us plus a secret function of the
 * connection's addresses and ports. Nobody outside can guess it, and the
 * next connection between the same two ends starts further on, which is
 * what lets a peer's TIME-WAIT take our new SYN as above. */
static u32_t isn_of(const ip_addr_t *local_ip, u16_t local_port,
		    const ip_addr_t *remote_ip, u16_t remote_port)
{
	static uint32_t secret[8];
	static bool keyed;

	if (!keyed) {
		random_bytes(secret, sizeof(secret));
		keyed = true;
	}
	return (u32_t)(clock_ns() / 4000) +
	       random_prf(secret,
			  (uint64_t)net_tcp_addr_key(local_ip) << 32 |
				  net_tcp_addr_key(remote_ip),
			  (uint64_t)local_port << 16 | remote_port);
}

u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
		  const ip_addr_t *remote_ip, u16_t remote_port)
{
	u32_t isn;

	if (net_tcp_promised(local_ip, local_port, remote_ip, remote_port,
			     true, &isn))
		return isn;
	return isn_of(local_ip, local_port, remote_ip, remote_port);
}

err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr,
		       u16_t optlen, u16_t opt1len, u8_t *opt2,
		       struct pbuf *p)
{
	struct pbuf *q;

	/* Anything else, an old duplicate SYN included, goes lwIP's way. */
	if (pcb->state != TIME_WAIT ||
	    (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) !=
		    TCP_SYN ||
	    !TCP_SEQ_GT(hdr->seqno, pcb->rcv_nxt))
		return ERR_OK;
	q = net_tcp_copy_segment(hdr, optlen, opt1len, opt2, p);
	if (!q || !net_tcp_reinput(q))
		return ERR_OK;	/* the peer sends its SYN again */
	/* Linux's choice: past a whole unscaled window more. */
	net_tcp_promise_isn(&pcb->local_ip, pcb->local_port, &pcb->remote_ip,
			    pcb->remote_port, pcb->snd_nxt + 65535 + 2);
	/* Off the TIME-WAIT list and freed, without a reset. lwIP's input
	 * drops this segment and returns as soon as we do (tcp_in.c), so it
	 * does not look at the pcb again. A socket may still hold it (shut
	 * down for writing, not yet closed: a server's lingering close);
	 * lwIP does not tell it of a pcb freed in TIME-WAIT, so we do, as
	 * lwIP tells of any pcb it frees under a socket. The socket reads
	 * the end of the stream, which it had anyway. */
	tcp_err_fn errf = pcb->errf;
	void *arg = pcb->callback_arg;

	tcp_abandon(pcb, 0);
	if (errf)
		errf(arg, ERR_CLSD);
	return ERR_ABRT;
}
