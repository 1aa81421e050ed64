// SPDX-License-Identifier: MIT
/*
 * The block layer's partition table checks (drivers/blk/part_parse.c): a
 * GPT and an MBR laid out as sfdisk writes them are read back; headers
 * and entries that do not fit the disk are -EUCLEAN; GUIDs in text come
 * out in the GPT's byte order.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../drivers/blk/part.h"
#include "unit.h"

#define SS	512
#define SECTORS	20480		/* a 10 MiB disk */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void gpt_header(uint8_t *h, uint64_t entries, uint32_t count,
		       uint32_t esize)
{
	memset(h, 0, SS);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x10000);
	put32(h + 12, 92);
	put64(h + 24, 1);
	put64(h + 32, SECTORS - 1);
	put64(h + 72, entries);
	put32(h + 80, count);
	put32(h + 84, esize);
}

UNIT_TEST(part_gpt_header)
{
	uint8_t h[SS];
	struct gpt_table t;

	gpt_header(h, 2, 128, 128);
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == 0);
	CHECK(t.entries_lba == 2 && t.count == 128 && t.entry_size == 128);
	h[0] = 'X';
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -ENOENT);
	gpt_header(h, 2, 128, 100);		/* not a power of two */
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -EUCLEAN);
	gpt_header(h, 2, 128, 1024);		/* larger than a sector */
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -EUCLEAN);
	gpt_header(h, 2, 100000, 128);		/* too many entries */
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -EUCLEAN);
	gpt_header(h, SECTORS - 4, 128, 128);	/* entries past the end */
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -EUCLEAN);
	gpt_header(h, 0, 128, 128);
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -EUCLEAN);
	gpt_header(h, 2, 128, 128);
	put64(h + 24, 5);			/* not at LBA 1 */
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -EUCLEAN);
	gpt_header(h, 2, 128, 128);
	put32(h + 12, 4096);			/* header past its sector */
	CHECK(gpt_parse_header(h, SS, SECTORS, &t) == -EUCLEAN);
}

UNIT_TEST(part_gpt_entry)
{
	uint8_t e[128] = { 0 };
	struct part p;
	uint8_t guid[16];

	CHECK(gpt_parse_entry(e, SECTORS, &p) == 0);	/* unused */
	e[0] = 1;
	put64(e + 32, 2048);
	put64(e + 40, 4095);
	CHECK(guid_parse("01234567-89ab-CDEF-0011-223344556677", guid) == 0);
	memcpy(e + 16, guid, 16);
	CHECK(gpt_parse_entry(e, SECTORS, &p) == 1);
	CHECK(p.first == 2048 && p.count == 2048 && !memcmp(p.guid, guid, 16));
	put64(e + 40, SECTORS);			/* one past the end */
	CHECK(gpt_parse_entry(e, SECTORS, &p) == -EUCLEAN);
	put64(e + 40, 100);			/* ends before it starts */
	CHECK(gpt_parse_entry(e, SECTORS, &p) == -EUCLEAN);
	put64(e + 32, 0);
	put64(e + 40, UINT64_MAX);		/* the count wraps to 0 */
	CHECK(gpt_parse_entry(e, SECTORS, &p) == -EUCLEAN);
}

UNIT_TEST(part_mbr)
{
	uint8_t m[SS] = { 0 };
	struct part p;

	CHECK(mbr_parse_entry(m, 0, SECTORS, &p) == -ENOENT);
	m[510] = 0x55;
	m[511] = 0xaa;
	CHECK(mbr_parse_entry(m, 0, SECTORS, &p) == 0);
	m[446 + 4] = 0xee;			/* GPT's protective entry */
	put32(m + 446 + 8, 1);
	put32(m + 446 + 12, SECTORS - 1);
	CHECK(mbr_parse_entry(m, 0, SECTORS, &p) == 0);
	m[446 + 16 + 4] = 0x83;
	put32(m + 446 + 16 + 8, 2048);
	put32(m + 446 + 16 + 12, 1000);
	CHECK(mbr_parse_entry(m, 1, SECTORS, &p) == 1);
	CHECK(p.first == 2048 && p.count == 1000);
	put32(m + 446 + 16 + 12, SECTORS);	/* past the end */
	CHECK(mbr_parse_entry(m, 1, SECTORS, &p) == -EUCLEAN);
	CHECK(mbr_parse_entry(m, 4, SECTORS, &p) == -ENOENT);
}

UNIT_TEST(part_guid_text)
{
	static const uint8_t esp[16] = {
		0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
		0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
	};
	uint8_t g[16];

	CHECK(guid_parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", g) == 0);
	CHECK(!memcmp(g, esp, 16));
	CHECK(guid_parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93b", g) == 0);
	CHECK(guid_parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93", g) == -EINVAL);
	CHECK(guid_parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93BB", g) ==
	      -EINVAL);
	CHECK(guid_parse("C12A7328F81F-11D2-BA4B-00A0C93EC93B0", g) ==
	      -EINVAL);
	CHECK(guid_parse("G12A7328-F81F-11D2-BA4B-00A0C93EC93B", g) ==
	      -EINVAL);
	CHECK(guid_parse("", g) == -EINVAL);
}
