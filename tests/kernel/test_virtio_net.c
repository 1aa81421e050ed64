// SPDX-License-Identifier: MIT
/*
 * The virtio-net driver against a device played by the test
 * (fake_virtio.h, two queues: receive and transmit), through struct
 * netdev as the stack sees it: the MAC from configuration space, receive
 * buffers posted, frames (whole or spread over merged buffers) reaching
 * the receive callback byte for byte with the right checksum verdict,
 * lent with spare buffers posted in their place, or copied and posted
 * again while the stack holds every spare, transmit buffers returned by
 * their completion, link changes reported, large receive (a TCP segment
 * the host put together, over many merged buffers). Garbage from the device (an id not in
 * flight, a length past the buffer, an impossible buffer count, flags or
 * GSO never negotiated) must break the device (console warning, reset)
 * and make xmit fail with -EIO, without a crash or a hang.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/netdev.h>
#include <kernel/page_alloc.h>
#include <toro/sync.h>
#include <toro/test.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "../../drivers/virtio/net_impl.h"
#include "fake_virtio.h"

#define RXQ		0
#define TXQ		1
#define DESC_F_WRITE	2
#define WAIT_NS		(10ULL * 1000000000)	/* only against hangs */

static const uint8_t test_mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

/* One fake device with its netdev, and what its callbacks saw. A device
 * stays registered for good (the driver has no remove), so each lives in
 * this static table. */
struct nt {
	struct fake fk;
	struct netdev *nd;
	struct sema got;	/* a frame was received */
	struct sema link;	/* link_changed was called */
	uint8_t frame[8192];
	size_t len;
	bool csum_ok;
	bool lent;		/* the last frame was lent */
	unsigned pieces;	/* and came in so many */
	int frames;
	bool link_up;
	bool keep;		/* hold lent pieces in (kept) */
};

/* What a device's (keep) holds; one case at a time uses it. The 4 MiB
 * guests have little room: this is not in each struct nt. */
static void *kept[64];
static unsigned nkept;

static struct nt nts[NETDEV_MAX];
static unsigned nnt;

/* The frame's pieces put together in (frame); lent ones given back at
 * once, unless the case holds them (keep). */
static void on_receive(struct netdev *d, const struct netdev_rx_piece *pc,
		       unsigned n, bool csum_ok, bool lent)
{
	struct nt *t = d->stack_data;
	size_t at = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t k = pc[i].len < sizeof(t->frame) - at ?
			   pc[i].len : sizeof(t->frame) - at;

		memcpy(t->frame + at, pc[i].data, k);
		at += k;
		if (lent && t->keep && nkept < 64)
			kept[nkept++] = pc[i].lent;
		else if (lent)
			d->rx_release(d, pc[i].lent);
	}
	t->len = at;
	t->csum_ok = csum_ok;
	t->lent = lent;
	t->pieces = n;
	t->frames++;
	sema_post(&t->got);
}

static void on_link(struct netdev *d, bool up)
{
	struct nt *t = d->stack_data;

	t->link_up = up;
	sema_post(&t->link);
}

/* A started virtio-net device offering (features), or NULL. */
static struct nt *net_start(uint64_t features)
{
	if (nnt == sizeof(nts) / sizeof(nts[0]))
		return NULL;
	struct nt *t = &nts[nnt++];
	unsigned before = netdev_count();

	fake_init(&t->fk, VIRTIO_ID_NET, features);
	t->fk.nqueues = 2;
	memcpy(t->fk.config, test_mac, 6);
	t->fk.config[6] = 1;	/* status: link up */
	if (virtio_bind(&t->fk.dev) != 0 || netdev_count() != before + 1)
		return NULL;
	t->nd = netdev_get(before);
	sema_init(&t->got, 0);
	sema_init(&t->link, 0);
	t->nd->stack_data = t;
	t->nd->receive = on_receive;
	t->nd->link_changed = on_link;
	if (t->nd->up(t->nd) != 0)
		return NULL;
	return t;
}

/* Whether the driver takes large receive and lends received buffers:
 * from VNET_ROOMY_MEM of memory on. */
static bool roomy(void)
{
	struct page_stats ps;

	page_alloc_stats(&ps);
	return ps.total_pages * PAGE_SIZE >= VNET_ROOMY_MEM;
}

static struct vnet *vnet_of(struct nt *t)
{
	return t->nd->driver_data;
}

/* The next receive buffer the driver posted: its head, or -1 when none
 * comes (bounded, never a hang). */
static int rx_take(struct nt *t)
{
	uint64_t deadline = clock_ns() + WAIT_NS;
	int head;

	while ((head = fake_take_q(&t->fk, RXQ)) < 0 && clock_ns() < deadline)
		thread_yield();
	return head;
}

