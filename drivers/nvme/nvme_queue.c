// SPDX-License-Identifier: MIT
/*
 * A submission/completion queue pair (NVMe 1.4, 4.1 and 7.2): commands go
 * into the submission ring at its tail (then its doorbell), the controller
 * posts completions into the completion ring with a phase bit that flips
 * at each wrap, and the driver tells it how far it has read through the
 * completion doorbell. A command id names a slot of the queue: its waiter
 * and, for transfers past two pages, its PRP list.
 */
#include <errno.h>
#include <string.h>

#include <arch/mmu.h>
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "nvme.h"

int nvme_queue_init(struct nvme_ctrl *c, struct nvme_queue *q, uint16_t qid,
		    uint16_t depth, bool polled)
{
	size_t ncid = depth - 1u;

	memset(q, 0, sizeof(*q));
	q->ctrl = c;
	q->qid = qid;
	q->depth = depth;
	q->polled = polled;
	q->phase = 1;
	q->nfree = ncid;
	event_init(&q->slots);
	q->sq = heap_alloc_aligned(NVME_PAGE_SIZE, depth * sizeof(*q->sq));
	q->cq = heap_alloc_aligned(NVME_PAGE_SIZE, depth * sizeof(*q->cq));
	q->waits = heap_zalloc(ncid * sizeof(*q->waits));
	if (!polled)
		q->prp = heap_alloc_aligned(NVME_PAGE_SIZE, ncid *
					    NVME_PRP_ENTRIES * sizeof(*q->prp));
	if (!q->sq || !q->cq || !q->waits || (!polled && !q->prp))
		return -ENOMEM;	/* at start-up: the caller gives up */
	memset(q->sq, 0, depth * sizeof(*q->sq));
	memset(q->cq, 0, depth * sizeof(*q->cq));
	q->sq_db = (volatile uint32_t *)(c->regs + NVME_REG_DBS +
					 2u * qid * c->db_stride);
	q->cq_db = (volatile uint32_t *)(c->regs + NVME_REG_DBS +
					 (2u * qid + 1) * c->db_stride);
	return 0;
}

uint64_t nvme_deadline(void)
{
	static uint64_t timeout_ns;

	if (!timeout_ns)
		timeout_ns = kopt_u64("toro.nvme_timeout_ms", 30000) * 1000000;
	return clock_ns() + timeout_ns;
}

/* Hands (w) its answer; the last touch, as (w) may be on a stack. */
static void complete(struct nvme_wait *w, int status, uint16_t nvme_status,
		     uint32_t dw0)
{
	w->status = status;
	w->nvme_status = nvme_status;
	w->dw0 = dw0;
	sema_post(&w->done);
}

/* Takes the completions posted so far. Returns NULL, or what was wrong
 * with an entry (the caller then breaks the controller, outside the
 * lock). */
static const char *reap_locked(struct nvme_queue *q)
{
	const char *bad = NULL;
	bool any = false;

	while (!q->ctrl->broken) {
		volatile struct nvme_cqe *v = &q->cq[q->cq_head];
		uint16_t st = __atomic_load_n(&v->status, __ATOMIC_ACQUIRE);

		if ((st & 1) != q->phase)
			break;
		struct nvme_cqe e = *(struct nvme_cqe *)v;

		any = true;
		if (++q->cq_head == q->depth) {
			q->cq_head = 0;
			q->phase ^= 1;
		}
		bad = nvme_check_cqe(&e, q->qid, q->depth, q->depth - 1);
		if (!bad && !q->waits[e.cid])
			bad = "command id not in flight";
		if (bad) {
			log_warn("%s: queue %u: completion (command id %u, "
				 "queue %u, head %u): %s\n", q->ctrl->name,
				 q->qid, e.cid, e.sqid, e.sqhd, bad);
			break;
		}
		struct nvme_wait *w = q->waits[e.cid];
		uint16_t status = NVME_STATUS(e.status);

		q->waits[e.cid] = NULL;
		q->nfree++;
		complete(w, status == NVME_SC_WRITE_PROTECTED ? -EROFS :
			    status ? -EIO : 0, status, e.dw0);
	}
	if (any && !bad)
		*q->cq_db = q->cq_head;
	if (any)
		event_signal(&q->slots);
	return bad;
}

void nvme_poll(struct nvme_queue *q)
{
	bool irq = spin_lock_irqsave(&q->lock);
	const char *bad = reap_locked(q);

	spin_unlock_irqrestore(&q->lock, irq);
	if (bad)
		nvme_break(q->ctrl, "answered garbage");
}

/* Fails every command in flight on (q): the controller is disabled. */
static void fail_all(struct nvme_queue *q)
{
	bool irq = spin_lock_irqsave(&q->lock);

	for (unsigned i = 0; q->waits && i < q->depth - 1u; i++) {
		struct nvme_wait *w = q->waits[i];

		if (!w)
			continue;
		q->waits[i] = NULL;
		q->nfree++;
		complete(w, -EIO, 0, 0);
	}
	spin_unlock_irqrestore(&q->lock, irq);
	event_signal(&q->slots);	/* waiters see it broken */
}

