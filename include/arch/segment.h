/* SPDX-License-Identifier: MIT */
/*
 * GDT layout shared by the boot path, the AP trampoline and the per-CPU GDT:
 * one flat kernel code and data segment for long mode, a 32-bit code segment
 * for the trampoline's protected-mode step, and the CPU's TSS.
 */
#ifndef ARCH_SEGMENT_H
#define ARCH_SEGMENT_H

#define SEG_KCODE	0x08
#define SEG_KDATA	0x10
#define SEG_KCODE32	0x18
#define SEG_TSS		0x20	/* 16-byte system descriptor */
#define GDT_ENTRIES	6

/* Descriptors: base 0, limit 4 GiB, present, ring 0, and already marked
 * accessed: the CPU would otherwise write that bit into a GDT that may sit
 * in read-only memory. */
#define GDT_KCODE64	0x00af9b000000ffff
#define GDT_KDATA	0x00cf93000000ffff
#define GDT_KCODE32	0x00cf9b000000ffff

#endif /* ARCH_SEGMENT_H */