static uint8_t *buf_of(struct nt *t, unsigned qi, int head)
{
	return (uint8_t *)(uintptr_t)fake_desc_q(&t->fk, qi, head)->addr;
}

/* The device fills receive buffer (head): header (h) if given, then
 * (len) bytes of (data); returns the used length. */
static uint32_t rx_fill(struct nt *t, int head, const struct vnet_hdr *h,
			const uint8_t *data, uint32_t len)
{
	uint8_t *b = buf_of(t, RXQ, head);
	uint32_t off = 0;

	if (h) {
		memcpy(b, h, VNET_HDR_LEN);
		off = VNET_HDR_LEN;
	}
	memcpy(b + off, data, len);
	return off + len;
}

static void pattern(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

static bool wait_broken(struct nt *t)
{
	uint64_t deadline = clock_ns() + WAIT_NS;

	while (!__atomic_load_n(&t->fk.dev.broken, __ATOMIC_ACQUIRE) &&
	       clock_ns() < deadline)
		thread_sleep_ns(1000000);
	return t->fk.dev.broken;
}

static int send_one(struct nt *t)
{
	uint8_t f[64];
	struct netdev_frag fr = { f, sizeof(f) };

	pattern(f, sizeof(f), 3);
	return t->nd->xmit(t->nd, &fr, 1, NULL);
}

static struct nt *good;	/* shared by the cases that leave it working */

static struct nt *good_dev(void)
{
	if (!good)
		good = net_start(VIRTIO_BIT(VIRTIO_NET_F_MAC) |
				 VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
				 VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
				 VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
				 VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM));
	return good;
}

TEST(virtio_net, mac_features_and_posted_buffers)
{
	struct nt *t = good_dev();

	ASSERT_NOT_NULL(t);
	EXPECT_EQ(memcmp(t->nd->mac, test_mac, 6), 0);
	EXPECT_EQ(t->nd->mtu, 1500);
	EXPECT_EQ(t->nd->features, NETDEV_F_TX_CSUM | NETDEV_F_RX_CSUM);
	EXPECT_TRUE(t->nd->link_up);
	/* A receive buffer per descriptor; every transmit buffer free. */
	struct vnet *v = vnet_of(t);

	EXPECT_EQ(v->nrx, 8);
	EXPECT_EQ(v->ntx_free, v->ntx);
}

/* The address of the buffer the driver posted last on (q). */
static uint64_t last_posted(struct nt *t, struct virtq *q, uint16_t posted)
{
	uint64_t deadline = clock_ns() + WAIT_NS;
	const uint16_t *ring = (const uint16_t *)q->avail + 2;

	while (__atomic_load_n(&q->avail_idx, __ATOMIC_ACQUIRE) == posted &&
	       clock_ns() < deadline)
		thread_yield();
	if (q->avail_idx != (uint16_t)(posted + 1))
		return 0;
	return fake_desc_q(&t->fk, RXQ, ring[posted & (q->size - 1)])->addr;
}

/* One frame of (len) bytes of (f) in receive buffer (head), at (*addr);
 * the address of the buffer the driver posted after it (0: none). */
static uint64_t rx_frame(struct nt *t, int head, const uint8_t *f,
			 uint32_t len, uint64_t *addr)
{
	struct vnet_hdr h = { .num_buffers = 1 };
	struct virtq *q = vnet_of(t)->rxq;
	uint16_t posted = q->avail_idx;

	if (head < 0)
		return 0;
	*addr = fake_desc_q(&t->fk, RXQ, head)->addr;
	fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &h, f, len));
	if (sema_wait_until(&t->got, clock_ns() + WAIT_NS))
		return 0;
	return last_posted(t, q, posted);
}

TEST(virtio_net, frame_is_lent_to_the_stack_and_a_spare_takes_its_place)
{
	struct nt *t = good_dev();
	uint8_t f[100];
	uint64_t addr, next;

	ASSERT_NOT_NULL(t);
	struct vnet *v = vnet_of(t);
	int head = rx_take(t);

	ASSERT_GE(head, 0);
	struct fake_desc *d = fake_desc_q(&t->fk, RXQ, head);

	EXPECT_EQ(d->len, VNET_MRG_BUF);
	EXPECT_EQ(d->flags, DESC_F_WRITE);
	EXPECT_EQ(v->spare_max != 0, roomy());	/* a small guest copies */
	pattern(f, sizeof(f), 1);
	int before = t->frames;

	next = rx_frame(t, head, f, sizeof(f), &addr);
	EXPECT_EQ(t->frames, before + 1);
	EXPECT_EQ(t->len, sizeof(f));
	EXPECT_EQ(memcmp(t->frame, f, sizeof(f)), 0);
	EXPECT_FALSE(t->csum_ok);	/* flags 0: nobody verified it */
	EXPECT_EQ(t->lent, roomy());
	EXPECT_EQ(t->pieces, 1);
	/* Lent: another buffer went to the device in its place and, given
	 * back, the lent one is a spare again. Copied: the same one went
	 * back. */
	EXPECT_NE(next, 0);
	if (roomy())
		EXPECT_NE(next, addr);
	else
		EXPECT_EQ(next, addr);
	EXPECT_EQ(v->nspare, v->spare_max);
	rx_frame(t, rx_take(t), f, 60, &addr);
	EXPECT_EQ(t->len, 60);
	EXPECT_FALSE(t->fk.dev.broken);
}

