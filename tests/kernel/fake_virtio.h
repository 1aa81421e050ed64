/* SPDX-License-Identifier: MIT */
/*
 * A virtio device played by a test: a transport whose rings the test reads
 * and writes by hand (fake_take, fake_use), so it can answer well or with
 * garbage. It interrupts as a real one does: only when the driver's
 * avail flags or used_event (VIRTIO_F_EVENT_IDX) ask for it. Used by
 * test_virtq.c, test_virtio_blk.c and test_virtio_net.c.
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

#define FAKE_QUEUES	4

struct fake {
	struct virtio_dev dev;
	uint64_t features;	/* offered */
	uint8_t config[64];	/* device-specific configuration */
	uint8_t status;
	int resets;
	int notifies;
	int interrupts;		/* raised by fake_use() */
	unsigned nqueues;	/* queues it has: 1 unless the test says */
	struct virtq *q;	/* queue 0 */
	struct virtq *qs[FAKE_QUEUES];
	uint16_t avail_seen[FAKE_QUEUES];	/* its place in each avail
						 * ring */
};

/* Sets (f) up as a device of type (id) offering (features) besides
 * VIRTIO_F_VERSION_1, with one 8-entry queue; set (nqueues) (at most
 * FAKE_QUEUES) before the driver starts for more. */
void fake_init(struct fake *f, uint16_t id, uint64_t features);

/* The device takes the next available chain of queue (qi); returns its
 * head, or -1. */
int fake_take_q(struct fake *f, unsigned qi);

/* The device puts (id, len) in queue (qi)'s used ring and interrupts if
 * the driver wants it to. */
void fake_use_q(struct fake *f, unsigned qi, uint32_t id, uint32_t len);

/* Descriptor (i) of queue (qi). */
struct fake_desc *fake_desc_q(struct fake *f, unsigned qi, unsigned i);

/* What the driver wrote for the device in queue (qi)'s avail ring: its
 * flags and used_event. */
uint16_t fake_avail_flags(struct fake *f, unsigned qi);
uint16_t fake_used_event(struct fake *f, unsigned qi);

/* Queue 0. */
static inline int fake_take(struct fake *f)
{
	return fake_take_q(f, 0);
}

static inline void fake_use(struct fake *f, uint32_t id, uint32_t len)
{
	fake_use_q(f, 0, id, len);
}

static inline struct fake_desc *fake_desc(struct fake *f, unsigned i)
{
	return fake_desc_q(f, 0, i);
}

#endif /* TESTS_FAKE_VIRTIO_H */
