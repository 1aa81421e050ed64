// SPDX-License-Identifier: MIT
/*
 * Partition tables (drivers/blk/part_parse.c), as a disk holds them.
 * Input: the disk's first sectors (512 bytes each: the MBR, the GPT
 * header, then entries), standing for a disk of 64 Ki sectors. The
 * header is checked, and if believed every entry it names that lies in
 * the input is read; every partition accepted must lie inside the disk.
 */
#include <errno.h>
#include <string.h>

#include "../../drivers/blk/part.h"
#include "fuzz.h"

#define SS	512
#define SECTORS	65536

static void check_part(int rc, const struct part *p)
{
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EUCLEAN || rc == -ENOENT);
	if (rc == 1)
		FUZZ_CHECK(p->first > 0 && p->count > 0 && p->first < SECTORS &&
			   p->count <= SECTORS - p->first);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sector[SS] = { 0 };
	struct gpt_table t;
	struct part p;

	memcpy(sector, data, size < SS ? size : SS);
	for (unsigned n = 0; n < 5; n++)
		check_part(mbr_parse_entry(sector, n, SECTORS, &p), &p);
	if (size < 2 * SS)
		return 0;
	memcpy(sector, data + SS, SS);
	int rc = gpt_parse_header(sector, SS, SECTORS, &t);

	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EUCLEAN);
	if (rc)
		return 0;
	FUZZ_CHECK(t.entries_lba >= 2 && t.count <= GPT_MAX_ENTRIES &&
		   t.entry_size >= 128 && t.entry_size <= SS);
	for (uint32_t i = 0; i < t.count; i++) {
		uint64_t off = t.entries_lba * SS + (uint64_t)i * t.entry_size;

		if (off + t.entry_size > size)
			break;
		check_part(gpt_parse_entry(data + off, SECTORS, &p), &p);
	}
	return 0;
}
