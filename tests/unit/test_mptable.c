// SPDX-License-Identifier: MIT
/*
 * Tests of the MP table parser (arch/x86_64/mptable.c) on the tables qboot
 * and SeaBIOS build under QEMU 7.2 (tests/unit/data/README), then on
 * hand-built ones that are broken: bad checksums, unknown entry types,
 * entries past the table, default configurations and too many CPUs.
 */
#include "physmem.h"
#include "unit.h"

#include <arch/mptable.h>
#include <arch/platform.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int parse_fixture(const char *name, uint64_t *fp,
			 struct platform_info *pi)
{
	memset(pi, 0, sizeof(*pi));	/* defined values if we fail early */
	physmem_reset();
	if (physmem_load(name) != 0)
		return -100;
	*fp = mptable_find(physmem_map);
	if (!*fp)
		return -101;
	return mptable_parse(*fp, physmem_map, pi);
}

static void check_cpus_0_to(const struct platform_info *pi, unsigned n)
{
	CHECK_EQ(pi->ncpus, n);
	for (unsigned i = 0; i < n && i < pi->ncpus; i++)
		CHECK_EQ(pi->apic_ids[i], i);
}

static void check_one_ioapic(const struct platform_info *pi, uint8_t id)
{
	REQUIRE(pi->nioapics == 1);
	CHECK_EQ(pi->ioapics[0].id, id);
	CHECK_EQ(pi->ioapics[0].addr, 0xfec00000);
	CHECK_EQ(pi->ioapics[0].gsi_base, 0);
}

/* Both firmwares route ISA IRQ 0 to pin 2 and every other ISA IRQ to its
 * own pin, edge-triggered and active high: one override. */
static void check_irq0_override(const struct platform_info *pi)
{
	REQUIRE(pi->noverrides == 1);
	CHECK_EQ(pi->overrides[0].isa_irq, 0);
	CHECK_EQ(pi->overrides[0].gsi, 2);
	CHECK_EQ(pi->overrides[0].flags, 0);
}

UNIT_TEST(mptable_qboot)
{
	static const char *const fixtures[] = {
		"microvm-noacpi", "microvm-acpi", "q35-qboot",
	};
	struct platform_info pi;
	uint64_t fp;

	/* qboot fills no BDA field and puts the pointer at 639 KiB, with an
	 * entry count of 0. It builds the table with acpi=on too, and
	 * gives the I/O APIC the ID 5 where QEMU's MADT says 0. */
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		CHECK_EQ(parse_fixture(fixtures[i], &fp, &pi), 0);
		CHECK_EQ(fp, 0x9fc00);
		CHECK_EQ(pi.source, PLATFORM_MPTABLE);
		check_cpus_0_to(&pi, 4);
		CHECK_EQ(pi.ncpus_dropped, 0);
		CHECK_EQ(pi.lapic_base, 0xfee00000);
		CHECK(!pi.imcr_present);
		check_one_ioapic(&pi, 5);
		check_irq0_override(&pi);
		CHECK_EQ(pi.pm_timer_port, 0);
		CHECK(!pi.has_s5);
	}
	physmem_reset();
}

UNIT_TEST(mptable_qboot_70_cpus)
{
	struct platform_info pi;
	uint64_t fp;

	/* qboot writes a 1596-byte table at 0x9fc10, across 640 KiB into
	 * the VGA hole, where the writes are lost: what survives is CPUs
	 * 0-48, then zeros (disabled processor entries) up to the table's
	 * length; the I/O APIC entry is gone. The checksum still holds,
	 * so only the walk's bounds keep this from going wrong. */
	CHECK_EQ(parse_fixture("q35-qboot-70", &fp, &pi), 0);
	CHECK_EQ(fp, 0x9fc00);
	check_cpus_0_to(&pi, 49);
	CHECK_EQ(pi.nioapics, 0);
	CHECK_EQ(pi.noverrides, 0);
	physmem_reset();
}

UNIT_TEST(mptable_seabios)
{
	static const char *const fixtures[] = {
		"q35-seabios", "q35-seabios-70", "q35-seabios-hotplug",
		"pc-seabios",
	};
	struct platform_info pi;
	uint64_t fp;

	/* SeaBIOS lists only the first CPU of each package, and QEMU 7.2
	 * puts all -smp CPUs in one socket: one processor entry whatever
	 * the CPU count (with -smp 4,sockets=4 it lists four). Use ACPI. */
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		CHECK_EQ(parse_fixture(fixtures[i], &fp, &pi), 0);
		CHECK_EQ(fp, 0xf5ba0);
		check_cpus_0_to(&pi, 1);
		check_one_ioapic(&pi, 0);
		check_irq0_override(&pi);
	}
	physmem_reset();
}

