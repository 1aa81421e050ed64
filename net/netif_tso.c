// SPDX-License-Identifier: MIT
/*
 * TCP segmentation offload, by putting lwIP's segments back together.
 *
 * lwIP cuts a connection's data into segments of the peer's MSS and sends
 * them one by one. A device with NETDEV_F_TSO4 takes a TCP/IPv4 frame of
 * up to 64 KiB and cuts it itself (NETDEV_F_TSO6: TCP/IPv6, which lwIP
 * sends without extension headers) (virtio-net: the host's GSO does), so
 * consecutive full-size segments of one connection, sent while one thread
 * holds the core lock, are gathered here into a run and go to the device
 * as one frame: one trip through the device model per 64 KiB instead of
 * per 1,460 bytes, and the peer acknowledges them together.
 *
 * A run holds a reference on each segment's pbuf (lwIP keeps them until
 * they are acknowledged anyway; their bytes do not change) and goes out
 * when a frame that does not continue it comes, when it is full, and at
 * the latest when the core lock is let go (net_core_unlock(), which
 * lwipopts.h makes UNLOCK_TCPIP_CORE): nothing waits for a later event,
 * and frames leave in the order lwIP sent them.
 *
 * A device with NETDEV_F_SG reads the run's payload where it lies, in
 * lwIP's pbufs (xmit_ref): the run's references then go with the frame
 * and are dropped when the device is done (release()), so file data is
 * copied once on its way out, by tcp_write(). Otherwise the device copies
 * the run (xmit). When it cannot take a run either way (no buffer free),
 * its segments go out one by one as lwIP made them.
 *
 * The run's headers are its first segment's, with the last one's ACK and
 * window, PSH if any segment had it, the IP length of the whole (and for
 * IPv4 its header checksum) and the pseudo-header sum of the whole in the
 * TCP checksum, as the device wants.
 * Only data segments (ACK, maybe PSH or FIN; no SYN, RST or URG) of the
 * same connection, with the same IP and TCP options, in sequence, and
 * each but the last exactly the first one's size, are put together; the
 * device puts PSH and FIN on the last piece it cuts.
 *
 * Big segments (net/tcp_big.c) are larger than the link's MTU: they go
 * to the device whole, even alone, to be cut at the MSS they carry in
 * their urgent pointer; when the device cannot take one whole (no buffer
 * free), netif_tso_cut() cuts it here and sends it in copies. It cuts
 * any other TCP segment larger than the link takes the same way, at the
 * link's MTU: lwIP sends IPv6 at a destination's path MTU, which an
 * ICMPv6 Packet Too Big can set above the link's, and without
 * fragmentation (lwipopts.h) the device would drop such a segment each
 * time TCP sends it again.
 */
#include <string.h>

#include <kernel/netdev.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>

#include "lwip/inet_chksum.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ieee.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcpip.h"

#include "net_impl.h"
#include "netif_impl.h"

#define ETH_HLEN	SIZEOF_ETH_HDR
#define RUN_SEGS	48	/* 64 KiB of 1,460-byte segments is 45 */
#define HDR_MAX		(ETH_HLEN + 60 + 60)
#define IP_MAX		0xffff
#define TCP_SEQ_OFF	4
#define TCP_ACK_OFF	8
#define TCP_FLAGS_OFF	13
#define TCP_WND_OFF	14
#define TCP_CSUM_OFF	16
#define TCP_URG_OFF	18
#define IP6_HLEN	40

/* Everything in a run is under the core lock. */
static struct run {
	struct netdev *dev;
	struct pbuf *seg[RUN_SEGS];
	unsigned nseg;
	struct netdev_frag frag[NETDEV_FRAGS_MAX];	/* [0]: the headers */
	unsigned nfrag;
	uint8_t hdr[HDR_MAX];
	bool v6;
	unsigned ihl, hlen;	/* IP header; Ethernet + IP + TCP headers */
	uint32_t next_seq;
	unsigned mss;		/* the first segment's payload */
	unsigned gso;		/* what the device cuts it at */
	unsigned last;		/* the last one's */
	unsigned payload;	/* all of it */
} run;

