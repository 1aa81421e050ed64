// SPDX-License-Identifier: MIT
/*
 * Devices the DSDT declares by _HID, with the memory and interrupt they
 * use. QEMU microvm with ACPI declares each populated virtio-mmio
 * transport as
 *
 *	Device (VRnn) {
 *		Name (_HID, "LNRO0005")
 *		...
 *		Name (_CRS, ResourceTemplate () {
 *			Memory32Fixed (ReadWrite, BASE, SIZE)
 *			Interrupt (...) { GSI }
 *		})
 *	}
 *
 * and, unlike with acpi=off, does not repeat them on the command line;
 * its Generic Event Device (_HID "ACPI0013", the power button) has only
 * the interrupt in its _CRS, its event register being an
 *
 *		OperationRegion (EREG, SystemMemory, ADDRESS, 0x04)
 *
 * A device's bytes run from its _HID to the next _HID; its _CRS there is
 * decoded, and its first SystemMemory region read where the _CRS has no
 * memory window, with every length checked against the bytes that
 * remain.
 */
#include <string.h>

#include <arch/acpi.h>

#define AML_STRING_PREFIX	0x0d
#define AML_NAME_OP		0x08
#define AML_BUFFER_OP		0x11
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_EXT_OP_PREFIX	0x5b
#define AML_OP_REGION_OP	0x80
#define REGION_SYSTEM_MEMORY	0x00

/* Resource descriptors (ACPI 6.4, 6.4.2 and 6.4.3). */
#define RES_END_TAG		0x79	/* small item 0xf, length 1 */
#define RES_IRQ_SMALL		0x04	/* small item name, bits 6:3 */
#define RES_MEMORY32_FIXED	0x86
#define RES_EXT_INTERRUPT	0x89

static const uint8_t any_hid[] = { '_', 'H', 'I', 'D' };
static const uint8_t crs[] = { AML_NAME_OP, '_', 'C', 'R', 'S',
			       AML_BUFFER_OP };

static size_t find(const uint8_t *aml, size_t len, size_t from,
		   const uint8_t *pat, size_t n)
{
	for (size_t i = from; i + n <= len; i++)
		if (memcmp(aml + i, pat, n) == 0)
			return i;
	return len;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decodes the resource template (p, n) into (d): its first memory window
 * and interrupt. False when it is malformed. */
static bool decode_resources(const uint8_t *p, size_t n,
			     struct acpi_dev *d)
{
	bool have_mem = false, have_irq = false;
	size_t i = 0;

	while (i < n) {
		uint8_t tag = p[i];
		size_t len, body;

		if (tag & 0x80) {	/* large item: 16-bit length */
			if (n - i < 3)
				return false;
			len = p[i + 1] | p[i + 2] << 8;
			body = i + 3;
		} else {
			len = tag & 7;
			body = i + 1;
		}
		if (len > n - body)
			return false;
		if (tag == RES_END_TAG)
			break;
		if (tag == RES_MEMORY32_FIXED && len >= 9 && !have_mem) {
			d->base = le32(p + body + 1);
			d->size = le32(p + body + 5);
			have_mem = true;
		} else if (tag == RES_EXT_INTERRUPT && len >= 6 &&
			   p[body + 1] >= 1 && !have_irq) {
			d->gsi = le32(p + body + 2);
			have_irq = true;
		} else if ((tag >> 3) == RES_IRQ_SMALL && len >= 2 &&
			   !have_irq && (p[body] | p[body + 1] << 8)) {
			unsigned mask = p[body] | p[body + 1] << 8;

			d->gsi = __builtin_ctz(mask);
			have_irq = true;
		}
		i = body + len;
	}
	d->has_irq = have_irq;
	return true;
}

/* The _CRS buffer at (p) (just after BufferOp), (avail) bytes left. */
static bool parse_crs(const uint8_t *p, size_t avail, struct acpi_dev *d)
{
	uint32_t pkg_len;
	size_t n = acpi_aml_pkg_length(p, avail, &pkg_len), skip;

	if (!n || pkg_len > avail || pkg_len <= n)
		return false;
	/* BufferSize: a ByteConst or WordConst. */
	if (p[n] == AML_BYTE_PREFIX)
		skip = 2;
	else if (p[n] == AML_WORD_PREFIX)
		skip = 3;
	else
		return false;
	if (pkg_len < n + skip)
		return false;
	return decode_resources(p + n + skip, pkg_len - n - skip, d);
}

/* The first SystemMemory OperationRegion in (p, n): its address into
 * (d), with the size of its register. */
static void memory_region(const uint8_t *p, size_t n, struct acpi_dev *d)
{
	/* ExtOpPrefix OpRegionOp NameSeg RegionSpace RegionOffset ... */
	for (size_t i = 0; i + 8 <= n; i++) {
		if (p[i] != AML_EXT_OP_PREFIX || p[i + 1] != AML_OP_REGION_OP ||
		    p[i + 6] != REGION_SYSTEM_MEMORY)
			continue;
		const uint8_t *v = p + i + 8;

		if (p[i + 7] == AML_DWORD_PREFIX && n - i >= 12)
			d->base = le32(v);
		else if (p[i + 7] == AML_QWORD_PREFIX && n - i >= 16)
			d->base = le32(v) | (uint64_t)le32(v + 4) << 32;
		else
			continue;
		d->size = sizeof(uint32_t);
		return;
	}
}

unsigned acpi_find_devices(const uint8_t *aml, size_t len, const char *hid,
			   struct acpi_dev *out, unsigned max)
{
	uint8_t pat[10] = { AML_STRING_PREFIX };
	unsigned added = 0;

	memcpy(pat + 1, hid, 8);
	for (size_t at = find(aml, len, 0, pat, sizeof(pat));
	     at < len && added < max;
	     at = find(aml, len, at + sizeof(pat), pat, sizeof(pat))) {
		size_t end = find(aml, len, at + sizeof(pat), any_hid,
				  sizeof(any_hid));
		size_t c = find(aml, end, at, crs, sizeof(crs));
		struct acpi_dev *d = &out[added];

		memset(d, 0, sizeof(*d));
		if (c == end || !parse_crs(aml + c + sizeof(crs),
					   end - c - sizeof(crs), d))
			continue;
		if (!d->base)
			memory_region(aml + at, end - at, d);
		if (d->base && d->size && d->has_irq)
			added++;
	}
	return added;
}