TEST(virtio_net, frames_are_copied_while_the_stack_holds_every_spare)
{
	struct nt *t = good_dev();
	uint8_t f[80];
	uint64_t addr = 0, next = 0;
	unsigned lent = 0;

	ASSERT_NOT_NULL(t);
	struct vnet *v = vnet_of(t);

	if (!roomy())
		return;	/* no spares: every frame is copied (above) */
	ASSERT_TRUE(v->spare_max <= 64);	/* (kept) holds them all */
	pattern(f, sizeof(f), 6);
	t->keep = true;
	nkept = 0;
	for (unsigned i = 0; i <= v->spare_max; i++) {
		next = rx_frame(t, rx_take(t), f, sizeof(f), &addr);
		lent += t->lent;
		EXPECT_EQ(memcmp(t->frame, f, sizeof(f)), 0);
	}
	t->keep = false;
	/* The one past the spares came copied, in a buffer posted again. */
	EXPECT_EQ(lent, v->spare_max);
	EXPECT_FALSE(t->lent);
	EXPECT_EQ(next, addr);
	EXPECT_EQ(v->nspare, 0);
	for (unsigned i = 0; i < nkept; i++)
		t->nd->rx_release(t->nd, kept[i]);
	EXPECT_EQ(v->nspare, v->spare_max);
	rx_frame(t, rx_take(t), f, sizeof(f), &addr);
	EXPECT_TRUE(t->lent);
	EXPECT_FALSE(t->fk.dev.broken);
}

TEST(virtio_net, frame_over_merged_buffers_is_put_together)
{
	struct nt *t = good_dev();
	static uint8_t f[1200];
	static const uint32_t piece[3] = { 500, 500, 200 };
	struct vnet_hdr h = { .num_buffers = 3 };
	uint32_t off = 0;

	ASSERT_NOT_NULL(t);
	pattern(f, sizeof(f), 9);
	for (int k = 0; k < 3; k++) {
		int head = rx_take(t);

		ASSERT_GE(head, 0);
		fake_use_q(&t->fk, RXQ, head,
			   rx_fill(t, head, k ? NULL : &h, f + off, piece[k]));
		off += piece[k];
	}
	ASSERT_EQ(sema_wait_until(&t->got, clock_ns() + WAIT_NS), 0);
	EXPECT_EQ(t->len, sizeof(f));
	EXPECT_EQ(memcmp(t->frame, f, sizeof(f)), 0);
	EXPECT_EQ(t->lent, roomy());	/* in place, the three buffers */
	EXPECT_EQ(t->pieces, 3);
	EXPECT_FALSE(t->fk.dev.broken);
}

TEST(virtio_net, checksum_verdicts_from_the_header)
{
	struct nt *t = good_dev();
	uint8_t f[80];
	struct vnet_hdr valid = { .flags = VNET_HDR_F_DATA_VALID,
				  .num_buffers = 1 };
	struct vnet_hdr partial = { .flags = VNET_HDR_F_NEEDS_CSUM,
				    .csum_start = 34, .csum_offset = 16,
				    .num_buffers = 1 };

	ASSERT_NOT_NULL(t);
	pattern(f, sizeof(f), 5);
	int head = rx_take(t);

	ASSERT_GE(head, 0);
	fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &valid, f, sizeof(f)));
	ASSERT_EQ(sema_wait_until(&t->got, clock_ns() + WAIT_NS), 0);
	EXPECT_TRUE(t->csum_ok);

	/* Partial: from the host, taken as sound without being summed (as
	 * Linux does): the bytes reach the stack as the device wrote them. */
	f[50] = f[51] = 0;
	head = rx_take(t);
	ASSERT_GE(head, 0);
	fake_use_q(&t->fk, RXQ, head,
		   rx_fill(t, head, &partial, f, sizeof(f)));
	ASSERT_EQ(sema_wait_until(&t->got, clock_ns() + WAIT_NS), 0);
	EXPECT_TRUE(t->csum_ok);
	EXPECT_EQ(memcmp(t->frame, f, sizeof(f)), 0);
	EXPECT_FALSE(t->fk.dev.broken);
}

