/* SPDX-License-Identifier: MIT */
/* Private to the virtio-net driver (net.c, net_rx.c, net_tx.c). */
#ifndef DRIVERS_VIRTIO_NET_IMPL_H
#define DRIVERS_VIRTIO_NET_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/mpsc.h>
#include <kernel/netdev.h>
#include <kernel/spinlock.h>
#include <toro/cpu.h>
#include <toro/sync.h>

/* Feature bits (spec 5.1.3). */
#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM	1
#define VIRTIO_NET_F_MTU	3
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4	7
#define VIRTIO_NET_F_GUEST_TSO6	8
#define VIRTIO_NET_F_HOST_TSO4	11
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_F_CTRL_VQ	17
#define VIRTIO_NET_F_MQ		22

/* The header before every frame (5.1.6); 12 bytes in virtio 1.x. */
struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};

#define VNET_HDR_LEN		12
#define VNET_HDR_F_NEEDS_CSUM	1
#define VNET_HDR_F_DATA_VALID	2
#define VNET_HDR_GSO_TCPV4	1
#define VNET_HDR_GSO_TCPV6	4

#define VNET_ETH_HLEN		14
#define VNET_ETH_OVERHEAD	(VNET_ETH_HLEN + 4)	/* + a VLAN tag */
#define VNET_MTU_MIN		68
#define VNET_MTU_MAX		9000
#define VNET_MRG_BUF		1536	/* with merged buffers */
#define VNET_RING		128	/* descriptors per queue */
#define VNET_TSO_BUFS		16	/* large TX buffers, made when needed */
#define VNET_TSO_PAGES		17	/* header and NETDEV_TSO_MAX bytes */
/* Memory below which the receive path takes no extras (large receive,
 * spare buffers to lend): a small guest's frames are copied. */
#define VNET_ROOMY_MEM		(32u << 20)

struct vnet;

/* A frame to segment whose payload the device reads in place (xmit_ref):
 * its descriptor table, then the virtio header and the frame's headers. */
#define VNET_SG_HDR_MAX		(14 + 60 + 60)
struct vnet_sg {
	uint8_t table[NETDEV_FRAGS_MAX * VIRTQ_DESC_SIZE] __aligned(16);
	uint8_t hdr[VNET_HDR_LEN + VNET_SG_HDR_MAX];
	struct virtq_req req;
	struct vnet *v;
	void *cookie;		/* for nd.tx_release */
};

struct vnet_buf {
	struct virtq_req req;
	struct vnet *v;
	uint8_t *data;		/* header, then frame */
	union {
		/* The stack's while a receive buffer is lent to it. */
		uint64_t lent[NETDEV_RX_LENT_SIZE / 8];
		struct mpsc_node spare;	/* a free spare's link */
	};
};

/*
 * One receive/transmit queue pair. A device has one, or with multi-queue
 * (net_mq.c) one a CPU: each its own rings, buffers, locks and receive
 * thread on its CPU, where its receive interrupt goes, and each CPU sends
 * on its own. Pair 0 holds the struct netdev (nd) the stack sees; the
 * others point at it (dev) and leave their nd unused.
 */
struct vnet {
	struct netdev nd;
	struct netdev *dev;	/* pair 0's nd */
	struct vnet **pairs;	/* pair 0's: all of them, (npairs) */
	unsigned npairs;
	unsigned cpu;		/* where the receive thread runs */
	uint64_t rx_frames, tx_frames;	/* per queue, for toro.netstats */
	struct virtio_dev *vdev;
	struct virtq *rxq, *txq;
	bool mrg;		/* VIRTIO_NET_F_MRG_RXBUF */
	bool guest_csum;	/* VIRTIO_NET_F_GUEST_CSUM */
	bool guest_tso;		/* GUEST_TSO4/6: large TCP segments come */
	bool link_dirty;	/* nd.link_up changed: tell the stack */
	bool running;		/* up() was called */
	uint32_t frame_max;	/* largest frame, without header */
	uint32_t rx_frame_max;	/* the same received: larger with LRO */
	uint32_t buf_len;	/* each RX buffer */
	uint32_t tx_len;	/* each TX buffer */

