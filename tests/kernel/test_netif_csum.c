// SPDX-License-Identifier: MIT
/*
 * The interface's checksum offload (net/netif_csum.c) on outgoing TCP
 * frames, IPv4 and IPv6: the pseudo-header sum goes into the frame, and
 * the offload it fills asks for a checksum and nothing else. It once set
 * only the checksum's place and left the rest of the caller's structure
 * as the stack had it: a stray mss asked the driver to segment an
 * ordinary frame, which it refused, and the frame was lost (a web
 * server's last answer before exit never left).
 */
#include <string.h>

#include <kernel/netdev.h>
#include <toro/test.h>

#include "lwip/pbuf.h"
#include "../../net/netif_impl.h"

static const struct netdev csum_dev = { .features = NETDEV_F_TX_CSUM };

/* A frame of (len) bytes with (head) at its start, in a pbuf. */
static struct pbuf *frame(const uint8_t *head, size_t hlen, size_t len)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);

	if (p) {
		memset(p->payload, 0, len);
		memcpy(p->payload, head, hlen);
	}
	return p;
}

static void fill_garbage(struct netdev_offload *c)
{
	memset(c, 0x5a, sizeof(*c));
}

TEST(netif_csum, tcp4_offload_asks_for_the_checksum_alone)
{
	/* Ethernet, IPv4 (20 bytes, TCP, total 40 + 10), TCP. */
	uint8_t h[14 + 20] = { [12] = 0x08, [13] = 0x00,
			       [14] = 0x45, [17] = 50, [23] = 6,
			       [26] = 10, [29] = 1, [30] = 10, [33] = 2 };
	struct pbuf *p = frame(h, sizeof(h), 14 + 50);
	struct netdev_offload c;

	ASSERT_NOT_NULL(p);
	fill_garbage(&c);
	ASSERT_TRUE(netif_csum_tx(&csum_dev, p, &c));
	EXPECT_EQ(c.start, 34);
	EXPECT_EQ(c.offset, 16);
	EXPECT_EQ(c.mss, 0);
	EXPECT_EQ(c.hdr_len, 0);
	EXPECT_FALSE(c.ipv6);
	pbuf_free(p);
}

TEST(netif_csum, tcp6_offload_asks_for_the_checksum_alone)
{
	/* Ethernet, IPv6 (payload 30, next header TCP), TCP. */
	uint8_t h[14 + 40] = { [12] = 0x86, [13] = 0xdd, [14] = 0x60,
			       [19] = 30, [20] = 6, [21] = 64,
			       [22] = 0xfd, [37] = 1, [38] = 0xfd, [53] = 2 };
	struct pbuf *p = frame(h, sizeof(h), 14 + 40 + 30);
	struct netdev_offload c;

	ASSERT_NOT_NULL(p);
	fill_garbage(&c);
	if (LWIP_IPV6) {
		ASSERT_TRUE(netif_csum_tx(&csum_dev, p, &c));
		EXPECT_EQ(c.start, 54);
		EXPECT_EQ(c.offset, 16);
		EXPECT_EQ(c.mss, 0);
		EXPECT_EQ(c.hdr_len, 0);
		/* The pseudo-header sum, folded: addresses, length, TCP. */
		uint8_t *tcp = (uint8_t *)p->payload + 54;

		EXPECT_EQ(tcp[16] << 8 | tcp[17], 0xfd00 + 1 + 0xfd00 + 2 +
			  30 + 6 - 0xffff);
	}
	pbuf_free(p);
}