/* Runs with the device (xmit_ref), each holding its segments' references
 * until the device has read them. As many as a virtio-net device takes
 * at once; with none free, the run is copied instead. */
#define HELD_MAX	16
static struct held {
	struct pbuf *seg[RUN_SEGS];
	unsigned nseg;
	bool busy;	/* atomic: released from the driver's thread */
} held[HELD_MAX];

/* A frame's headers, when it is a plain TCP data segment. */
struct seg_info {
	const uint8_t *h;	/* Ethernet header on: in the first pbuf */
	bool v6;
	unsigned ihl, hlen, payload;
	uint32_t seq;
};

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 header at (ip), with the first pbuf's (len): its length in
 * (s->ihl) and the packet's in (*tot); false if not unfragmented TCP. */
static bool tcp_over_ip4(const uint8_t *ip, unsigned len, struct seg_info *s,
			 unsigned *tot)
{
	if (len < ETH_HLEN + 40 || ip[0] >> 4 != 4 || ip[9] != IP_PROTO_TCP ||
	    (be16(ip + 6) & (IP_MF | IP_OFFMASK)))
		return false;
	s->ihl = (ip[0] & 0xf) * 4;
	*tot = be16(ip + 2);
	return s->ihl >= 20;
}

/* The same for IPv6: TCP right after the fixed header. */
static bool tcp_over_ip6(const uint8_t *ip, unsigned len, struct seg_info *s,
			 unsigned *tot)
{
	if (!LWIP_IPV6 || len < ETH_HLEN + IP6_HLEN + 20 || ip[0] >> 4 != 6 ||
	    ip[6] != IP_PROTO_TCP)
		return false;
	s->ihl = IP6_HLEN;
	*tot = IP6_HLEN + be16(ip + 4);
	return true;
}

static bool data_segment(const struct pbuf *p, struct seg_info *s)
{
	const uint8_t *h = p->payload, *tcp;
	unsigned tot, type = be16(h + 12);

	s->v6 = type == ETHTYPE_IPV6;
	if (!(type == ETHTYPE_IP ? tcp_over_ip4(h + ETH_HLEN, p->len, s, &tot)
	      : s->v6 && tcp_over_ip6(h + ETH_HLEN, p->len, s, &tot)))
		return false;
	if (p->len < ETH_HLEN + s->ihl + 20)
		return false;
	tcp = h + ETH_HLEN + s->ihl;
	s->hlen = ETH_HLEN + s->ihl + (tcp[12] >> 4) * 4;
	if ((tcp[12] >> 4) < 5 || s->hlen > p->len || s->hlen - ETH_HLEN >= tot ||
	    ETH_HLEN + tot != p->tot_len ||
	    (tcp[TCP_FLAGS_OFF] & ~(TCP_ACK | TCP_PSH | TCP_FIN)) ||
	    !(tcp[TCP_FLAGS_OFF] & TCP_ACK))
		return false;
	s->h = h;
	s->payload = ETH_HLEN + tot - s->hlen;
	s->seq = be32(tcp + TCP_SEQ_OFF);
	return true;
}

static bool same4(const uint8_t *a, const uint8_t *b)
{
	uint32_t x, y;

	memcpy(&x, a, 4);
	memcpy(&y, b, 4);
	return x == y;
}

static bool same8(const uint8_t *a, const uint8_t *b)
{
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return x == y;
}

/* IPv4 headers (a) and (b) of one connection, alike in TOS, DF, TTL and
 * addresses. */
static bool same_ip4(const uint8_t *a, const uint8_t *b)
{
	return a[1] == b[1] && a[6] == b[6] && a[8] == b[8] &&
	       same8(a + 12, b + 12);
}

/* The same for IPv6: version, traffic class and flow label, next header
 * and hop limit, addresses. */
static bool same_ip6(const uint8_t *a, const uint8_t *b)
{
	return same4(a, b) && a[6] == b[6] && a[7] == b[7] &&
	       same8(a + 8, b + 8) && same8(a + 16, b + 16) &&
	       same8(a + 24, b + 24) && same8(a + 32, b + 32);
}

/* Whether (s) continues the run: same connection and options (all the
 * headers but the IP length, ID and checksum, and TCP sequence, ACK,
 * flags, window and checksum are compared), next in sequence, and room.
 * The fixed-size fields are compared as words: a memcmp() call per field
 * cost as much as the rest of this file under TCG. */
