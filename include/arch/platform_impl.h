/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the firmware table parsers (acpi_*.c, mptable.c) and
 * only by them: both kinds of table end up filling the same struct
 * platform_info, under the same caps and with the same duplicate rules, and
 * both protect their structures with the same byte-sum checksum.
 */
#ifndef ARCH_PLATFORM_IMPL_H
#define ARCH_PLATFORM_IMPL_H

#include <arch/platform.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PLATFORM_DEFAULT_LAPIC_BASE	0xfee00000u

/* ACPI and MP structures are valid when all their bytes sum to 0 mod 256. */
static inline bool platform_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

/*
 * Firmware structures found by signature on 16-byte boundaries of the BIOS
 * areas (RSDP, MP floating pointer): scans (len) bytes at (start) and
 * returns the first address where (sig) matches and (valid) agrees, or 0.
 */
static inline uint64_t platform_scan(uint64_t start, size_t len,
				     const char *sig, size_t sig_len,
				     bool (*valid)(uint64_t phys, phys_map_fn),
				     phys_map_fn map)
{
	const uint8_t *p = map(start, len);

	if (!p)
		return 0;
	for (size_t off = 0; off + sig_len <= len; off += 16)
		if (memcmp(p + off, sig, sig_len) == 0 &&
		    valid(start + off, map))
			return start + off;
	return 0;
}

#define BDA_EBDA_SEGMENT	0x40e	/* 16-bit real-mode segment of the EBDA */

/*
 * The EBDA's address from the BIOS data area, or 0 when there is none or
 * the word is not believable: it must lie in conventional memory, below
 * 640 KiB with its first KiB whole. Firmware that sets up no BDA (qboot)
 * leaves whatever was in memory there.
 */
static inline uint64_t platform_ebda(phys_map_fn map)
{
	const uint16_t *seg = map(BDA_EBDA_SEGMENT, sizeof(*seg));
	uint64_t base = seg ? (uint64_t)*seg << 4 : 0;

	return base >= 0x1000 && base + 1024 <= 0xa0000 ? base : 0;
}

static inline void platform_info_init(struct platform_info *pi,
				      enum platform_source source)
{
	memset(pi, 0, sizeof(*pi));
	pi->source = source;
	pi->lapic_base = PLATFORM_DEFAULT_LAPIC_BASE;
}

/*
 * Records a usable CPU. Firmware may list one APIC ID twice (an xAPIC and an
 * x2APIC entry for the same CPU), and starting a CPU twice would be fatal,
 * so duplicates are ignored. CPUs past MAX_CPUS are only counted.
 */
static inline void platform_add_cpu(struct platform_info *pi, uint32_t id)
{
	for (unsigned i = 0; i < pi->ncpus; i++)
		if (pi->apic_ids[i] == id)
			return;
	if (pi->ncpus == MAX_CPUS) {
		pi->ncpus_dropped++;
		return;
	}
	pi->apic_ids[pi->ncpus++] = id;
}

static inline void platform_add_ioapic(struct platform_info *pi, uint8_t id,
				       uint32_t addr, uint32_t gsi_base)
{
	struct ioapic_info *io;

	if (pi->nioapics == MAX_IOAPICS)
		return;
	io = &pi->ioapics[pi->nioapics++];
	io->id = id;
	io->addr = addr;
	io->gsi_base = gsi_base;
}

/* A table that routes one ISA IRQ twice is wrong either way; the first
 * entry is kept so the result does not depend on what follows it. */
static inline void platform_add_override(struct platform_info *pi,
					 uint8_t isa_irq, uint32_t gsi,
					 uint16_t flags)
{
	struct irq_override *o;

	for (unsigned i = 0; i < pi->noverrides; i++)
		if (pi->overrides[i].isa_irq == isa_irq)
			return;
	if (pi->noverrides == MAX_IRQ_OVERRIDES)
		return;
	o = &pi->overrides[pi->noverrides++];
	o->isa_irq = isa_irq;
	o->gsi = gsi;
	o->flags = flags;
}

#endif /* ARCH_PLATFORM_IMPL_H */
