// SPDX-License-Identifier: MIT
/*
 * Threads: creation on any CPU, exit, join, detach, sleep. The memory a
 * thread runs on (stack with its guard page, FPU area, thread-local
 * storage) is allocated by the CPU that will run it; a creation request
 * for another CPU travels through that CPU's inbox, and the creator parks
 * until it is done. A thread's stack can only be freed once the thread is
 * off it, so that happens after the next switch on its CPU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arch/context.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/thread_impl.h>
#include <kernel/timer.h>
#include <toro/cpu.h>
#include <toro/panic.h>
#include <toro/thread.h>
#include <toro/time.h>

struct create_req {
	struct sched_msg msg;		/* first: the inbox sees this */
	struct thread *t;
	struct thread *creator;		/* to wake when done, or NULL */
	int result;			/* 0 or -errno */
};

static uint64_t next_id = 1;

void (*thread_exit_hook)(struct thread *t);

/* Allocates what (t) runs on; on the CPU that will run it. */
static int thread_memory(struct thread *t)
{
	char *stack = page_alloc(t->stack_pages);

	if (!stack)
		return -EAGAIN;
	if (vm_set_guard((uintptr_t)stack)) {
		page_free(stack, t->stack_pages);
		return -EAGAIN;
	}
	t->stack = stack;
	if (t->fpu) {	/* set to a marker by thread_new(): wanted */
		t->fpu = heap_alloc_aligned(64, fpu_state_size());
		if (!t->fpu)
			goto err_stack;
		fpu_state_init(t->fpu);
		if (tls_setup(t))
			goto err_fpu;
	}
	t->sp = arch_thread_stack((uintptr_t)stack +
				  t->stack_pages * PAGE_SIZE);
	return 0;

err_fpu:
	heap_free(t->fpu);
	t->fpu = NULL;
err_stack:
	vm_map((uintptr_t)stack, PAGE_SIZE, VM_WRITE);
	page_free(stack, t->stack_pages);
	t->stack = NULL;
	return -EAGAIN;
}

void thread_create_here(struct create_req *req)
{
	struct thread *t = req->t, *creator = req->creator;
	int rc = thread_memory(t);

	if (rc == 0)
		sched_enqueue_new(t);
	req->result = rc;
	/* The request lives on the creator's stack: last touch. */
	if (creator)
		sched_wake(creator);
}

static struct thread *thread_new(unsigned cpu, size_t stack_size,
				 void *(*fn)(void *), void *arg, bool fpu)
{
	if (stack_size == 0)
		stack_size = THREAD_STACK_DEFAULT;
	if (stack_size < THREAD_STACK_MIN)
		stack_size = THREAD_STACK_MIN;
	if (stack_size > (1UL << 30))
		return NULL;
	struct thread *t = heap_alloc(sizeof(*t));

	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->cpu = cpu;
	t->fn = fn;
	t->arg = arg;
	t->stack_pages = ALIGN_UP(stack_size, PAGE_SIZE) / PAGE_SIZE + 1;
	t->fpu = fpu ? (void *)1 : NULL;	/* allocated on the target */
	t->refs = 2;
	t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	return t;
}

struct thread *thread_create_opts(unsigned cpu, size_t stack_size,
				  void *(*fn)(void *), void *arg, bool fpu)
{
	if (cpu == THREAD_CPU_SELF)
		cpu = this_cpu_id();
	if (cpu >= cpu_count() || !fn) {
		errno = EINVAL;
		return NULL;
	}
	struct thread *t = thread_new(cpu, stack_size, fn, arg, fpu);

	if (!t) {
		errno = EAGAIN;
		return NULL;
	}
	struct create_req req = { .t = t };

	if (cpu == this_cpu_id()) {
		thread_create_here(&req);
	} else {
		struct thread *self = sched_current();

		req.creator = self;
		self->waiting = 1;
		req.msg.type = MSG_CREATE;
		sched_send(cpu, &req.msg);
		bool irq = irq_save();

		sched_block();
		irq_restore(irq);
	}
	if (req.result) {
		heap_free(t);
		errno = -req.result;
		return NULL;
	}
	return t;
}

struct thread *thread_create(unsigned cpu, size_t stack_size,
			     void *(*fn)(void *), void *arg)
{
	return thread_create_opts(cpu, stack_size, fn, arg, true);
}

struct thread *thread_self(void)
{
	return sched_current();
}

uint64_t thread_id(const struct thread *t)
{
	return t->id;
}

unsigned thread_cpu(const struct thread *t)
{
	return t->cpu;
}

void thread_yield(void)
{
	sched_yield_cpu();
}

static void put(struct thread *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
		heap_free(t);
}

/* On the thread's CPU, right after it switched away for the last time:
 * everything it ran on goes back, and only then are joiners told, so a
 * join returns with the memory accounting settled. */
void thread_reap(struct thread *t)
{
	vm_map((uintptr_t)t->stack, PAGE_SIZE, VM_WRITE);	/* the guard */
	page_free(t->stack, t->stack_pages);
	heap_free(t->fpu);
	heap_free(t->tls);
	heap_free(t->keys);
	/* Drop the running thread's reference before telling joiners: a
	 * joiner cannot free (t) before this unlock, and then frees it itself,
	 * on its own CPU, before thread_join() returns. */
	bool irq = waitq_lock(&t->join);
	bool last = __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0;

	t->done = true;
	waitq_wake_all(&t->join);
	waitq_unlock(&t->join, irq);
	if (last)
		heap_free(t);	/* detached: nobody else will */
}

void thread_exit(void *value)
{
	struct thread *self = sched_current();

	if (thread_exit_hook)
		thread_exit_hook(self);
	self->retval = value;
	sched_exit();
}

int thread_join(struct thread *t, void **value)
{
	if (t == sched_current())
		return -EDEADLK;
	if (__atomic_exchange_n(&t->handle_taken, 1, __ATOMIC_ACQ_REL))
		return -EINVAL;
	struct waiter w;
	bool irq = waitq_lock(&t->join);

	while (!t->done)
		waitq_sleep(&t->join, &w, WAITQ_NO_DEADLINE, irq);
	waitq_unlock(&t->join, irq);
	if (value)
		*value = t->retval;
	put(t);
	return 0;
}

int thread_detach(struct thread *t)
{
	if (__atomic_exchange_n(&t->handle_taken, 1, __ATOMIC_ACQ_REL))
		return -EINVAL;
	put(t);
	return 0;
}

struct sleeper {
	struct timer timer;
	struct thread *thread;
};

static void sleeper_wake(struct timer *tm)
{
	sched_wake(container_of(tm, struct sleeper, timer)->thread);
}

void thread_sleep_until(uint64_t deadline)
{
	struct thread *self = sched_current();

	while (clock_ns() < deadline) {
		struct sleeper s = { .thread = self };
		bool irq = irq_save();

		self->waiting = 1;
		timer_start(&s.timer, deadline, sleeper_wake);
		sched_block();
		timer_cancel(&s.timer);
		irq_restore(irq);
	}
}

void thread_sleep_ns(uint64_t ns)
{
	uint64_t now = clock_ns();

	thread_sleep_until(ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
}
