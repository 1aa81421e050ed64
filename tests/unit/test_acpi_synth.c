// SPDX-License-Identifier: MIT
/*
 * Tests of the ACPI parsers (arch/x86_64/acpi_*.c) on hand-built tables,
 * broken in the ways firmware tables break: bad checksums, short or
 * overlong entries and tables, too many CPUs, odd AML encodings of \_S5.
 * Also this machine's own tables (a Firecracker guest), which sysfs gives
 * without an RSDP, so one is built around them.
 */
#include "physmem.h"
#include "unit.h"

#include <arch/acpi.h>
#include <arch/platform.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_cpus_0_to(const struct platform_info *pi, unsigned n)
{
	CHECK_EQ(pi->ncpus, n);
	for (unsigned i = 0; i < n && i < pi->ncpus; i++)
		CHECK_EQ(pi->apic_ids[i], i);
}

static void set_checksum(void *table, size_t len, uint8_t *field)
{
	uint8_t sum = 0;

	*field = 0;
	for (size_t i = 0; i < len; i++)
		sum += ((uint8_t *)table)[i];
	*field = (uint8_t)-sum;
}

static void seal(struct acpi_header *h)
{
	set_checksum(h, h->length, &h->checksum);
}

static struct acpi_header *new_table(uint64_t phys, const char *sig,
				     size_t len)
{
	struct acpi_header *h = physmem_add(phys, len);

	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = 1;
	memcpy(h->oem_id, "TORO  ", 6);
	return h;
}

/* An RSDP of (revision) at (phys) naming an RSDT and/or XSDT. */
static struct acpi_rsdp *new_rsdp(uint64_t phys, uint8_t revision,
				  uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp *r = physmem_add(phys, sizeof(*r));

	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, "TORO  ", 6);
	r->revision = revision;
	r->rsdt_address = rsdt;
	set_checksum(r, ACPI_RSDP_V1_LEN, &r->checksum);
	if (revision >= 2) {
		r->length = sizeof(*r);
		r->xsdt_address = xsdt;
		set_checksum(r, sizeof(*r), &r->ext_checksum);
	}
	return r;
}

/* An XSDT (8-byte entries) or RSDT (4-byte entries) listing (tables). */
static struct acpi_header *new_root(uint64_t phys, const char *sig,
				    const uint64_t *tables, size_t n)
{
	size_t esize = !memcmp(sig, "XSDT", 4) ? 8 : 4;
	struct acpi_header *h = new_table(phys, sig, sizeof(*h) + n * esize);

	for (size_t i = 0; i < n; i++)
		memcpy((uint8_t *)(h + 1) + i * esize, &tables[i], esize);
	seal(h);
	return h;
}

/* Builds a MADT in (cap) bytes at (phys); madt_add() appends entries. */
struct madt_builder {
	struct acpi_madt *madt;
	size_t len, cap;
};

static void madt_start(struct madt_builder *b, uint64_t phys, size_t cap)
{
	b->madt = (struct acpi_madt *)new_table(phys, "APIC", cap);
	b->madt->lapic_address = 0xfee00000;
	b->len = sizeof(*b->madt);
	b->cap = cap;
}

static void madt_add(struct madt_builder *b, const void *e, size_t len)
{
	if (b->len + len > b->cap)
		abort();
	memcpy((uint8_t *)b->madt + b->len, e, len);
	b->len += len;
}

static void madt_add_lapic(struct madt_builder *b, uint8_t id, uint32_t flags)
{
	struct acpi_madt_lapic e = {
		.e = { ACPI_MADT_LAPIC, sizeof(e) },
		.processor_uid = id,
		.apic_id = id,
		.flags = flags,
	};

	madt_add(b, &e, sizeof(e));
}

static void madt_add_x2apic(struct madt_builder *b, uint32_t id,
			    uint32_t flags)
{
	struct acpi_madt_x2apic e = {
		.e = { ACPI_MADT_X2APIC, sizeof(e) },
		.x2apic_id = id,
		.flags = flags,
		.processor_uid = id,
	};

	madt_add(b, &e, sizeof(e));
}

