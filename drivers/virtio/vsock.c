// SPDX-License-Identifier: MIT
/*
 * virtio-vsock (virtio 1.2, 5.10): three queues, receive (0), transmit
 * (1) and event (2), behind the interface of include/kernel/vsock.h.
 *
 * Receive: the ring is kept full of buffers (a header and up to rx_len
 * payload bytes each, sized from memory). Completions only queue the
 * buffer and wake the receive thread, on the CPU the interrupt goes to;
 * it checks each packet's length against what the device wrote, hands it
 * to the sockets and posts the buffer again, polling while busy as
 * virtio-net does. The same thread takes the event queue (TRANSPORT_RESET)
 * and runs the sockets' tick.
 *
 * Transmit: a packet is one descriptor (header and payload together) and
 * is freed by its completion, which senders and the receive thread reap
 * by polling: an interrupt per packet sent is what costs most under
 * emulation. A sender never waits for the ring: when it is full, packets
 * wait on an overflow list, and only then do completions interrupt, so
 * that the receive thread moves them to the ring as soon as there is
 * room. A device that stops taking
 * packets for the virtio timeout is taken for dead (a crashed host
 * backend): it is broken, every connection reset.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/thread_impl.h>
#include <kernel/vsock.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "virtio_impl.h"

#define RXQ	0
#define TXQ	1
#define EVQ	2

#define VSOCK_CFG_GUEST_CID	0	/* le64 */
#define VSOCK_EVENT_TRANSPORT_RESET	0
#define EV_BUFS	4

struct rx_buf {
	struct virtq_req req;
	struct vsock_dev *d;
	uint8_t *data;		/* header, then payload */
};

struct ev_buf {
	struct virtq_req req;
	struct vsock_dev *d;
	uint32_t id;
};

struct vsock_dev {
	struct virtio_dev *vdev;
	struct virtq *rxq, *txq, *evq;
	uint64_t cid;
	const struct vsock_callbacks *cb;
	bool running;

	struct rx_buf *rx;
	unsigned nrx;
	uint32_t rx_len;	/* payload room per buffer */
	struct spinlock ready_lock;	/* the ready rings */
	struct rx_buf **ready;
	unsigned ready_head, ready_tail;
	struct ev_buf ev[EV_BUFS];
	struct ev_buf *ev_ready[EV_BUFS];
	unsigned ev_head, ev_tail;
	struct event wake;	/* the receive thread's */

	struct spinlock tx_lock;	/* the overflow list, submitting */
	struct vsock_pkt *over_head, *over_tail;
	unsigned long tx_out;	/* packets the device has (atomic) */
	uint64_t last_moved;	/* clock_ns() of the last sign of life */
	uint64_t timeout_ns;	/* the virtio timeout */
};

/* The driver's part of a packet while the device has it. */
struct pkt_state {
	struct virtq_req req;
	struct vsock_dev *d;
	struct vsock_pkt *next;	/* on the overflow list */
};
_Static_assert(sizeof(struct pkt_state) <= sizeof(((struct vsock_pkt *)0)->driver),
	       "vsock_pkt.driver too small");

static struct vsock_dev *the_dev;

struct vsock_dev *vsock_device(void)
{
	return READ_ONCE(the_dev);
}

uint64_t vsock_dev_cid(struct vsock_dev *d)
{
	return READ_ONCE(d->cid);
}

static struct pkt_state *state_of(struct vsock_pkt *p)
{
	return (struct pkt_state *)p->driver;
}

/* --- transmit ------------------------------------------------------------ */

struct vsock_pkt *vsock_pkt_alloc(uint32_t len)
{
	struct vsock_pkt *p;

	if (len > VSOCK_PKT_MAX)
		return NULL;
	p = heap_alloc(sizeof(*p) + len);
	if (p)
		memset(p, 0, sizeof(*p));
	return p;
}

void vsock_pkt_free(struct vsock_pkt *p)
{
	heap_free(p);
}

static void alive(struct vsock_dev *d)
{
	__atomic_store_n(&d->last_moved, clock_ns(), __ATOMIC_RELAXED);
}

/* The device took a packet (or failed it): from interrupt context. */
static void tx_done(struct virtq_req *req)
{
	struct pkt_state *s = container_of(req, struct pkt_state, req);
	struct vsock_dev *d = s->d;

	heap_free(container_of((void *)s, struct vsock_pkt, driver));
	alive(d);
	__atomic_sub_fetch(&d->tx_out, 1, __ATOMIC_ACQ_REL);
	if (READ_ONCE(d->over_head))
		event_signal(&d->wake);
}