/* --- Hand-built tables ------------------------------------------------ */

static void set_checksum(void *p, size_t len, uint8_t *field)
{
	uint8_t sum = 0;

	*field = 0;
	for (size_t i = 0; i < len; i++)
		sum += ((uint8_t *)p)[i];
	*field = (uint8_t)-sum;
}

static struct mp_fp *new_fp(uint64_t phys, uint32_t config)
{
	struct mp_fp *fp = physmem_add(phys, sizeof(*fp));

	memcpy(fp->signature, "_MP_", 4);
	fp->config_addr = config;
	fp->length = 1;
	fp->spec_rev = 4;
	set_checksum(fp, sizeof(*fp), &fp->checksum);
	return fp;
}

struct mp_builder {
	struct mp_config *cfg;
	size_t len, cap;
};

static void mp_start(struct mp_builder *b, uint64_t phys, size_t cap)
{
	b->cfg = physmem_add(phys, cap);
	memcpy(b->cfg->signature, "PCMP", 4);
	b->cfg->spec_rev = 4;
	b->cfg->lapic_addr = 0xfee00000;
	b->len = sizeof(*b->cfg);
	b->cap = cap;
}

static void mp_add(struct mp_builder *b, const void *e, size_t len)
{
	if (b->len + len > b->cap)
		abort();
	memcpy((uint8_t *)b->cfg + b->len, e, len);
	b->len += len;
	b->cfg->entry_count++;
}

static void mp_add_cpu(struct mp_builder *b, uint8_t id, uint8_t flags)
{
	struct mp_processor e = {
		.type = MP_PROCESSOR, .lapic_id = id, .lapic_version = 0x14,
		.flags = flags,
	};

	mp_add(b, &e, sizeof(e));
}

static void mp_add_bus(struct mp_builder *b, uint8_t id, const char *type)
{
	struct mp_bus e = { .type = MP_BUS, .bus_id = id };

	memcpy(e.bus_type, type, 6);
	mp_add(b, &e, sizeof(e));
}

static void mp_add_ioapic(struct mp_builder *b, uint8_t id, uint32_t addr,
			  uint8_t flags)
{
	struct mp_ioapic e = {
		.type = MP_IOAPIC, .id = id, .version = 0x11, .flags = flags,
		.addr = addr,
	};

	mp_add(b, &e, sizeof(e));
}

static void mp_add_intr(struct mp_builder *b, uint8_t type, uint16_t flags,
			uint8_t bus, uint8_t irq, uint8_t dst, uint8_t pin)
{
	struct mp_intr e = {
		.type = MP_IOINTR, .irq_type = type, .flags = flags,
		.src_bus = bus, .src_irq = irq, .dst_id = dst, .dst_pin = pin,
	};

	mp_add(b, &e, sizeof(e));
}

static void mp_finish(struct mp_builder *b)
{
	b->cfg->base_len = b->len;
	set_checksum(b->cfg, b->len, &b->cfg->checksum);
}

