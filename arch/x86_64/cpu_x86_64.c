// SPDX-License-Identifier: MIT
/*
 * Per-CPU architectural set-up: GDT with this CPU's TSS, interrupt stacks,
 * IDT, FPU/SSE (and AVX state when the CPU has XSAVE), GS base and the local
 * APIC. Kernel code never uses the FPU (-mgeneral-regs-only), but
 * applications do, so the state must be enabled on every CPU.
 */
#include <string.h>

#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/segment.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/compiler.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <toro/panic.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];	/* ist[n - 1] is IST slot n */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
STATIC_ASSERT(sizeof(struct tss) == 104, "TSS layout");

struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
};

static DEFINE_PERCPU(struct cpu_tables, tables);

#define IST_STACK_PAGES 2

#define XCR0_X87	(1ULL << 0)
#define XCR0_SSE	(1ULL << 1)
#define XCR0_AVX	(1ULL << 2)

/* A stack for an IST slot, with a guard page below it. */
static uint64_t ist_stack(void)
{
	char *p = page_alloc(IST_STACK_PAGES + 1);

	if (!p)
		panic("no memory for interrupt stacks");
	vm_set_guard((uintptr_t)p);
	return (uintptr_t)p + (IST_STACK_PAGES + 1) * PAGE_SIZE;
}

static void load_gdt(struct cpu_tables *t)
{
	uintptr_t tss = (uintptr_t)&t->tss;

	t->gdt[0] = 0;
	t->gdt[SEG_KCODE / 8] = GDT_KCODE64;
	t->gdt[SEG_KDATA / 8] = GDT_KDATA;
	t->gdt[SEG_KCODE32 / 8] = GDT_KCODE32;
	/* 64-bit available TSS: limit, base split over two slots. */
	t->gdt[SEG_TSS / 8] = (sizeof(struct tss) - 1) |
			      ((tss & 0xffffff) << 16) | (0x89ULL << 40) |
			      ((tss >> 24 & 0xff) << 56);
	t->gdt[SEG_TSS / 8 + 1] = tss >> 32;

	struct {
		uint16_t limit;
		uint64_t base;
	} __packed gdtr = { sizeof(t->gdt) - 1, (uintptr_t)t->gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "i"(SEG_KCODE), "i"(SEG_KDATA),
			   "r"(SEG_TSS)
			 : "rax", "memory");
}

static void fpu_init(void)
{
	uint64_t cr0 = read_cr0();

	cr0 &= ~(X86_CR0_EM | X86_CR0_TS);
	cr0 |= X86_CR0_MP | X86_CR0_NE;
	write_cr0(cr0);
	uint64_t cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (cpu_has(1, CPUID_ECX, CPUID1_ECX_XSAVE)) {
		write_cr4(cr4 | X86_CR4_OSXSAVE);
		uint64_t xcr0 = XCR0_X87 | XCR0_SSE;

		if (cpu_has(1, CPUID_ECX, CPUID1_ECX_AVX))
			xcr0 |= XCR0_AVX;
		xsetbv(0, xcr0);
	} else {
		write_cr4(cr4);
	}
	__asm__ volatile("fninit");
}

/* Where %fs points until a thread with a thread pointer runs on the CPU.
 * Application code is built with the stack protector, which reads its
 * canary at %fs:0x28; some of it runs where no application thread has
 * run yet (a call made on this CPU from another, a kernel thread): it
 * reads 0 here instead of faulting at address 0x28. Kernel threads keep
 * whichever thread pointer was last loaded, so this is needed only once. */
static const uint64_t no_thread_pointer[8];

void cpu_arch_init(struct cpu *c)
{
	wrmsr(MSR_FS_BASE, (uintptr_t)no_thread_pointer);
	arch_set_this_cpu(c);
	struct cpu_tables *t = &this_cpu_var(tables);

	memset(t, 0, sizeof(*t));
	t->tss.ist[IST_DOUBLE_FAULT - 1] = ist_stack();
	t->tss.ist[IST_NMI - 1] = ist_stack();
	t->tss.iomap_base = sizeof(struct tss);	/* no I/O bitmap */
	load_gdt(t);
	idt_load();
	fpu_init();
	lapic_init();
	c->apic_id = lapic_id();
}
