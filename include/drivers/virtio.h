/* SPDX-License-Identifier: MIT */
/*
 * Virtio 1.x devices (virtio spec 1.2), whatever the transport. A transport
 * (virtio-mmio, virtio-pci) finds devices and hands each to virtio_add();
 * the core offers it to the drivers linked in (VIRTIO_DRIVER), and a driver
 * negotiates features, sets up its virtqueues and talks to the device
 * through the virtq_*() calls. Drivers never see the transport.
 *
 * Memory is identity-mapped, so buffers are passed by their address. A
 * device that answers garbage (an unknown descriptor id, a length beyond
 * the buffer) is reported on the console and marked broken: its pending
 * and later requests fail with -EIO. It never corrupts memory or hangs a
 * caller that gave a deadline.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/spinlock.h>
#include <kernel/timer.h>
#include <toro/sync.h>

/* Device types (spec 5). */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_VSOCK		19
#define VIRTIO_ID_FS		26

/* Device status bits (spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64
#define VIRTIO_STATUS_FAILED		128

/* Transport-independent feature bits (spec 6). */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33

#define VIRTIO_BIT(n)	(1ULL << (n))

struct virtio_dev;
struct virtq;

/* What a transport does for the core (drivers/virtio/mmio.c, pci.c). */
struct virtio_transport {
	uint64_t (*get_features)(struct virtio_dev *dev);
	void (*set_features)(struct virtio_dev *dev, uint64_t features);
	uint8_t (*get_status)(struct virtio_dev *dev);
	void (*set_status)(struct virtio_dev *dev, uint8_t status);
	/* Device-specific configuration space, (size) 1, 2 or 4 bytes. */
	uint32_t (*config_read)(struct virtio_dev *dev, unsigned off,
				unsigned size);
	void (*config_write)(struct virtio_dev *dev, unsigned off,
			     unsigned size, uint32_t v);
	uint32_t (*config_generation)(struct virtio_dev *dev);
	/* Largest size of queue (index), 0 if the device has no such queue. */
	unsigned (*queue_max)(struct virtio_dev *dev, unsigned index);
	/* Tells the device where (q)'s rings are and enables it. */
	int (*queue_enable)(struct virtio_dev *dev, struct virtq *q);
	void (*notify)(struct virtio_dev *dev, struct virtq *q);
	/* Routes the device's interrupts to (cpu); they call
	 * virtio_interrupt(). Returns 0 or -errno. */
	int (*irq_setup)(struct virtio_dev *dev, unsigned cpu);
	void (*reset)(struct virtio_dev *dev);
	/* Optional (virtio-pci: MSI-X): an interrupt of their own for
	 * queues (first) .. (first + count - 1), routed to (cpu), before
	 * they are created; it polls only them. Returns the CPU it goes to
	 * or -errno (-ENOSPC: the device has too few vectors). virtio-mmio
	 * has one interrupt per device and leaves it NULL. */
	int (*queue_irq)(struct virtio_dev *dev, unsigned first,
			 unsigned count, unsigned cpu);
};

struct virtio_dev {
	const struct virtio_transport *ops;
	void *transport_data;
	char name[32];		/* for messages: "virtio-mmio@0xfeb00e00" */
	uint16_t device_id;
	uint64_t features;	/* negotiated */
	bool broken;		/* answered garbage: every request fails */
	unsigned irq_cpu;

	/* Set by the driver. */
	const struct virtio_driver *driver;
	void *driver_data;
	struct virtq *queues;	/* list, for interrupt dispatch */
	void (*config_changed)(struct virtio_dev *dev);
	struct virtio_dev *next;	/* all devices, in discovery order */
};

struct virtio_driver {
	const char *name;
	uint16_t device_id;
	/* Takes the device: negotiate, set up queues, go DRIVER_OK.
	 * Returns 0, or -errno to leave the device alone. */
	int (*probe)(struct virtio_dev *dev);
};

/* Registers a driver with the core; the core probes at INIT_DRIVER. */
#define VIRTIO_DRIVER(drv)						\
	static const struct virtio_driver *const __virtio_driver_##drv	\
	__attribute__((used, section("toro_virtio_drivers"),		\
		       aligned(sizeof(void *)))) = &drv

