/* SPDX-License-Identifier: MIT */
/*
 * Private to drivers/nvme: a controller and its queue pairs (see
 * nvme_impl.h for the layout of what the controller reads and writes).
 *
 * Every command in flight has a waiter (struct nvme_wait) the completion
 * posts. A controller that answers garbage (an entry for a command not in
 * flight, a queue head beyond its queue) or lets a command's deadline
 * pass is disabled and marked broken: it lets go of every buffer, and
 * every command in flight and later fails with -EIO (the one that timed
 * out with -ETIMEDOUT). Nothing waits without a deadline.
 */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H

#include <stdbool.h>
#include <stdint.h>

#include <drivers/blk.h>
#include <drivers/pci.h>
#include <kernel/spinlock.h>
#include <toro/sync.h>

#include "nvme_impl.h"

/* Entries of an I/O queue; commands in flight on it are one fewer (a
 * full queue would look empty). */
#define NVME_IO_DEPTH		32
#define NVME_ADMIN_DEPTH	8
/* Bytes per command at most, whatever the controller allows: the PRP
 * list of each command slot then holds (NVME_MAX_XFER / 4 KiB) entries. */
#define NVME_MAX_XFER		(128u * 1024)
#define NVME_PRP_ENTRIES	(NVME_MAX_XFER / NVME_PAGE_SIZE)

struct nvme_ctrl;

/* A command's waiter, on its submitter's stack until it completes. */
struct nvme_wait {
	struct sema done;	/* posted at completion, failure or reset */
	int status;		/* 0, -EIO, or -EROFS (write protected) */
	uint16_t nvme_status;	/* the status field, for messages */
	uint32_t dw0;		/* the completion's command-specific word */
};

struct nvme_queue {
	struct nvme_ctrl *ctrl;
	uint16_t qid;
	uint16_t depth;		/* entries of each ring */
	bool polled;		/* the admin queue: no interrupt */
	struct nvme_sqe *sq;
	struct nvme_cqe *cq;
	uint64_t *prp;		/* (depth - 1) lists of NVME_PRP_ENTRIES */
	volatile uint32_t *sq_db, *cq_db;
	unsigned irq_cpu;	/* where its interrupt arrives */

	struct spinlock lock;	/* below: submitters and the interrupt */
	uint16_t sq_tail, cq_head;
	uint16_t phase;		/* phase of the entries yet to come */
	uint16_t nfree, next_cid;
	struct nvme_wait **waits;	/* by command id, (depth - 1) */
	struct event slots;	/* signalled when command ids free up */
};

struct nvme_ctrl {
	struct pci_dev *pci;
	char name[24];		/* "nvme@00:04.0" */
	uintptr_t regs;
	uint32_t bar_len;	/* bytes of BAR0 mapped at (regs) */
	uint32_t db_stride;	/* bytes between doorbells */
	uint64_t timeout_ns;	/* CAP.TO: for enable and disable */
	struct nvme_ctrl_info info;
	bool broken;
	struct nvme_queue admin;
	struct nvme_queue *io;	/* one per CPU, or fewer, shared round */
	unsigned nio;
};

/* nvme_queue.c */

/* Allocates (q)'s rings (and PRP lists unless (polled)) for queue (qid)
 * of (depth) entries. Returns 0 or -ENOMEM. */
int nvme_queue_init(struct nvme_ctrl *c, struct nvme_queue *q, uint16_t qid,
		    uint16_t depth, bool polled);

/*
 * Submits (cmd) on (q), its data at (buf) (len bytes; 0: none), and waits
 * until it completes or (deadline) (clock_ns()). Waits for a free command
 * id, up to the deadline, when all are taken. Returns 0, -EFAULT for a
 * buffer that is not RAM (or not writable, (dev_writes)), -EROFS for a
 * write-protected namespace, -EIO for another error status or a broken
 * controller, -ETIMEDOUT.
 */
int nvme_submit(struct nvme_queue *q, struct nvme_sqe *cmd,
		struct nvme_wait *w, void *buf, uint32_t len,
		bool dev_writes, uint64_t deadline);
/* Waits for a command nvme_submit() started (see above). */
int nvme_wait(struct nvme_queue *q, struct nvme_wait *w, uint64_t deadline);
/* Starts a command as nvme_submit() but returns without waiting. */
int nvme_start(struct nvme_queue *q, struct nvme_sqe *cmd,
	       struct nvme_wait *w, void *buf, uint32_t len, bool dev_writes,
	       uint64_t deadline);

/* Takes what the controller completed on (q) (from its interrupt). */
void nvme_poll(struct nvme_queue *q);

/* Disables (c) and fails what is in flight (see above). */
void nvme_break(struct nvme_ctrl *c, const char *why);

/* The deadline of a command sent now ("toro.nvme_timeout_ms=", 30 s). */
uint64_t nvme_deadline(void);

/* nvme_blk.c: registers namespace (nsid) of (c) with the block layer. */
int nvme_ns_add(struct nvme_ctrl *c, uint32_t nsid, const uint8_t *id);

#endif /* DRIVERS_NVME_H */
