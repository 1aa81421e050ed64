// SPDX-License-Identifier: MIT
/*
 * Tests of the Multiboot2 hand-over (arch/x86_64/boot_mb2.c) on boot
 * information built here as GRUB lays it out: what reaches the PVH reader
 * (memory map, command line, first module, the ACPI 2.0 RSDP copy before
 * the 1.0 one), memory map entries larger than PVH's packed in place, and
 * the information block kept as loader data. The block must lie below
 * 4 GiB, as a loader's does (MAP_32BIT). The PVH reader and kernel_start()
 * are played here: the first records what it was given, the second jumps
 * back to the test.
 */
#include "unit.h"

#include <arch/pvh.h>
#include <kernel/boot.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

void mb2_boot(uint32_t info_paddr, uint32_t magic);

#define MB2_MAGIC 0x36d76289

static struct {
	struct hvm_start_info si;
	struct hvm_memmap_entry mm[8];
	char cmdline[64];
	struct hvm_modlist_entry mod;
	char rsdp[8];
	uint8_t rsdp_revision;
} seen;
static struct boot_info bi;
static jmp_buf back;

struct boot_info *pvh_read_start_info(const struct hvm_start_info *si)
{
	memset(&seen, 0, sizeof(seen));
	seen.si = *si;
	for (uint32_t i = 0; i < si->memmap_entries && i < 8; i++)
		seen.mm[i] = ((const struct hvm_memmap_entry *)
			      (uintptr_t)si->memmap_paddr)[i];
	if (si->cmdline_paddr)
		strncpy(seen.cmdline, (const char *)(uintptr_t)si->cmdline_paddr,
			sizeof(seen.cmdline) - 1);
	if (si->nr_modules)
		seen.mod = *(const struct hvm_modlist_entry *)
			(uintptr_t)si->modlist_paddr;
	if (si->rsdp_paddr) {
		memcpy(seen.rsdp, (const void *)(uintptr_t)si->rsdp_paddr, 8);
		seen.rsdp_revision =
			((const uint8_t *)(uintptr_t)si->rsdp_paddr)[15];
	}
	memset(&bi, 0, sizeof(bi));
	return &bi;
}

void kernel_start(struct boot_info *b)
{
	(void)b;
	longjmp(back, 1);
}

/* Builds boot information tag by tag in (buf). */
struct mbi {
	uint8_t *buf;
	size_t len;
};

static void *tag(struct mbi *m, uint32_t type, uint32_t size)
{
	uint8_t *t = m->buf + m->len;

	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	m->len += (size + 7) & ~7u;
	return t + 8;
}

static uint8_t *new_mbi(struct mbi *m)
{
	m->buf = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	m->len = 8;
	return m->buf == MAP_FAILED ? NULL : m->buf;
}

static void finish(struct mbi *m)
{
	uint32_t total;

	tag(m, 0, 8);
	total = m->len;
	memcpy(m->buf, &total, 4);
}

static void rsdp_tag(struct mbi *m, uint32_t type, uint8_t revision)
{
	uint8_t *r = tag(m, type, 8 + (revision ? 36 : 20));

	memcpy(r, "RSD PTR ", 8);
	r[15] = revision;
}

static void run(struct mbi *m)
{
	if (setjmp(back) == 0)
		mb2_boot((uint32_t)(uintptr_t)m->buf, MB2_MAGIC);
}

