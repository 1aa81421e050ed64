// SPDX-License-Identifier: MIT
/*
 * Fatal errors, one per mode given as argv[1], each of which must stop the
 * VM with a report naming the cause and the functions on the stack.
 */
#include <assert.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kernel/smp_call.h>
#include <toro/cpu.h>
#include <toro/panic.h>
#include <toro/thread.h>

/* noinline keeps each culprit in its own frame, so the backtrace must
 * name it; volatile keeps the compiler from reasoning the fault away. */
__attribute__((noinline)) static void write_near_null(void)
{
	volatile uintptr_t addr = 16;

	*(volatile int *)addr = 1;
}

__attribute__((noinline)) static int divide_by_zero(void)
{
	volatile int x = 1000, zero = 0;

	return x / zero;
}

static int recurse_forever(int depth);
static int (*volatile recurse)(int) = recurse_forever;

__attribute__((noinline)) static int recurse_forever(int depth)
{
	volatile char frame[512];

	frame[0] = depth;
	return recurse(depth + 1) + frame[0];
}

__attribute__((noinline)) static void run_on_cpu1(void (*fn)(void *))
{
	smp_call(1, fn, NULL);
}

static void overflow_on_this_cpu(void *arg)
{
	(void)arg;
	recurse_forever(0);
}

static void free_here(void *p)
{
	free(p);
}

/* A block freed twice with another freed in between (so it is not the
 * free list's head the second time), here or from CPU 1, where the
 * first free() only queues it for its owner. */
__attribute__((noinline)) static void free_twice(bool elsewhere)
{
	/* volatile: the compiler would see the second free() coming. */
	char *volatile a = malloc(24);
	char *b = malloc(24);

	if (!a || !b)
		return;
	if (elsewhere) {
		smp_call(1, free_here, a);
		smp_call(1, free_here, b);
		smp_call(1, free_here, a);
	} else {
		free(a);
		free(b);
		free(a);
	}
	printf("freed twice and nobody noticed\n");
}

/* An mmap(PROT_NONE) page read from far above it: not a stack overflow,
 * though the page is of the same kind as a stack's guard. */
