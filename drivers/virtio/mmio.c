// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2). Devices are
 * named on the kernel command line as "virtio_mmio.device=SIZE@BASE:IRQ"
 * (what QEMU microvm without ACPI and Firecracker pass) or in the ACPI
 * DSDT (microvm with ACPI; arch/x86_64/acpi_devices.c); the interrupt is
 * a GSI on an I/O APIC, level-triggered: the line stays up while
 * InterruptStatus has bits set, so none is lost between the
 * acknowledgement and the EOI.
 */
#include <errno.h>
#include <string.h>

#include <arch/acpi.h>
#include <arch/ioapic.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/cmdline.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <toro/cpu.h>

#include "virtio_impl.h"

#define MMIO_MAGIC		0x000
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_DEVICE_FEATURES	0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES	0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INTERRUPT_STATUS	0x060
#define MMIO_INTERRUPT_ACK	0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC		0x080	/* low, then high at +4 */
#define MMIO_QUEUE_DRIVER	0x090
#define MMIO_QUEUE_DEVICE	0x0a0
#define MMIO_CONFIG_GENERATION	0x0fc
#define MMIO_CONFIG		0x100

#define MMIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define MMIO_INT_USED		1
#define MMIO_INT_CONFIG		2

#define MMIO_MAX_DSDT		32	/* microvm has 24 transports */

struct mmio_dev {
	struct virtio_dev dev;
	uintptr_t base;
	uint64_t size;
	uint32_t gsi;
	unsigned vector;	/* 0 until the interrupt is set up */
};

static struct mmio_dev *to_mmio(struct virtio_dev *dev)
{
	return dev->transport_data;
}

static uint32_t rd(struct virtio_dev *dev, unsigned reg)
{
	return *(volatile uint32_t *)(to_mmio(dev)->base + reg);
}

static void wr(struct virtio_dev *dev, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(to_mmio(dev)->base + reg) = v;
}

static uint64_t mmio_get_features(struct virtio_dev *dev)
{
	wr(dev, MMIO_DEVICE_FEATURES_SEL, 1);
	uint64_t hi = rd(dev, MMIO_DEVICE_FEATURES);

	wr(dev, MMIO_DEVICE_FEATURES_SEL, 0);
	return hi << 32 | rd(dev, MMIO_DEVICE_FEATURES);
}

static void mmio_set_features(struct virtio_dev *dev, uint64_t f)
{
	wr(dev, MMIO_DRIVER_FEATURES_SEL, 1);
	wr(dev, MMIO_DRIVER_FEATURES, f >> 32);
	wr(dev, MMIO_DRIVER_FEATURES_SEL, 0);
	wr(dev, MMIO_DRIVER_FEATURES, (uint32_t)f);
}

static uint8_t mmio_get_status(struct virtio_dev *dev)
{
	return rd(dev, MMIO_STATUS);
}

static void mmio_set_status(struct virtio_dev *dev, uint8_t status)
{
	wr(dev, MMIO_STATUS, status);
}

static void mmio_reset(struct virtio_dev *dev)
{
	wr(dev, MMIO_STATUS, 0);
}

static uint32_t mmio_config_read(struct virtio_dev *dev, unsigned off,
				 unsigned size)
{
	uintptr_t a = to_mmio(dev)->base + MMIO_CONFIG + off;

	if (MMIO_CONFIG + off + size > to_mmio(dev)->size)
		return 0;
	switch (size) {
	case 1:
		return *(volatile uint8_t *)a;
	case 2:
		return *(volatile uint16_t *)a;
	default:
		return *(volatile uint32_t *)a;
	}
}

static void mmio_config_write(struct virtio_dev *dev, unsigned off,
			      unsigned size, uint32_t v)
{
	uintptr_t a = to_mmio(dev)->base + MMIO_CONFIG + off;

	if (MMIO_CONFIG + off + size > to_mmio(dev)->size)
		return;
	switch (size) {
	case 1:
		*(volatile uint8_t *)a = v;
		break;
	case 2:
		*(volatile uint16_t *)a = v;
		break;
	default:
		*(volatile uint32_t *)a = v;
	}
}

static uint32_t mmio_config_generation(struct virtio_dev *dev)
{
	return rd(dev, MMIO_CONFIG_GENERATION);
}

static unsigned mmio_queue_max(struct virtio_dev *dev, unsigned index)
{
	wr(dev, MMIO_QUEUE_SEL, index);
	if (rd(dev, MMIO_QUEUE_READY))	/* taken: a driver bug */
		return 0;
	return rd(dev, MMIO_QUEUE_NUM_MAX);
}

static void wr64(struct virtio_dev *dev, unsigned reg, uint64_t v)
{
	wr(dev, reg, (uint32_t)v);
	wr(dev, reg + 4, v >> 32);
}