static bool continues(const struct seg_info *s, unsigned pieces)
{
	const uint8_t *a = run.hdr + ETH_HLEN, *b = s->h + ETH_HLEN;
	unsigned ip_opts = run.ihl - 20;
	unsigned tcp_opts = run.hlen - ETH_HLEN - run.ihl - 20;

	return run.nseg && s->hlen == run.hlen && s->ihl == run.ihl &&
	       s->v6 == run.v6 &&
	       s->seq == run.next_seq && run.last == run.mss &&
	       s->payload <= run.mss && run.nseg < RUN_SEGS &&
	       run.nfrag + pieces <= NETDEV_FRAGS_MAX &&
	       run.hlen - ETH_HLEN + run.payload + s->payload <= IP_MAX &&
	       same8(run.hdr, s->h) && same4(run.hdr + 8, s->h + 8) && /* MACs */
	       (run.v6 ? same_ip6(a, b) : same_ip4(a, b)) &&
	       same4(a + run.ihl, b + run.ihl) &&	/* ports */
	       (!ip_opts || !memcmp(a + 20, b + 20, ip_opts)) &&
	       (!tcp_opts || !memcmp(a + run.ihl + 20, b + run.ihl + 20,
				     tcp_opts));
}

/* A big segment's MSS (net/tcp_big.c), in the urgent pointer of TCP
 * header (tcp), or 0; the field is zeroed, as it is not for the wire. */
static unsigned take_mark(uint8_t *tcp)
{
	unsigned mss = be16(tcp + TCP_URG_OFF);

	put16(tcp + TCP_URG_OFF, 0);
	return mss;
}

/* The payload's pieces: the rest of the first pbuf, then the chain. */
static unsigned pieces_of(const struct pbuf *p, unsigned hlen)
{
	unsigned n = p->len > hlen;

	for (p = p->next; p; p = p->next)
		n += p->len != 0;
	return n;
}

static void add_pieces(const struct pbuf *p, unsigned hlen)
{
	if (p->len > hlen)
		run.frag[run.nfrag++] = (struct netdev_frag){
			(const uint8_t *)p->payload + hlen, p->len - hlen };
	for (p = p->next; p; p = p->next)
		if (p->len)
			run.frag[run.nfrag++] = (struct netdev_frag){
				p->payload, p->len };
}

static void put_back(void)
{
	for (unsigned i = 0; i < run.nseg; i++)
		pbuf_free(run.seg[i]);
	run.nseg = 0;
}

static void append(struct pbuf *p, const struct seg_info *s)
{
	uint8_t *tcp = run.hdr + ETH_HLEN + run.ihl;
	const uint8_t *stcp = s->h + ETH_HLEN + s->ihl;

	if (!run.nseg) {
		memcpy(run.hdr, s->h, s->hlen);
		run.v6 = s->v6;
		run.ihl = s->ihl;
		run.hlen = s->hlen;
		run.mss = s->payload;
		run.gso = take_mark(run.hdr + ETH_HLEN + s->ihl);
		if (!run.gso)
			run.gso = s->payload;
		run.payload = 0;
		run.nfrag = 1;
	} else {
		memcpy(tcp + TCP_ACK_OFF, stcp + TCP_ACK_OFF, 4);
		memcpy(tcp + TCP_WND_OFF, stcp + TCP_WND_OFF, 2);
		tcp[TCP_FLAGS_OFF] |= stcp[TCP_FLAGS_OFF];
	}
	pbuf_ref(p);
	run.seg[run.nseg++] = p;
	add_pieces(p, s->hlen);
	run.last = s->payload;
	run.payload += s->payload;
	run.next_seq = s->seq + s->payload;
}

/* The device has read the frame of (cookie): its pbufs may go. In any
 * thread: pbuf_free() takes lwIP's own protection. */
static void release(struct netdev *d, void *cookie)
{
	struct held *h = cookie;

	(void)d;
	for (unsigned i = 0; i < h->nseg; i++)
		pbuf_free(h->seg[i]);
	__atomic_store_n(&h->busy, false, __ATOMIC_RELEASE);
}

