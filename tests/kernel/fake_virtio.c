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
	(void)dev;
	return index == 0 ? 8 : 0;
}

static int f_queue_enable(struct virtio_dev *dev, struct virtq *q)
{
	fake_of(dev)->q = q;
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
	f_queue_enable, f_notify, f_irq_setup, f_reset,
};

void fake_init(struct fake *f, uint16_t id, uint64_t features)
{
	memset(f, 0, sizeof(*f));
	f->dev.ops = &fake_ops;
	strcpy(f->dev.name, "fake-virtio");
	f->dev.device_id = id;
	f->features = features;
}

int fake_take(struct fake *f)
{
	struct fake_avail *avail = (struct fake_avail *)f->q->avail;

	if (__atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE) == f->avail_seen)
		return -1;
	return avail->ring[f->avail_seen++ & (f->q->size - 1)];
}

void fake_use(struct fake *f, uint32_t id, uint32_t len)
{
	struct fake_used *used = (struct fake_used *)f->q->used;

	used->ring[used->idx & (f->q->size - 1)] =
		(struct fake_used_elem){ id, len };
	__atomic_store_n(&used->idx, used->idx + 1, __ATOMIC_RELEASE);
	virtio_interrupt(&f->dev, false);
}

struct fake_desc *fake_desc(struct fake *f, unsigned i)
{
	return &((struct fake_desc *)f->q->desc)[i];
}
