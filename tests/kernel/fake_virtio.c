// SPDX-License-Identifier: MIT
/* A virtio device played by a test (fake_virtio.h). */
#include <stdint.h>
#include <string.h>

#include "fake_virtio.h"

struct fake_avail {
	uint16_t flags, idx, ring[];
};
struct fake_used_elem {
	uint32_t id, len;
};
struct fake_used {
	uint16_t flags, idx;
	struct fake_used_elem ring[];
};

static struct fake *fake_of(struct virtio_dev *dev)
{
	return (struct fake *)dev;
}

static uint64_t f_get_features(struct virtio_dev *dev)
{
	return fake_of(dev)->features | VIRTIO_BIT(VIRTIO_F_VERSION_1);
}

static void f_set_features(struct virtio_dev *dev, uint64_t f)
{
	(void)dev, (void)f;
}

static uint8_t f_get_status(struct virtio_dev *dev)
{
	return fake_of(dev)->status;
}

static void f_set_status(struct virtio_dev *dev, uint8_t s)
{
	fake_of(dev)->status = s;
}

static uint32_t f_config_read(struct virtio_dev *dev, unsigned off,
			      unsigned size)
{
	uint32_t v = 0;

	if (off + size <= sizeof(fake_of(dev)->config))
		memcpy(&v, fake_of(dev)->config + off, size);
	return v;
}

static void f_config_write(struct virtio_dev *dev, unsigned off,
			   unsigned size, uint32_t v)
{
	if (off + size <= sizeof(fake_of(dev)->config))
		memcpy(fake_of(dev)->config + off, &v, size);
}

static uint32_t f_config_generation(struct virtio_dev *dev)
{
	(void)dev;
	return 0;
}

static unsigned f_queue_max(struct virtio_dev *dev, unsigned index)
{
	return index < fake_of(dev)->nqueues ? 8 : 0;
}

static int f_queue_enable(struct virtio_dev *dev, struct virtq *q)
{
	struct fake *f = fake_of(dev);

	f->qs[q->index] = q;
	f->avail_seen[q->index] = 0;
	if (q->index == 0)
		f->q = q;
	return 0;
}

static void f_notify(struct virtio_dev *dev, struct virtq *q)
{
	(void)q;
	__atomic_fetch_add(&fake_of(dev)->notifies, 1, __ATOMIC_RELAXED);
}

static int f_irq_setup(struct virtio_dev *dev, unsigned cpu)
{
	(void)dev, (void)cpu;
	return 0;
}

static void f_reset(struct virtio_dev *dev)
{
	fake_of(dev)->status = 0;
	fake_of(dev)->resets++;
}

static const struct virtio_transport fake_ops = {
	f_get_features, f_set_features, f_get_status, f_set_status,
	f_config_read, f_config_write, f_config_generation, f_queue_max,
	f_queue_enable, f_notify, f_irq_setup, f_reset, NULL,
};

void fake_init(struct fake *f, uint16_t id, uint64_t features)
{
	memset(f, 0, sizeof(*f));
	f->dev.ops = &fake_ops;
	strcpy(f->dev.name, "fake-virtio");
	f->dev.device_id = id;
	f->features = features;
	f->nqueues = 1;
}

static struct fake_avail *avail_of(struct fake *f, unsigned qi)
{
	return (struct fake_avail *)f->qs[qi]->avail;
}

int fake_take_q(struct fake *f, unsigned qi)
{
	struct fake_avail *avail = avail_of(f, qi);
	uint16_t mask = f->qs[qi]->size - 1;

	if (__atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE) ==
	    f->avail_seen[qi])
		return -1;
	return avail->ring[f->avail_seen[qi]++ & mask];
}

uint16_t fake_avail_flags(struct fake *f, unsigned qi)
{
	return __atomic_load_n(&avail_of(f, qi)->flags, __ATOMIC_ACQUIRE);
}

uint16_t fake_used_event(struct fake *f, unsigned qi)
{
	/* After the ring (2.7.6). */
	return __atomic_load_n(&avail_of(f, qi)->ring[f->qs[qi]->size],
			       __ATOMIC_ACQUIRE);
}

void fake_use_q(struct fake *f, unsigned qi, uint32_t id, uint32_t len)
{
	struct fake_used *used = (struct fake_used *)f->qs[qi]->used;
	uint16_t old = used->idx, mask = f->qs[qi]->size - 1;
	bool irq;

	used->ring[old & mask] = (struct fake_used_elem){ id, len };
	__atomic_store_n(&used->idx, old + 1, __ATOMIC_RELEASE);
	/* As a device must (2.7.7.2, 2.7.10): read the driver's wish only
	 * after the used index is visible. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (f->dev.features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX))
		irq = (uint16_t)(old - fake_used_event(f, qi)) == 0;
	else
		irq = !(fake_avail_flags(f, qi) & 1);
	if (irq) {
		__atomic_fetch_add(&f->interrupts, 1, __ATOMIC_RELAXED);
		virtio_interrupt(&f->dev, false);
	}
}

struct fake_desc *fake_desc_q(struct fake *f, unsigned qi, unsigned i)
{
	return &((struct fake_desc *)f->qs[qi]->desc)[i];
}
