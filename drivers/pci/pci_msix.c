// SPDX-License-Identifier: MIT
/*
 * MSI-X (PCI 3.0, 6.8.2): each interrupt of a device is a memory write it
 * makes, of a message the driver puts in a table in one of its BARs. The
 * message names a vector and a local APIC, so an interrupt goes straight
 * to the CPU the driver chose, without an I/O APIC.
 */
#include <errno.h>

#include <drivers/pci.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <toro/cpu.h>

#define MSIX_CONTROL		2	/* 16-bit r/w, from the capability */
#define MSIX_TABLE		4	/* 32-bit r/o: offset | BAR index */
#define MSIX_CTRL_SIZE_MASK	0x07ff	/* entries - 1 */
#define MSIX_CTRL_FUNC_MASK	0x4000
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_BIR_MASK		0x7

/* A table entry: four 32-bit words. */
#define MSIX_ENTRY_WORDS	4
#define MSIX_ADDR_LO		0
#define MSIX_ADDR_HI		1
#define MSIX_DATA		2
#define MSIX_VECTOR_CTRL	3
#define MSIX_ENTRY_MASKED	0x1

/* Message address and data for the local APICs (Intel SDM vol. 3,
 * 11.11): physical destination mode, fixed delivery, edge-triggered. */
#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_MAX_APIC_ID		255

int pci_msix_enable(struct pci_dev *dev)
{
	if (dev->msix_table)
		return dev->msix_count;
	int cap = pci_cap_next(dev, PCI_CAP_MSIX, 0);

	if (cap < 0)
		return cap;
	uint16_t ctrl = pci_read16(dev, cap + MSIX_CONTROL);
	unsigned n = (ctrl & MSIX_CTRL_SIZE_MASK) + 1;
	uint32_t where = pci_read32(dev, cap + MSIX_TABLE);
	uint32_t off = where & ~MSIX_BIR_MASK;
	unsigned bir = where & MSIX_BIR_MASK;
	uintptr_t t = bir < PCI_NUM_BARS ?
			      pci_map_bar(dev, bir, off, n * 16) : 0;

	if (!t) {
		log_warn("%s: MSI-X table (BAR%u + %#x, %u entries) is not "
			 "in a usable BAR\n", dev->name, bir, off, n);
		return -EINVAL;
	}
	/* Enabled but masked as a whole while every entry gets masked, so
	 * no entry left over from before fires meanwhile. */
	pci_write16(dev, cap + MSIX_CONTROL,
		    ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_FUNC_MASK);
	volatile uint32_t *table = (volatile uint32_t *)t;

	for (unsigned i = 0; i < n; i++)
		table[i * MSIX_ENTRY_WORDS + MSIX_VECTOR_CTRL] |=
			MSIX_ENTRY_MASKED;
	pci_write16(dev, cap + MSIX_CONTROL,
		    (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FUNC_MASK);
	/* The messages are memory writes by the device: bus mastering. */
	pci_command(dev, PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF, 0);
	dev->msix_cap = cap;
	dev->msix_count = n;
	dev->msix_table = table;
	return n;
}

/* A CPU that an MSI message can name: (cpu) if its APIC id fits in the
 * 8-bit destination field, else the first that does, or -EINVAL. */
static int reachable_cpu(const struct pci_dev *dev, unsigned cpu)
{
	if (cpus[cpu]->apic_id <= MSI_MAX_APIC_ID)
		return cpu;
	for (unsigned c = 0; c < cpu_count(); c++) {
		if (cpus[c]->apic_id > MSI_MAX_APIC_ID)
			continue;
		log_warn("%s: CPU %u (APIC id %u) is out of MSI reach "
			 "without interrupt remapping; using CPU %u\n",
			 dev->name, cpu, cpus[cpu]->apic_id, c);
		return c;
	}
	return -EINVAL;
}

int pci_msix_route(struct pci_dev *dev, unsigned entry, unsigned vector,
		   unsigned cpu)
{
	if (!dev->msix_table || entry >= dev->msix_count ||
	    cpu >= cpu_count() || vector > 0xff)
		return -EINVAL;
	int c = reachable_cpu(dev, cpu);

	if (c < 0)
		return c;
	volatile uint32_t *e = dev->msix_table + entry * MSIX_ENTRY_WORDS;

	/* Masked while the message changes, so no half-written one goes
	 * out. */
	e[MSIX_VECTOR_CTRL] |= MSIX_ENTRY_MASKED;
	e[MSIX_ADDR_LO] = MSI_ADDR_BASE |
			  cpus[c]->apic_id << MSI_ADDR_DEST_SHIFT;
	e[MSIX_ADDR_HI] = 0;
	e[MSIX_DATA] = vector;
	e[MSIX_VECTOR_CTRL] &= ~MSIX_ENTRY_MASKED;
	return c;
}

void pci_msix_mask(struct pci_dev *dev, unsigned entry)
{
	if (dev->msix_table && entry < dev->msix_count)
		dev->msix_table[entry * MSIX_ENTRY_WORDS + MSIX_VECTOR_CTRL] |=
			MSIX_ENTRY_MASKED;
}
