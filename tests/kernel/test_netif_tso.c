// SPDX-License-Identifier: MIT
/*
 * Big TCP segments on their way to the device (net/netif_tso.c,
 * net/tcp_big.c): a big segment carries the MSS to cut it at in its
 * urgent pointer. Whole, it goes to the device with that MSS and the
 * field zeroed; when the device cannot take it whole, netif_tso_cut()
 * sends it as frames of that MSS, each with its own sequence number,
 * lengths, IP ID and checksums, FIN and PSH on the last one only, and no
 * urgent pointer: none of the mark reaches the wire.
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

/* A big segment of PAYLOAD bytes, its headers in one pbuf and its
 * payload (byte i is i * 7) in a second, as tcp_write() makes them. */
static struct pbuf *big_segment(unsigned urgp, uint8_t flags)
{
	uint8_t h[HLEN] = {
		[12] = 0x08, [13] = 0x00,			/* IPv4 */
		[14] = 0x45, [18] = 0x12, [19] = 0x34,		/* ID */
		[22] = 64, [23] = 6,				/* TCP */
		[26] = 10, [29] = 1, [30] = 10, [33] = 2,
		[34] = 0x30, [35] = 0x39, [36] = 0x00, [37] = 80,
		[38] = SEQ >> 24, [39] = (SEQ >> 16) & 0xff,
		[40] = (SEQ >> 8) & 0xff, [41] = SEQ & 0xff,
		[46] = 0x50, [48] = 0x10,			/* window */
	};
	struct pbuf *p = pbuf_alloc(PBUF_RAW, HLEN, PBUF_RAM);
	struct pbuf *data = pbuf_alloc(PBUF_RAW, PAYLOAD, PBUF_RAM);

	if (!p || !data)
		return NULL;
	h[16] = (20 + 20 + PAYLOAD) >> 8;
	h[17] = (20 + 20 + PAYLOAD) & 0xff;
	h[47] = flags;
	h[52] = (uint8_t)(urgp >> 8);
	h[53] = (uint8_t)urgp;
	memcpy(p->payload, h, HLEN);
	for (unsigned i = 0; i < PAYLOAD; i++)
		((uint8_t *)data->payload)[i] = (uint8_t)(i * 7);
	pbuf_cat(p, data);
	return p;
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
	ASSERT_TRUE(netif_tso_cut(&tso_dev, p));
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

TEST(netif_tso, only_big_tcp_segments_are_cut)
{
	struct pbuf *p = big_segment(0, FLAGS_ACK);

	ASSERT_NOT_NULL(p);
	ASSERT_TRUE(start());
	EXPECT_FALSE(netif_tso_cut(&tso_dev, p));	/* not marked */
	((uint8_t *)p->payload)[23] = 17;		/* UDP */
	((uint8_t *)p->payload)[53] = 100;
	EXPECT_FALSE(netif_tso_cut(&tso_dev, p));
	EXPECT_EQ(nsent, 0u);
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
