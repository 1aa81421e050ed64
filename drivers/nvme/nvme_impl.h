/* SPDX-License-Identifier: MIT */
/*
 * Private to drivers/nvme: the controller's registers and data structures
 * (NVM Express Base Specification 1.4), and what the files share.
 *
 * nvme.c finds controllers on PCI, resets and enables them, identifies
 * them and their namespaces and creates the I/O queues; nvme_queue.c runs
 * a submission/completion queue pair; nvme_blk.c turns block-layer
 * requests into NVM commands; nvme_parse.c checks what the controller
 * says (pure, for the host tests and the fuzzer).
 */
#ifndef DRIVERS_NVME_IMPL_H
#define DRIVERS_NVME_IMPL_H

#include <stdbool.h>
#include <stdint.h>

/* Controller registers (3.1), offsets into BAR0. */
#define NVME_REG_CAP		0x00	/* 64-bit */
#define NVME_REG_VS		0x08
#define NVME_REG_INTMS		0x0c
#define NVME_REG_CC		0x14
#define NVME_REG_CSTS		0x1c
#define NVME_REG_AQA		0x24
#define NVME_REG_ASQ		0x28	/* 64-bit */
#define NVME_REG_ACQ		0x30	/* 64-bit */
#define NVME_REG_DBS		0x1000	/* doorbells */

#define NVME_CAP_MQES(c)	((uint32_t)((c) & 0xffff))	/* 0's based */
#define NVME_CAP_TO(c)		((uint32_t)(((c) >> 24) & 0xff))	/* 500 ms */
#define NVME_CAP_DSTRD(c)	((uint32_t)(((c) >> 32) & 0xf))
#define NVME_CAP_CSS_NVM(c)	(((c) >> 37) & 1)
#define NVME_CAP_MPSMIN(c)	((uint32_t)(((c) >> 48) & 0xf))

#define NVME_CC_EN		(1u << 0)
#define NVME_CC_CSS_NVM		(0u << 4)
#define NVME_CC_MPS_4K		(0u << 7)
#define NVME_CC_AMS_RR		(0u << 11)
#define NVME_CC_IOSQES		(6u << 16)	/* 64-byte entries */
#define NVME_CC_IOCQES		(4u << 20)	/* 16-byte entries */

#define NVME_CSTS_RDY		(1u << 0)
#define NVME_CSTS_CFS		(1u << 1)

/* Admin commands (5). */
#define NVME_ADM_DELETE_SQ	0x00
#define NVME_ADM_CREATE_SQ	0x01
#define NVME_ADM_DELETE_CQ	0x04
#define NVME_ADM_CREATE_CQ	0x05
#define NVME_ADM_IDENTIFY	0x06
#define NVME_ADM_SET_FEATURES	0x09

#define NVME_CNS_NS		0x00
#define NVME_CNS_CTRL		0x01
#define NVME_CNS_NS_LIST	0x02

#define NVME_FEAT_NUM_QUEUES	0x07

/* NVM commands (6). */
#define NVME_CMD_FLUSH		0x00
#define NVME_CMD_WRITE		0x01
#define NVME_CMD_READ		0x02
#define NVME_RW_FUA		(1u << 30)	/* in CDW12 */

#define NVME_PAGE_SIZE		4096u
#define NVME_PAGE_SHIFT		12

/* Submission queue entry (4.2). */
struct nvme_sqe {
	uint8_t opcode;
	uint8_t flags;
	uint16_t cid;
	uint32_t nsid;
	uint64_t rsvd;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/* Completion queue entry (4.6). */
struct nvme_cqe {
	uint32_t dw0;
	uint32_t rsvd;
	uint16_t sqhd;
	uint16_t sqid;
	uint16_t cid;
	uint16_t status;	/* bit 0: phase; 15:1 the status field */
};

/* Status field: code type (SCT) and code (SC); 0 is success. */
#define NVME_STATUS(st)		((uint16_t)((st) >> 1) & 0x7ff)
#define NVME_SC_WRITE_PROTECTED	0x20	/* generic: namespace is */

/* ------------------------------------------------------------------------
 * nvme_parse.c: checks of what the controller says. Pure.
 */

/* From Identify Controller (4 KiB). */
struct nvme_ctrl_info {
	uint32_t max_xfer;	/* bytes per command; 0: no limit */
	uint32_t nn;		/* namespaces */
	bool vwc;		/* a volatile write cache */
	char model[41];		/* trimmed */
};

/* Fills (out) from Identify Controller data (id); (mpsmin_shift) is the
 * controller's minimum page size shift (12 + CAP.MPSMIN). Returns 0, or
 * -EINVAL for data no controller would give (queue entry sizes that
 * exclude the standard ones). */
int nvme_parse_id_ctrl(const uint8_t *id, unsigned mpsmin_shift,
		       struct nvme_ctrl_info *out);

/* From Identify Namespace (4 KiB). */
struct nvme_ns_info {
	uint64_t blocks;
	unsigned lba_shift;	/* 9 to 16 */
	bool write_protected;
};

/* Fills (out) from Identify Namespace data (id). Returns 0; -ENOENT for an
 * inactive namespace (size 0); -ENOTSUP for a format Toro does not do
 * (metadata, blocks outside 512 B..64 KiB); -EINVAL for sizes that do
 * not add up (a format index beyond the list, a size past 2^64 bytes).
 * (*why) then says what, for the console. */
int nvme_parse_id_ns(const uint8_t *id, struct nvme_ns_info *out,
		     const char **why);

/* Checks a completion entry taken from queue (qid) of (depth) entries,
 * whose command ids are below (ncid). Returns NULL when it is sound, else
 * what is wrong with it. */
const char *nvme_check_cqe(const struct nvme_cqe *e, uint16_t qid,
			   uint16_t depth, uint16_t ncid);

/*
 * The data pointer of a transfer of (len) bytes at physical (addr) (len
 * > 0): (*prp1) the first page, (*prp2) the second page or, when it spans
 * more than two, (list_pa), where the other pages' addresses are written
 * into (list) (room for (list_max) entries). Returns 0, or -EINVAL when
 * the list would not fit.
 */
int nvme_prp_build(uint64_t addr, uint32_t len, uint64_t *list,
		   uint64_t list_pa, unsigned list_max, uint64_t *prp1,
		   uint64_t *prp2);

#endif /* DRIVERS_NVME_IMPL_H */
