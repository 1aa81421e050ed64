// SPDX-License-Identifier: MIT
/*
 * virtio-net (virtio 1.2, 5.1): one receive and one transmit queue per
 * device, behind a struct netdev (kernel/netdev.h).
 *
 * Receive: the RX ring is kept full of buffers. Completions (from the
 * interrupt, or from the receive thread's own polling) only queue the
 * buffer on a ready ring and wake the receive thread, which runs on the
 * CPU the interrupt goes to; it checks what the device wrote, hands the
 * frame to the stack and posts the buffer again. It keeps going while
 * there is work (yielding between batches) and sleeps only when idle.
 *
 * Transmit: a frame is copied (header + frame) into a buffer of a fixed
 * pool and submitted; the completion returns the buffer to the pool. Any
 * thread on any CPU may send.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/netdev.h>
#include <kernel/page_alloc.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "net_impl.h"
#include "virtio_impl.h"

/* Configuration space offsets. */
#define NET_CFG_MAC	0	/* u8[6] */
#define NET_CFG_STATUS	6	/* u16 */
#define NET_CFG_MTU	10	/* u16 */

#define VIRTIO_NET_S_LINK_UP	1


/* From the configuration interrupt: the stack hears of it from the
 * receive thread, as it may not be called from an interrupt. */
static void link_changed(struct virtio_dev *vdev)
{
	struct vnet *v = vdev->driver_data;
	uint16_t st = virtio_config_read(vdev, NET_CFG_STATUS, 2);
	bool up = st & VIRTIO_NET_S_LINK_UP;

	if (up == READ_ONCE(v->nd.link_up))
		return;
	log_info("%s: link %s\n", v->nd.name, up ? "up" : "down");
	WRITE_ONCE(v->nd.link_up, up);
	__atomic_store_n(&v->link_dirty, true, __ATOMIC_RELEASE);
	event_signal(&v->rx_event);
}

/* The device's MAC, or a locally administered one of our own. */
static void read_mac(struct vnet *v)
{
	struct virtio_dev *vdev = v->vdev;

	if (vdev->features & VIRTIO_BIT(VIRTIO_NET_F_MAC)) {
		for (unsigned i = 0; i < 6; i++)
			v->nd.mac[i] = virtio_config_read(vdev, NET_CFG_MAC + i,
							  1);
		return;
	}
	/* 02:xx: locally administered, unicast; distinct per device. */
	static const uint8_t base[6] = { 0x02, 0x54, 0x4f, 0x52, 0x4f, 0 };

	memcpy(v->nd.mac, base, 6);
	v->nd.mac[5] = netdev_count();
	log_info("%s: device has no MAC: using locally administered "
		 "%02x:%02x:%02x:%02x:%02x:%02x\n", v->nd.name, v->nd.mac[0],
		 v->nd.mac[1], v->nd.mac[2], v->nd.mac[3], v->nd.mac[4],
		 v->nd.mac[5]);
}

static int read_mtu(struct vnet *v)
{
	v->nd.mtu = 1500;
	if (!(v->vdev->features & VIRTIO_BIT(VIRTIO_NET_F_MTU)))
		return 0;
	uint16_t mtu = virtio_config_read(v->vdev, NET_CFG_MTU, 2);

	if (mtu < VNET_MTU_MIN) {
		log_warn("%s: MTU %u is too small\n", v->nd.name, mtu);
		return -EIO;
	}
	/* Smaller than the device allows is always allowed. */
	v->nd.mtu = MIN(mtu, (uint16_t)VNET_MTU_MAX);
	return 0;
}

/* Large receive (GUEST_TSO4/6): the host hands over TCP segments of up
 * to 64 KiB instead of one frame each, so a bulk upload costs a fraction
 * of the device's work. A segment takes up to 45 buffers, held by the
 * stack until read: not below VNET_ROOMY_MEM, nor with "toro.no_lro". */
static bool lro_wanted(void)
{
	struct page_stats ps;

	page_alloc_stats(&ps);
	return ps.total_pages * PAGE_SIZE >= VNET_ROOMY_MEM &&
	       !kopt_flag("toro.no_lro");
}

#define VNET_DRAIN_POLL_NS	(100 * 1000ULL)

/* Every TX buffer back in its pool means the device has taken every frame
 * (QEMU, for one, transmits from a later main-loop turn than the notify).
 * Polls: the completions may be waiting for an interrupt not yet taken. */
static int pair_drain(struct vnet *v, uint64_t deadline)
{
	for (;;) {
		virtq_poll(v->txq);
		bool sg_idle = vnet_sg_reap(v);

		if ((READ_ONCE(v->ntx_free) == v->ntx &&
		     READ_ONCE(v->ntso_free) == READ_ONCE(v->ntso) &&
		     sg_idle) || READ_ONCE(v->vdev->broken))
			return 0;
		if (clock_ns() >= deadline)
			return -ETIMEDOUT;
		thread_sleep_ns(VNET_DRAIN_POLL_NS);
	}
}

int vnet_drain(struct netdev *d, uint64_t deadline)
{
	struct vnet *v = d->driver_data;
	int rc = 0;

	for (unsigned k = 0; k < v->npairs && !rc; k++)
		rc = pair_drain(vnet_pair(v, k), deadline);
	return rc;
}