UNIT_TEST(mptable_entries)
{
	struct platform_info pi;
	struct mp_builder b;

	/* Interrupt entries before the buses and I/O APICs they name, a
	 * second I/O APIC (GSIs from 24), an ISA IRQ through "all I/O
	 * APICs", a PCI line (not an override) and an NMI (ignored). */
	physmem_reset();
	new_fp(0xf0010, 0xf1000);
	mp_start(&b, 0xf1000, 512);
	b.cfg->lapic_addr = 0xfee10000;
	mp_add_intr(&b, MP_INT_VECTORED, 0, 1, 0, 8, 2);
	mp_add_intr(&b, MP_INT_VECTORED, 0, 1, 4, 9, 1);
	mp_add_intr(&b, MP_INT_VECTORED, 0, 1, 3, 8, 3);	/* identity */
	mp_add_intr(&b, MP_INT_VECTORED, 0xf, 0, 16, 8, 16);	/* PCI */
	mp_add_intr(&b, MP_INT_NMI, 0, 1, 7, 8, 9);
	mp_add_intr(&b, MP_INT_VECTORED, 0xd, 1, 9, MP_IOAPIC_ALL, 9);
	mp_add_cpu(&b, 0, MP_CPU_ENABLED | MP_CPU_BSP);
	mp_add_cpu(&b, 1, 0);				/* disabled */
	mp_add_cpu(&b, 6, MP_CPU_ENABLED);
	mp_add_cpu(&b, 6, MP_CPU_ENABLED);		/* duplicate */
	mp_add_bus(&b, 0, "PCI   ");
	mp_add_bus(&b, 1, "ISA   ");
	mp_add_ioapic(&b, 8, 0xfec00000, MP_IOAPIC_ENABLED);
	mp_add_ioapic(&b, 7, 0xfec20000, 0);		/* disabled */
	mp_add_ioapic(&b, 9, 0xfec10000, MP_IOAPIC_ENABLED);
	mp_finish(&b);
	CHECK_EQ(mptable_find(physmem_map), 0xf0010);
	CHECK_EQ(mptable_parse(0xf0010, physmem_map, &pi), 0);

	REQUIRE(pi.ncpus == 2);
	CHECK_EQ(pi.apic_ids[0], 0);
	CHECK_EQ(pi.apic_ids[1], 6);
	CHECK_EQ(pi.lapic_base, 0xfee10000);
	REQUIRE(pi.nioapics == 2);
	CHECK_EQ(pi.ioapics[0].id, 8);
	CHECK_EQ(pi.ioapics[0].gsi_base, 0);
	CHECK_EQ(pi.ioapics[1].id, 9);
	CHECK_EQ(pi.ioapics[1].addr, 0xfec10000);
	CHECK_EQ(pi.ioapics[1].gsi_base, MPTABLE_IOAPIC_PINS);
	REQUIRE(pi.noverrides == 3);
	CHECK_EQ(pi.overrides[0].isa_irq, 0);
	CHECK_EQ(pi.overrides[0].gsi, 2);
	CHECK_EQ(pi.overrides[1].isa_irq, 4);
	CHECK_EQ(pi.overrides[1].gsi, 25);
	CHECK_EQ(pi.overrides[2].isa_irq, 9);
	CHECK_EQ(pi.overrides[2].gsi, 9);
	CHECK_EQ(pi.overrides[2].flags, 0xd);
	physmem_reset();
}

UNIT_TEST(mptable_search_order)
{
	/* EBDA first, then the last KiB of base memory from the BDA, then
	 * 639 KiB, then the BIOS ROM; broken pointers are passed over. */
	physmem_reset();
	memcpy(physmem_add(0x40e, 2), &(uint16_t){ 0x9000 }, 2); /* 576 KiB */
	memcpy(physmem_add(0x413, 2), &(uint16_t){ 512 }, 2);
	new_fp(0xf0000, 0);
	CHECK_EQ(mptable_find(physmem_map), 0xf0000);
	new_fp(0x9fc00, 0);
	CHECK_EQ(mptable_find(physmem_map), 0x9fc00);
	new_fp(0x7fc10, 0);
	CHECK_EQ(mptable_find(physmem_map), 0x7fc10);
	new_fp(0x90000 + 0x3f0, 0)->checksum ^= 1;
	CHECK_EQ(mptable_find(physmem_map), 0x7fc10);
	new_fp(0x90000 + 0x200, 0);
	CHECK_EQ(mptable_find(physmem_map), 0x90200);

	/* Only 16-byte aligned candidates, and a length of 0 is refused. */
	physmem_reset();
	new_fp(0xf0008, 0);
	new_fp(0xf0020, 0)->length = 0;
	CHECK_EQ(mptable_find(physmem_map), 0);
	physmem_reset();
	CHECK_EQ(mptable_find(physmem_map), 0);

	/* Garbage in the BDA's EBDA word (firmware that sets up no BDA) must
	 * not send the search past 640 KiB: 0xfff0 would be 0xfff00, a KiB
	 * that runs into the kernel image at 1 MiB. */
	physmem_reset();
	memcpy(physmem_add(0x40e, 2), &(uint16_t){ 0xfff0 }, 2);
	new_fp(0xf0000, 0);
	CHECK_EQ(mptable_find(physmem_map), 0xf0000);
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0);
	CHECK(physmem_max_mapped() <= 0x100000);
}

