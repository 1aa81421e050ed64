/* SPDX-License-Identifier: MIT */
/*
 * The floor for boot benchmarks: a PVH kernel whose first instruction
 * exits QEMU through isa-debug-exit. QEMU's start-up and teardown are all
 * that remains of its run time.
 */
	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, 18			/* Xen PVH entry note */
	.asciz "Xen"
	.long stub_start

	.text
	.code32
	.globl stub_start
stub_start:
	xor	%eax, %eax
	outl	%eax, $0xf4
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