/* The run, whose headers are ready, without a copy: its references go
 * with it. False if the device did not take it. */
static bool send_in_place(const struct netdev_offload *off)
{
	struct held *h = NULL;

	for (unsigned i = 0; i < HELD_MAX && !h; i++)
		if (!__atomic_load_n(&held[i].busy, __ATOMIC_ACQUIRE))
			h = &held[i];
	if (!h)
		return false;
	memcpy(h->seg, run.seg, run.nseg * sizeof(run.seg[0]));
	h->nseg = run.nseg;
	h->busy = true;
	run.dev->tx_release = release;
	if (run.dev->xmit_ref(run.dev, run.frag, run.nfrag, off, h)) {
		h->busy = false;
		return false;
	}
	run.nseg = 0;
	return true;
}

/* The IP header at (ip) ((ihl) bytes) and the TCP header after it made
 * those of a segment of (l4) bytes of TCP, its checksum for the device
 * to complete. */
static void set_lengths(uint8_t *ip, unsigned ihl, unsigned l4, bool v6)
{
	if (LWIP_IPV6 && v6) {
		put16(ip + 4, l4);
		put16(ip + ihl + TCP_CSUM_OFF, netif_tcp6_pseudo_sum(ip, l4));
	} else {
		put16(ip + 2, ihl + l4);
		put16(ip + 10, 0);
		put16(ip + 10, netif_ip_hdr_csum(ip, ihl));
		put16(ip + ihl + TCP_CSUM_OFF, netif_tcp_pseudo_sum(ip, l4));
	}
}

/* The run as one frame; false if the device did not take it. */
static bool send_whole(void)
{
	struct netdev_offload off = {
		.start = (uint16_t)(ETH_HLEN + run.ihl),
		.offset = TCP_CSUM_OFF,
		.mss = (uint16_t)run.gso,
		.hdr_len = (uint16_t)run.hlen,
		.ipv6 = run.v6,
	};

	set_lengths(run.hdr + ETH_HLEN, run.ihl,
		    run.hlen - ETH_HLEN - run.ihl + run.payload, run.v6);
	run.frag[0] = (struct netdev_frag){ run.hdr, run.hlen };
	if ((run.dev->features & NETDEV_F_SG) && send_in_place(&off)) {
		net_count(NET_TX_COPIED, run.hlen);
		net_count(NET_TX_IN_PLACE, run.payload);
	} else if (run.dev->xmit(run.dev, run.frag, run.nfrag, &off) == 0) {
		net_count(NET_TX_COPIED, run.hlen + run.payload);
	} else {
		return false;
	}
	net_count(NET_TX_FRAMES, 1);
	net_count(NET_TX_TSO_FRAMES, 1);
	net_count(NET_TX_TSO_BYTES, run.hlen + run.payload);
	return true;
}

void netif_tso_flush(void)
{
	if (!run.nseg)
		return;
	if ((run.nseg == 1 && run.payload <= run.gso) || !send_whole())
		for (unsigned i = 0; i < run.nseg; i++)
			netif_send(run.seg[i]);
	put_back();	/* what send_in_place() did not take */
}

bool netif_tso_take(struct netdev *d, struct pbuf *p)
{
	struct seg_info s;
	unsigned pieces;

	if (!(d->features & (NETDEV_F_TSO4 | NETDEV_F_TSO6)))
		return false;
	if (!data_segment(p, &s) ||
	    !(d->features & (s.v6 ? NETDEV_F_TSO6 : NETDEV_F_TSO4))) {
		netif_tso_flush();	/* frames leave in order */
		return false;
	}
	/* Alone, a segment that is not big and ends a write (PSH) goes at
	 * once: what could join it in a run, more of exactly its size under
	 * the same hold of the lock, hardly ever comes, and a run of one
	 * costs a reference, a copy of its headers and a flush (a server's
	 * answer to a small request: about 160 instructions). */
	const uint8_t *tcp = s.h + ETH_HLEN + s.ihl;

	if (!run.nseg && (tcp[TCP_FLAGS_OFF] & TCP_PSH) &&
	    !be16(tcp + TCP_URG_OFF))
		return false;
	pieces = pieces_of(p, s.hlen);
	if (pieces >= NETDEV_FRAGS_MAX) {
		netif_tso_flush();
		return false;
	}
	if (!continues(&s, pieces))
		netif_tso_flush();
	run.dev = d;
	append(p, &s);
	return true;
}

