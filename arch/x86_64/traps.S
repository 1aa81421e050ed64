/* SPDX-License-Identifier: MIT */
/*
 * Entry stubs for all 256 vectors. Each pushes a zero error code when the
 * CPU does not push one, then its vector number, and joins trap_common,
 * which saves the general registers as a struct trap_frame, calls
 * trap_dispatch(frame) and returns with iretq. The 32 exception stubs sit
 * in 16-byte slots; the 224 interrupt stubs, which never get an error code
 * from the CPU, in 8-byte slots (push imm8, jmp) and add the zero error
 * code in irq_common, so idt.c can compute each one's address.
 */
	.section .text.traps, "ax"
	.code64

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)

	.balign 16
	.globl trap_stubs, irq_stubs
trap_stubs:
	vector = 0
	.rept 32
	.balign 16
	.if !HAS_ERROR(vector)
	pushq	$0
	.endif
	pushq	$vector
	jmp	trap_common
	vector = vector + 1
	.endr

	/* push imm8 sign-extends: vectors above 127 go in as negative
	 * numbers and irq_common masks them back. */
	.balign 8
irq_stubs:
	.rept 224
	.balign 8
	.if vector < 128
	pushq	$vector
	.else
	pushq	$(vector - 256)
	.endif
	jmp	irq_common
	vector = vector + 1
	.endr

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
