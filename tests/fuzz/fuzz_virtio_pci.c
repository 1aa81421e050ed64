// SPDX-License-Identifier: MIT
/*
 * A virtio-pci device's configuration space as the device presents it:
 * the capability walk (drivers/pci/pci_cap.c), the virtio capabilities
 * that locate its structures (drivers/virtio/pci_caps.c) and BAR sizing
 * (drivers/pci/pci_bar.c). Input: the 256 bytes of configuration space
 * (zero-filled when short), then for each BAR the mask of bits it keeps
 * when written (what sizing reads back). pci_read*() and pci_write*() are
 * played here over that, as in tests/unit/test_pci.c.
 */
#include <errno.h>
#include <string.h>

#include <drivers/pci.h>
#include <kernel/compiler.h>

#include "../../drivers/virtio/virtio_pci.h"
#include "fuzz.h"

struct fuzz_pci {
	struct pci_dev dev;
	uint8_t cfg[PCI_CFG_SIZE];
	uint32_t bar_wmask[PCI_NUM_BARS];
};

static struct fuzz_pci *of(const struct pci_dev *d)
{
	return container_of(d, struct fuzz_pci, dev);
}

uint8_t pci_read8(const struct pci_dev *d, unsigned off)
{
	FUZZ_CHECK(off < PCI_CFG_SIZE);
	return of(d)->cfg[off];
}

uint16_t pci_read16(const struct pci_dev *d, unsigned off)
{
	uint16_t v;

	FUZZ_CHECK(off + 2 <= PCI_CFG_SIZE && !(off & 1));
	memcpy(&v, &of(d)->cfg[off], 2);
	return v;
}

uint32_t pci_read32(const struct pci_dev *d, unsigned off)
{
	uint32_t v;

	FUZZ_CHECK(off + 4 <= PCI_CFG_SIZE && !(off & 3));
	memcpy(&v, &of(d)->cfg[off], 4);
	return v;
}

void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	FUZZ_CHECK(off + 2 <= PCI_CFG_SIZE && !(off & 1));
	memcpy(&of(d)->cfg[off], &v, 2);
}

/* A BAR keeps only its writable bits, as hardware does. */
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	struct fuzz_pci *f = of(d);

	FUZZ_CHECK(off + 4 <= PCI_CFG_SIZE && !(off & 3));
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		uint32_t old, keep = f->bar_wmask[(off - PCI_BAR0) / 4];

		memcpy(&old, &f->cfg[off], 4);
		v = (v & keep) | (old & ~keep);
	}
	memcpy(&f->cfg[off], &v, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_pci f = { 0 };
	struct virtio_pci_caps caps;

	memcpy(f.cfg, data, MIN(size, sizeof(f.cfg)));
	if (size > sizeof(f.cfg))
		memcpy(f.bar_wmask, data + sizeof(f.cfg),
		       MIN(size - sizeof(f.cfg), sizeof(f.bar_wmask)));
	f.dev.header_type = f.cfg[PCI_HEADER_TYPE];

	int rc = virtio_pci_caps(&f.dev, &caps);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	if (rc == 0)
		FUZZ_CHECK(caps.common.bar < PCI_NUM_BARS &&
			   caps.notify.bar < PCI_NUM_BARS);
	/* Every walk ends: a looping list is an error, not a hang. */
	for (int cap = 0, steps = 0; (cap = pci_cap_next(&f.dev, 0x05, cap)) >
				     0; steps++)
		FUZZ_CHECK(steps < 64);
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar bar;

		if (pci_bar_probe(&f.dev, i, &bar) == 0)
			FUZZ_CHECK(bar.size && !(bar.size & (bar.size - 1)));
	}
	return 0;
}