/* With tx_lock held and a free descriptor: (p) to the device. */
static int tx_submit(struct vsock_dev *d, struct vsock_pkt *p)
{
	struct pkt_state *s = state_of(p);
	struct virtq_buf out = { &p->hdr, VSOCK_HDR_LEN + p->hdr.len };

	s->req = (struct virtq_req){ .complete = tx_done };
	s->d = d;
	if (__atomic_fetch_add(&d->tx_out, 1, __ATOMIC_ACQ_REL) == 0)
		alive(d);	/* the timeout counts from the first */
	int rc = virtq_submit(d->txq, &s->req, &out, 1, NULL, 0);

	if (rc) {
		__atomic_sub_fetch(&d->tx_out, 1, __ATOMIC_ACQ_REL);
		heap_free(p);
	}
	return rc;
}

int vsock_dev_send(struct vsock_dev *d, struct vsock_pkt *p)
{
	if (READ_ONCE(d->vdev->broken)) {
		heap_free(p);
		return -EIO;
	}
	virtq_poll(d->txq);	/* what the device took, freed */
	bool irq = spin_lock_irqsave(&d->tx_lock);
	int rc = 0;

	if (!d->over_head && READ_ONCE(d->txq->nfree) > 0) {
		rc = tx_submit(d, p);
	} else {
		state_of(p)->next = NULL;
		if (d->over_tail) {
			state_of(d->over_tail)->next = p;
		} else {
			d->over_head = p;
			/* Room must be noticed now, not at the next tick. */
			virtq_set_interrupts(d->txq, true);
		}
		d->over_tail = p;
		if (__atomic_fetch_add(&d->tx_out, 1, __ATOMIC_ACQ_REL) == 0)
			alive(d);
	}
	spin_unlock_irqrestore(&d->tx_lock, irq);
	return rc;
}

/* Moves what waits on the overflow list to the ring while it has room. */
static void tx_flush(struct vsock_dev *d)
{
	if (!READ_ONCE(d->over_head))
		return;
	bool irq = spin_lock_irqsave(&d->tx_lock);

	while (d->over_head && READ_ONCE(d->txq->nfree) > 0) {
		struct vsock_pkt *p = d->over_head;

		d->over_head = state_of(p)->next;
		if (!d->over_head)
			d->over_tail = NULL;
		__atomic_sub_fetch(&d->tx_out, 1, __ATOMIC_ACQ_REL);
		tx_submit(d, p);
	}
	if (!d->over_head)
		virtq_set_interrupts(d->txq, false);
	spin_unlock_irqrestore(&d->tx_lock, irq);
}

/* Frees what never reached the device (it broke). */
static void tx_drop_overflow(struct vsock_dev *d)
{
	bool irq = spin_lock_irqsave(&d->tx_lock);
	struct vsock_pkt *p = d->over_head;

	d->over_head = d->over_tail = NULL;
	spin_unlock_irqrestore(&d->tx_lock, irq);
	while (p) {
		struct vsock_pkt *next = state_of(p)->next;

		heap_free(p);
		__atomic_sub_fetch(&d->tx_out, 1, __ATOMIC_ACQ_REL);
		p = next;
	}
}

/* --- receive ------------------------------------------------------------- */

static void rx_done(struct virtq_req *req)
{
	struct rx_buf *b = container_of(req, struct rx_buf, req);
	struct vsock_dev *d = b->d;
	bool irq = spin_lock_irqsave(&d->ready_lock);

	/* Never overflows: each buffer is at most once in flight. */
	d->ready[d->ready_tail++ % d->nrx] = b;
	spin_unlock_irqrestore(&d->ready_lock, irq);
	event_signal(&d->wake);
}

static void ev_done(struct virtq_req *req)
{
	struct ev_buf *e = container_of(req, struct ev_buf, req);
	struct vsock_dev *d = e->d;
	bool irq = spin_lock_irqsave(&d->ready_lock);

	d->ev_ready[d->ev_tail++ % EV_BUFS] = e;
	spin_unlock_irqrestore(&d->ready_lock, irq);
	event_signal(&d->wake);
}

static int rx_post(struct vsock_dev *d, struct rx_buf *b)
{
	struct virtq_buf in = { b->data, VSOCK_HDR_LEN + d->rx_len };

	b->req = (struct virtq_req){ .complete = rx_done };
	return virtq_submit(d->rxq, &b->req, NULL, 0, &in, 1);
}