/* Disabling may take the controller up to CAP.TO; past this we stop
 * waiting for it (it has had its chance) and warn. */
#define BREAK_WAIT_MAX_NS	5000000000ULL

void nvme_break(struct nvme_ctrl *c, const char *why)
{
	if (__atomic_exchange_n(&c->broken, true, __ATOMIC_ACQ_REL))
		return;
	log_warn("%s: controller %s: disabled, its requests fail\n", c->name,
		 why);
	/* Clearing CC.EN resets it: it lets go of the queues and of every
	 * buffer once CSTS.RDY reads 0 (3.1.6). */
	mmio_write32(c->regs + NVME_REG_CC, 0);
	uint64_t deadline = clock_ns() + MIN(c->timeout_ns,
					     BREAK_WAIT_MAX_NS);

	while (mmio_read32(c->regs + NVME_REG_CSTS) & NVME_CSTS_RDY) {
		if (clock_ns() > deadline) {
			log_warn("%s: does not finish its reset\n", c->name);
			break;
		}
		cpu_relax();
	}
	fail_all(&c->admin);
	for (unsigned i = 0; i < c->nio; i++)
		fail_all(&c->io[i]);
}

/* A free command id of (q), with its lock held; -1 when none is. */
static int take_cid(struct nvme_queue *q)
{
	unsigned ncid = q->depth - 1u;

	if (!q->nfree)
		return -1;
	for (unsigned i = 0; i < ncid; i++) {
		unsigned cid = (q->next_cid + i) % ncid;

		if (!q->waits[cid]) {
			q->next_cid = (cid + 1) % ncid;
			return cid;
		}
	}
	return -1;
}

int nvme_start(struct nvme_queue *q, struct nvme_sqe *cmd,
	       struct nvme_wait *w, void *buf, uint32_t len, bool dev_writes,
	       uint64_t deadline)
{
	bool irq;
	int cid;

	if (len && !vm_dma_ok((uintptr_t)buf, len, dev_writes))
		return -EFAULT;
	for (;;) {
		irq = spin_lock_irqsave(&q->lock);
		if (q->ctrl->broken) {
			spin_unlock_irqrestore(&q->lock, irq);
			return -EIO;
		}
		cid = take_cid(q);
		if (cid >= 0)
			break;
		spin_unlock_irqrestore(&q->lock, irq);
		if (q->polled)
			nvme_poll(q);
		else if (event_wait_until(&q->slots, deadline) == -ETIMEDOUT)
			return -ETIMEDOUT;	/* nothing of ours in flight */
	}
	cmd->cid = cid;
	if (len) {
		/* Memory is identity-mapped: the address is the bus's. */
		uint64_t *list = q->prp ? q->prp + cid * NVME_PRP_ENTRIES :
					  NULL;
		int rc = nvme_prp_build((uintptr_t)buf, len, list,
					(uintptr_t)list,
					list ? NVME_PRP_ENTRIES : 0,
					&cmd->prp1, &cmd->prp2);

		if (rc) {
			spin_unlock_irqrestore(&q->lock, irq);
			return rc;
		}
	}
	sema_init(&w->done, 0);
	w->status = -EIO;
	q->waits[cid] = w;
	q->nfree--;
	q->sq[q->sq_tail] = *cmd;
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
	/* The entry (and PRP list) before the doorbell that publishes it:
	 * x86 keeps stores in order, the compiler must too. */
	barrier();
	*q->sq_db = q->sq_tail;
	spin_unlock_irqrestore(&q->lock, irq);
	return 0;
}

int nvme_wait(struct nvme_queue *q, struct nvme_wait *w, uint64_t deadline)
{
	int rc = 0;

	if (q->polled) {
		while (!sema_trywait(&w->done)) {
			if (clock_ns() >= deadline) {
				rc = -ETIMEDOUT;
				break;
			}
			nvme_poll(q);
			thread_yield();	/* others on this CPU keep running */
		}
	} else {
		rc = sema_wait_until(&w->done, deadline);
	}
	if (rc == -ETIMEDOUT && sema_trywait(&w->done))
		rc = 0;		/* the answer came as the time ran out */
	if (rc == -ETIMEDOUT) {
		log_warn("%s: queue %u: no answer in time\n", q->ctrl->name,
			 q->qid);
		/* Disable it so it lets go of our buffers; that fails every
		 * command in flight, this one included. */
		nvme_break(q->ctrl, "stopped answering");
		sema_wait(&w->done);
		return -ETIMEDOUT;
	}
	return w->status;
}

int nvme_submit(struct nvme_queue *q, struct nvme_sqe *cmd,
		struct nvme_wait *w, void *buf, uint32_t len,
		bool dev_writes, uint64_t deadline)
{
	int rc = nvme_start(q, cmd, w, buf, len, dev_writes, deadline);

	return rc ? rc : nvme_wait(q, w, deadline);
}
