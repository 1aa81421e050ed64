// SPDX-License-Identifier: MIT
/*
 * PCI and virtio-pci against devices the test plays: a configuration
 * space in an array (BARs keep only their writable bits, as hardware
 * does) and BAR memory in host buffers. Covers the capability walk, BAR
 * decoding and sizing, placing a BAR, the virtio capabilities and the
 * virtio-pci transport's checks, with well-formed devices and broken ones
 * (looping lists, pointers into the header or past the end, regions
 * outside their BAR, a queue of size 0).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/trap.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/log.h>
#include <kernel/percpu.h>

#include "../../drivers/virtio/virtio_impl.h"
#include "../../drivers/virtio/virtio_pci.h"
#include "host_memory.h"
#include "unit.h"

/* ------------------------------------------------------------------------
 * The fake device.
 */

#define BAR_MEM_BYTES	0x4000

struct fake_pci {
	struct pci_dev dev;
	uint8_t cfg[PCI_CFG_SIZE];
	uint32_t bar_wmask[PCI_NUM_BARS];	/* bits a BAR keeps */
	bool probed_while_decoding;	/* all ones written, decoding on */
	uint8_t *bar_mem[PCI_NUM_BARS];	/* for pci_map_bar() */
	int msix_entries;		/* what pci_msix_enable() says */
};

static struct fake_pci *fake_of(const struct pci_dev *d)
{
	return container_of(d, struct fake_pci, dev);
}

static void put16(struct fake_pci *f, unsigned off, uint16_t v)
{
	memcpy(&f->cfg[off], &v, 2);
}

static void put32(struct fake_pci *f, unsigned off, uint32_t v)
{
	memcpy(&f->cfg[off], &v, 4);
}

static struct fake_pci *fake_new(uint16_t vendor, uint16_t device)
{
	struct fake_pci *f = calloc(1, sizeof(*f));

	put16(f, PCI_VENDOR_ID, vendor);
	put16(f, PCI_DEVICE_ID, device);
	f->dev.vendor_id = vendor;
	f->dev.device_id = device;
	snprintf(f->dev.name, sizeof(f->dev.name), "pci fake");
	f->msix_entries = 2;
	return f;
}

static void fake_free(struct fake_pci *f)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		free(f->bar_mem[i]);
	free(f);
}

/* A capability (id) at (off) linking to (next); the list starts at
 * (first) when non-zero. */
static void fake_cap(struct fake_pci *f, unsigned off, uint8_t id,
		     uint8_t next)
{
	f->cfg[off] = id;
	f->cfg[off + 1] = next;
}

static void fake_cap_list(struct fake_pci *f, uint8_t first)
{
	put16(f, PCI_STATUS, PCI_STATUS_CAP_LIST);
	f->cfg[PCI_CAP_PTR] = first;
}

/* A memory BAR of (size) bytes at (addr) in slot (i); (mem64) takes i+1
 * too. */
static void fake_bar(struct fake_pci *f, unsigned i, uint64_t addr,
		     uint64_t size, bool mem64)
{
	uint64_t keep = ~(size - 1);

	put32(f, PCI_BAR0 + 4 * i, (uint32_t)addr | (mem64 ? 0x4 : 0));
	f->bar_wmask[i] = (uint32_t)keep & ~0xfu;
	if (mem64) {
		put32(f, PCI_BAR0 + 4 * i + 4, addr >> 32);
		f->bar_wmask[i + 1] = keep >> 32;
	}
}

uint8_t pci_read8(const struct pci_dev *d, unsigned off)
{
	return off < PCI_CFG_SIZE ? fake_of(d)->cfg[off] : 0xff;
}

uint16_t pci_read16(const struct pci_dev *d, unsigned off)
{
	uint16_t v = 0xffff;

	if (off + 2 <= PCI_CFG_SIZE)
		memcpy(&v, &fake_of(d)->cfg[off], 2);
	return v;
}

uint32_t pci_read32(const struct pci_dev *d, unsigned off)
{
	uint32_t v = 0xffffffff;

	if (off + 4 <= PCI_CFG_SIZE)
		memcpy(&v, &fake_of(d)->cfg[off], 4);
	return v;
}

void pci_write8(const struct pci_dev *d, unsigned off, uint8_t v)
{
	if (off < PCI_CFG_SIZE)
		fake_of(d)->cfg[off] = v;
}

