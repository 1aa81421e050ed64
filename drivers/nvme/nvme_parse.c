// SPDX-License-Identifier: MIT
/*
 * What an NVMe controller tells the driver, checked before it is believed:
 * Identify data, completion entries, and the data pointers built from a
 * buffer. Pure: host tests and tests/fuzz/fuzz_nvme.c run it as it is.
 */
#include <errno.h>
#include <string.h>

#include "nvme_impl.h"

/* Identify Controller offsets (figure 251). */
#define IDC_MN		24	/* 40 bytes of ASCII */
#define IDC_MDTS	77
#define IDC_SQES	512
#define IDC_CQES	513
#define IDC_NN		516	/* 32-bit */
#define IDC_VWC		525

/* Identify Namespace offsets (figure 253). */
#define IDN_NSZE	0	/* 64-bit */
#define IDN_NLBAF	25
#define IDN_FLBAS	26
#define IDN_NSATTR	99
#define IDN_LBAF	128	/* 16 x 32-bit */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

int nvme_parse_id_ctrl(const uint8_t *id, unsigned mpsmin_shift,
		       struct nvme_ctrl_info *out)
{
	unsigned n = 40;

	/* SQES/CQES: required (low nibble) <= 6 and 4 <= maximum. */
	if ((id[IDC_SQES] & 0xf) > 6 || (id[IDC_SQES] >> 4) < 6 ||
	    (id[IDC_CQES] & 0xf) > 4 || (id[IDC_CQES] >> 4) < 4)
		return -EINVAL;
	/* 2^MDTS minimum pages; past 4 GiB is as good as no limit. */
	if (id[IDC_MDTS] == 0 || id[IDC_MDTS] + mpsmin_shift >= 32)
		out->max_xfer = 0;
	else
		out->max_xfer = 1u << (id[IDC_MDTS] + mpsmin_shift);
	out->nn = le32(id + IDC_NN);
	out->vwc = id[IDC_VWC] & 1;
	while (n > 0 && (id[IDC_MN + n - 1] == ' ' || !id[IDC_MN + n - 1]))
		n--;
	for (unsigned i = 0; i < n; i++) {
		uint8_t c = id[IDC_MN + i];

		out->model[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	out->model[n] = 0;
	return 0;
}

int nvme_parse_id_ns(const uint8_t *id, struct nvme_ns_info *out,
		     const char **why)
{
	unsigned nlbaf = id[IDN_NLBAF], fmt = id[IDN_FLBAS] & 0xf;
	uint32_t lbaf;
	unsigned shift;

	out->blocks = le64(id + IDN_NSZE);
	out->write_protected = id[IDN_NSATTR] & 1;
	if (out->blocks == 0) {
		*why = "inactive";
		return -ENOENT;
	}
	if (fmt > nlbaf || nlbaf > 15) {
		*why = "LBA format index beyond its list";
		return -EINVAL;
	}
	lbaf = le32(id + IDN_LBAF + 4 * fmt);
	shift = (lbaf >> 16) & 0xff;
	if (lbaf & 0xffff) {
		*why = "blocks carry metadata";
		return -ENOTSUP;
	}
	if (shift < 9 || shift > 16) {
		*why = "block size outside 512 B to 64 KiB";
		return -ENOTSUP;
	}
	if (out->blocks > (UINT64_MAX >> shift)) {
		*why = "size beyond 2^64 bytes";
		return -EINVAL;
	}
	out->lba_shift = shift;
	return 0;
}

const char *nvme_check_cqe(const struct nvme_cqe *e, uint16_t qid,
			   uint16_t depth, uint16_t ncid)
{
	if (e->sqid != qid)
		return "for another submission queue";
	if (e->sqhd >= depth)
		return "submission queue head beyond the queue";
	if (e->cid >= ncid)
		return "command id never used";
	return NULL;
}

int nvme_prp_build(uint64_t addr, uint32_t len, uint64_t *list,
		   uint64_t list_pa, unsigned list_max, uint64_t *prp1,
		   uint64_t *prp2)
{
	uint64_t first = NVME_PAGE_SIZE - (addr & (NVME_PAGE_SIZE - 1));
	uint64_t page = addr - (addr & (NVME_PAGE_SIZE - 1)) + NVME_PAGE_SIZE;
	unsigned n = 0;

	*prp1 = addr;
	*prp2 = 0;
	if (len <= first)
		return 0;
	if (len - first <= NVME_PAGE_SIZE) {
		*prp2 = page;
		return 0;
	}
	for (uint64_t left = len - first; left; page += NVME_PAGE_SIZE) {
		if (n == list_max)
			return -EINVAL;
		list[n++] = page;
		left -= left < NVME_PAGE_SIZE ? left : NVME_PAGE_SIZE;
	}
	*prp2 = list_pa;
	return 0;
}