	/* Receive. */
	struct vnet_buf *rx;
	unsigned nrx;
	struct spinlock ready_lock;
	struct vnet_buf **ready;	/* used buffers, in used order */
	unsigned ready_head, ready_tail;
	struct event rx_event;	/* buffers ready, or the link changed */
	/* The frame being received: its buffers so far, held till the
	 * last comes (num_buffers with merged buffers, else one). */
	struct netdev_rx_piece *held;
	unsigned nheld;
	unsigned asm_left;	/* buffers of that frame still to come */
	uint32_t asm_len;
	bool asm_lend;		/* it is lent: spares took its places */
	struct vnet_hdr asm_hdr;

	/* Lending (net_rx_lend.c): buffers beyond the ring's, each put on
	 * the ring in the place of one lent to the stack, which gives it
	 * back to the spares; none, and frames are copied. */
	struct vnet_buf *spare_bufs;	/* all (spare_max) of them */
	unsigned spare_max;
	unsigned nspare;		/* free, on either list: atomic */
	struct mpsc_node *spare_here;	/* the receive thread's */
	struct mpsc_stack spare_back;	/* given back, from any CPU */

	/* Transmit. */
	struct vnet_buf *tx;
	unsigned ntx;
	struct spinlock tx_lock;
	struct vnet_buf **tx_free;
	unsigned ntx_free;
	uint64_t tx_stuck_deadline;	/* the pool is empty since; 0: it is
					 * not. Under tx_lock */
	uint64_t tx_dropped;		/* frames dropped, no buffer in time */

	/* Frames to segment (NETDEV_F_TSO4), each in a large buffer of its
	 * own; the buffers are made on first need, (tso_max) at most: a
	 * quarter of the ring, so ordinary frames always find room. */
	struct vnet_buf tso[VNET_TSO_BUFS];
	unsigned tso_max;
	unsigned ntso;			/* made so far; these under tx_lock */
	bool tso_making;		/* a sender is making one */
	struct vnet_buf *tso_free[VNET_TSO_BUFS];
	unsigned ntso_free;

	/* xmit_ref's frames (NETDEV_F_SG): (tso_max) slots, made on first
	 * need; used ones wait on (sg_done) until a thread hands their
	 * cookies back (vnet_sg_reap). Under tx_lock. */
	struct vnet_sg *sg;
	int sg_state;			/* SG_NONE, SG_MAKING, SG_READY */
	struct vnet_sg *sg_free[VNET_TSO_BUFS];
	unsigned nsg_free;
	struct vnet_sg *sg_done[VNET_TSO_BUFS];
	unsigned nsg_done;
	struct mutex sg_irq_lock;	/* the TX interrupts' switch: */
	bool sg_irq_on;			/* on while slots are out */
};

/* Pair (k) of the device whose pair 0 is (v). */
static inline struct vnet *vnet_pair(struct vnet *v, unsigned k)
{
	return k ? v->pairs[k] : v;
}

/* The pair the calling CPU sends on (net_mq.c). */
struct vnet *vnet_tx_pair(struct netdev *d);

/* The queue pairs (net_mq.c), after the features are negotiated and pair
 * 0's configuration is set: one, or with multi-queue one a CPU with its
 * interrupt and the control queue. 0 or -errno (the device is failed). */
int vnet_pairs_init(struct vnet *v);
/* After DRIVER_OK: tells the device how many pairs to use, or falls back
 * to one pair if it refuses. */
void vnet_mq_start(struct vnet *v);

int vnet_xmit(struct netdev *d, const struct netdev_frag *frags, unsigned n,
	      const struct netdev_offload *off);
int vnet_xmit_ref(struct netdev *d, const struct netdev_frag *frags,
		  unsigned n, const struct netdev_offload *off, void *cookie);
void vnet_tx_flush(struct netdev *d);
/* Hands the cookies of xmit_ref's completed frames back to the stack; in
 * a thread. True when every slot is free again. */
bool vnet_sg_reap(struct vnet *v);
int vnet_up(struct netdev *d);

/* Lending received buffers (net_rx_lend.c). */
/* In the receive thread: whether a frame of (nbufs) buffers can be lent,
 * with as many spares to take their places (vnet_spare_take). */
bool vnet_can_lend(struct vnet *v, unsigned nbufs);
struct vnet_buf *vnet_spare_take(struct vnet *v);
void vnet_rx_release(struct netdev *d, void *lent);
void vnet_rx_done(struct virtq_req *req);
void vnet_tx_done(struct virtq_req *req);
int vnet_drain(struct netdev *d, uint64_t deadline);

#endif /* DRIVERS_VIRTIO_NET_IMPL_H */
