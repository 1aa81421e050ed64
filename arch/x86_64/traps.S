/* SPDX-License-Identifier: MIT */
/*
 * Entry stubs for all 256 vectors. Each pushes a zero error code when the
 * CPU does not push one, then its vector number, and joins trap_common,
 * which saves the general registers as a struct trap_frame, calls
 * trap_dispatch(frame) and returns with iretq.
 *
 * The stubs are packed, for size: a short jump reaches only 127 bytes, so
 * they come in groups, each ending in one long jump onward. The 32
 * exception stubs are two groups of 16 eight-byte slots; the 224 interrupt
 * stubs, which never get an error code from the CPU (irq_common adds it),
 * are seven groups of 32 four-byte slots (push imm8, jmp rel8). Every
 * group is the same size (arch/trap_stubs.h). Instructions are spelled out
 * as bytes where their size must not vary, so idt.c can compute each
 * stub's address (the layout is checked at the end).
 */
#include <arch/trap_stubs.h>

	.section .text.traps, "ax"
	.code64

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)

/* jmp rel8 and jmp rel32, always that size. */
.macro jmp8 target
	.byte	0xeb, (\target - . - 1)
.endm
.macro jmp32 target
	.byte	0xe9
	.long	\target - . - 4
.endm

/* push imm8 (sign-extended: vectors above 127 go in as negative numbers,
 * which irq_common masks back). */
.macro push8 value
	.byte	0x6a, (\value) & 0xff
.endm

.macro exception_group
	.rept 16
	.if HAS_ERROR(vector)
	push8	vector
	jmp8	1f
	.byte	0xcc, 0xcc, 0xcc, 0xcc
	.else
	push8	0
	push8	vector
	jmp8	1f
	.byte	0xcc, 0xcc
	.endif
	vector = vector + 1
	.endr
1:	jmp32	trap_common
	.byte	0xcc, 0xcc, 0xcc
.endm

.macro irq_group
	.rept 32
	push8	vector
	jmp8	1f
	vector = vector + 1
	.endr
1:	jmp32	irq_common
	.byte	0xcc, 0xcc, 0xcc
.endm

	.balign 16
	.globl trap_stubs, irq_stubs
trap_stubs:
	vector = 0
	exception_group
	exception_group
irq_stubs:
	.rept 7
	irq_group
	.endr
stubs_end:
	.if (irq_stubs - trap_stubs) != \
		TRAP_STUB_GROUPS * TRAP_STUB_GROUP_BYTES || \
	    (stubs_end - irq_stubs) != IRQ_STUB_GROUPS * TRAP_STUB_GROUP_BYTES
	.error "trap stubs are not laid out as idt.c computes"
	.endif

irq_common:
	pushq	(%rsp)			/* the vector again, one slot lower */
	movq	$0, 8(%rsp)		/* the old slot is the error code */
	andq	$0xff, (%rsp)
	jmp	trap_common

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	/* The CPU aligned %rsp to 16 before its frame; 22 quadwords later it
	 * is still aligned, as the C call needs. */
	mov	%rsp, %rdi
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	add	$16, %rsp		/* vector and error code */
	iretq

	.section .note.GNU-stack, "", @progbits
