// SPDX-License-Identifier: MIT
/* A virtio device played by a fuzz target (host_virtio.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arch/mmu.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/log.h>
#include <toro/sync.h>
#include <toro/time.h>

#include "../../drivers/virtio/virtio_impl.h"
#include "fuzz.h"
#include "host_threads.h"
#include "host_virtio.h"

#define RING_MAX	256
#define OUT_MAX		(80 * 1024)	/* one request's out buffers */

struct virtio_dev host_virtio_dev;
uint64_t host_virtio_offer;
uint8_t host_virtio_config[64];
void (*host_virtio_out[HOST_VIRTIO_QUEUES])(const uint8_t *bytes,
					    size_t len);

struct posted {
	struct virtq_req *req;
	void *buf;
	uint32_t len;
};

static struct dq {
	struct virtq *q;
	struct posted posted[RING_MAX];	/* to write, in order */
	unsigned head, count;
	struct virtq_req *used[1024];	/* to complete at the next poll */
	unsigned nused;
	bool irq_off;			/* virtq_set_interrupts(false) */
} dqs[HOST_VIRTIO_QUEUES];
static uint8_t out_bytes[OUT_MAX];

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
	dev->features = wanted & host_virtio_offer;
	return 0;
}

uint32_t virtio_config_read(struct virtio_dev *dev, unsigned off,
			    unsigned size)
{
	uint32_t v = 0;

	(void)dev;
	FUZZ_CHECK(size <= 4 && off + size <= sizeof(host_virtio_config));
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)host_virtio_config[off + i] << (8 * i);
	return v;
}

uint64_t virtio_config_read64(struct virtio_dev *dev, unsigned off)
{
	return virtio_config_read(dev, off, 4) |
	       (uint64_t)virtio_config_read(dev, off + 4, 4) << 32;
}

void virtio_ready(struct virtio_dev *dev)
{
	(void)dev;
}

/* The drivers check their pools once (net_mq.c): all host memory is the
 * played device's. */
bool vm_dma_ok(uintptr_t va, size_t len, bool device_writes)
{
	(void)device_writes;
	return va && len && va + len > va;
}

uint64_t virtio_deadline(void)
{
	return clock_ns() + 30000000000ULL;
}

/* Its descriptors free again (q->nfree, which drivers read), then the
 * request completes. */
static void complete(struct virtq *q, struct virtq_req *req,
		     uint32_t used_len, int error)
{
	q->nfree += req->ndesc;
	FUZZ_CHECK(q->nfree <= q->size);
	req->used_len = used_len;
	req->error = error;
	if (req->complete)
		req->complete(req);
	else
		sema_post(&req->done);
}

void virtq_fail_all(struct virtq *q)
{
	struct dq *d = &dqs[q->index];

	for (; d->count; d->count--, d->head++)
		complete(q, d->posted[d->head % RING_MAX].req, 0, -EIO);
	for (unsigned i = 0; i < d->nused; i++)
		complete(q, d->used[i], 0, -EIO);
	d->nused = 0;
}

void virtio_break(struct virtio_dev *dev)
{
	dev->broken = true;
	for (struct virtq *q = dev->queues; q; q = q->next)
		virtq_fail_all(q);
}

/* As the core's: the device is reset and left alone. */
void virtio_fail(struct virtio_dev *dev)
{
	virtio_break(dev);
}

/* The interrupt handler of each queue that has used buffers, unless the
 * driver turned its interrupts off: it reaps them (virtq.c). */
static bool interrupts(void)
{
	bool any = false;

	for (unsigned i = 0; i < HOST_VIRTIO_QUEUES; i++) {
		if (dqs[i].q && dqs[i].nused && !dqs[i].irq_off) {
			virtq_poll(dqs[i].q);
			any = true;
		}
	}
	return any;
}

int virtq_create(struct virtio_dev *dev, unsigned index, unsigned size,
		 struct virtq **out)
{
	struct virtq *q;

	if (index >= HOST_VIRTIO_QUEUES)
		return -ENODEV;
	q = calloc(1, sizeof(*q));
	FUZZ_CHECK(q);
	q->dev = dev;
	q->index = index;
	q->size = size && size < RING_MAX ? size : RING_MAX;
	q->nfree = q->size;
	q->next = dev->queues;
	dev->queues = q;
	memset(&dqs[index], 0, sizeof(dqs[index]));
	dqs[index].q = q;
	fuzz_irq = interrupts;
	*out = q;
	return 0;
}

/* The device reads what it is given at once, and uses it. */
static void device_reads(struct dq *d, struct virtq_req *req,
			 const struct virtq_buf *out, unsigned nout)
{
	size_t len = 0;

	for (unsigned i = 0; i < nout; i++) {
		FUZZ_CHECK(out[i].addr && out[i].len <= OUT_MAX - len);
		memcpy(out_bytes + len, out[i].addr, out[i].len);
		len += out[i].len;
	}
	if (host_virtio_out[d->q->index])
		host_virtio_out[d->q->index](out_bytes, len);
	FUZZ_CHECK(d->nused < ARRAY_SIZE(d->used));
	req->used_len = 0;
	d->used[d->nused++] = req;
}

/* (n) descriptors for (req): when the ring has too few, the core waits
 * for the device to use some, as it does here at once. */
