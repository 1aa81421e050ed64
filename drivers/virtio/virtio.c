// SPDX-License-Identifier: MIT
/*
 * The virtio core: the devices the transports found, the drivers linked in
 * (VIRTIO_DRIVER), and device start-up (spec 3.1.1) shared by every driver.
 */
#include <errno.h>

#include <drivers/virtio.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/log.h>

#include <toro/time.h>

#include "virtio_impl.h"

extern const struct virtio_driver *const __start_toro_virtio_drivers[];
extern const struct virtio_driver *const __stop_toro_virtio_drivers[];

static struct virtio_dev *devices, **devices_tail = &devices;

struct virtio_dev *virtio_devices(void)
{
	return devices;
}

void virtio_add(struct virtio_dev *dev)
{
	dev->next = NULL;
	*devices_tail = dev;
	devices_tail = &dev->next;
	log_info("%s: virtio device type %u\n", dev->name, dev->device_id);
}

static int virtio_scan(void)
{
	virtio_mmio_scan();
	virtio_pci_scan();
	return 0;
}
INIT_CALL(INIT_BUS, virtio_scan);

int virtio_bind(struct virtio_dev *dev)
{
	int rc = -ENODEV;

	for (const struct virtio_driver *const *d =
		     __start_toro_virtio_drivers;
	     d < __stop_toro_virtio_drivers && !dev->driver; d++) {
		if ((*d)->device_id != dev->device_id)
			continue;
		rc = (*d)->probe(dev);
		if (rc == 0) {
			dev->driver = *d;
		} else {
			log_warn("%s: %s driver: error %d\n", dev->name,
				 (*d)->name, -rc);
			virtio_fail(dev);
		}
	}
	return rc;
}

static int virtio_probe_all(void)
{
	for (struct virtio_dev *dev = devices; dev; dev = dev->next)
		virtio_bind(dev);
	return 0;
}
INIT_CALL(INIT_DRIVER, virtio_probe_all);

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
	const struct virtio_transport *ops = dev->ops;

	ops->reset(dev);
	ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);

	uint64_t offered = ops->get_features(dev);

	if (!(offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		log_warn("%s: not a virtio 1.x device (legacy only)\n",
			 dev->name);
		return -ENODEV;
	}
	/* Memory is identity-mapped and there is no IOMMU, so a device that
	 * wants platform access rules gets them for free. */
	wanted |= VIRTIO_BIT(VIRTIO_F_VERSION_1) |
		  VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
		  VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM);
	dev->features = offered & wanted;
	ops->set_features(dev, dev->features);
	ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				     VIRTIO_STATUS_FEATURES_OK);
	if (!(ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
		log_warn("%s: device refused features %#lx\n", dev->name,
			 dev->features);
		return -EIO;
	}
	/* Before any queue: PCI gives each queue its interrupt vector when
	 * the queue is enabled. */
	return ops->irq_setup(dev, dev->irq_cpu);
}

void virtio_ready(struct virtio_dev *dev)
{
	dev->ops->set_status(dev, dev->ops->get_status(dev) |
					  VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *dev)
{
	dev->ops->set_status(dev, dev->ops->get_status(dev) |
					  VIRTIO_STATUS_FAILED);
}

void virtio_break(struct virtio_dev *dev)
{
	if (__atomic_exchange_n(&dev->broken, true, __ATOMIC_ACQ_REL))
		return;
	log_warn("%s: device misbehaved: reset, its requests fail\n",
		 dev->name);
	dev->ops->reset(dev);
	for (struct virtq *q = dev->queues; q; q = q->next)
		virtq_fail_all(q);
}

void virtio_queues_interrupt(struct virtio_dev *dev, unsigned first,
			     unsigned count)
{
	for (struct virtq *q = dev->queues; q; q = q->next)
		if (!q->polled && (count ? q->index - first < count :
				   !q->own_irq))
			virtq_poll(q);
}

void virtio_interrupt(struct virtio_dev *dev, bool config)
{
	virtio_queues_interrupt(dev, 0, 0);
	if (config && dev->config_changed)
		dev->config_changed(dev);
}

uint64_t virtio_deadline(void)
{
	static uint64_t timeout_ns;

	if (!timeout_ns)
		timeout_ns = kopt_u64("toro.virtio_timeout_ms", 30000) *
			     1000000;
	return clock_ns() + timeout_ns;
}

uint32_t virtio_config_read(struct virtio_dev *dev, unsigned off,
			    unsigned size)
{
	return dev->ops->config_read(dev, off, size);
}

void virtio_config_write(struct virtio_dev *dev, unsigned off, unsigned size,
			 uint32_t v)
{
	dev->ops->config_write(dev, off, size, v);
}

uint64_t virtio_config_read64(struct virtio_dev *dev, unsigned off)
{
	uint32_t gen, lo, hi;
	int tries = 0;

	/* Bounded: a device whose generation never settles gets the last
	 * reading rather than a hung boot. */
	do {
		gen = dev->ops->config_generation(dev);
		lo = virtio_config_read(dev, off, 4);
		hi = virtio_config_read(dev, off + 4, 4);
	} while (gen != dev->ops->config_generation(dev) && ++tries < 100);
	return (uint64_t)hi << 32 | lo;
}
