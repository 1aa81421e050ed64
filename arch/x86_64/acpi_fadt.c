// SPDX-License-Identifier: MIT
/*
 * FADT parsing (ACPI 6.4, 5.2.9) and just enough AML to power off: the PM
 * timer used to calibrate the TSC and APIC timer, the PM1a control block or
 * (on hardware-reduced platforms such as microvm) the sleep control
 * register, the reset register, and SLP_TYPa from the \_S5 package in the
 * DSDT. There is no AML interpreter: \_S5 is a plain Name() on every
 * firmware we know, so a bounded byte-level match is enough.
 */
#include <arch/acpi.h>
#include <arch/platform.h>
#include <arch/platform_impl.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* True when a FADT of (len) bytes holds all of (field). */
#define FADT_HAS(len, field)                                                  \
	((len) >= offsetof(struct acpi_fadt, field) +                         \
			  sizeof(((struct acpi_fadt *)0)->field))

/* The smallest FADT, ACPI 1.0's, ends right after the flags. */
#define FADT_V1_LEN	offsetof(struct acpi_fadt, reset_reg)

/* AML opcodes and prefixes (ACPI 6.4, 20.2). */
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		'\\'
#define AML_PARENT_PREFIX	'^'
#define AML_ONES_OP		0xff

/*
 * Reads the PkgLength at (p) (20.2.4): bits 7:6 of the lead byte count the
 * bytes that follow. With none, bits 5:0 are the length; otherwise bits 3:0
 * are its low nibble and each following byte adds 8 more bits. The length
 * counts from the lead byte. Returns the encoding's size, or 0 if it does
 * not fit in (avail) bytes.
 */
size_t acpi_aml_pkg_length(const uint8_t *p, size_t avail, uint32_t *len)
{
	size_t n;

	if (avail < 1)
		return 0;
	n = p[0] >> 6;
	if (avail < n + 1)
		return 0;
	if (n == 0) {
		*len = p[0] & 0x3f;
		return 1;
	}
	*len = p[0] & 0x0f;
	for (size_t i = 1; i <= n; i++)
		*len |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return n + 1;
}

/*
 * Reads an integer package element at (p) into (*v), keeping its low byte
 * (SLP_TYP is 3 bits). Returns false for anything but a constant.
 */
static bool aml_small_int(const uint8_t *p, size_t avail, uint8_t *v)
{
	size_t size;

	if (avail < 1)
		return false;
	switch (p[0]) {
	case AML_ZERO_OP:
		*v = 0;
		return true;
	case AML_ONE_OP:
		*v = 1;
		return true;
	case AML_ONES_OP:
		*v = 0xff;
		return true;
	case AML_BYTE_PREFIX:
		size = 1;
		break;
	case AML_WORD_PREFIX:
		size = 2;
		break;
	case AML_DWORD_PREFIX:
		size = 4;
		break;
	case AML_QWORD_PREFIX:
		size = 8;
		break;
	default:
		return false;
	}
	if (avail < 1 + size)
		return false;
	*v = p[1];	/* little-endian: the low byte comes first */
	return true;
}

/* Is the "_S5_" at (aml + at) the name of a NameOp? */
static bool is_name_decl(const uint8_t *aml, size_t at)
{
	/* Name (\_S5, ...) or Name (^^_S5, ...) inside a scope. */
	if (at >= 1 && aml[at - 1] == AML_ROOT_CHAR) {
		at--;
	} else {
		while (at >= 1 && aml[at - 1] == AML_PARENT_PREFIX)
			at--;
	}
	return at >= 1 && aml[at - 1] == AML_NAME_OP;
}

