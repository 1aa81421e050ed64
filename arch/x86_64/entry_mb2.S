/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 entry, so that GRUB (and other Multiboot2 loaders) boot the
 * same ELF that VMMs boot through PVH: `toro image` puts it on a disk.
 * The header below is what the loader looks for in the first 32 KiB of the
 * file (the linker script puts it first in .text); it asks for nothing but
 * its own entry point, since the ELF's segments say where to load it.
 * GRUB enters mb2_start in 32-bit protected mode with paging off, as a PVH
 * VMM enters pvh_start, with %eax = the Multiboot2 magic and %ebx = the
 * physical address of the boot information: the PVH path runs from there,
 * and boot_mb2.c turns that information into a PVH start_info.
 * (Multiboot2 specification 1.0, sections 3.1 and 3.3.)
 */
#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_ARCH_I386		0
#define MB2_TAG_END		0
#define MB2_TAG_ENTRY		3
#define MB2_HEADER_LEN		(mb2_header_end - mb2_header)
#define BOOT_MAPPED		0x40000000	/* entry_pvh.S's boot_pd */

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	MB2_HEADER_LEN
	.long	0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + MB2_HEADER_LEN)
	/* Entry address tag: the ELF's own entry point is the PVH one. */
	.short	MB2_TAG_ENTRY
	.short	0
	.long	12
	.long	mb2_start
	.balign 8
	.short	MB2_TAG_END
	.short	0
	.long	8
mb2_header_end:

	.section .text.pvh, "ax"
	.code32
	.globl mb2_start
mb2_start:
	/* The loader keeps interrupts off; .data is loaded, and pvh_start
	 * clears only .bss. The boot page tables map the first GiB: an
	 * information block beyond it is reported by mb2_boot() (magic 0),
	 * read now while paging is off. */
	mov	(%ebx), %ecx		/* total_size */
	add	%ebx, %ecx
	jc	1f
	cmp	$BOOT_MAPPED, %ecx
	jbe	2f
1:	xor	%eax, %eax
2:	mov	%eax, mb2_magic
	movb	$1, boot_mb2
	jmp	pvh_start

	.data
	.globl boot_mb2, mb2_magic
mb2_magic:
	.long	0
boot_mb2:
	.byte	0

	.section .note.GNU-stack, "", @progbits