static __cold int vnet_probe(struct virtio_dev *vdev)
{
	unsigned ndevs = netdev_count();

	if (ndevs == NETDEV_MAX)
		return -ENOSPC;
	uint64_t want = VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
			VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
			VIRTIO_BIT(VIRTIO_NET_F_MTU) |
			VIRTIO_BIT(VIRTIO_NET_F_MAC) |
			VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
			VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6) |
			VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
			VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
			VIRTIO_BIT(VIRTIO_NET_F_STATUS);
	const uint64_t lro = VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |
			     VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6);
	const uint64_t lro_needs = VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
				   VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
	/* Multi-queue needs an interrupt per queue (not virtio-mmio's one
	 * per device) and more than one CPU; then the control queue too,
	 * which sets how many pairs the device uses (5.1.6.5.5). */
	if (vdev->ops->queue_irq && cpu_count() > 1)
		want |= VIRTIO_BIT(VIRTIO_NET_F_MQ) |
			VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ);
	int rc = virtio_negotiate(vdev, want | (lro_wanted() ? lro : 0));

	/* Large receive implies the checksum (5.1.3.1), and is taken only
	 * into merged buffers (else each buffer would be 64 KiB): without
	 * both, the device is asked again without it. */
	if (!rc && (vdev->features & lro) &&
	    (vdev->features & lro_needs) != lro_needs)
		rc = virtio_negotiate(vdev, want);
	if (rc)
		return rc;
	struct vnet *v = heap_alloc(sizeof(*v));

	if (!v)
		return -ENOMEM;
	memset(v, 0, sizeof(*v));
	v->vdev = vdev;
	v->mrg = vdev->features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
	v->guest_csum = vdev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM);
	v->guest_tso = vdev->features & (VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |
					 VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6));
	v->nd.name[0] = 0;
	memcpy(v->nd.name, "virtio-net", 10);
	v->nd.name[10] = '0' + ndevs % 10;
	read_mac(v);
	rc = read_mtu(v);
	if (rc) {
		heap_free(v);	/* nothing of it is the device's yet */
		return rc;
	}
	v->frame_max = v->nd.mtu + VNET_ETH_OVERHEAD;
	v->rx_frame_max = v->guest_tso ? NETDEV_LRO_MAX : v->frame_max;
	if (v->guest_tso)
		v->nd.features |= NETDEV_F_LRO;
	/* Without merged buffers each buffer holds a whole frame. */
	v->buf_len = v->mrg ? VNET_MRG_BUF : ALIGN_UP(VNET_HDR_LEN +
						       v->frame_max, 64);
	v->tx_len = ALIGN_UP(VNET_HDR_LEN + v->frame_max, 64);
	if (vdev->features & VIRTIO_BIT(VIRTIO_NET_F_CSUM))
		v->nd.features |= NETDEV_F_TX_CSUM;
	if (vdev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM))
		v->nd.features |= NETDEV_F_RX_CSUM;
	/* Segmentation needs the checksum it implies (5.1.3.1). */
	if ((vdev->features & VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4)) &&
	    (vdev->features & VIRTIO_BIT(VIRTIO_NET_F_CSUM)))
		v->nd.features |= NETDEV_F_TSO4;
	if ((vdev->features & VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6)) &&
	    (vdev->features & VIRTIO_BIT(VIRTIO_NET_F_CSUM)))
		v->nd.features |= NETDEV_F_TSO6;
	/* Without a copy: a long chain in one slot of the ring. */
	if ((v->nd.features & NETDEV_F_TSO4) &&
	    (vdev->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)))
		v->nd.features |= NETDEV_F_SG;
	v->nd.xmit = vnet_xmit;
	v->nd.xmit_ref = vnet_xmit_ref;
	v->nd.tx_flush = vnet_tx_flush;
	v->nd.rx_release = vnet_rx_release;
	v->nd.up = vnet_up;
	v->nd.drain = vnet_drain;
	v->nd.driver_data = v;

	rc = vnet_pairs_init(v);
	if (rc)
		goto fail;
	vdev->driver_data = v;
	/* Without VIRTIO_NET_F_STATUS the link is taken to be up. */
	v->nd.link_up = true;
	if (vdev->features & VIRTIO_BIT(VIRTIO_NET_F_STATUS)) {
		v->nd.link_up = virtio_config_read(vdev, NET_CFG_STATUS, 2) &
				VIRTIO_NET_S_LINK_UP;
		vdev->config_changed = link_changed;
	}
	virtio_ready(vdev);
	vnet_mq_start(v);
	rc = netdev_register(&v->nd);
	if (rc)
		goto fail;
	log_info("%s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, %u queue "
		 "pair%s%s%s%s%s%s%s%s\n",
		 v->nd.name, vdev->name, v->nd.mac[0], v->nd.mac[1],
		 v->nd.mac[2], v->nd.mac[3], v->nd.mac[4], v->nd.mac[5],
		 v->nd.mtu, v->npairs, v->npairs > 1 ? "s" : "",
		 v->mrg ? ", merged rx buffers" : "",
		 (v->nd.features & NETDEV_F_TX_CSUM) ? ", tx csum" : "",
		 (v->nd.features & NETDEV_F_RX_CSUM) ? ", rx csum" : "",
		 (v->nd.features & NETDEV_F_SG) ? ", tso4 zero-copy" :
		 (v->nd.features & NETDEV_F_TSO4) ? ", tso4" : "",
		 (v->nd.features & NETDEV_F_TSO6) ? ", tso6" : "",
		 v->guest_tso ? ", large receive" : "",
		 v->nd.link_up ? "" : ", link down");
	return 0;
fail:
	/* Queues and pools are not freed: the device may hold their
	 * addresses until the core resets it. */
	vdev->config_changed = NULL;
	vdev->driver_data = NULL;
	return rc;
}

const struct virtio_driver virtio_net_driver = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.probe = vnet_probe,
};
VIRTIO_DRIVER(virtio_net_driver);
