// SPDX-License-Identifier: MIT
/*
 * virtio-net's queue pairs, each with its queues and buffers: one, or
 * with multi-queue (virtio 1.2, 5.1.6.5.5: VIRTIO_NET_F_MQ and the
 * control queue) one receive/transmit pair per CPU, as many as the device
 * has (max_virtqueue_pairs). Pair k is queues 2k and 2k + 1,
 * its receive interrupt (an MSI-X entry of its own) goes to CPU k and so
 * does its receive thread, and CPU c sends on pair c % pairs: receiving
 * and sending take no lock another CPU's pair takes. The device spreads
 * flows over the pairs (QEMU's tap: by the kernel's flow hash).
 *
 * The device uses one pair until told otherwise on the control queue
 * (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET); if that fails, the driver stays at
 * one pair (the others were made: their memory is not given back).
 * virtio-mmio has one interrupt per device (no queue_irq): one pair.
 * Runs once at start-up (-Os).
 */
#include <errno.h>
#include <string.h>

#include <arch/mmu.h>
#include <drivers/virtio.h>
#include <kernel/cmdline.h>
#include <kernel/exit.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>

#include "net_impl.h"
#include "virtio_impl.h"

#define NET_CFG_MAX_PAIRS	8	/* u16 */
#define VNET_CTRL_MQ		4
#define VNET_CTRL_MQ_PAIRS_SET	0
#define VNET_CTRL_OK		0

static struct vnet *first_mq;	/* for the report at exit */
static struct virtq *ctrlq;

static size_t pool_pages(unsigned n, uint32_t len)
{
	return ALIGN_UP((size_t)n * len, PAGE_SIZE) / PAGE_SIZE;
}

/* (n) buffers of (len) bytes in one run of pages, checked for DMA here
 * once (their requests say so: dma_checked). */
static int pool_init(struct vnet *v, struct vnet_buf **bufs, unsigned n,
		     uint32_t len, void (*done)(struct virtq_req *))
{
	size_t pages = pool_pages(n, len);
	struct vnet_buf *b = heap_alloc(n * sizeof(*b));
	uint8_t *mem = page_alloc(pages);

	if (!b || !mem || !vm_dma_ok((uintptr_t)mem, pages * PAGE_SIZE, true)) {
		heap_free(b);
		if (mem)
			page_free(mem, pages);
		return -ENOMEM;
	}
	memset(b, 0, n * sizeof(*b));
	for (unsigned i = 0; i < n; i++) {
		b[i].v = v;
		b[i].data = mem + (size_t)i * len;
		b[i].req.complete = done;
	}
	*bufs = b;
	return 0;
}

/* A spare receive buffer (net_rx_lend.c) costs 1.5 KiB with merged
 * buffers: as many as a 128th of memory holds, at most two rings' worth;
 * none below VNET_ROOMY_MEM (a pair's spares would be a large share of a
 * small guest's memory, and there may be several pairs and devices),
 * when buffers are large (a frame each: 64 KiB with large receive and no
 * merged buffers) or so few that the stack would copy anyway. */
#define SPARE_SHARE_DIVISOR	128
#define SPARE_BUF_MAX		4096

static int spares_init(struct vnet *v)
{
	struct page_stats ps;

	page_alloc_stats(&ps);
	size_t n = MIN(ps.total_pages * PAGE_SIZE / SPARE_SHARE_DIVISOR /
		       v->buf_len, 2 * (size_t)v->nrx);

	if (ps.total_pages * PAGE_SIZE < VNET_ROOMY_MEM ||
	    v->buf_len > SPARE_BUF_MAX || n < v->nrx / 4)
		return 0;
	if (pool_init(v, &v->spare_bufs, n, v->buf_len, vnet_rx_done))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v->spare_bufs[i].spare.next = i + 1 < n ?
					      &v->spare_bufs[i + 1].spare : NULL;
	v->spare_here = &v->spare_bufs[0].spare;
	v->nspare = v->spare_max = n;
	return 0;
}

struct vnet *vnet_tx_pair(struct netdev *d)
{
	struct vnet *v = d->driver_data;

	return v->npairs > 1 ? v->pairs[cpu_id() % v->npairs] : v;
}

