/* SPDX-License-Identifier: MIT */
/*
 * A virtio device played by a test: a transport whose rings the test reads
 * and writes by hand (fake_take, fake_use), so it can answer well or with
 * garbage. Used by test_virtq.c and test_virtio_blk.c.
 */
#ifndef TESTS_FAKE_VIRTIO_H
#define TESTS_FAKE_VIRTIO_H

#include <drivers/virtio.h>

/* The ring layouts (virtio 1.2, 2.7.5-2.7.8): an ABI, so the test spells
 * them out itself. */
struct fake_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct fake {
	struct virtio_dev dev;
	uint64_t features;	/* offered */
	uint8_t config[64];	/* device-specific configuration */
	uint8_t status;
	int resets;
	int notifies;
	struct virtq *q;	/* queue 0, the only one */
	uint16_t avail_seen;	/* the device's place in the avail ring */
};

/* Sets (f) up as a device of type (id) offering (features) besides
 * VIRTIO_F_VERSION_1; with 8-entry queue 0. */
void fake_init(struct fake *f, uint16_t id, uint64_t features);

/* The device takes the next available chain; returns its head, or -1. */
int fake_take(struct fake *f);

/* The device puts (id, len) in the used ring and interrupts. */
void fake_use(struct fake *f, uint32_t id, uint32_t len);

/* Descriptor (i) of queue 0. */
struct fake_desc *fake_desc(struct fake *f, unsigned i);

#endif /* TESTS_FAKE_VIRTIO_H */
