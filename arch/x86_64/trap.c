// SPDX-License-Identifier: MIT
/*
 * trap_dispatch(): every interrupt and exception lands here from traps.S.
 * Device and IPI vectors go to their handlers. CPU exceptions are fatal in
 * a unikernel with no user mode, unless the program handles the signal
 * Linux raises for them (trap_fault_hook): they are reported with the
 * vector, error code, faulting address, registers and a symbolized
 * backtrace, and a hit on a stack guard page is reported as the stack
 * overflow it is.
 */
#include <stdbool.h>

#include <arch/apic.h>
#include <arch/context.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/ksyms.h>
#include <kernel/log.h>
#include <kernel/names.h>
#include <kernel/panic_impl.h>
#include <kernel/percpu.h>

bool irq_run_handler(struct trap_frame *tf);

/* The names of vectors 0 to 21 (kernel/names.h), "" for the reserved
 * 15. */
static const char exception_names[] =
	"divide error (#DE)\0"
	"debug exception (#DB)\0"
	"non-maskable interrupt\0"
	"breakpoint (#BP)\0"
	"overflow (#OF)\0"
	"bound range exceeded (#BR)\0"
	"invalid opcode (#UD)\0"
	"device not available (#NM)\0"
	"double fault (#DF)\0"
	"coprocessor segment overrun\0"
	"invalid TSS (#TS)\0"
	"segment not present (#NP)\0"
	"stack-segment fault (#SS)\0"
	"general protection fault (#GP)\0"
	"page fault (#PF)\0"
	"\0"
	"x87 floating-point error (#MF)\0"
	"alignment check (#AC)\0"
	"machine check (#MC)\0"
	"SIMD floating-point exception (#XM)\0"
	"virtualization exception (#VE)\0"
	"control protection exception (#CP)";
#define NAMED_EXCEPTIONS	22

#define PF_PRESENT	(1U << 0)
#define PF_WRITE	(1U << 1)
#define PF_RESERVED	(1U << 3)
#define PF_FETCH	(1U << 4)


static void print_rip(uint64_t rip)
{
	uintptr_t off;
	char buf[KSYMS_NAME_MAX];
	const char *name = ksyms_lookup(rip, &off, buf, sizeof(buf));

	if (name)
		kprintf("    rip 0x%016lx <%s+0x%lx>\n", rip, name, off);
	else
		kprintf("    rip 0x%016lx\n", rip);
}

static void print_registers(const struct trap_frame *tf)
{
	kprintf("    rax 0x%016lx rbx 0x%016lx rcx 0x%016lx\n", tf->rax, tf->rbx,
		tf->rcx);
	kprintf("    rdx 0x%016lx rsi 0x%016lx rdi 0x%016lx\n", tf->rdx, tf->rsi,
		tf->rdi);
	kprintf("    rbp 0x%016lx rsp 0x%016lx r8  0x%016lx\n", tf->rbp, tf->rsp,
		tf->r8);
	kprintf("    r9  0x%016lx r10 0x%016lx r11 0x%016lx\n", tf->r9, tf->r10,
		tf->r11);
	kprintf("    r12 0x%016lx r13 0x%016lx r14 0x%016lx\n", tf->r12, tf->r13,
		tf->r14);
	kprintf("    r15 0x%016lx rflags %#lx cs %#lx ss %#lx\n", tf->r15,
		tf->rflags, tf->cs, tf->ss);
}

static void describe_page_fault(uint64_t err, uint64_t cr2, bool guard)
{
	const char *access = err & PF_FETCH ? "executing" :
			     err & PF_WRITE ? "writing" : "reading";
	const char *why = err & PF_RESERVED ? "reserved bit set in a page table" :
			  err & PF_PRESENT ? "protection violation" :
			  guard ? "no access (PROT_NONE, or a guard page)" :
			  cr2 < 4096 ? "page not present (NULL pointer?)" :
				       "page not present";

	kprintf("    %s address 0x%016lx: %s\n", access, cr2, why);
}

static uintptr_t (*overflow_stack)(const struct trap_fault *f);
static void (*offer_overflow)(const struct trap_frame *tf, uint64_t cr2);

static __noreturn void report(const struct trap_frame *tf, uint64_t cr2,
			      bool may_offer);

static bool call_fault_hook(const void *f)
{
	return trap_fault_hook(f);
}

/* What a stack overflow taken on another stack needs there: the fault,
 * and what to report if the handler returns. */
struct overflow {
	struct trap_fault f;
	struct trap_frame tf;
	uint64_t cr2;
};

static __noreturn void take_overflow_here(void *arg)
{
	struct overflow *o = arg;

	trap_as_thread(call_fault_hook, &o->f);
	report(&o->tf, o->cr2, false);
}

/*
 * A stack overflow of the program's, with interrupts on: if the signal
 * code names a stack for it (the thread's alternate one), the CPU moves
 * there, interrupts still off, taking a copy of what it needs, and never
 * comes back: the double fault's stack is the CPU's, and the handler may
 * block while another thread of this CPU overflows too. There the fault
 * goes to SIGSEGV's handler as a page fault; the instruction cannot run
 * again (the stack is full), so if the handler returns, the overflow is
 * reported. The double fault's saved RIP and RFLAGS are those of the
 * faulting instruction on every hypervisor, though the manual leaves
 * them undefined. Linked only with trap_set_overflow_stack()'s caller.
 */
