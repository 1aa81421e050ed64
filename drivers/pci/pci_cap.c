// SPDX-License-Identifier: MIT
/*
 * The capability list (PCI 3.0, 6.7): a chain of (id, next) pairs through
 * the device-specific part of configuration space. The device writes it,
 * so the walk trusts nothing: a pointer into the header, past the end, or
 * back to a capability already seen (a loop) ends it with -EINVAL.
 * Pure: it reaches the device only through pci_read8/16().
 */
#include <errno.h>
#include <stdbool.h>

#include <drivers/pci.h>

/* Where capabilities may live: one per dword, 48 of them at most. */
#define CAP_FIRST	0x40
#define CAP_LAST	(PCI_CFG_SIZE - 4)

/*
 * Walks from the head every time, remembering the dwords it has been to:
 * a caller that iterates with (prev) would go round a looping list for
 * ever if each call only looked ahead of (prev).
 */
int pci_cap_next(const struct pci_dev *dev, uint8_t id, int prev)
{
	uint64_t seen = 0;
	bool passed = prev == 0;

	if (!(pci_read16(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return -ENOENT;
	if (prev && (prev < CAP_FIRST || prev > CAP_LAST))
		return -EINVAL;
	unsigned ptr = pci_read8(dev, PCI_CAP_PTR);

	/* The low two bits are reserved (PCI 3.0, 6.7). */
	while ((ptr &= ~3u) != 0) {
		if (ptr < CAP_FIRST || ptr > CAP_LAST)
			return -EINVAL;
		uint64_t bit = 1ULL << (ptr - CAP_FIRST) / 4;

		if (seen & bit)
			return -EINVAL;
		seen |= bit;
		if (passed && pci_read8(dev, ptr) == id)
			return ptr;
		if ((int)ptr == prev)
			passed = true;
		ptr = pci_read8(dev, ptr + 1);
	}
	return passed ? -ENOENT : -EINVAL;	/* (prev) is not in the list */
}