TEST(virtio_net, transmit_completion_frees_the_buffer)
{
	struct nt *t = good_dev();
	uint8_t a[20], b[50];
	struct netdev_frag fr[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct netdev_offload cs = { .start = 34, .offset = 16 };

	ASSERT_NOT_NULL(t);
	struct vnet *v = vnet_of(t);

	pattern(a, sizeof(a), 2);
	pattern(b, sizeof(b), 4);
	ASSERT_EQ(t->nd->xmit(t->nd, fr, 2, &cs), 0);
	EXPECT_EQ(v->ntx_free, v->ntx - 1);
	int head = fake_take_q(&t->fk, TXQ);

	ASSERT_GE(head, 0);
	struct fake_desc *d = fake_desc_q(&t->fk, TXQ, head);
	const uint8_t *p = buf_of(t, TXQ, head);
	struct vnet_hdr h;

	EXPECT_EQ(d->len, VNET_HDR_LEN + sizeof(a) + sizeof(b));
	EXPECT_EQ(d->flags & DESC_F_WRITE, 0);
	memcpy(&h, p, sizeof(h));
	EXPECT_EQ(h.flags, VNET_HDR_F_NEEDS_CSUM);	/* offered: used */
	EXPECT_EQ(h.csum_start, 34);
	EXPECT_EQ(h.csum_offset, 16);
	EXPECT_EQ(memcmp(p + VNET_HDR_LEN, a, sizeof(a)), 0);
	EXPECT_EQ(memcmp(p + VNET_HDR_LEN + sizeof(a), b, sizeof(b)), 0);
	/* Sent buffers come back by polling, not an interrupt a frame:
	 * the device is not asked for one. */
	int irqs = t->fk.interrupts;

	fake_use_q(&t->fk, TXQ, head, 0);
	EXPECT_EQ(t->fk.interrupts, irqs);
	/* Twice the pool's worth, each completed: each send takes back what
	 * was used, so buffers are reused. */
	for (unsigned k = 0; k < 2 * v->ntx; k++) {
		ASSERT_EQ(send_one(t), 0);
		head = fake_take_q(&t->fk, TXQ);
		ASSERT_GE(head, 0);
		fake_use_q(&t->fk, TXQ, head, 0);
	}
	EXPECT_EQ(t->fk.interrupts, irqs);
	virtq_poll(v->txq);	/* as the receive thread does every turn */
	EXPECT_EQ(v->ntx_free, v->ntx);
	/* Bad frames are refused before the device sees them. */
	fr[0].len = 2;
	EXPECT_EQ(t->nd->xmit(t->nd, fr, 1, NULL), -EINVAL);
	EXPECT_EQ(t->nd->xmit(t->nd, fr, 0, NULL), -EINVAL);
	fr[1].len = 3000;
	EXPECT_EQ(t->nd->xmit(t->nd, fr, 2, NULL), -EMSGSIZE);
	EXPECT_FALSE(t->fk.dev.broken);
}

/* Sends leave the notification they need to tx_flush(), which the stack
 * calls once it has let go of its core lock: one for all of them. */
TEST(virtio_net, sends_are_notified_at_the_flush)
{
	struct nt *t = good_dev();

	ASSERT_NOT_NULL(t);
	ASSERT_NOT_NULL(t->nd->tx_flush);
	thread_sleep_ns(30 * 1000 * 1000);	/* earlier notifications: out */
	int before = t->fk.notifies;

	ASSERT_EQ(send_one(t), 0);
	ASSERT_EQ(send_one(t), 0);
	EXPECT_EQ(t->fk.notifies, before);
	t->nd->tx_flush(t->nd);
	EXPECT_EQ(t->fk.notifies, before + 1);
	t->nd->tx_flush(t->nd);
	EXPECT_EQ(t->fk.notifies, before + 1);
	for (int k = 0; k < 2; k++) {
		int head = fake_take_q(&t->fk, TXQ);

		ASSERT_GE(head, 0);
		fake_use_q(&t->fk, TXQ, (uint32_t)head, 0);
	}
	virtq_poll(vnet_of(t)->txq);
	EXPECT_EQ(vnet_of(t)->ntx_free, vnet_of(t)->ntx);
}

TEST(virtio_net, tso_frame_goes_whole_with_its_segmentation_header)
{
	static uint8_t f[20000];
	struct netdev_frag fr = { f, sizeof(f) };
	struct netdev_offload off = { .start = 34, .offset = 16, .mss = 1448,
				      .hdr_len = 66 };
	struct nt *t = net_start(VIRTIO_BIT(VIRTIO_NET_F_MAC) |
				 VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
				 VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4));
	int heads[VNET_TSO_BUFS];
	struct vnet_hdr h;

	ASSERT_NOT_NULL(t);
	ASSERT_NOT_NULL(good_dev());
	EXPECT_EQ(t->nd->features, NETDEV_F_TX_CSUM | NETDEV_F_TSO4);
	/* Not offered: refused, never half done; nor IPv6 here. */
	EXPECT_EQ(good_dev()->nd->xmit(good_dev()->nd, &fr, 1, &off), -EINVAL);
	off.ipv6 = true;
	EXPECT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), -EINVAL);
	off.ipv6 = false;
	pattern(f, sizeof(f), 5);
	ASSERT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), 0);
	heads[0] = fake_take_q(&t->fk, TXQ);
	ASSERT_GE(heads[0], 0);
	const uint8_t *p = buf_of(t, TXQ, heads[0]);

	EXPECT_EQ(fake_desc_q(&t->fk, TXQ, heads[0])->len,
		  VNET_HDR_LEN + sizeof(f));
	memcpy(&h, p, sizeof(h));
	EXPECT_EQ(h.flags, VNET_HDR_F_NEEDS_CSUM);
	EXPECT_EQ(h.gso_type, VNET_HDR_GSO_TCPV4);
	EXPECT_EQ(h.gso_size, 1448);
	EXPECT_EQ(h.hdr_len, 66);
	EXPECT_EQ(h.csum_start, 34);
	EXPECT_EQ(h.csum_offset, 16);
	EXPECT_EQ(memcmp(p + VNET_HDR_LEN, f, sizeof(f)), 0);
	/* Every large buffer with the device: the next is refused at once
	 * (the stack sends the segments one by one), until one comes back. */
	ASSERT_GE(vnet_of(t)->tso_max, 2);
	for (unsigned i = 1; i < vnet_of(t)->tso_max; i++) {
		ASSERT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), 0);
		heads[i] = fake_take_q(&t->fk, TXQ);
		ASSERT_GE(heads[i], 0);
	}
	EXPECT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), -ENOBUFS);
	EXPECT_EQ(send_one(t), 0);	/* ordinary frames still go */
	ASSERT_GE(fake_take_q(&t->fk, TXQ), 0);
	fake_use_q(&t->fk, TXQ, heads[1], 0);
	EXPECT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), 0);
	/* Impossible requests. */
	off.hdr_len = sizeof(f);
	EXPECT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), -EINVAL);
	off.hdr_len = 66;
	fr.len = NETDEV_TSO_MAX + 1;
	EXPECT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), -EMSGSIZE);
	EXPECT_FALSE(t->fk.dev.broken);
}

