// SPDX-License-Identifier: MIT
/*
 * NVMe controllers on PCI (class 01h, subclass 08h, interface 02h; NVMe
 * 1.4, 7.6.1 for the bring-up): reset, admin queue, enable, Identify, then
 * I/O queue pairs with an MSI-X interrupt each, one per CPU as far as the
 * controller grants queues and interrupt entries (CPUs beyond share them
 * round), and every active namespace registered with the block layer.
 * Linked only with the block layer (<drivers/blk.h>).
 */
#include <errno.h>
#include <string.h>

#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <toro/cpu.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "nvme.h"

#define PCI_CLASS_STORAGE	0x01
#define PCI_SUBCLASS_NVM	0x08
#define PCI_PROGIF_NVME		0x02

/* Namespaces we take per controller, at most. */
#define NVME_MAX_NS		16

const char nvme_linked;

static uint32_t rd32(struct nvme_ctrl *c, unsigned reg)
{
	return mmio_read32(c->regs + reg);
}

static void wr32(struct nvme_ctrl *c, unsigned reg, uint32_t v)
{
	mmio_write32(c->regs + reg, v);
}

/* Low half first, as two 32-bit writes every controller takes. */
static void wr64(struct nvme_ctrl *c, unsigned reg, uint64_t v)
{
	wr32(c, reg, (uint32_t)v);
	wr32(c, reg + 4, v >> 32);
}

/* Waits up to CAP.TO for CSTS.RDY to read (rdy). */
static int wait_ready(struct nvme_ctrl *c, bool rdy)
{
	uint64_t deadline = clock_ns() + c->timeout_ns;

	for (;;) {
		uint32_t csts = rd32(c, NVME_REG_CSTS);

		if (csts == 0xffffffff) {
			log_warn("%s: registers read all ones: gone\n",
				 c->name);
			return -EIO;
		}
		if (rdy && (csts & NVME_CSTS_CFS)) {
			log_warn("%s: controller fatal status\n", c->name);
			return -EIO;
		}
		if (!!(csts & NVME_CSTS_RDY) == rdy)
			return 0;
		if (clock_ns() > deadline) {
			log_warn("%s: not %s within %lu ms\n", c->name,
				 rdy ? "ready" : "disabled",
				 c->timeout_ns / 1000000);
			return -ETIMEDOUT;
		}
		thread_yield();
	}
}

static int admin(struct nvme_ctrl *c, struct nvme_sqe *cmd, void *buf,
		 uint32_t len, uint32_t *dw0)
{
	struct nvme_wait w;
	int rc = nvme_submit(&c->admin, cmd, &w, buf, len, true,
			     nvme_deadline());

	if (rc == -EIO && w.nvme_status)
		log_warn("%s: admin command %#x: status %#x\n", c->name,
			 cmd->opcode, w.nvme_status);
	if (rc == 0 && dw0)
		*dw0 = w.dw0;
	return rc;
}

static int identify(struct nvme_ctrl *c, unsigned cns, uint32_t nsid,
		    void *buf)
{
	struct nvme_sqe cmd = {
		.opcode = NVME_ADM_IDENTIFY, .nsid = nsid, .cdw10 = cns };

	return admin(c, &cmd, buf, NVME_PAGE_SIZE, NULL);
}

/* Reset, admin queue, enable (7.6.1). */
static int enable(struct nvme_ctrl *c, uint64_t cap)
{
	uint16_t depth = MIN(NVME_ADMIN_DEPTH, NVME_CAP_MQES(cap) + 1);
	int rc;

	if (rd32(c, NVME_REG_CC) & NVME_CC_EN) {
		wr32(c, NVME_REG_CC, 0);
		rc = wait_ready(c, false);
		if (rc)
			return rc;
	}
	rc = nvme_queue_init(c, &c->admin, 0, depth, true);
	if (rc)
		return rc;
	wr32(c, NVME_REG_AQA, (depth - 1u) << 16 | (depth - 1u));
	wr64(c, NVME_REG_ASQ, (uintptr_t)c->admin.sq);
	wr64(c, NVME_REG_ACQ, (uintptr_t)c->admin.cq);
	wr32(c, NVME_REG_CC, NVME_CC_EN | NVME_CC_CSS_NVM | NVME_CC_MPS_4K |
				     NVME_CC_AMS_RR | NVME_CC_IOSQES |
				     NVME_CC_IOCQES);
	return wait_ready(c, true);
}

