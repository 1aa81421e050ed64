// SPDX-License-Identifier: MIT
/*
 * Threads as the C library sees them: set_tid_address, exit, gettid,
 * sched_yield, the affinity and scheduling-policy calls, set_robust_list,
 * get_robust_list, membarrier, arch_prctl (futex is sys/futex.c). Thread
 * creation itself is libc/thread.c's __clone() (kthread_spawn()).
 *
 * Threads never migrate on their own, but a thread may move itself:
 * sched_setaffinity() on the calling thread with a set that leaves out
 * its CPU moves it to the lowest CPU of the set. Another thread stays
 * where it is (its CPU is chosen when it is created: see
 * pthread_attr_setaffinity_np()), and such a call fails with EINVAL
 * unless that thread's CPU is in the set already. sched_getaffinity()
 * gives every CPU, where a thread may be placed.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <time.h>

#include <arch/mmu.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/smp_call.h>
#include <kernel/thread_impl.h>
#include <toro/cpu.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "sys_impl.h"

SYSCALL_DEFINE1(set_tid_address, int *, clear_tid)
{
	kthread_set_clear_tid(clear_tid);
	return kthread_tid(sched_current());
}

SYSCALL_DEFINE0(gettid)
{
	return kthread_tid(sched_current());
}

/* One thread ends; the program ends with its last thread only through
 * exit_group() (musl calls exit() from the last pthread_exit()). */
SYSCALL_DEFINE1(exit, int, code)
{
	if (signal_thread_exit)		/* linked only if signals are */
		signal_thread_exit();
	kthread_exit((void *)(long)code);
}

/* sys/signal.c, linked when anything can send a signal. */
bool signal_deliver(void) __attribute__((weak));

SYSCALL_DEFINE0(sched_yield)
{
	thread_yield();
	/* A signal that came meanwhile is taken now, as when any Linux
	 * system call returns: a thread that only yields still sees it
	 * (asynchronous cancellation, most of all). */
	if (signal_deliver && sched_interrupted(sched_current()))
		signal_deliver();
	return 0;
}

/* The robust list is musl's own business for one process: it walks it
 * itself when a thread exits. Kept only for get_robust_list(), which
 * musl asks to learn that robust mutexes are supported. */
#define ROBUST_LIST_HEAD_SIZE (3 * sizeof(long))

SYSCALL_DEFINE2(set_robust_list, void *, head, size_t, len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	sched_current()->robust_list = head;
	return 0;
}

static int robust_list_of(struct thread *t, void *arg)
{
	*(void **)arg = t->robust_list;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, tid, void **, head, size_t *, len)
{
	void *list = sched_current()->robust_list;

	if (!user_writable(head, sizeof(*head)) ||
	    !user_writable(len, sizeof(*len)))
		return -EFAULT;
	if (tid) {
		int rc = kthread_with(tid, robust_list_of, &list);

		if (rc)
			return rc;
	}
	*head = list;
	*len = ROBUST_LIST_HEAD_SIZE;
	return 0;
}

SYSCALL_DEFINE3(getcpu, unsigned *, cpu, unsigned *, node, void *, cache)
{
	if ((cpu && !user_writable(cpu, sizeof(*cpu))) ||
	    (node && !user_writable(node, sizeof(*node))))
		return -EFAULT;
	if (cpu)
		*cpu = cpu_id();
	if (node)
		*node = 0;
	return 0;
}

/* Linux's own cpumask is as many bytes as it has CPUs, rounded up to
 * longs: here, MAX_CPUS bits. */
#define MASK_BYTES 8

static int cpu_of(struct thread *t, void *arg)
{
	*(unsigned *)arg = thread_cpu(t);
	return 0;
}

/* The CPU of thread (tid) (0: the caller), or -ESRCH. */
static long thread_cpu_of(int tid, unsigned *cpu)
{
	if (tid == 0 || tid == kthread_tid(sched_current())) {
		*cpu = cpu_id();
		return 0;
	}
	return kthread_with(tid, cpu_of, cpu);
}

/* The mask is where a thread may be placed, as on Linux: every CPU. A
 * thread still runs on one of them only, which sched_getcpu() tells;
 * musl's sysconf(_SC_NPROCESSORS_ONLN) counts this mask. */