static void madt_finish(struct madt_builder *b)
{
	b->madt->hdr.length = b->len;
	seal(&b->madt->hdr);
}

static const struct acpi_header *map_header(uint64_t phys)
{
	return acpi_map_table(phys, NULL, physmem_map);
}

UNIT_TEST(acpi_rsdp_checksums)
{
	struct platform_info pi;
	struct acpi_rsdp *r;

	/* A broken candidate first: the search must go on to the good one. */
	physmem_reset();
	r = new_rsdp(0xe0000, 0, 0x100000, 0);
	r->checksum ^= 1;
	new_rsdp(0xe1230, 0, 0x100000, 0);
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0xe1230);
	CHECK_EQ(acpi_parse(0xe0000, physmem_map, &pi), -EINVAL);
	CHECK_EQ(pi.source, PLATFORM_NONE);
	CHECK_EQ(pi.ncpus, 0);

	/* Revision 2: the extended checksum must hold too. */
	physmem_reset();
	r = new_rsdp(0xe0000, 2, 0, 0x300000);
	r->ext_checksum ^= 0xff;
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0);
	CHECK_EQ(acpi_parse(0xe0000, physmem_map, &pi), -EINVAL);

	/* Off the 16-byte grid is not searched. */
	physmem_reset();
	new_rsdp(0xe0008, 0, 0, 0);
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0);

	/* The EBDA comes first. */
	physmem_reset();
	memcpy(physmem_add(0x40e, 2), &(uint16_t){ 0x9fc0 }, 2);
	new_rsdp(0x9fc00 + 0x100, 0, 0, 0);
	new_rsdp(0xf0000, 0, 0, 0);
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0x9fd00);

	/* An RSDP at the very end of the BIOS area, cut short by 1 MiB. */
	physmem_reset();
	memcpy(physmem_add(0xffff0, 8), "RSD PTR ", 8);
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0);

	/* Nothing mapped at all. */
	physmem_reset();
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0);
	CHECK_EQ(acpi_parse(0xe0000, physmem_map, &pi), -EINVAL);
	physmem_reset();
}

/* A MADT listing the enabled CPUs (ids) at (phys). */
static struct acpi_madt *simple_madt(uint64_t phys, const uint8_t *ids,
				     size_t n)
{
	struct madt_builder b;

	madt_start(&b, phys, 256);
	for (size_t i = 0; i < n; i++)
		madt_add_lapic(&b, ids[i], ACPI_MADT_ENABLED);
	madt_finish(&b);
	return b.madt;
}

UNIT_TEST(acpi_bad_tables_skipped)
{
	static const uint8_t bad_ids[] = { 7 }, good_ids[] = { 1, 2 };
	const uint64_t tables[] = { 0x200000, 0x201000, 0x202000, 0,
				    0x7000000 };
	struct platform_info pi;
	struct acpi_header *h;

	/* The first MADT has a bad checksum, the FACP is shorter than its
	 * fixed fields, the HPET is shorter than a header, one entry is null
	 * and one points at unmapped memory: all are skipped and the second
	 * MADT is used. */
	physmem_reset();
	new_rsdp(0xe0000, 2, 0, 0x301000);
	simple_madt(0x200000, bad_ids, 1)->hdr.checksum ^= 0x55;
	h = new_table(0x201000, "FACP", 100);
	seal(h);
	simple_madt(0x202000, good_ids, 2);
	new_root(0x301000, "XSDT", tables, ARRAY_SIZE(tables));
	CHECK_EQ(acpi_parse(0xe0000, physmem_map, &pi), 0);
	REQUIRE(pi.ncpus == 2);
	CHECK_EQ(pi.apic_ids[0], 1);
	CHECK_EQ(pi.apic_ids[1], 2);
	CHECK(!pi.has_s5);

	/* Table lengths below a header or absurdly large are refused
	 * before anything past the header is mapped. */
	h = new_table(0x400000, "SSDT", 36);
	h->length = 35;
	CHECK(!map_header(0x400000));
	h->length = 0xffffffff;
	CHECK(!map_header(0x400000));
	h->length = 36;
	seal(h);
	CHECK(map_header(0x400000) != NULL);
	CHECK(!acpi_map_table(0x400000, "DSDT", physmem_map));
	physmem_reset();
}