static int ev_post(struct vsock_dev *d, struct ev_buf *e)
{
	struct virtq_buf in = { &e->id, sizeof(e->id) };

	e->req = (struct virtq_req){ .complete = ev_done };
	return virtq_submit(d->evq, &e->req, NULL, 0, &in, 1);
}

/* One received packet the device wrote (used) bytes of. Garbage in the
 * header's length is dropped with a warning: what the other fields say
 * is for the sockets to judge. */
static void rx_one(struct vsock_dev *d, struct rx_buf *b, uint32_t used)
{
	struct vsock_hdr h;

	if (used < VSOCK_HDR_LEN) {
		log_warn("%s: packet of %u bytes, shorter than its header: "
			 "dropped\n", d->vdev->name, used);
		return;
	}
	memcpy(&h, b->data, sizeof(h));
	if (h.len != used - VSOCK_HDR_LEN) {
		log_warn("%s: packet says %u payload bytes, the device wrote "
			 "%u: dropped\n", d->vdev->name, h.len,
			 used - VSOCK_HDR_LEN);
		return;
	}
	d->cb->receive(&h, b->data + VSOCK_HDR_LEN);
}

static struct rx_buf *ready_take(struct vsock_dev *d)
{
	struct rx_buf *b = NULL;
	bool irq = spin_lock_irqsave(&d->ready_lock);

	if (d->ready_head != d->ready_tail)
		b = d->ready[d->ready_head++ % d->nrx];
	spin_unlock_irqrestore(&d->ready_lock, irq);
	return b;
}

static struct ev_buf *ev_take(struct vsock_dev *d)
{
	struct ev_buf *e = NULL;
	bool irq = spin_lock_irqsave(&d->ready_lock);

	if (d->ev_head != d->ev_tail)
		e = d->ev_ready[d->ev_head++ % EV_BUFS];
	spin_unlock_irqrestore(&d->ready_lock, irq);
	return e;
}

/* Processes what is ready: how many buffers, or -EIO once broken. */
static int rx_batch(struct vsock_dev *d)
{
	struct rx_buf *b;
	int n = 0;

	while ((b = ready_take(d))) {
		if (b->req.error || READ_ONCE(d->vdev->broken))
			return -EIO;
		alive(d);
		rx_one(d, b, b->req.used_len);
		if (rx_post(d, b))
			return -EIO;
		n++;
	}
	return n;
}

static void read_cid(struct vsock_dev *d)
{
	uint64_t cid = virtio_config_read64(d->vdev, VSOCK_CFG_GUEST_CID);

	/* The spec's CIDs are 32 bits wide for now; 0-2 are not a guest's. */
	if (cid <= VSOCK_CID_HOST || cid >= VSOCK_CID_ANY)
		log_warn("%s: guest CID %lu is not one a guest can have\n",
			 d->vdev->name, cid);
	WRITE_ONCE(d->cid, cid);
}

static int ev_batch(struct vsock_dev *d)
{
	struct ev_buf *e;

	while ((e = ev_take(d))) {
		if (e->req.error || READ_ONCE(d->vdev->broken))
			return -EIO;
		if (e->req.used_len != sizeof(e->id))
			log_warn("%s: event of %u bytes: ignored\n",
				 d->vdev->name, e->req.used_len);
		else if (e->id != VSOCK_EVENT_TRANSPORT_RESET)
			log_warn("%s: unknown event %u: ignored\n",
				 d->vdev->name, e->id);
		else {
			read_cid(d);
			log_info("%s: transport reset, guest CID %lu\n",
				 d->vdev->name, d->cid);
			d->cb->reset();
		}
		if (ev_post(d, e))
			return -EIO;
	}
	return 0;
}

/* A device that holds packets past the timeout without taking any is
 * dead to us. */
static bool tx_stuck(struct vsock_dev *d)
{
	if (!__atomic_load_n(&d->tx_out, __ATOMIC_ACQUIRE))
		return false;
	uint64_t last = __atomic_load_n(&d->last_moved, __ATOMIC_RELAXED);
	uint64_t now = clock_ns();

	return now > last && now - last > d->timeout_ns;
}

