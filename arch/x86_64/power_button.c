// SPDX-License-Identifier: MIT
/*
 * The ACPI power button (include/arch/power.h): how a hypervisor asks a
 * guest to shut down (QEMU's system_powerdown, libvirt's shutdown, a
 * cloud's stop). Two kinds, as the firmware's tables say:
 *
 *  - hardware-reduced machines: the Generic Event Device, whose edge
 *    interrupt comes with its event register's power-down bit set (read,
 *    it clears itself): on QEMU microvm a 32-bit register of the GED's
 *    own, bit 1; on Cloud Hypervisor a byte of its generic event
 *    controller (the region GDST), bit 3 (its ESCN method notifies the
 *    power button for it);
 *  - the others (q35, pc): the fixed power button, a status bit in the
 *    PM1 event block (write 1 to clear) with its enable bit beside it,
 *    raised on the SCI, which is level-triggered: the status is cleared
 *    before the interrupt ends.
 *
 * And, where there is a keyboard controller (i8042: Firecracker, q35),
 * Ctrl-Alt-Del: Firecracker's SendCtrlAltDel, its way to ask a guest to
 * stop, sends those keys' make codes and nothing else.
 *
 * Each press calls the handler from the interrupt, on the boot CPU.
 */
#include <errno.h>

#include <arch/acpi.h>
#include <arch/ioapic.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/power.h>
#include <arch/trap.h>
#include <arch/x86.h>

#define PM1_PWRBTN	0x0100	/* PWRBTN_STS and PWRBTN_EN */
#define I8042_DATA	0x60
#define I8042_STATUS	0x64
#define I8042_OUT_FULL	0x01
#define KEYBOARD_IRQ	1	/* ISA */
/* Ctrl, Alt and Del's make codes in a row, as scan code set 2 (what
 * Firecracker sends; a PS/2 keyboard the controller does not translate)
 * and set 1 (translated). */
#define CTRL_ALT_DEL_SET2	0x1411e071
#define CTRL_ALT_DEL_SET1	0x1d38e053

/* The GED's event register, the OperationRegion its _EVT method reads,
 * and the power button's bit in it. */
static const struct {
	char region[4];		/* a NameSeg, no NUL */
	uint8_t power_bit;
} ged_kinds[] = {
	{ "EREG", 0x02 },	/* QEMU: ACPI_GED_PWR_DOWN_EVT, 4 bytes */
	{ "GDST", 0x08 },	/* Cloud Hypervisor: POWER_BUTTON_CHANGED,
				 * 1 byte, which it answers at no other size */
};

static void (*on_press)(void);
static uintptr_t ged_events;
static bool ged_wide;		/* 4 bytes, else 1 */
static uint8_t ged_power_bit;

static void ged_irq(struct trap_frame *tf, void *arg)
{
	uint32_t events = ged_wide ? *(volatile uint32_t *)ged_events
				   : *(volatile uint8_t *)ged_events;

	(void)tf;
	(void)arg;
	if (events & ged_power_bit)
		on_press();
}

static void sci_irq(struct trap_frame *tf, void *arg)
{
	uint16_t sts = platform.pm1a_evt_port;

	(void)tf;
	(void)arg;
	if (!(inw(sts) & PM1_PWRBTN))
		return;
	outw(sts, PM1_PWRBTN);
	on_press();
}

static void keyboard_irq(struct trap_frame *tf, void *arg)
{
	static uint32_t last;	/* the last four bytes, newest lowest */

	(void)tf;
	(void)arg;
	for (int n = 0; n < 16 && (inb(I8042_STATUS) & I8042_OUT_FULL); n++) {
		last = last << 8 | inb(I8042_DATA);
		if (last == CTRL_ALT_DEL_SET2 || last == CTRL_ALT_DEL_SET1)
			on_press();
	}
}

/* The ACPI button is routed: the host learns that a press will be heard
 * (`toro run` then asks before it stops the guest). */
static int routed_button(int rc)
{
	if (!rc)
		power_report("toro-power-button=on\n");
	return rc;
}

__cold int power_button_start(void (*fn)(void))
{
	struct acpi_dev ged, reg;
	const uint8_t *aml;
	size_t len;
	unsigned k = 0;
	uint32_t gsi;
	bool level;

	on_press = fn;
	/* No controller, no interrupt: this costs nothing where it is
	 * absent (QEMU microvm). */
	gsi = ioapic_isa_gsi(KEYBOARD_IRQ, &level);
	ioapic_route_handler(gsi, level, keyboard_irq);
	if (platform.hw_reduced) {
		if (!platform_dsdt(&aml, &len) ||
		    !acpi_find_devices(aml, len, ACPI_HID_GED, &ged, 1) ||
		    !ged.has_irq)
			return -ENODEV;
		while (!acpi_find_region(aml, len, ged_kinds[k].region, &reg))
			if (++k == ARRAY_SIZE(ged_kinds))
				return -ENODEV;
		if (vm_map(reg.base, reg.size, VM_WRITE | VM_DEVICE))
			return -ENODEV;
		ged_events = (uintptr_t)reg.base;
		ged_wide = reg.size >= 4;
		ged_power_bit = ged_kinds[k].power_bit;
		return routed_button(ioapic_route_handler(ged.gsi, false,
							  ged_irq));
	}
	if (!platform.pm1a_evt_port || platform.pm1_evt_len < 4)
		return -ENODEV;
	uint16_t en = platform.pm1a_evt_port + platform.pm1_evt_len / 2;

	outw(platform.pm1a_evt_port, PM1_PWRBTN);	/* a stale press */
	gsi = ioapic_isa_gsi(platform.sci_irq, &level);
	int rc = routed_button(ioapic_route_handler(gsi, level, sci_irq));

	if (!rc)
		outw(en, inw(en) | PM1_PWRBTN);
	return rc;
}
