/* SPDX-License-Identifier: MIT */
/*
 * Private to the block layer's partitions (drivers/blk/part*.c): reading
 * GPT and MBR partition tables. part_parse.c is pure (host unit tests,
 * tests/fuzz/fuzz_part.c): every number a table holds is checked against
 * the disk before it is believed. Facts from the UEFI specification
 * (chapter 5, GUID Partition Table) and the classic MBR layout.
 */
#ifndef DRIVERS_BLK_PART_H
#define DRIVERS_BLK_PART_H

#include <stdint.h>

/* A partition: sectors of the disk, (first) and (count) of them. */
struct part {
	uint64_t first, count;
	unsigned n;		/* its number in the table, from 1 */
	uint8_t guid[16];	/* GPT's unique partition GUID; 0 for MBR */
};

/* Where a GPT's entries are. */
struct gpt_table {
	uint64_t entries_lba;
	uint32_t count;		/* entries, used or not */
	uint32_t entry_size;	/* a power of two, 128 .. sector size */
};

#define GPT_MAX_ENTRIES	1024	/* more is not believed */

/* The GPT header at LBA 1 (one sector of (ssize) bytes) of a disk of
 * (sectors): 0 with (t) filled, -ENOENT for no GPT signature, -EUCLEAN
 * for a header that does not fit the disk. */
int gpt_parse_header(const uint8_t *hdr, uint32_t ssize, uint64_t sectors,
		     struct gpt_table *t);

/* One GPT entry: 1 with (p) filled, 0 for an unused entry, -EUCLEAN for
 * one outside the disk. */
int gpt_parse_entry(const uint8_t *e, uint64_t sectors, struct part *p);

/* Primary entry (n) (0 to 3) of the MBR (sector 0): 1 with (p) filled,
 * 0 for an empty one or a GPT's protective entry, -ENOENT for a sector
 * without the MBR signature, -EUCLEAN for one outside the disk. */
int mbr_parse_entry(const uint8_t *mbr, unsigned n, uint64_t sectors,
		    struct part *p);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case) into the 16 bytes
 * a GPT stores (the first three fields little-endian): 0 or -EINVAL. */
int guid_parse(const char *s, uint8_t out[16]);

#endif /* DRIVERS_BLK_PART_H */
