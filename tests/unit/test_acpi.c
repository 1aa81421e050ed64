// SPDX-License-Identifier: MIT
/*
 * Tests of the ACPI parsers (arch/x86_64/acpi_*.c) on the tables of QEMU
 * 7.2 machines, as qboot and SeaBIOS lay them out (tests/unit/data/README
 * says how they were captured). The expected values are what the tables
 * say, checked with iasl -d at capture time; test_acpi_synth.c has the
 * hand-built and broken tables and this machine's own.
 */
#include "physmem.h"
#include "unit.h"

#include <arch/acpi.h>
#include <arch/platform.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

/* Finds the RSDP of a captured machine and parses everything behind it. */
static int parse_fixture(const char *name, uint64_t *rsdp,
			 struct platform_info *pi)
{
	memset(pi, 0, sizeof(*pi));	/* defined values if we fail early */
	physmem_reset();
	if (physmem_load(name) != 0)
		return -100;
	*rsdp = acpi_find_rsdp(physmem_map);
	if (!*rsdp)
		return -101;
	return acpi_parse(*rsdp, physmem_map, pi);
}

static void check_cpus_0_to(const struct platform_info *pi, unsigned n)
{
	CHECK_EQ(pi->ncpus, n);
	for (unsigned i = 0; i < n && i < pi->ncpus; i++)
		CHECK_EQ(pi->apic_ids[i], i);
}

/* QEMU's q35 and pc boards: one I/O APIC and ISA IRQ 0 on pin 2. */
static void check_qemu_pc_irqs(const struct platform_info *pi)
{
	static const struct irq_override want[] = {
		{ 0, 2, 0 },
		{ 5, 5, MPS_INTI_LEVEL | MPS_INTI_ACTIVE_HIGH },
		{ 9, 9, MPS_INTI_LEVEL | MPS_INTI_ACTIVE_HIGH },
		{ 10, 10, MPS_INTI_LEVEL | MPS_INTI_ACTIVE_HIGH },
		{ 11, 11, MPS_INTI_LEVEL | MPS_INTI_ACTIVE_HIGH },
	};

	CHECK_EQ(pi->lapic_base, 0xfee00000);
	CHECK(pi->has_pic);
	REQUIRE(pi->nioapics == 1);
	CHECK_EQ(pi->ioapics[0].id, 0);
	CHECK_EQ(pi->ioapics[0].addr, 0xfec00000);
	CHECK_EQ(pi->ioapics[0].gsi_base, 0);
	REQUIRE(pi->noverrides == ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		CHECK_EQ(pi->overrides[i].isa_irq, want[i].isa_irq);
		CHECK_EQ(pi->overrides[i].gsi, want[i].gsi);
		CHECK_EQ(pi->overrides[i].flags, want[i].flags);
	}
}

/* The ICH9 LPC power management block that SeaBIOS and qboot place at
 * 0x600 on q35, with the FADT's reset register at the PCI reset port. */
static void check_q35_fadt(const struct platform_info *pi)
{
	CHECK(!pi->hw_reduced);
	CHECK_EQ(pi->pm_timer_port, 0x608);
	CHECK(!pi->pm_timer_32bit);
	CHECK_EQ(pi->pm1a_cnt_port, 0x604);
	/* The fixed power button: PM1a status at 0x600, enable at 0x602,
	 * on the SCI, ISA IRQ 9. */
	CHECK_EQ(pi->pm1a_evt_port, 0x600);
	CHECK_EQ(pi->pm1_evt_len, 4);
	CHECK_EQ(pi->sci_irq, 9);
	CHECK_EQ(pi->sleep_control.address, 0);
	CHECK(pi->has_s5);
	CHECK_EQ(pi->s5_slp_typ, 0);
	CHECK(pi->has_reset_reg);
	CHECK_EQ(pi->reset_reg.space, ACPI_GAS_IO);
	CHECK_EQ(pi->reset_reg.address, 0xcf9);
	CHECK_EQ(pi->reset_value, 0x0f);
	CHECK_EQ(pi->hpet_base, 0xfed00000);
	CHECK_EQ(pi->ecam_base, 0xb0000000);
	CHECK_EQ(pi->ecam_bus_start, 0);
	CHECK_EQ(pi->ecam_bus_end, 255);
}

