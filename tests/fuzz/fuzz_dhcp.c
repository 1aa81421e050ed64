// SPDX-License-Identifier: MIT
/*
 * DHCP answers to lwIP's DHCP client, as net_start() runs it
 * (net/netif_start.c): the interface of fuzz_vnet.c without an address,
 * dhcp_start(), and the server's answers coming in through the
 * virtio-net driver like any frame, with the DNS servers they name going
 * to our hook (net/netif_dns.c). The clock moves as the input says, so
 * the client's state machine goes its ways: DISCOVER, OFFER, REQUEST,
 * ACK, the ARP check of the address, renewal and rebinding at T1 and
 * T2, NAK and DECLINE back to the start, the lease running out.
 *
 * Input: records of an op byte and a 16-bit word.
 *   op 0: a DHCP message of (word) bytes (from BOOTP's op field on)
 *         follows; it goes out from the server 10.0.2.2:67 to
 *         255.255.255.255:68 with its transaction id and client address
 *         set to those of the client's last message (so that the parser
 *         gets past them) unless op bit 4 (RAW) is set, and with right
 *         IP and UDP checksums.
 *   op 1: (word & 255) ticks of 500 ms (lwIP's DHCP fine timer), with
 *         the threads run after each.
 *   op 2: an Ethernet frame of (word) bytes follows (ARP answers to the
 *         address check, say).
 *   op 3: the device's link goes down (word & 1) or up.
 * What the client sends is checked to be a BOOTP request from our MAC.
 * (lwIP 2.1.3 binds an ACK whose yiaddr is 0.0.0.0, and then says it
 * has an address: seed ack-yiaddr-zero. Not a crash; nothing here
 * checks lwIP's judgment of what a server says.)
 */
#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "../../drivers/virtio/net_impl.h"
#include "fuzz.h"
#include "host_threads.h"
#include "net_world.h"

#define OP_RAW		0x10
#define ETH_HLEN	14
#define IP_HLEN		20
#define UDP_HLEN	8
#define HDRS		(VNET_HDR_LEN + ETH_HLEN + IP_HLEN + UDP_HLEN)
#define BOOTP_XID	4
#define BOOTP_CHADDR	28
#define BOOTP_MIN	240	/* fixed part and magic cookie */

static const uint8_t server_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static uint8_t xid[4];
static uint8_t buf[HDRS + 0x10000];

/* The client's messages: UDP from port 68 to 67 over IPv4. */
static void sent(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + ETH_HLEN, *udp, *m;

	if (len < ETH_HLEN + IP_HLEN + UDP_HLEN || be16(f + 12) != 0x0800 ||
	    ip[9] != 17)
		return;
	udp = ip + (ip[0] & 15) * 4;
	if (be16(udp) != 68 || be16(udp + 2) != 67)
		return;
	m = udp + UDP_HLEN;
	FUZZ_CHECK((size_t)(m - f) + BOOTP_MIN <= len);
	FUZZ_CHECK(m[0] == 1 && m[1] == 1 && m[2] == 6);	/* request */
	FUZZ_CHECK(!memcmp(m + BOOTP_CHADDR, net_world_mac, 6));
	memcpy(xid, m + BOOTP_XID, 4);
}

/* A server's answer around DHCP message (m) of (n) bytes, in buf. */
static size_t answer(size_t n, bool raw)
{
	uint8_t *f = buf + VNET_HDR_LEN, *ip = f + ETH_HLEN;
	uint8_t *udp = ip + IP_HLEN, *m = udp + UDP_HLEN;

	memset(buf, 0, HDRS);
	buf[10] = 1;				/* num_buffers */
	memset(f, 0xff, 6);			/* broadcast */
	memcpy(f + 6, server_mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(IP_HLEN + UDP_HLEN + n));
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, NET_WORLD_PEER);
	put32(ip + 16, 0xffffffff);
	put16(ip + 10, net_world_fold(net_world_sum(ip, IP_HLEN, 0)));
	put16(udp, 67);
	put16(udp + 2, 68);
	put16(udp + 4, (unsigned)(UDP_HLEN + n));
	if (!raw && n >= BOOTP_CHADDR + 6) {
		memcpy(m + BOOTP_XID, xid, 4);
		memcpy(m + BOOTP_CHADDR, net_world_mac, 6);
	}
	uint32_t sum = net_world_sum(ip + 12, 8, 17 + UDP_HLEN + (uint32_t)n);
	uint16_t c = net_world_fold(net_world_sum(udp, UDP_HLEN + n, sum));

	put16(udp + 6, c ? c : 0xffff);
	return HDRS + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_world_config c = {
		.features = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			    VIRTIO_BIT(VIRTIO_NET_F_MAC) |
			    VIRTIO_BIT(VIRTIO_NET_F_STATUS),
		.link_up = true,
		.dhcp = true,
	};
	struct netif *nif;

	net_world_sent = sent;
	memset(xid, 0, sizeof(xid));
	nif = net_world_start(&c);
	FUZZ_CHECK(nif);
	while (size >= 3 && !net_world_broken()) {
		unsigned op = data[0], word = data[1] | data[2] << 8;
		size_t n = 0;

		data += 3;
		size -= 3;
		switch (op & 3) {
		case 0:
		case 2:
			n = word < size ? word : size;
			memcpy(buf + ((op & 3) ? VNET_HDR_LEN : HDRS), data, n);
			data += n;
			size -= n;
			if (op & 3) {
				memset(buf, 0, VNET_HDR_LEN);
				buf[10] = 1;
				n += VNET_HDR_LEN;
			} else {
				n = answer(n, op & OP_RAW);
			}
			net_world_receive(buf, n);
			break;
		case 1:
			for (unsigned i = 0; i < (word & 255); i++)
				fuzz_advance(DHCP_FINE_TIMER_MSECS);
			break;
		case 3:
			net_world_link(!(word & 1));
			break;
		}
	}
	net_world_stop();
	return 0;
}
