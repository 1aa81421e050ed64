// SPDX-License-Identifier: MIT
/*
 * Intel MP table parsing (MultiProcessor Specification 1.4, chapter 4), the
 * fallback when a machine has no ACPI: QEMU's microvm with acpi=off, where
 * qboot builds only this. It yields the processors' local APIC IDs, the I/O
 * APICs and the ISA IRQs that are not wired to the I/O APIC pin of the same
 * number. Like the ACPI tables it is untrusted input, read within its
 * declared lengths only.
 */
#include <arch/mptable.h>
#include <arch/platform.h>
#include <arch/platform_impl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* BIOS data area fields and the places 4.1 lists for the pointer. */
#define BDA_BASE_MEM_KIB	0x413	/* 16-bit, KiB below 640 KiB */
#define DEFAULT_LAST_KIB	(639 * 1024)
#define MAX_BASE_MEM_KIB	640
#define MP_SEARCH_LEN		1024
#define BIOS_ROM_START		0xf0000
#define BIOS_ROM_END		0x100000

static const struct mp_fp *fp_map(uint64_t phys, phys_map_fn map)
{
	const struct mp_fp *fp = map(phys, sizeof(*fp));

	if (!fp || memcmp(fp->signature, "_MP_", 4) != 0 || fp->length < 1)
		return NULL;
	fp = map(phys, fp->length * 16u);
	if (!fp || !platform_checksum_ok(fp, fp->length * 16u))
		return NULL;
	return fp;
}

static bool fp_valid(uint64_t phys, phys_map_fn map)
{
	return fp_map(phys, map) != NULL;
}

static uint64_t fp_scan(uint64_t start, size_t len, phys_map_fn map)
{
	return platform_scan(start, len, "_MP_", 4, fp_valid, map);
}

uint64_t mptable_find(phys_map_fn map)
{
	uint64_t ebda = platform_ebda(map);
	const uint16_t *kib = map(BDA_BASE_MEM_KIB, sizeof(*kib));
	uint64_t last_kib = DEFAULT_LAST_KIB;
	uint64_t fp = 0;

	if (kib && *kib && *kib <= MAX_BASE_MEM_KIB)
		last_kib = (uint64_t)(*kib - 1) * 1024;
	if (ebda)
		fp = fp_scan(ebda, MP_SEARCH_LEN, map);
	if (!fp)
		fp = fp_scan(last_kib, MP_SEARCH_LEN, map);
	/* qboot fills neither BDA field and puts the pointer at 639 KiB,
	 * which is also where an EBDA-less 640 KiB PC has its last KiB. */
	if (!fp && last_kib != DEFAULT_LAST_KIB)
		fp = fp_scan(DEFAULT_LAST_KIB, MP_SEARCH_LEN, map);
	if (!fp)
		fp = fp_scan(BIOS_ROM_START, BIOS_ROM_END - BIOS_ROM_START,
			     map);
	return fp;
}

/* Size of a base-table entry of (type), or 0 for a type we do not know. */
static size_t entry_size(uint8_t type)
{
	switch (type) {
	case MP_PROCESSOR:
		return sizeof(struct mp_processor);
	case MP_BUS:
	case MP_IOAPIC:
	case MP_IOINTR:
	case MP_LINTR:
		return 8;
	default:
		return 0;
	}
}

/* What the first pass learns for the second. */
struct mp_state {
	uint8_t isa_bus[256 / 8];	/* bitmap of ISA bus IDs */
};

static uint8_t bus_bit(uint8_t bus)
{
	return 1u << (bus % 8);
}

static bool is_isa_bus(const struct mp_state *st, uint8_t bus)
{
	return st->isa_bus[bus / 8] & bus_bit(bus);
}

/*
 * An ISA IRQ that reaches an I/O APIC pin of another number, or with other
 * than ISA's polarity and trigger, is what ACPI calls an override.
 */
static void add_iointr(const struct mp_intr *in, const struct mp_state *st,
		       struct platform_info *out)
{
	const struct ioapic_info *io = NULL;
	uint32_t gsi;

