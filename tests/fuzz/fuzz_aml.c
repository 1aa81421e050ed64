// SPDX-License-Identifier: MIT
/*
 * The byte-level AML matchers (arch/x86_64/acpi_fadt.c's _S5 search and
 * PkgLength decoder, acpi_devices.c's device and region searches) on a
 * DSDT body that is any bytes. fuzz_acpi reaches them too, behind a
 * table walk; here every input is AML, so the fuzzer spends its time on
 * them.
 */
#include <arch/acpi.h>

#include "fuzz.h"

#define MAX_DEVS	32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_dev devs[MAX_DEVS];
	uint8_t slp_typ;
	uint32_t len;

	(void)acpi_find_s5(data, size, &slp_typ);
	FUZZ_CHECK(acpi_find_devices(data, size, ACPI_HID_VIRTIO_MMIO, devs,
				     MAX_DEVS) <= MAX_DEVS);
	FUZZ_CHECK(acpi_find_devices(data, size, ACPI_HID_GED, devs, 1) <= 1);
	/* The GED's event register, by QEMU's and Cloud Hypervisor's
	 * names: a region found is never empty nor at address zero. */
	FUZZ_CHECK(!acpi_find_region(data, size, "EREG", devs) ||
		   (devs[0].base && devs[0].size));
	FUZZ_CHECK(!acpi_find_region(data, size, "GDST", devs) ||
		   (devs[0].base && devs[0].size));
	size_t n = acpi_aml_pkg_length(data, size, &len);

	FUZZ_CHECK(n <= 4 && n <= size);
	return 0;
}