UNIT_TEST(acpi_microvm)
{
	struct platform_info pi;
	uint64_t rsdp;

	/* qboot: RSDP revision 2 with only an XSDT, tables just below the
	 * F segment, hardware-reduced FADT (no PM timer, no PM1 block). */
	CHECK_EQ(parse_fixture("microvm-acpi", &rsdp, &pi), 0);
	CHECK_EQ(rsdp, 0xf34d0);
	CHECK_EQ(pi.source, PLATFORM_ACPI);
	check_cpus_0_to(&pi, 4);
	CHECK_EQ(pi.ncpus_dropped, 0);
	CHECK_EQ(pi.lapic_base, 0xfee00000);
	CHECK(pi.has_pic);
	/* microvm's second I/O APIC (ioapic2=auto) serves GSIs 24-47. */
	REQUIRE(pi.nioapics == 2);
	CHECK_EQ(pi.ioapics[0].addr, 0xfec00000);
	CHECK_EQ(pi.ioapics[0].gsi_base, 0);
	CHECK_EQ(pi.ioapics[1].addr, 0xfec10000);
	CHECK_EQ(pi.ioapics[1].gsi_base, 24);
	CHECK_EQ(pi.noverrides, 0);

	CHECK(pi.hw_reduced);
	CHECK_EQ(pi.pm_timer_port, 0);
	CHECK_EQ(pi.pm1a_cnt_port, 0);
	CHECK_EQ(pi.sleep_control.space, ACPI_GAS_MEMORY);
	CHECK_EQ(pi.sleep_control.address, 0xfea00200);
	CHECK(pi.has_s5);
	CHECK_EQ(pi.s5_slp_typ, 5);
	CHECK(pi.has_reset_reg);
	CHECK_EQ(pi.reset_reg.space, ACPI_GAS_MEMORY);
	CHECK_EQ(pi.reset_reg.address, 0xfea00202);
	CHECK_EQ(pi.reset_value, 0x42);
	CHECK_EQ(pi.hpet_base, 0);
	CHECK_EQ(pi.ecam_base, 0);
	physmem_reset();
}

/* The AML of the DSDT the fixture's FADT names into (*aml, *len). */
static bool fixture_dsdt(const char *name, const uint8_t **aml, size_t *len)
{
	struct platform_info pi;
	uint64_t rsdp;

	if (parse_fixture(name, &rsdp, &pi) != 0 || !pi.dsdt ||
	    pi.dsdt_len < sizeof(struct acpi_header))
		return false;
	const uint8_t *dsdt = physmem_map(pi.dsdt, pi.dsdt_len);

	if (!dsdt)
		return false;
	*aml = dsdt + sizeof(struct acpi_header);
	*len = pi.dsdt_len - sizeof(struct acpi_header);
	return true;
}

/* The devices with _HID (hid) in the fixture's DSDT. */
static unsigned fixture_devs(const char *name, const char *hid,
			     struct acpi_dev *d, unsigned max)
{
	const uint8_t *aml;
	size_t len;

	if (!fixture_dsdt(name, &aml, &len))
		return ~0U;
	return acpi_find_devices(aml, len, hid, d, max);
}

static unsigned fixture_mmio_devs(const char *name, struct acpi_dev *d,
				  unsigned max)
{
	return fixture_devs(name, ACPI_HID_VIRTIO_MMIO, d, max);
}

UNIT_TEST(acpi_microvm_virtio_mmio_devices_from_the_dsdt)
{
	struct acpi_dev d[4];

	/* Two populated transports of the 24+ QEMU has: only those are
	 * declared, top slot first, interrupts on the second I/O APIC. */
	REQUIRE(fixture_mmio_devs("microvm-acpi-virtio", d, 4) == 2);
	CHECK_EQ(d[0].base, 0xfeb02e00);
	CHECK_EQ(d[0].size, 0x200);
	CHECK_EQ(d[0].gsi, 47);
	CHECK_EQ(d[1].base, 0xfeb02c00);
	CHECK_EQ(d[1].size, 0x200);
	CHECK_EQ(d[1].gsi, 46);
	physmem_reset();
	/* No more than asked for. */
	CHECK_EQ(fixture_mmio_devs("microvm-acpi-virtio", d, 1), 1);
	physmem_reset();
	/* None declared without devices. */
	CHECK_EQ(fixture_mmio_devs("microvm-acpi", d, 4), 0);
	physmem_reset();
}