UNIT_TEST(acpi_xsdt_fallback_to_rsdt)
{
	static const uint8_t ids[] = { 3 };
	const uint64_t tables[] = { 0x200000 };
	struct platform_info pi;

	/* A revision 2 RSDP whose XSDT is corrupt: the RSDT still works. */
	physmem_reset();
	new_rsdp(0xe0000, 2, 0x300000, 0x301000);
	simple_madt(0x200000, ids, 1);
	new_root(0x300000, "RSDT", tables, 1);
	new_root(0x301000, "XSDT", tables, 1)->checksum ^= 1;
	CHECK_EQ(acpi_parse(0xe0000, physmem_map, &pi), 0);
	CHECK_EQ(pi.ncpus, 1);

	/* Neither root table valid. */
	physmem_reset();
	new_rsdp(0xe0000, 2, 0x300000, 0x301000);
	CHECK_EQ(acpi_parse(0xe0000, physmem_map, &pi), -EINVAL);

	/* A valid root table without a MADT. */
	physmem_reset();
	new_rsdp(0xe0000, 0, 0x300000, 0);
	new_root(0x300000, "RSDT", NULL, 0);
	CHECK_EQ(acpi_parse(0xe0000, physmem_map, &pi), -ENOENT);
	CHECK_EQ(pi.source, PLATFORM_NONE);
	physmem_reset();
}

/* Runs acpi_parse_madt() alone, on a table that needs no checksum. */
static int parse_madt(struct madt_builder *b, struct platform_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->lapic_base = 0xfee00000;
	b->madt->hdr.length = b->len;
	return acpi_parse_madt(&b->madt->hdr, pi);
}

UNIT_TEST(acpi_madt_entries)
{
	struct acpi_madt_ioapic io = {
		.e = { ACPI_MADT_IOAPIC, sizeof(io) },
		.id = 4, .address = 0xfec01000, .gsi_base = 48,
	};
	struct acpi_madt_iso iso = {
		.e = { ACPI_MADT_ISO, sizeof(iso) },
		.bus = 0, .source = 9, .gsi = 20,
		.flags = MPS_INTI_LEVEL | MPS_INTI_ACTIVE_LOW,
	};
	struct acpi_madt_lapic_override lo = {
		.e = { ACPI_MADT_LAPIC_OVERRIDE, sizeof(lo) },
		.address = 0x123400000000ull,
	};
	struct acpi_madt_entry unknown = { 0x7f, 6 };
	uint8_t pad[4] = { 0 };
	struct platform_info pi;
	struct madt_builder b;

	physmem_reset();
	madt_start(&b, 0x200000, 512);
	b.madt->flags = 0;
	madt_add_lapic(&b, 0, ACPI_MADT_ENABLED);
	madt_add_lapic(&b, 1, 0);				/* absent */
	madt_add_lapic(&b, 2, ACPI_MADT_ONLINE_CAPABLE);	/* hotplug */
	madt_add_lapic(&b, 0xff, ACPI_MADT_ENABLED);		/* invalid */
	madt_add_x2apic(&b, 0, ACPI_MADT_ENABLED);		/* duplicate */
	madt_add_x2apic(&b, 300, ACPI_MADT_ENABLED);
	madt_add_x2apic(&b, 0xffffffff, ACPI_MADT_ENABLED);	/* invalid */
	madt_add(&b, &unknown, sizeof(unknown));
	madt_add(&b, pad, sizeof(pad));
	madt_add(&b, &io, sizeof(io));
	madt_add(&b, &iso, sizeof(iso));
	iso.source = 9;		/* a second route for IRQ 9 is ignored */
	iso.gsi = 21;
	madt_add(&b, &iso, sizeof(iso));
	iso.bus = 1;		/* not ISA */
	iso.source = 3;
	madt_add(&b, &iso, sizeof(iso));
	madt_add(&b, &lo, sizeof(lo));
	CHECK_EQ(parse_madt(&b, &pi), 0);

	REQUIRE(pi.ncpus == 3);
	CHECK_EQ(pi.apic_ids[0], 0);
	CHECK_EQ(pi.apic_ids[1], 2);
	CHECK_EQ(pi.apic_ids[2], 300);
	CHECK(!pi.has_pic);
	REQUIRE(pi.nioapics == 1);
	CHECK_EQ(pi.ioapics[0].id, 4);
	CHECK_EQ(pi.ioapics[0].addr, 0xfec01000);
	CHECK_EQ(pi.ioapics[0].gsi_base, 48);
	REQUIRE(pi.noverrides == 1);
	CHECK_EQ(pi.overrides[0].isa_irq, 9);
	CHECK_EQ(pi.overrides[0].gsi, 20);
	CHECK_EQ(pi.overrides[0].flags, 0xf);
	CHECK_EQ(pi.lapic_base, 0x123400000000ull);

	/* Too short to hold the MADT's own fields. */
	b.len = sizeof(struct acpi_header) + 4;
	CHECK_EQ(parse_madt(&b, &pi), -EINVAL);
	physmem_reset();
}