UNIT_TEST(mb2_to_pvh)
{
	struct mbi m;
	uint32_t *u;
	uint64_t *e;

	REQUIRE(new_mbi(&m));
	strcpy(tag(&m, 1, 8 + 20), "toro.name=x -- a b");
	u = tag(&m, 3, 8 + 8 + 7);	/* the initrd */
	u[0] = 0x200000;
	u[1] = 0x201234;
	strcpy((char *)&u[2], "initrd");
	u = tag(&m, 3, 8 + 8 + 1);	/* a second module: not ours */
	u[0] = 0x300000;
	u[1] = 0x300100;
	rsdp_tag(&m, 15, 2);		/* ACPI 2.0 first, then 1.0: 2.0 wins */
	rsdp_tag(&m, 14, 0);
	/* Entries of 32 bytes: E820's 24 and 8 more, which must go. */
	u = tag(&m, 6, 16 + 3 * 32);
	u[0] = 32;
	u[1] = 0;
	e = (uint64_t *)&u[2];
	for (int i = 0; i < 3; i++, e += 4) {
		e[0] = 0x100000ull * (i + 1);
		e[1] = 0x1000ull * (i + 1);
		e[2] = (i == 1 ? 2 : 1);	/* type, reserved */
		e[3] = 0xdeadbeefdeadbeefull;
	}
	finish(&m);
	run(&m);

	CHECK_EQ(seen.si.magic, PVH_START_MAGIC);
	CHECK_EQ(seen.si.version, 1);
	CHECK_STR_EQ(seen.cmdline, "toro.name=x -- a b");
	CHECK_EQ(seen.si.nr_modules, 1);
	CHECK_EQ(seen.mod.paddr, 0x200000);
	CHECK_EQ(seen.mod.size, 0x1234);
	CHECK(memcmp(seen.rsdp, "RSD PTR ", 8) == 0);
	CHECK_EQ(seen.rsdp_revision, 2);
	REQUIRE(seen.si.memmap_entries == 3);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(seen.mm[i].addr, 0x100000ull * (i + 1));
		CHECK_EQ(seen.mm[i].size, 0x1000ull * (i + 1));
		CHECK_EQ(seen.mm[i].type, i == 1 ? 2 : 1);
	}
	/* The block, and with it the RSDP copy, stays out of free memory. */
	CHECK_EQ(bi.loader_data.start, (uintptr_t)m.buf);
	CHECK_EQ(bi.loader_data.end, (uintptr_t)m.buf + m.len);
	CHECK(seen.si.rsdp_paddr > bi.loader_data.start &&
	      seen.si.rsdp_paddr < bi.loader_data.end);
	munmap(m.buf, 65536);
}

UNIT_TEST(mb2_old_rsdp_and_no_module)
{
	struct mbi m;
	uint32_t *u;
	uint64_t *e;

	REQUIRE(new_mbi(&m));
	rsdp_tag(&m, 14, 0);
	u = tag(&m, 6, 16 + 24);
	u[0] = 24;
	e = (uint64_t *)&u[2];
	e[0] = 0;
	e[1] = 0x9fc00;
	e[2] = 1;
	finish(&m);
	run(&m);
	CHECK_EQ(seen.si.nr_modules, 0);
	CHECK_EQ(seen.si.cmdline_paddr, 0);
	CHECK_EQ(seen.rsdp_revision, 0);
	CHECK(memcmp(seen.rsdp, "RSD PTR ", 8) == 0);
	CHECK_EQ(seen.si.memmap_entries, 1);
	CHECK_EQ(seen.mm[0].size, 0x9fc00);
	munmap(m.buf, 65536);
}

/* A tag claiming less than its own header, or running past the block,
 * ends the walk there rather than looping or reading beyond. */
UNIT_TEST(mb2_broken_tags_end_the_walk)
{
	struct mbi m;
	uint32_t *u, total;

	REQUIRE(new_mbi(&m));
	strcpy(tag(&m, 1, 8 + 4), "abc");
	u = (uint32_t *)(m.buf + m.len);
	u[0] = 1;			/* a command line of size 4 */
	u[1] = 4;
	m.len += 8;
	strcpy(tag(&m, 1, 8 + 4), "xyz");	/* never reached */
	finish(&m);
	run(&m);
	CHECK_STR_EQ(seen.cmdline, "abc");
	CHECK_EQ(seen.si.memmap_entries, 0);

	/* total_size stops the walk before a tag that would cross it. */
	m.len = 8;
	strcpy(tag(&m, 1, 8 + 4), "one");
	total = m.len + 4;		/* half of the next tag's header */
	strcpy(tag(&m, 1, 8 + 4), "two");
	memcpy(m.buf, &total, 4);
	run(&m);
	CHECK_STR_EQ(seen.cmdline, "one");
	munmap(m.buf, 65536);
}
