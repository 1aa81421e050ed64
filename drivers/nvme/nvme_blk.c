// SPDX-License-Identifier: MIT
/*
 * NVMe namespaces as disks of the block layer: Read, Write (with Force
 * Unit Access when the controller has a volatile write cache) and Flush
 * on the I/O queue of the calling CPU.
 */
#include <errno.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/format.h>
#include <toro/cpu.h>

#include "nvme.h"

struct nvme_ns {
	struct blk_dev blk;
	struct nvme_ctrl *ctrl;
	uint32_t nsid;
	unsigned lba_shift;
};

/* A request's state, in the block layer's struct blk_req. */
struct nvme_req {
	struct nvme_wait wait;
	struct nvme_queue *q;
};
STATIC_ASSERT(sizeof(struct nvme_req) <= BLK_REQ_PRIV,
	      "an NVMe request fits in struct blk_req");

static int ns_start(struct blk_dev *b, struct blk_req *br)
{
	struct nvme_ns *ns = container_of(b, struct nvme_ns, blk);
	struct nvme_ctrl *c = ns->ctrl;
	struct nvme_req *r = (struct nvme_req *)br->priv;
	struct nvme_sqe cmd = { .nsid = ns->nsid };
	bool dev_writes = false;

	r->q = &c->io[cpu_id() % c->nio];
	switch (br->op) {
	case BLK_OP_FLUSH:
		cmd.opcode = NVME_CMD_FLUSH;
		return nvme_start(r->q, &cmd, &r->wait, NULL, 0, false,
				  nvme_deadline());
	case BLK_OP_READ:
		cmd.opcode = NVME_CMD_READ;
		dev_writes = true;
		break;
	case BLK_OP_WRITE_FUA:
		cmd.cdw12 = NVME_RW_FUA;
		/* fall through */
	case BLK_OP_WRITE:
		cmd.opcode = NVME_CMD_WRITE;
		break;
	}
	uint64_t lba = br->off >> ns->lba_shift;

	cmd.cdw10 = (uint32_t)lba;
	cmd.cdw11 = lba >> 32;
	/* Number of blocks, 0's based; chunk keeps it within 16 bits. */
	cmd.cdw12 |= (br->len >> ns->lba_shift) - 1;
	return nvme_start(r->q, &cmd, &r->wait, br->buf, br->len, dev_writes,
			  nvme_deadline());
}

static int ns_finish(struct blk_dev *b, struct blk_req *br)
{
	struct nvme_req *r = (struct nvme_req *)br->priv;
	int rc = nvme_wait(r->q, &r->wait, nvme_deadline());

	if (rc == -EIO && r->wait.nvme_status)
		log_warn("%s: %s at byte %lu: status %#x\n", b->name,
			 br->op == BLK_OP_READ ? "read" :
			 br->op == BLK_OP_FLUSH ? "flush" : "write",
			 br->off, r->wait.nvme_status);
	return rc;
}

static const struct blk_ops ns_ops = {
	.start = ns_start,
	.finish = ns_finish,
};

int nvme_ns_add(struct nvme_ctrl *c, uint32_t nsid, const uint8_t *id)
{
	struct nvme_ns_info info;
	const char *why = NULL;
	int rc = nvme_parse_id_ns(id, &info, &why);

	if (rc) {
		if (rc != -ENOENT)
			log_warn("%s: namespace %u: %s: left out\n", c->name,
				 nsid, why);
		return rc;
	}
	struct nvme_ns *ns = heap_zalloc(sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	struct blk_dev *b = &ns->blk;
	uint32_t chunk = NVME_MAX_XFER;

	ns->ctrl = c;
	ns->nsid = nsid;
	ns->lba_shift = info.lba_shift;
	b->ops = &ns_ops;
	b->class = BLK_CLASS_NVME;
	ksnprintf(b->name, sizeof(b->name), "%s/n%u", c->name, nsid);
	b->sector_size = 1u << info.lba_shift;
	b->size = info.blocks << info.lba_shift;
	if (c->info.max_xfer && c->info.max_xfer < chunk)
		chunk = c->info.max_xfer;
	/* At least a block; at most 65536 of them (the count is 16-bit). */
	chunk = MAX(chunk, b->sector_size);
	chunk = MIN(chunk, b->sector_size << 16);
	b->chunk = ALIGN_DOWN(chunk, b->sector_size);
	b->read_only = info.write_protected;
	b->needs_flush = c->info.vwc;
	b->fua = c->info.vwc;
	rc = blk_register(b);
	if (rc)
		heap_free(ns);
	return rc;
}