static void take_descs(struct virtq *q, struct virtq_req *req, unsigned n)
{
	if (q->nfree < n)
		virtq_poll(q);
	FUZZ_CHECK(q->nfree >= n && "a ring full of buffers to write");
	q->nfree -= n;
	req->ndesc = n;
}

static int submit(struct virtq *q, struct virtq_req *req,
		  const struct virtq_buf *out, unsigned nout,
		  const struct virtq_buf *in, unsigned nin, unsigned ndesc)
{
	struct dq *d = &dqs[q->index];

	if (q->dev->broken)
		return -EIO;
	FUZZ_CHECK(nout + nin >= 1 && nout + nin <= q->size);
	take_descs(q, req, ndesc);
	if (!nin) {
		device_reads(d, req, out, nout);
		return 0;
	}
	/* One buffer for the device to write, each posted once. */
	FUZZ_CHECK(nout == 0 && nin == 1 && in[0].addr);
	for (unsigned i = 0; i < d->count; i++)
		FUZZ_CHECK(d->posted[(d->head + i) % RING_MAX].req != req);
	d->posted[(d->head + d->count++) % RING_MAX] =
		(struct posted){ req, in[0].addr, in[0].len };
	return 0;
}

int virtq_submit(struct virtq *q, struct virtq_req *req,
		 const struct virtq_buf *out, unsigned nout,
		 const struct virtq_buf *in, unsigned nin)
{
	return submit(q, req, out, nout, in, nin, nout + nin);
}

int virtq_submit_nowait(struct virtq *q, struct virtq_req *req,
			const struct virtq_buf *out, unsigned nout,
			const struct virtq_buf *in, unsigned nin)
{
	if (!q->dev->broken && q->nfree < nout + nin)
		return -ENOSPC;
	return submit(q, req, out, nout, in, nin, nout + nin);
}

int virtq_submit_indirect(struct virtq *q, struct virtq_req *req,
			  void *table, const struct virtq_buf *out,
			  unsigned nout)
{
	FUZZ_CHECK(table);
	FUZZ_CHECK(q->dev->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	if (!q->dev->broken && !q->nfree)
		return -ENOSPC;
	return submit(q, req, out, nout, NULL, 0, 1);
}

void virtq_kick(struct virtq *q)
{
	(void)q;
}

void virtq_flush(struct virtq *q)
{
	(void)q;
}

/* Completes what the device used since the last look. */
void virtq_poll(struct virtq *q)
{
	struct dq *d = &dqs[q->index];
	unsigned n = d->nused;
	struct virtq_req *used[ARRAY_SIZE(d->used)];

	memcpy(used, d->used, n * sizeof(*used));
	d->nused = 0;
	for (unsigned i = 0; i < n; i++)
		complete(q, used[i], used[i]->used_len, 0);
}

unsigned virtq_set_interrupts(struct virtq *q, bool on)
{
	unsigned n = dqs[q->index].nused;

	dqs[q->index].irq_off = !on;
	if (!on)
		return 0;
	virtq_poll(q);
	return n;
}

bool host_virtio_fill(unsigned index, const uint8_t *bytes, size_t len,
		      bool merge)
{
	struct dq *d = &dqs[index];
	size_t off = 0;

	if (!d->count || host_virtio_dev.broken)
		return false;
	do {
		struct posted p = d->posted[d->head++ % RING_MAX];
		uint32_t n = len - off < p.len ? (uint32_t)(len - off) : p.len;

		d->count--;
		memcpy(p.buf, bytes + off, n);
		p.req->used_len = n;
		off += n;
		FUZZ_CHECK(d->nused < ARRAY_SIZE(d->used));
		d->used[d->nused++] = p.req;
	} while (off < len && d->count && merge);
	return true;
}

unsigned host_virtio_posted(unsigned index)
{
	return dqs[index].count;
}

extern const struct virtio_driver *const __start_toro_virtio_drivers[];
extern const struct virtio_driver *const __stop_toro_virtio_drivers[];

/* The virtio_*() calls drivers make are played above; a transport is
 * there for what drivers read of it directly: one interrupt for the
 * whole device (no queue_irq), like virtio-mmio's. */
static const struct virtio_transport played_transport;

int host_virtio_probe(uint16_t device_id)
{
	host_virtio_dev.ops = &played_transport;
	host_virtio_dev.device_id = device_id;
	strcpy(host_virtio_dev.name, "fuzz-virtio");
	for (const struct virtio_driver *const *d = __start_toro_virtio_drivers;
	     d < __stop_toro_virtio_drivers; d++)
		if ((*d)->device_id == device_id)
			return (*d)->probe(&host_virtio_dev);
	FUZZ_CHECK(!"no driver for the device");
	return -ENODEV;
}

void host_virtio_reset(void)
{
	for (struct virtq *q = host_virtio_dev.queues, *next; q; q = next) {
		next = q->next;
		free(q);
	}
	memset(dqs, 0, sizeof(dqs));
	memset(&host_virtio_dev, 0, sizeof(host_virtio_dev));
}

/* The control queue (multi-queue set-up): the played device has one
 * interrupt, so the driver never asks for more than one queue pair, and
 * never calls this. */
int virtq_call(struct virtq *q, const struct virtq_buf *out, unsigned nout,
	       const struct virtq_buf *in, unsigned nin, uint64_t deadline)
{
	(void)q, (void)out, (void)nout, (void)in, (void)nin, (void)deadline;
	return -EIO;
}
