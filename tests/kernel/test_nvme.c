// SPDX-License-Identifier: MIT
/*
 * The NVMe driver's queue pairs (drivers/nvme/nvme_queue.c) against a
 * controller played by the test: its registers are RAM, and the test reads
 * the submission ring and writes completion entries itself, then runs what
 * the interrupt would (nvme_poll). So answers no QEMU controller gives
 * (garbage command ids, entries for another queue, silence) are seen as
 * the driver's callers see them.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <toro/test.h>
#include <toro/time.h>

#include "../../drivers/nvme/nvme.h"

#define DEPTH		4	/* three commands in flight at most */

static uint8_t regs[0x2000] __aligned(4096);
static uint8_t data[4 * 4096] __aligned(4096);
static struct nvme_ctrl ctrl;
static struct nvme_queue ioq;
static uint16_t cq_tail, cq_phase;

static uint32_t reg32(unsigned off)
{
	uint32_t v;

	memcpy(&v, regs + off, 4);
	return v;
}

static void free_queue(struct nvme_queue *q)
{
	heap_free(q->sq);
	heap_free(q->cq);
	heap_free(q->waits);
	heap_free(q->prp);
}

/* A fresh enabled controller with one I/O queue pair (the last test's
 * freed: nothing of it is in flight any more). */
static void fake_ctrl(void)
{
	free_queue(&ctrl.admin);
	free_queue(&ioq);
	memset(&ctrl, 0, sizeof(ctrl));
	memset(regs, 0, sizeof(regs));
	regs[NVME_REG_CC] = NVME_CC_EN;
	ctrl.regs = (uintptr_t)regs;
	ctrl.bar_len = sizeof(regs);
	ctrl.db_stride = 4;
	ctrl.timeout_ns = 1000000000;
	strcpy(ctrl.name, "fake-nvme");
	ctrl.io = &ioq;
	ctrl.nio = 1;
	nvme_queue_init(&ctrl, &ctrl.admin, 0, 2, true);
	nvme_queue_init(&ctrl, &ioq, 1, DEPTH, false);
	cq_tail = 0;
	cq_phase = 1;
}

/* The controller posts a completion; (phase) 0 flips the right one. */
static void post(uint16_t cid, uint16_t sqid, uint16_t sqhd, uint16_t status,
		 bool right_phase)
{
	struct nvme_cqe e = {
		.dw0 = 0xabcd, .sqhd = sqhd, .sqid = sqid, .cid = cid,
		.status = status << 1 | (right_phase ? cq_phase : !cq_phase) };

	ioq.cq[cq_tail] = e;
	if (!right_phase)
		return;
	if (++cq_tail == DEPTH) {
		cq_tail = 0;
		cq_phase ^= 1;
	}
}

static int start(struct nvme_wait *w, void *buf, uint32_t len)
{
	struct nvme_sqe cmd = { .opcode = NVME_CMD_READ, .nsid = 1 };

	return nvme_start(&ioq, &cmd, w, buf, len, true, nvme_deadline());
}

TEST(nvme, completions_and_statuses_reach_the_caller)
{
	struct nvme_wait w;

	fake_ctrl();
	ASSERT_EQ(start(&w, data, 512), 0);
	EXPECT_EQ(ioq.sq[0].opcode, NVME_CMD_READ);
	EXPECT_EQ(reg32(NVME_REG_DBS + 8), 1);	/* SQ 1 tail doorbell */
	/* An entry of the last pass (old phase) is not taken. */
	post(ioq.sq[0].cid, 1, 1, 0, false);
	nvme_poll(&ioq);
	EXPECT_EQ(sema_value(&w.done), 0);
	post(ioq.sq[0].cid, 1, 1, 0, true);
	nvme_poll(&ioq);
	EXPECT_EQ(nvme_wait(&ioq, &w, nvme_deadline()), 0);
	EXPECT_EQ(w.dw0, 0xabcd);
	EXPECT_EQ(reg32(NVME_REG_DBS + 12), 1);	/* CQ 1 head doorbell */

	ASSERT_EQ(start(&w, data, 512), 0);
	post(ioq.sq[1].cid, 1, 2, 0x281, true);	/* unrecovered read error */
	nvme_poll(&ioq);
	EXPECT_EQ(nvme_wait(&ioq, &w, nvme_deadline()), -EIO);
	EXPECT_EQ(w.nvme_status, 0x281);

	ASSERT_EQ(start(&w, data, 512), 0);
	post(ioq.sq[2].cid, 1, 3, NVME_SC_WRITE_PROTECTED, true);
	nvme_poll(&ioq);
	EXPECT_EQ(nvme_wait(&ioq, &w, nvme_deadline()), -EROFS);
	EXPECT_FALSE(ctrl.broken);
	EXPECT_EQ(reg32(NVME_REG_CC) & NVME_CC_EN, NVME_CC_EN);
}

