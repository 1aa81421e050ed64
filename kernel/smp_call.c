// SPDX-License-Identifier: MIT
/*
 * Running a function on another CPU, for the kernel and its tests: the
 * function gets a thread of its own there (created through that CPU's
 * inbox), so it may block, sleep and use the FPU like any thread.
 */
#include <errno.h>

#include <arch/irq.h>
#include <kernel/compiler.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/smp_call.h>
#include <kernel/thread_impl.h>
#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/thread.h>

struct irq_call {
	struct sched_msg msg;	/* first: the inbox sees this */
	void (*fn)(void *);
	void *arg;
	struct sema done;
};

void smp_call_here(struct sched_msg *msg)
{
	struct irq_call *call = (struct irq_call *)msg;

	call->fn(call->arg);
	sema_post(&call->done);	/* last touch: the call is on the caller's stack */
}

int smp_call_irq(unsigned cpu, void (*fn)(void *), void *arg)
{
	struct irq_call call = { .msg.type = MSG_CALL, .fn = fn, .arg = arg };

	if (cpu >= cpu_count())
		return -EINVAL;
	if (cpu == this_cpu_id()) {
		bool irq = irq_save();

		fn(arg);
		irq_restore(irq);
		return 0;
	}
	sched_send(cpu, &call.msg);
	sema_wait(&call.done);
	return 0;
}

static void *run_call(void *arg)
{
	struct smp_call *call = arg;

	call->fn(call->arg);
	__atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int smp_call_async(unsigned cpu, struct smp_call *call)
{
	if (cpu >= cpu_count())
		return -EINVAL;
	call->done = 0;
	/* The function may be the application's: it gets FPU state, and
	 * the caller's thread pointer (see smp_call()). */
	struct thread_params p = { .cpu = cpu, .fn = run_call, .arg = call,
				   .fpu = true,
				   .tls = sched_current()->tls_base };
	int rc = kthread_spawn(&p, NULL);

	return rc < 0 ? rc : 0;
}

bool smp_call_done(const struct smp_call *call)
{
	return __atomic_load_n(&call->done, __ATOMIC_ACQUIRE);
}

int smp_call(unsigned cpu, void (*fn)(void *), void *arg)
{
	struct smp_call call = { .fn = fn, .arg = arg };

	if (cpu >= cpu_count())
		return -EINVAL;
	/* The C library reads the thread pointer (errno, cancellation):
	 * the caller's, which waits meanwhile, as clone() without
	 * CLONE_SETTLS would give. Without one, the thread would run with
	 * whatever its CPU loaded last, maybe a thread's gone and unmapped
	 * (and, since unmapped runs are zeroed for reuse, zero). */
	struct thread_params p = { .cpu = cpu, .fn = run_call, .arg = &call,
				   .fpu = true, .joinable = true,
				   .tls = sched_current()->tls_base };
	struct thread *t;
	int rc = kthread_spawn(&p, &t);

	return rc < 0 ? rc : kthread_join(t, NULL);
}
