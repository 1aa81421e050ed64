// SPDX-License-Identifier: MIT
/*
 * Big TCP segments on their way to the device (net/netif_tso.c,
 * net/tcp_big.c): a big segment carries the MSS to cut it at in its
 * urgent pointer. Whole, it goes to the device with that MSS and the
 * field zeroed; when the device cannot take it whole, netif_tso_cut()
 * sends it as frames of that MSS, each with its own sequence number,
 * lengths, IP ID and checksums, FIN and PSH on the last one only, and no
 * urgent pointer: none of the mark reaches the wire. Any other TCP
 * segment over the link's MTU, IPv4 or IPv6, is cut the same way to fit.
 */
#include <errno.h>
#include <string.h>

#include <kernel/heap.h>
#include <kernel/netdev.h>
#include <toro/test.h>

#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "../../net/netif_impl.h"

#define HLEN		(14 + 20 + 20)
#define PAYLOAD		1300
#define CUT_MSS		500
#define SENT_MAX	3
#define SEQ		0xfffffe00u	/* wraps within the segment */
#define FLAGS_ACK	0x10
#define FLAGS_PSH	0x08
#define FLAGS_FIN	0x01

/* What the fake device was given (on the heap: the test image's memory
 * is tight). */
static struct sent {
	uint8_t frame[HLEN + PAYLOAD];
	size_t len;
	struct netdev_offload off;
	bool has_off;
} *sent;
static unsigned nsent;

static int fake_xmit(struct netdev *d, const struct netdev_frag *frags,
		     unsigned n, const struct netdev_offload *off)
{
	(void)d;
	if (nsent == SENT_MAX)
		return -ENOBUFS;
	struct sent *s = &sent[nsent++];

	s->len = 0;
	for (unsigned i = 0; i < n; i++) {
		memcpy(s->frame + s->len, frags[i].data, frags[i].len);
		s->len += frags[i].len;
	}
	s->has_off = off != NULL;
	if (off)
		s->off = *off;
	return 0;
}

static struct netdev tso_dev = {
	.features = NETDEV_F_TX_CSUM | NETDEV_F_TSO4,
	.xmit = fake_xmit,
};

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static unsigned fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* A segment with headers (h) ((hlen) bytes) in one pbuf and PAYLOAD
 * bytes (byte i is i * 7) in a second, as tcp_write() makes them. */
static struct pbuf *segment(const uint8_t *h, unsigned hlen)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)hlen, PBUF_RAM);
	struct pbuf *data = pbuf_alloc(PBUF_RAW, PAYLOAD, PBUF_RAM);

	if (!p || !data)
		return NULL;
	memcpy(p->payload, h, hlen);
	for (unsigned i = 0; i < PAYLOAD; i++)
		((uint8_t *)data->payload)[i] = (uint8_t)(i * 7);
	pbuf_cat(p, data);
	return p;
}

/* A big segment over IPv4 (10.0.0.1 -> 10.0.0.2), its MSS mark (urgp). */
static struct pbuf *big_segment(unsigned urgp, uint8_t flags)
{
	uint8_t h[HLEN] = {
		[12] = 0x08, [13] = 0x00,			/* IPv4 */
		[14] = 0x45, [18] = 0x12, [19] = 0x34,		/* ID */
		[16] = (20 + 20 + PAYLOAD) >> 8,
		[17] = (20 + 20 + PAYLOAD) & 0xff,
		[22] = 64, [23] = 6,				/* TCP */
		[26] = 10, [29] = 1, [30] = 10, [33] = 2,
		[34] = 0x30, [35] = 0x39, [36] = 0x00, [37] = 80,
		[38] = SEQ >> 24, [39] = (SEQ >> 16) & 0xff,
		[40] = (SEQ >> 8) & 0xff, [41] = SEQ & 0xff,
		[46] = 0x50, [47] = flags, [48] = 0x10,		/* window */
		[52] = (uint8_t)(urgp >> 8), [53] = (uint8_t)urgp,
	};

	return segment(h, HLEN);
}

/* The same over IPv6 (fe80::1 -> fe80::2), not marked. */
#define HLEN6		(14 + 40 + 20)
static struct pbuf *segment6(uint8_t flags)
{
	uint8_t h[HLEN6] = {
		[12] = 0x86, [13] = 0xdd, [14] = 0x60,		/* IPv6 */
		[18] = (20 + PAYLOAD) >> 8, [19] = (20 + PAYLOAD) & 0xff,
		[20] = 6, [21] = 64,				/* TCP */
		[22] = 0xfe, [23] = 0x80, [37] = 1,
		[38] = 0xfe, [39] = 0x80, [53] = 2,
		[54] = 0x30, [55] = 0x39, [56] = 0x00, [57] = 80,
		[58] = SEQ >> 24, [59] = (SEQ >> 16) & 0xff,
		[60] = (SEQ >> 8) & 0xff, [61] = SEQ & 0xff,
		[66] = 0x50, [67] = flags, [68] = 0x10,		/* window */
	};