static void io_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	nvme_poll(arg);
}

/* I/O queue pair (qid) on MSI-X (entry), its interrupt on (cpu). */
static int create_io_queue(struct nvme_ctrl *c, uint16_t qid, uint16_t depth,
			   unsigned entry, unsigned cpu)
{
	struct nvme_queue *q = &c->io[qid - 1];
	int rc = nvme_queue_init(c, q, qid, depth, false);
	int vec;

	if (rc)
		return rc;
	vec = irq_alloc_vector();
	if (vec < 0)
		return vec;
	rc = irq_set_handler(vec, io_irq, q);
	if (rc)
		return rc;
	rc = pci_msix_route(c->pci, entry, vec, cpu);
	if (rc < 0)
		return rc;
	q->irq_cpu = rc;
	struct nvme_sqe cq = {
		.opcode = NVME_ADM_CREATE_CQ, .prp1 = (uintptr_t)q->cq,
		.cdw10 = (depth - 1u) << 16 | qid,
		.cdw11 = entry << 16 | 2 /* IEN */ | 1 /* PC */ };
	struct nvme_sqe sq = {
		.opcode = NVME_ADM_CREATE_SQ, .prp1 = (uintptr_t)q->sq,
		.cdw10 = (depth - 1u) << 16 | qid,
		.cdw11 = (uint32_t)qid << 16 | 1 /* PC */ };

	rc = admin(c, &cq, NULL, 0, NULL);
	return rc ? rc : admin(c, &sq, NULL, 0, NULL);
}

/* As many queue pairs as CPUs, as the controller grants and as MSI-X
 * entries allow (entry 0 is the admin queue's, which is polled). */
static int create_io_queues(struct nvme_ctrl *c, uint64_t cap)
{
	int entries = pci_msix_enable(c->pci);
	uint16_t depth = MIN(NVME_IO_DEPTH, NVME_CAP_MQES(cap) + 1);
	unsigned want = cpu_count();
	uint32_t granted;
	int rc;

	if (entries < 0) {
		log_warn("%s: no usable MSI-X, which Toro needs for NVMe "
			 "interrupts\n", c->name);
		return -ENODEV;
	}
	if (entries >= 2)
		want = MIN(want, (unsigned)entries - 1);
	else
		want = 1;
	/* Doorbells of every queue inside what we mapped. */
	want = MIN(want, (c->bar_len - NVME_REG_DBS) / (2 * c->db_stride) - 1);
	struct nvme_sqe nq = {
		.opcode = NVME_ADM_SET_FEATURES, .cdw10 = NVME_FEAT_NUM_QUEUES,
		.cdw11 = (want - 1) << 16 | (want - 1) };

	rc = admin(c, &nq, NULL, 0, &granted);
	if (rc)
		return rc;
	/* 0's based counts of submission and completion queues. */
	want = MIN(want, (granted & 0xffff) + 1u);
	want = MIN(want, (granted >> 16) + 1u);
	c->io = heap_zalloc(want * sizeof(*c->io));
	if (!c->io)
		return -ENOMEM;
	for (unsigned i = 0; i < want; i++) {
		rc = create_io_queue(c, i + 1, depth, entries >= 2 ? i + 1 : 0,
				     i % cpu_count());
		if (rc)
			break;
		c->nio = i + 1;
	}
	if (c->nio == 0)
		return rc;
	if (rc)
		log_warn("%s: I/O queue %u: error %d: using %u\n", c->name,
			 c->nio + 1, -rc, c->nio);
	return 0;
}

