// SPDX-License-Identifier: MIT
/*
 * Power-off paths, from the one that carries an exit code to the ones that
 * merely stop: isa-debug-exit, ACPI S5 (sleep control register on
 * hardware-reduced machines such as QEMU microvm, PM1a control block
 * elsewhere), the i8042 reset line (Firecracker's shutdown), and last a
 * triple fault, which every VMM turns into a reset or a stop.
 */
#include <arch/platform.h>
#include <arch/power.h>
#include <arch/x86.h>

#define DEBUG_EXIT_PORT	0xf4
#define DEBUGCON_PORT	0xe9	/* QEMU isa-debugcon; ignored elsewhere */
#define SLP_EN_PM1	(1U << 13)	/* PM1 control: SLP_TYP in 12:10 */
#define SLP_EN_HWR	(1U << 5)	/* sleep control reg: SLP_TYP in 4:2 */
#define I8042_CMD	0x64
#define I8042_RESET	0xfe

extern struct platform_info platform;

static void acpi_s5(void)
{
	if (!platform.has_s5)
		return;
	const struct acpi_gas *sc = &platform.sleep_control;
	uint8_t typ = platform.s5_slp_typ;

	if (sc->address && sc->space == ACPI_GAS_IO)
		outb(sc->address, (typ & 7) << 2 | SLP_EN_HWR);
	else if (sc->address && sc->space == ACPI_GAS_MEMORY)
		*(volatile uint8_t *)(uintptr_t)sc->address =
			(typ & 7) << 2 | SLP_EN_HWR;
	if (platform.pm1a_cnt_port)
		outw(platform.pm1a_cnt_port, (typ & 7) << 10 | SLP_EN_PM1);
}

void power_report(const char *text)
{
	while (*text)
		outb(DEBUGCON_PORT, *text++);
}

/* The full status as text on the debug console: `toro run` reads it there,
 * since isa-debug-exit keeps only 7 bits and QEMU's own errors look like
 * some of its values. */
static void report_status(int code)
{
	char buf[40] = "toro-exit-status=", *p = buf + 17, digits[12];
	unsigned v = code < 0 ? -(unsigned)code : (unsigned)code;
	int n = 0;

	if (code < 0)
		*p++ = '-';
	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = digits[--n];
	*p++ = '\n';
	*p = 0;
	power_report(buf);
}

void power_off(int code)
{
	__asm__ volatile("cli");
	report_status(code);
	outl(DEBUG_EXIT_PORT, (uint32_t)code);
	acpi_s5();
	outb(I8042_CMD, I8042_RESET);
	/* An exception with an empty IDT cannot be delivered: triple fault. */
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	cpu_halt_forever();
}