TEST(virtio_net, tso6_frame_goes_with_its_own_gso_type)
{
	static uint8_t f[9000];
	struct netdev_frag fr = { f, sizeof(f) };
	struct netdev_offload off = { .start = 54, .offset = 16, .mss = 1428,
				      .hdr_len = 86, .ipv6 = true };
	struct nt *t = net_start(VIRTIO_BIT(VIRTIO_NET_F_MAC) |
				 VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
				 VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6));
	struct vnet_hdr h;

	ASSERT_NOT_NULL(t);
	EXPECT_EQ(t->nd->features, NETDEV_F_TX_CSUM | NETDEV_F_TSO6);
	pattern(f, sizeof(f), 6);
	off.ipv6 = false;	/* TSO4 is not offered */
	EXPECT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), -EINVAL);
	off.ipv6 = true;
	ASSERT_EQ(t->nd->xmit(t->nd, &fr, 1, &off), 0);
	int head = fake_take_q(&t->fk, TXQ);

	ASSERT_GE(head, 0);
	memcpy(&h, buf_of(t, TXQ, head), sizeof(h));
	EXPECT_EQ(h.gso_type, VNET_HDR_GSO_TCPV6);
	EXPECT_EQ(h.gso_size, 1428);
	EXPECT_EQ(h.hdr_len, 86);
	EXPECT_EQ(h.csum_start, 54);
	EXPECT_EQ(memcmp(buf_of(t, TXQ, head) + VNET_HDR_LEN, f, sizeof(f)),
		  0);
	fake_use_q(&t->fk, TXQ, head, 0);
}

static int released;
static void *released_cookie;

static void on_release(struct netdev *d, void *cookie)
{
	(void)d;
	released_cookie = cookie;
	__atomic_fetch_add(&released, 1, __ATOMIC_RELEASE);
}

