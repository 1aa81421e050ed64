// SPDX-License-Identifier: MIT
/*
 * ACPI table discovery: finds and validates the RSDP, walks the XSDT (or the
 * RSDT) and hands every table whose length and checksum hold to its parser.
 * The small HPET and MCFG tables are read here; the MADT and FADT have files
 * of their own. Firmware tables are untrusted input: every read stays within
 * the lengths the structures declare, and a bad table is skipped rather than
 * believed.
 */
#include <arch/acpi.h>
#include <arch/platform.h>
#include <arch/platform_impl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Where ACPI 6.4 (5.2.5.1) lets firmware put the RSDP on a legacy PC. */
#define EBDA_SEARCH_LEN		1024
#define BIOS_AREA_START		0xe0000
#define BIOS_AREA_END		0x100000

static const char rsdp_signature[8] = { 'R', 'S', 'D', ' ',
					'P', 'T', 'R', ' ' };

/*
 * Checks the RSDP at (phys) and returns it mapped, or NULL. Revision 0
 * stops after 20 bytes; later ones also carry their length and an extended
 * checksum that covers the XSDT address, so both must hold.
 */
static const struct acpi_rsdp *rsdp_map(uint64_t phys, phys_map_fn map)
{
	const struct acpi_rsdp *rsdp = map(phys, ACPI_RSDP_V1_LEN);

	if (!rsdp || memcmp(rsdp->signature, rsdp_signature, 8) != 0 ||
	    !platform_checksum_ok(rsdp, ACPI_RSDP_V1_LEN))
		return NULL;
	if (rsdp->revision < 2)
		return rsdp;

	rsdp = map(phys, sizeof(*rsdp));
	if (!rsdp || rsdp->length < sizeof(*rsdp) ||
	    rsdp->length > ACPI_MAX_TABLE_LEN)
		return NULL;
	rsdp = map(phys, rsdp->length);
	if (!rsdp || !platform_checksum_ok(rsdp, rsdp->length))
		return NULL;
	return rsdp;
}

static bool rsdp_valid(uint64_t phys, phys_map_fn map)
{
	return rsdp_map(phys, map) != NULL;
}

static uint64_t rsdp_scan(uint64_t start, size_t len, phys_map_fn map)
{
	return platform_scan(start, len, rsdp_signature, 8, rsdp_valid, map);
}

uint64_t acpi_find_rsdp(phys_map_fn map)
{
	uint64_t ebda = platform_ebda(map), rsdp = 0;

	if (ebda)
		rsdp = rsdp_scan(ebda, EBDA_SEARCH_LEN, map);
	if (!rsdp)
		rsdp = rsdp_scan(BIOS_AREA_START,
				 BIOS_AREA_END - BIOS_AREA_START, map);
	return rsdp;
}

const struct acpi_header *acpi_map_table(uint64_t phys, const char *sig,
					 phys_map_fn map)
{
	const struct acpi_header *h;
	uint32_t len;

	if (!phys)
		return NULL;
	h = map(phys, sizeof(*h));
	if (!h || (sig && memcmp(h->signature, sig, 4) != 0))
		return NULL;
	len = h->length;
	if (len < sizeof(*h) || len > ACPI_MAX_TABLE_LEN)
		return NULL;
	h = map(phys, len);
	if (!h || !platform_checksum_ok(h, len))
		return NULL;
	return h;
}

/* The HPET registers are memory-mapped; only the first block is used. */
static void parse_hpet(const struct acpi_header *h, struct platform_info *out)
{
	const struct acpi_hpet *hpet = (const struct acpi_hpet *)h;

	if (h->length < sizeof(*hpet) || out->hpet_base)
		return;
	if (hpet->base.space == ACPI_GAS_MEMORY)
		out->hpet_base = hpet->base.address;
}

/* Only segment 0 matters: Toro drives one PCI segment. */
static void parse_mcfg(const struct acpi_header *h, struct platform_info *out)
{
	const struct acpi_mcfg_entry *e;
	size_t off;

	if (out->ecam_base)
		return;
	for (off = sizeof(struct acpi_mcfg); off + sizeof(*e) <= h->length;
	     off += sizeof(*e)) {
		e = (const struct acpi_mcfg_entry *)((const uint8_t *)h + off);
		if (e->segment != 0 || e->bus_end < e->bus_start)
			continue;
		out->ecam_base = e->base;
		out->ecam_bus_start = e->bus_start;
		out->ecam_bus_end = e->bus_end;
		return;
	}
}

/* Which tables have been seen, so that only the first of each counts. */
struct acpi_seen {
	bool madt, fadt, hpet, mcfg;
};

static void dispatch(const struct acpi_header *h, phys_map_fn map,
		     struct acpi_seen *seen, struct platform_info *out)
{
	if (!memcmp(h->signature, "APIC", 4) && !seen->madt) {
		if (acpi_parse_madt(h, out) == 0)
			seen->madt = true;
	} else if (!memcmp(h->signature, "FACP", 4) && !seen->fadt) {
		if (acpi_parse_fadt(h, map, out) == 0)
			seen->fadt = true;
	} else if (!memcmp(h->signature, "HPET", 4) && !seen->hpet) {
		parse_hpet(h, out);
		seen->hpet = true;
	} else if (!memcmp(h->signature, "MCFG", 4) && !seen->mcfg) {
		parse_mcfg(h, out);
		seen->mcfg = true;
	}
}

/*
 * Walks a root table whose entries are (entry_size)-byte physical addresses:
 * 8 in the XSDT, 4 in the RSDT. The XSDT's 8-byte entries follow a 36-byte
 * header, so they are misaligned and are read with memcpy.
 */
static void walk_root(const struct acpi_header *root, size_t entry_size,
		      phys_map_fn map, struct platform_info *out)
{
	const uint8_t *p = (const uint8_t *)root;
	struct acpi_seen seen = { 0 };
	const struct acpi_header *h;

	for (size_t off = sizeof(*root); off + entry_size <= root->length;
	     off += entry_size) {
		uint64_t phys = 0;

		memcpy(&phys, p + off, entry_size);	/* little-endian */
		h = acpi_map_table(phys, NULL, map);
		if (h)
			dispatch(h, map, &seen, out);
	}
}

int acpi_parse(uint64_t rsdp_phys, phys_map_fn map, struct platform_info *out)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_header *root = NULL;

	platform_info_init(out, PLATFORM_NONE);
	rsdp = rsdp_map(rsdp_phys, map);
	if (!rsdp)
		return -EINVAL;

	/* ACPI 2.0+ firmware must provide the XSDT; fall back to the RSDT
	 * only when it is missing or broken. */
	if (rsdp->revision >= 2 && rsdp->xsdt_address)
		root = acpi_map_table(rsdp->xsdt_address, "XSDT", map);
	if (root)
		walk_root(root, sizeof(uint64_t), map, out);
	else if ((root = acpi_map_table(rsdp->rsdt_address, "RSDT", map)))
		walk_root(root, sizeof(uint32_t), map, out);
	else
		return -EINVAL;

	if (!out->ncpus)
		return -ENOENT;
	out->source = PLATFORM_ACPI;
	return 0;
}
