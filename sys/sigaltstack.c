// SPDX-License-Identifier: MIT
/*
 * sigaltstack: a thread's alternate stack, where the handlers installed
 * with SA_ONSTACK run (sys/signal.c calls signal_run_on_altstack()), as a
 * handler for a stack overflow must: the thread's own stack is full. Each
 * thread has its own, and a new thread none, as on Linux. The stack is the
 * program's memory; the kernel only moves the stack pointer there, and
 * the handler's system calls run on it too (there is no kernel stack).
 *
 * While a handler runs on it the thread is on it: it cannot be changed
 * (EPERM), sigaltstack() reports SS_ONSTACK, and a handler raised there
 * runs where it is rather than from the top again. With SS_AUTODISARM
 * the thread has none while the handler runs instead, and has it back
 * when the handler returns; a handler that jumps away (siglongjmp())
 * leaves the thread without one, as on Linux.
 *
 * Without a kernel stack, the handler's system calls and the interrupts
 * taken meanwhile use the alternate stack too: MINSIGSTKSZ (2 KiB) is
 * the least accepted, as on Linux, but SIGSTKSZ (8 KiB) is the size to
 * give it.
 *
 * Linked only into programs that call sigaltstack(): sys/signal.c names
 * signal_run_on_altstack() weakly.
 */
#define _GNU_SOURCE
#include <signal.h>

#include <arch/context.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/sched.h>

#include "signal_impl.h"
#include "sys_impl.h"

/* Where (t) is: SS_DISABLE without an alternate stack, SS_ONSTACK when
 * (sp) is on it (above its base, at its top at most, as Linux counts),
 * else 0. With SS_AUTODISARM a thread is never on it (Linux's
 * sas_ss_flags()): it has none while a handler runs there. */
static int where(const struct thread *t, uintptr_t sp)
{
	if (!t->sigstack.size)
		return SS_DISABLE;
	if (t->sigstack.flags & SS_AUTODISARM)
		return 0;
	return sp - t->sigstack.sp - 1 < t->sigstack.size ? SS_ONSTACK : 0;
}

/* None, or on it already (at (sp)), or memory that is not all the
 * program's to write (freed, never mapped, or a guard page within),
 * where the first push could fault with no stack to report it from: not
 * to be used (the handler then runs where it is). */
static bool usable(const struct thread *t, uintptr_t sp)
{
	return where(t, sp) == 0 &&
	       user_writable((void *)t->sigstack.sp, t->sigstack.size);
}

/* trap_set_overflow_stack()'s question, interrupts off: where SIGSEGV's
 * handler takes a stack overflow: the top of the thread's alternate
 * stack if the handler asked for it (SA_ONSTACK) and the thread has one
 * to run it on, else 0. The CPU then runs the delivery there, and the
 * handler below it (signal_run_on_altstack() finds the thread on the
 * stack already). With SS_AUTODISARM the thread has none from here on:
 * a return from the handler, which would put it back, ends the program
 * instead. */
static uintptr_t overflow_stack(const struct trap_fault *f)
{
	struct thread *self = sched_current();
	uintptr_t top = self->sigstack.sp + self->sigstack.size;
	/* Linux's struct sigaction, as rt_sigaction() writes it: handler,
	 * flags, restorer, mask. */
	unsigned long act[4];

	if (sys_rt_sigaction(SIGSEGV, 0, (long)act, sizeof(uint64_t), 0,
			     0) != 0 || !(act[1] & SA_ONSTACK) ||
	    !usable(self, f->sp))
		return 0;
	if (self->sigstack.flags & SS_AUTODISARM)
		self->sigstack = (struct thread_sigstack){ 0 };
	return top;
}

struct handler_call {
	signal_runner *run;
	int sig;
	const struct k_sigaction *act;
	siginfo_t *info;
	uint64_t old;
};

static void call(void *arg)
{
	const struct handler_call *c = arg;

	c->run(c->sig, c->act, c->info, c->old);
}

void signal_run_on_altstack(signal_runner *run, int sig,
			    const struct k_sigaction *act, siginfo_t *info,
			    uint64_t old)
{
	struct thread *self = sched_current();
	struct thread_sigstack was = self->sigstack;
	struct handler_call c = { run, sig, act, info, old };

	if (!usable(self, read_rbp())) {
		run(sig, act, info, old);	/* where it is */
		return;
	}
	if (was.flags & SS_AUTODISARM)	/* none at all meanwhile */
		self->sigstack = (struct thread_sigstack){ 0 };
	arch_call_on_stack(was.sp + was.size, call, &c);
	self->sigstack = was;
}

/* As Linux: (*old) is written only if the call succeeds. */
SYSCALL_DEFINE2(sigaltstack, const stack_t *, ss, stack_t *, old)
{
	struct thread *self = sched_current();
	int now = where(self, read_rbp());
	stack_t was = {
		.ss_sp = (void *)self->sigstack.sp,
		.ss_size = self->sigstack.size,
		.ss_flags = now | (int)(self->sigstack.flags & SS_FLAG_BITS),
	};

	if ((ss && !user_readable(ss, sizeof(*ss))) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	if (ss) {
		stack_t want = *ss;
		/* SS_ONSTACK as a mode means enable, as on old Linux. */
		int mode = want.ss_flags & ~(int)SS_FLAG_BITS;

		if (now == SS_ONSTACK)
			return -EPERM;
		if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
			return -EINVAL;
		bool off = mode == SS_DISABLE;

		if (!off && want.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		if (!off)
			trap_set_overflow_stack(overflow_stack);
		/* Disabled, the flag bits are kept and reported back, as
		 * Linux keeps them. */
		self->sigstack = (struct thread_sigstack){
			.sp = off ? 0 : (uintptr_t)want.ss_sp,
			.size = off ? 0 : want.ss_size,
			.flags = (unsigned)want.ss_flags & SS_FLAG_BITS,
		};
	}
	if (old)
		*old = was;
	return 0;
}