	if (in->irq_type != MP_INT_VECTORED || !is_isa_bus(st, in->src_bus))
		return;
	for (unsigned i = 0; i < out->nioapics; i++) {
		if (out->ioapics[i].id == in->dst_id ||
		    in->dst_id == MP_IOAPIC_ALL) {
			io = &out->ioapics[i];
			break;
		}
	}
	if (!io)
		return;
	gsi = io->gsi_base + in->dst_pin;
	if (gsi != in->src_irq || in->flags != 0)
		platform_add_override(out, in->src_irq, gsi, in->flags);
}

/* Pass 0: the entries that later ones refer to. */
static void collect(const uint8_t *e, struct mp_state *st,
		    struct platform_info *out)
{
	const struct mp_processor *cpu = (const void *)e;
	const struct mp_bus *bus = (const void *)e;
	const struct mp_ioapic *io = (const void *)e;
	uint32_t gsi_base = out->nioapics * MPTABLE_IOAPIC_PINS;

	switch (e[0]) {
	case MP_PROCESSOR:
		/* The BSP flag is not needed: the BSP knows its own ID. */
		if (cpu->flags & MP_CPU_ENABLED)
			platform_add_cpu(out, cpu->lapic_id);
		break;
	case MP_BUS:
		if (memcmp(bus->bus_type, "ISA", 3) == 0)
			st->isa_bus[bus->bus_id / 8] |= bus_bit(bus->bus_id);
		break;
	case MP_IOAPIC:
		if (io->flags & MP_IOAPIC_ENABLED)
			platform_add_ioapic(out, io->id, io->addr, gsi_base);
		break;
	}
}

/*
 * Entries come sorted by type in practice but the spec does not promise it,
 * so the walk runs twice: pass 0 collects processors, buses and I/O APICs,
 * pass 1 the interrupt entries that refer to them. The walk goes by the
 * base table's length, not its entry count, which qboot leaves at 0. It
 * stops at the first entry of unknown type, whose size, and so where the
 * next entry starts, is unknown, or one that would run past the table.
 */
static void walk(const struct mp_config *cfg, int pass, struct mp_state *st,
		 struct platform_info *out)
{
	const uint8_t *p = (const uint8_t *)cfg;
	size_t off = sizeof(*cfg);

	while (off < cfg->base_len) {
		const uint8_t *e = p + off;
		size_t size = entry_size(e[0]);

		if (!size || size > cfg->base_len - off)
			break;
		off += size;
		if (pass == 0)
			collect(e, st, out);
		else if (e[0] == MP_IOINTR)
			add_iointr((const struct mp_intr *)e, st, out);
	}
}

int mptable_parse(uint64_t mpfp, phys_map_fn map, struct platform_info *out)
{
	const struct mp_fp *fp;
	const struct mp_config *cfg;
	struct mp_state st;

	platform_info_init(out, PLATFORM_NONE);
	fp = fp_map(mpfp, map);
	if (!fp)
		return -EINVAL;
	out->imcr_present = fp->feature[1] & MP_FEATURE2_IMCRP;
	if (fp->feature[0] != 0 || fp->config_addr == 0)
		return -ENOENT;

	cfg = map(fp->config_addr, sizeof(*cfg));
	if (!cfg || memcmp(cfg->signature, "PCMP", 4) != 0 ||
	    cfg->base_len < sizeof(*cfg))
		return -EINVAL;
	cfg = map(fp->config_addr, cfg->base_len);
	if (!cfg || !platform_checksum_ok(cfg, cfg->base_len))
		return -EINVAL;

	if (cfg->lapic_addr)
		out->lapic_base = cfg->lapic_addr;
	memset(&st, 0, sizeof(st));
	walk(cfg, 0, &st, out);
	walk(cfg, 1, &st, out);
	if (!out->ncpus)
		return -EINVAL;
	out->source = PLATFORM_MPTABLE;
	return 0;
}
