// SPDX-License-Identifier: MIT
/*
 * AP start-up. The boot CPU prepares, for every other CPU in the firmware
 * tables, a struct cpu with a zeroed per-CPU area and a stack with a guard
 * page; copies the trampoline below 1 MiB; sends INIT and two STARTUP IPIs
 * to each, and goes on to main() while they come up in parallel. An AP
 * finds its struct cpu by its APIC id, sets itself up and halts until the
 * boot CPU, the first time anything needs the set of CPUs, waits for the
 * stragglers, numbers the CPUs and lets them go. A CPU that fails to start
 * in time is given up (atomically, in case it arrives late) and left out,
 * so CPU ids stay dense.
 */
#include <string.h>

#include <arch/apic.h>
#include <arch/clock.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/segment.h>
#include <arch/trap.h>
#include <arch/smp.h>
#include <arch/x86.h>
#include <kernel/boottime.h>
#include <kernel/compiler.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <toro/panic.h>
#include <toro/time.h>

#define AP_STACK_PAGES	4		/* 16 KiB, plus one guard page */
/* Linux waits 10 s for an AP. Under TCG on a busy host an AP's vCPU
 * thread has been seen to take over the 1 s this was (a 2-CPU boot came
 * up with one: `make test`'s boot-time check, with other guests running);
 * a CPU that works costs nothing more, one that never answers 5 s. */
#define AP_START_TIMEOUT_NS (5 * 1000000000ULL)

struct trampoline_params {
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint16_t pad0;
	uint32_t far32_offset;
	uint16_t far32_selector;
	uint16_t pad1;
	uint32_t far64_offset;
	uint16_t far64_selector;
	uint16_t pad2;
	uint32_t cr3;
	uint32_t efer;
	uint32_t next_slot;
	uint32_t pad3;
	uint64_t entry;
	uint64_t stacks[MAX_CPUS];
} __packed;
STATIC_ASSERT(sizeof(struct trampoline_params) == 48 + 8 * MAX_CPUS,
	      "matches the block in smp_trampoline.S");

enum ap_state { AP_STARTING, AP_ONLINE, AP_ABANDONED };

extern const char smp_trampoline[], smp_trampoline_end[];
extern const char smp_trampoline_params[];
extern const char smp_tramp_off_32[], smp_tramp_off_64[];
extern const uint64_t boot_gdt[];
extern uint8_t boot_has_nx;

static struct cpu *slot_cpu[MAX_CPUS];	/* stack slot -> its stack's owner */
static uintptr_t slot_stack[MAX_CPUS];	/* bottom of each slot's stack */
static unsigned nslots;
static int ap_state[MAX_CPUS];
static void (*ap_main_fn)(void);
static int ap_go;			/* set once CPU ids are final */
static uint64_t trampoline_page;
static uint64_t start_deadline;		/* clock_ns() by which APs are up */

static uint32_t my_apic_id(void)
{
	if (lapic_is_x2apic())
		return cpuid(0xb, 0).edx;
	return cpuid(1, 0).ebx >> 24;
}

