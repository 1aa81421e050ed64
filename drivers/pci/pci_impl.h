/* SPDX-License-Identifier: MIT */
/* Private to drivers/pci: between enumeration and configuration access. */
#ifndef DRIVERS_PCI_IMPL_H
#define DRIVERS_PCI_IMPL_H

#include <stdint.h>

/* pci_cfg.c: configuration space access */

/* Picks ECAM (mapped here) or the ports; -ENODEV when there is no PCI. */
int pci_cfg_init(void);

/* A (size)-byte access at (off) of function (devfn) on (bus): out of reach
 * or misaligned, reads are all ones and writes are dropped. */
uint32_t pci_cfg_read(unsigned bus, unsigned devfn, unsigned off,
		      unsigned size);
void pci_cfg_write(unsigned bus, unsigned devfn, unsigned off, unsigned size,
		   uint32_t v);

/* pci.c: the 32-bit hole where unassigned BARs go */

/* An address for a (size)-byte memory BAR, or 0 when there is no room. */
uint64_t pci_hole_alloc(uint64_t size);

#endif /* DRIVERS_PCI_IMPL_H */
