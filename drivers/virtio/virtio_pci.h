/* SPDX-License-Identifier: MIT */
/* Private to the virtio-pci transport (pci.c) and its capability parser. */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include <drivers/pci.h>

/* Capability structure types (virtio 1.2, 4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4

/* Where one of the device's structures lives: a range of a BAR. */
struct virtio_pci_region {
	bool found;
	uint8_t bar;
	uint32_t offset, length;
};

struct virtio_pci_caps {
	struct virtio_pci_region common, notify, isr, device;
	uint32_t notify_off_multiplier;
};

/* pci_caps.c: the vendor capabilities that say where the structures are */

/*
 * Reads (pci)'s virtio capabilities, the first usable one of each type
 * (spec 4.1.4: later ones are alternatives). Returns 0; -ENOENT when the
 * common or notify structure is missing (a legacy-only device); -EINVAL
 * for a broken capability list or a capability that runs past the end of
 * configuration space or is too short for its type.
 */
int virtio_pci_caps(const struct pci_dev *pci, struct virtio_pci_caps *caps);

#endif /* DRIVERS_VIRTIO_PCI_H */