/* Parses the Package that follows "_S5_" at (p), (avail) bytes left. */
static bool s5_package(const uint8_t *p, size_t avail, uint8_t *slp_typ)
{
	uint32_t pkg_len;
	size_t n;

	if (avail < 1 || p[0] != AML_PACKAGE_OP)
		return false;
	p++;
	avail--;
	n = acpi_aml_pkg_length(p, avail, &pkg_len);
	/* The package must hold its length, NumElements and one element. */
	if (!n || pkg_len > avail || pkg_len < n + 2)
		return false;
	if (p[n] < 1)	/* NumElements */
		return false;
	return aml_small_int(p + n + 1, pkg_len - n - 1, slp_typ);
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ)
{
	static const char name[4] = { '_', 'S', '5', '_' };

	for (size_t i = 0; i + sizeof(name) <= len; i++) {
		if (memcmp(aml + i, name, sizeof(name)) != 0 ||
		    !is_name_decl(aml, i))
			continue;
		if (s5_package(aml + i + sizeof(name),
			       len - i - sizeof(name), slp_typ))
			return true;
	}
	return false;
}

/*
 * Picks the I/O port of a register block: the 64-bit GAS when the firmware
 * filled it and it is in I/O space, else the ACPI 1.0 32-bit field.
 */
static uint16_t io_port(const struct acpi_gas *x, bool has_x, uint32_t legacy)
{
	if (has_x && x->address && x->space == ACPI_GAS_IO &&
	    x->address <= 0xffff)
		return (uint16_t)x->address;
	return legacy <= 0xffff ? (uint16_t)legacy : 0;
}

static void parse_dsdt(uint64_t phys, phys_map_fn map,
		       struct platform_info *out)
{
	const struct acpi_header *dsdt = acpi_map_table(phys, "DSDT", map);

	if (!dsdt)
		return;
	out->has_s5 = acpi_find_s5((const uint8_t *)(dsdt + 1),
				   dsdt->length - sizeof(*dsdt),
				   &out->s5_slp_typ);
	out->dsdt = phys;
	out->dsdt_len = dsdt->length;
}

int acpi_parse_fadt(const struct acpi_header *h, phys_map_fn map,
		    struct platform_info *out)
{
	struct acpi_fadt f;
	uint32_t len = h->length;
	uint64_t dsdt;

	if (len < FADT_V1_LEN)
		return -EINVAL;
	/* Work on a zero-extended copy, so a short, older FADT can never be
	 * read past its end; FADT_HAS() still guards every newer field,
	 * since a half-copied address would be worse than none. */
	memset(&f, 0, sizeof(f));
	memcpy(&f, h, MIN((size_t)len, sizeof(f)));

	/* Hardware-reduced platforms have no fixed PM registers, and the
	 * spec tells OSPM to ignore those fields. */
	out->hw_reduced = f.flags & ACPI_FADT_HW_REDUCED_ACPI;
	if (!out->hw_reduced) {
		out->pm_timer_port = io_port(&f.x_pm_tmr_blk,
					     FADT_HAS(len, x_pm_tmr_blk),
					     f.pm_tmr_blk);
		out->pm_timer_32bit = out->pm_timer_port &&
				      (f.flags & ACPI_FADT_TMR_VAL_EXT);
		out->pm1a_cnt_port = io_port(&f.x_pm1a_cnt_blk,
					     FADT_HAS(len, x_pm1a_cnt_blk),
					     f.pm1a_cnt_blk);
		out->pm1a_evt_port = io_port(&f.x_pm1a_evt_blk,
					     FADT_HAS(len, x_pm1a_evt_blk),
					     f.pm1a_evt_blk);
		out->pm1_evt_len = f.pm1_evt_len;
		out->sci_irq = f.sci_int;
	} else if (FADT_HAS(len, sleep_control) && f.sleep_control.address) {
		out->sleep_control = f.sleep_control;
	}

	if ((f.flags & ACPI_FADT_RESET_REG_SUP) && FADT_HAS(len, reset_value) &&
	    f.reset_reg.address) {
		out->has_reset_reg = true;
		out->reset_reg = f.reset_reg;
		out->reset_value = f.reset_value;
	}

	dsdt = FADT_HAS(len, x_dsdt) && f.x_dsdt ? f.x_dsdt : f.dsdt;
	parse_dsdt(dsdt, map, out);
	return 0;
}