void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	if (off + 2 <= PCI_CFG_SIZE)
		put16(fake_of(d), off, v);
}

void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	struct fake_pci *f = fake_of(d);

	if (off + 4 > PCI_CFG_SIZE)
		return;
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		unsigned i = (off - PCI_BAR0) / 4;
		uint32_t old;

		memcpy(&old, &f->cfg[off], 4);
		if (v == 0xffffffff && (pci_read16(d, PCI_COMMAND) &
					(PCI_COMMAND_MEMORY | PCI_COMMAND_IO)))
			f->probed_while_decoding = true;
		v = (v & f->bar_wmask[i]) | (old & ~f->bar_wmask[i]);
	}
	put32(f, off, v);
}

/* ------------------------------------------------------------------------
 * What drivers/virtio/pci.c calls outside itself.
 */

static struct fake_pci *bus_devices[4];
static unsigned nadded;
static struct virtio_dev *added[4];
static char last_log[256];

struct pci_dev *pci_devices(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(bus_devices); i++)
		if (bus_devices[i])
			bus_devices[i]->dev.next =
				i + 1 < ARRAY_SIZE(bus_devices) &&
						bus_devices[i + 1] ?
					&bus_devices[i + 1]->dev :
					NULL;
	return bus_devices[0] ? &bus_devices[0]->dev : NULL;
}

/* BAR (i) of a fake device is BAR_MEM_BYTES of host memory. */
uintptr_t pci_map_bar(struct pci_dev *d, unsigned i, uint64_t off,
		      uint64_t len)
{
	struct fake_pci *f = fake_of(d);

	if (i >= PCI_NUM_BARS || !f->bar_mem[i] || len == 0 ||
	    off > BAR_MEM_BYTES || len > BAR_MEM_BYTES - off)
		return 0;
	return (uintptr_t)f->bar_mem[i] + off;
}

void pci_command(const struct pci_dev *d, uint16_t set, uint16_t clear)
{
	pci_write16(d, PCI_COMMAND, (pci_read16(d, PCI_COMMAND) & ~clear) |
					    set);
}

int pci_msix_enable(struct pci_dev *d)
{
	struct fake_pci *f = fake_of(d);

	d->msix_count = f->msix_entries > 0 ? f->msix_entries : 0;
	return f->msix_entries;
}

int pci_msix_route(struct pci_dev *d, unsigned entry, unsigned vector,
		   unsigned cpu)
{
	(void)vector;
	return entry < d->msix_count ? (int)cpu : -EINVAL;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

void virtio_add(struct virtio_dev *dev)
{
	if (nadded < ARRAY_SIZE(added))
		added[nadded] = dev;
	nadded++;
}

void virtio_interrupt(struct virtio_dev *dev, bool config)
{
	(void)dev;
	(void)config;
}

void virtio_queues_interrupt(struct virtio_dev *dev, unsigned first,
			     unsigned count)
{
	(void)dev;
	(void)first;
	(void)count;
}

uint64_t clock_ns(void)
{
	static uint64_t t;

	return t += 1000;
}

int irq_alloc_vector(void)
{
	static int next = VEC_DEVICE_FIRST;

	return next++;
}

int irq_set_handler(unsigned vector, irq_handler_fn fn, void *arg)
{
	(void)vector;
	(void)fn;
	(void)arg;
	return 0;
}

/* ------------------------------------------------------------------------
 * Capability list.
 */

UNIT_TEST(pci_cap_walk_finds_each_and_masks_reserved_bits)
{
	struct fake_pci *f = fake_new(0x1af4, 0x1042);

	fake_cap_list(f, 0x41);	/* low bits reserved: 0x40 */
	fake_cap(f, 0x40, PCI_CAP_VENDOR, 0x50);
	fake_cap(f, 0x50, PCI_CAP_MSIX, 0x60);
	fake_cap(f, 0x60, PCI_CAP_VENDOR, 0x00);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0), 0x50);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_VENDOR, 0), 0x40);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_VENDOR, 0x40), 0x60);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_VENDOR, 0x60), -ENOENT);
	CHECK_EQ(pci_cap_next(&f->dev, 0x05, 0), -ENOENT);
	fake_free(f);
}

