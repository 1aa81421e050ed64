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

#endif /* ARCH_POWER_H */
