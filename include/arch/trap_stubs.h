/* SPDX-License-Identifier: MIT */
/*
 * How traps.S lays out its entry stubs, for idt.c to find each one: two
 * groups of 16 exception stubs in 8-byte slots, then seven groups of 32
 * interrupt stubs in 4-byte slots, every group the same size (its slots
 * and a long jump onward). Included by assembly too: macros only.
 */
#ifndef ARCH_TRAP_STUBS_H
#define ARCH_TRAP_STUBS_H

#define TRAP_STUB_GROUP_BYTES	136

#define TRAP_STUBS_PER_GROUP	16
#define TRAP_STUB_BYTES		8
#define TRAP_STUB_GROUPS	2

#define IRQ_STUBS_PER_GROUP	32
#define IRQ_STUB_BYTES		4
#define IRQ_STUB_GROUPS		7

#endif /* ARCH_TRAP_STUBS_H */