	return segment(h, HLEN6);
}

static bool start(void)
{
	sent = heap_zalloc(SENT_MAX * sizeof(*sent));
	nsent = 0;
	return sent != NULL;
}

TEST(netif_tso, big_segment_is_cut_at_its_mss_when_not_taken_whole)
{
	struct pbuf *p = big_segment(CUT_MSS, FLAGS_ACK | FLAGS_PSH |
					      FLAGS_FIN);
	unsigned at = 0;

	ASSERT_NOT_NULL(p);
	ASSERT_TRUE(start());
	ASSERT_TRUE(netif_tso_cut(&tso_dev, p, 1500));
	ASSERT_EQ(nsent, 3u);
	for (unsigned i = 0; i < nsent; i++) {
		const uint8_t *f = sent[i].frame, *ip = f + 14, *tcp = ip + 20;
		unsigned n = i < 2 ? CUT_MSS : PAYLOAD - 2 * CUT_MSS;
		uint32_t sum = 0;

		EXPECT_EQ(sent[i].len, (size_t)HLEN + n);
		EXPECT_EQ(be16(ip + 2), 40u + n);
		EXPECT_EQ(be16(ip + 4), 0x1234u + i);
		for (unsigned w = 0; w < 20; w += 2)
			sum += be16(ip + w);
		EXPECT_EQ(fold(sum), 0xffffu);	/* header checksum */
		EXPECT_EQ(be32(tcp + 4), SEQ + at);
		EXPECT_EQ(tcp[13], i == 2 ? FLAGS_ACK | FLAGS_PSH | FLAGS_FIN
					  : FLAGS_ACK);
		EXPECT_EQ(be16(tcp + 18), 0u);	/* no mark on the wire */
		/* The pseudo-header sum for the device to complete. */
		EXPECT_EQ(be16(tcp + 16),
			  fold(0x0a00 + 1 + 0x0a00 + 2 + 6 + 20 + n));
		ASSERT_TRUE(sent[i].has_off);
		EXPECT_EQ(sent[i].off.start, 34);
		EXPECT_EQ(sent[i].off.offset, 16);
		EXPECT_EQ(sent[i].off.mss, 0);
		for (unsigned b = 0; b < n; b++)
			if (f[HLEN + b] != (uint8_t)((at + b) * 7)) {
				EXPECT_EQ(f[HLEN + b],
					  (uint8_t)((at + b) * 7));
				break;
			}
		at += n;
	}
	pbuf_free(p);
	heap_free(sent);
}

TEST(netif_tso, only_tcp_segments_are_cut)
{
	struct pbuf *p = big_segment(100, FLAGS_ACK);

	ASSERT_NOT_NULL(p);
	ASSERT_TRUE(start());
	((uint8_t *)p->payload)[23] = 17;		/* UDP */
	EXPECT_FALSE(netif_tso_cut(&tso_dev, p, 1500));
	EXPECT_EQ(nsent, 0u);
	pbuf_free(p);
	heap_free(sent);
}

/* A segment lwIP made larger than the link takes (not a big one: no
 * mark) is cut to fit the link's MTU rather than dropped whole; by a
 * device that does not sum, the checksums are summed here. */
TEST(netif_tso, a_segment_over_the_mtu_is_cut_to_fit_it)
{
	static struct netdev plain_dev = { .xmit = fake_xmit };
	struct pbuf *p = big_segment(0, FLAGS_ACK | FLAGS_PSH);
	unsigned at = 0, mss = 600;

	ASSERT_NOT_NULL(p);
	ASSERT_TRUE(start());
	ASSERT_TRUE(netif_tso_cut(&plain_dev, p, 40 + mss));
	ASSERT_EQ(nsent, 3u);
	for (unsigned i = 0; i < nsent; i++) {
		const uint8_t *ip = sent[i].frame + 14, *tcp = ip + 20;
		unsigned n = i < 2 ? mss : PAYLOAD - 2 * mss;
		uint32_t sum = 0x0a00 + 1 + 0x0a00 + 2 + 6 + 20 + n;

		EXPECT_EQ(sent[i].len, (size_t)HLEN + n);
		EXPECT_EQ(be16(ip + 2), 40u + n);
		EXPECT_EQ(be32(tcp + 4), SEQ + at);
		EXPECT_EQ(tcp[13], i == 2 ? FLAGS_ACK | FLAGS_PSH : FLAGS_ACK);
		EXPECT_FALSE(sent[i].has_off);
		/* The whole TCP checksum: pseudo-header and segment. */
		for (unsigned w = 0; w < 20 + n; w += 2)
			sum += be16(tcp + w);
		EXPECT_EQ(fold(sum), 0xffffu);
		at += n;
	}
	pbuf_free(p);
	heap_free(sent);
}