TEST(nvme, transfers_get_prp_lists)
{
	struct nvme_wait w;
	struct nvme_sqe *e;

	fake_ctrl();
	e = &ioq.sq[0];
	/* 512 bytes into the first page, to 512 bytes into the fourth. */
	ASSERT_EQ(start(&w, data + 512, 3 * 4096), 0);
	EXPECT_EQ(e->prp1, (uintptr_t)data + 512);
	uint64_t *list = (uint64_t *)(uintptr_t)e->prp2;

	EXPECT_EQ(list, ioq.prp + e->cid * NVME_PRP_ENTRIES);
	EXPECT_EQ(list[0], (uintptr_t)data + 4096);
	EXPECT_EQ(list[1], (uintptr_t)data + 2 * 4096);
	EXPECT_EQ(list[2], (uintptr_t)data + 3 * 4096);
	post(e->cid, 1, 1, 0, true);
	nvme_poll(&ioq);
	EXPECT_EQ(nvme_wait(&ioq, &w, nvme_deadline()), 0);
	/* Two pages: the second is PRP2 itself. */
	ASSERT_EQ(start(&w, data, 2 * 4096), 0);
	EXPECT_EQ(ioq.sq[1].prp2, (uintptr_t)data + 4096);
	post(ioq.sq[1].cid, 1, 2, 0, true);
	nvme_poll(&ioq);
	EXPECT_EQ(nvme_wait(&ioq, &w, nvme_deadline()), 0);
	/* Not RAM: refused before the controller sees it. */
	EXPECT_EQ(start(&w, NULL, 512), -EFAULT);
}

/* Each kind of garbage disables the controller and fails the command. */
TEST(nvme, garbage_completions_disable_the_controller)
{
	static const struct {
		uint16_t cid, sqid, sqhd;
	} bad[] = {
		{ 2, 1, 1 },		/* a command id not in flight */
		{ 77, 1, 1 },		/* one past the queue's */
		{ 0, 5, 1 },		/* another queue's entry */
		{ 0, 1, DEPTH },	/* a head beyond the queue */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct nvme_wait w;

		fake_ctrl();
		ASSERT_EQ(start(&w, data, 512), 0);
		ASSERT_EQ(ioq.sq[0].cid, 0);
		post(bad[i].cid, bad[i].sqid, bad[i].sqhd, 0, true);
		nvme_poll(&ioq);
		EXPECT_EQ(nvme_wait(&ioq, &w, nvme_deadline()), -EIO);
		EXPECT_TRUE(ctrl.broken);
		EXPECT_EQ(reg32(NVME_REG_CC) & NVME_CC_EN, 0);
		/* Later commands fail at once. */
		EXPECT_EQ(start(&w, data, 512), -EIO);
	}
}

TEST(nvme, silence_times_out_and_fails_the_rest)
{
	struct nvme_wait w1, w2;

	fake_ctrl();
	ASSERT_EQ(start(&w1, data, 512), 0);
	ASSERT_EQ(start(&w2, data + 512, 512), 0);
	EXPECT_EQ(nvme_wait(&ioq, &w1, clock_ns() + 20000000), -ETIMEDOUT);
	EXPECT_TRUE(ctrl.broken);
	EXPECT_EQ(reg32(NVME_REG_CC) & NVME_CC_EN, 0);
	/* The other command was failed with the controller. */
	EXPECT_EQ(nvme_wait(&ioq, &w2, nvme_deadline()), -EIO);
}

TEST(nvme, a_full_queue_waits_for_a_slot_until_the_deadline)
{
	struct nvme_wait w[DEPTH];
	struct nvme_sqe cmd = { .opcode = NVME_CMD_FLUSH, .nsid = 1 };

	fake_ctrl();
	for (int i = 0; i < DEPTH - 1; i++)
		ASSERT_EQ(start(&w[i], NULL, 0), 0);
	EXPECT_EQ(nvme_start(&ioq, &cmd, &w[DEPTH - 1], NULL, 0, false,
			     clock_ns() + 20000000), -ETIMEDOUT);
	EXPECT_FALSE(ctrl.broken);	/* nothing of its own was late */
	for (int i = 0; i < DEPTH - 1; i++)
		post(ioq.sq[i].cid, 1, i + 1, 0, true);
	nvme_poll(&ioq);
	for (int i = 0; i < DEPTH - 1; i++)
		EXPECT_EQ(nvme_wait(&ioq, &w[i], nvme_deadline()), 0);
	/* Slots free again: the fourth goes in, at the ring's wrap. */
	ASSERT_EQ(nvme_start(&ioq, &cmd, &w[0], NULL, 0, false,
			     nvme_deadline()), 0);
	EXPECT_EQ(reg32(NVME_REG_DBS + 8), 0);
	post(ioq.sq[DEPTH - 1].cid, 1, 0, 0, true);
	nvme_poll(&ioq);
	EXPECT_EQ(nvme_wait(&ioq, &w[0], nvme_deadline()), 0);
}