UNIT_TEST(pci_cap_walk_without_list)
{
	struct fake_pci *f = fake_new(0x1af4, 0x1042);

	f->cfg[PCI_CAP_PTR] = 0x40;	/* but the status bit is clear */
	fake_cap(f, 0x40, PCI_CAP_MSIX, 0);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0), -ENOENT);
	fake_free(f);
}

UNIT_TEST(pci_cap_walk_stops_on_loops)
{
	struct fake_pci *f = fake_new(0x1af4, 0x1042);

	fake_cap_list(f, 0x40);
	fake_cap(f, 0x40, PCI_CAP_VENDOR, 0x40);	/* itself */
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0), -EINVAL);
	fake_cap(f, 0x40, PCI_CAP_VENDOR, 0x50);
	fake_cap(f, 0x50, PCI_CAP_VENDOR, 0x60);
	fake_cap(f, 0x60, PCI_CAP_VENDOR, 0x40);	/* round */
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0), -EINVAL);
	/* Iterating over the vendor ones ends too. */
	int cap = 0, n = 0;

	while ((cap = pci_cap_next(&f->dev, PCI_CAP_VENDOR, cap)) > 0 &&
	       n < 1000)
		n++;
	CHECK(n < 1000);
	fake_free(f);
}

UNIT_TEST(pci_cap_walk_rejects_pointers_into_the_header)
{
	struct fake_pci *f = fake_new(0x1af4, 0x1042);

	fake_cap_list(f, 0x10);		/* the BARs */
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0), -EINVAL);
	fake_cap_list(f, 0x40);
	fake_cap(f, 0x40, PCI_CAP_VENDOR, 0x04);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0), -EINVAL);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0x20), -EINVAL);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0x100), -EINVAL);
	/* The last dword is still inside. */
	fake_cap(f, 0x40, PCI_CAP_VENDOR, 0xff);
	fake_cap(f, 0xfc, PCI_CAP_MSIX, 0);
	CHECK_EQ(pci_cap_next(&f->dev, PCI_CAP_MSIX, 0), 0xfc);
	fake_free(f);
}

/* ------------------------------------------------------------------------
 * BARs.
 */