/* A new device that segments and takes frames in place (xmit_ref). */
static struct nt *sg_dev(void)
{
	return net_start(VIRTIO_BIT(VIRTIO_NET_F_MAC) |
			 VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
			 VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
			 VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
}

TEST(virtio_net, tso_payload_is_read_in_place_and_handed_back)
{
	static uint8_t hdr[66], p1[1448], p2[1448], p3[100];
	struct netdev_frag fr[4] = { { hdr, sizeof(hdr) }, { p1, sizeof(p1) },
				     { p2, sizeof(p2) }, { p3, sizeof(p3) } };
	struct netdev_offload off = { .start = 34, .offset = 16, .mss = 1448,
				      .hdr_len = sizeof(hdr) };
	struct nt *t = sg_dev();
	int cookie, heads[1];
	struct vnet_hdr h;

	ASSERT_NOT_NULL(t);
	ASSERT_NOT_NULL(good_dev());
	EXPECT_EQ(t->nd->features,
		  NETDEV_F_TX_CSUM | NETDEV_F_TSO4 | NETDEV_F_SG);
	/* Refused: no release callback, a device without it, headers that
	 * are not the first piece. */
	EXPECT_EQ(t->nd->xmit_ref(t->nd, fr, 4, &off, &cookie), -EINVAL);
	t->nd->tx_release = on_release;
	good_dev()->nd->tx_release = on_release;
	EXPECT_EQ(good_dev()->nd->xmit_ref(good_dev()->nd, fr, 4, &off,
					   &cookie), -EINVAL);
	off.hdr_len = 54;
	EXPECT_EQ(t->nd->xmit_ref(t->nd, fr, 4, &off, &cookie), -EINVAL);
	off.hdr_len = sizeof(hdr);

	pattern(hdr, sizeof(hdr), 1);
	ASSERT_EQ(t->nd->xmit_ref(t->nd, fr, 4, &off, &cookie), 0);
	heads[0] = fake_take_q(&t->fk, TXQ);
	ASSERT_GE(heads[0], 0);
	struct fake_desc *d = fake_desc_q(&t->fk, TXQ, heads[0]);
	const struct fake_desc *tb =
		(const struct fake_desc *)(uintptr_t)d->addr;

	EXPECT_EQ(d->flags, 4);		/* one indirect descriptor */
	EXPECT_EQ(d->len, 4 * VIRTQ_DESC_SIZE);
	EXPECT_EQ(tb[0].len, VNET_HDR_LEN + sizeof(hdr));
	memcpy(&h, (const void *)(uintptr_t)tb[0].addr, sizeof(h));
	EXPECT_EQ(h.flags, VNET_HDR_F_NEEDS_CSUM);
	EXPECT_EQ(h.gso_type, VNET_HDR_GSO_TCPV4);
	EXPECT_EQ(h.gso_size, 1448);
	EXPECT_EQ(h.hdr_len, sizeof(hdr));
	EXPECT_EQ(memcmp((const uint8_t *)(uintptr_t)tb[0].addr + VNET_HDR_LEN,
			 hdr, sizeof(hdr)), 0);
	/* The payload where it lies: no copy. */
	EXPECT_EQ(tb[1].addr, (uintptr_t)p1);
	EXPECT_EQ(tb[2].addr, (uintptr_t)p2);
	EXPECT_EQ(tb[3].addr, (uintptr_t)p3);
	EXPECT_EQ(tb[3].len, sizeof(p3));
	EXPECT_EQ(tb[3].flags, 0);
	EXPECT_EQ(released, 0);		/* the device still reads it */

	/* As many as there are slots; then refused at once. */
	struct vnet *v = vnet_of(t);

	for (unsigned i = 1; i < v->tso_max; i++)
		ASSERT_EQ(t->nd->xmit_ref(t->nd, fr, 4, &off, &cookie), 0);
	EXPECT_EQ(t->nd->xmit_ref(t->nd, fr, 4, &off, &cookie), -ENOBUFS);

	/* Used: the cookie comes back from a thread, unasked. */
	fake_use_q(&t->fk, TXQ, heads[0], 0);
	uint64_t deadline = clock_ns() + WAIT_NS;

	while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE) &&
	       clock_ns() < deadline)
		thread_sleep_ns(1000000);
	EXPECT_EQ(released, 1);
	EXPECT_EQ(released_cookie, &cookie);
	EXPECT_EQ(t->nd->xmit_ref(t->nd, fr, 4, &off, &cookie), 0);
	EXPECT_FALSE(t->fk.dev.broken);
}

/* Every descriptor of the transmit ring with the device (frames in place
 * take them too) while the pool still has buffers: a send gives up after
 * its short wait, -ENOBUFS, and works again once the device lets one go.
 * It once waited for descriptors until an interrupt the queue does not
 * make, holding the stack's core lock, which the receive thread (which
 * would have reaped them) was waiting for: the web server stopped for
 * good under the stress test's load. */
static void release_quietly(struct netdev *d, void *cookie)
{
	(void)d;
	(void)cookie;
}

