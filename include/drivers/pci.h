/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus, as much as virtio-pci needs: configuration space (ECAM when
 * the ACPI MCFG gives one, else ports 0xcf8/0xcfc), the devices on bus 0
 * and behind its bridges, their BARs (decoded, sized and, when the firmware
 * left one unassigned, placed in the 32-bit hole by us), capabilities and
 * MSI-X. A machine without PCI (microvm) simply has no devices.
 *
 * Everything a device says is checked: a capability list that loops or
 * points into the header, a BAR that cannot be placed, an MSI-X table
 * outside its BAR are errors for the caller, never a hang or a stray
 * write. Nothing here is called from interrupt context.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* Type 0 and common header registers (PCI 3.0, 6.1). */
#define PCI_VENDOR_ID		0x00	/* 16-bit */
#define PCI_DEVICE_ID		0x02	/* 16-bit */
#define PCI_COMMAND		0x04	/* 16-bit */
#define PCI_STATUS		0x06	/* 16-bit */
#define PCI_REVISION		0x08	/* 8-bit: then prog-if, sub, class */
#define PCI_HEADER_TYPE		0x0e	/* 8-bit */
#define PCI_BAR0		0x10	/* 6 x 32-bit on type 0 */
#define PCI_SUBSYS_ID		0x2e	/* 16-bit, type 0 */
#define PCI_CAP_PTR		0x34	/* 8-bit */
#define PCI_SECONDARY_BUS	0x19	/* 8-bit, type 1 (bridges) */

#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_OFF	0x0400
#define PCI_STATUS_CAP_LIST	0x0010
#define PCI_HEADER_MULTI	0x80
#define PCI_HEADER_LAYOUT	0x7f	/* 0 device, 1 PCI-PCI bridge */

#define PCI_CAP_MSIX		0x11
#define PCI_CAP_VENDOR		0x09

/* Configuration space sizes: the classic one and PCIe's (ECAM only). */
#define PCI_CFG_SIZE		256
#define PCIE_CFG_SIZE		4096

#define PCI_NUM_BARS		6

#define PCI_BAR_IO		0x1	/* port space, else memory */
#define PCI_BAR_MEM64		0x2	/* takes this slot and the next */
#define PCI_BAR_PREFETCH	0x4

struct pci_bar {
	uint64_t addr;		/* bus (= physical) address */
	uint64_t size;		/* bytes; 0: no BAR in this slot */
	unsigned flags;		/* PCI_BAR_* */
};

struct pci_dev {
	uint8_t bus, slot, func;
	uint16_t vendor_id, device_id;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type;	/* PCI_HEADER_LAYOUT bits */
	char name[16];		/* "pci 00:03.0", for messages */

	/* Filled by pci_bar_get() on first use: sizing a BAR turns the
	 * device's decoding off for a moment, so only devices a driver
	 * takes are sized. */
	bool bars_known;
	uint8_t bars_mapped;	/* bit i: BAR i checked clear of RAM */
	struct pci_bar bars[PCI_NUM_BARS];

	/* MSI-X, once pci_msix_enable() succeeded. */
	volatile uint32_t *msix_table;
	uint16_t msix_count;
	uint8_t msix_cap;

	struct pci_dev *next;	/* all devices, in bus order */
};

/*
 * Every function, found on the first call: the root bus's, with those on
 * the secondary buses of bridges after each bridge. NULL on a machine
 * without PCI. The first call comes at start-up (virtio's INIT_BUS), from
 * one thread; the list never changes afterwards.
 */
struct pci_dev *pci_devices(void);

/*
 * Configuration space of (dev). Offsets beyond what the access method
 * reaches (256 bytes by ports, 4 KiB by ECAM) read as all ones and writes
 * there are dropped. (off) is aligned to the width by the caller.
 */
uint8_t pci_read8(const struct pci_dev *dev, unsigned off);
uint16_t pci_read16(const struct pci_dev *dev, unsigned off);
uint32_t pci_read32(const struct pci_dev *dev, unsigned off);
void pci_write8(const struct pci_dev *dev, unsigned off, uint8_t v);
void pci_write16(const struct pci_dev *dev, unsigned off, uint16_t v);
void pci_write32(const struct pci_dev *dev, unsigned off, uint32_t v);

/*
 * Offset of the first capability with (id) after the one at (prev) (0:
 * from the start of the list). Returns the offset, -ENOENT when there is
 * no more, or -EINVAL for a list that points into the header, beyond the
 * configuration space or around in a loop.
 */
int pci_cap_next(const struct pci_dev *dev, uint8_t id, int prev);

/*
 * BAR (index) of (dev), decoded and sized on first use; a memory BAR the
 * firmware left at 0 on bus 0 is given an address in the 32-bit PCI hole.
 * Returns 0; -ENOENT for an empty slot (or the upper half of a 64-bit
 * BAR); -ENOSPC for an unassigned BAR that could not be placed.
 */
int pci_bar_get(struct pci_dev *dev, unsigned index, struct pci_bar *out);

/*
 * Maps [off, off + len) of memory BAR (index) uncached and turns on the
 * device's memory decoding. Returns the address, or 0 when the BAR is
 * missing, is port space or is smaller than off + len, or on -ENOMEM.
 */
uintptr_t pci_map_bar(struct pci_dev *dev, unsigned index, uint64_t off,
		      uint64_t len);

/* Sets then clears bits of (dev)'s command register. */
void pci_command(const struct pci_dev *dev, uint16_t set, uint16_t clear);

/*
 * Switches (dev) to MSI-X with every entry masked and legacy INTx off.
 * Returns the number of table entries, -ENOENT if the device has no
 * MSI-X, or -EINVAL for a table that does not fit in its BAR.
 */
int pci_msix_enable(struct pci_dev *dev);

/*
 * Points MSI-X (entry) at (vector) on CPU (cpu) and unmasks it. A CPU
 * whose APIC id is above 255 cannot be named in an MSI message without
 * interrupt remapping: the interrupt then goes to CPU 0 (with a warning).
 * Returns the CPU it will arrive on, or -EINVAL for an entry beyond the
 * table or MSI-X not enabled.
 */
int pci_msix_route(struct pci_dev *dev, unsigned entry, unsigned vector,
		   unsigned cpu);

/* Masks MSI-X (entry). */
void pci_msix_mask(struct pci_dev *dev, unsigned entry);

/* ------------------------------------------------------------------------
 * For drivers/pci only (and the host unit tests): pure helpers.
 */

/* A bus address range [start, end). */
struct pci_range {
	uint64_t start, end;
};

/*
 * Decodes BAR (index) of (dev) from its current value and its size probe
 * (all ones written, read back, restored: decoding is off meanwhile).
 * Returns 0, -ENOENT for an empty slot, -EINVAL for a 64-bit BAR in the
 * last slot or a probe that makes no sense.
 */
int pci_bar_probe(const struct pci_dev *dev, unsigned index,
		  struct pci_bar *out);

/*
 * Highest address aligned to (size) (a power of two) where (size) bytes fit
 * in [lo, hi) without touching any of the (n) ranges (used). Returns it,
 * or 0 when there is no room.
 */
uint64_t pci_fit_top_down(const struct pci_range *used, unsigned n,
			  uint64_t lo, uint64_t hi, uint64_t size);

#endif /* DRIVERS_PCI_H */
