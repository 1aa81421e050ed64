// SPDX-License-Identifier: MIT
/*
 * The virtio-pci transport, modern interface only (virtio 1.2, 4.1):
 * vendor 0x1af4, device 0x1040 + type, or a transitional device
 * (0x1000-0x103f) that also offers the modern capabilities. The common
 * configuration, notification and device-specific structures are BAR
 * ranges named by vendor capabilities. Interrupts are MSI-X: entry 0 for
 * configuration changes, entry 1 shared by every queue, both sent to the
 * CPU the driver chose (one entry for all when the device has only one).
 */
#include <errno.h>
#include <string.h>

#include <arch/trap.h>
#include <arch/x86.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <toro/time.h>

#include "virtio_impl.h"
#include "virtio_pci.h"

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_MODERN_BASE	0x1040	/* + device type */
#define VIRTIO_PCI_MODERN_LAST	0x107f
#define VIRTIO_PCI_TRANS_FIRST	0x1000	/* transitional: type in subsys */
#define VIRTIO_PCI_TRANS_LAST	0x103f

/* Common configuration structure (spec 4.1.4.3), offsets in its region. */
#define COMMON_DFSELECT		0x00	/* 32-bit r/w */
#define COMMON_DF		0x04	/* 32-bit r/o */
#define COMMON_GFSELECT		0x08	/* 32-bit r/w */
#define COMMON_GF		0x0c	/* 32-bit r/w */
#define COMMON_MSIX_CONFIG	0x10	/* 16-bit r/w */
#define COMMON_NUM_QUEUES	0x12	/* 16-bit r/o */
#define COMMON_STATUS		0x14	/* 8-bit r/w */
#define COMMON_CFG_GENERATION	0x15	/* 8-bit r/o */
#define COMMON_Q_SELECT		0x16	/* 16-bit r/w */
#define COMMON_Q_SIZE		0x18	/* 16-bit r/w */
#define COMMON_Q_MSIX		0x1a	/* 16-bit r/w */
#define COMMON_Q_ENABLE		0x1c	/* 16-bit r/w */
#define COMMON_Q_NOTIFY_OFF	0x1e	/* 16-bit r/o */
#define COMMON_Q_DESC		0x20	/* 64-bit r/w */
#define COMMON_Q_DRIVER		0x28	/* 64-bit r/w */
#define COMMON_Q_DEVICE		0x30	/* 64-bit r/w */
#define COMMON_SIZE		0x38

#define VIRTIO_MSI_NO_VECTOR	0xffff

/* MSI-X table entries we use. */
#define MSIX_CONFIG_ENTRY	0
#define MSIX_QUEUE_ENTRY	1

#define RESET_TIMEOUT_NS	1000000000ULL

struct vpci_dev {
	struct virtio_dev dev;
	struct pci_dev *pci;
	uintptr_t common;
	uintptr_t notify;	/* base of the notification region */
	uint32_t notify_len;
	uint32_t notify_mult;
	uintptr_t device;	/* 0: the device has no config structure */
	uint32_t device_len;
	/* MSI-X: vectors allocated once (a driver may negotiate again). */
	unsigned config_vector, queue_vector;
	unsigned queue_entry;	/* what each queue's msix_vector gets */
	unsigned msix_n;	/* MSI-X table entries */
	struct vpci_qirq *qirqs;	/* queue_irq()'s, entries 2 on */
};

/* Queues with an MSI-X entry of their own (multi-queue virtio-net). */
struct vpci_qirq {
	struct virtio_dev *dev;
	unsigned first, count, entry;
	struct vpci_qirq *next;
};

static struct vpci_dev *to_vpci(struct virtio_dev *dev)
{
	return dev->transport_data;
}

/* Accessors for the common configuration structure. */
static uint8_t rd8(struct virtio_dev *dev, unsigned reg)
{
	return *(volatile uint8_t *)(to_vpci(dev)->common + reg);
}

static uint16_t rd16(struct virtio_dev *dev, unsigned reg)
{
	return *(volatile uint16_t *)(to_vpci(dev)->common + reg);
}

static uint32_t rd32(struct virtio_dev *dev, unsigned reg)
{
	return mmio_read32(to_vpci(dev)->common + reg);
}

static void wr8(struct virtio_dev *dev, unsigned reg, uint8_t v)
{
	*(volatile uint8_t *)(to_vpci(dev)->common + reg) = v;
}

static void wr16(struct virtio_dev *dev, unsigned reg, uint16_t v)
{
	*(volatile uint16_t *)(to_vpci(dev)->common + reg) = v;
}

