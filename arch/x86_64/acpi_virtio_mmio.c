// SPDX-License-Identifier: MIT
/*
 * virtio-mmio devices in the DSDT. QEMU microvm with ACPI declares each
 * populated transport as
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
 * and, unlike with acpi=off, does not repeat them on the command line. The
 * _CRS that follows each _HID (before the next one) is decoded with every
 * length checked against the bytes that remain.
 */
#include <string.h>

#include <arch/acpi.h>

#define AML_STRING_PREFIX	0x0d
#define AML_NAME_OP		0x08
#define AML_BUFFER_OP		0x11
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b

/* Resource descriptors (ACPI 6.4, 6.4.2 and 6.4.3). */
#define RES_END_TAG		0x79	/* small item 0xf, length 1 */
#define RES_IRQ_SMALL		0x04	/* small item name, bits 6:3 */
#define RES_MEMORY32_FIXED	0x86
#define RES_EXT_INTERRUPT	0x89

static const uint8_t hid[] = { AML_STRING_PREFIX, 'L', 'N', 'R', 'O', '0',
			       '0', '0', '5', 0 };
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

/* Decodes the resource template (p, n); true when it gave both a memory
 * window and an interrupt. */
static bool decode_resources(const uint8_t *p, size_t n, uint64_t *base,
			     uint32_t *size, uint32_t *gsi)
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
			*base = le32(p + body + 1);
			*size = le32(p + body + 5);
			have_mem = true;
		} else if (tag == RES_EXT_INTERRUPT && len >= 6 &&
			   p[body + 1] >= 1 && !have_irq) {
			*gsi = le32(p + body + 2);
			have_irq = true;
		} else if ((tag >> 3) == RES_IRQ_SMALL && len >= 2 &&
			   !have_irq && (p[body] | p[body + 1] << 8)) {
			unsigned mask = p[body] | p[body + 1] << 8;

			*gsi = __builtin_ctz(mask);
			have_irq = true;
		}
		i = body + len;
	}
	return have_mem && have_irq;
}

/* The _CRS buffer at (p) (just after BufferOp), (avail) bytes left. */
static bool parse_crs(const uint8_t *p, size_t avail, uint64_t *base,
		      uint32_t *size, uint32_t *gsi)
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
	return decode_resources(p + n + skip, pkg_len - n - skip, base, size,
				gsi);
}

unsigned acpi_find_virtio_mmio(const uint8_t *aml, size_t len,
			       struct acpi_mmio_dev *out, unsigned max)
{
	unsigned added = 0;
	size_t at = find(aml, len, 0, hid, sizeof(hid));

	while (at < len) {
		size_t next = find(aml, len, at + sizeof(hid), hid,
				   sizeof(hid));
		size_t c = find(aml, next, at, crs, sizeof(crs));
		uint64_t base = 0;
		uint32_t size = 0, gsi = 0;

		if (c < next && added < max &&
		    parse_crs(aml + c + sizeof(crs), next - c - sizeof(crs),
			      &base, &size, &gsi) && base && size) {
			out[added].base = base;
			out[added].size = size;
			out[added].gsi = gsi;
			added++;
		}
		at = next;
	}
	return added;
}
