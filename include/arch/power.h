/* SPDX-License-Identifier: MIT */
/* Stopping the virtual machine with an exit status for the host. */
#ifndef ARCH_POWER_H
#define ARCH_POWER_H

/*
 * Powers the VM off. First reports (code) as text on the debug console
 * (port 0xe9), then tries, in order: QEMU's isa-debug-exit port (the VMM
 * then exits with status (code << 1) | 1), ACPI S5 as the firmware tables
 * describe it, the keyboard-controller reset that Firecracker treats as a
 * shutdown, and a triple fault.
 */
void power_off(int code) __attribute__((noreturn));

/* Writes (text) to the debug console (port 0xe9), where `toro run` reads
 * what the guest tells the host: its exit status, that it hears the power
 * button. Nothing elsewhere. */
void power_report(const char *text);

/*
 * The ACPI power button (arch/x86_64/power_button.c): calls (fn) from its
 * interrupt each time the hypervisor presses it (a stop asked of the
 * guest), and tells the host so (power_report(): "toro-power-button=on").
 * Ctrl-Alt-Del on the keyboard controller (Firecracker's way to ask)
 * calls (fn) too. Called once, at start-up. 0; -ENODEV where the
 * firmware's tables show no button (microvm without ACPI, Firecracker).
 */
int power_button_start(void (*fn)(void));

#endif /* ARCH_POWER_H */