static void wr32(struct virtio_dev *dev, unsigned reg, uint32_t v)
{
	mmio_write32(to_vpci(dev)->common + reg, v);
}

/* 64-bit fields as two 32-bit writes, low first: the spec lets a
 * device take only 32-bit accesses (4.1.3.1). */
static void wr64(struct virtio_dev *dev, unsigned reg, uint64_t v)
{
	wr32(dev, reg, (uint32_t)v);
	wr32(dev, reg + 4, v >> 32);
}

static uint64_t vpci_get_features(struct virtio_dev *dev)
{
	wr32(dev, COMMON_DFSELECT, 1);
	uint64_t hi = rd32(dev, COMMON_DF);

	wr32(dev, COMMON_DFSELECT, 0);
	return hi << 32 | rd32(dev, COMMON_DF);
}

static void vpci_set_features(struct virtio_dev *dev, uint64_t f)
{
	wr32(dev, COMMON_GFSELECT, 1);
	wr32(dev, COMMON_GF, f >> 32);
	wr32(dev, COMMON_GFSELECT, 0);
	wr32(dev, COMMON_GF, (uint32_t)f);
}

static uint8_t vpci_get_status(struct virtio_dev *dev)
{
	return rd8(dev, COMMON_STATUS);
}

static void vpci_set_status(struct virtio_dev *dev, uint8_t status)
{
	wr8(dev, COMMON_STATUS, status);
}

/* Spec 4.1.4.3.2: the reset is done when the status reads back 0. A
 * device that never gets there is reported, not waited for forever. */
static void vpci_reset(struct virtio_dev *dev)
{
	wr8(dev, COMMON_STATUS, 0);
	if (rd8(dev, COMMON_STATUS) == 0)
		return;
	uint64_t deadline = clock_ns() + RESET_TIMEOUT_NS;

	while (rd8(dev, COMMON_STATUS) != 0) {
		if (clock_ns() > deadline) {
			log_warn("%s: does not finish its reset\n",
				 dev->name);
			return;
		}
		cpu_relax();
	}
}

static uint32_t vpci_config_read(struct virtio_dev *dev, unsigned off,
				 unsigned size)
{
	struct vpci_dev *v = to_vpci(dev);
	uintptr_t a = v->device + off;

	if (!v->device || off + size > v->device_len)
		return 0;
	switch (size) {
	case 1:
		return *(volatile uint8_t *)a;
	case 2:
		return *(volatile uint16_t *)a;
	default:
		return mmio_read32(a);
	}
}

static void vpci_config_write(struct virtio_dev *dev, unsigned off,
			      unsigned size, uint32_t val)
{
	struct vpci_dev *v = to_vpci(dev);
	uintptr_t a = v->device + off;

	if (!v->device || off + size > v->device_len)
		return;
	switch (size) {
	case 1:
		*(volatile uint8_t *)a = val;
		break;
	case 2:
		*(volatile uint16_t *)a = val;
		break;
	default:
		mmio_write32(a, val);
	}
}

static uint32_t vpci_config_generation(struct virtio_dev *dev)
{
	return rd8(dev, COMMON_CFG_GENERATION);
}

static unsigned vpci_queue_max(struct virtio_dev *dev, unsigned index)
{
	if (index >= rd16(dev, COMMON_NUM_QUEUES))
		return 0;
	wr16(dev, COMMON_Q_SELECT, index);
	if (rd16(dev, COMMON_Q_ENABLE))	/* taken: a driver bug */
		return 0;
	unsigned size = rd16(dev, COMMON_Q_SIZE);

	if (size == 0)
		log_warn("%s: queue %u has size 0: unusable\n", dev->name,
			 index);
	return size;
}

