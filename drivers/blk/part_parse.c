// SPDX-License-Identifier: MIT
/*
 * GPT and MBR partition tables, checked (see part.h). Pure code.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "part.h"

/* GPT header fields (UEFI 2.10, table 5.20). */
#define GPT_SIG		"EFI PART"
#define GH_SIZE		12
#define GH_MY_LBA	24
#define GH_ENTRIES_LBA	72
#define GH_COUNT	80
#define GH_ENTRY_SIZE	84
#define GH_MIN_SIZE	92

/* GPT entry fields (table 5.22). */
#define GE_TYPE		0
#define GE_GUID		16
#define GE_FIRST	32
#define GE_LAST		40

/* MBR: four 16-byte entries at 446, the signature at 510. */
#define MBR_ENTRIES	446
#define MBR_TYPE	4
#define MBR_FIRST	8
#define MBR_COUNT	12
#define MBR_PROTECTIVE	0xee

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int gpt_parse_header(const uint8_t *hdr, uint32_t ssize, uint64_t sectors,
		     struct gpt_table *t)
{
	if (memcmp(hdr, GPT_SIG, 8))
		return -ENOENT;
	uint32_t size = le32(hdr + GH_SIZE);

	t->entries_lba = le64(hdr + GH_ENTRIES_LBA);
	t->count = le32(hdr + GH_COUNT);
	t->entry_size = le32(hdr + GH_ENTRY_SIZE);
	if (size < GH_MIN_SIZE || size > ssize || le64(hdr + GH_MY_LBA) != 1 ||
	    t->count > GPT_MAX_ENTRIES || !pow2(t->entry_size) ||
	    t->entry_size < 128 || t->entry_size > ssize ||
	    t->entries_lba < 2 || t->entries_lba >= sectors)
		return -EUCLEAN;
	/* The entries' sectors, rounded up, within the disk. */
	uint64_t need = ((uint64_t)t->count * t->entry_size + ssize - 1) /
			ssize;

	if (need > sectors - t->entries_lba)
		return -EUCLEAN;
	return 0;
}

static int check_range(struct part *p, uint64_t sectors)
{
	if (p->count == 0 || p->first == 0 || p->first >= sectors ||
	    p->count > sectors - p->first)
		return -EUCLEAN;
	return 1;
}

int gpt_parse_entry(const uint8_t *e, uint64_t sectors, struct part *p)
{
	static const uint8_t unused[16];

	if (!memcmp(e + GE_TYPE, unused, sizeof(unused)))
		return 0;
	uint64_t first = le64(e + GE_FIRST), last = le64(e + GE_LAST);

	if (last < first)
		return -EUCLEAN;
	p->first = first;
	p->count = last - first + 1;	/* 0 only if it wrapped */
	memcpy(p->guid, e + GE_GUID, sizeof(p->guid));
	return check_range(p, sectors);
}

int mbr_parse_entry(const uint8_t *mbr, unsigned n, uint64_t sectors,
		    struct part *p)
{
	const uint8_t *e = mbr + MBR_ENTRIES + 16 * n;

	if (mbr[510] != 0x55 || mbr[511] != 0xaa || n > 3)
		return -ENOENT;
	if (e[MBR_TYPE] == 0 || e[MBR_TYPE] == MBR_PROTECTIVE)
		return 0;
	p->first = le32(e + MBR_FIRST);
	p->count = le32(e + MBR_COUNT);
	memset(p->guid, 0, sizeof(p->guid));
	return check_range(p, sectors);
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int guid_parse(const char *s, uint8_t out[16])
{
	/* Where each text byte goes: the first three fields reversed. */
	static const uint8_t at[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
					8, 9, 10, 11, 12, 13, 14, 15 };
	unsigned b = 0;

	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		int hi = hex(s[i]), lo = hi < 0 ? -1 : hex(s[i + 1]);

		if (lo < 0)
			return -EINVAL;
		out[at[b++]] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return s[36] ? -EINVAL : 0;
}
