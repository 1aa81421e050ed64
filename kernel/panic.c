// SPDX-License-Identifier: MIT
/*
 * Fatal errors: panic(), failed assertions and the reports of CPU faults
 * all print a message and a symbolized backtrace, then power the VM off
 * with TORO_EXIT_PANIC. Only the first CPU to fail reports; the others are
 * stopped so the report stays readable.
 */
#include <stdarg.h>
#include <stdbool.h>

#include <arch/apic.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/power.h>
#include <arch/trap.h>
#include <arch/uart.h>
#include <arch/x86.h>
#include <kernel/console.h>
#include <kernel/ksyms.h>
#include <kernel/log.h>
#include <kernel/panic_impl.h>
#include <kernel/percpu.h>
#include <toro/cpu.h>
#include <toro/panic.h>

#define BACKTRACE_DEPTH 32

static int reporting_cpu = -1;

void panic_begin(void)
{
	int me = this_cpu_id(), none = -1;

	irq_disable();
	if (!__atomic_compare_exchange_n(&reporting_cpu, &none, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (none != me)
			cpu_halt_forever();	/* the other CPU reports */
		/* A fault inside our own report: stop right away. */
		static const char msg[] = "\n*** fault while reporting a fault\n";

		uart_write(msg, sizeof(msg) - 1);
		power_off(TORO_EXIT_PANIC);
	}
	console_flush();
	console_emergency();
	for (unsigned i = 0; i < cpu_count_started(); i++)
		if (cpus[i] && cpus[i] != this_cpu())
			lapic_send_ipi(cpus[i]->apic_id, VEC_IPI_PANIC);
}

static void print_addr(int depth, uintptr_t addr, uintptr_t lookup)
{
	uintptr_t off;
	char buf[KSYMS_NAME_MAX];
	const char *name = ksyms_lookup(lookup, &off, buf, sizeof(buf));

	if (name)
		kprintf("    #%-2d 0x%016lx %s+0x%lx\n", depth, addr, name,
			off + (addr - lookup));
	else
		kprintf("    #%-2d 0x%016lx ?\n", depth, addr);
}

/* Whether (addr) looks like a return address: in the image's text, right
 * after a call instruction (call rel32, or call through a register or
 * memory operand). */
static bool is_return_address(uintptr_t addr)
{
	uintptr_t off;
	char name[KSYMS_NAME_MAX];
	const uint8_t *p = (const uint8_t *)addr;

	if (!ksyms_lookup(addr - 1, &off, name, sizeof(name)) ||
	    !vm_is_mapped(addr - 7, 7))
		return false;
	if (p[-5] == 0xe8)
		return true;
	for (int len = 2; len <= 7; len++)	/* ff /2: call r/m64 */
		if (p[-len] == 0xff && ((p[-len + 1] >> 3) & 7) == 2)
			return true;
	return false;
}

void backtrace_print(uintptr_t rip, uintptr_t rbp, bool rip_is_return,
		     uintptr_t rsp)
{
	int depth = 1;

	kprintf("backtrace:\n");
	print_addr(0, rip, rip_is_return ? rip - 1 : rip);
	/* A fault in a prologue or after an epilogue's "leave" happens with
	 * the caller's frame in rbp: its return address is at the top of the
	 * stack instead, unconfirmed, hence the "?". */
	if (rsp && rbp > rsp && vm_is_mapped(rsp, 8) &&
	    is_return_address(*(uintptr_t *)rsp) && vm_is_mapped(rbp, 16) &&
	    *(uintptr_t *)rsp != ((uintptr_t *)rbp)[1]) {
		uintptr_t ret = *(uintptr_t *)rsp, off;
		char buf[KSYMS_NAME_MAX];
		const char *name = ksyms_lookup(ret - 1, &off, buf,
						sizeof(buf));

		kprintf("    #%-2d 0x%016lx %s+0x%lx ?\n", depth++, ret, name,
			off + 1);
	}
	for (; depth < BACKTRACE_DEPTH && rbp; depth++) {
		/* Each frame: saved rbp, then the return address. Check both
		 * words are mapped so a corrupt chain cannot fault here. */
		if (rbp & 7 || !vm_is_mapped(rbp, 16))
			break;
		uintptr_t next = ((uintptr_t *)rbp)[0];
		uintptr_t ret = ((uintptr_t *)rbp)[1];

		if (!ret)
			break;
		/* The call is the instruction before the return address. */
		print_addr(depth, ret, ret - 1);
		if (next <= rbp)
			break;	/* stacks grow down: callers sit higher */
		rbp = next;
	}
}

__noreturn void panic_end(void)
{
	kprintf("toro: stopping with exit code %d\n", TORO_EXIT_PANIC);
	console_flush();
	power_off(TORO_EXIT_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	kprintf("*** panic on cpu %u: ", this_cpu_id());
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace_print((uintptr_t)__builtin_return_address(0),
			*(uintptr_t *)__builtin_frame_address(0), true, 0);
	panic_end();
}

void assert_fail(const char *expr, const char *file, int line)
{
	panic("assertion failed: %s (%s:%d)", expr, file, line);
}
