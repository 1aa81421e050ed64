// SPDX-License-Identifier: MIT
/*
 * The PCI bus: finds the functions on the root bus and, depth first, on
 * the secondary buses of its bridges (with the bus numbers the firmware gave
 * them), and hands out BARs. Firmware normally assigns BAR addresses; one
 * it left at 0 on the root bus is placed here, top-down in the 32-bit hole below
 * the I/O APIC, clear of RAM, ECAM and every other BAR and bridge window
 * (a device behind a bridge would also need the bridge's window moved, so
 * there it stays unassigned).
 */
#include <errno.h>
#include <string.h>

#include <arch/mmu.h>
#include <arch/machine.h>
#include <drivers/pci.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>

#include "pci_impl.h"

#define MAX_BUSES	256
#define SLOTS		32
#define FUNCS		8

/* The 32-bit hole ends where the PC's fixed devices begin (I/O APIC at
 * 0xfec00000, HPET, local APIC, firmware ROM). */
#define HOLE_END	0xfec00000ULL
#define HUGE_PAGE	(2ULL << 20)

/* Type 1 (bridge) windows: 16-bit base then limit, address bits 31:20
 * in bits 15:4 (PCI-to-PCI bridge 1.2, 3.2.5.8-9). */
#define PCI_BRIDGE_MEM_BASE	0x20
#define PCI_BRIDGE_PREF_BASE	0x24

static struct pci_dev *devices, **devices_tail = &devices;
static bool scanned;
static uint8_t buses_seen[MAX_BUSES / 8];

/* The host bridge's bus, as the MCFG numbers it. */
static unsigned root_bus(void)
{
	return platform.ecam_base ? platform.ecam_bus_start : 0;
}

/* Vendor and device ids in one read: under emulation every configuration
 * access is a trip to the hypervisor. 0xffff vendor: nothing there. */
static uint32_t ids_at(unsigned bus, unsigned slot, unsigned func)
{
	return pci_cfg_read(bus, slot << 3 | func, PCI_VENDOR_ID, 4);
}

#define NO_DEVICE(ids)	(((ids) & 0xffff) == 0xffff)

static void scan_bus(unsigned bus);

static void add_function(unsigned bus, unsigned slot, unsigned func,
			 uint32_t ids)
{
	struct pci_dev *d = heap_alloc(sizeof(*d));

	if (!d) {
		log_warn("pci %02x:%02x.%u: out of memory; ignored\n", bus,
			 slot, func);
		return;
	}
	memset(d, 0, sizeof(*d));
	d->bus = bus;
	d->slot = slot;
	d->func = func;
	d->vendor_id = ids;
	d->device_id = ids >> 16;
	uint32_t rev = pci_read32(d, PCI_REVISION);

	d->revision = rev;
	d->prog_if = rev >> 8;
	d->subclass = rev >> 16;
	d->class_code = rev >> 24;
	d->header_type = pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_LAYOUT;
	ksnprintf(d->name, sizeof(d->name), "pci %02x:%02x.%u", bus, slot,
		  func);
	*devices_tail = d;
	devices_tail = &d->next;
	log_info("%s: %04x:%04x class %02x.%02x\n", d->name, d->vendor_id,
		 d->device_id, d->class_code, d->subclass);

	if (d->header_type == 1) {
		unsigned sec = pci_read8(d, PCI_SECONDARY_BUS);

		/* 0: the firmware did not number it; we do not either. */
		if (sec == 0)
			log_info("%s: bridge without a bus number\n",
				 d->name);
		else
			scan_bus(sec);
	}
}

static void scan_bus(unsigned bus)
{
	/* Each bus once: bridges that name a bus twice (or their own
	 * parent) do not make the walk go round. */
	if (buses_seen[bus / 8] & 1u << bus % 8)
		return;
	buses_seen[bus / 8] |= 1u << bus % 8;
	for (unsigned slot = 0; slot < SLOTS; slot++) {
		uint32_t ids = ids_at(bus, slot, 0);

		if (NO_DEVICE(ids))
			continue;
		uint8_t hdr = pci_cfg_read(bus, slot << 3, PCI_HEADER_TYPE, 1);
		unsigned nfunc = hdr & PCI_HEADER_MULTI ? FUNCS : 1;

		add_function(bus, slot, 0, ids);
		for (unsigned f = 1; f < nfunc; f++) {
			ids = ids_at(bus, slot, f);
			if (!NO_DEVICE(ids))
				add_function(bus, slot, f, ids);
		}
	}
}

struct pci_dev *pci_devices(void)
{
	if (scanned)
		return devices;
	scanned = true;
	if (pci_cfg_init())
		return NULL;	/* no PCI here (microvm): nothing to say */
	scan_bus(root_bus());
	return devices;
}

void pci_command(const struct pci_dev *dev, uint16_t set, uint16_t clear)
{
	uint16_t cmd = pci_read16(dev, PCI_COMMAND);

	pci_write16(dev, PCI_COMMAND, (cmd & ~clear) | set);
}

/* ------------------------------------------------------------------------
 * BARs.
 */

#define MAX_USED	64