UNIT_TEST(acpi_madt_bad_lengths)
{
	struct acpi_madt_entry zero = { ACPI_MADT_LAPIC, 0 };
	struct acpi_madt_entry one = { ACPI_MADT_LAPIC, 1 };
	struct acpi_madt_entry lone = { ACPI_MADT_LAPIC, 8 };
	struct acpi_madt_lapic short_lapic = {
		.e = { ACPI_MADT_LAPIC, 4 }, .apic_id = 9, .flags = 1,
	};
	struct acpi_madt_x2apic past_end = {
		.e = { ACPI_MADT_X2APIC, 200 }, .x2apic_id = 8, .flags = 1,
	};
	struct platform_info pi;
	struct madt_builder b;

	physmem_reset();

	/* A zero-length entry ends the walk; what came before counts. */
	madt_start(&b, 0x200000, 256);
	madt_add_lapic(&b, 1, ACPI_MADT_ENABLED);
	madt_add(&b, &zero, sizeof(zero));
	madt_add_lapic(&b, 2, ACPI_MADT_ENABLED);
	CHECK_EQ(parse_madt(&b, &pi), 0);
	CHECK_EQ(pi.ncpus, 1);

	/* So does a one-byte entry, shorter than an entry header. */
	madt_start(&b, 0x201000, 256);
	madt_add(&b, &one, sizeof(one));
	madt_add_lapic(&b, 2, ACPI_MADT_ENABLED);
	CHECK_EQ(parse_madt(&b, &pi), 0);
	CHECK_EQ(pi.ncpus, 0);

	/* An entry shorter than its type is skipped, not misread. */
	madt_start(&b, 0x202000, 256);
	madt_add(&b, &short_lapic, 4);
	madt_add_lapic(&b, 2, ACPI_MADT_ENABLED);
	CHECK_EQ(parse_madt(&b, &pi), 0);
	REQUIRE(pi.ncpus == 1);
	CHECK_EQ(pi.apic_ids[0], 2);

	/* An entry running past the table ends the walk: the mapping is
	 * exactly the table, so reading on would trip ASan. */
	madt_start(&b, 0x203000, 256);
	madt_add_lapic(&b, 1, ACPI_MADT_ENABLED);
	madt_add(&b, &past_end, sizeof(past_end));
	madt_finish(&b);
	REQUIRE(map_header(0x203000) != NULL);
	memset(&pi, 0, sizeof(pi));
	CHECK_EQ(acpi_parse_madt(map_header(0x203000), &pi), 0);
	CHECK_EQ(pi.ncpus, 1);

	/* A lone entry header at the very end, its body missing. */
	madt_start(&b, 0x204000, 256);
	madt_add_lapic(&b, 1, ACPI_MADT_ENABLED);
	madt_add(&b, &lone, sizeof(lone));
	madt_finish(&b);
	memset(&pi, 0, sizeof(pi));
	CHECK_EQ(acpi_parse_madt(map_header(0x204000), &pi), 0);
	CHECK_EQ(pi.ncpus, 1);
	physmem_reset();
}

