// SPDX-License-Identifier: MIT
/*
 * The ACPI table parsers (arch/x86_64/acpi_*.c) on tables firmware could
 * hand over. Input: a mode byte, then tables back to back, each as long
 * as its header says (or what is left). The target plays the firmware's
 * part the fuzzer cannot: it places each table in the fake physical
 * memory of tests/unit/physmem.c at FUZZ_TABLE(i), fixes its checksum,
 * and builds the RSDP and an XSDT (mode bit 0 clear) or RSDT listing them
 * all; a FADT reaches its DSDT by address, so seeds point it at the slot
 * the DSDT occupies. Each map is a copy of exactly the bytes asked for,
 * so ASan catches a read past a declared length. Then, as mmio.c does,
 * the DSDT found is searched for virtio-mmio devices.
 */
#include <errno.h>
#include <string.h>

#include <arch/acpi.h>
#include <arch/platform.h>

#include "../unit/physmem.h"
#include "fuzz.h"

#define RSDP_PHYS	0x700000
#define ROOT_PHYS	0x800000
#define FUZZ_TABLE(i)	(0x1000000 + (uint64_t)(i) * 0x100000)
#define MAX_TABLES	24
#define MODE_RSDT	1

static void fix_checksum(uint8_t *p, size_t len, uint8_t *sum_byte)
{
	uint8_t sum = 0;

	*sum_byte = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	*sum_byte = -sum;
}

static void put_header(struct acpi_header *h, const char *sig, uint32_t len)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = 1;
	memcpy(h->oem_id, "FUZZ  ", 6);
}

/* An XSDT (8-byte entries) or RSDT (4) listing (n) tables. */
static void put_root(unsigned n, bool rsdt)
{
	size_t esize = rsdt ? 4 : 8;
	uint32_t len = sizeof(struct acpi_header) + n * esize;
	uint8_t *p = physmem_add(ROOT_PHYS, len);

	put_header((struct acpi_header *)p, rsdt ? "RSDT" : "XSDT", len);
	for (unsigned i = 0; i < n; i++) {
		uint64_t a = FUZZ_TABLE(i);

		memcpy(p + sizeof(struct acpi_header) + i * esize, &a, esize);
	}
	fix_checksum(p, len, &((struct acpi_header *)p)->checksum);
}

static void put_rsdp(bool rsdt)
{
	struct acpi_rsdp *r = physmem_add(RSDP_PHYS, sizeof(*r));

	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, "FUZZ  ", 6);
	r->revision = rsdt ? 0 : 2;
	r->rsdt_address = rsdt ? ROOT_PHYS : 0;
	r->length = sizeof(*r);
	r->xsdt_address = rsdt ? 0 : ROOT_PHYS;
	fix_checksum((uint8_t *)r, ACPI_RSDP_V1_LEN, &r->checksum);
	fix_checksum((uint8_t *)r, sizeof(*r), &r->ext_checksum);
}

static void check_platform(const struct platform_info *pi)
{
	FUZZ_CHECK(pi->ncpus <= MAX_CPUS);
	FUZZ_CHECK(pi->nioapics <= MAX_IOAPICS);
	FUZZ_CHECK(pi->noverrides <= MAX_IRQ_OVERRIDES);
	if (pi->dsdt) {
		FUZZ_CHECK(pi->dsdt_len >= sizeof(struct acpi_header));
		const uint8_t *d = physmem_map(pi->dsdt, pi->dsdt_len);
		struct acpi_dev devs[32];

		FUZZ_CHECK(d != NULL);
		unsigned n = acpi_find_devices(
			d + sizeof(struct acpi_header),
			pi->dsdt_len - sizeof(struct acpi_header),
			ACPI_HID_VIRTIO_MMIO, devs, 32);

		FUZZ_CHECK(n <= 32);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform_info pi;
	unsigned n = 0;
	size_t off = 1;

	if (size < 1)
		return 0;
	bool rsdt = data[0] & MODE_RSDT;

	physmem_reset();
	while (n < MAX_TABLES && size - off >= sizeof(struct acpi_header)) {
		struct acpi_header h;

		memcpy(&h, data + off, sizeof(h));
		uint32_t len = h.length;

		if (len < sizeof(h) || len > size - off)
			len = size - off;
		uint8_t *t = physmem_add(FUZZ_TABLE(n), len);

		memcpy(t, data + off, len);
		((struct acpi_header *)t)->length = len;
		fix_checksum(t, len, &((struct acpi_header *)t)->checksum);
		off += len;
		n++;
	}
	put_root(n, rsdt);
	put_rsdp(rsdt);
	int rc = acpi_parse(RSDP_PHYS, physmem_map, &pi);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	FUZZ_CHECK(rc != 0 || pi.ncpus > 0);
	check_platform(&pi);
	physmem_reset();
	return 0;
}