static void *rx_thread(void *arg)
{
	struct vsock_dev *d = arg;
	bool polling = false;
	uint64_t next_tick = clock_ns();

	for (;;) {
		virtq_poll(d->txq);
		tx_flush(d);
		virtq_poll(d->rxq);
		int n = rx_batch(d);

		if (n < 0 || ev_batch(d) < 0)
			break;
		uint64_t now = clock_ns();

		if (now >= next_tick) {
			uint64_t last = __atomic_load_n(&d->last_moved,
							__ATOMIC_RELAXED);

			if (tx_stuck(d)) {
				log_warn("%s: the device took no packet for "
					 "%lu ms\n", d->vdev->name,
					 d->timeout_ns / 1000000);
				virtio_break(d->vdev);
				break;
			}
			d->cb->tick(now > last ? (now - last) / 1000000 : 0);
			next_tick = now + VSOCK_TICK_MS * 1000000ULL;
		}
		if (n > 0) {
			if (!polling)
				virtq_set_interrupts(d->rxq, false);
			polling = true;
			thread_yield();
			continue;
		}
		if (polling) {
			virtq_set_interrupts(d->rxq, true);
			polling = false;
			continue;
		}
		event_wait_until(&d->wake, next_tick);
	}
	log_warn("%s: device broken: connections reset\n", d->vdev->name);
	tx_drop_overflow(d);
	d->cb->reset();
	return NULL;
}

/* --- start-up ------------------------------------------------------------ */

/* Receive buffers from memory: more and larger where there is room. */
static void rx_sizing(struct vsock_dev *d, unsigned ring)
{
	struct page_stats st;

	page_alloc_stats(&st);
	size_t mib = st.total_pages * PAGE_SIZE >> 20;

	if (mib >= 256) {
		d->nrx = 64;
		d->rx_len = 32 * 1024;
	} else if (mib >= 32) {
		d->nrx = 32;
		d->rx_len = 16 * 1024;
	} else {
		d->nrx = 16;
		d->rx_len = 4096;
	}
	if (d->nrx > ring)
		d->nrx = ring;
}

int vsock_dev_start(struct vsock_dev *d, const struct vsock_callbacks *cb)
{
	if (__atomic_exchange_n(&d->running, true, __ATOMIC_ACQ_REL))
		return -EBUSY;
	d->cb = cb;
	for (unsigned i = 0; i < d->nrx; i++) {
		int rc = rx_post(d, &d->rx[i]);

		if (rc)
			return rc;
	}
	for (unsigned i = 0; i < EV_BUFS; i++) {
		d->ev[i].d = d;
		int rc = ev_post(d, &d->ev[i]);

		if (rc)
			return rc;
	}
	virtq_set_interrupts(d->txq, false);	/* reaped by polling */
	struct thread_params p = { .cpu = d->vdev->irq_cpu, .fn = rx_thread,
				   .arg = d };
	int rc = kthread_spawn(&p, NULL);

	return rc < 0 ? rc : 0;
}

static int rx_alloc(struct vsock_dev *d)
{
	d->rx = heap_zalloc(d->nrx * sizeof(*d->rx));
	d->ready = heap_zalloc(d->nrx * sizeof(*d->ready));
	if (!d->rx || !d->ready)
		return -ENOMEM;
	for (unsigned i = 0; i < d->nrx; i++) {
		d->rx[i].d = d;
		d->rx[i].data = heap_alloc(VSOCK_HDR_LEN + d->rx_len);
		if (!d->rx[i].data)
			return -ENOMEM;
	}
	return 0;
}

static int vsock_probe(struct virtio_dev *vdev)
{
	if (the_dev) {
		log_warn("%s: a second vsock device: left alone\n",
			 vdev->name);
		return -EBUSY;
	}
	int rc = virtio_negotiate(vdev, VIRTIO_BIT(VIRTIO_F_EVENT_IDX));

	if (rc)
		return rc;
	struct vsock_dev *d = heap_zalloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->vdev = vdev;
	d->timeout_ns = virtio_deadline() - clock_ns();
	read_cid(d);
	rc = virtq_create(vdev, RXQ, 0, &d->rxq);
	if (!rc)
		rc = virtq_create(vdev, TXQ, 0, &d->txq);
	if (!rc)
		rc = virtq_create(vdev, EVQ, EV_BUFS, &d->evq);
	if (!rc) {
		rx_sizing(d, d->rxq->size);
		rc = rx_alloc(d);
	}
	if (rc) {
		/* Queues and buffers stay: the device is reset, and
		 * nothing else will have it. */
		log_warn("%s: cannot set up (%d)\n", vdev->name, rc);
		virtio_fail(vdev);
		return rc;
	}
	vdev->driver_data = d;
	virtio_ready(vdev);
	WRITE_ONCE(the_dev, d);
	log_info("%s: vsock, guest CID %lu\n", vdev->name, d->cid);
	return 0;
}

static const struct virtio_driver vsock_driver = {
	.name = "virtio-vsock",
	.device_id = VIRTIO_ID_VSOCK,
	.probe = vsock_probe,
};
VIRTIO_DRIVER(vsock_driver);