/* First C code on an AP, on the stack of slot (slot). */
__noreturn void ap_entry(uint32_t slot)
{
	uint32_t apic = my_apic_id();
	struct cpu *c = NULL;
	unsigned i;

	for (i = 0; i < nslots; i++)
		if (slot_cpu[i]->apic_id == apic)
			c = slot_cpu[i];
	if (!c || slot >= nslots)
		cpu_halt_forever();	/* not a CPU we asked for */
	c->stack_bottom = slot_stack[slot];
	c->stack_top = slot_stack[slot] + AP_STACK_PAGES * PAGE_SIZE;
	for (i = 0; i < nslots; i++)
		if (slot_cpu[i] == c)
			break;
	int starting = AP_STARTING;

	/* Stamped before it says it is up, so the boot report, which waits
	 * for that, has the line (stamped after its clock was set up, it
	 * was seen missing under TCG on a busy host); one given up on that
	 * arrives late may stamp too, beside the warning that it did not
	 * start. */
	boot_mark_id("AP up, APIC id", apic);
	if (!__atomic_compare_exchange_n(&ap_state[i], &starting, AP_ONLINE,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		cpu_halt_forever();	/* given up on: stay out */
	cpu_arch_init(c);
	clock_init_cpu();
	/* Halted, not spinning: the boot CPU may not ask for a while. Its
	 * IPI after setting ap_go wakes us. */
	while (!__atomic_load_n(&ap_go, __ATOMIC_ACQUIRE))
		cpu_idle_wait();
	irq_disable();
	ap_main_fn();
	cpu_halt_forever();
}

static struct cpu *new_cpu(uint32_t apic_id)
{
	size_t percpu = __percpu_end - __percpu_start;
	size_t bytes = ALIGN_UP(sizeof(struct cpu), 64) + percpu;
	char *mem = page_alloc(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE);
	char *stack = page_alloc(AP_STACK_PAGES + 1);

	if (!mem || !stack)
		panic("no memory to start the CPU with APIC id %u", apic_id);
	memset(mem, 0, bytes);
	struct cpu *c = (struct cpu *)mem;
	char *area = mem + ALIGN_UP(sizeof(struct cpu), 64);

	c->self = c;
	c->apic_id = apic_id;
	c->percpu_offset = area - __percpu_start;
	vm_set_guard((uintptr_t)stack);
	slot_stack[nslots] = (uintptr_t)stack + PAGE_SIZE;
	slot_cpu[nslots] = c;
	nslots++;
	return c;
}

void smp_start(uint64_t page, void (*ap_main)(void))
{
	uint32_t me = this_cpu()->apic_id;
	struct trampoline_params *p;

	ap_main_fn = ap_main;
	trampoline_page = page;
	for (unsigned i = 0; i < platform.ncpus; i++)
		if (platform.apic_ids[i] != me)
			new_cpu(platform.apic_ids[i]);
	if (nslots == 0)
		return;
	if (!page)
		panic("no free page below 1 MiB for the AP start-up code");

	/* The trampoline runs from this page with paging on: executable. */
	vm_map(page, PAGE_SIZE, VM_WRITE | VM_EXEC);
	memcpy((void *)(uintptr_t)page, smp_trampoline,
	       smp_trampoline_end - smp_trampoline);
	p = (void *)(uintptr_t)(page + (smp_trampoline_params - smp_trampoline));
	p->gdt_limit = 4 * 8 - 1;
	p->gdt_base = (uintptr_t)boot_gdt;
	p->far32_offset = page + (uintptr_t)smp_tramp_off_32;
	p->far32_selector = SEG_KCODE32;
	p->far64_offset = page + (uintptr_t)smp_tramp_off_64;
	p->far64_selector = SEG_KCODE;
	p->cr3 = mmu_root();
	p->efer = X86_EFER_LME | (boot_has_nx ? X86_EFER_NXE : 0);
	p->entry = (uintptr_t)ap_entry;
	for (unsigned i = 0; i < nslots; i++)
		p->stacks[i] = slot_stack[i] + AP_STACK_PAGES * PAGE_SIZE;
	if (mmu_root() >> 32)
		panic("kernel page tables above 4 GiB: APs cannot load them");

	/* INIT, then two STARTUPs. Virtual CPUs need none of the long
	 * waits real hardware asked for. */
	for (unsigned i = 0; i < nslots; i++)
		lapic_send_init(slot_cpu[i]->apic_id);
	clock_delay_ns(10000);
	for (int round = 0; round < 2; round++) {
		for (unsigned i = 0; i < nslots; i++)
			lapic_send_sipi(slot_cpu[i]->apic_id, page);
		clock_delay_ns(10000);
	}

	start_deadline = clock_ns() + AP_START_TIMEOUT_NS;
}

unsigned smp_finish(void)
{
	unsigned up;

	do {
		up = 0;
		for (unsigned i = 0; i < nslots; i++)
			if (__atomic_load_n(&ap_state[i], __ATOMIC_ACQUIRE) ==
			    AP_ONLINE)
				up++;
		cpu_relax();
	} while (up < nslots && clock_ns() < start_deadline);

	/* Number the CPUs that made it; give up on the rest. */
	unsigned id = 1;

	for (unsigned i = 0; i < nslots; i++) {
		int starting = AP_STARTING;

		if (__atomic_compare_exchange_n(&ap_state[i], &starting,
						AP_ABANDONED, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			log_warn("CPU with APIC id %u did not start\n",
				 slot_cpu[i]->apic_id);
			continue;
		}
		slot_cpu[i]->id = id;
		cpus[id++] = slot_cpu[i];
	}
	__atomic_store_n(&ap_go, 1, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < id; i++)
		lapic_send_ipi(cpus[i]->apic_id, VEC_IPI_CALL);
	if (nslots) {
		boot_mark("APs counted");
		vm_map(trampoline_page, PAGE_SIZE, VM_WRITE);
	}
	if (trampoline_page)
		page_free((void *)(uintptr_t)trampoline_page, 1);
	return id;
}
