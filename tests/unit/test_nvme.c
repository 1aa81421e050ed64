// SPDX-License-Identifier: MIT
/*
 * Host tests of what the NVMe driver believes of a controller
 * (drivers/nvme/nvme_parse.c): Identify data as QEMU gives it and as a
 * broken controller might, completion entries, and the PRP data pointers
 * of transfers at every offset into a page.
 */
#include "unit.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../drivers/nvme/nvme_impl.h"

static uint8_t id[4096];

static void put32(unsigned off, uint32_t v)
{
	memcpy(id + off, &v, 4);
}

static void put64(unsigned off, uint64_t v)
{
	memcpy(id + off, &v, 8);
}

UNIT_TEST(nvme_identify_controller)
{
	struct nvme_ctrl_info info;

	memset(id, 0, sizeof(id));
	memcpy(id + 24, "QEMU NVMe Ctrl                          ", 40);
	id[77] = 7;		/* MDTS: 2^7 pages */
	id[512] = 0x66;		/* SQES */
	id[513] = 0x44;		/* CQES */
	put32(516, 256);	/* NN */
	id[525] = 1;		/* VWC */
	CHECK_EQ(nvme_parse_id_ctrl(id, 12, &info), 0);
	CHECK_EQ(info.max_xfer, 512u * 1024);
	CHECK_EQ(info.nn, 256);
	CHECK(info.vwc);
	CHECK_STR_EQ(info.model, "QEMU NVMe Ctrl");
	id[77] = 0;
	CHECK_EQ(nvme_parse_id_ctrl(id, 12, &info), 0);
	CHECK_EQ(info.max_xfer, 0);	/* no limit */
	id[77] = 30;		/* past 4 GiB: as good as none */
	CHECK_EQ(nvme_parse_id_ctrl(id, 12, &info), 0);
	CHECK_EQ(info.max_xfer, 0);
	id[24] = 0x01;		/* unprintable model bytes are shown as ? */
	CHECK_EQ(nvme_parse_id_ctrl(id, 12, &info), 0);
	CHECK_EQ(info.model[0], '?');
	id[512] = 0x55;		/* 64-byte entries not allowed */
	CHECK_EQ(nvme_parse_id_ctrl(id, 12, &info), -EINVAL);
	id[512] = 0x66;
	id[513] = 0x55;		/* 16-byte completions required above */
	CHECK_EQ(nvme_parse_id_ctrl(id, 12, &info), -EINVAL);
}

UNIT_TEST(nvme_identify_namespace)
{
	struct nvme_ns_info info;
	const char *why = NULL;

	memset(id, 0, sizeof(id));
	put64(0, 49152);		/* NSZE */
	id[25] = 1;			/* two formats */
	put32(128, 9 << 16);		/* 512 B */
	put32(132, 12 << 16);		/* 4 KiB */
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), 0);
	CHECK_EQ(info.blocks, 49152);
	CHECK_EQ(info.lba_shift, 9);
	CHECK(!info.write_protected);
	id[26] = 1;			/* FLBAS: the 4 KiB one */
	id[99] = 1;			/* NSATTR: write protected */
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), 0);
	CHECK_EQ(info.lba_shift, 12);
	CHECK(info.write_protected);
	id[26] = 2;			/* beyond the list */
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), -EINVAL);
	id[26] = 0;
	put32(128, 9 << 16 | 8);	/* 8 bytes of metadata per block */
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), -ENOTSUP);
	put32(128, 8 << 16);		/* 256-byte blocks */
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), -ENOTSUP);
	put32(128, 17 << 16);		/* 128 KiB blocks */
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), -ENOTSUP);
	put32(128, 9 << 16);
	put64(0, UINT64_MAX >> 8);	/* more than 2^64 bytes */
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), -EINVAL);
	put64(0, 0);
	CHECK_EQ(nvme_parse_id_ns(id, &info, &why), -ENOENT);
	CHECK_STR_EQ(why, "inactive");
}

UNIT_TEST(nvme_completion_entries)
{
	struct nvme_cqe e = { .sqid = 1, .sqhd = 5, .cid = 30 };

	CHECK(nvme_check_cqe(&e, 1, 32, 31) == NULL);
	e.cid = 31;
	CHECK(nvme_check_cqe(&e, 1, 32, 31) != NULL);
	e.cid = 0;
	e.sqhd = 32;
	CHECK(nvme_check_cqe(&e, 1, 32, 31) != NULL);
	e.sqhd = 0;
	e.sqid = 2;
	CHECK(nvme_check_cqe(&e, 1, 32, 31) != NULL);
}

/* Every page of [addr, addr + len) once, in order, from the pointers. */
static void check_prp(uint64_t addr, uint32_t len)
{
	uint64_t list[32], prp1, prp2;
	const uint64_t list_pa = 0x7000000;
	int rc = nvme_prp_build(addr, len, list, list_pa, 32, &prp1, &prp2);
	uint64_t first = 4096 - addr % 4096;
	uint64_t pages = 1 + (len > first ? (len - first + 4095) / 4096 : 0);

	if (pages > 33) {
		CHECK_EQ(rc, -EINVAL);
		return;
	}
	REQUIRE(rc == 0);
	CHECK_EQ(prp1, addr);
	if (pages == 1)
		CHECK_EQ(prp2, 0);
	else if (pages == 2)
		CHECK_EQ(prp2, addr - addr % 4096 + 4096);
	else {
		CHECK_EQ(prp2, list_pa);
		for (uint64_t i = 0; i < pages - 1; i++)
			CHECK_EQ(list[i], addr - addr % 4096 + 4096 * (i + 1));
	}
}

UNIT_TEST(nvme_prp_lists)
{
	for (uint64_t off = 0; off < 4096; off += 512)
		for (uint32_t len = 512; len <= 132 * 1024; len += 512)
			check_prp(0x100000 + off, len);
}
