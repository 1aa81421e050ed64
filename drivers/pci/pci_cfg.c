// SPDX-License-Identifier: MIT
/*
 * PCI configuration space access. With an ACPI MCFG, through the memory-
 * mapped ECAM window (PCIe 4.0, 7.2.2: 4 KiB per function, 1 MiB per bus),
 * mapped for the buses the MCFG covers; else through configuration
 * mechanism #1, the address port 0xcf8 and the data port 0xcfc (PCI 3.0,
 * 3.2.2.3.2), which needs a lock because it takes two accesses.
 */
#include <errno.h>
#include <stdbool.h>

#include <arch/mmu.h>
#include <arch/machine.h>
#include <arch/x86.h>
#include <drivers/pci.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>

#include "pci_impl.h"

#define CF8_ADDR	0xcf8
#define CF8_DATA	0xcfc
#define CF8_ENABLE	0x80000000u

static uintptr_t ecam;		/* 0: use the ports */
static unsigned ecam_first, ecam_last;
static struct spinlock port_lock;

int pci_cfg_init(void)
{
	if (platform.ecam_base &&
	    platform.ecam_bus_start <= platform.ecam_bus_end) {
		uint64_t first = platform.ecam_bus_start;
		uint64_t n = platform.ecam_bus_end - first + 1;
		uint64_t base = platform.ecam_base + (first << 20);

		if (vm_map(base, n << 20, VM_WRITE | VM_DEVICE) == 0) {
			ecam = platform.ecam_base;
			ecam_first = first;
			ecam_last = platform.ecam_bus_end;
			return 0;
		}
		log_warn("pci: cannot map ECAM at %#lx; using ports\n", base);
	}
	/* Mechanism #1 is there if the address port keeps what we write
	 * (elsewhere, as on microvm, the port reads as all ones). */
	bool irq = spin_lock_irqsave(&port_lock);

	outl(CF8_ADDR, CF8_ENABLE);
	bool present = inl(CF8_ADDR) == CF8_ENABLE;

	outl(CF8_ADDR, 0);
	spin_unlock_irqrestore(&port_lock, irq);
	return present ? 0 : -ENODEV;
}

/* The address of (off) in ECAM, or 0 when ECAM does not reach it. */
static uintptr_t ecam_addr(unsigned bus, unsigned devfn, unsigned off)
{
	if (bus < ecam_first || bus > ecam_last)
		return 0;
	return ecam + ((uintptr_t)bus << 20) + (devfn << 12) + off;
}

static uint32_t cf8(unsigned bus, unsigned devfn, unsigned off)
{
	return CF8_ENABLE | bus << 16 | devfn << 8 | (off & 0xfc);
}

static unsigned devfn(const struct pci_dev *dev)
{
	return (unsigned)dev->slot << 3 | dev->func;
}

uint32_t pci_cfg_read(unsigned bus, unsigned df, unsigned off, unsigned size)
{
	if (off + size > (ecam ? PCIE_CFG_SIZE : PCI_CFG_SIZE) ||
	    off & (size - 1))
		return 0xffffffffu >> (32 - 8 * size);
	if (ecam) {
		uintptr_t a = ecam_addr(bus, df, off);

		if (!a)
			return 0xffffffffu >> (32 - 8 * size);
		if (size == 1)
			return *(volatile uint8_t *)a;
		if (size == 2)
			return *(volatile uint16_t *)a;
		return *(volatile uint32_t *)a;
	}
	bool irq = spin_lock_irqsave(&port_lock);
	uint32_t v;

	outl(CF8_ADDR, cf8(bus, df, off));
	if (size == 1)
		v = inb(CF8_DATA + (off & 3));
	else if (size == 2)
		v = inw(CF8_DATA + (off & 3));
	else
		v = inl(CF8_DATA);
	spin_unlock_irqrestore(&port_lock, irq);
	return v;
}

void pci_cfg_write(unsigned bus, unsigned df, unsigned off, unsigned size,
		   uint32_t v)
{
	if (off + size > (ecam ? PCIE_CFG_SIZE : PCI_CFG_SIZE) ||
	    off & (size - 1))
		return;
	if (ecam) {
		uintptr_t a = ecam_addr(bus, df, off);

		if (!a)
			return;
		if (size == 1)
			*(volatile uint8_t *)a = v;
		else if (size == 2)
			*(volatile uint16_t *)a = v;
		else
			*(volatile uint32_t *)a = v;
		return;
	}
	bool irq = spin_lock_irqsave(&port_lock);

	outl(CF8_ADDR, cf8(bus, df, off));
	if (size == 1)
		outb(CF8_DATA + (off & 3), v);
	else if (size == 2)
		outw(CF8_DATA + (off & 3), v);
	else
		outl(CF8_DATA, v);
	spin_unlock_irqrestore(&port_lock, irq);
}

uint8_t pci_read8(const struct pci_dev *dev, unsigned off)
{
	return pci_cfg_read(dev->bus, devfn(dev), off, 1);
}

uint16_t pci_read16(const struct pci_dev *dev, unsigned off)
{
	return pci_cfg_read(dev->bus, devfn(dev), off, 2);
}

uint32_t pci_read32(const struct pci_dev *dev, unsigned off)
{
	return pci_cfg_read(dev->bus, devfn(dev), off, 4);
}

void pci_write8(const struct pci_dev *dev, unsigned off, uint8_t v)
{
	pci_cfg_write(dev->bus, devfn(dev), off, 1, v);
}

void pci_write16(const struct pci_dev *dev, unsigned off, uint16_t v)
{
	pci_cfg_write(dev->bus, devfn(dev), off, 2, v);
}

void pci_write32(const struct pci_dev *dev, unsigned off, uint32_t v)
{
	pci_cfg_write(dev->bus, devfn(dev), off, 4, v);
}