static int vpci_queue_enable(struct virtio_dev *dev, struct virtq *q)
{
	struct vpci_dev *v = to_vpci(dev);

	wr16(dev, COMMON_Q_SELECT, q->index);
	wr16(dev, COMMON_Q_SIZE, q->size);
	unsigned entry = v->queue_entry;

	for (struct vpci_qirq *qi = v->qirqs; qi; qi = qi->next)
		if (q->index - qi->first < qi->count) {
			entry = qi->entry;
			q->own_irq = true;
		}
	wr64(dev, COMMON_Q_DESC, q->desc_pa);
	wr64(dev, COMMON_Q_DRIVER, q->avail_pa);
	wr64(dev, COMMON_Q_DEVICE, q->used_pa);
	/* Before the queue is enabled (4.1.5.1.3); a device out of
	 * vectors answers NO_VECTOR and the queue would never interrupt. */
	wr16(dev, COMMON_Q_MSIX, entry);
	if (rd16(dev, COMMON_Q_MSIX) != entry) {
		log_warn("%s: queue %u: device refused MSI-X entry %u\n",
			 dev->name, q->index, entry);
		return -EIO;
	}
	/* The queue's doorbell: notify_off x multiplier into the region,
	 * which must hold the 16-bit write (4.1.4.4). */
	uint64_t off = (uint64_t)rd16(dev, COMMON_Q_NOTIFY_OFF) *
		       v->notify_mult;

	if (off + 2 > v->notify_len) {
		log_warn("%s: queue %u: doorbell at %#lx is beyond the "
			 "notification region (%u bytes)\n", dev->name,
			 q->index, off, v->notify_len);
		return -EIO;
	}
	q->notify_addr = v->notify + off;
	q->notify_data = q->index;
	wr16(dev, COMMON_Q_ENABLE, 1);
	return rd16(dev, COMMON_Q_ENABLE) == 1 ? 0 : -EIO;
}

static void vpci_notify(struct virtio_dev *dev, struct virtq *q)
{
	(void)dev;
	*(volatile uint16_t *)q->notify_addr = q->notify_data;
}

static void vpci_config_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	virtio_interrupt(arg, true);
}

static void vpci_queue_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	virtio_interrupt(arg, false);
}

static void vpci_own_irq(struct trap_frame *tf, void *arg)
{
	struct vpci_qirq *qi = arg;

	(void)tf;
	virtio_queues_interrupt(qi->dev, qi->first, qi->count);
}

static int alloc_vector(irq_handler_fn fn, void *arg)
{
	int vec = irq_alloc_vector();

	if (vec < 0)
		return vec;
	int rc = irq_set_handler(vec, fn, arg);

	return rc ? rc : vec;
}

/* Vectors once, then MSI-X entries pointed at (cpu): config changes on
 * entry 0, the queues on entry 1, or everything on entry 0 when the
 * table is that small (then each interrupt may also be a config change). */
static __cold int vpci_irq_setup(struct virtio_dev *dev, unsigned cpu)
{
	struct vpci_dev *v = to_vpci(dev);
	int n = pci_msix_enable(v->pci);

	if (n == -ENOENT)
		log_warn("%s: has no MSI-X, which Toro needs for virtio-pci "
			 "interrupts\n", dev->name);
	if (n < 0)
		return n == -ENOENT ? -ENODEV : n;
	bool shared = n < 2;

	v->msix_n = n;

	if (!v->config_vector) {
		int vec = alloc_vector(vpci_config_irq, dev);

		if (vec < 0)
			return vec;
		v->config_vector = vec;
	}
	if (!shared && !v->queue_vector) {
		int vec = alloc_vector(vpci_queue_irq, dev);

		if (vec < 0)
			return vec;
		v->queue_vector = vec;
	}
	v->queue_entry = shared ? MSIX_CONFIG_ENTRY : MSIX_QUEUE_ENTRY;
	int rc = pci_msix_route(v->pci, MSIX_CONFIG_ENTRY, v->config_vector,
				cpu);

	if (rc >= 0 && !shared)
		rc = pci_msix_route(v->pci, MSIX_QUEUE_ENTRY, v->queue_vector,
				    cpu);
	if (rc < 0)
		return rc;
	dev->irq_cpu = rc;
	wr16(dev, COMMON_MSIX_CONFIG, MSIX_CONFIG_ENTRY);
	if (rd16(dev, COMMON_MSIX_CONFIG) != MSIX_CONFIG_ENTRY) {
		log_warn("%s: device refused MSI-X entry %u for config "
			 "changes\n", dev->name, MSIX_CONFIG_ENTRY);
		return -EIO;
	}
	return 0;
}

/* Entries 2 on, one each call (the newest first on the list). */
static int vpci_map_queues(struct virtio_dev *dev, unsigned first,
			   unsigned count, unsigned cpu)
{
	struct vpci_dev *v = to_vpci(dev);
	unsigned entry = v->qirqs ? v->qirqs->entry + 1 : MSIX_QUEUE_ENTRY + 1;

	if (entry >= v->msix_n || v->queue_entry != MSIX_QUEUE_ENTRY)
		return -ENOSPC;
	struct vpci_qirq *qi = heap_alloc(sizeof(*qi));

	if (!qi)
		return -ENOMEM;
	*qi = (struct vpci_qirq){ dev, first, count, entry, v->qirqs };
	int rc = alloc_vector(vpci_own_irq, qi);

	if (rc >= 0)
		rc = pci_msix_route(v->pci, entry, rc, cpu);
	if (rc < 0) {
		heap_free(qi);	/* a vector, if taken, stays unused */
		return rc;
	}
	v->qirqs = qi;
	return rc;
}