UNIT_TEST(acpi_microvm_generic_event_device)
{
	struct acpi_dev d[2], reg;
	const uint8_t *aml;
	size_t len;

	/* QEMU's GED: its interrupt in its _CRS, no window there; its
	 * event register an OperationRegion its _EVT reads, with or
	 * without virtio devices. */
	REQUIRE(fixture_devs("microvm-acpi", ACPI_HID_GED, d, 2) == 1);
	CHECK(d[0].has_irq);
	CHECK_EQ(d[0].gsi, 9);
	CHECK_EQ(d[0].size, 0);
	REQUIRE(fixture_dsdt("microvm-acpi", &aml, &len));
	REQUIRE(acpi_find_region(aml, len, "EREG", &reg));
	CHECK_EQ(reg.base, 0xfea00000);
	CHECK_EQ(reg.size, 4);
	/* Cloud Hypervisor's name is not QEMU's. */
	CHECK(!acpi_find_region(aml, len, "GDST", &reg));
	physmem_reset();
	REQUIRE(fixture_dsdt("microvm-acpi-virtio", &aml, &len));
	REQUIRE(acpi_find_region(aml, len, "EREG", &reg));
	CHECK_EQ(reg.base, 0xfea00000);
	physmem_reset();
}

UNIT_TEST(acpi_generic_event_device_garbage_is_skipped)
{
	/* The GED as microvm writes it: _HID, _CRS with one extended
	 * interrupt, OperationRegion (EREG, SystemMemory, DWord, 4). */
	static const uint8_t good[] = {
		0x08, '_', 'H', 'I', 'D', 0x0d, 'A', 'C', 'P', 'I', '0', '0',
		'1', '3', 0, 0x08, '_', 'C', 'R', 'S', 0x11, 0x0e, 0x0a, 0x0b,
		0x89, 0x06, 0x00, 0x01, 0x01, 0x09, 0x00, 0x00, 0x00, 0x79,
		0x00, 0x5b, 0x80, 'E', 'R', 'E', 'G', 0x00, 0x0c, 0x00, 0x00,
		0xa0, 0xfe, 0x0a, 0x04,
	};
	uint8_t aml[sizeof(good)];
	struct acpi_dev d;

	CHECK_EQ(acpi_find_devices(good, sizeof(good), ACPI_HID_GED, &d, 1),
		 1);
	CHECK_EQ(d.gsi, 9);
	REQUIRE(acpi_find_region(good, sizeof(good), "EREG", &d));
	CHECK_EQ(d.base, 0xfea00000);
	CHECK_EQ(d.size, 4);
	for (size_t n = 0; n < sizeof(good); n++) {
		/* Cut anywhere: never a window, and an interrupt only from
		 * a whole _CRS; the region's length is its last byte. */
		unsigned k = acpi_find_devices(good, n, ACPI_HID_GED, &d, 1);

		CHECK(k == 0 || (d.size == 0 && n >= 35));
		CHECK(!acpi_find_region(good, n, "EREG", &d));
	}
	/* A region in I/O space (1) is not the register. */
	memcpy(aml, good, sizeof(good));
	aml[41] = 0x01;
	CHECK(!acpi_find_region(aml, sizeof(aml), "EREG", &d));
	/* Nor one whose address or length is no integer. */
	memcpy(aml, good, sizeof(good));
	aml[42] = 0x0d;
	CHECK(!acpi_find_region(aml, sizeof(aml), "EREG", &d));
	memcpy(aml, good, sizeof(good));
	aml[47] = 0x0f;
	CHECK(!acpi_find_region(aml, sizeof(aml), "EREG", &d));
	/* Nor a virtio-mmio transport. */
	CHECK_EQ(acpi_find_devices(good, sizeof(good), ACPI_HID_VIRTIO_MMIO,
				   &d, 1), 0);
}

