/* SPDX-License-Identifier: MIT */
/*
 * Start-up code for the application processors. smp.c copies it to a page
 * below 1 MiB and fills in the parameter block at its end; a STARTUP IPI
 * then starts each AP in real mode at the start of that page (CS = page >>
 * 4, IP = 0). It goes to protected mode, loads the kernel page tables,
 * enters long mode, takes a stack slot with an atomic increment and calls
 * ap_entry(slot) in the kernel. Everything it addresses is relative to the
 * page, through %cs/%ds in real mode and %ebx after that.
 */
#include <arch/segment.h>

#define CR0_PE		0x00000001
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080

#define P(field)	(field - smp_trampoline)

	.section .rodata.trampoline, "a"
	.globl smp_trampoline, smp_trampoline_end, smp_trampoline_params
	.code16
	.balign 16
smp_trampoline:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	xor	%ebx, %ebx
	mov	%cs, %bx
	shl	$4, %ebx			/* %ebx = linear base of the page */
	lgdtl	P(param_gdtr)
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	*P(param_far32)

	.code32
trampoline_32:
	mov	$SEG_KDATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	P(param_cr3)(%ebx), %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	P(param_efer)(%ebx), %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP), %eax
	mov	%eax, %cr0
	ljmpl	*P(param_far64)(%ebx)

	.code64
trampoline_64:
	mov	%ebx, %ebx			/* upper half is undefined */
	mov	$1, %edi
	lock xadd %edi, P(param_next_slot)(%rbx)
	mov	P(param_stacks)(%rbx, %rdi, 8), %rsp
	xor	%ebp, %ebp
	mov	P(param_entry)(%rbx), %rax
	call	*%rax				/* ap_entry(slot): no return */
1:	cli
	hlt
	jmp	1b

	.balign 8
smp_trampoline_params:
param_gdtr:
	.word	0
	.long	0				/* GDT linear base */
	.word	0
param_far32:
	.long	0				/* page + trampoline_32 offset */
	.word	SEG_KCODE32
	.word	0
param_far64:
	.long	0				/* page + trampoline_64 offset */
	.word	SEG_KCODE
	.word	0
param_cr3:
	.long	0
param_efer:
	.long	0
param_next_slot:
	.long	0
	.long	0
param_entry:
	.quad	0
param_stacks:
	.fill	64, 8, 0
smp_trampoline_end:

	.globl smp_tramp_off_32, smp_tramp_off_64
	.set	smp_tramp_off_32, trampoline_32 - smp_trampoline
	.set	smp_tramp_off_64, trampoline_64 - smp_trampoline

	.section .note.GNU-stack, "", @progbits