bool netif_tso_cut(struct netdev *d, struct pbuf *p, unsigned mtu)
{
	uint8_t frame[HDR_MAX + TCP_MSS];
	struct seg_info s;

	if (!data_segment(p, &s))
		return false;
	uint8_t *ip = frame + ETH_HLEN, *tcp = ip + s.ihl;
	unsigned mss, id, fin_psh, l4;

	memcpy(frame, s.h, s.hlen);
	mss = take_mark(tcp);
	/* Not a big segment: one lwIP made for a larger MTU than the
	 * link's (IPv6 sends at the path's, which a Packet Too Big can
	 * raise), which the device would drop whole, and TCP would send
	 * again and again. */
	if (!mss && mtu > s.hlen - ETH_HLEN)
		mss = mtu - (s.hlen - ETH_HLEN);
	if (mss > TCP_MSS)
		mss = TCP_MSS;
	if (!mss)
		return false;
	id = be16(ip + 4);
	fin_psh = tcp[TCP_FLAGS_OFF] & (TCP_FIN | TCP_PSH);
	tcp[TCP_FLAGS_OFF] &= (uint8_t)~fin_psh;
	const struct netdev_offload off = {
		.start = (uint16_t)(ETH_HLEN + s.ihl),
		.offset = TCP_CSUM_OFF,
	};
	/* A big segment implies a device that sums; an oversized one may
	 * meet one that does not. */
	bool dev_sums = d->features & NETDEV_F_TX_CSUM;

	for (unsigned at = 0, n; at < s.payload; at += n) {
		struct netdev_frag f;
		uint32_t seq = s.seq + at;

		n = s.payload - at < mss ? s.payload - at : mss;
		if (at + n == s.payload)
			tcp[TCP_FLAGS_OFF] |= (uint8_t)fin_psh;
		put16(tcp + TCP_SEQ_OFF, seq >> 16);
		put16(tcp + TCP_SEQ_OFF + 2, seq);
		pbuf_copy_partial(p, frame + s.hlen, (u16_t)n,
				  (u16_t)(s.hlen + at));
		put16(ip + 4, id++);	/* IPv6: its length, set below */
		l4 = s.hlen - ETH_HLEN - s.ihl + n;
		set_lengths(ip, s.ihl, l4, s.v6);
		if (!dev_sums) {	/* what the device would do */
			u16_t sum = inet_chksum(tcp, (u16_t)l4);

			memcpy(tcp + TCP_CSUM_OFF, &sum, sizeof(sum));
		}
		f = (struct netdev_frag){ frame, s.hlen + n };
		if (d->xmit(d, &f, 1, dev_sums ? &off : NULL))
			break;	/* dropped, as a full queue drops: TCP resends */
		net_count(NET_TX_COPIED, f.len);
		net_count(NET_TX_FRAMES, 1);
	}
	return true;
}

/*
 * The device is told of what was sent once the core lock is let go (its
 * notification, under TCG a trip through QEMU's big lock, would hold up
 * every thread wanting the lock). And while other threads wait to run on
 * this CPU (the other connections' workers, each about to send too), it
 * is left to the last of them, or to the CPU going idle (the scheduler's
 * idle hook, netif.c): one notification for the answers of several.
 * Never past NET_TX_DEFER_MAX unlocks, so a CPU that never idles still
 * notifies often. (A thread that then computes without yielding holds
 * it up to the driver's own late notification, VIRTQ_REKICK_NS: it holds
 * up every other thread of its CPU too.)
 */
#define NET_TX_DEFER_MAX	8

static DEFINE_PERCPU(unsigned, tx_deferred);

void net_core_unlock(void)
{
	unsigned *deferred = &this_cpu_var(tx_deferred);

	netif_tso_flush();
	sys_mutex_unlock(&lock_tcpip_core);
	if (sched_others_ready() && ++*deferred < NET_TX_DEFER_MAX)
		return;
	*deferred = 0;
	netif_tx_flush();
}