/* For transports: a new device to offer to the drivers. */
void virtio_add(struct virtio_dev *dev);

/* Offers (dev) to the drivers linked in; the first whose probe succeeds
 * keeps it. Done for every device at start-up (INIT_DRIVER); returns 0,
 * -ENODEV when no driver wants it, or the probe's error. */
int virtio_bind(struct virtio_dev *dev);

/* For transports: the device interrupted; (config) if its configuration
 * changed. Runs completions of every queue without an interrupt of its
 * own (queue_irq). From interrupt context. */
void virtio_interrupt(struct virtio_dev *dev, bool config);
/* From a transport's interrupt of queues (first) .. (first + count - 1)
 * only (queue_irq); (count) 0: of those without one of their own. */
void virtio_queues_interrupt(struct virtio_dev *dev, unsigned first,
			     unsigned count);

/* Every device found, in discovery order (for tests and diagnostics). */
struct virtio_dev *virtio_devices(void);

/*
 * Driver start-up: resets the device, acknowledges it and negotiates
 * (wanted) & what the device offers, plus VIRTIO_F_VERSION_1, which it
 * must offer. Returns 0 with dev->features set, or -ENODEV/-EIO.
 */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted);
/* Sets DRIVER_OK once the queues are set up. */
void virtio_ready(struct virtio_dev *dev);
/* Tells the device the driver gave up on it (status FAILED). */
void virtio_fail(struct virtio_dev *dev);

/* The deadline for a request sent now: "toro.virtio_timeout_ms=" (default
 * 30 s) from now. A device that takes longer is taken for dead. */
uint64_t virtio_deadline(void);

uint32_t virtio_config_read(struct virtio_dev *dev, unsigned off,
			    unsigned size);
/* Reads a 64-bit field consistently (retries while the generation
 * changes). */
uint64_t virtio_config_read64(struct virtio_dev *dev, unsigned off);
void virtio_config_write(struct virtio_dev *dev, unsigned off,
			 unsigned size, uint32_t v);

/* ------------------------------------------------------------------------
 * Virtqueues (split rings, spec 2.7).
 */

/* One buffer of a request: the device reads it (out) or writes it (in). */
struct virtq_buf {
	void *addr;
	uint32_t len;
};

/* A request in flight: filled in by the core, waited on by the caller.
 * Zero it before submitting (set only (complete), if wanted). */
struct virtq_req {
	struct sema done;	/* posted when the device has used it */
	uint32_t used_len;	/* bytes the device says it wrote */
	int error;		/* 0, or -EIO for a bad answer */
	uint16_t head;		/* private */
	uint16_t ndesc;		/* private */
	uint32_t in_len;	/* private: room in the (in) buffers */
	void (*complete)(struct virtq_req *req);	/* optional */
	/* Optional: the buffers are the driver's own, checked for DMA
	 * (vm_dma_ok()) once when allocated, so not at each submission
	 * (a page walk or two per frame, a few percent of a small HTTP
	 * request's instructions). */
	bool dma_checked;
};

struct virtq {
	struct virtio_dev *dev;
	unsigned index;
	uint16_t size;		/* descriptors, a power of two */
	/* Rings, in one page-aligned allocation (see virtq.c). */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint64_t desc_pa, avail_pa, used_pa;
	uintptr_t notify_addr;	/* for the transport */
	uint32_t notify_data;	/* for the transport */

	struct spinlock lock;	/* below: submitters and completions */
	uint16_t free_head, nfree;
	uint16_t avail_idx;	/* next avail->idx */
	uint16_t last_used;	/* next used entry to read */
	bool event_idx;		/* VIRTIO_F_EVENT_IDX negotiated */
	bool irq_off;		/* virtq_set_interrupts(q, false) */
	bool polled;		/* set by the driver: waiters poll the used
				 * ring (yielding between looks) rather
				 * than sleep until the interrupt */
	bool own_irq;		/* has a queue_irq(): the device's shared
				 * interrupt leaves it alone */
	bool unkicked;		/* buffers added since the last notify */
	bool hold_notify;	/* set by the driver: notifications the
				 * device asks for wait for virtq_flush() */
	bool notify_owed;	/* one was asked for and held since */
	bool rekick_armed;	/* rekick_timer runs, on the CPU that armed it */
	struct timer rekick_timer;	/* see on_rekick() in virtq.c */
	unsigned long rekicks;	/* notifies rekick_timer sent */
	struct virtq_req **reqs;	/* by head descriptor */
	struct event slots;	/* signalled when descriptors free up */
	struct virtq *next;	/* the device's queues */
};