static int mmio_queue_enable(struct virtio_dev *dev, struct virtq *q)
{
	wr(dev, MMIO_QUEUE_SEL, q->index);
	wr(dev, MMIO_QUEUE_NUM, q->size);
	wr64(dev, MMIO_QUEUE_DESC, q->desc_pa);
	wr64(dev, MMIO_QUEUE_DRIVER, q->avail_pa);
	wr64(dev, MMIO_QUEUE_DEVICE, q->used_pa);
	wr(dev, MMIO_QUEUE_READY, 1);
	return rd(dev, MMIO_QUEUE_READY) == 1 ? 0 : -EIO;
}

static void mmio_notify(struct virtio_dev *dev, struct virtq *q)
{
	wr(dev, MMIO_QUEUE_NOTIFY, q->index);
}

static void mmio_irq(struct trap_frame *tf, void *arg)
{
	struct virtio_dev *dev = arg;
	uint32_t status = rd(dev, MMIO_INTERRUPT_STATUS);

	(void)tf;
	wr(dev, MMIO_INTERRUPT_ACK, status);
	if (status)
		virtio_interrupt(dev, status & MMIO_INT_CONFIG);
}

static __cold int mmio_irq_setup(struct virtio_dev *dev, unsigned cpu)
{
	struct mmio_dev *m = to_mmio(dev);

	if (m->vector == 0) {	/* once: a driver may negotiate again */
		int vec = irq_alloc_vector();

		if (vec < 0)
			return vec;
		int rc = irq_set_handler(vec, mmio_irq, dev);

		if (rc)
			return rc;
		m->vector = vec;
	}
	return ioapic_route(m->gsi, m->vector, cpus[cpu]->apic_id, true);
}

static const struct virtio_transport mmio_ops = {
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.config_read = mmio_config_read,
	.config_write = mmio_config_write,
	.config_generation = mmio_config_generation,
	.queue_max = mmio_queue_max,
	.queue_enable = mmio_queue_enable,
	.notify = mmio_notify,
	.irq_setup = mmio_irq_setup,
	.reset = mmio_reset,
};

static bool already_added(uint64_t base)
{
	for (struct virtio_dev *d = virtio_devices(); d; d = d->next)
		if (d->ops == &mmio_ops && to_mmio(d)->base == base)
			return true;
	return false;
}

static __cold int mmio_add(uint64_t base, uint64_t size, uint32_t gsi)
{
	if (already_added(base))
		return 0;
	if (vm_map(base, size, VM_WRITE | VM_DEVICE)) {
		log_warn("virtio-mmio@%#lx: cannot map it\n", base);
		return 0;
	}
	volatile uint32_t *regs = (volatile uint32_t *)(uintptr_t)base;

	if (regs[MMIO_MAGIC / 4] != MMIO_MAGIC_VALUE) {
		log_warn("virtio-mmio@%#lx: no virtio device there\n", base);
		return 0;
	}
	uint32_t version = regs[MMIO_VERSION / 4];

	if (version != 2) {
		log_warn("virtio-mmio@%#lx: version %u, need 2 (QEMU: "
			 "-global virtio-mmio.force-legacy=false)\n",
			 base, version);
		return 0;
	}
	uint32_t id = regs[MMIO_DEVICE_ID / 4];

	if (id == 0)	/* an empty slot */
		return 0;

	struct mmio_dev *m = heap_alloc(sizeof(*m));

	if (!m)
		return 0;
	memset(m, 0, sizeof(*m));
	m->base = base;
	m->size = size;
	m->gsi = gsi;
	m->dev.ops = &mmio_ops;
	m->dev.transport_data = m;
	m->dev.device_id = id;
	ksnprintf(m->dev.name, sizeof(m->dev.name), "virtio-mmio@%#lx", base);
	virtio_add(&m->dev);
	return 1;
}

/* From the command line (QEMU microvm without ACPI, Firecracker), then
 * from the DSDT (microvm with ACPI). */
__cold int virtio_mmio_scan(void)
{
	int n = 0;

	for (unsigned i = 0; i < kernel_cmdline.noptions; i++) {
		const char *v = kernel_cmdline.value[i];
		uint64_t size, base;
		uint32_t gsi;

		if (strcmp(kernel_cmdline.key[i], "virtio_mmio.device") || !v)
			continue;
		if (virtio_mmio_parse(v, &size, &base, &gsi))
			log_warn("virtio_mmio.device=%s: expected "
				 "SIZE@BASE:IRQ\n", v);
		else
			n += mmio_add(base, size, gsi);
	}
	struct acpi_dev devs[MMIO_MAX_DSDT];
	const uint8_t *aml;
	size_t len;
	unsigned nd = platform_dsdt(&aml, &len) ?
			      acpi_find_devices(aml, len, ACPI_HID_VIRTIO_MMIO,
						devs, MMIO_MAX_DSDT) : 0;

	for (unsigned i = 0; i < nd; i++)
		if (devs[i].size && devs[i].has_irq)
			n += mmio_add(devs[i].base, devs[i].size, devs[i].gsi);
	return n;
}
