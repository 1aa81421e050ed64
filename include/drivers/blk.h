/* SPDX-License-Identifier: MIT */
/*
 * The block-device layer under <toro/blk.h>: one registry of disks, each
 * with the operations of the driver that found it (virtio-blk, NVMe). The
 * layer checks every request (alignment, range, read-only), cuts a large
 * transfer into requests of at most the device's size and keeps up to
 * BLK_INFLIGHT of them in flight; a driver only starts one request and
 * waits for it.
 *
 * Disks are numbered by driver class, then in the order each driver found
 * them: virtio disks first, then NVMe namespaces. Drivers register at
 * start-up (INIT_DRIVER), before main(); the registry never changes after.
 */
#ifndef DRIVERS_BLK_H
#define DRIVERS_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include <toro/blk.h>

/* What a request does. */
enum blk_op {
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_WRITE_FUA,	/* only when the device set (fua) */
	BLK_OP_FLUSH,		/* only when the device set (needs_flush) */
};

/* Requests a caller keeps in flight on one transfer. */
#define BLK_INFLIGHT		16

/* Room for a driver's state of one request, which lives on the caller's
 * stack from start() to finish(). */
#define BLK_REQ_PRIV		128

struct blk_req {
	enum blk_op op;
	uint32_t len;
	uint64_t off;		/* bytes */
	void *buf;
	union {
		uint64_t align;
		unsigned char priv[BLK_REQ_PRIV];
	};
};

struct blk_ops {
	/* Starts (r). Returns 0, or -errno (-EFAULT for a buffer that is
	 * not RAM, or not writable for a read; -EIO for a broken device):
	 * then finish() is not called for it. */
	int (*start)(struct blk_dev *b, struct blk_req *r);
	/* Waits for a started request: 0, -EIO or -ETIMEDOUT (the device
	 * was then stopped, so it no longer touches the buffers). */
	int (*finish)(struct blk_dev *b, struct blk_req *r);
};

/* Registration order classes (see above). */
#define BLK_CLASS_VIRTIO	0
#define BLK_CLASS_NVME		1

struct blk_dev {
	const struct blk_ops *ops;
	void *driver_data;
	char name[32];		/* for messages and blk_name() */
	uint64_t size;		/* bytes, a multiple of sector_size */
	uint32_t sector_size;	/* a power of two, 512 to 64 KiB */
	uint32_t chunk;		/* bytes per request, a multiple of it */
	bool read_only;
	bool needs_flush;	/* a volatile write cache: flushes matter */
	bool fua;		/* BLK_OP_WRITE_FUA writes through it */
	unsigned class;		/* BLK_CLASS_* */
	struct blk_dev *next;	/* the registry, in blk_get() order */
};

/* Adds (b), filled in, to the registry. Returns 0 or -ENOSPC. */
int blk_register(struct blk_dev *b);

/* Anchors: the block layer names one symbol of each driver, so that an
 * application that uses <toro/blk.h> links the drivers, and only such an
 * application does. */
extern const char virtio_blk_linked, nvme_linked;

#endif /* DRIVERS_BLK_H */