UNIT_TEST(pci_bar_decodes_and_sizes_without_decoding_on)
{
	struct fake_pci *f = fake_new(0x1af4, 0x1042);
	struct pci_bar b;

	fake_bar(f, 1, 0xfebd1000, 0x1000, false);
	fake_bar(f, 4, 0x800000000ULL, 0x4000, true);
	put32(f, PCI_BAR0 + 4 * 4, 0x4 | 0x8);	/* prefetchable too */
	put32(f, PCI_BAR0 + 4 * 5, 0x8);
	put16(f, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

	CHECK_EQ(pci_bar_probe(&f->dev, 1, &b), 0);
	CHECK_EQ(b.addr, 0xfebd1000);
	CHECK_EQ(b.size, 0x1000);
	CHECK_EQ(b.flags, 0);
	CHECK_EQ(pci_bar_probe(&f->dev, 4, &b), 0);
	CHECK_EQ(b.addr, 0x800000000ULL);
	CHECK_EQ(b.size, 0x4000);
	CHECK_EQ(b.flags, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	CHECK_EQ(pci_bar_probe(&f->dev, 0, &b), -ENOENT);
	CHECK_EQ(b.size, 0);
	CHECK_EQ(pci_bar_probe(&f->dev, 6, &b), -ENOENT);
	/* Values and the command register are as they were. */
	CHECK_EQ(pci_read32(&f->dev, PCI_BAR0 + 4), 0xfebd1000);
	CHECK_EQ(pci_read32(&f->dev, PCI_BAR0 + 20), 0x8);
	CHECK_EQ(pci_read16(&f->dev, PCI_COMMAND),
		 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	CHECK(!f->probed_while_decoding);
	fake_free(f);
}

UNIT_TEST(pci_bar_unassigned_and_port_bars)
{
	struct fake_pci *f = fake_new(0x1af4, 0x1042);
	struct pci_bar b;

	fake_bar(f, 0, 0, 0x4000, true);	/* firmware left it at 0 */
	put32(f, PCI_BAR0 + 8, 0xc041);		/* 32 ports at 0xc040 */
	f->bar_wmask[2] = 0x0000ffe0;		/* upper half reads 0 */
	CHECK_EQ(pci_bar_probe(&f->dev, 0, &b), 0);
	CHECK_EQ(b.addr, 0);
	CHECK_EQ(b.size, 0x4000);
	CHECK_EQ(pci_bar_probe(&f->dev, 2, &b), 0);
	CHECK_EQ(b.flags, PCI_BAR_IO);
	CHECK_EQ(b.addr, 0xc040);
	CHECK_EQ(b.size, 32);
	fake_free(f);
}

UNIT_TEST(pci_bar_rejects_nonsense)
{
	struct fake_pci *f = fake_new(0x1af4, 0x1042);
	struct pci_bar b;

	fake_bar(f, 5, 0xfe000000, 0x1000, false);
	put32(f, PCI_BAR0 + 20, 0xfe000004);	/* 64-bit in the last slot */
	CHECK_EQ(pci_bar_probe(&f->dev, 5, &b), -EINVAL);
	put32(f, PCI_BAR0, 0xfe000006);		/* reserved type */
	CHECK_EQ(pci_bar_probe(&f->dev, 0, &b), -EINVAL);
	put32(f, PCI_BAR0 + 4, 0);
	f->bar_wmask[1] = 0xffff0f00;		/* a hole in the mask */
	CHECK_EQ(pci_bar_probe(&f->dev, 1, &b), -EINVAL);
	CHECK_EQ(b.size, 0);
	/* A bridge has two BARs. */
	f->dev.header_type = 1;
	fake_bar(f, 2, 0xfe100000, 0x1000, false);
	CHECK_EQ(pci_bar_probe(&f->dev, 2, &b), -ENOENT);
	fake_free(f);
}

UNIT_TEST(pci_fit_top_down_avoids_what_is_used)
{
	struct pci_range used[] = {
		{ 0xb0000000, 0xc0000000 },	/* ECAM */
		{ 0xfebfc000, 0xfec00000 },
		{ 0xfebf0000, 0xfebf1000 },
	};
	uint64_t lo = 0x08000000, hi = 0xfec00000;

	CHECK_EQ(pci_fit_top_down(NULL, 0, lo, hi, 0x4000), 0xfebfc000);
	CHECK_EQ(pci_fit_top_down(used, 3, lo, hi, 0x4000), 0xfebf8000);
	CHECK_EQ(pci_fit_top_down(used, 3, lo, hi, 0x1000), 0xfebfb000);
	CHECK_EQ(pci_fit_top_down(used, 3, lo, hi, 0x10000), 0xfebe0000);
	/* Too big for what is left above the ECAM window, so below it. */
	CHECK_EQ(pci_fit_top_down(used, 3, 0x90000000, 0xc8000000,
				  0x10000000), 0xa0000000);
	CHECK_EQ(pci_fit_top_down(used, 3, 0xa8000000, 0xc8000000,
				  0x10000000), 0);
	CHECK_EQ(pci_fit_top_down(used, 3, lo, hi, 0x3000), 0);
	CHECK_EQ(pci_fit_top_down(used, 3, lo, hi, 0), 0);
	CHECK_EQ(pci_fit_top_down(NULL, 0, 0, 0x1000, 0x2000), 0);
}

/* ------------------------------------------------------------------------
 * virtio-pci.
 */

/* Common configuration offsets (virtio 1.2, 4.1.4.3). */
#define COMMON_NUM_QUEUES	0x12
#define COMMON_Q_SIZE		0x18
#define COMMON_Q_NOTIFY_OFF	0x1e

static void fake_vcap(struct fake_pci *f, unsigned off, uint8_t next,
		      uint8_t len, uint8_t type, uint8_t bar, uint32_t where,
		      uint32_t length)
{
	fake_cap(f, off, PCI_CAP_VENDOR, next);
	f->cfg[off + 2] = len;
	f->cfg[off + 3] = type;
	f->cfg[off + 4] = bar;
	put32(f, off + 8, where);
	put32(f, off + 12, length);
}

/* What QEMU's virtio-blk-pci looks like: four structures in BAR 4. */
static struct fake_pci *fake_virtio(uint16_t device)
{
	struct fake_pci *f = fake_new(0x1af4, device);

	fake_cap_list(f, 0x84);
	fake_vcap(f, 0x84, 0x70, 16, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x0000,
		  0x1000);
	fake_vcap(f, 0x70, 0x60, 16, VIRTIO_PCI_CAP_ISR_CFG, 4, 0x1000,
		  0x1000);
	fake_vcap(f, 0x60, 0x48, 16, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000,
		  0x1000);
	fake_vcap(f, 0x48, 0x00, 20, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000,
		  0x1000);
	put32(f, 0x48 + 16, 4);		/* notify_off_multiplier */
	fake_bar(f, 4, 0xfebfc000, BAR_MEM_BYTES, true);
	f->bar_mem[4] = aligned_alloc(4096, BAR_MEM_BYTES);
	memset(f->bar_mem[4], 0, BAR_MEM_BYTES);
	f->bar_mem[4][COMMON_NUM_QUEUES] = 1;
	put16(f, PCI_SUBSYS_ID, VIRTIO_ID_BLOCK);
	return f;
}

UNIT_TEST(virtio_pci_caps_of_a_good_device)
{
	struct fake_pci *f = fake_virtio(0x1042);
	struct virtio_pci_caps c;

	CHECK_EQ(virtio_pci_caps(&f->dev, &c), 0);
	CHECK(c.common.found && c.notify.found && c.isr.found &&
	      c.device.found);
	CHECK_EQ(c.common.bar, 4);
	CHECK_EQ(c.notify.offset, 0x3000);
	CHECK_EQ(c.device.length, 0x1000);
	CHECK_EQ(c.notify_off_multiplier, 4);
	/* A second capability of a type is an alternative: the first
	 * counts; one with a reserved BAR number is ignored. */
	fake_vcap(f, 0x48, 0xa0, 20, VIRTIO_PCI_CAP_NOTIFY_CFG, 7, 0, 0x10);
	fake_vcap(f, 0xa0, 0xc0, 20, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000,
		  0x800);
	fake_vcap(f, 0xc0, 0x00, 16, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x2000,
		  0x1000);
	CHECK_EQ(virtio_pci_caps(&f->dev, &c), 0);
	CHECK_EQ(c.notify.length, 0x800);
	CHECK_EQ(c.common.offset, 0);
	fake_free(f);
}

UNIT_TEST(virtio_pci_caps_of_broken_devices)
{
	struct fake_pci *f = fake_virtio(0x1042);
	struct virtio_pci_caps c;

	/* Legacy only: no vendor capabilities. */
	put16(f, PCI_STATUS, 0);
	CHECK_EQ(virtio_pci_caps(&f->dev, &c), -ENOENT);
	fake_cap_list(f, 0x84);
	/* A notification capability too short for its multiplier. */
	f->cfg[0x48 + 2] = 16;
	CHECK_EQ(virtio_pci_caps(&f->dev, &c), -EINVAL);
	f->cfg[0x48 + 2] = 20;
	/* One that runs past configuration space. */
	fake_cap(f, 0x48, PCI_CAP_VENDOR, 0xf0);
	fake_vcap(f, 0xf0, 0, 20, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0, 4);
	CHECK_EQ(virtio_pci_caps(&f->dev, &c), -EINVAL);
	/* A loop. */
	fake_cap(f, 0x48, PCI_CAP_VENDOR, 0x84);
	CHECK_EQ(virtio_pci_caps(&f->dev, &c), -EINVAL);
	fake_free(f);
}

static void scan(struct fake_pci *f)
{
	host_memory_init();
	host_set_cpu(0);
	memset(bus_devices, 0, sizeof(bus_devices));
	bus_devices[0] = f;
	nadded = 0;
	last_log[0] = 0;
	virtio_pci_scan();
}

UNIT_TEST(virtio_pci_transport_takes_a_good_device)
{
	struct fake_pci *f = fake_virtio(0x1042);
	uint8_t *bar = f->bar_mem[4];

	scan(f);
	REQUIRE(nadded == 1);
	struct virtio_dev *dev = added[0];

	CHECK_EQ(dev->device_id, VIRTIO_ID_BLOCK);
	CHECK_STR_EQ(dev->name, "virtio-pci@00:00.0");
	CHECK(pci_read16(&f->dev, PCI_COMMAND) & PCI_COMMAND_MASTER);
	/* Device configuration: inside the structure, and not beyond. */
	bar[0x2000 + 8] = 0x5a;
	CHECK_EQ(dev->ops->config_read(dev, 8, 1), 0x5a);
	CHECK_EQ(dev->ops->config_read(dev, 0xffe, 4), 0);
	CHECK_EQ(dev->ops->irq_setup(dev, 1), 0);
	CHECK_EQ(dev->irq_cpu, 1);

	/* A queue the device offers, then one it does not. */
	struct virtq q = { .dev = dev, .index = 0, .size = 128 };

	bar[COMMON_Q_SIZE] = 0;
	bar[COMMON_Q_SIZE + 1] = 1;		/* 256 */
	CHECK_EQ(dev->ops->queue_max(dev, 0), 256);
	CHECK_EQ(dev->ops->queue_max(dev, 1), 0);
	bar[COMMON_Q_NOTIFY_OFF] = 3;
	CHECK_EQ(dev->ops->queue_enable(dev, &q), 0);
	CHECK_EQ(q.notify_addr, (uintptr_t)bar + 0x3000 + 3 * 4);
	dev->ops->notify(dev, &q);
	/* The doorbell beyond the notification region. */
	bar[COMMON_Q_NOTIFY_OFF + 1] = 4;	/* 0x403 * 4 */
	bar[0x1c] = 0;				/* queue_enable back to 0 */
	CHECK_EQ(dev->ops->queue_enable(dev, &q), -EIO);
	CHECK(strstr(last_log, "beyond the notification region"));
	/* A queue of size 0. */
	bar[COMMON_Q_SIZE] = bar[COMMON_Q_SIZE + 1] = 0;
	CHECK_EQ(dev->ops->queue_max(dev, 0), 0);
	CHECK(strstr(last_log, "size 0"));
	fake_free(f);
}

UNIT_TEST(virtio_pci_transport_skips_broken_devices)
{
	struct fake_pci *f = fake_virtio(0x1042);

	/* Common configuration beyond the end of its BAR. */
	put32(f, 0x84 + 8, BAR_MEM_BYTES - 0x10);
	scan(f);
	CHECK_EQ(nadded, 0);
	CHECK(strstr(last_log, "skipped"));
	fake_free(f);

	/* Too short to hold the queue registers. */
	f = fake_virtio(0x1042);
	put32(f, 0x84 + 12, 0x20);
	scan(f);
	CHECK_EQ(nadded, 0);
	fake_free(f);

	/* A looping capability list. */
	f = fake_virtio(0x1042);
	fake_cap(f, 0x48, PCI_CAP_VENDOR, 0x84);
	scan(f);
	CHECK_EQ(nadded, 0);
	CHECK(strstr(last_log, "broken capability list"));
	fake_free(f);

	/* Transitional without the modern structures: legacy only. */
	f = fake_virtio(0x1001);
	put16(f, PCI_STATUS, 0);
	scan(f);
	CHECK_EQ(nadded, 0);
	CHECK(strstr(last_log, "legacy only"));
	fake_free(f);

	/* Transitional with them: its type is in the subsystem id. */
	f = fake_virtio(0x1001);
	scan(f);
	CHECK_EQ(nadded, 1);
	CHECK_EQ(added[0]->device_id, VIRTIO_ID_BLOCK);
	fake_free(f);

	/* Not virtio at all. */
	f = fake_virtio(0x1042);
	put16(f, PCI_VENDOR_ID, 0x8086);
	f->dev.vendor_id = 0x8086;
	scan(f);
	CHECK_EQ(nadded, 0);
	fake_free(f);
}

UNIT_TEST(virtio_pci_transport_needs_msix)
{
	struct fake_pci *f = fake_virtio(0x1042);

	scan(f);
	REQUIRE(nadded == 1);
	f->msix_entries = -ENOENT;
	CHECK_EQ(added[0]->ops->irq_setup(added[0], 0), -ENODEV);
	CHECK(strstr(last_log, "has no MSI-X"));
	/* One entry: shared by the configuration and the queues. */
	f->msix_entries = 1;
	CHECK_EQ(added[0]->ops->irq_setup(added[0], 0), 0);
	struct virtq q = { .dev = added[0], .index = 0, .size = 8 };

	CHECK_EQ(added[0]->ops->queue_enable(added[0], &q), 0);
	uint16_t vec;

	memcpy(&vec, f->bar_mem[4] + 0x1a, 2);
	CHECK_EQ(vec, 0);
	fake_free(f);
}