/* Pair (v)'s queues (2k, 2k + 1) and buffers. */
static int pair_init(struct vnet *v, unsigned k)
{
	int rc = virtq_create(v->vdev, 2 * k, VNET_RING, &v->rxq);

	if (rc == 0)
		rc = virtq_create(v->vdev, 2 * k + 1, VNET_RING, &v->txq);
	if (rc)
		return rc;
	v->nrx = v->rxq->size;
	v->ntx = v->txq->size;
	/* Senders notify after the stack's lock (vnet_tx_flush()). */
	v->txq->hold_notify = true;
	v->ready = heap_alloc(v->nrx * sizeof(*v->ready));
	v->tx_free = heap_alloc(v->ntx * sizeof(*v->tx_free));
	v->held = heap_alloc(v->nrx * sizeof(*v->held));
	if (!v->ready || !v->tx_free || !v->held ||
	    pool_init(v, &v->rx, v->nrx, v->buf_len, vnet_rx_done) ||
	    pool_init(v, &v->tx, v->ntx, v->tx_len, vnet_tx_done) ||
	    spares_init(v))
		return -ENOMEM;	/* the queues stay: the device is failed */
	for (unsigned i = 0; i < v->ntx; i++)
		v->tx_free[i] = &v->tx[i];
	v->ntx_free = v->ntx;
	v->tso_max = MIN(VNET_TSO_BUFS, v->ntx / 4);
	return 0;
}

/* With multi-queue: makes the control queue and returns how many pairs
 * to make, else 0. */
static unsigned mq_pairs(struct vnet *v)
{
	struct virtio_dev *vdev = v->vdev;
	uint64_t need = VIRTIO_BIT(VIRTIO_NET_F_MQ) |
			VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ);

	if ((vdev->features & need) != need)
		return 0;
	unsigned max = virtio_config_read(vdev, NET_CFG_MAX_PAIRS, 2);
	unsigned n = MIN(cpu_count(), max);
	/* The control queue comes after every pair the device has. */
	int rc = virtq_create(vdev, 2 * max, 0, &ctrlq);

	if (rc || n < 2) {
		log_warn("%s: no multi-queue (%u pairs, control queue %d)\n",
			 v->nd.name, max, rc);
		return 0;
	}
	ctrlq->polled = true;
	v->pairs = heap_alloc(n * sizeof(*v->pairs));
	return v->pairs ? n : 0;
}

int vnet_pairs_init(struct vnet *v)
{
	struct virtio_dev *vdev = v->vdev;
	unsigned n = mq_pairs(v), k;
	int rc = 0;

	v->dev = &v->nd;
	v->cpu = vdev->irq_cpu;
	/* Pairs 1 and on start as copies of pair 0's configuration, taken
	 * before its queues and buffers are made; each pair's interrupt goes
	 * to its CPU. */
	for (k = 0; k < n; k++) {
		struct vnet *w = k ? heap_alloc(sizeof(*w)) : v;

		rc = -ENOMEM;
		if (!w)
			break;
		if (k)
			*w = *v;
		rc = vdev->ops->queue_irq(vdev, 2 * k, 2, k);
		if (rc < 0)
			break;
		w->cpu = rc;
		rc = k ? pair_init(w, k) : 0;
		if (rc)
			break;
		v->pairs[k] = w;
	}
	if (k < n)
		log_warn("%s: %u queue pairs made of %u (%d)\n", v->nd.name, k,
			 n, rc);
	v->npairs = k ? k : 1;
	return pair_init(v, 0);
}

void vnet_mq_start(struct vnet *v)
{
	/* The command (5.1.6.5): class, command, pairs; the device's ack. */
	struct {
		uint8_t class, cmd;
		uint16_t pairs;
		uint8_t ack;
	} c = { VNET_CTRL_MQ, VNET_CTRL_MQ_PAIRS_SET, v->npairs, 0xff };

	if (!first_mq)
		first_mq = v;
	if (v->npairs < 2)
		return;
	/* For tests: a count the device must refuse (5.1.6.5.5.1). */
	if (kopt_flag("toro.test_vnet_mq_refused"))
		c.pairs = 0;
	struct virtq_buf out = { &c, 4 }, in = { &c.ack, 1 };
	int rc = virtq_call(ctrlq, &out, 1, &in, 1, virtio_deadline());

	if (rc < 0 || c.ack != VNET_CTRL_OK) {
		log_warn("%s: the device refused %u queue pairs (%d, ack %u): "
			 "one pair\n", v->nd.name, c.pairs, rc, c.ack);
		v->npairs = 1;
	}
}

/* Frames per pair, received/sent, with toro.netstats: whether every pair
 * carried traffic (the tests check it); and the frames dropped for want
 * of a transmit buffer (net_tx.c), which TCP has to send again. */
static void vnet_mq_report(void)
{
	struct vnet *v = first_mq;
	uint64_t dropped = 0;

	if (!v || !kopt_flag("toro.netstats"))
		return;
	kprintf("toro: net: %s: %u queue pairs; frames received/sent",
		v->nd.name, v->npairs);
	for (unsigned k = 0; k < v->npairs; k++) {
		struct vnet *w = vnet_pair(v, k);

		kprintf(" %lu/%lu", w->rx_frames,
			__atomic_load_n(&w->tx_frames, __ATOMIC_RELAXED));
		dropped += __atomic_load_n(&w->tx_dropped, __ATOMIC_RELAXED);
	}
	kprintf("; %lu dropped, no transmit buffer\n", dropped);
}

EXIT_CALL(vnet_mq_report);
