/* SPDX-License-Identifier: MIT */
/* Private to drivers/virtio: between the core, the queues and transports. */
#ifndef DRIVERS_VIRTIO_IMPL_H
#define DRIVERS_VIRTIO_IMPL_H

#include <drivers/virtio.h>

/* The device answered garbage or ignored a deadline: reset it so it lets
 * go of every buffer, mark it broken and fail its requests with -EIO. */
void virtio_break(struct virtio_dev *dev);

/* Fails every request in flight on (q) (after a reset). */
void virtq_fail_all(struct virtq *q);

/* Transports: find devices and virtio_add() them; return how many. */
int virtio_mmio_scan(void);
int virtio_pci_scan(void);

/* Parses a "virtio_mmio.device=" value, "SIZE@BASE:IRQ[:ID]". */
int virtio_mmio_parse(const char *s, uint64_t *size, uint64_t *base,
		      uint32_t *irq);

#endif /* DRIVERS_VIRTIO_IMPL_H */
