// SPDX-License-Identifier: MIT
/*
 * MADT parsing (ACPI 6.4, 5.2.12): which CPUs exist and what their APIC IDs
 * are, where the I/O APICs live and which GSI each serves, how ISA IRQs are
 * rerouted, and where the local APIC is mapped. The entries are a packed
 * list of (type, length) records; the walk trusts no length it has not
 * checked against the table's own.
 */
#include <arch/acpi.h>
#include <arch/platform.h>
#include <arch/platform_impl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

/* An xAPIC entry with this ID, or an x2APIC one with ~0, names no CPU. */
#define XAPIC_ID_INVALID	0xff
#define X2APIC_ID_INVALID	0xffffffffu

/*
 * Enabled CPUs are running now; online-capable ones (ACPI 6.3+) may be
 * brought up later. A CPU with neither bit can never be used.
 */
static bool cpu_usable(uint32_t flags)
{
	return flags & (ACPI_MADT_ENABLED | ACPI_MADT_ONLINE_CAPABLE);
}

static void parse_entry(const struct acpi_madt_entry *e,
			struct platform_info *out)
{
	const struct acpi_madt_lapic *lapic;
	const struct acpi_madt_x2apic *x2apic;
	const struct acpi_madt_ioapic *ioapic;
	const struct acpi_madt_iso *iso;
	const struct acpi_madt_lapic_override *lo;

	/* Later ACPI versions may lengthen an entry, never shorten it, so a
	 * longer entry is read by its known prefix and a shorter one is
	 * skipped. */
	switch (e->type) {
	case ACPI_MADT_LAPIC:
		lapic = (const void *)e;
		if (e->length < sizeof(*lapic))
			return;
		if (cpu_usable(lapic->flags) &&
		    lapic->apic_id != XAPIC_ID_INVALID)
			platform_add_cpu(out, lapic->apic_id);
		break;
	case ACPI_MADT_X2APIC:
		x2apic = (const void *)e;
		if (e->length < sizeof(*x2apic))
			return;
		if (cpu_usable(x2apic->flags) &&
		    x2apic->x2apic_id != X2APIC_ID_INVALID)
			platform_add_cpu(out, x2apic->x2apic_id);
		break;
	case ACPI_MADT_IOAPIC:
		ioapic = (const void *)e;
		if (e->length < sizeof(*ioapic))
			return;
		platform_add_ioapic(out, ioapic->id, ioapic->address,
				    ioapic->gsi_base);
		break;
	case ACPI_MADT_ISO:
		iso = (const void *)e;
		if (e->length < sizeof(*iso) || iso->bus != 0)
			return;
		platform_add_override(out, iso->source, iso->gsi, iso->flags);
		break;
	case ACPI_MADT_LAPIC_OVERRIDE:
		lo = (const void *)e;
		if (e->length < sizeof(*lo))
			return;
		out->lapic_base = lo->address;
		break;
	default:
		break;
	}
}

int acpi_parse_madt(const struct acpi_header *h, struct platform_info *out)
{
	const struct acpi_madt *madt = (const struct acpi_madt *)h;
	const uint8_t *p = (const uint8_t *)h;
	const struct acpi_madt_entry *e;
	size_t off;

	if (h->length < sizeof(*madt))
		return -EINVAL;

	/* A type 5 entry, read after this, overrides it with 64 bits. */
	if (madt->lapic_address)
		out->lapic_base = madt->lapic_address;
	out->has_pic = madt->flags & ACPI_MADT_PCAT_COMPAT;

	/* An entry shorter than its own header would never advance the walk,
	 * and one that runs past the table would be read out of bounds:
	 * either means the rest of the list cannot be trusted. */
	for (off = sizeof(*madt); off + sizeof(*e) <= h->length;
	     off += e->length) {
		e = (const struct acpi_madt_entry *)(p + off);
		if (e->length < sizeof(*e) || e->length > h->length - off)
			break;
		parse_entry(e, out);
	}
	return 0;
}