UNIT_TEST(acpi_cloud_hypervisor_generic_event_device)
{
	/* Cloud Hypervisor's DSDT (devices/src/acpi.rs), in the encoding
	 * of its AML writer: a generic container _SB_.GEC_ (_HID
	 * EISAID("PNP0A06"), a DWord), whose one-byte region GDST is the
	 * event register, then the GED _SB_.GED_ with only an interrupt
	 * (edge, GSI 5) and an _EVT that calls GEC_'s ESCN. */
	static const uint8_t dsdt[] = {
		0x5b, 0x82, 0x48, 0x00, 0x2e, '_', 'S', 'B', '_', 'G', 'E',
		'C', '_', 0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a,
		0x06, 0x08, '_', 'U', 'I', 'D', 0x0d, 'G', 'E', 'C', 0x00,
		0x08, '_', 'C', 'R', 'S', 0x11, 0x1f, 0x0a, 0x1c,
		/* DWord memory descriptor */
		0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x40, 0xb0, 0xfe, 0x00, 0x40, 0xb0, 0xfe, 0x00, 0x00,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x79, 0x00,
		/* OperationRegion (GDST, SystemMemory, 0xfeb04000, One) */
		0x5b, 0x80, 'G', 'D', 'S', 'T', 0x00, 0x0c, 0x00, 0x40, 0xb0,
		0xfe, 0x01,
		/* Field (GDST, ByteAcc, NoLock, WriteAsZeros) { GDAT, 8 } */
		0x5b, 0x81, 0x0b, 'G', 'D', 'S', 'T', 0x41, 'G', 'D', 'A', 'T',
		0x08,
		/* Device (_SB_.GED_) */
		0x5b, 0x82, 0x37, 0x2e, '_', 'S', 'B', '_', 'G', 'E', 'D', '_',
		0x08, '_', 'H', 'I', 'D', 0x0d, 'A', 'C', 'P', 'I', '0', '0',
		'1', '3', 0x00, 0x08, '_', 'U', 'I', 'D', 0x00, 0x08, '_', 'C',
		'R', 'S', 0x11, 0x0e, 0x0a, 0x0b, 0x89, 0x06, 0x00, 0x03,
		0x01, 0x05, 0x00, 0x00, 0x00, 0x79, 0x00,
		/* Method (_EVT, 1, Serialized) { \_SB_.GEC_.ESCN () } */
		0x14, 0x12, '_', 'E', 'V', 'T', 0x09, 0x5c, 0x2f, 0x03, '_',
		'S', 'B', '_', 'G', 'E', 'C', '_', 'E', 'S', 'C', 'N',
	};
	uint8_t aml[sizeof(dsdt)];
	struct acpi_dev d[2], reg;

	REQUIRE(acpi_find_devices(dsdt, sizeof(dsdt), ACPI_HID_GED, d, 2) ==
		1);
	CHECK(d[0].has_irq);
	CHECK_EQ(d[0].gsi, 5);
	CHECK_EQ(d[0].size, 0);
	/* QEMU's register is not there; Cloud Hypervisor's is one byte. */
	CHECK(!acpi_find_region(dsdt, sizeof(dsdt), "EREG", &reg));
	REQUIRE(acpi_find_region(dsdt, sizeof(dsdt), "GDST", &reg));
	CHECK_EQ(reg.base, 0xfeb04000);
	CHECK_EQ(reg.size, 1);
	/* A region above 4 GiB comes as a QWord; the length as a byte. */
	static const uint8_t high[] = {
		0x5b, 0x80, 'G', 'D', 'S', 'T', 0x00, 0x0e, 0x00, 0x10, 0x00,
		0x00, 0x40, 0x00, 0x00, 0x00, 0x0a, 0x02,
	};
	REQUIRE(acpi_find_region(high, sizeof(high), "GDST", &reg));
	CHECK_EQ(reg.base, 0x4000001000ULL);
	CHECK_EQ(reg.size, 2);
	/* A region at address zero, or of length zero, is none. */
	memcpy(aml, dsdt, sizeof(dsdt));
	memset(aml + 78, 0, 4);
	CHECK(!acpi_find_region(aml, sizeof(aml), "GDST", &reg));
	memcpy(aml, dsdt, sizeof(dsdt));
	aml[82] = 0x00;
	CHECK(!acpi_find_region(aml, sizeof(aml), "GDST", &reg));
}

UNIT_TEST(acpi_virtio_mmio_garbage_is_skipped)
{
	/* Device with _HID and a _CRS, as microvm writes it. */
	static const uint8_t good[] = {
		0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0',
		'0', '5', 0, 0x08, '_', 'C', 'R', 'S', 0x11, 0x1a, 0x0a, 0x17,
		0x86, 0x09, 0x00, 0x01, 0x00, 0x2e, 0xb0, 0xfe, 0x00, 0x02,
		0x00, 0x00, 0x89, 0x06, 0x00, 0x01, 0x01, 0x2f, 0x00, 0x00,
		0x00, 0x79, 0x00,
	};
	uint8_t aml[sizeof(good)];
	struct acpi_dev d[2];

	CHECK_EQ(acpi_find_devices(good, sizeof(good), ACPI_HID_VIRTIO_MMIO,
				   d, 2), 1);
	CHECK_EQ(d[0].base, 0xfeb02e00);
	CHECK_EQ(d[0].gsi, 47);
	/* Cut anywhere: never a read past the end, never a device. */
	for (size_t n = 0; n < sizeof(good) - 2; n++)
		CHECK_EQ(acpi_find_devices(good, n, ACPI_HID_VIRTIO_MMIO, d, 2), 0);
	/* A descriptor length running past the buffer. */
	memcpy(aml, good, sizeof(good));
	aml[25] = 0x40;
	CHECK_EQ(acpi_find_devices(aml, sizeof(aml), ACPI_HID_VIRTIO_MMIO,
				   d, 2), 0);
	/* A PkgLength longer than what is left. */
	memcpy(aml, good, sizeof(good));
	aml[21] = 0x3f;
	CHECK_EQ(acpi_find_devices(aml, sizeof(aml), ACPI_HID_VIRTIO_MMIO,
				   d, 2), 0);
}