static const struct virtio_transport vpci_ops = {
	.queue_irq = vpci_map_queues,
	.get_features = vpci_get_features,
	.set_features = vpci_set_features,
	.get_status = vpci_get_status,
	.set_status = vpci_set_status,
	.config_read = vpci_config_read,
	.config_write = vpci_config_write,
	.config_generation = vpci_config_generation,
	.queue_max = vpci_queue_max,
	.queue_enable = vpci_queue_enable,
	.notify = vpci_notify,
	.irq_setup = vpci_irq_setup,
	.reset = vpci_reset,
};

/* The device type of a virtio-pci function, or 0 if it is none. */
static unsigned device_type(const struct pci_dev *pci)
{
	if (pci->vendor_id != VIRTIO_PCI_VENDOR)
		return 0;
	if (pci->device_id >= VIRTIO_PCI_MODERN_BASE &&
	    pci->device_id <= VIRTIO_PCI_MODERN_LAST)
		return pci->device_id - VIRTIO_PCI_MODERN_BASE;
	if (pci->device_id >= VIRTIO_PCI_TRANS_FIRST &&
	    pci->device_id <= VIRTIO_PCI_TRANS_LAST)
		return pci_read16(pci, PCI_SUBSYS_ID);
	return 0;
}

/* Maps (r); 0 with a message when it is not inside its BAR. */
static __cold uintptr_t map_region(struct vpci_dev *v, const char *what,
			    const struct virtio_pci_region *r)
{
	uintptr_t a = r->length ? pci_map_bar(v->pci, r->bar, r->offset,
					      r->length) : 0;

	if (!a)
		log_warn("%s: %s structure (BAR%u + %#x, %u bytes) is not "
			 "inside a usable BAR\n", v->dev.name, what, r->bar,
			 r->offset, r->length);
	return a;
}

static __cold int vpci_setup(struct vpci_dev *v, const struct virtio_pci_caps *c)
{
	if (c->common.length < COMMON_SIZE) {
		log_warn("%s: common configuration is %u bytes, needs %u\n",
			 v->dev.name, c->common.length, COMMON_SIZE);
		return -EINVAL;
	}
	v->common = map_region(v, "common configuration", &c->common);
	if (!v->common)
		return -EINVAL;
	v->notify = map_region(v, "notification", &c->notify);
	if (!v->notify)
		return -EINVAL;
	v->notify_len = c->notify.length;
	v->notify_mult = c->notify_off_multiplier;
	if (c->device.found && c->device.length) {
		v->device = map_region(v, "device configuration", &c->device);
		if (!v->device)
			return -EINVAL;
		v->device_len = c->device.length;
	}
	/* Virtqueues are read and written by the device: bus mastering. */
	pci_command(v->pci, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0);
	return 0;
}

static __cold bool vpci_add(struct pci_dev *pci, unsigned type)
{
	struct virtio_pci_caps caps;
	int rc = virtio_pci_caps(pci, &caps);

	if (rc == -ENOENT) {
		log_warn("%s: virtio device without the modern interface "
			 "(legacy only): skipped\n", pci->name);
		return false;
	}
	if (rc) {
		log_warn("%s: broken capability list: skipped\n", pci->name);
		return false;
	}
	struct vpci_dev *v = heap_alloc(sizeof(*v));

	if (!v)
		return false;
	memset(v, 0, sizeof(*v));
	v->pci = pci;
	v->dev.ops = &vpci_ops;
	v->dev.transport_data = v;
	v->dev.device_id = type;
	ksnprintf(v->dev.name, sizeof(v->dev.name), "virtio-pci@%02x:%02x.%u",
		  pci->bus, pci->slot, pci->func);
	if (vpci_setup(v, &caps)) {
		log_warn("%s: skipped\n", v->dev.name);
		heap_free(v);
		return false;
	}
	virtio_add(&v->dev);
	return true;
}

__cold int virtio_pci_scan(void)
{
	int n = 0;

	for (struct pci_dev *pci = pci_devices(); pci; pci = pci->next) {
		unsigned type = device_type(pci);

		if (type && vpci_add(pci, type))
			n++;
	}
	return n;
}
