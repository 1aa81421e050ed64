// SPDX-License-Identifier: MIT
/*
 * virtio-net multi-queue (virtio 1.2, 5.1.6.5.5): with VIRTIO_NET_F_MQ
 * and the control queue, one receive/transmit pair per CPU, as many as
 * the device has (max_virtqueue_pairs). Pair k is queues 2k and 2k + 1,
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

#include <drivers/virtio.h>
#include <kernel/cmdline.h>
#include <kernel/exit.h>
#include <kernel/heap.h>
#include <kernel/log.h>

#include "net_impl.h"
#include "virtio_impl.h"

#define NET_CFG_MAX_PAIRS	8	/* u16 */
#define VNET_CTRL_MQ		4
#define VNET_CTRL_MQ_PAIRS_SET	0
#define VNET_CTRL_OK		0

static struct vnet *first_mq;	/* for the report at exit */
static struct virtq *ctrlq;

void vnet_mq_setup(struct vnet *v)
{
	struct virtio_dev *vdev = v->vdev;
	uint64_t need = VIRTIO_BIT(VIRTIO_NET_F_MQ) |
			VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ);

	if ((vdev->features & need) != need)
		return;
	unsigned max = virtio_config_read(vdev, NET_CFG_MAX_PAIRS, 2);
	unsigned n = MIN(cpu_count(), max), k;
	/* The control queue comes after every pair the device has. */
	int rc = virtq_create(vdev, 2 * max, 0, &ctrlq);

	if (rc || n < 2) {
		log_warn("%s: no multi-queue (%u pairs, control queue %d)\n",
			 v->nd.name, max, rc);
		return;
	}
	ctrlq->polled = true;
	v->pairs = heap_alloc(n * sizeof(*v->pairs));
	if (!v->pairs)
		return;
	v->pairs[0] = v;
	for (k = 0; k < n; k++) {
		struct vnet *w = k ? heap_alloc(sizeof(*w)) : v;

		if (!w)
			break;
		if (k)
			*w = *v;	/* the configuration: nothing made yet */
		rc = vdev->ops->queue_irq(vdev, 2 * k, 2, k);
		if (rc < 0)
			break;
		w->cpu = rc;
		if (k && vnet_pair_init(w, k))
			break;
		v->pairs[k] = w;
	}
	if (k < n)
		log_warn("%s: %u queue pairs made of %u (vectors: %d)\n",
			 v->nd.name, k, n, rc);
	v->npairs = k ? k : 1;
}

void vnet_mq_start(struct vnet *v)
{
	struct {
		uint8_t class, cmd;
		uint16_t pairs;
		uint8_t ack;
	} *c;

	if (!first_mq)
		first_mq = v;
	if (v->npairs < 2)
		return;
	c = heap_alloc(sizeof(*c));
	if (!c) {
		v->npairs = 1;
		return;
	}
	*c = (typeof(*c)){ VNET_CTRL_MQ, VNET_CTRL_MQ_PAIRS_SET, v->npairs,
			   0xff };
	/* For tests: a count the device must refuse (5.1.6.5.5.1). */
	if (kopt_flag("toro.test_vnet_mq_refused"))
		c->pairs = 0;
	struct virtq_buf out = { c, 4 }, in = { &c->ack, 1 };
	int rc = virtq_call(ctrlq, &out, 1, &in, 1, virtio_deadline());

	if (rc < 0 || c->ack != VNET_CTRL_OK) {
		log_warn("%s: the device refused %u queue pairs (%d, ack %u): "
			 "one pair\n", v->nd.name, c->pairs, rc, c->ack);
		v->npairs = 1;
	}
	heap_free(c);
}

/* Frames per queue, with toro.netstats: whether every pair carried
 * traffic (the tests check it). */
static void vnet_mq_report(void)
{
	struct vnet *v = first_mq;

	if (!v || !kopt_flag("toro.netstats"))
		return;
	kprintf("toro: net: %s: %u queue pairs; frames received", v->nd.name,
		v->npairs);
	for (unsigned k = 0; k < v->npairs; k++)
		kprintf(" %lu", (k ? v->pairs[k] : v)->rx_frames);
	kprintf(", sent");
	for (unsigned k = 0; k < v->npairs; k++)
		kprintf(" %lu", __atomic_load_n(&(k ? v->pairs[k] : v)->tx_frames,
						__ATOMIC_RELAXED));
	kprintf("\n");
}

EXIT_CALL(vnet_mq_report);