/*
 * Allocates queue (index) with (size) descriptors (0: what the device
 * allows, capped at 256), enables it and sets (*out). Returns 0, -ENODEV
 * when the device has no such queue, -ENOMEM, or the transport's error.
 */
int virtq_create(struct virtio_dev *dev, unsigned index, unsigned size,
		 struct virtq **out);

/*
 * Queues a request of (nout) buffers the device reads then (nin) buffers it
 * writes, and notifies the device. Waits for free descriptors if there are
 * none. (req) must stay valid until it completes. Returns 0, -EINVAL for a
 * chain longer than the queue, -EFAULT for a buffer that is not RAM (or
 * not writable, for the device to write), or -EIO if the device is
 * broken.
 */
int virtq_submit(struct virtq *q, struct virtq_req *req,
		 const struct virtq_buf *out, unsigned nout,
		 const struct virtq_buf *in, unsigned nin);

/* As virtq_submit(), but -ENOSPC at once when the ring has too few free
 * descriptors: for a caller that must not wait for the device (its used
 * buffers may be reaped only by a thread that waits for this one). */
int virtq_submit_nowait(struct virtq *q, struct virtq_req *req,
			const struct virtq_buf *out, unsigned nout,
			const struct virtq_buf *in, unsigned nin);

/*
 * Queues a request of (nout) buffers the device reads, as one descriptor
 * pointing at a table of them (VIRTIO_F_INDIRECT_DESC, which the driver
 * negotiated): a long chain takes one slot of the ring. (table), in RAM,
 * has VIRTQ_DESC_SIZE bytes per buffer and, like (req), must stay until
 * the request completes. Never waits: -ENOSPC when the ring is full;
 * -EINVAL without the feature or for a chain longer than the queue,
 * -EFAULT, -EIO as virtq_submit().
 */
#define VIRTQ_DESC_SIZE		16
int virtq_submit_indirect(struct virtq *q, struct virtq_req *req,
			  void *table, const struct virtq_buf *out,
			  unsigned nout);

/* Notifies the device of (q) whether or not it asked to be: for a driver
 * that finds the ring full, so the device must have work. */
void virtq_kick(struct virtq *q);

/* For a queue with (hold_notify): sends the notification the device
 * asked for since the last one, if any. Buffers a driver leaves owed
 * are notified within VIRTQ_REKICK_NS all the same (virtq.c). */
void virtq_flush(struct virtq *q);

/*
 * Waits until the device has used (req), or until (deadline) (clock_ns();
 * 0: no limit). Returns the number of bytes the device wrote, -EIO for a
 * bad answer or a broken device, -ETIMEDOUT at the deadline. A device that
 * lets a deadline pass is reset and marked broken before this returns, so
 * it no longer touches the buffers (they may be on the caller's stack) and
 * every other request on it fails with -EIO.
 */
int virtq_wait(struct virtq *q, struct virtq_req *req, uint64_t deadline);

/* virtq_submit() then virtq_wait(). */
int virtq_call(struct virtq *q, const struct virtq_buf *out, unsigned nout,
	       const struct virtq_buf *in, unsigned nin, uint64_t deadline);

/* Processes the used ring now (polled mode, or from the interrupt). */
void virtq_poll(struct virtq *q);

/*
 * Asks the device to stop (on false) or resume interrupting for (q)'s
 * used buffers, for a driver that polls the queue while it is busy: with
 * VIRTIO_F_EVENT_IDX the used_event the core writes is left behind the
 * device so it never reaches it, else VIRTQ_AVAIL_F_NO_INTERRUPT is set.
 * Either is only a hint: an interrupt may still come, and is harmless.
 * Turning them back on re-arms, then processes what the device used
 * meanwhile (its completions run before this returns), so a buffer used
 * just before the re-arm is not left waiting for an interrupt that never
 * comes. Returns how many completions that ran.
 */
unsigned virtq_set_interrupts(struct virtq *q, bool on);

#endif /* DRIVERS_VIRTIO_H */