UNIT_TEST(acpi_madt_cpu_cap)
{
	struct platform_info pi;
	struct madt_builder b;

	/* 100 x2APIC CPUs, each listed twice (as firmware does for IDs below
	 * 255 when it also emits xAPIC entries): 64 kept, 36 dropped. */
	physmem_reset();
	madt_start(&b, 0x200000, 4096);
	for (uint32_t id = 0; id < 100; id++) {
		madt_add_x2apic(&b, id * 2, ACPI_MADT_ENABLED);
		if (id < 50)
			madt_add_lapic(&b, id * 2, ACPI_MADT_ENABLED);
	}
	CHECK_EQ(parse_madt(&b, &pi), 0);
	CHECK_EQ(pi.ncpus, MAX_CPUS);
	CHECK_EQ(pi.ncpus_dropped, 100 - MAX_CPUS);
	CHECK_EQ(pi.apic_ids[MAX_CPUS - 1], (MAX_CPUS - 1) * 2);
	physmem_reset();
}

/* --- FADT and \_S5 ----------------------------------------------------- */

static struct acpi_fadt *new_fadt(uint64_t phys, size_t len)
{
	return (struct acpi_fadt *)new_table(phys, "FACP", len);
}

static void parse_fadt(const struct acpi_fadt *f, struct platform_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	CHECK_EQ(acpi_parse_fadt(&f->hdr, physmem_map, pi), 0);
}

/* A DSDT at (phys) whose AML body is (aml). */
static struct acpi_header *new_dsdt(uint64_t phys, const void *aml,
				    size_t len)
{
	struct acpi_header *h = new_table(phys, "DSDT", sizeof(*h) + len);

	memcpy(h + 1, aml, len);
	seal(h);
	return h;
}

UNIT_TEST(acpi_fadt_versions)
{
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06,
				      0x04, 0x0a, 0x07, 0x0a, 0x07, 0x00 };
	struct platform_info pi;
	struct acpi_fadt *f;

	physmem_reset();
	new_dsdt(0x300000, s5, sizeof(s5));

	/* ACPI 1.0: 116 bytes, 32-bit fields only. */
	f = new_fadt(0x200000, 116);
	f->pm_tmr_blk = 0xb008;
	f->pm1a_cnt_blk = 0xb004;
	f->dsdt = 0x300000;
	f->flags = ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_RESET_REG_SUP;
	parse_fadt(f, &pi);
	CHECK_EQ(pi.pm_timer_port, 0xb008);
	CHECK(pi.pm_timer_32bit);
	CHECK_EQ(pi.pm1a_cnt_port, 0xb004);
	CHECK(!pi.has_reset_reg);	/* the flag, but no field for it */
	CHECK(pi.has_s5);
	CHECK_EQ(pi.s5_slp_typ, 7);

	/* Too short for the flags. */
	f->hdr.length = 100;
	memset(&pi, 0, sizeof(pi));
	CHECK_EQ(acpi_parse_fadt(&f->hdr, physmem_map, &pi), -EINVAL);

	/* ACPI 2.0+: the X_ blocks win when they are in I/O space; one in
	 * memory space is unusable as a port, so the legacy one is taken.
	 * X_DSDT, when set, wins over DSDT. */
	f = new_fadt(0x201000, 244);
	f->pm_tmr_blk = 0x408;
	f->x_pm_tmr_blk = (struct acpi_gas){ ACPI_GAS_MEMORY, 32, 0, 3,
					     0xfed00000 };
	f->pm1a_cnt_blk = 0x404;
	f->x_pm1a_cnt_blk = (struct acpi_gas){ ACPI_GAS_IO, 16, 0, 2, 0x1804 };
	f->dsdt = 0x12345678;
	f->x_dsdt = 0x300000;
	f->flags = ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = (struct acpi_gas){ ACPI_GAS_IO, 8, 0, 1, 0xcf9 };
	f->reset_value = 6;
	parse_fadt(f, &pi);
	CHECK_EQ(pi.pm_timer_port, 0x408);
	CHECK(!pi.pm_timer_32bit);
	CHECK_EQ(pi.pm1a_cnt_port, 0x1804);
	CHECK(pi.has_reset_reg);
	CHECK_EQ(pi.reset_reg.address, 0xcf9);
	CHECK_EQ(pi.reset_value, 6);
	CHECK(pi.has_s5);

	/* A table cut inside X_PM_TMR_BLK must not use half of it. */
	f->x_pm_tmr_blk = (struct acpi_gas){ ACPI_GAS_IO, 32, 0, 3, 0x1808 };
	f->hdr.length = 219;
	parse_fadt(f, &pi);
	CHECK_EQ(pi.pm_timer_port, 0x408);
	f->hdr.length = 220;
	parse_fadt(f, &pi);
	CHECK_EQ(pi.pm_timer_port, 0x1808);

	/* Hardware-reduced: PM fields are ignored; the sleep control
	 * register is used only when the table holds all of it. */
	f = new_fadt(0x202000, 276);
	f->flags = ACPI_FADT_HW_REDUCED_ACPI;
	f->pm_tmr_blk = 0x608;
	f->pm1a_cnt_blk = 0x604;
	f->sleep_control = (struct acpi_gas){ ACPI_GAS_IO, 8, 0, 1, 0x3c0 };
	f->dsdt = 0x300000;
	parse_fadt(f, &pi);
	CHECK(pi.hw_reduced);
	CHECK_EQ(pi.pm_timer_port, 0);
	CHECK_EQ(pi.pm1a_cnt_port, 0);
	CHECK_EQ(pi.sleep_control.space, ACPI_GAS_IO);
	CHECK_EQ(pi.sleep_control.address, 0x3c0);
	CHECK(!pi.has_reset_reg);
	f->hdr.length = 255;
	parse_fadt(f, &pi);
	CHECK_EQ(pi.sleep_control.address, 0);

	/* A DSDT with a bad checksum is not searched. */
	physmem_reset();
	new_dsdt(0x300000, s5, sizeof(s5))->checksum ^= 1;
	f = new_fadt(0x200000, 116);
	f->dsdt = 0x300000;
	parse_fadt(f, &pi);
	CHECK(!pi.has_s5);
	physmem_reset();
}

