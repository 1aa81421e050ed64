/* SPDX-License-Identifier: MIT */
/*
 * A virtio device played by a fuzz target (host_virtio.c), for the
 * drivers compiled for the host: the virtio core's calls (feature
 * negotiation, configuration space, break) and the virtqueues' (the split
 * ring itself has its own target, fuzz_virtq.c). One device at a time.
 * A buffer the driver gives the device to write waits, in order, until
 * the target fills it; what it gives the device to read is handed to
 * the target at once and used. Used buffers complete as the driver
 * polls, or through the queue's interrupt (host_threads.h fuzz_irq)
 * while the driver has it on.
 */
#ifndef FUZZ_HOST_VIRTIO_H
#define FUZZ_HOST_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drivers/virtio.h>

#define HOST_VIRTIO_QUEUES	3

/* The device, what it offers and its configuration space, which the
 * target sets before the driver's probe. */
extern struct virtio_dev host_virtio_dev;
extern uint64_t host_virtio_offer;
extern uint8_t host_virtio_config[64];

/* What the device does with what the driver of queue (index) gives it
 * to read (the buffers of one request, put end to end); NULL: nothing. */
extern void (*host_virtio_out[HOST_VIRTIO_QUEUES])(const uint8_t *bytes,
						   size_t len);

/* The device writes (len) bytes into the buffers posted on queue (index):
 * into the first, or with (merge) into as many as it takes, one after
 * another; a buffer too short takes what fits. False when none was
 * posted. */
bool host_virtio_fill(unsigned index, const uint8_t *bytes, size_t len,
		      bool merge);

/* Buffers posted on queue (index), waiting for the device. */
unsigned host_virtio_posted(unsigned index);

/* Probes host_virtio_dev with the driver for (device_id) (as the virtio
 * core does, from the drivers' section): the driver's answer. */
int host_virtio_probe(uint16_t device_id);

/* The device is unplugged: its queues are freed (the driver's memory is
 * the target's to free) and it is new again. */
void host_virtio_reset(void);

#endif /* FUZZ_HOST_VIRTIO_H */
