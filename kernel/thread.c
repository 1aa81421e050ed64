// SPDX-License-Identifier: MIT
/*
 * Threads: creation on any CPU, exit, join, detach, sleep. The memory a
 * thread runs on (stack with its guard page, FPU area) is allocated by the
 * CPU that will run it; a creation request for another CPU travels through
 * that CPU's inbox, and the creator parks until it is done. A thread's
 * stack can only be freed, and a CLONE_CHILD_CLEARTID word cleared, once
 * the thread is off its stack, so that happens after the next switch on
 * its CPU.
 */
#include <errno.h>
#include <string.h>

#include <arch/context.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kernel/compiler.h>
#include <kernel/futex.h>
#include <kernel/heap.h>
#include <kernel/mmap.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
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

static int next_tid = 1;

/* Application threads by id, for signals and affinity calls that name a
 * thread (kthread_with()): in from creation, out when reaped. */
#define TID_BUCKETS 64
static struct {
	struct spinlock lock;
	struct thread *bucket[TID_BUCKETS];
} tids;

static void tid_add(struct thread *t)
{
	bool irq = spin_lock_irqsave(&tids.lock);

	t->tid_next = tids.bucket[t->id % TID_BUCKETS];
	tids.bucket[t->id % TID_BUCKETS] = t;
	spin_unlock_irqrestore(&tids.lock, irq);
}

static void tid_remove(struct thread *t)
{
	bool irq = spin_lock_irqsave(&tids.lock);
	struct thread **p = &tids.bucket[t->id % TID_BUCKETS];

	while (*p && *p != t)
		p = &(*p)->tid_next;
	if (*p)
		*p = t->tid_next;
	spin_unlock_irqrestore(&tids.lock, irq);
}

int kthread_each(int (*fn)(struct thread *t, void *arg), void *arg)
{
	int rc = 0;
	bool irq = spin_lock_irqsave(&tids.lock);

	for (unsigned b = 0; b < TID_BUCKETS && !rc; b++)
		for (struct thread *t = tids.bucket[b]; t && !rc;
		     t = t->tid_next)
			rc = fn(t, arg);
	spin_unlock_irqrestore(&tids.lock, irq);
	return rc;
}

int kthread_with(int tid, int (*fn)(struct thread *t, void *arg), void *arg)
{
	int rc = -ESRCH;
	bool irq = spin_lock_irqsave(&tids.lock);

	for (struct thread *t = tids.bucket[(unsigned)tid % TID_BUCKETS]; t;
	     t = t->tid_next) {
		if (t->id == tid) {
			rc = fn(t, arg);
			break;
		}
	}
	spin_unlock_irqrestore(&tids.lock, irq);
	return rc;
}

/* Allocates what (t) runs on; on the CPU that will run it. */
static int thread_memory(struct thread *t)
{
	uintptr_t top = t->stack_top;

	if (!top) {
		char *stack = page_alloc(t->stack_pages);

		if (!stack)
			return -EAGAIN;
		if (vm_set_guard((uintptr_t)stack)) {
			page_free(stack, t->stack_pages);
			return -EAGAIN;
		}
		t->stack = stack;
		top = (uintptr_t)stack + t->stack_pages * PAGE_SIZE;
	}
	if (t->fpu) {	/* set to a marker by thread_new(): wanted */
		t->fpu = heap_alloc(fpu_state_size());
		if (!t->fpu)
			goto err_stack;
		fpu_state_init(t->fpu);
	}
	t->sp = arch_thread_stack(top & ~(uintptr_t)15);
	return 0;

err_stack:
	if (t->stack) {
		vm_map((uintptr_t)t->stack, PAGE_SIZE, VM_WRITE);
		page_free(t->stack, t->stack_pages);
		t->stack = NULL;
	}
	return -EAGAIN;
}

void thread_create_here(struct create_req *req)
{
	struct thread *t = req->t, *creator = req->creator;
	int rc = thread_memory(t);

	if (rc == 0) {
		if (t->fpu)
			tid_add(t);
		sched_enqueue_new(t);
	}
	req->result = rc;
	/* The request lives on the creator's stack: last touch. */
	if (creator)
		sched_wake(creator);
}

static struct thread *thread_new(const struct thread_params *p,
				 unsigned cpu)
{
	struct thread *t = heap_alloc(sizeof(*t));

	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->cpu = cpu;
	t->fn = p->fn;
	t->arg = p->arg;
	t->stack_top = p->stack_top;
	if (p->stack_top)
		t->stack_size = p->stack_size;
	else
		t->stack_pages = ALIGN_UP(p->stack_size, PAGE_SIZE) /
				 PAGE_SIZE + 1;
	t->fpu = p->fpu ? (void *)1 : NULL;	/* allocated on the target */
	t->tls_base = p->tls;
	t->clear_tid = p->clear_tid;
	t->refs = p->joinable ? 2 : 1;
	t->id = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
	/* A name and the signal mask are inherited, as on Linux: musl
	 * blocks every signal around a creation, so that none can land on
	 * the new thread before it sets the mask it was created with. */
	struct thread *creator = sched_current();

	if (creator) {
		memcpy(t->name, creator->name, sizeof(t->name));
		t->sig_blocked = creator->sig_blocked;
	}
	if (p->parent_tid)
		*p->parent_tid = t->id;
	return t;
}