/* What the hole already holds: ECAM, every BAR and bridge window. */
static unsigned used_ranges(struct pci_range *used)
{
	unsigned n = 0;

	if (platform.ecam_base)
		used[n++] = (struct pci_range){
			platform.ecam_base,
			platform.ecam_base +
				(((uint64_t)platform.ecam_bus_end + 1) << 20)
		};
	for (struct pci_dev *d = devices; d; d = d->next) {
		for (unsigned i = 0; i < PCI_NUM_BARS && n < MAX_USED; i++) {
			struct pci_bar b;

			if (pci_bar_probe(d, i, &b) == 0 && b.addr &&
			    !(b.flags & PCI_BAR_IO))
				used[n++] = (struct pci_range){
					b.addr, b.addr + b.size };
			if (b.flags & PCI_BAR_MEM64)
				i++;
		}
		static const unsigned windows[] = { PCI_BRIDGE_MEM_BASE,
						    PCI_BRIDGE_PREF_BASE };

		for (unsigned w = 0; d->header_type == 1 && w < 2; w++) {
			uint32_t v = pci_read32(d, windows[w]);
			uint64_t base = (uint64_t)(v & 0xfff0) << 16;
			uint64_t limit = (uint64_t)(v >> 16 & 0xfff0) << 16;

			if (base <= limit && n < MAX_USED)
				used[n++] = (struct pci_range){
					base, limit + (1 << 20) };
		}
	}
	return n;
}

/*
 * Where RAM (or whatever else is mapped) ends below the hole's end: the
 * highest mapped 2 MiB step, ECAM aside. Looked at once, before the first
 * BAR we place is mapped; what we place later stays above it.
 */
static uint64_t hole_start(void)
{
	static uint64_t start;
	uint64_t ecam = platform.ecam_base;
	uint64_t ecam_end = ecam + (((uint64_t)platform.ecam_bus_end + 1) << 20);

	if (start)
		return start;
	start = HOLE_END;
	while (start >= HUGE_PAGE) {
		uint64_t below = start - HUGE_PAGE;

		if (ecam && below >= ecam && below < ecam_end)
			start = ecam;
		else if (!vm_is_mapped(below, PAGE_SIZE))
			start = below;
		else
			break;
	}
	return start;
}

uint64_t pci_hole_alloc(uint64_t size)
{
	static struct pci_range used[MAX_USED];
	unsigned n = used_ranges(used);

	return pci_fit_top_down(used, n, hole_start(), HOLE_END, size);
}

/* Gives memory BAR (i) an address in the hole; 0 or -ENOSPC. */
static int assign(struct pci_dev *dev, unsigned i)
{
	struct pci_bar *b = &dev->bars[i];
	unsigned off = PCI_BAR0 + 4 * i;
	const char *why = NULL;
	uint64_t a = 0;

	if (b->flags & PCI_BAR_IO)
		why = "port space is not assigned here";
	else if (dev->bus != root_bus())
		why = "behind a bridge whose window the firmware did not set";
	else if (!(a = pci_hole_alloc(MAX(b->size, PAGE_SIZE))))
		why = "no room for it below 4 GiB";
	if (why) {
		log_warn("%s: BAR%u is unassigned: %s\n", dev->name, i, why);
		return -ENOSPC;
	}
	uint32_t flags = pci_read32(dev, off) & 0xf;

	pci_command(dev, 0, PCI_COMMAND_MEMORY);
	pci_write32(dev, off, (uint32_t)a | flags);
	if (b->flags & PCI_BAR_MEM64)
		pci_write32(dev, off + 4, 0);
	b->addr = a;
	log_info("%s: BAR%u was unassigned; placed at %#lx\n", dev->name, i,
		 a);
	return 0;
}

static void learn_bars(struct pci_dev *dev)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		int rc = pci_bar_probe(dev, i, &dev->bars[i]);

		if (rc == -EINVAL)
			log_warn("%s: BAR%u makes no sense; ignored\n",
				 dev->name, i);
		if (rc)
			dev->bars[i].size = 0;
		else if (dev->bars[i].flags & PCI_BAR_MEM64)
			dev->bars[++i].size = 0;	/* the upper half */
	}
	dev->bars_known = true;
}

int pci_bar_get(struct pci_dev *dev, unsigned index, struct pci_bar *out)
{
	if (index >= PCI_NUM_BARS)
		return -ENOENT;
	if (!dev->bars_known)
		learn_bars(dev);
	struct pci_bar *b = &dev->bars[index];

	if (b->size == 0)
		return -ENOENT;
	if (b->addr == 0 && assign(dev, index))
		return -ENOSPC;
	*out = *b;
	return 0;
}

/* Whether nothing is mapped in [a, a + len): a BAR over RAM (a confused
 * or hostile device) must not turn RAM, or the kernel, into device
 * memory. Looks at every page of small ranges, every 2 MiB of big ones
 * (RAM is mapped in long runs). */
static bool range_unmapped(uint64_t a, uint64_t len)
{
	uint64_t step = len <= 16 * HUGE_PAGE ? PAGE_SIZE : HUGE_PAGE;

	for (uint64_t p = a; p < a + len; p += step)
		if (vm_is_mapped(p, 1))
			return false;
	return !vm_is_mapped(a + len - 1, 1);
}

uintptr_t pci_map_bar(struct pci_dev *dev, unsigned index, uint64_t off,
		      uint64_t len)
{
	struct pci_bar b;

	if (pci_bar_get(dev, index, &b) || b.flags & PCI_BAR_IO ||
	    len == 0 || off > b.size || len > b.size - off ||
	    b.addr + b.size < b.addr)
		return 0;
	/* The first mapping of a BAR checks all of it; later ones (other
	 * parts of the same BAR) find it ours. */
	if (!(dev->bars_mapped & 1u << index)) {
		if (!range_unmapped(b.addr, b.size)) {
			log_warn("%s: BAR%u at %#lx overlaps memory in use; "
				 "not mapped\n", dev->name, index, b.addr);
			return 0;
		}
		dev->bars_mapped |= 1u << index;
	}
	if (vm_map(b.addr + off, len, VM_WRITE | VM_DEVICE))
		return 0;
	pci_command(dev, PCI_COMMAND_MEMORY, 0);
	return b.addr + off;
}