SYSCALL_DEFINE3(sched_getaffinity, int, tid, size_t, size, void *, set)
{
	unsigned cpu;
	long rc;

	if (size < MASK_BYTES || size % sizeof(long))
		return -EINVAL;
	if (!user_writable(set, MASK_BYTES))
		return -EFAULT;
	rc = thread_cpu_of(tid, &cpu);
	if (rc)
		return rc;
	memset(set, 0, MASK_BYTES);
	for (unsigned c = 0; c < cpu_count(); c++)
		((unsigned char *)set)[c / 8] |= 1 << (c % 8);
	return MASK_BYTES;
}

SYSCALL_DEFINE3(sched_setaffinity, int, tid, size_t, size, const void *, set)
{
	const unsigned char *bits = set;
	unsigned cpu, target = cpu_count();
	long rc;

	if (!user_readable(set, size))
		return -EFAULT;
	for (unsigned c = 0; c < cpu_count() && c / 8 < size; c++)
		if (bits[c / 8] & (1 << (c % 8))) {
			target = c;
			break;
		}
	if (target == cpu_count())
		return -EINVAL;	/* no CPU of the set exists */
	rc = thread_cpu_of(tid, &cpu);
	if (rc)
		return rc;
	if (cpu / 8 < size && bits[cpu / 8] & (1 << (cpu % 8)))
		return 0;	/* already where it may be */
	if (tid != 0 && tid != kthread_tid(sched_current()))
		return -EINVAL;
	return sched_migrate_self(target);
}

SYSCALL_DEFINE2(sched_getparam, int, tid, struct sched_param *, p)
{
	unsigned cpu;

	if (!user_writable(p, sizeof(*p)))
		return -EFAULT;
	long rc = thread_cpu_of(tid, &cpu);

	if (rc == 0)
		p->sched_priority = 0;
	return rc;
}

/* One policy, first come first served on each CPU: SCHED_OTHER with
 * priority 0 is the only setting there is to ask for. */
SYSCALL_DEFINE2(sched_setparam, int, tid, const struct sched_param *, p)
{
	unsigned cpu;

	if (!user_readable(p, sizeof(*p)))
		return -EFAULT;
	long rc = thread_cpu_of(tid, &cpu);

	return rc ? rc : p->sched_priority ? -EINVAL : 0;
}

SYSCALL_DEFINE1(sched_getscheduler, int, tid)
{
	unsigned cpu;
	long rc = thread_cpu_of(tid, &cpu);

	return rc ? rc : SCHED_OTHER;
}

SYSCALL_DEFINE3(sched_setscheduler, int, tid, int, policy,
		const struct sched_param *, p)
{
	unsigned cpu;

	if (!user_readable(p, sizeof(*p)))
		return -EFAULT;
	long rc = thread_cpu_of(tid, &cpu);

	if (rc)
		return rc;
	if (policy != SCHED_OTHER && policy != SCHED_BATCH &&
	    policy != SCHED_IDLE)
		return -EPERM;
	return p->sched_priority ? -EINVAL : 0;
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 99 : 0;
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : 0;
}

SYSCALL_DEFINE2(sched_rr_get_interval, int, tid, struct timespec *, ts)
{
	if (!user_writable(ts, sizeof(*ts)))
		return -EFAULT;
	*ts = (struct timespec){ 0 };	/* no time slices */
	return 0;
}

/* membarrier(): a full barrier on every CPU, run there in interrupt
 * context, for the commands that ask for one. */
#define MEMBARRIER_CMD_QUERY				0
#define MEMBARRIER_CMD_GLOBAL				(1 << 0)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED		(1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED	(1 << 4)

static void barrier_here(void *arg)
{
	(void)arg;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

SYSCALL_DEFINE2(membarrier, int, cmd, unsigned, flags)
{
	if (flags)
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_PRIVATE_EXPEDITED |
		       MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
		return 0;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		for (unsigned c = 0; c < cpu_count(); c++)
			if (c != cpu_id())
				smp_call_irq(c, barrier_here, NULL);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		return 0;
	default:
		return -EINVAL;
	}
}

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

SYSCALL_DEFINE2(arch_prctl, int, code, unsigned long, addr)
{
	switch (code) {
	case ARCH_SET_FS:
		kthread_set_tls(addr);
		return 0;
	case ARCH_GET_FS:
		if (!user_writable((void *)addr, sizeof(unsigned long)))
			return -EFAULT;
		*(unsigned long *)addr = sched_current()->tls_base;
		return 0;
	default:
		return -EINVAL;
	}
}
