/* SPDX-License-Identifier: MIT */
/*
 * PVH entry. The VMM (QEMU, Firecracker, cloud-hypervisor) loads the ELF,
 * finds the Xen PVH note below, and starts the boot CPU at pvh_start in
 * 32-bit protected mode with paging off and %ebx = physical address of the
 * hvm_start_info (Xen docs/misc/pvh.pandoc). We record the TSC, clear .bss,
 * identity-map the first GiB with 2 MiB pages, enter long mode and call
 * pvh_boot() in C on the boot stack. Real page tables come later (paging.c).
 * GRUB comes in the same way through mb2_start (entry_mb2.S), with the
 * Multiboot2 information in %ebx: then mb2_boot() is called instead.
 */
#include <arch/segment.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080

#define CR0_PE		0x00000001
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define MSR_GS_BASE	0xc0000101
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800

	.section .note.Xen, "a"
	.balign 4
	.long 4				/* name size */
	.long 4				/* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start

	.section .text.pvh, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	mov	%ebx, pvh_start_info
	rdtsc
	mov	%eax, boot_tsc_entry
	mov	%edx, boot_tsc_entry + 4

	/* .bss is not in the file; loaders zero it, but do not rely on it.
	 * Its bounds are page-aligned: clear it four bytes at a time. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl

	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] -> i * 2 MiB. */
	mov	$boot_pdpt + (PTE_P | PTE_W), %eax
	mov	%eax, boot_pml4
	mov	$boot_pd + (PTE_P | PTE_W), %eax
	mov	%eax, boot_pdpt
	mov	$boot_pd, %edi
	mov	$(PTE_P | PTE_W | PTE_PS), %eax
	mov	$512, %ecx
1:	mov	%eax, (%edi)
	add	$0x200000, %eax
	add	$8, %edi
	loop	1b

	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3

	/* Long mode, and no-execute pages when the CPU has them. */
	mov	$0x80000001, %eax
	cpuid
	mov	$EFER_LME, %esi
	bt	$20, %edx
	jnc	2f
	or	$EFER_NXE, %esi
	movb	$1, boot_has_nx
2:	mov	$MSR_EFER, %ecx
	rdmsr
	or	%esi, %eax
	wrmsr

	mov	%cr0, %eax
	or	$(CR0_PE | CR0_PG | CR0_WP), %eax
	mov	%eax, %cr0

	lgdt	boot_gdtr
	ljmp	$SEG_KCODE, $pvh_long_mode

	.code64
pvh_long_mode:
	mov	$SEG_KDATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	lea	boot_stack_top(%rip), %rsp
	xor	%ebp, %ebp		/* ends every backtrace */
	/* GS points at the boot CPU's struct cpu before any C runs, so
	 * per-CPU state (the console's line buffer) works from the start. */
	lea	cpu0(%rip), %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_GS_BASE, %ecx
	wrmsr
	/* pvh_start_info is the Multiboot2 information when GRUB came in
	 * through mb2_start (entry_mb2.S). */
	mov	pvh_start_info(%rip), %edi
	cmpb	$0, boot_mb2(%rip)
	jne	2f
	call	pvh_boot
2:	mov	mb2_magic(%rip), %esi
	call	mb2_boot
1:	cli
	hlt
	jmp	1b

	.section .rodata
	.balign 16
	.globl boot_gdt, boot_gdtr
boot_gdt:
	.quad	0
	.quad	GDT_KCODE64
	.quad	GDT_KDATA
	.quad	GDT_KCODE32
boot_gdt_end:
boot_gdtr:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.data
	.balign 8
	.globl pvh_start_info, boot_tsc_entry, boot_has_nx
pvh_start_info:
	.quad	0
boot_tsc_entry:
	.quad	0
boot_has_nx:
	.byte	0

	/* Boot page tables and the boot CPU's stack, below which one page
	 * stays unmapped once paging.c takes over: the stack's guard. */
	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl boot_pml4, boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_pml4:
	.space	4096
boot_pdpt:
	.space	4096
boot_pd:
	.space	4096
boot_stack_guard:
	.space	4096
boot_stack_bottom:
	.space	16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