int kthread_spawn(const struct thread_params *p, struct thread **out)
{
	unsigned cpu = p->cpu == THREAD_CPU_SELF ? this_cpu_id() : p->cpu;
	struct thread_params q = *p;

	if (cpu >= cpu_count() || !p->fn)
		return -EINVAL;
	if (!q.stack_top) {
		if (q.stack_size == 0)
			q.stack_size = THREAD_STACK_DEFAULT;
		if (q.stack_size < THREAD_STACK_MIN)
			q.stack_size = THREAD_STACK_MIN;
		if (q.stack_size > (1UL << 30))
			return -EINVAL;
	}
	struct thread *t = thread_new(&q, cpu);

	if (!t)
		return -EAGAIN;
	/* A thread without a handle may be gone by the time we return. */
	int tid = t->id;
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
		return req.result;
	}
	if (out && p->joinable)
		*out = t;
	return tid;
}

struct thread *kthread_create(unsigned cpu, size_t stack_size,
			      void *(*fn)(void *), void *arg)
{
	struct thread_params p = { .cpu = cpu, .fn = fn, .arg = arg,
				   .stack_size = stack_size, .joinable = true };
	struct thread *t;

	return kthread_spawn(&p, &t) < 0 ? NULL : t;
}

struct thread *thread_self(void)
{
	return sched_current();
}

uint64_t thread_id(const struct thread *t)
{
	return (uint64_t)t->id;
}

int kthread_tid(const struct thread *t)
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

void kthread_set_tls(uintptr_t tls)
{
	bool irq = irq_save();

	sched_current()->tls_base = tls;
	arch_set_tls(tls);
	irq_restore(irq);
}

void kthread_set_clear_tid(int *clear_tid)
{
	sched_current()->clear_tid = clear_tid;
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
	if (t->fpu)
		tid_remove(t);
	if (t->stack) {
		vm_map((uintptr_t)t->stack, PAGE_SIZE, VM_WRITE); /* guard */
		page_free(t->stack, t->stack_pages);
	}
	heap_free(t->fpu);
	if (t->unmap_len)
		mm_unmap(t->unmap_base, t->unmap_len);
	/* The C library frees a pthread's stack once this says the thread
	 * is gone (musl's __thread_list_lock or a joiner's tid word). */
	if (t->clear_tid) {
		__atomic_store_n(t->clear_tid, 0, __ATOMIC_RELEASE);
		futex_wake(t->clear_tid, 1);
	}
	/* Drop the running thread's reference before telling joiners: a
	 * joiner cannot free (t) before this unlock, and then frees it itself,
	 * on its own CPU, before kthread_join() returns. */
	bool irq = waitq_lock(&t->join);
	bool last = __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0;

	t->done = true;
	waitq_wake_all(&t->join);
	waitq_unlock(&t->join, irq);
	if (last)
		heap_free(t);	/* detached: nobody else will */
}

void kthread_exit(void *value)
{
	sched_current()->retval = value;
	sched_exit();
}

void kthread_exit_unmap(void *base, size_t size)
{
	struct thread *self = sched_current();

	self->unmap_base = base;
	self->unmap_len = size;
	sched_exit();
}

static void take_handle(struct thread *t, const char *what)
{
	if (__atomic_exchange_n(&t->handle_taken, 1, __ATOMIC_ACQ_REL))
		panic("%s of thread %d, already joined or detached", what,
		      t->id);
}

int kthread_join(struct thread *t, void **value)
{
	if (t == sched_current())
		return -EDEADLK;
	take_handle(t, "kthread_join");
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

void kthread_detach(struct thread *t)
{
	take_handle(t, "kthread_detach");
	put(t);
}

struct sleeper {
	struct timer timer;
	struct thread *thread;
};

static void sleeper_wake(struct timer *tm)
{
	sched_wake(container_of(tm, struct sleeper, timer)->thread);
}

int thread_sleep_until_intr(uint64_t deadline)
{
	struct thread *self = sched_current();

	while (clock_ns() < deadline) {
		struct sleeper s = { .thread = self };
		bool irq = irq_save();

		if (sched_interrupted(self)) {
			irq_restore(irq);
			return -EINTR;
		}
		self->waiting = 1;
		self->intr_sleep = 1;
		if (sched_interrupted(self)) {
			self->waiting = 0;
			self->intr_sleep = 0;
			irq_restore(irq);
			return -EINTR;
		}
		timer_start(&s.timer, deadline, sleeper_wake);
		sched_block();
		self->intr_sleep = 0;
		timer_cancel(&s.timer);
		irq_restore(irq);
	}
	return 0;
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