/* Every active namespace, from the active list (NVMe 1.1) or by number. */
static void add_namespaces(struct nvme_ctrl *c, uint8_t *buf, uint32_t *list)
{
	unsigned n = 0;

	if (identify(c, NVME_CNS_NS_LIST, 0, list) == 0) {
		uint32_t prev = 0;

		while (n < NVME_MAX_NS && n < NVME_PAGE_SIZE / 4 && list[n]) {
			if (list[n] <= prev || list[n] > c->info.nn) {
				log_warn("%s: active namespace list names %u "
					 "after %u (of %u)\n", c->name,
					 list[n], prev, c->info.nn);
				break;
			}
			prev = list[n++];
		}
	} else {
		for (; n < NVME_MAX_NS && n < c->info.nn; n++)
			list[n] = n + 1;
	}
	for (unsigned i = 0; i < n && !c->broken; i++)
		if (identify(c, NVME_CNS_NS, list[i], buf) == 0)
			nvme_ns_add(c, list[i], buf);
}

static int nvme_probe(struct pci_dev *pci)
{
	struct nvme_ctrl *c = heap_zalloc(sizeof(*c));
	struct pci_bar bar;
	int rc;

	if (!c)
		return -ENOMEM;
	c->pci = pci;
	ksnprintf(c->name, sizeof(c->name), "nvme@%02x:%02x.%u", pci->bus,
		  pci->slot, pci->func);
	if (pci_bar_get(pci, 0, &bar) || (bar.flags & PCI_BAR_IO) ||
	    bar.size < NVME_REG_DBS + 64) {
		log_warn("%s: BAR0 is not a register block\n", c->name);
		return -ENODEV;
	}
	c->bar_len = MIN(bar.size, 64 * 1024);
	c->regs = pci_map_bar(pci, 0, 0, c->bar_len);
	if (!c->regs)
		return -ENOMEM;
	pci_command(pci, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0);
	uint64_t cap = mmio_read64(c->regs + NVME_REG_CAP);

	c->db_stride = 4u << NVME_CAP_DSTRD(cap);
	c->timeout_ns = (NVME_CAP_TO(cap) + 1) * 500000000ULL;
	if (cap == ~0ULL || !NVME_CAP_CSS_NVM(cap) || NVME_CAP_MPSMIN(cap) ||
	    NVME_CAP_MQES(cap) == 0 ||
	    NVME_REG_DBS + 8 * c->db_stride > c->bar_len) {
		log_warn("%s: capabilities %#lx: no NVM command set, 4 KiB "
			 "pages, queues or doorbells we can use\n", c->name,
			 cap);
		return -ENODEV;
	}
	rc = enable(c, cap);
	if (rc) {
		wr32(c, NVME_REG_CC, 0);
		return rc;
	}
	uint8_t *buf = heap_alloc_aligned(NVME_PAGE_SIZE, 2 * NVME_PAGE_SIZE);

	if (!buf)
		return -ENOMEM;
	rc = identify(c, NVME_CNS_CTRL, 0, buf);
	if (rc == 0 && nvme_parse_id_ctrl(buf, NVME_PAGE_SHIFT, &c->info)) {
		log_warn("%s: Identify Controller: queue entry sizes that "
			 "exclude 64/16 bytes\n", c->name);
		rc = -EIO;
	}
	if (rc == 0)
		rc = create_io_queues(c, cap);
	if (rc == 0) {
		log_info("%s: %s, %u I/O queue%s, %u namespace%s%s\n",
			 c->name, c->info.model, c->nio, c->nio > 1 ? "s" : "",
			 c->info.nn, c->info.nn != 1 ? "s" : "",
			 c->info.vwc ? ", write cache" : "");
		add_namespaces(c, buf, (uint32_t *)(buf + NVME_PAGE_SIZE));
	} else {
		wr32(c, NVME_REG_CC, 0);	/* hands back our queues */
	}
	heap_free(buf);
	return rc;
}

static int nvme_scan(void)
{
	for (struct pci_dev *pci = pci_devices(); pci; pci = pci->next) {
		if (pci->class_code != PCI_CLASS_STORAGE ||
		    pci->subclass != PCI_SUBCLASS_NVM ||
		    pci->prog_if != PCI_PROGIF_NVME)
			continue;
		int rc = nvme_probe(pci);

		if (rc)
			log_warn("nvme@%02x:%02x.%u: error %d: left out\n",
				 pci->bus, pci->slot, pci->func, -rc);
	}
	return 0;
}
INIT_CALL(INIT_DRIVER, nvme_scan);