TEST(netif_tso, big_segment_goes_whole_cut_at_its_mark)
{
	struct pbuf *p = big_segment(CUT_MSS, FLAGS_ACK);

	ASSERT_NOT_NULL(p);
	ASSERT_TRUE(start());
	LOCK_TCPIP_CORE();
	ASSERT_TRUE(netif_tso_take(&tso_dev, p));
	netif_tso_flush();
	UNLOCK_TCPIP_CORE();
	ASSERT_EQ(nsent, 1u);
	EXPECT_EQ(sent[0].len, (size_t)HLEN + PAYLOAD);
	ASSERT_TRUE(sent[0].has_off);
	EXPECT_EQ(sent[0].off.mss, CUT_MSS);
	EXPECT_EQ(sent[0].off.hdr_len, HLEN);
	EXPECT_EQ(be16(sent[0].frame + 14 + 20 + 18), 0u);
	/* The stack's own copy keeps its mark for a retransmission's cut. */
	EXPECT_EQ(be16((uint8_t *)p->payload + 14 + 20 + 18), (unsigned)CUT_MSS);
	pbuf_free(p);
	heap_free(sent);
}

/* The same over IPv6, by a device that sums: each piece with its own
 * payload length and the pseudo-header sum for the device. */
TEST(netif_tso, an_ipv6_segment_over_the_mtu_is_cut_to_fit_it)
{
	struct pbuf *p = segment6(FLAGS_ACK | FLAGS_FIN);
	unsigned at = 0, mss = 1280 - 60;

	ASSERT_NOT_NULL(p);
	ASSERT_TRUE(start());
	ASSERT_TRUE(netif_tso_cut(&tso_dev, p, 1280));
	ASSERT_EQ(nsent, 2u);
	for (unsigned i = 0; i < nsent; i++) {
		const uint8_t *f = sent[i].frame, *ip = f + 14, *tcp = ip + 40;
		unsigned n = i == 0 ? mss : PAYLOAD - mss;

		EXPECT_EQ(sent[i].len, (size_t)HLEN6 + n);
		EXPECT_EQ(be16(ip + 4), 20u + n);
		EXPECT_EQ(be32(tcp + 4), SEQ + at);
		EXPECT_EQ(tcp[13], i == 1 ? FLAGS_ACK | FLAGS_FIN : FLAGS_ACK);
		EXPECT_EQ(be16(tcp + 16),
			  fold(0xfe80 + 1 + 0xfe80 + 2 + 6 + 20 + n));
		ASSERT_TRUE(sent[i].has_off);
		EXPECT_EQ(sent[i].off.start, 54);
		EXPECT_EQ(sent[i].off.mss, 0);
		EXPECT_EQ(f[HLEN6], (uint8_t)(at * 7));
		at += n;
	}
	pbuf_free(p);
	heap_free(sent);
}

/* A lone segment that ends a write (PSH) and is not big is left to the
 * caller to send at once, holding no reference; a big one with PSH is
 * still gathered and goes whole. */
TEST(netif_tso, a_lone_segment_that_ends_a_write_is_not_held)
{
	struct pbuf *p = big_segment(0, FLAGS_ACK | FLAGS_PSH);
	struct pbuf *big = big_segment(CUT_MSS, FLAGS_ACK | FLAGS_PSH);

	ASSERT_NOT_NULL(p);
	ASSERT_NOT_NULL(big);
	ASSERT_TRUE(start());
	LOCK_TCPIP_CORE();
	EXPECT_FALSE(netif_tso_take(&tso_dev, p));
	EXPECT_EQ(p->ref, 1);
	ASSERT_TRUE(netif_tso_take(&tso_dev, big));
	netif_tso_flush();
	UNLOCK_TCPIP_CORE();
	ASSERT_EQ(nsent, 1u);
	EXPECT_EQ(sent[0].off.mss, CUT_MSS);
	pbuf_free(p);
	pbuf_free(big);
	heap_free(sent);
}