__attribute__((noinline)) static void read_prot_none(void)
{
	volatile char *p = mmap(NULL, 4 * 4096, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		printf("read %d from a PROT_NONE page\n", p[4096 + 100]);
}

static void exit_from_here(void *arg)
{
	(void)arg;
	exit(9);
}

/* Goes 40 KiB deep and comes back: a thread's stack is usable all the
 * way down, and dirty for the next thread to get it. */
static void *go_deep(void *arg)
{
	volatile char deep[40 * 1024];

	deep[0] = 1;
	return (void *)((uintptr_t)deep[0] + (uintptr_t)arg);
}

static void *overflow_thread(void *arg)
{
	(void)arg;
	recurse_forever(0);
	return NULL;
}

/* On CPU 1, a thread's guard page, below a stack the thread before it
 * used and gave back, still faults. */
__attribute__((noinline)) static void overflow_reused_stack(void)
{
	for (int i = 0; i < 3; i++) {
		struct thread *t = thread_create(1, 64 * 1024, go_deep, NULL);

		if (!t || thread_join(t, NULL))
			exit(3);
	}
	struct thread *t = thread_create(1, 64 * 1024, overflow_thread, NULL);

	if (t)
		thread_join(t, NULL);
}

__attribute__((noinline)) static void jump_to_data(void)
{
	static unsigned char not_code[16] = { 0xc3 };	/* ret, in .data */

	((void (*)(void))not_code)();
}

__attribute__((noinline)) static void write_to_text(void)
{
	*(volatile unsigned char *)(uintptr_t)write_to_text = 0x90;
}

/* A call, not a jump: the backtrace must name the caller. */
__attribute__((noinline)) static void call_code_at(unsigned char *where)
{
	where[0] = 0xc3;	/* ret */
	((void (*)(void))where)();
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void jump_to_heap(void)
{
	unsigned char *p = malloc(64);

	call_code_at(p);
	free(p);
}

__attribute__((noinline)) static void jump_to_stack(void)
{
	unsigned char code[64];

	call_code_at(code);
}

__attribute__((noinline)) static void write_to_rodata(void)
{
	static const char text[] = "read-only";

	*(volatile char *)(uintptr_t)text = 'R';
}

static volatile size_t smash_len = 64;

/* Writes past its array over the stack protector's canary (and what is
 * above it): the check on return must stop the program. */
__attribute__((noinline)) static void smash_stack(void)
{
	char buf[16];

	memset(buf, 'A', smash_len);
	__asm__ volatile("" : : "r"(buf) : "memory");
}

static void *smash_in_thread(void *arg)
{
	(void)arg;
	smash_stack();
	return NULL;
}

extern uintptr_t __stack_chk_guard;

static uintptr_t thread_canary(void)
{
	uintptr_t c;

	__asm__ volatile("mov %%fs:0x28, %0" : "=r"(c));
	return c;
}

static void *report_canary(void *arg)
{
	*(uintptr_t *)arg = thread_canary();
	return NULL;
}

/* The canary: set, with its zero byte, the same in main's thread and in
 * a new one; printed for the host to compare across boots. */
static int show_canary(void)
{
	uintptr_t in_thread = 0;
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, report_canary,
					 &in_thread);

	if (!t || thread_join(t, NULL))
		return 3;
	printf("canary %016lx main %016lx thread %016lx\n",
	       (unsigned long)__stack_chk_guard,
	       (unsigned long)thread_canary(), (unsigned long)in_thread);
	if (!__stack_chk_guard || (__stack_chk_guard & 0xff00) ||
	    thread_canary() != __stack_chk_guard ||
	    in_thread != __stack_chk_guard)
		return 4;
	return 0;
}

static bool said_handled_exits = true;

static void said_handled(int sig)
{
	(void)sig;
	printf("handled\n");
	if (said_handled_exits)
		_exit(3);
}

/* A SIGSEGV handler on the alternate stack takes a stack overflow; when it
 * returns, the instruction cannot run again (the stack is still full),
 * and the overflow is reported. */
static void overflow_handler_returns(void)
{
	static char alt[16384];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { .sa_handler = said_handled,
				.sa_flags = SA_ONSTACK };

	said_handled_exits = false;
	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	recurse_forever(0);
}

/* A SIGSEGV handler without SA_ONSTACK does not take a stack overflow (it
 * has no stack to run on), nor a fault while SIGSEGV is blocked (Linux
 * ends the program then): both are reported as faults without a handler
 * are. */
static void fault_with_handler(bool blocked)
{
	sigset_t segv;

	signal(SIGSEGV, said_handled);
	sigemptyset(&segv);
	sigaddset(&segv, SIGSEGV);
	if (blocked) {
		sigprocmask(SIG_BLOCK, &segv, NULL);
		write_near_null();
	}
	recurse_forever(0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	printf("mode %s\n", mode);
	if (!strcmp(mode, "pagefault"))
		write_near_null();
	else if (!strcmp(mode, "divide"))
		printf("%d\n", divide_by_zero());
	else if (!strcmp(mode, "stack"))
		recurse_forever(0);
	else if (!strcmp(mode, "stack_handled"))
		fault_with_handler(false);
	else if (!strcmp(mode, "stack_altstack"))
		overflow_handler_returns();
	else if (!strcmp(mode, "blocked_fault"))
		fault_with_handler(true);
	else if (!strcmp(mode, "stack_ap"))
		run_on_cpu1(overflow_on_this_cpu);
	else if (!strcmp(mode, "stack_thread"))
		overflow_reused_stack();
	else if (!strcmp(mode, "panic"))
		panic("boom %d", 42);
	else if (!strcmp(mode, "assert"))
		assert(argc == 99);
	else if (!strcmp(mode, "kassert"))
		ASSERT(argc == 99);
	else if (!strcmp(mode, "abort"))
		abort();
	else if (!strcmp(mode, "badfree"))
		free((char *)mode + 1);
	else if (!strcmp(mode, "doublefree"))
		free_twice(false);
	else if (!strcmp(mode, "doublefree_ap"))
		free_twice(true);
	else if (!strcmp(mode, "prot_none"))
		read_prot_none();
	else if (!strcmp(mode, "exit_ap"))
		run_on_cpu1(exit_from_here);
	else if (!strcmp(mode, "nx"))
		jump_to_data();
	else if (!strcmp(mode, "rodata"))
		write_to_text();
	else if (!strcmp(mode, "nx_heap"))
		jump_to_heap();
	else if (!strcmp(mode, "nx_stack"))
		jump_to_stack();
	else if (!strcmp(mode, "write_rodata"))
		write_to_rodata();
	else if (!strcmp(mode, "ssp"))
		smash_stack();
	else if (!strcmp(mode, "ssp_thread")) {
		struct thread *t = thread_create(cpu_count() - 1, 0,
						 smash_in_thread, NULL);

		if (t)
			thread_join(t, NULL);
	} else if (!strcmp(mode, "canary"))
		return show_canary();
	else
		return 2;
	for (;;)	/* exit_ap: CPU 1 ends the VM while CPU 0 waits */
		;
}