UNIT_TEST(acpi_microvm_noacpi)
{
	physmem_reset();
	REQUIRE(physmem_load("microvm-noacpi") == 0);
	CHECK_EQ(acpi_find_rsdp(physmem_map), 0);
	physmem_reset();
}

UNIT_TEST(acpi_q35_seabios)
{
	struct platform_info pi;
	uint64_t rsdp;

	/* SeaBIOS: RSDP revision 0 (RSDT only), tables at the top of RAM. */
	CHECK_EQ(parse_fixture("q35-seabios", &rsdp, &pi), 0);
	CHECK_EQ(rsdp, 0xf59e0);
	check_cpus_0_to(&pi, 4);
	check_qemu_pc_irqs(&pi);
	check_q35_fadt(&pi);
	physmem_reset();
}

UNIT_TEST(acpi_q35_qboot)
{
	struct platform_info pi;
	uint64_t rsdp;

	/* The same QEMU-built tables as SeaBIOS's, placed by qboot at
	 * 0xd0000 and found without any EBDA. */
	CHECK_EQ(parse_fixture("q35-qboot", &rsdp, &pi), 0);
	CHECK_EQ(rsdp, 0xf36a0);
	check_cpus_0_to(&pi, 4);
	check_qemu_pc_irqs(&pi);
	check_q35_fadt(&pi);
	physmem_reset();
}

UNIT_TEST(acpi_q35_70_cpus)
{
	static const char *const fixtures[] = { "q35-seabios-70",
						"q35-qboot-70" };
	struct platform_info pi;
	uint64_t rsdp;

	/* QEMU numbers the 70 CPUs' APIC IDs 0-69; the first 64 are kept. */
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		CHECK_EQ(parse_fixture(fixtures[i], &rsdp, &pi), 0);
		check_cpus_0_to(&pi, MAX_CPUS);
		CHECK_EQ(pi.ncpus_dropped, 70 - MAX_CPUS);
		check_qemu_pc_irqs(&pi);
		check_q35_fadt(&pi);
	}
	physmem_reset();
}

UNIT_TEST(acpi_q35_hotplug)
{
	struct platform_info pi;
	uint64_t rsdp;

	/* -smp 2,maxcpus=4: QEMU lists the two absent CPUs, disabled and
	 * (MADT revision 1) not online-capable, so they must not count. */
	CHECK_EQ(parse_fixture("q35-seabios-hotplug", &rsdp, &pi), 0);
	check_cpus_0_to(&pi, 2);
	CHECK_EQ(pi.ncpus_dropped, 0);
	physmem_reset();
}

UNIT_TEST(acpi_pc_seabios)
{
	struct platform_info pi;
	uint64_t rsdp;

	/* i440fx/PIIX4: the PM block at 0x600 too, an ACPI 1.0 FADT with
	 * no reset register, and no MCFG. */
	CHECK_EQ(parse_fixture("pc-seabios", &rsdp, &pi), 0);
	CHECK_EQ(rsdp, 0xf59d0);
	check_cpus_0_to(&pi, 2);
	check_qemu_pc_irqs(&pi);
	CHECK(!pi.hw_reduced);
	CHECK_EQ(pi.pm_timer_port, 0x608);
	CHECK(!pi.pm_timer_32bit);
	CHECK_EQ(pi.pm1a_cnt_port, 0x604);
	CHECK_EQ(pi.pm1a_evt_port, 0x600);
	CHECK_EQ(pi.sci_irq, 9);
	CHECK(pi.has_s5);
	CHECK_EQ(pi.s5_slp_typ, 0);
	CHECK(!pi.has_reset_reg);
	CHECK_EQ(pi.hpet_base, 0xfed00000);
	CHECK_EQ(pi.ecam_base, 0);
	physmem_reset();
}
