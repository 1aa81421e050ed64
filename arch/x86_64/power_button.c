// SPDX-License-Identifier: MIT
/*
 * The ACPI power button (include/arch/power.h): how a hypervisor asks a
 * guest to shut down (QEMU's system_powerdown, libvirt's shutdown, a
 * cloud's stop). Two kinds, as the firmware's tables say:
 *
 *  - hardware-reduced machines (QEMU microvm): the Generic Event Device,
 *    whose edge interrupt comes with its event register's power-down bit
 *    set (read, it clears itself);
 *  - the others (q35, pc): the fixed power button, a status bit in the
 *    PM1 event block (write 1 to clear) with its enable bit beside it,
 *    raised on the SCI, which is level-triggered: the status is cleared
 *    before the interrupt ends.
 *
 * Each press calls the handler from the interrupt, on the boot CPU.
 */
#include <errno.h>

#include <arch/acpi.h>
#include <arch/cpu.h>
#include <arch/ioapic.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/power.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/percpu.h>

#define GED_POWER_DOWN	0x02	/* QEMU's ACPI_GED_PWR_DOWN_EVT */
#define PM1_PWRBTN	0x0100	/* PWRBTN_STS and PWRBTN_EN */

static void (*on_press)(void);
static volatile uint32_t *ged_events;

static void ged_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;
	if (*ged_events & GED_POWER_DOWN)
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

/* Routes (gsi) to (fn) on the boot CPU; the host learns that a press
 * will be heard (`toro run` then asks before it stops the guest). */
static int route(uint32_t gsi, bool level, irq_handler_fn fn)
{
	int vec = irq_alloc_vector();

	if (vec < 0)
		return vec;
	int rc = irq_set_handler((unsigned)vec, fn, NULL);

	if (!rc)
		rc = ioapic_route(gsi, (unsigned)vec, cpus[0]->apic_id, level);
	if (!rc)
		power_report("toro-power-button=on\n");
	return rc;
}

__cold int power_button_start(void (*fn)(void))
{
	struct acpi_dev ged;
	uint32_t gsi;
	bool level;

	on_press = fn;
	if (platform.hw_reduced) {
		if (!platform_devices(ACPI_HID_GED, &ged, 1) ||
		    vm_map(ged.base, ged.size, VM_WRITE | VM_DEVICE))
			return -ENODEV;
		ged_events = (volatile uint32_t *)(uintptr_t)ged.base;
		return route(ged.gsi, false, ged_irq);
	}
	if (!platform.pm1a_evt_port || platform.pm1_evt_len < 4)
		return -ENODEV;
	uint16_t en = platform.pm1a_evt_port + platform.pm1_evt_len / 2;

	outw(platform.pm1a_evt_port, PM1_PWRBTN);	/* a stale press */
	gsi = ioapic_isa_gsi(platform.sci_irq, &level);
	int rc = route(gsi, level, sci_irq);

	if (!rc)
		outw(en, inw(en) | PM1_PWRBTN);
	return rc;
}