TEST(virtio_net, send_gives_up_on_a_ring_the_device_holds)
{
	uint8_t hdr[66], pay[1448];
	struct netdev_frag fr[2] = { { hdr, sizeof(hdr) },
				     { pay, sizeof(pay) } };
	struct netdev_offload off = { .start = 34, .offset = 16, .mss = 1448,
				      .hdr_len = sizeof(hdr) };
	struct nt *t = sg_dev();
	int cookie, head;

	ASSERT_NOT_NULL(t);
	struct vnet *v = vnet_of(t);

	t->nd->tx_release = release_quietly;
	for (unsigned i = 0; i < v->tso_max; i++)
		ASSERT_EQ(t->nd->xmit_ref(t->nd, fr, 2, &off, &cookie), 0);
	while (v->txq->nfree)
		ASSERT_EQ(send_one(t), 0);
	ASSERT_GE(v->ntx_free, 1u);

	uint64_t t0 = clock_ns();

	EXPECT_EQ(send_one(t), -ENOBUFS);
	EXPECT_LT(clock_ns() - t0, WAIT_NS);	/* against a hang only */
	head = fake_take_q(&t->fk, TXQ);
	ASSERT_GE(head, 0);
	fake_use_q(&t->fk, TXQ, head, 0);
	EXPECT_EQ(send_one(t), 0);
	EXPECT_FALSE(t->fk.dev.broken);
}

TEST(virtio_net, link_changes_reach_the_stack)
{
	struct nt *t = good_dev();

	ASSERT_NOT_NULL(t);
	t->fk.config[6] = 0;
	virtio_interrupt(&t->fk.dev, true);
	EXPECT_FALSE(t->nd->link_up);
	ASSERT_EQ(sema_wait_until(&t->link, clock_ns() + WAIT_NS), 0);
	EXPECT_FALSE(t->link_up);
	t->fk.config[6] = 1;
	virtio_interrupt(&t->fk.dev, true);
	EXPECT_TRUE(t->nd->link_up);
	ASSERT_EQ(sema_wait_until(&t->link, clock_ns() + WAIT_NS), 0);
	EXPECT_TRUE(t->link_up);
}

/* The device side of a burst: (burst_n) frames back to back, yielding
 * between them as a device would not wait for the driver. On CPU 0 with
 * the receive thread, so the two take turns. */
static int burst_n;

static void *burst_device(void *arg)
{
	struct nt *t = arg;
	struct vnet_hdr h = { .num_buffers = 1 };
	uint8_t f[64];

	pattern(f, sizeof(f), 6);
	for (int k = 0; k < burst_n; k++) {
		int head = rx_take(t);

		if (head < 0)
			break;
		fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &h, f, 64));
		thread_yield();
	}
	return NULL;
}

TEST(virtio_net, busy_receive_polls_with_interrupts_off)
{
	struct nt *t = good_dev();

	ASSERT_NOT_NULL(t);
	EXPECT_EQ(fake_avail_flags(&t->fk, RXQ), 0);	/* idle: on */
	int irqs = t->fk.interrupts, frames = t->frames;

	burst_n = 6;
	struct thread *d = thread_create(0, 0, burst_device, t);

	ASSERT_NOT_NULL(d);
	thread_join(d, NULL);
	for (int k = 0; k < burst_n; k++)
		ASSERT_EQ(sema_wait_until(&t->got, clock_ns() + WAIT_NS), 0);
	EXPECT_EQ(t->frames, frames + burst_n);
	/* The first frame interrupts; the thread then polls for the rest. */
	EXPECT_GE(t->fk.interrupts - irqs, 1);
	EXPECT_LT(t->fk.interrupts - irqs, burst_n);
	/* Idle again: interrupts back on before it sleeps, and the next
	 * frame interrupts. */
	uint64_t deadline = clock_ns() + WAIT_NS;

	while (fake_avail_flags(&t->fk, RXQ) != 0 && clock_ns() < deadline)
		thread_sleep_ns(1000000);
	EXPECT_EQ(fake_avail_flags(&t->fk, RXQ), 0);
	irqs = t->fk.interrupts;
	int head = rx_take(t);

	ASSERT_GE(head, 0);
	uint8_t f[60] = { 0 };
	struct vnet_hdr h = { .num_buffers = 1 };

	fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &h, f, sizeof(f)));
	EXPECT_EQ(t->fk.interrupts, irqs + 1);
	ASSERT_EQ(sema_wait_until(&t->got, clock_ns() + WAIT_NS), 0);
	EXPECT_FALSE(t->fk.dev.broken);
}

/* Garbage: each breaks a device of its own. (how) plays the device. */
static void garbage_case(uint64_t features,
			 void (*how)(struct nt *t, int head))
{
	struct nt *t = net_start(features | VIRTIO_BIT(VIRTIO_NET_F_MAC));

	ASSERT_NOT_NULL(t);
	int head = rx_take(t);

	ASSERT_GE(head, 0);
	how(t, head);
	EXPECT_TRUE(wait_broken(t));
	EXPECT_EQ(t->frames, 0);
	EXPECT_EQ(t->fk.resets, 2);	/* one to start, one to stop it */
	EXPECT_EQ(send_one(t), -EIO);
}

static void unknown_id(struct nt *t, int head)
{
	(void)head;
	fake_use_q(&t->fk, RXQ, 77, 20);
}