struct s5_case {
	const char *what;
	uint8_t aml[24];
	size_t len;
	bool found;
	uint8_t slp_typ;
};

UNIT_TEST(acpi_s5_encodings)
{
	static const struct s5_case cases[] = {
		{ "QEMU q35: Zero", { 0x08, '_', 'S', '5', '_', 0x12, 0x06,
				      0x04, 0x00, 0x00, 0x00, 0x00 },
		  12, true, 0 },
		{ "microvm: BytePrefix", { 0x08, '_', 'S', '5', '_', 0x12,
					   0x07, 0x04, 0x0a, 0x05, 0x00, 0x00,
					   0x00 },
		  13, true, 5 },
		{ "root prefix, One", { 0x08, '\\', '_', 'S', '5', '_', 0x12,
					0x04, 0x02, 0x01, 0x01 },
		  11, true, 1 },
		{ "parent prefixes, WordPrefix", { 0x08, '^', '^', '_', 'S',
						   '5', '_', 0x12, 0x05, 0x01,
						   0x0b, 0x03, 0x00 },
		  13, true, 3 },
		{ "two-byte PkgLength past the end",
		  { 0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x01, 0x01, 0x0c,
		    0x06, 0x00, 0x00, 0x00 },
		  14, false, 0 },	/* claims 16 bytes, 8 are left */
		{ "two-byte PkgLength too short for its DWord",
		  { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x01, 0x0c,
		    0x06, 0x00, 0x00, 0x00 },
		  14, false, 0 },
		{ "two-byte PkgLength in bounds",
		  { 0x08, '_', 'S', '5', '_', 0x12, 0x48, 0x00, 0x01, 0x0c,
		    0x06, 0x00, 0x00, 0x00 },
		  14, true, 6 },
		{ "QWordPrefix", { 0x08, '_', 'S', '5', '_', 0x12, 0x0b, 0x01,
				   0x0e, 0x02, 0, 0, 0, 0, 0, 0, 0 },
		  17, true, 2 },
		{ "not after NameOp", { 0x10, '_', 'S', '5', '_', 0x12, 0x04,
					0x01, 0x0a, 0x05 },
		  10, false, 0 },
		{ "a Method, not a Package", { 0x08, '_', 'S', '5', '_', 0x14,
					       0x04, 0x00, 0xa4, 0x00 },
		  10, false, 0 },
		{ "no elements", { 0x08, '_', 'S', '5', '_', 0x12, 0x02,
				   0x00 },
		  8, false, 0 },
		{ "element is a name", { 0x08, '_', 'S', '5', '_', 0x12, 0x06,
					 0x01, 'A', 'B', 'C', 'D' },
		  12, false, 0 },
		{ "cut in the BytePrefix", { 0x08, '_', 'S', '5', '_', 0x12,
					     0x03, 0x01, 0x0a },
		  9, false, 0 },
		{ "cut after the PackageOp", { 0x08, '_', 'S', '5', '_',
					       0x12 },
		  6, false, 0 },
		{ "cut in the name", { 0x08, '_', 'S', '5' }, 4, false, 0 },
		{ "name at offset 0", { '_', 'S', '5', '_', 0x12, 0x03, 0x01,
					0x01 },
		  8, false, 0 },
		{ "second match is good", { 0x08, '_', 'S', '5', '_', 0x00,
					    0x08, '_', 'S', '5', '_', 0x12,
					    0x03, 0x01, 0x01 },
		  15, true, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct s5_case *c = &cases[i];
		uint8_t *aml = malloc(c->len);	/* exact, for ASan */
		uint8_t typ = 0xee;
		bool found;

		memcpy(aml, c->aml, c->len);
		found = acpi_find_s5(aml, c->len, &typ);
		if (!CHECK_EQ(found, c->found) ||
		    (found && !CHECK_EQ(typ, c->slp_typ)))
			printf("    case: %s\n", c->what);
		free(aml);
	}
}

/* --- This machine's own tables ------------------------------------------ */

UNIT_TEST(acpi_firecracker)
{
	const uint64_t tables[] = { 0x200000, 0x201000, 0x202000 };
	struct platform_info pi;
	uint64_t rsdp;

	/* Firecracker gives no RSDP in sysfs, so the test builds one and an
	 * XSDT around its APIC, FACP and MCFG; the DSDT goes where the
	 * FACP's X_DSDT says, 0x9fd44. */
	physmem_reset();
	REQUIRE(physmem_load_file("firecracker/APIC", 0x200000, NULL));
	REQUIRE(physmem_load_file("firecracker/FACP", 0x201000, NULL));
	REQUIRE(physmem_load_file("firecracker/MCFG", 0x202000, NULL));
	REQUIRE(physmem_load_file("firecracker/DSDT", 0x9fd44, NULL));
	new_rsdp(0xe0000, 2, 0, 0x300000);
	new_root(0x300000, "XSDT", tables, ARRAY_SIZE(tables));
	rsdp = acpi_find_rsdp(physmem_map);
	CHECK_EQ(rsdp, 0xe0000);
	CHECK_EQ(acpi_parse(rsdp, physmem_map, &pi), 0);

	/* A 2-vCPU guest: one I/O APIC, no ISA overrides, no 8259s. */
	check_cpus_0_to(&pi, 2);
	CHECK(!pi.has_pic);
	REQUIRE(pi.nioapics == 1);
	CHECK_EQ(pi.ioapics[0].addr, 0xfec00000);
	CHECK_EQ(pi.ioapics[0].gsi_base, 0);
	CHECK_EQ(pi.noverrides, 0);

	/* Hardware-reduced with nothing to power off or reset through:
	 * no sleep control register, no \_S5, no reset register. */
	CHECK(pi.hw_reduced);
	CHECK_EQ(pi.pm_timer_port, 0);
	CHECK_EQ(pi.sleep_control.address, 0);
	CHECK(!pi.has_s5);
	CHECK(!pi.has_reset_reg);
	CHECK_EQ(pi.hpet_base, 0);
	CHECK_EQ(pi.ecam_base, 0xeec00000);
	CHECK_EQ(pi.ecam_bus_start, 0);
	CHECK_EQ(pi.ecam_bus_end, 0);
	physmem_reset();
}