UNIT_TEST(mptable_malformed)
{
	struct platform_info pi;
	struct mp_builder b;
	struct mp_fp *fp;

	/* Default configuration: a feature byte and no table. */
	physmem_reset();
	fp = new_fp(0xf0000, 0);
	fp->feature[0] = 5;
	fp->feature[1] = MP_FEATURE2_IMCRP;
	set_checksum(fp, sizeof(*fp), &fp->checksum);
	CHECK_EQ(mptable_parse(0xf0000, physmem_map, &pi), -ENOENT);
	CHECK_EQ(pi.source, PLATFORM_NONE);
	CHECK(pi.imcr_present);
	new_fp(0xf0010, 0);
	CHECK_EQ(mptable_parse(0xf0010, physmem_map, &pi), -ENOENT);

	/* A floating pointer with a bad checksum, or none at all. */
	new_fp(0xf0020, 0xf1000)->checksum ^= 1;
	CHECK_EQ(mptable_parse(0xf0020, physmem_map, &pi), -EINVAL);
	CHECK_EQ(mptable_parse(0xf0030, physmem_map, &pi), -EINVAL);

	/* A configuration table with a bad checksum or signature. */
	new_fp(0xf0040, 0xf1000);
	mp_start(&b, 0xf1000, 256);
	mp_add_cpu(&b, 0, MP_CPU_ENABLED);
	mp_finish(&b);
	CHECK_EQ(mptable_parse(0xf0040, physmem_map, &pi), 0);
	b.cfg->checksum ^= 1;
	CHECK_EQ(mptable_parse(0xf0040, physmem_map, &pi), -EINVAL);
	b.cfg->checksum ^= 1;
	b.cfg->signature[0] = 'X';
	CHECK_EQ(mptable_parse(0xf0040, physmem_map, &pi), -EINVAL);
	b.cfg->signature[0] = 'P';
	b.cfg->base_len = 10;
	CHECK_EQ(mptable_parse(0xf0040, physmem_map, &pi), -EINVAL);

	/* A table running past the end of memory. */
	new_fp(0xf0050, 0xfff00);
	mp_start(&b, 0xfff00, 256);
	mp_add_cpu(&b, 0, MP_CPU_ENABLED);
	mp_finish(&b);
	b.cfg->base_len = 0x200;
	CHECK_EQ(mptable_parse(0xf0050, physmem_map, &pi), -EINVAL);
	physmem_reset();
}

UNIT_TEST(mptable_bad_entries)
{
	uint8_t unknown[8] = { 0x80 };
	struct platform_info pi;
	struct mp_builder b;

	/* An unknown type ends the walk but keeps what came before. */
	physmem_reset();
	new_fp(0xf0000, 0xf1000);
	mp_start(&b, 0xf1000, 256);
	mp_add_cpu(&b, 0, MP_CPU_ENABLED);
	mp_add(&b, unknown, sizeof(unknown));
	mp_add_cpu(&b, 1, MP_CPU_ENABLED);
	mp_finish(&b);
	CHECK_EQ(mptable_parse(0xf0000, physmem_map, &pi), 0);
	CHECK_EQ(pi.ncpus, 1);

	/* First, it leaves nothing usable. */
	physmem_reset();
	new_fp(0xf0000, 0xf1000);
	mp_start(&b, 0xf1000, 256);
	mp_add(&b, unknown, sizeof(unknown));
	mp_add_cpu(&b, 1, MP_CPU_ENABLED);
	mp_finish(&b);
	CHECK_EQ(mptable_parse(0xf0000, physmem_map, &pi), -EINVAL);

	/* An entry count beyond the base table, and a processor entry cut
	 * by its end: the walk stops at the table's length. */
	physmem_reset();
	new_fp(0xf0000, 0xf1000);
	mp_start(&b, 0xf1000, 256);
	mp_add_cpu(&b, 2, MP_CPU_ENABLED);
	mp_add_cpu(&b, 3, MP_CPU_ENABLED);
	b.len -= 4;
	b.cfg->entry_count = 50;
	mp_finish(&b);
	CHECK_EQ(mptable_parse(0xf0000, physmem_map, &pi), 0);
	REQUIRE(pi.ncpus == 1);
	CHECK_EQ(pi.apic_ids[0], 2);

	/* No processors at all. */
	physmem_reset();
	new_fp(0xf0000, 0xf1000);
	mp_start(&b, 0xf1000, 256);
	mp_add_bus(&b, 0, "ISA   ");
	mp_finish(&b);
	CHECK_EQ(mptable_parse(0xf0000, physmem_map, &pi), -EINVAL);
	physmem_reset();
}

UNIT_TEST(mptable_cpu_cap)
{
	struct platform_info pi;
	struct mp_builder b;

	physmem_reset();
	new_fp(0xf0000, 0xf1000);
	mp_start(&b, 0xf1000, 44 + 100 * 20);
	for (unsigned id = 0; id < 100; id++)
		mp_add_cpu(&b, id, MP_CPU_ENABLED);
	mp_finish(&b);
	CHECK_EQ(mptable_parse(0xf0000, physmem_map, &pi), 0);
	check_cpus_0_to(&pi, MAX_CPUS);
	CHECK_EQ(pi.ncpus_dropped, 100 - MAX_CPUS);
	physmem_reset();
}
