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
 * and, unlike with acpi=off, does not repeat them on the command line.
 * A device's bytes run from its _HID to the next _HID; its _CRS there is
 * decoded, with every length checked against the bytes that remain.
 *
 * Its Generic Event Device (_HID "ACPI0013", the power button) has only
 * the interrupt in its _CRS: the event register its _EVT method reads is
 *
 *		OperationRegion (EREG, SystemMemory, ADDRESS, 0x04)
 *
 * and Cloud Hypervisor's (also "ACPI0013") is a byte of another device's
 * (a generic container, _SB_.GEC_),
 *
 *		OperationRegion (GDST, SystemMemory, ADDRESS, One)
 *
 * which acpi_find_region() finds by name, wherever it is declared.
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

/* The AML integer at (p) (n bytes left): ZeroOp, OneOp or a Byte, Word,
 * DWord or QWord constant, into (*v). Its size, or 0 if it is none. */
static size_t aml_integer(const uint8_t *p, size_t n, uint64_t *v)
{
	unsigned k;
	size_t w;

	*v = 0;
	if (!n)
		return 0;
	if (p[0] <= 1) {	/* ZeroOp, OneOp */
		*v = p[0];
		return 1;
	}
	/* Byte, Word, DWord prefixes in a row, then QWord's after a gap. */
	k = p[0] - AML_BYTE_PREFIX;
	if (k > 4 || k == 3)
		return 0;
	w = k == 4 ? 8 : 1u << k;
	if (n - 1 < w)
		return 0;
	memcpy(v, p + 1, w);	/* little-endian, as x86 */
	return 1 + w;
}

bool acpi_find_region(const uint8_t *aml, size_t len, const char *name,
		      struct acpi_dev *out)
{
	/* ExtOpPrefix OpRegionOp NameSeg RegionSpace RegionOffset
	 * RegionLen */
	uint8_t pat[6] = { AML_EXT_OP_PREFIX, AML_OP_REGION_OP };

	memcpy(pat + 2, name, 4);
	for (size_t at = 0; (at = find(aml, len, at, pat, sizeof(pat))) < len;
	     at++) {
		const uint8_t *p = aml + at + sizeof(pat);
		size_t n = len - at - sizeof(pat), a, b;
		uint64_t base, size;

		if (!n || p[0] != REGION_SYSTEM_MEMORY ||
		    !(a = aml_integer(p + 1, n - 1, &base)) ||
		    !(b = aml_integer(p + 1 + a, n - 1 - a, &size)) || !base ||
		    !size || size > UINT32_MAX)
			continue;
		out->base = base;
		out->size = (uint32_t)size;
		return true;
	}
	return false;
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
		if ((d->base && d->size) || d->has_irq)
			added++;
	}
	return added;
}