static void offer(const struct trap_frame *tf, uint64_t cr2)
{
	struct trap_fault f = { VEC_PAGE_FAULT, cr2, false, tf->rsp };
	uintptr_t top;

	if (!(tf->rflags & X86_RFLAGS_IF) || kernel_text_has(tf->rip) ||
	    !trap_fault_hook || !(top = overflow_stack(&f)))
		return;
	struct overflow *o = (struct overflow *)((top - sizeof(*o)) & ~15UL);

	*o = (struct overflow){ f, *tf, cr2 };
	arch_call_on_stack((uintptr_t)o, take_overflow_here, o);
	__builtin_unreachable();
}

void trap_set_overflow_stack(uintptr_t (*stack)(const struct trap_fault *f))
{
	overflow_stack = stack;
	__atomic_store_n(&offer_overflow, offer, __ATOMIC_RELEASE);
}

static __noreturn void report(const struct trap_frame *tf, uint64_t cr2,
			      bool may_offer)
{
	unsigned vec = tf->vector;
	/* A fault on a guard page, or a double fault raised while pushing
	 * onto one, is a stack overflow: the stack pointer at it or below it
	 * (a frame is made, then written), the stack right above it.
	 * mmap(PROT_NONE) maps guard pages too (musl makes the guard under
	 * each thread's stack so): an access to one that is not so placed is
	 * reported as the fault it is. */
	bool guard = (vec == VEC_PAGE_FAULT || vec == VEC_DOUBLE_FAULT) &&
		     vm_is_guard(cr2);
	bool overflow = guard && tf->rsp < cr2 + 2 * 4096 &&
			vm_is_mapped((cr2 | 0xfff) + 1, 1);

	void (*offer_it)(const struct trap_frame *, uint64_t) =
		__atomic_load_n(&offer_overflow, __ATOMIC_ACQUIRE);

	if (overflow && may_offer && offer_it)
		offer_it(tf, cr2);
	panic_begin();
	if (overflow) {
		kprintf("*** stack overflow on cpu %u: hit the guard page at "
			"%#lx (rsp %#lx)\n",
			this_cpu_id(), cr2 & ~0xfffUL, tf->rsp);
	} else {
		kprintf("*** CPU exception on cpu %u: %s, vector %u, error "
			"code %#lx\n",
			this_cpu_id(),
			name_in(exception_names, NAMED_EXCEPTIONS, vec,
				"reserved exception"),
			vec, tf->error);
		if (vec == VEC_PAGE_FAULT)
			describe_page_fault(tf->error, cr2, guard);
	}
	print_rip(tf->rip);
	kprintf("    cr2 0x%016lx\n", cr2);
	print_registers(tf);
	backtrace_print(tf->rip, tf->rbp, false, tf->rsp);
	panic_end();
}

bool (*trap_fault_hook)(const struct trap_fault *f);
void (*trap_return_hook)(uintptr_t rip);

bool trap_as_thread(bool (*fn)(const void *arg), const void *arg)
{
	uint8_t fpu[512] __attribute__((aligned(16)));
	bool done;

	__asm__ volatile("fxsave64 %0" : "=m"(fpu));
	irq_enable();
	done = fn(arg);
	irq_disable();
	__asm__ volatile("fxrstor64 %0" : : "m"(fpu));
	return done;
}

/*
 * A fault of the running thread's, taken with interrupts on (so not in a
 * section of the kernel's that has them off), to trap_fault_hook: true if
 * it was handled, and the instruction then runs again. The hook runs as
 * thread code (trap_as_thread()).
 * A stack overflow does not come here: the CPU's push of the exception's
 * frame onto the guard page is a double fault, on a stack of its own
 * (IST), which report() offers to the signal code (offer()).
 */
static bool to_hook(struct trap_frame *tf)
{
	struct trap_fault f = {
		.vector = (unsigned)tf->vector,
		.addr = tf->vector == VEC_PAGE_FAULT ? read_cr2() : tf->rip,
	};

	if (!trap_fault_hook || !(tf->rflags & X86_RFLAGS_IF))
		return false;
	/* A PROT_NONE page (a guard, too) is mapped, just not to be
	 * touched: Linux's SEGV_ACCERR, not SEGV_MAPERR. */
	f.present = f.vector == VEC_PAGE_FAULT &&
		    ((tf->error & PF_PRESENT) || vm_is_guard(f.addr));
	return trap_as_thread(call_fault_hook, &f);
}

void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector == VEC_PAGE_FAULT && !(tf->error & PF_PRESENT) &&
	    vm_fault_in(read_cr2()))
		return;
	if (tf->vector < VEC_EXCEPTIONS) {
		if (to_hook(tf))
			return;
		report(tf, read_cr2(), true);
	}
	if (tf->vector == VEC_SPURIOUS)
		return;	/* no EOI for a spurious interrupt */
	if (tf->vector == VEC_IPI_PANIC)
		cpu_halt_forever();	/* another CPU is reporting a panic */
	if (!irq_run_handler(tf))
		log_warn("unexpected interrupt, vector %lu on cpu %u\n",
			 tf->vector, this_cpu_id());
	lapic_eoi();
	if (trap_return_hook && (tf->rflags & X86_RFLAGS_IF))
		trap_return_hook(tf->rip);
}
