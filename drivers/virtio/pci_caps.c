// SPDX-License-Identifier: MIT
/*
 * virtio-pci capabilities (virtio 1.2, 4.1.4): vendor-specific PCI
 * capabilities, each naming a BAR range that holds one of the device's
 * structures. Pure: it reads configuration space only through pci_read*(),
 * and the host unit tests give it broken lists.
 */
#include <errno.h>
#include <stddef.h>

#include <drivers/pci.h>

#include "virtio_pci.h"

/* struct virtio_pci_cap, as offsets from the capability (all r/o). */
#define CAP_LEN		2	/* 8-bit: bytes in this capability */
#define CAP_CFG_TYPE	3	/* 8-bit */
#define CAP_BAR		4	/* 8-bit */
#define CAP_OFFSET	8	/* 32-bit */
#define CAP_LENGTH	12	/* 32-bit */
#define CAP_SIZE	16
/* struct virtio_pci_notify_cap adds: */
#define CAP_NOTIFY_MULT	16	/* 32-bit */
#define NOTIFY_CAP_SIZE	20

static struct virtio_pci_region *region_of(struct virtio_pci_caps *caps,
					   unsigned type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return &caps->common;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return &caps->notify;
	case VIRTIO_PCI_CAP_ISR_CFG:
		return &caps->isr;
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return &caps->device;
	default:	/* PCI configuration access, shared memory, ... */
		return NULL;
	}
}

int virtio_pci_caps(const struct pci_dev *pci, struct virtio_pci_caps *caps)
{
	int cap = 0;

	*caps = (struct virtio_pci_caps){ 0 };
	while ((cap = pci_cap_next(pci, PCI_CAP_VENDOR, cap)) > 0) {
		unsigned len = pci_read8(pci, cap + CAP_LEN);
		unsigned type = pci_read8(pci, cap + CAP_CFG_TYPE);
		unsigned need = type == VIRTIO_PCI_CAP_NOTIFY_CFG ?
					NOTIFY_CAP_SIZE : CAP_SIZE;

		if (len < need || cap + len > PCI_CFG_SIZE)
			return -EINVAL;
		struct virtio_pci_region *r = region_of(caps, type);
		uint8_t bar = pci_read8(pci, cap + CAP_BAR);

		/* BAR values 0x6-0x7 are reserved: such a capability is to
		 * be ignored, like further ones of a type already seen. */
		if (!r || r->found || bar >= PCI_NUM_BARS)
			continue;
		r->found = true;
		r->bar = bar;
		r->offset = pci_read32(pci, cap + CAP_OFFSET);
		r->length = pci_read32(pci, cap + CAP_LENGTH);
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			caps->notify_off_multiplier =
				pci_read32(pci, cap + CAP_NOTIFY_MULT);
	}
	if (cap == -EINVAL)
		return -EINVAL;
	if (!caps->common.found || !caps->notify.found)
		return -ENOENT;
	return 0;
}
