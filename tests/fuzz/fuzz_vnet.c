// SPDX-License-Identifier: MIT
/*
 * Frames from a virtio-net device into lwIP, the way they come in the
 * kernel: the driver's receive thread (drivers/virtio/net_rx.c: the
 * virtio-net header's checks, merged buffers held as one frame, lent to
 * the stack or copied, NEEDS_CSUM and DATA_VALID believed), our glue
 * (net/netif.c: pbufs over the device's buffers, large-receive frames
 * given to IP, checksum checks switched per frame by
 * netif_csum.c, ARP watched), then lwIP's Ethernet, ARP, IPv4/IPv6,
 * ICMP, TCP and UDP input, with our hooks (tcp_reopen.c, tcp_ack.c,
 * tcp_synflood.c, tcp_far.c). A TCP listener on port 80 and a UDP
 * socket on port 7 answer what comes (echo; a 'G' asks for 32 KiB), so
 * what lwIP sends goes back out through netif_tso.c and the driver, to a
 * sink that checks each frame is one a device may be given.
 *
 * Input: two bytes of device (features; MTU and link), then records:
 * a flags byte, a 16-bit length and that many bytes, which the device
 * writes into the receive buffers as one frame. Flags: HDR prepends a
 * virtio-net header (no flags, the right buffer count) so the bytes are
 * the Ethernet frame; else they start with the header the fuzzer wrote.
 * FIX sets the frame's IPv4 header checksum and its TCP, UDP, ICMP or
 * ICMPv6 checksum right; ACK sets a TCP segment's acknowledgment number to the end of
 * the last segment lwIP sent (what a real peer would know); TICK moves
 * the clock 250 ms after the frame (lwIP's timers: retransmissions, ARP,
 * reassembly).
 */
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"

#include "../../drivers/virtio/net_impl.h"
#include "fuzz.h"
#include "host_threads.h"
#include "net_world.h"

#define REC_HDR		0x01
#define REC_FIX		0x02
#define REC_ACK		0x04
#define REC_TICK	0x08

#define TCP_PORT	80
#define UDP_PORT	7
#define BULK		(32 * 1024)

#define ETH_HLEN	14
#define ETHTYPE_IP	0x0800
#define ETHTYPE_IP6	0x86dd
#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_UDP	17
#define PROTO_ICMP6	58

static uint32_t next_seq;	/* after the last TCP segment we sent */
static bool sent_tcp;
static uint8_t buf[VNET_HDR_LEN + 0x10000 + 64];

/* Where frame (f)'s TCP, UDP, ICMP or ICMPv6 header is: its offset,
 * length and protocol, with the pseudo-header's sum (none for ICMP);
 * false for anything else. */
static bool l4_of(const uint8_t *f, size_t len, size_t *off, size_t *l4len,
		  unsigned *proto, uint32_t *sum)
{
	if (len >= ETH_HLEN + 20 && be16(f + 12) == ETHTYPE_IP) {
		const uint8_t *ip = f + ETH_HLEN;
		size_t ihl = (ip[0] & 15) * 4u, tot = be16(ip + 2);

		if (ihl < 20 || tot < ihl || ETH_HLEN + tot > len ||
		    (be16(ip + 6) & 0x3fff))
			return false;
		*off = ETH_HLEN + ihl;
		*l4len = tot - ihl;
		*proto = ip[9];
		*sum = *proto == PROTO_ICMP ? 0 :
		       net_world_sum(ip + 12, 8, *proto + (uint32_t)*l4len);
	} else if (len >= ETH_HLEN + 40 && be16(f + 12) == ETHTYPE_IP6) {
		const uint8_t *ip = f + ETH_HLEN;

		*off = ETH_HLEN + 40;
		*l4len = be16(ip + 4);
		*proto = ip[6];
		if (*off + *l4len > len)
			return false;
		*sum = net_world_sum(ip + 8, 32, *proto + (uint32_t)*l4len);
	} else {
		return false;
	}
	return (*proto == PROTO_TCP && *l4len >= 20) ||
	       (*proto == PROTO_UDP && *l4len >= 8) ||
	       ((*proto == PROTO_ICMP || *proto == PROTO_ICMP6) &&
		*l4len >= 4);
}

/* What lwIP sends: a frame a device may be given; TCP's sequence is
 * remembered for REC_ACK. */
static void sent(const uint8_t *f, size_t len)
{
	const struct vnet_hdr *h = (const void *)(f - VNET_HDR_LEN);
	const struct vnet *v = netdev_get(0)->driver_data;
	size_t off, l4len;
	unsigned proto;
	uint32_t sum;

	FUZZ_CHECK(len >= ETH_HLEN);
	FUZZ_CHECK(h->gso_type ? len <= NETDEV_TSO_MAX : len <= v->frame_max);
	if (!l4_of(f, len, &off, &l4len, &proto, &sum) || proto != PROTO_TCP)
		return;
	const uint8_t *t = f + off;
	size_t thl = (t[12] >> 4) * 4u;

	FUZZ_CHECK(thl >= 20 && thl <= l4len);
	next_seq = be32(t + 4) + (uint32_t)(l4len - thl) +
		   !!(t[13] & TCP_SYN) + !!(t[13] & TCP_FIN);
	sent_tcp = true;
}