static void too_long(struct nt *t, int head)
{
	fake_use_q(&t->fk, RXQ, head, VNET_MRG_BUF + 1);
}

static void no_buffers(struct nt *t, int head)
{
	struct vnet_hdr h = { .num_buffers = 0 };
	uint8_t f[60] = { 0 };

	fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &h, f, sizeof(f)));
}

static void bogus_flags(struct nt *t, int head)
{
	struct vnet_hdr h = { .flags = 0x80, .num_buffers = 1 };
	uint8_t f[60] = { 0 };

	fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &h, f, sizeof(f)));
}


/* (len) bytes of (f) over as many merged buffers as they take, the first
 * with header (h). */
static void rx_merged(struct nt *t, struct vnet_hdr h, const uint8_t *f,
		      uint32_t len)
{
	uint32_t first = VNET_MRG_BUF - VNET_HDR_LEN;

	h.num_buffers = (uint16_t)(1 + (len > first ?
		(len - first + VNET_MRG_BUF - 1) / VNET_MRG_BUF : 0));
	for (uint32_t off = 0, k = 0; off < len; k++) {
		uint32_t room = k ? VNET_MRG_BUF : first;
		uint32_t n = len - off < room ? len - off : room;
		int head = rx_take(t);

		ASSERT_GE(head, 0);
		fake_use_q(&t->fk, RXQ, head,
			   rx_fill(t, head, k ? NULL : &h, f + off, n));
		off += n;
	}
}

TEST(virtio_net, large_receive_takes_a_segment_over_many_buffers)
{
	bool taken = roomy();
	struct nt *t = net_start(VIRTIO_BIT(VIRTIO_NET_F_MAC) |
				 VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
				 VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
				 VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |
				 VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6));
	static uint8_t f[6000];
	struct vnet_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM,
			      .gso_type = VNET_HDR_GSO_TCPV4,
			      .hdr_len = 54, .gso_size = 1448,
			      .csum_start = 34, .csum_offset = 16 };

	ASSERT_NOT_NULL(t);
	EXPECT_EQ(!!(t->nd->features & NETDEV_F_LRO), taken);
	EXPECT_EQ(vnet_of(t)->guest_tso, taken);
	if (!taken)
		return;	/* too little memory: a plain device, tested above */
	pattern(f, sizeof(f), 11);
	f[50] = f[51] = 0;	/* the pseudo-header sum, 0 here */
	rx_merged(t, h, f, sizeof(f));
	ASSERT_EQ(sema_wait_until(&t->got, clock_ns() + WAIT_NS), 0);
	EXPECT_EQ(t->len, sizeof(f));
	EXPECT_TRUE(t->csum_ok);
	EXPECT_EQ(memcmp(t->frame, f, sizeof(f)), 0);
	EXPECT_EQ(t->pieces, 4);	/* 6000 bytes in 1.5 KiB buffers */
	/* Longer than the MTU without GSO: not a frame; dropped. */
	h = (struct vnet_hdr){ 0 };
	rx_merged(t, h, f, 3000);
	EXPECT_NE(sema_wait_until(&t->got, clock_ns() + 200000000ULL), 0);
	EXPECT_FALSE(t->fk.dev.broken);
}

static void gso_tcp(struct nt *t, int head)
{
	struct vnet_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM,
			      .gso_type = VNET_HDR_GSO_TCPV4,
			      .csum_start = 34, .csum_offset = 16,
			      .num_buffers = 1 };
	uint8_t f[100] = { 0 };

	fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &h, f, sizeof(f)));
}

static void gso_without_csum(struct nt *t, int head)
{
	struct vnet_hdr h = { .gso_type = VNET_HDR_GSO_TCPV4,
			      .num_buffers = 1 };
	uint8_t f[100] = { 0 };

	fake_use_q(&t->fk, RXQ, head, rx_fill(t, head, &h, f, sizeof(f)));
}

TEST(virtio_net, gso_without_large_receive_breaks_the_device)
{
	garbage_case(VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
		     VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM), gso_tcp);
}

TEST(virtio_net, gso_without_its_checksum_breaks_the_device)
{
	if (!roomy())
		return;	/* no large receive at this memory size */
	garbage_case(VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
		     VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
		     VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4), gso_without_csum);
}

TEST(virtio_net, used_id_not_in_flight_breaks_the_device)
{
	garbage_case(0, unknown_id);
}

TEST(virtio_net, length_past_the_buffer_breaks_the_device)
{
	garbage_case(VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF), too_long);
}

TEST(virtio_net, impossible_buffer_count_breaks_the_device)
{
	garbage_case(VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF), no_buffers);
}

TEST(virtio_net, unnegotiated_header_flags_break_the_device)
{
	garbage_case(VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM), bogus_flags);
}
