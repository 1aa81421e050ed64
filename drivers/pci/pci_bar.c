// SPDX-License-Identifier: MIT
/*
 * Base address registers (PCI 3.0, 6.2.5.1): what a BAR holds, how big it
 * is (write all ones, read back the bits that stuck, put the value back),
 * and where an unassigned one can go. Pure: it reaches the device only
 * through pci_read/write*(), so the host unit tests play the device.
 */
#include <errno.h>
#include <stddef.h>

#include <drivers/pci.h>

#define BAR_IO			0x1
#define BAR_MEM_TYPE_MASK	0x6
#define BAR_MEM_TYPE_64		0x4
#define BAR_MEM_TYPE_RESERVED	0x6
#define BAR_MEM_PREFETCH	0x8
#define BAR_MEM_ADDR_MASK	(~0xfu)
#define BAR_IO_ADDR_MASK	(~0x3u)

/* Writes all ones to the BAR at (off), returns what reads back and puts
 * (value) back. */
static uint32_t probe32(const struct pci_dev *dev, unsigned off,
			uint32_t value)
{
	pci_write32(dev, off, 0xffffffffu);
	uint32_t mask = pci_read32(dev, off);

	pci_write32(dev, off, value);
	return mask;
}

static unsigned nbars(const struct pci_dev *dev)
{
	/* A bridge (type 1 header) has two; then come its bus numbers. */
	return (dev->header_type & PCI_HEADER_LAYOUT) == 1 ? 2 : PCI_NUM_BARS;
}

int pci_bar_probe(const struct pci_dev *dev, unsigned index,
		  struct pci_bar *out)
{
	unsigned off = PCI_BAR0 + 4 * index;
	uint32_t lo = pci_read32(dev, off), hi = 0;
	uint64_t mask;

	out->addr = out->size = 0;
	out->flags = 0;
	if (index >= nbars(dev))
		return -ENOENT;
	if (!(lo & BAR_IO) &&
	    (lo & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_RESERVED)
		return -EINVAL;
	bool mem64 = !(lo & BAR_IO) &&
		     (lo & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64;

	if (mem64 && index + 1 >= nbars(dev))
		return -EINVAL;
	if (mem64)
		hi = pci_read32(dev, off + 4);

	/* Decoding off while the BAR holds all ones, so the device does
	 * not answer at a bogus address meanwhile. */
	uint16_t cmd = pci_read16(dev, PCI_COMMAND);

	pci_write16(dev, PCI_COMMAND,
		    cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	mask = probe32(dev, off, lo);
	if (mem64)
		mask |= (uint64_t)probe32(dev, off + 4, hi) << 32;
	pci_write16(dev, PCI_COMMAND, cmd);

	if (lo & BAR_IO) {
		out->flags = PCI_BAR_IO;
		out->addr = lo & BAR_IO_ADDR_MASK;
		mask &= BAR_IO_ADDR_MASK;
		/* The upper half of a port BAR may read as zeros. */
		if (mask && !(mask & 0xffff0000u))
			mask |= 0xffff0000u;
		mask |= ~0xffffffffULL;
	} else {
		out->flags = (mem64 ? PCI_BAR_MEM64 : 0) |
			     (lo & BAR_MEM_PREFETCH ? PCI_BAR_PREFETCH : 0);
		out->addr = (uint64_t)hi << 32 | (lo & BAR_MEM_ADDR_MASK);
		mask &= ~(uint64_t)0xf;
		if (!mem64)
			mask |= ~0xffffffffULL;
	}
	if (mem64 ? mask == 0 : (uint32_t)mask == 0)
		return -ENOENT;	/* nothing stuck: no BAR here */
	/* The bits that stick must be the high ones, all of them. */
	uint64_t size = ~mask + 1;

	if (size & (size - 1))
		return -EINVAL;
	out->size = size;
	return 0;
}

uint64_t pci_fit_top_down(const struct pci_range *used, unsigned n,
			  uint64_t lo, uint64_t hi, uint64_t size)
{
	if (size == 0 || size & (size - 1) || hi < size || hi <= lo)
		return 0;
	uint64_t a = (hi - size) & ~(size - 1);

	while (a >= lo && a != 0) {
		const struct pci_range *hit = NULL;

		for (unsigned i = 0; i < n && !hit; i++)
			if (used[i].start < a + size && used[i].end > a)
				hit = &used[i];
		if (!hit)
			return a;
		/* Strictly lower each time: below the range in the way. */
		if (hit->start < size)
			return 0;
		a = (hit->start - size) & ~(size - 1);
	}
	return 0;
}
