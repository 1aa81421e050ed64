// SPDX-License-Identifier: MIT
/*
 * kernel_start(): the boot sequence, on the boot CPU, from the boot
 * protocol's hand-over to main(). Each step says what it needs from the
 * ones before it.
 */
#include <string.h>

#include <arch/apic.h>
#include <arch/clock.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/smp.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <arch/uart.h>
#include <kernel/boot.h>
#include <kernel/boottime.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/thread_impl.h>
#include <kernel/timer.h>
#include <arch/context.h>
#include <toro/panic.h>
#include <toro/thread.h>

extern struct cpu cpu0;
extern char __image_start[], __image_end[];

static void set_log_level(void)
{
	static const char *const names[] = { "error", "warn", "info",
					     "debug" };
	const char *v = kopt("toro.log");

	for (unsigned i = 0; v && i < 4; i++)
		if (strcmp(v, names[i]) == 0)
			log_set_level(i);
}

/* Free RAM is what the firmware calls RAM minus page 0 (kept unmapped to
 * catch NULL), the image, the initrd and the loader's data. */
static void find_free_ram(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nram; i++)
		bootmem_add(bi->ram[i].start, bi->ram[i].end);
	bootmem_reserve(0, PAGE_SIZE);
	bootmem_reserve((uintptr_t)__image_start, (uintptr_t)__image_end);
	if (bi->initrd_size)
		bootmem_reserve(bi->initrd_start,
				bi->initrd_start + bi->initrd_size);
	bootmem_reserve(bi->loader_data.start, bi->loader_data.end);
}

/* main's stack: 8 MiB as on Linux, but at most an eighth of the RAM,
 * since a stack here is memory taken for good (nothing is paged in on
 * demand). toro.main_stack_kb= sets it. */
#define MAIN_STACK_DEFAULT (8 << 20)
#define MAIN_STACK_MIN (64 * 1024)

static size_t main_stack;

size_t process_main_stack(void)
{
	return main_stack;
}

static size_t main_stack_size(const struct boot_info *bi)
{
	uint64_t ram = 0;

	for (unsigned i = 0; i < bi->nram; i++)
		ram += bi->ram[i].end - bi->ram[i].start;
	size_t want = MIN((uint64_t)MAIN_STACK_DEFAULT, ram / 8);

	want = kopt_u64("toro.main_stack_kb", want / 1024) * 1024;
	return MAX(want, (size_t)MAIN_STACK_MIN);
}

static uint64_t tsc_entry;
const struct boot_info *kernel_boot_info;

static void ap_main(void)
{
	timer_init_cpu();
	sched_init_cpu();
	sched_idle_loop();
}

/* main() runs in a thread of its own on CPU 0, which keeps its boot
 * context as its idle thread like every other CPU. */
static void *main_thread(void *arg)
{
	(void)arg;
	init_calls_run();	/* stamps each init call */
	boot_mark("devices");
	boot_report(tsc_entry);
	process_start();
}

void kernel_start(struct boot_info *bi)
{
	cpus[0] = &cpu0;
	kernel_boot_info = bi;
	uart_init();
	int rc = cmdline_parse(bi->cmdline, &kernel_cmdline);

	set_log_level();
	if (rc)
		log_warn("command line: %u words beyond the limits dropped\n",
			 kernel_cmdline.dropped);

	boot_mark("command line");

	find_free_ram(bi);
	/* Below 1 MiB for the AP start-up code, before page tables take it. */
	uint64_t trampoline = bootmem_take_below(0x100000);

	mmu_init(bi);
	boot_mark("paging");
	if (page_alloc_init())
		panic("not enough memory for the page allocator");
	heap_init();
	boot_mark("page allocator");

	idt_init();
	platform_init(bi->rsdp);
	boot_mark("ACPI/MP tables");
	lapic_setup(platform.lapic_base);
	cpu_arch_init(&cpu0);
	boot_mark("local APIC");

	clock_init();
	timer_init_cpu();
	timer_init();
	boot_mark("clocks");

	fpu_capture_clean();
	sched_init_cpu();
	/* The APs come up while main() starts; cpu_count() waits for them. */
	smp_start(trampoline, ap_main);
	boot_mark("APs started");

	tsc_entry = bi->tsc_entry;
	main_stack = main_stack_size(bi);
	struct thread_params main = {
		.cpu = 0, .fn = main_thread, .stack_size = main_stack,
		.fpu = true,
	};

	if (kthread_spawn(&main, NULL) < 0)
		panic("no memory for the main thread's %zu KiB stack",
		      main_stack / 1024);
	sched_idle_loop();
}