static void fix(uint8_t *f, size_t len, bool sums, bool ack)
{
	size_t off, l4len;
	unsigned proto;
	uint32_t sum;

	if (sums && len >= ETH_HLEN + 20 && be16(f + 12) == ETHTYPE_IP) {
		uint8_t *ip = f + ETH_HLEN;
		size_t ihl = (ip[0] & 15) * 4u;

		if (ihl >= 20 && ETH_HLEN + ihl <= len) {
			put16(ip + 10, 0);
			put16(ip + 10, net_world_fold(net_world_sum(ip, ihl,
								    0)));
		}
	}
	if (!l4_of(f, len, &off, &l4len, &proto, &sum))
		return;
	uint8_t *l4 = f + off;
	unsigned at = proto == PROTO_TCP ? 16 : proto == PROTO_UDP ? 6 : 2;

	if (ack && proto == PROTO_TCP && sent_tcp) {
		put16(l4 + 8, next_seq >> 16);
		put16(l4 + 10, next_seq & 0xffff);
	}
	if (sums) {
		put16(l4 + at, 0);
		put16(l4 + at, net_world_fold(net_world_sum(l4, l4len, sum)));
	}
}

/* ------------------------------------------------------------------------
 * The application: TCP echo (with a bulk answer) and UDP echo.
 */

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
			 err_t err)
{
	static const uint8_t bulk[BULK];

	(void)arg;
	if (!p || err != ERR_OK) {
		if (p)
			pbuf_free(p);
		tcp_close(pcb);		/* may fail: lwIP retries it */
		return ERR_OK;
	}
	for (struct pbuf *q = p; q; q = q->next)
		tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY);
	if (((uint8_t *)p->payload)[0] == 'G')
		tcp_write(pcb, bulk, LWIP_MIN(tcp_sndbuf(pcb), BULK), 0);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	tcp_output(pcb);
	return ERR_OK;
}

static err_t accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	tcp_recv(pcb, tcp_recv_cb);
	return ERR_OK;
}

static void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p,
			const ip_addr_t *addr, u16_t port)
{
	(void)arg;
	udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

static void application(void)
{
	struct tcp_pcb *t = tcp_new_ip_type(IPADDR_TYPE_ANY);
	struct udp_pcb *u = udp_new_ip_type(IPADDR_TYPE_ANY);

	LOCK_TCPIP_CORE();
	FUZZ_CHECK(t && tcp_bind(t, IP_ANY_TYPE, TCP_PORT) == ERR_OK);
	t = tcp_listen(t);
	FUZZ_CHECK(t);
	tcp_accept(t, accept_cb);
	FUZZ_CHECK(u && udp_bind(u, IP_ANY_TYPE, UDP_PORT) == ERR_OK);
	udp_recv(u, udp_recv_cb, NULL);
	UNLOCK_TCPIP_CORE();
}

/* ------------------------------------------------------------------------ */

struct input {
	const uint8_t *p;
	size_t left;
};

static unsigned take(struct input *in, unsigned bytes)
{
	unsigned v = 0;

	for (unsigned i = 0; i < bytes && in->left; i++, in->left--)
		v |= (unsigned)*in->p++ << (8 * i);
	return v;
}

/* The device's features, from the input's first bytes. */
static struct net_world_config device(struct input *in)
{
	static const uint8_t bits[8] = {
		VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_F_GUEST_CSUM,
		VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6,
		VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4,
		VIRTIO_NET_F_HOST_TSO6, VIRTIO_F_INDIRECT_DESC,
	};
	unsigned f = take(in, 1), g = take(in, 1);
	struct net_world_config c = { .features =
		VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC) };

	for (unsigned i = 0; i < 8; i++)
		if (f & (1u << i))
			c.features |= VIRTIO_BIT(bits[i]);
	if (g & 1) {
		c.features |= VIRTIO_BIT(VIRTIO_NET_F_MTU);
		c.mtu = (uint16_t)(40 + (g >> 3) * 300);
	}
	if (g & 2)
		c.features |= VIRTIO_BIT(VIRTIO_NET_F_STATUS);
	c.link_up = !(g & 4);
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool app;
	struct input in = { data, size };
	struct net_world_config c = device(&in);
	struct netif *nif;

	net_world_sent = sent;
	sent_tcp = false;
	nif = net_world_start(&c);
	if (!nif)
		return 0;
	if (!app) {
		application();
		app = true;
	}
	struct vnet *v = netdev_get(0)->driver_data;

	while (in.left && !net_world_broken()) {
		unsigned flags = take(&in, 1), len = take(&in, 2), n = 0;

		len = LWIP_MIN(len, in.left);
		if (flags & REC_HDR) {
			struct vnet_hdr h = { .num_buffers = 1 };

			if (v->mrg)
				h.num_buffers = (uint16_t)((VNET_HDR_LEN + len +
					v->buf_len - 1) / v->buf_len);
			memcpy(buf, &h, VNET_HDR_LEN);
			n = VNET_HDR_LEN;
		}
		memcpy(buf + n, in.p, len);
		in.p += len;
		in.left -= len;
		n += len;
		if (n > VNET_HDR_LEN)
			fix(buf + VNET_HDR_LEN, n - VNET_HDR_LEN,
			    flags & REC_FIX, flags & REC_ACK);
		if (!net_world_receive(buf, n))
			break;
		if (flags & REC_TICK)
			fuzz_advance(250);
	}
	net_world_stop();
	return 0;
}
