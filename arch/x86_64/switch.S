/* SPDX-License-Identifier: MIT */
/*
 * Thread switch. Cooperative switches happen at a function call, so only
 * the callee-saved registers need saving: they are pushed on the old
 * thread's stack, its stack pointer stored, the new one's loaded and its
 * registers popped. FPU state is the scheduler's business (fpu_x86_64.c).
 *
 *	void arch_switch(uintptr_t *save_sp, uintptr_t next_sp);
 *
 * A new thread's stack is laid out by arch_thread_stack() so that the
 * first switch to it "returns" into thread_trampoline, which calls
 * sched_thread_start() with a clean frame chain.
 */
	.text
	.code64
	.globl arch_switch, thread_trampoline, arch_run_on_stack
	.globl arch_call_on_stack

arch_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

thread_trampoline:
	xorl	%ebp, %ebp		/* the end of every backtrace */
	call	sched_thread_start	/* never returns */
	ud2

/* void arch_run_on_stack(uintptr_t sp, void (*fn)(void)); */
arch_run_on_stack:
	movq	%rdi, %rsp
	xorl	%ebp, %ebp		/* the end of every backtrace */
	call	*%rsi			/* never returns */
	ud2

/* void arch_call_on_stack(uintptr_t sp, void (*fn)(void *), void *arg);
 * In a section of its own, so that an image that never calls it (one
 * without sigaltstack()) leaves it out. */
	.section .text.arch_call_on_stack, "ax", @progbits
arch_call_on_stack:
	pushq	%rbp
	movq	%rsp, %rbp		/* the chain: fn's frame links to ours */
	andq	$-16, %rdi
	movq	%rdi, %rsp
	movq	%rdx, %rdi
	call	*%rsi
	movq	%rbp, %rsp
	popq	%rbp
	ret

	.section .note.GNU-stack, "", @progbits
