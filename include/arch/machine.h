/* SPDX-License-Identifier: MIT */
/* The machine Toro runs on, as discovered at boot (platform.c). */
#ifndef ARCH_MACHINE_H
#define ARCH_MACHINE_H

#include <stdint.h>

#include <arch/platform.h>

extern struct platform_info platform;

/* Reads the firmware tables, starting from (rsdp) when the boot protocol
 * gave one. Needs the kernel page tables. */
void platform_init(uint64_t rsdp);

#endif /* ARCH_MACHINE_H */
